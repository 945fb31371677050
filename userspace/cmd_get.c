// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope get PID...  and  brkscope list [--sort KEY] [--by comm|cgroup]
 *
 * Both show processes as BRKSCOPE_CMD_GET describes them: get one request
 * per pid, list one dump.  The JSON objects are the same; in text, get
 * writes a block per process and list a table.  list --by sums them per
 * command name or cgroup instead (groups.h).
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "cgroups.h"
#include "groups.h"
#include "internal.h"
#include "output.h"
#include "procs.h"

/* What print_proc() shows, in this order. */
enum {
	F_PID, F_COMM, F_START_BRK, F_BRK, F_HEAP_END, F_HEAP_BYTES, F_GROWS,
	F_GROWN_BYTES, F_FAILED_GROWS, F_SHRINKS, F_SHRUNK_BYTES, F_PEAK_BRK,
	F_LAST_CHANGE, F_TRACKED, F_CGROUP_ID, F_CGROUP, F_COUNT
};

static const struct out_field proc_fields[F_COUNT] = {
	[F_PID]		= { "pid", NULL, OUT_U64 },
	[F_COMM]	= { "comm", NULL, OUT_STR },
	[F_START_BRK]	= { "start_brk", "start_brk", OUT_HEX },
	[F_BRK]		= { "brk", "brk", OUT_HEX },
	[F_HEAP_END]	= { "heap_end", "heap_end", OUT_HEX },
	[F_HEAP_BYTES]	= { "heap_bytes", "heap size", OUT_SIZE },
	[F_GROWS]	= { "grows", "grows", OUT_U64 },
	[F_GROWN_BYTES]	= { "grown_bytes", "grown bytes", OUT_SIZE },
	[F_FAILED_GROWS] = { "failed_grows", "failed grows", OUT_U64 },
	[F_SHRINKS]	= { "shrinks", "shrinks", OUT_U64 },
	[F_SHRUNK_BYTES] = { "shrunk_bytes", "shrunk bytes", OUT_SIZE },
	[F_PEAK_BRK]	= { "peak_brk", "peak brk", OUT_HEX },
	[F_LAST_CHANGE]	= { "last_change_ns", "last change", OUT_TIME_NS },
	[F_TRACKED]	= { "tracked", "tracked", OUT_BOOL },
	[F_CGROUP_ID]	= { "cgroup_id", NULL, OUT_U64 },
	[F_CGROUP]	= { "cgroup", "cgroup", OUT_STR },
};

/*
 * One process: a block (get) or a table row (list); one JSON object.
 * @cgroup: the name of its cgroup (cgroup_map_name()).
 */
static void print_proc(struct out *o, const struct proc *p, const char *cgroup)
{
	const struct out_value v[F_COUNT] = {
		[F_PID]		= { .u = p->pid },
		[F_COMM]	= { .s = p->comm },
		[F_START_BRK]	= { .u = p->start_brk },
		[F_BRK]		= { .u = p->brk },
		[F_HEAP_END]	= { .u = p->heap_end },
		[F_HEAP_BYTES]	= { .u = p->heap_bytes },
		[F_GROWS]	= { .u = p->grows },
		[F_GROWN_BYTES]	= { .u = p->grown_bytes },
		[F_FAILED_GROWS] = { .u = p->failed_grows },
		[F_SHRINKS]	= { .u = p->shrinks },
		[F_SHRUNK_BYTES] = { .u = p->shrunk_bytes },
		[F_PEAK_BRK]	= { .u = p->peak_brk },
		[F_LAST_CHANGE]	= { .u = p->last_change_ns, .s = "never",
				    .null = !p->has_last_change },
		[F_TRACKED]	= { .u = p->tracked },
		[F_CGROUP_ID]	= { .u = p->cgroup_id },
		[F_CGROUP]	= { .s = cgroup },
	};

	out_object_begin(o, NULL);
	if (out_titles(o)) {
		char comm[sizeof(p->comm) * 4];

		print_title(o, "pid %" PRIu32 " (%s)", p->pid,
			    out_sanitize(comm, sizeof(comm), p->comm));
	}
	print_fields(o, proc_fields, v, F_COUNT);
	out_object_end(o);
}

/* Width of the longest get label plus its colon. */
#define GET_LABEL_WIDTH	((int)sizeof("failed grows:") - 1)

/* Finish a command's output: report a write error. */
static int finish(struct out *o, const char *ctx, int ret)
{
	if (out_flush(o) < 0) {
		pr_err("%s: writing output: %s", ctx, strerror(errno));
		return ret ? ret : EXIT_ERROR;
	}
	return ret;
}

struct get_data {
	const struct nl_ctx *nl;
	struct proc *p;
	bool got;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_data *d = data;
	int ret = proc_from_msg(nlh, d->nl, d->p);

	if (ret < 0)
		return MNL_CB_ERROR;
	if (ret > 0)
		d->got = true;
	return MNL_CB_OK;
}

int cmd_get(const struct opts *opts, int argc, char **argv)
{
	struct cgroup_map *cg;
	uint32_t *pids;
	struct nl_ctx nl;
	struct out o;
	int i, ret, first = EXIT_OK;

	if (argc < 2)
		return usage_err("get: no PID given");
	pids = calloc((size_t)argc, sizeof(*pids));
	if (!pids) {
		pr_err("get: %s", strerror(errno));
		return EXIT_ERROR;
	}
	for (i = 1; i < argc; i++) {
		if (parse_pid(argv[i], &pids[i]) < 0) {
			char arg[64];

			free(pids);
			return usage_err("get: bad pid '%s': a pid is a number from 1 to 2147483647",
					 out_sanitize(arg, sizeof(arg), argv[i]));
		}
	}

	cg = cgroup_map_new(NULL);
	if (!cg) {
		pr_err("get: %s", strerror(errno));
		free(pids);
		return EXIT_ERROR;
	}
	ret = open_family(&nl, "get");
	if (ret) {
		nl_close(&nl);
		cgroup_map_free(cg);
		free(pids);
		return ret;
	}

	out_init(&o, stdout, opts->json, GET_LABEL_WIDTH);
	out_array_begin(&o, NULL);
	for (i = 1; i < argc; i++) {
		struct proc p = { 0 };
		struct get_data d = { .nl = &nl, .p = &p };
		struct nlmsghdr *nlh;
		char ctx[32];

		nlh = nl_genl_msg(&nl, nl.family_id, BRKSCOPE_CMD_GET,
				  BRKSCOPE_FAMILY_VERSION, 0);
		if (!mnl_attr_put_u32_check(nlh, NL_TX_BUF_SIZE,
					    BRKSCOPE_A_PID, pids[i]))
			ret = nl_fail(&nl, EMSGSIZE, "request too large");
		else
			ret = nl_request(&nl, nlh, get_cb, &d);
		if (!ret && !d.got)
			ret = nl_fail(&nl, EPROTO, "the kernel sent no process");
		if (!ret) {
			print_proc(&o, &p, cgroup_map_name(cg, p.cgroup_id));
			continue;
		}
		/* Report it and go on with the next pid. */
		snprintf(ctx, sizeof(ctx), "get %" PRIu32, pids[i]);
		ret = report_nl_error(ctx, &nl);
		if (!first)
			first = ret;
	}
	out_array_end(&o);

	nl_close(&nl);
	cgroup_map_free(cg);
	free(pids);
	return finish(&o, "get", first);
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct proc *p = a, *q = b;

	return p->pid < q->pid ? -1 : p->pid > q->pid;
}

static int by_heap(const void *a, const void *b)
{
	const struct proc *p = a, *q = b;
	int c = cmp_u64_desc(p->heap_bytes, q->heap_bytes);

	return c ? c : by_pid(a, b);
}

static int by_grows(const void *a, const void *b)
{
	const struct proc *p = a, *q = b;
	int c = cmp_u64_desc(p->grows, q->grows);

	return c ? c : by_pid(a, b);
}

/* Groups come sorted by name: these keep that order among equals. */
static int group_by_heap(const void *a, const void *b)
{
	const struct group *g = a, *h = b;
	int c = cmp_u64_desc(g->heap_bytes, h->heap_bytes);

	return c ? c : g < h ? -1 : g > h;
}

static int group_by_grows(const void *a, const void *b)
{
	const struct group *g = a, *h = b;
	int c = cmp_u64_desc(g->grows, h->grows);

	return c ? c : g < h ? -1 : g > h;
}

/* Whether @v is in @cmp's order already, as a dump by pid is. */
static bool in_order(const struct proc *v, size_t n,
		     int (*cmp)(const void *a, const void *b))
{
	size_t i;

	for (i = 1; i < n; i++)
		if (cmp(&v[i - 1], &v[i]) > 0)
			return false;
	return true;
}

/*
 * The sort keys: of processes, and of groups (NULL: not one for groups;
 * "name" keeps groups_make()'s order).
 */
static const struct {
	const char *name;
	int (*cmp)(const void *a, const void *b);
	int (*group_cmp)(const void *a, const void *b);
	bool for_procs;
} sort_keys[] = {
	{ "pid", by_pid, NULL, true },
	{ "heap", by_heap, group_by_heap, true },
	{ "grows", by_grows, group_by_grows, true },
	{ "name", NULL, NULL, false },
};

static const struct out_col list_cols[] = {
	{ .key = "pid",		 .head = "PID",	      .width = 7 },
	{ .key = "comm",	 .head = "COMM",      .width = 16, .left = true },
	{ .key = "start_brk",	 .head = "START_BRK", .width = 14 },
	{ .key = "brk",		 .head = "BRK",	      .width = 14 },
	{ .key = "heap_bytes",	 .head = "HEAP",      .width = 6 },
	{ .key = "grows",	 .head = "GROWS",     .width = 6 },
	{ .key = "grown_bytes",	 .head = "GROWN",     .width = 6 },
	{ .key = "failed_grows", .head = "FAILED",    .width = 6 },
	{ .key = "shrinks",	 .head = "SHRINKS",   .width = 7 },
	{ .key = "shrunk_bytes", .head = "SHRUNK",    .width = 6 },
	{ .key = "peak_brk",	 .head = "PEAK_BRK",  .width = 14 },
	{ .key = "cgroup",	 .head = "CGROUP",    .width = 6, .left = true },
};

/* What print_group() shows, in this order. */
enum {
	G_COMM, G_CGROUP_ID, G_CGROUP, G_PROCS, G_HEAP_BYTES, G_GROWS,
	G_GROWN_BYTES, G_FAILED_GROWS, G_SHRINKS, G_SHRUNK_BYTES, G_COUNT
};

static const struct out_field group_fields[G_COUNT] = {
	[G_COMM]	 = { "comm", NULL, OUT_STR },
	[G_CGROUP_ID]	 = { "cgroup_id", NULL, OUT_U64 },
	[G_CGROUP]	 = { "cgroup", NULL, OUT_STR },
	[G_PROCS]	 = { "processes", NULL, OUT_U64 },
	[G_HEAP_BYTES]	 = { "heap_bytes", NULL, OUT_SIZE },
	[G_GROWS]	 = { "grows", NULL, OUT_U64 },
	[G_GROWN_BYTES]	 = { "grown_bytes", NULL, OUT_SIZE },
	[G_FAILED_GROWS] = { "failed_grows", NULL, OUT_U64 },
	[G_SHRINKS]	 = { "shrinks", NULL, OUT_U64 },
	[G_SHRUNK_BYTES] = { "shrunk_bytes", NULL, OUT_SIZE },
};

/* The columns of list --by: the group's name first. */
#define GROUP_COLS(k, h, w)						\
	{ .key = k, .head = h, .width = w, .left = true },		\
	{ .key = "processes",	 .head = "PROCS",   .width = 5 },	\
	{ .key = "heap_bytes",	 .head = "HEAP",    .width = 6 },	\
	{ .key = "grows",	 .head = "GROWS",   .width = 6 },	\
	{ .key = "grown_bytes",	 .head = "GROWN",   .width = 6 },	\
	{ .key = "failed_grows", .head = "FAILED",  .width = 6 },	\
	{ .key = "shrinks",	 .head = "SHRINKS", .width = 7 },	\
	{ .key = "shrunk_bytes", .head = "SHRUNK",  .width = 6 }

static const struct out_col comm_cols[] = { GROUP_COLS("comm", "COMM", 16) };
static const struct out_col cgroup_cols[] = { GROUP_COLS("cgroup", "CGROUP", 24) };

/* One group: a table row; one JSON object with the key it is grouped by. */
static void print_group(struct out *o, const struct group *g, unsigned int by)
{
	const struct out_value v[G_COUNT] = {
		[G_COMM]	 = { .s = g->comm },
		[G_CGROUP_ID]	 = { .u = g->cgroup_id },
		[G_CGROUP]	 = { .s = g->cgroup },
		[G_PROCS]	 = { .u = g->procs },
		[G_HEAP_BYTES]	 = { .u = g->heap_bytes },
		[G_GROWS]	 = { .u = g->grows },
		[G_GROWN_BYTES]	 = { .u = g->grown_bytes },
		[G_FAILED_GROWS] = { .u = g->failed_grows },
		[G_SHRINKS]	 = { .u = g->shrinks },
		[G_SHRUNK_BYTES] = { .u = g->shrunk_bytes },
	};

	out_object_begin(o, NULL);
	if (by == GROUP_BY_COMM)
		print_fields(o, group_fields, v, 1);
	else
		print_fields(o, group_fields + G_CGROUP_ID, v + G_CGROUP_ID, 2);
	print_fields(o, group_fields + G_PROCS, v + G_PROCS, G_COUNT - G_PROCS);
	out_object_end(o);
}

/* list --by: the groups, in @group_cmp's order (NULL: by name). */
static int list_groups(struct out *o, const struct proc_vec *pv, unsigned int by,
		       struct cgroup_map *cg,
		       int (*group_cmp)(const void *a, const void *b))
{
	struct group_vec gv = { 0 };
	size_t i;

	if (groups_make(pv->v, pv->n, by, cg, &gv)) {
		pr_err("list: %s", strerror(errno));
		return EXIT_ERROR;
	}
	if (group_cmp)
		qsort(gv.v, gv.n, sizeof(*gv.v), group_cmp);
	if (by == GROUP_BY_COMM)
		out_table(o, comm_cols, ARRAY_SIZE(comm_cols));
	else
		out_table(o, cgroup_cols, ARRAY_SIZE(cgroup_cols));
	out_array_begin(o, NULL);
	for (i = 0; i < gv.n; i++)
		print_group(o, &gv.v[i], by);
	out_array_end(o);
	group_vec_free(&gv);
	return EXIT_OK;
}

int cmd_list(const struct opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sort", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	size_t key = 0;	/* pid, or name with --by */
	struct proc_vec pv = { 0 };
	struct cgroup_map *cg;
	unsigned int by = 0;
	bool sorted = false;
	struct nl_ctx nl;
	struct out o;
	char arg[64];
	size_t i;
	int c, ret;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+:s:b:", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			for (i = 0; i < ARRAY_SIZE(sort_keys); i++)
				if (!strcmp(optarg, sort_keys[i].name))
					break;
			if (i == ARRAY_SIZE(sort_keys))
				return usage_err("list: bad sort key '%s': use heap, grows, pid, or name with --by",
						 out_sanitize(arg, sizeof(arg), optarg));
			key = i;
			sorted = true;
			break;
		case 'b':
			if (!strcmp(optarg, "comm"))
				by = GROUP_BY_COMM;
			else if (!strcmp(optarg, "cgroup"))
				by = GROUP_BY_CGROUP;
			else
				return usage_err("list: bad --by '%s': use comm or cgroup",
						 out_sanitize(arg, sizeof(arg), optarg));
			break;
		default:
			return option_err("list", c, argv);
		}
	}
	if (optind < argc)
		return usage_err("list: unexpected argument '%s'",
				 out_sanitize(arg, sizeof(arg), argv[optind]));
	if (!by && !sort_keys[key].for_procs)
		return usage_err("list: sort key '%s' is for groups: use it with --by",
				 sort_keys[key].name);
	if (by && sorted && !sort_keys[key].group_cmp && sort_keys[key].cmp)
		return usage_err("list: sort key '%s' is not one of groups: use heap, grows or name",
				 sort_keys[key].name);

	cg = cgroup_map_new(NULL);
	if (!cg) {
		pr_err("list: %s", strerror(errno));
		return EXIT_ERROR;
	}
	ret = open_family(&nl, "list");
	if (!ret && procs_dump(&nl, &pv))
		ret = report_nl_error("list", &nl);
	nl_close(&nl);
	if (ret)
		goto out;

	out_init(&o, stdout, opts->json, 0);
	out_hold(&o);	/* nothing else is written until finish() */
	if (by) {
		ret = list_groups(&o, &pv, by, cg,
				  sorted ? sort_keys[key].group_cmp : NULL);
	} else {
		int (*cmp)(const void *a, const void *b) = sort_keys[key].cmp;

		if (!in_order(pv.v, pv.n, cmp))
			qsort(pv.v, pv.n, sizeof(*pv.v), cmp);
		out_table(&o, list_cols, ARRAY_SIZE(list_cols));
		out_array_begin(&o, NULL);
		for (i = 0; i < pv.n; i++)
			print_proc(&o, &pv.v[i],
				   cgroup_map_name(cg, pv.v[i].cgroup_id));
		out_array_end(&o);
	}
	ret = finish(&o, "list", ret);
out:
	proc_vec_free(&pv);
	cgroup_map_free(cg);
	return ret;
}
