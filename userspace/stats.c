// SPDX-License-Identifier: GPL-2.0
/*
 * The module's own figures: one BRKSCOPE_CMD_GET_STATS request.
 */

#include <errno.h>
#include <string.h>

#include "internal.h"
#include "stats.h"

/* Every one is a u64. */
const char *const stat_names[BRKSCOPE_STATS_A_MAX + 1] = {
	[BRKSCOPE_STATS_A_PROBE_HITS]		= "probe_hits",
	[BRKSCOPE_STATS_A_PROBE_MISSED]		= "probe_missed",
	[BRKSCOPE_STATS_A_DO_BRK_FLAGS_HITS]	= "do_brk_flags_hits",
	[BRKSCOPE_STATS_A_DO_BRK_FLAGS_MISSED]	= "do_brk_flags_missed",
	[BRKSCOPE_STATS_A_BRK_SYSCALL_HITS]	= "brk_syscall_hits",
	[BRKSCOPE_STATS_A_BRK_SYSCALL_MISSED]	= "brk_syscall_missed",
	[BRKSCOPE_STATS_A_EXIT_MMAP_HITS]	= "exit_mmap_hits",
	[BRKSCOPE_STATS_A_EXIT_MMAP_MISSED]	= "exit_mmap_missed",
	[BRKSCOPE_STATS_A_LOADER_MAPS]		= "loader_maps",
	[BRKSCOPE_STATS_A_RECORDS_IN_USE]	= "records_in_use",
	[BRKSCOPE_STATS_A_RECORDS_LIMIT]	= "records_limit",
	[BRKSCOPE_STATS_A_RECORDS_DROPPED]	= "records_dropped",
	[BRKSCOPE_STATS_A_EVENTS_SENT]		= "events_sent",
	[BRKSCOPE_STATS_A_EVENTS_DROPPED]	= "events_dropped",
	[BRKSCOPE_STATS_A_RECORDS_STALE]	= "records_stale",
	[BRKSCOPE_STATS_A_RECORD_POOL_BYTES]	= "record_pool_bytes",
	[BRKSCOPE_STATS_A_RECORD_TABLE_BYTES]	= "record_table_bytes",
	[BRKSCOPE_STATS_A_EVENT_RING_BYTES]	= "event_ring_bytes",
};

struct stats_data {
	const struct nl_ctx *nl;
	bool got;
	struct stats *st;
};

/* The BRKSCOPE_A_STATS nest: the figures of stat_names[], all u64. */
static int stats_attr_cb(const struct nlattr *attr, void *data)
{
	enum mnl_attr_data_type types[BRKSCOPE_STATS_A_MAX + 1];
	int i;

	for (i = 0; i <= BRKSCOPE_STATS_A_MAX; i++)
		types[i] = stat_names[i] ? MNL_TYPE_U64 : MNL_TYPE_UNSPEC;
	return nl_attr_store(attr, data, types, BRKSCOPE_STATS_A_MAX);
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *stb[BRKSCOPE_STATS_A_MAX + 1] = { NULL };
	const struct nlattr *tb[BRKSCOPE_A_MAX + 1];
	struct stats_data *d = data;
	int i, ret;

	ret = brkscope_msg(nlh, d->nl, BRKSCOPE_CMD_GET_STATS, tb);
	if (ret <= 0)
		return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
	if (!tb[BRKSCOPE_A_STATS] ||
	    mnl_attr_parse_nested(tb[BRKSCOPE_A_STATS], stats_attr_cb,
				  stb) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	for (i = 0; i <= BRKSCOPE_STATS_A_MAX; i++) {
		if (stb[i] && stat_names[i]) {
			d->st->has[i] = true;
			d->st->value[i] = mnl_attr_get_u64(stb[i]);
		}
	}
	d->got = true;
	return MNL_CB_OK;
}

int stats_fetch(struct nl_ctx *nl, struct stats *st)
{
	struct stats_data d = { .nl = nl, .st = st };
	struct nlmsghdr *nlh;

	memset(st, 0, sizeof(*st));
	nlh = nl_genl_msg(nl, nl->family_id, BRKSCOPE_CMD_GET_STATS,
			  BRKSCOPE_FAMILY_VERSION, 0);
	if (nl_request(nl, nlh, stats_cb, &d))
		return -1;
	if (!d.got) {
		nl_fail(nl, EPROTO, "the kernel sent no statistics");
		return -1;
	}
	return 0;
}
