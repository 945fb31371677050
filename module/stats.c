// SPDX-License-Identifier: GPL-2.0
/*
 * The global figures: one table, walked by debugfs's stats file and by
 * netlink's GET_STATS, so a figure is described in exactly one place.
 */

#include <linux/kernel.h>

#include "brkscope.h"
#include "uapi/brkscope.h"

static u64 all_hits(int unused)
{
	return brkscope_probe_hits(BRKSCOPE_PROBE_GROW) +
	       brkscope_probe_hits(BRKSCOPE_PROBE_SYSCALL) +
	       brkscope_probe_hits(BRKSCOPE_PROBE_MM_EXIT);
}

static u64 all_missed(int unused)
{
	return brkscope_probe_missed(BRKSCOPE_PROBE_GROW) +
	       brkscope_probe_missed(BRKSCOPE_PROBE_SYSCALL) +
	       brkscope_probe_missed(BRKSCOPE_PROBE_MM_EXIT);
}

static u64 hits(int probe)
{
	return brkscope_probe_hits(probe);
}

static u64 missed(int probe)
{
	return brkscope_probe_missed(probe);
}

static u64 in_use(int unused)
{
	return brkscope_records_in_use();
}

static u64 limit(int unused)
{
	return brkscope_records_limit();
}

static u64 dropped(int unused)
{
	return brkscope_records_dropped();
}

static u64 stale(int unused)
{
	return brkscope_records_stale();
}

static u64 sent(int unused)
{
	return brkscope_events_sent();
}

static u64 events_dropped(int unused)
{
	return brkscope_events_dropped();
}

static u64 pool_bytes(int unused)
{
	return brkscope_records_pool_bytes();
}

static u64 table_bytes(int unused)
{
	return brkscope_records_table_bytes();
}

static u64 ring_bytes(int unused)
{
	return brkscope_events_ring_bytes();
}

/* In the order of the attributes; Documentation/debugfs.rst says what each means. */
static const struct {
	const char *name;
	int attr;
	u64 (*read)(int arg);
	int arg;
} figures[BRKSCOPE_NR_STATS] = {
	{ "probe_hits", BRKSCOPE_STATS_A_PROBE_HITS, all_hits },
	{ "probe_missed", BRKSCOPE_STATS_A_PROBE_MISSED, all_missed },
	{ "do_brk_flags_hits", BRKSCOPE_STATS_A_DO_BRK_FLAGS_HITS, hits,
	  BRKSCOPE_PROBE_GROW },
	{ "do_brk_flags_missed", BRKSCOPE_STATS_A_DO_BRK_FLAGS_MISSED, missed,
	  BRKSCOPE_PROBE_GROW },
	{ "brk_syscall_hits", BRKSCOPE_STATS_A_BRK_SYSCALL_HITS, hits,
	  BRKSCOPE_PROBE_SYSCALL },
	{ "brk_syscall_missed", BRKSCOPE_STATS_A_BRK_SYSCALL_MISSED, missed,
	  BRKSCOPE_PROBE_SYSCALL },
	{ "exit_mmap_hits", BRKSCOPE_STATS_A_EXIT_MMAP_HITS, hits,
	  BRKSCOPE_PROBE_MM_EXIT },
	{ "exit_mmap_missed", BRKSCOPE_STATS_A_EXIT_MMAP_MISSED, missed,
	  BRKSCOPE_PROBE_MM_EXIT },
	{ "loader_maps", BRKSCOPE_STATS_A_LOADER_MAPS, hits, BRKSCOPE_PROBE_LOADER },
	{ "records_in_use", BRKSCOPE_STATS_A_RECORDS_IN_USE, in_use },
	{ "records_limit", BRKSCOPE_STATS_A_RECORDS_LIMIT, limit },
	{ "records_dropped", BRKSCOPE_STATS_A_RECORDS_DROPPED, dropped },
	{ "events_sent", BRKSCOPE_STATS_A_EVENTS_SENT, sent },
	{ "events_dropped", BRKSCOPE_STATS_A_EVENTS_DROPPED, events_dropped },
	{ "records_stale", BRKSCOPE_STATS_A_RECORDS_STALE, stale },
	{ "record_pool_bytes", BRKSCOPE_STATS_A_RECORD_POOL_BYTES, pool_bytes },
	{ "record_table_bytes", BRKSCOPE_STATS_A_RECORD_TABLE_BYTES, table_bytes },
	{ "event_ring_bytes", BRKSCOPE_STATS_A_EVENT_RING_BYTES, ring_bytes },
};

/**
 * brkscope_stats_read() - take every global figure
 * @st: filled in, in the order of the table above
 *
 * Each figure is read on its own: the set is not an atomic snapshot.
 */
void brkscope_stats_read(struct brkscope_stat st[BRKSCOPE_NR_STATS])
{
	int i;

	for (i = 0; i < ARRAY_SIZE(figures); i++) {
		st[i].name = figures[i].name;
		st[i].attr = figures[i].attr;
		st[i].value = figures[i].read(figures[i].arg);
	}
}
