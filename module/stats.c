// SPDX-License-Identifier: GPL-2.0
/* The global figures, gathered once for both debugfs and netlink. */

#include "brkscope.h"

/**
 * brkscope_stats_read() - take every global counter
 * @st: filled in
 *
 * Each counter is read on its own: the set is not an atomic snapshot.
 */
void brkscope_stats_read(struct brkscope_stats *st)
{
	int i;

	brkscope_probes_stats(st->probe);
	st->probe_hits = 0;
	st->probe_missed = 0;
	for (i = 0; i < BRKSCOPE_NR_PROBES; i++) {
		st->probe_hits += st->probe[i].hits;
		st->probe_missed += st->probe[i].missed;
	}
	st->loader_maps = brkscope_probes_loader_maps();
	st->records_in_use = brkscope_records_in_use();
	st->records_limit = brkscope_records_limit();
	st->records_dropped = brkscope_records_dropped();
	st->events_sent = brkscope_events_sent();
	st->events_dropped = brkscope_events_dropped();
}
