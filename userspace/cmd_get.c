// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope get PID...  and  brkscope list [--sort heap|grows|pid]
 *
 * Both show processes as BRKSCOPE_CMD_GET describes them: get one request
 * per pid, list one dump.  The JSON objects are the same; in text, get
 * writes a block per process and list a table.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "output.h"

#define ADDR_FMT	"0x%" PRIx64

/* One process, as the kernel described it. */
struct proc {
	uint32_t pid;
	char comm[64];
	uint64_t start_brk;
	uint64_t brk;
	uint64_t heap_end;
	uint64_t heap_bytes;
	uint64_t grows;
	uint64_t grown_bytes;
	uint64_t failed_grows;
	uint64_t shrinks;
	uint64_t shrunk_bytes;
	uint64_t peak_brk;
	uint64_t last_change_ns;
	bool has_last_change;
	bool tracked;
};

/* A growable array of processes, for list. */
struct proc_vec {
	struct proc *v;
	size_t n;
	size_t cap;
};

/*
 * Fill @p from a BRKSCOPE_CMD_GET message.
 * Return: 1, 0 if it is not one (skip), -1 with errno set if malformed.
 */
static int proc_from_msg(const struct nlmsghdr *nlh, const struct nl_ctx *nl,
			 struct proc *p)
{
	static const uint16_t required[] = {
		BRKSCOPE_A_PID, BRKSCOPE_A_COMM, BRKSCOPE_A_START_BRK,
		BRKSCOPE_A_BRK, BRKSCOPE_A_HEAP_END, BRKSCOPE_A_GROWS,
		BRKSCOPE_A_GROWN_BYTES, BRKSCOPE_A_FAILED_GROWS,
		BRKSCOPE_A_SHRINKS, BRKSCOPE_A_SHRUNK_BYTES,
		BRKSCOPE_A_PEAK_BRK,
	};
	const struct nlattr *tb[BRKSCOPE_A_MAX + 1];
	size_t i;
	int ret;

	ret = brkscope_msg(nlh, nl, BRKSCOPE_CMD_GET, tb);
	if (ret <= 0)
		return ret;
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		if (!tb[required[i]]) {
			errno = EPROTO;
			return -1;
		}
	}
	memset(p, 0, sizeof(*p));
	p->pid = mnl_attr_get_u32(tb[BRKSCOPE_A_PID]);
	snprintf(p->comm, sizeof(p->comm), "%s",
		 mnl_attr_get_str(tb[BRKSCOPE_A_COMM]));
	p->start_brk = mnl_attr_get_u64(tb[BRKSCOPE_A_START_BRK]);
	p->brk = mnl_attr_get_u64(tb[BRKSCOPE_A_BRK]);
	p->heap_end = mnl_attr_get_u64(tb[BRKSCOPE_A_HEAP_END]);
	/* The module derives it; an older module does not send it. */
	if (tb[BRKSCOPE_A_HEAP_BYTES])
		p->heap_bytes = mnl_attr_get_u64(tb[BRKSCOPE_A_HEAP_BYTES]);
	else if (p->brk > p->start_brk)
		p->heap_bytes = p->brk - p->start_brk;
	p->grows = mnl_attr_get_u64(tb[BRKSCOPE_A_GROWS]);
	p->grown_bytes = mnl_attr_get_u64(tb[BRKSCOPE_A_GROWN_BYTES]);
	p->failed_grows = mnl_attr_get_u64(tb[BRKSCOPE_A_FAILED_GROWS]);
	p->shrinks = mnl_attr_get_u64(tb[BRKSCOPE_A_SHRINKS]);
	p->shrunk_bytes = mnl_attr_get_u64(tb[BRKSCOPE_A_SHRUNK_BYTES]);
	p->peak_brk = mnl_attr_get_u64(tb[BRKSCOPE_A_PEAK_BRK]);
	if (tb[BRKSCOPE_A_LAST_CHANGE_NS]) {
		p->has_last_change = true;
		p->last_change_ns =
			mnl_attr_get_u64(tb[BRKSCOPE_A_LAST_CHANGE_NS]);
	}
	p->tracked = tb[BRKSCOPE_A_TRACKED] != NULL;
	return 1;
}

/* One process: a block (get) or a table row (list); one JSON object. */
static void print_proc(struct out *o, const struct proc *p)
{
	char comm[sizeof(p->comm) * 4];

	out_object_begin(o, NULL);
	print_title(o, "pid %" PRIu32 " (%s)", p->pid,
		    out_sanitize(comm, sizeof(comm), p->comm));
	print_u64(o, "pid", NULL, NULL, p->pid);
	print_str(o, "comm", NULL, p->comm);
	print_u64(o, "start_brk", "start_brk", ADDR_FMT, p->start_brk);
	print_u64(o, "brk", "brk", ADDR_FMT, p->brk);
	print_u64(o, "heap_end", "heap_end", ADDR_FMT, p->heap_end);
	print_size(o, "heap_bytes", "heap size", p->heap_bytes);
	print_u64(o, "grows", "grows", NULL, p->grows);
	print_size(o, "grown_bytes", "grown bytes", p->grown_bytes);
	print_u64(o, "failed_grows", "failed grows", NULL, p->failed_grows);
	print_u64(o, "shrinks", "shrinks", NULL, p->shrinks);
	print_size(o, "shrunk_bytes", "shrunk bytes", p->shrunk_bytes);
	print_u64(o, "peak_brk", "peak brk", ADDR_FMT, p->peak_brk);
	if (p->has_last_change)
		print_time_ns(o, "last_change_ns", "last change",
			      p->last_change_ns);
	else
		print_null(o, "last_change_ns", "last change", "never");
	print_bool(o, "tracked", "tracked", p->tracked);
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

	ret = open_family(&nl, "get");
	if (ret) {
		nl_close(&nl);
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

		snprintf(ctx, sizeof(ctx), "get %" PRIu32, pids[i]);
		nlh = nl_genl_msg(&nl, nl.family_id, BRKSCOPE_CMD_GET,
				  BRKSCOPE_GENL_VERSION, 0);
		if (!mnl_attr_put_u32_check(nlh, NL_TX_BUF_SIZE,
					    BRKSCOPE_A_PID, pids[i]))
			ret = nl_fail(&nl, EMSGSIZE, "request too large");
		else
			ret = nl_request(&nl, nlh, get_cb, &d);
		if (!ret && !d.got)
			ret = nl_fail(&nl, EPROTO, "the kernel sent no process");
		if (!ret) {
			print_proc(&o, &p);
			continue;
		}
		/* Report it and go on with the next pid. */
		ret = report_nl_error(ctx, &nl);
		if (!first)
			first = ret;
	}
	out_array_end(&o);

	nl_close(&nl);
	free(pids);
	return finish(&o, "get", first);
}

struct list_data {
	const struct nl_ctx *nl;
	struct proc_vec pv;
};

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_data *d = data;
	struct proc_vec *pv = &d->pv;
	struct proc p;
	int ret;

	ret = proc_from_msg(nlh, d->nl, &p);
	if (ret <= 0)
		return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 256;
		struct proc *v = reallocarray(pv->v, cap, sizeof(*v));

		if (!v)
			return MNL_CB_ERROR;	/* errno: ENOMEM */
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = p;
	return MNL_CB_OK;
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

static const struct {
	const char *name;
	int (*cmp)(const void *a, const void *b);
} sort_keys[] = {
	{ "pid", by_pid },
	{ "heap", by_heap },
	{ "grows", by_grows },
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
};

int cmd_list(const struct opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sort", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int (*cmp)(const void *a, const void *b) = by_pid;
	struct list_data d = { 0 };
	struct nlmsghdr *nlh;
	struct nl_ctx nl;
	struct out o;
	char arg[64];
	size_t i;
	int c, ret;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			for (i = 0; i < ARRAY_SIZE(sort_keys); i++)
				if (!strcmp(optarg, sort_keys[i].name))
					break;
			if (i == ARRAY_SIZE(sort_keys))
				return usage_err("list: bad sort key '%s': use heap, grows or pid",
						 out_sanitize(arg, sizeof(arg), optarg));
			cmp = sort_keys[i].cmp;
			break;
		default:
			return option_err("list", c, argv);
		}
	}
	if (optind < argc)
		return usage_err("list: unexpected argument '%s'",
				 out_sanitize(arg, sizeof(arg), argv[optind]));

	ret = open_family(&nl, "list");
	if (ret) {
		nl_close(&nl);
		return ret;
	}
	d.nl = &nl;
	nlh = nl_genl_msg(&nl, nl.family_id, BRKSCOPE_CMD_GET,
			  BRKSCOPE_GENL_VERSION, NLM_F_DUMP);
	if (nl_request(&nl, nlh, list_cb, &d) < 0) {
		ret = report_nl_error("list", &nl);
		nl_close(&nl);
		free(d.pv.v);
		return ret;
	}
	nl_close(&nl);

	if (d.pv.n)
		qsort(d.pv.v, d.pv.n, sizeof(*d.pv.v), cmp);
	out_init(&o, stdout, opts->json, 0);
	out_table(&o, list_cols, ARRAY_SIZE(list_cols));
	out_array_begin(&o, NULL);
	for (i = 0; i < d.pv.n; i++)
		print_proc(&o, &d.pv.v[i]);
	out_array_end(&o);
	free(d.pv.v);
	return finish(&o, "list", EXIT_OK);
}
