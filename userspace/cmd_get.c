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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "internal.h"
#include "output.h"

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

/* The attributes a process must have, as bits (1 << BRKSCOPE_A_*). */
#define PROC_REQUIRED							\
	(1u << BRKSCOPE_A_PID | 1u << BRKSCOPE_A_COMM |			\
	 1u << BRKSCOPE_A_START_BRK | 1u << BRKSCOPE_A_BRK |		\
	 1u << BRKSCOPE_A_HEAP_END | 1u << BRKSCOPE_A_GROWS |		\
	 1u << BRKSCOPE_A_GROWN_BYTES | 1u << BRKSCOPE_A_FAILED_GROWS |	\
	 1u << BRKSCOPE_A_SHRINKS | 1u << BRKSCOPE_A_SHRUNK_BYTES |	\
	 1u << BRKSCOPE_A_PEAK_BRK)

_Static_assert(BRKSCOPE_A_MAX < 32, "attribute bits fit a uint32_t");

/*
 * Fill @p from a BRKSCOPE_CMD_GET message, in one walk over its
 * attributes.  What is malformed is what brkscope_msg() (common.c) and
 * the check for required attributes found malformed: a known top-level
 * attribute of the wrong size (NUL_STRING: unterminated, FLAG: not empty,
 * NESTED: not empty and shorter than a header) or a required one missing;
 * attributes of a newer module are skipped, the last of two counts.
 * Return: 1, 0 if it is not one (skip), -1 with errno set if malformed.
 */
static int proc_from_msg(const struct nlmsghdr *nlh, const struct nl_ctx *nl,
			 struct proc *p)
{
	const struct genlmsghdr *genl;
	const char *pos, *tail;
	uint32_t seen = 0;

	if (nlh->nlmsg_type != nl->family_id)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl))
		goto malformed;
	genl = mnl_nlmsg_get_payload(nlh);
	if (genl->cmd != BRKSCOPE_CMD_GET)
		return 0;

	/*
	 * mnl_attr_for_each(), without four libmnl calls per attribute: the
	 * same start and end, and an attribute that does not fit ends the
	 * walk, as mnl_attr_ok() has it.
	 */
	pos = mnl_nlmsg_get_payload_offset(nlh, sizeof(*genl));
	tail = mnl_nlmsg_get_payload_tail(nlh);
	while (tail - pos >= (ptrdiff_t)sizeof(struct nlattr)) {
		const struct nlattr *attr = (const struct nlattr *)pos;
		const char *data = pos + MNL_ATTR_HDRLEN;
		uint16_t type = attr->nla_type & NLA_TYPE_MASK, len;
		uint64_t *u64 = NULL;
		size_t n;

		if (attr->nla_len < sizeof(*attr) || attr->nla_len > tail - pos)
			break;
		len = attr->nla_len - MNL_ATTR_HDRLEN;
		pos += MNL_ALIGN(attr->nla_len);

		switch (type) {
		case BRKSCOPE_A_PID:
			if (len != sizeof(p->pid))
				goto malformed;
			memcpy(&p->pid, data, sizeof(p->pid));
			break;
		case BRKSCOPE_A_COMM:
			if (!len || data[len - 1])
				goto malformed;
			n = strnlen(data, sizeof(p->comm) - 1);
			memcpy(p->comm, data, n);
			p->comm[n] = '\0';
			break;
		case BRKSCOPE_A_START_BRK:
			u64 = &p->start_brk;
			break;
		case BRKSCOPE_A_BRK:
			u64 = &p->brk;
			break;
		case BRKSCOPE_A_HEAP_END:
			u64 = &p->heap_end;
			break;
		case BRKSCOPE_A_HEAP_BYTES:
			u64 = &p->heap_bytes;
			break;
		case BRKSCOPE_A_GROWS:
			u64 = &p->grows;
			break;
		case BRKSCOPE_A_GROWN_BYTES:
			u64 = &p->grown_bytes;
			break;
		case BRKSCOPE_A_FAILED_GROWS:
			u64 = &p->failed_grows;
			break;
		case BRKSCOPE_A_SHRINKS:
			u64 = &p->shrinks;
			break;
		case BRKSCOPE_A_SHRUNK_BYTES:
			u64 = &p->shrunk_bytes;
			break;
		case BRKSCOPE_A_PEAK_BRK:
			u64 = &p->peak_brk;
			break;
		case BRKSCOPE_A_LAST_CHANGE_NS:
			u64 = &p->last_change_ns;
			break;
		case BRKSCOPE_A_TRACKED:
			if (len)
				goto malformed;
			break;
		/* Attributes of other commands, checked all the same. */
		case BRKSCOPE_A_EVENT_TYPE:
		case BRKSCOPE_A_EVENT_SOURCE:
			if (len != sizeof(uint8_t))
				goto malformed;
			break;
		case BRKSCOPE_A_EVENT_SEQ:
		case BRKSCOPE_A_EVENT_OLD_BRK:
		case BRKSCOPE_A_EVENT_NEW_BRK:
		case BRKSCOPE_A_EVENT_LEN:
		case BRKSCOPE_A_EVENT_TIME_NS:
			if (len != sizeof(uint64_t))
				goto malformed;
			break;
		case BRKSCOPE_A_STATS:
			if (len && len < MNL_ATTR_HDRLEN)
				goto malformed;
			break;
		default:	/* UNSPEC, PAD, and a newer module's */
			continue;
		}
		if (u64) {
			if (len != sizeof(*u64))
				goto malformed;
			memcpy(u64, data, sizeof(*u64));
		}
		seen |= 1u << type;
	}
	if ((seen & PROC_REQUIRED) != PROC_REQUIRED)
		goto malformed;
	/* The module derives it; an older module does not send it. */
	if (!(seen & 1u << BRKSCOPE_A_HEAP_BYTES))
		p->heap_bytes = p->brk > p->start_brk ? p->brk - p->start_brk : 0;
	p->has_last_change = seen & 1u << BRKSCOPE_A_LAST_CHANGE_NS;
	if (!p->has_last_change)
		p->last_change_ns = 0;
	p->tracked = seen & 1u << BRKSCOPE_A_TRACKED;
	return 1;

malformed:
	errno = EPROTO;
	return -1;
}

/* What print_proc() shows, in this order. */
enum {
	F_PID, F_COMM, F_START_BRK, F_BRK, F_HEAP_END, F_HEAP_BYTES, F_GROWS,
	F_GROWN_BYTES, F_FAILED_GROWS, F_SHRINKS, F_SHRUNK_BYTES, F_PEAK_BRK,
	F_LAST_CHANGE, F_TRACKED, F_COUNT
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
};

/* One process: a block (get) or a table row (list); one JSON object. */
static void print_proc(struct out *o, const struct proc *p)
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
		snprintf(ctx, sizeof(ctx), "get %" PRIu32, pids[i]);
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

/* Each process straight into the array, no copy. */
static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_data *d = data;
	struct proc_vec *pv = &d->pv;
	int ret;

	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 1024;
		struct proc *v = reallocarray(pv->v, cap, sizeof(*v));

		if (!v)
			return MNL_CB_ERROR;	/* errno: ENOMEM */
		pv->v = v;
		pv->cap = cap;
	}
	ret = proc_from_msg(nlh, d->nl, &pv->v[pv->n]);
	if (ret < 0)
		return MNL_CB_ERROR;
	pv->n += (size_t)ret;
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

	if (!in_order(d.pv.v, d.pv.n, cmp))
		qsort(d.pv.v, d.pv.n, sizeof(*d.pv.v), cmp);
	out_init(&o, stdout, opts->json, 0);
	out_hold(&o);	/* nothing else is written until finish() */
	out_table(&o, list_cols, ARRAY_SIZE(list_cols));
	out_array_begin(&o, NULL);
	for (i = 0; i < d.pv.n; i++)
		print_proc(&o, &d.pv.v[i]);
	out_array_end(&o);
	free(d.pv.v);
	return finish(&o, "list", EXIT_OK);
}
