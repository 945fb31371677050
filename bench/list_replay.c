// SPDX-License-Identifier: GPL-2.0
/*
 * list_replay: the brkscope client itself over a simulated kernel.
 *
 * This file is linked with the client's own objects (../userspace, built
 * there, main() included) and defines the libmnl socket calls the client
 * makes (mnl_socket_open() ... mnl_socket_recvfrom()); the executable's
 * definitions take the place of libmnl's, so every netlink request the
 * client sends is answered here, from a table of synthetic processes, the
 * way brkscope.ko answers it (module/netlink.c: put_process()'s attributes
 * in its order, dumps in pid order packed into 32 KiB datagrams, extended
 * ACKs for errors).  No module, VM or privilege is needed, and the input is
 * the same for every build of the client: what `brkscope get`, `list` and
 * `stats` print is compared byte for byte between two clients, and what
 * they cost is counted (valgrind --tool=callgrind), on any machine.
 *
 *   LIST_REPLAY=OPTIONS list_replay [-j] get|list|stats [ARGS]
 *
 * OPTIONS, comma-separated (default "n=10000"):
 *   n=N        processes, pids 1..N (odd: a few huge pids at the end)
 *   seed=S     of the pseudo-random values (default 1)
 *   odd        edge cases everywhere: zero, huge and u64-max values, sizes
 *              at every rounding boundary, command names to escape, cut or
 *              keep (spaces, backslashes, quotes, controls, C1, non-ASCII,
 *              bytes that are not UTF-8, 16 and more bytes, empty, NULs
 *              inside), optional attributes left out, PAD and unknown
 *              attributes, duplicates, messages to skip
 *   old        no BRKSCOPE_A_HEAP_BYTES (a module from before it)
 *   pad        a PAD attribute before each unaligned u64, as
 *              nla_put_u64_64bit() adds where unaligned access is slow
 *   shuffle    the dump out of pid order (the module never does that)
 *   deny=PID   get PID fails with EPERM (any pid not listed: ESRCH)
 *   bad=KIND   one malformed message mid-dump (and for get of pid n/2):
 *              noattr, short64, pid3, comm-unterminated, comm-empty,
 *              flag-payload, genl-short, event-attr, stats-attr,
 *              attr-cut and attr-short (an attribute that does not fit
 *              ends the walk early), tail-cut (the same at the end),
 *              intr, dump-error
 *
 * Exits as the client does; its output is the client's.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "brkscope.h"	/* module/uapi */

#define FAMILY_ID	0x1c	/* any id above the control family's */
#define PORTID		4242
#define DGRAM_MAX	32384	/* a dump's skb: SKB_WITH_OVERHEAD(32768) */
#define MSG_MAX		1024	/* room for one message, any comm */
#define COMM_MAX	128	/* the longest comm attribute made here */

struct sim_proc {
	uint32_t pid;
	uint16_t comm_len;		/* attribute payload, the NUL included */
	char comm[COMM_MAX];
	uint64_t start_brk, brk, heap_end, heap_bytes, grows, grown_bytes,
		 failed_grows, shrinks, shrunk_bytes, peak_brk, last_change_ns;
	bool tracked;
	bool no_heap_bytes;		/* leave HEAP_BYTES out */
	uint8_t extra;			/* odd: what else goes in (EX_*) */
};

enum {
	EX_PAD_FIRST	= 1 << 0,	/* a PAD attribute first */
	EX_UNKNOWN	= 1 << 1,	/* attributes past BRKSCOPE_A_MAX */
	EX_DUP		= 1 << 2,	/* GROWS and COMM twice, the last counts */
	EX_TYPE_FLAGS	= 1 << 3,	/* NLA_F_NET_BYTEORDER on a type */
	EX_SKIP_BEFORE	= 1 << 4,	/* other messages before this one */
	EX_LAST_ZERO	= 1 << 5,	/* LAST_CHANGE_NS present, 0 */
};

struct mnl_socket {
	/* options */
	unsigned long n;
	uint64_t rng;
	bool odd, old, pad, shuffle;
	uint32_t deny;
	char bad[32];
	/* the processes, in dump order */
	struct sim_proc *procs;
	/* replies not read yet: datagrams, each a length then its bytes */
	char *q;
	size_t q_len, q_cap, q_off;
};

static void fail(const char *what)
{
	fprintf(stderr, "list_replay: %s\n", what);
	exit(1);
}

static uint64_t rnd(struct mnl_socket *s)
{
	/* xorshift64 */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

static uint64_t below(struct mnl_socket *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

/* A value of @bits random bits, the top one set (0 bits: 0). */
static uint64_t bits(struct mnl_socket *s, unsigned int b)
{
	if (!b)
		return 0;
	if (b >= 64)
		return rnd(s) | 1ULL << 63;
	return (rnd(s) & ((1ULL << b) - 1)) | 1ULL << (b - 1);
}

/* A byte count near where a human size changes its look. */
static uint64_t size_edge(struct mnl_socket *s)
{
	unsigned int k = 1 + (unsigned int)below(s, 6), sh = 10 * k;
	uint64_t unit = 1ULL << sh, v;
	int64_t d = (int64_t)below(s, 7) - 3;

	switch (below(s, 7)) {
	case 0:		/* 9.95 units: "%.1f" gives way to "%.0f" */
		v = unit / 100 * 995 + unit % 100 * 995 / 100;
		break;
	case 1:		/* "%.1f" ties: odd multiples of unit / 4 */
		return (below(s, 4096) * 2 + 1) << (sh - 2);
	case 2:		/* "%.0f" ties: odd multiples of unit / 2 */
		return (below(s, 2048) * 2 + 1) << (sh - 1);
	case 3:		/* 1023.95 units: the next unit's "1.0" */
		v = k < 6 ? unit / 100 * 102395 + unit % 100 * 102395 / 100 :
			    UINT64_MAX - below(s, 1ULL << 12);
		break;
	case 4:		/* a unit itself */
		v = unit;
		break;
	case 5:		/* 2^53 and beyond: a double rounds the count */
		return (1ULL << (53 + below(s, 11))) + (uint64_t)d;
	default:	/* x.x5 units, near but not at a tie */
		v = unit / 100 * (below(s, 9990) * 10 + 5) / 10 +
		    below(s, 1024);
		break;
	}
	return v + (uint64_t)d;
}

/* A number for any u64 field of the odd set. */
static uint64_t odd_value(struct mnl_socket *s)
{
	switch (below(s, 10)) {
	case 0:
		return 0;
	case 1:
		return below(s, 2) ? UINT64_MAX : UINT64_MAX - below(s, 1000);
	case 2:
		return below(s, 1030);
	case 3:
	case 4:
		return size_edge(s);
	case 5:
		return (1ULL << below(s, 64)) - below(s, 2);
	default:
		return bits(s, (unsigned int)below(s, 65));
	}
}

static const char *const plain_comms[] = {
	"holders", "bash", "sshd", "systemd", "systemd-journal", "agetty",
	"cron", "dbus-daemon", "(sd-pam)", "rsyslogd", "python3", "sleep",
};

/* Command names the client must escape, cut or keep, as bytes. */
static const char *const odd_comms[] = {
	"", "a b c", " lead", "trail ", "back\\slash", "quo\"te", "tab\there",
	"nl\nx", "\x01\x1f\x7f", "\x1b[31mred", "caf\xc3\xa9",
	"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x98\x80",
	"c1\xc2\x80\xc2\x9f", "nbsp\xc2\xa0", "\xff\xfe", "\x80", "\xc0\xaf",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf4\x8f\xbf\xbf", "cut\xe6\x97",
	"cut\xc2", "\xe0\x9f\xbf", "\xe0\xa0\x80", "\xef\xbf\xbf",
	"abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq",
	"\b\f\r\\\"/",
};

static void set_comm(struct sim_proc *p, const char *s, size_t len)
{
	if (len > COMM_MAX - 1)
		len = COMM_MAX - 1;
	memcpy(p->comm, s, len);
	p->comm[len] = '\0';
	p->comm_len = (uint16_t)(len + 1);
}

static void odd_comm(struct mnl_socket *s, struct sim_proc *p)
{
	static const char bytes[] = "ab \\\"\t\x01\x7f\x80\xbf\xc2\xa0\xe6\x97\xff~";
	char buf[COMM_MAX];
	size_t i, len;

	switch (below(s, 6)) {
	case 0:
	case 1:
	case 2: {
		const char *c = odd_comms[below(s, sizeof(odd_comms) / sizeof(odd_comms[0]))];

		set_comm(p, c, strlen(c));
		return;
	}
	case 3:		/* long: the client keeps 63 bytes */
		len = 60 + below(s, 10);
		for (i = 0; i < len; i++)
			buf[i] = below(s, 4) ? (char)('a' + i % 26) : '\x01';
		set_comm(p, buf, len);
		return;
	case 4:		/* NULs inside the attribute: the first one ends it */
		memcpy(buf, "ab\0cd", 5);
		set_comm(p, buf, 5);
		return;
	default:	/* random bytes */
		len = below(s, 70);
		for (i = 0; i < len; i++)
			buf[i] = bytes[below(s, sizeof(bytes) - 1)];
		set_comm(p, buf, len);
		return;
	}
}

static uint64_t page_up(uint64_t v)
{
	return v > UINT64_MAX - 4095 ? 0 : (v + 4095) & ~4095ULL;
}

static void make_plain(struct mnl_socket *s, struct sim_proc *p)
{
	const char *c = plain_comms[below(s, sizeof(plain_comms) / sizeof(plain_comms[0]))];
	uint64_t heap = below(s, 5) ? 135168 : below(s, 64ULL << 20);

	set_comm(p, c, strlen(c));
	p->start_brk = 0x550000000000ULL + (below(s, 1ULL << 28) << 12);
	p->brk = p->start_brk + heap;
	p->heap_end = page_up(p->brk);
	p->heap_bytes = heap;
	p->peak_brk = p->brk + (below(s, 4) ? 0 : below(s, 1 << 20));
	/* as the benchmark: most processes have a record */
	p->tracked = below(s, 100) < 82;
	if (p->tracked && below(s, 4)) {
		p->grows = 1 + below(s, below(s, 8) ? 40 : 100000);
		p->grown_bytes = p->grows * 4096 * (1 + below(s, 64));
		p->failed_grows = below(s, 50) ? 0 : below(s, 10);
		p->shrinks = below(s, 3) ? 0 : below(s, p->grows + 1);
		p->shrunk_bytes = p->shrinks * 4096 * (1 + below(s, 16));
		p->last_change_ns = 1000000000ULL + below(s, 1ULL << 42);
	}
}

static void make_odd(struct mnl_socket *s, struct sim_proc *p)
{
	odd_comm(s, p);
	p->start_brk = below(s, 3) ? 0x550000000000ULL + (below(s, 1ULL << 28) << 12) :
		       odd_value(s);
	p->brk = below(s, 3) ? p->start_brk + below(s, 1ULL << 30) : odd_value(s);
	p->heap_end = below(s, 2) ? page_up(p->brk) : odd_value(s);
	p->heap_bytes = below(s, 2) ? (p->brk > p->start_brk ? p->brk - p->start_brk : 0) :
			odd_value(s);
	p->grows = odd_value(s);
	p->grown_bytes = odd_value(s);
	p->failed_grows = odd_value(s);
	p->shrinks = odd_value(s);
	p->shrunk_bytes = odd_value(s);
	p->peak_brk = odd_value(s);
	p->last_change_ns = below(s, 4) ? odd_value(s) : 0;
	p->tracked = below(s, 2);
	p->no_heap_bytes = !below(s, 8);
	p->extra = (uint8_t)(below(s, 4) ? 0 : below(s, 64));
}

static void make_procs(struct mnl_socket *s)
{
	unsigned long i;

	s->procs = calloc(s->n, sizeof(*s->procs));
	if (!s->procs)
		fail("out of memory");
	for (i = 0; i < s->n; i++) {
		struct sim_proc *p = &s->procs[i];

		p->pid = (uint32_t)(i + 1);
		if (s->odd)
			make_odd(s, p);
		else
			make_plain(s, p);
		if (s->old)
			p->no_heap_bytes = true;
	}
	/* pids the client prints wider than its column */
	if (s->odd && s->n >= 3) {
		s->procs[s->n - 3].pid = 2147483647;
		s->procs[s->n - 2].pid = 2147483648U;
		s->procs[s->n - 1].pid = UINT32_MAX;
	}
	if (s->shuffle) {
		for (i = s->n; i > 1; i--) {
			unsigned long j = (unsigned long)below(s, i);
			struct sim_proc t = s->procs[i - 1];

			s->procs[i - 1] = s->procs[j];
			s->procs[j] = t;
		}
	}
}

/* Messages */

static struct nlmsghdr *msg_start(char *buf, uint16_t type, uint16_t flags,
				  uint32_t seq, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, MSG_MAX);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = BRKSCOPE_FAMILY_VERSION;
	return nlh;
}

static void put_u64(struct mnl_socket *s, struct nlmsghdr *nlh, uint16_t type,
		    uint64_t v)
{
	/* nla_put_u64_64bit(): the payload 8-aligned, by a PAD if need be */
	if (s->pad && (nlh->nlmsg_len + MNL_ATTR_HDRLEN) % 8)
		mnl_attr_put(nlh, BRKSCOPE_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

/* put_process(), and whatever the odd set or bad= adds to it. */
/* An attribute header that claims more than the message holds. */
static void put_broken_attr(struct nlmsghdr *nlh, uint16_t nla_len)
{
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	a->nla_type = BRKSCOPE_A_PEAK_BRK;
	a->nla_len = nla_len;
	nlh->nlmsg_len += MNL_ATTR_HDRLEN;
}

static void put_process(struct mnl_socket *s, struct nlmsghdr *nlh,
			const struct sim_proc *p, const char *bad)
{
	uint16_t tflags = p->extra & EX_TYPE_FLAGS ? NLA_F_NET_BYTEORDER : 0;

	if (p->extra & EX_PAD_FIRST)
		mnl_attr_put(nlh, BRKSCOPE_A_PAD, 0, NULL);
	if (!strcmp(bad, "pid3"))
		mnl_attr_put(nlh, BRKSCOPE_A_PID, 3, &p->pid);
	else
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, p->pid);
	if (p->extra & EX_DUP)
		mnl_attr_put_strz(nlh, BRKSCOPE_A_COMM, "first-comm");
	if (!strcmp(bad, "comm-unterminated"))
		mnl_attr_put(nlh, BRKSCOPE_A_COMM, 4, "abcd");
	else if (!strcmp(bad, "comm-empty"))
		mnl_attr_put(nlh, BRKSCOPE_A_COMM, 0, NULL);
	else
		mnl_attr_put(nlh, BRKSCOPE_A_COMM, p->comm_len, p->comm);
	put_u64(s, nlh, BRKSCOPE_A_START_BRK | tflags, p->start_brk);
	if (!strcmp(bad, "attr-cut"))
		put_broken_attr(nlh, 200);
	if (!strcmp(bad, "attr-short"))
		put_broken_attr(nlh, 2);
	if (!strcmp(bad, "short64"))
		mnl_attr_put_u32(nlh, BRKSCOPE_A_BRK, (uint32_t)p->brk);
	else
		put_u64(s, nlh, BRKSCOPE_A_BRK, p->brk);
	put_u64(s, nlh, BRKSCOPE_A_HEAP_END, p->heap_end);
	if (!p->no_heap_bytes)
		put_u64(s, nlh, BRKSCOPE_A_HEAP_BYTES, p->heap_bytes);
	if (p->extra & EX_DUP)
		put_u64(s, nlh, BRKSCOPE_A_GROWS, ~p->grows);
	if (strcmp(bad, "noattr"))
		put_u64(s, nlh, BRKSCOPE_A_GROWS, p->grows);
	put_u64(s, nlh, BRKSCOPE_A_GROWN_BYTES, p->grown_bytes);
	put_u64(s, nlh, BRKSCOPE_A_FAILED_GROWS, p->failed_grows);
	put_u64(s, nlh, BRKSCOPE_A_SHRINKS, p->shrinks);
	put_u64(s, nlh, BRKSCOPE_A_SHRUNK_BYTES, p->shrunk_bytes);
	put_u64(s, nlh, BRKSCOPE_A_PEAK_BRK, p->peak_brk);
	if (p->last_change_ns || p->extra & EX_LAST_ZERO)
		put_u64(s, nlh, BRKSCOPE_A_LAST_CHANGE_NS, p->last_change_ns);
	if (p->tracked)
		mnl_attr_put(nlh, BRKSCOPE_A_TRACKED, 0, NULL);
	if (!strcmp(bad, "flag-payload"))
		mnl_attr_put_u32(nlh, BRKSCOPE_A_TRACKED, 1);
	if (!strcmp(bad, "event-attr"))
		mnl_attr_put_u16(nlh, BRKSCOPE_A_EVENT_TYPE, 1);
	if (!strcmp(bad, "stats-attr"))
		mnl_attr_put(nlh, BRKSCOPE_A_STATS, 2, "xy");
	if (p->extra & EX_UNKNOWN) {
		mnl_attr_put_u64(nlh, BRKSCOPE_A_MAX + 1, p->grows);
		mnl_attr_put(nlh, BRKSCOPE_A_MAX + 7, 3, "abc");
	}
	if (!strcmp(bad, "tail-cut"))	/* after the required ones: ignored */
		put_broken_attr(nlh, 64);
}

/* Append @len bytes as one datagram. */
static void queue(struct mnl_socket *s, const void *data, size_t len)
{
	uint32_t l = (uint32_t)len;

	if (s->q_len + sizeof(l) + len > s->q_cap) {
		size_t cap = (s->q_cap ? s->q_cap * 2 : 65536) + len;
		char *q = realloc(s->q, cap);

		if (!q)
			fail("out of memory");
		s->q = q;
		s->q_cap = cap;
	}
	memcpy(s->q + s->q_len, &l, sizeof(l));
	memcpy(s->q + s->q_len + sizeof(l), data, len);
	s->q_len += sizeof(l) + len;
}

/* NLMSG_ERROR: the ACK (@error 0) or an error with an extended ACK. */
static void queue_error(struct mnl_socket *s, const struct nlmsghdr *req,
			int error, const char *msg, uint32_t offs)
{
	char buf[MSG_MAX];
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = PORTID;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -error;
	e->msg = *req;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		if (offs)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	}
	queue(s, buf, nlh->nlmsg_len);
}

static void reply_family(struct mnl_socket *s, const struct nlmsghdr *req)
{
	const struct nlattr *a;
	const char *name = NULL;
	char buf[MSG_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *grps, *grp;

	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME)
			name = mnl_attr_get_str(a);
	if (!name || strcmp(name, BRKSCOPE_FAMILY_NAME)) {
		queue_error(s, req, ENOENT, NULL, 0);
		return;
	}
	nlh = msg_start(buf, GENL_ID_CTRL, 0, req->nlmsg_seq, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, BRKSCOPE_FAMILY_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY_ID);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, BRKSCOPE_FAMILY_VERSION);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, BRKSCOPE_A_MAX);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, BRKSCOPE_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 0x10);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	queue(s, buf, nlh->nlmsg_len);
	queue_error(s, req, 0, NULL, 0);
}

/* Messages the client must skip: another command, another family. */
static size_t put_skipped(struct mnl_socket *s, char *at, uint32_t seq)
{
	struct nlmsghdr *nlh = msg_start(at, FAMILY_ID, NLM_F_MULTI, seq,
					 BRKSCOPE_CMD_EVENT);
	size_t len;

	mnl_attr_put_u64(nlh, BRKSCOPE_A_EVENT_SEQ, rnd(s));
	len = MNL_ALIGN(nlh->nlmsg_len);
	nlh = msg_start(at + len, FAMILY_ID + 1, NLM_F_MULTI, seq,
			BRKSCOPE_CMD_GET);
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, 1);
	return len + MNL_ALIGN(nlh->nlmsg_len);
}

static void reply_dump(struct mnl_socket *s, const struct nlmsghdr *req)
{
	char *dg = malloc(DGRAM_MAX);
	size_t len = 0;
	unsigned long i;
	struct nlmsghdr *done;

	if (!dg)
		fail("out of memory");
	for (i = 0; i < s->n; i++) {
		const struct sim_proc *p = &s->procs[i];
		const char *bad = i == s->n / 2 ? s->bad : "";
		char msg[3 * MSG_MAX];
		struct nlmsghdr *nlh;
		size_t mlen = 0;

		if (p->extra & EX_SKIP_BEFORE)
			mlen = put_skipped(s, msg, req->nlmsg_seq);
		nlh = msg_start(msg + mlen, FAMILY_ID, NLM_F_MULTI,
				req->nlmsg_seq, BRKSCOPE_CMD_GET);
		if (!strcmp(bad, "genl-short"))
			nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
		else
			put_process(s, nlh, p, bad);
		if (!strcmp(bad, "intr"))
			nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
		mlen += MNL_ALIGN(nlh->nlmsg_len);
		if (len + mlen > DGRAM_MAX) {
			queue(s, dg, len);
			len = 0;
		}
		memcpy(dg + len, msg, mlen);
		len += mlen;
		if (!strcmp(bad, "dump-error"))
			break;
	}
	if (len + MNL_NLMSG_HDRLEN + sizeof(int) > DGRAM_MAX) {
		queue(s, dg, len);
		len = 0;
	}
	memset(dg + len, 0, MNL_NLMSG_HDRLEN + sizeof(int));
	done = (struct nlmsghdr *)(dg + len);
	done->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(int);
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_flags = NLM_F_MULTI;
	done->nlmsg_seq = req->nlmsg_seq;
	done->nlmsg_pid = PORTID;
	if (!strcmp(s->bad, "dump-error")) {
		int err = -EACCES;

		memcpy(mnl_nlmsg_get_payload(done), &err, sizeof(err));
	}
	queue(s, dg, len + done->nlmsg_len);
	free(dg);
}

static void reply_get(struct mnl_socket *s, const struct nlmsghdr *req)
{
	const struct nlattr *a, *pid_attr = NULL;
	char buf[MSG_MAX];
	struct nlmsghdr *nlh;
	unsigned long i;
	uint32_t pid;

	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == BRKSCOPE_A_PID &&
		    mnl_attr_get_payload_len(a) == 4)
			pid_attr = a;
	if (!pid_attr) {
		queue_error(s, req, EINVAL, "GET needs a pid (BRKSCOPE_A_PID)", 0);
		return;
	}
	pid = mnl_attr_get_u32(pid_attr);
	if (s->deny && pid == s->deny) {
		queue_error(s, req, EPERM,
			    "no ptrace read access to this process, for the caller or the socket's opener (the rule of /proc/PID/stat)",
			    (uint32_t)((const char *)pid_attr - (const char *)req));
		return;
	}
	for (i = 0; i < s->n && s->procs[i].pid != pid; i++)
		;
	if (i == s->n) {
		queue_error(s, req, ESRCH,
			    "no such process in the caller's pid namespace",
			    (uint32_t)((const char *)pid_attr - (const char *)req));
		return;
	}
	nlh = msg_start(buf, FAMILY_ID, 0, req->nlmsg_seq, BRKSCOPE_CMD_GET);
	if (i == s->n / 2 && !strcmp(s->bad, "genl-short"))
		nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	else
		put_process(s, nlh, &s->procs[i], i == s->n / 2 ? s->bad : "");
	queue(s, buf, nlh->nlmsg_len);
	queue_error(s, req, 0, NULL, 0);
}

static void reply_stats(struct mnl_socket *s, const struct nlmsghdr *req)
{
	char buf[MSG_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint16_t t;

	nlh = msg_start(buf, FAMILY_ID, 0, req->nlmsg_seq, BRKSCOPE_CMD_GET_STATS);
	nest = mnl_attr_nest_start(nlh, BRKSCOPE_A_STATS);
	for (t = BRKSCOPE_STATS_A_PROBE_HITS; t <= BRKSCOPE_STATS_A_MAX; t++)
		if (!s->odd || below(s, 4))
			mnl_attr_put_u64(nlh, t, s->odd ? odd_value(s) : below(s, 100000));
	mnl_attr_nest_end(nlh, nest);
	queue(s, buf, nlh->nlmsg_len);
	queue_error(s, req, 0, NULL, 0);
}

/* The options, from LIST_REPLAY. */
static void configure(struct mnl_socket *s)
{
	const char *env = getenv("LIST_REPLAY");
	char opts[256], *tok, *save = NULL;

	s->n = 10000;
	s->rng = 1;
	if (!env)
		env = "";
	if (strlen(env) >= sizeof(opts))
		fail("LIST_REPLAY too long");
	strcpy(opts, env);
	for (tok = strtok_r(opts, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "n=", 2))
			s->n = strtoul(tok + 2, NULL, 10);
		else if (!strncmp(tok, "seed=", 5))
			s->rng = strtoull(tok + 5, NULL, 10) * 0x9e3779b97f4a7c15ULL + 1;
		else if (!strncmp(tok, "deny=", 5))
			s->deny = (uint32_t)strtoul(tok + 5, NULL, 10);
		else if (!strncmp(tok, "bad=", 4) && strlen(tok + 4) < sizeof(s->bad))
			strcpy(s->bad, tok + 4);
		else if (!strcmp(tok, "odd"))
			s->odd = true;
		else if (!strcmp(tok, "old"))
			s->old = true;
		else if (!strcmp(tok, "pad"))
			s->pad = true;
		else if (!strcmp(tok, "shuffle"))
			s->shuffle = true;
		else
			fail("unknown LIST_REPLAY option (see bench/list_replay.c)");
	}
	if (!s->rng)
		s->rng = 1;
}

/* The socket calls of libmnl the client makes. */

struct mnl_socket *mnl_socket_open(int bus)
{
	struct mnl_socket *s;

	if (bus != NETLINK_GENERIC) {
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	configure(s);
	make_procs(s);
	return s;
}

int mnl_socket_bind(struct mnl_socket *s, unsigned int groups, pid_t pid)
{
	(void)s;
	(void)groups;
	(void)pid;
	return 0;
}

unsigned int mnl_socket_get_portid(const struct mnl_socket *s)
{
	(void)s;
	return PORTID;
}

int mnl_socket_setsockopt(const struct mnl_socket *s, int type, void *buf,
			  socklen_t len)
{
	(void)s;
	(void)type;
	(void)buf;
	(void)len;
	return 0;
}

ssize_t mnl_socket_sendto(const struct mnl_socket *cs, const void *req,
			  size_t size)
{
	struct mnl_socket *s = (struct mnl_socket *)cs;
	const struct nlmsghdr *nlh = req;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (size < MNL_NLMSG_HDRLEN + sizeof(*g) || nlh->nlmsg_len != size) {
		errno = EINVAL;
		return -1;
	}
	if (nlh->nlmsg_type == GENL_ID_CTRL && g->cmd == CTRL_CMD_GETFAMILY)
		reply_family(s, nlh);
	else if (nlh->nlmsg_type != FAMILY_ID)
		queue_error(s, nlh, ENOENT, NULL, 0);
	else if (g->cmd == BRKSCOPE_CMD_GET && nlh->nlmsg_flags & NLM_F_DUMP)
		reply_dump(s, nlh);
	else if (g->cmd == BRKSCOPE_CMD_GET)
		reply_get(s, nlh);
	else if (g->cmd == BRKSCOPE_CMD_GET_STATS)
		reply_stats(s, nlh);
	else
		queue_error(s, nlh, EOPNOTSUPP, NULL, 0);
	return (ssize_t)size;
}

ssize_t mnl_socket_recvfrom(const struct mnl_socket *cs, void *buf,
			    size_t size)
{
	struct mnl_socket *s = (struct mnl_socket *)cs;
	uint32_t len;

	if (s->q_off >= s->q_len)
		fail("the client waits for a reply that will never come");
	memcpy(&len, s->q + s->q_off, sizeof(len));
	if (len > size) {
		errno = ENOSPC;		/* libmnl: MSG_TRUNC */
		return -1;
	}
	memcpy(buf, s->q + s->q_off + sizeof(len), len);
	s->q_off += sizeof(len) + len;
	if (s->q_off == s->q_len)
		s->q_off = s->q_len = 0;
	return len;
}

int mnl_socket_close(struct mnl_socket *s)
{
	free(s->procs);
	free(s->q);
	free(s);
	return 0;
}
