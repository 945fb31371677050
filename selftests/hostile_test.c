// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope netlink selftests: hostile requests.  Some 270 malformed or
 * unexpected requests, one row each of hostile[], must each get exactly
 * the errno, extended ack message, offset and missing type the kernel's
 * code says (or be answered, acked, ignored or refused by sendto() where
 * that is what it does), and must leave the socket answering a correct GET
 * of an idle helper with the very same fields.
 *
 * Helper: heap_spy, found next to this binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "lib/files.h"
#include "lib/genl.h"
#include "lib/kids.h"
#include "lib/nltest.h"
#include "lib/nlfixture.h"

/*
 * Hostile requests, one row of hostile[] each: its builder writes the
 * request into hbuf, and the row says what must come back.  Where each one
 * stops, as read in net/netlink/af_netlink.c, net/netlink/genetlink.c,
 * lib/nlattr.c and include/net/netlink.h of both 6.1 and 6.12 (the paths
 * are the same in both) and as run on both:
 *
 *   netlink_sendmsg()       an empty datagram: sendto() fails with ENODATA;
 *                           one longer than sk_sndbuf - 32: EMSGSIZE.
 *                           Nothing reaches genetlink.
 *   netlink_rcv_skb()       fewer than NLMSG_HDRLEN bytes, or nlmsg_len
 *                           below NLMSG_HDRLEN or above the bytes sent: the
 *                           rest of the datagram is dropped, no reply at all;
 *                           no NLM_F_REQUEST, or a control type: acked with
 *                           0 and not handled; bytes after the last whole
 *                           message: ignored
 *   genl_rcv_msg()          an unknown family id: ENOENT, no message
 *   genl_family_rcv_msg()   nlmsg_len shorter than the genl header: EINVAL,
 *                           no message; an unknown command, or a dump of a
 *                           command without dumpit: EOPNOTSUPP, no message.
 *                           genlmsghdr.version is never looked at.
 *   genl_header_check()     reserved byte, flags other than REQUEST, ACK,
 *                           ECHO and DUMP: EINVAL with a message
 *   __nla_validate_parse(), validate_nla() (NL_VALIDATE_STRICT): unknown
 *                           types, NLA_UNSPEC (PAD), NLA_REJECT (GET_STATS
 *                           takes nothing), lengths, NLA_F_NESTED, bytes
 *                           past the last attribute, PID range: EINVAL or
 *                           ERANGE with a message; a repeated attribute is
 *                           validated every time and the last one is kept
 *   brkscope (netlink.c)    PID missing, PID in a dump, no such process
 *
 * 6.1 and 6.12 give the same answer to every case but one: the module's
 * dump start() sees an extack only since 6.5, so a PID in a dump is
 * EINVAL without a message on 6.1.
 */

#define SILENCE_MS	300	/* "no reply": processing is synchronous anyway */
#define HBUF_SIZE	(256 << 10)
#define SNDBUF_ASK	(96 << 10)	/* SO_SNDBUFFORCE: the kernel doubles it */
#define ATTR0	(NLMSG_HDRLEN + GENL_HDRLEN)	/* offset of the first attribute */
#define ATTR1	(ATTR0 + NLA_HDRLEN + 4)	/* ... of one after a u32 */
#define BIG_PAYLOAD	(0xffff - NLA_HDRLEN)	/* the largest nla_len */

/* The rows name lengths: a GET with a PID is 28 bytes, ATTR1. */
_Static_assert(ATTR0 == 20 && ATTR1 == 28, "the rows' byte counts");
/* A new attribute wants its rows in the matrix below. */
_Static_assert(BRKSCOPE_A_MAX == BRKSCOPE_A_CGROUP_ID,
	       "add the new attribute's SHAPE_ROWS() to hostile[]");

enum outcome {
	OUT_ERROR,		/* one NLMSG_ERROR with err, no reply */
	OUT_ACK,		/* one ack (error 0), no reply */
	OUT_ANSWER,		/* one GET reply for pid `answer`, then the ack */
	OUT_SILENCE,		/* nothing at all within SILENCE_MS */
	OUT_SEND_FAILS,		/* sendto() itself fails with err */
};

/*
 * The extended ack's message: REQUIRED must be exactly `text`; ABSENT must
 * not be there (the code that rejects it sets none); REQUIRED_SINCE_6_5 is
 * REQUIRED from 6.5 on and ABSENT (message and offset) before.
 */
enum msg_rule {
	MSG_ABSENT,
	MSG_REQUIRED,
	MSG_REQUIRED_SINCE_6_5,
};

/* Pids a row names; a row's other pid values are taken as they are. */
enum {
	PID_LIVE = -1,		/* the idle helper, heap_spy */
	PID_ME = -2,		/* this process */
	PID_GONE = -3,		/* a reaped child */
};

struct hctx {
	uint16_t family;
	uint32_t live;		/* heap_spy, idle: its answer never changes */
	uint32_t me;
	uint32_t gone;		/* a reaped child */
	size_t sndbuf;		/* the socket's sk_sndbuf */
};

struct hrow;
/* Write the row's request into hbuf; returns the bytes to send. */
typedef size_t (*hbuild_fn)(const struct hctx *c, const struct hrow *r);

/* One hostile request and what must come back. */
struct hrow {
	const char *name;
	hbuild_fn build;
	int64_t a, b;		/* the builder's arguments */
	const char *where;	/* the function that answers */
	enum outcome out;
	int err;
	enum msg_rule msg;
	const char *text;
	int offs;		/* NLMSGERR_ATTR_OFFS, or 0: must be absent */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or 0: must be absent */
	int64_t answer;		/* OUT_ANSWER: PID_LIVE or PID_ME */
};

static char hbuf[HBUF_SIZE];

/* The kernel's texts, the same in 6.1 and 6.12. */
static const char MSG_UNKNOWN[] = "Unknown attribute type";
static const char MSG_LENGTH[] = "invalid attribute length";
static const char MSG_UNSPEC[] = "Unsupported attribute";
static const char MSG_NESTED[] = "NLA_F_NESTED not expected";
static const char MSG_REJECT[] = "Attribute failed policy validation";
static const char MSG_LEFTOVER[] = "bytes leftover after parsing attributes";
static const char MSG_RANGE[] = "integer out of range";
static const char MSG_FLAGS[] = "ambiguous or reserved bits set in nlmsg_flags";
static const char MSG_RESERVED[] = "genlmsghdr.reserved field is not 0";
/* The module's, from module/netlink.c. */
static const char MSG_NO_PID[] = "GET needs a pid (BRKSCOPE_A_PID)";
static const char MSG_NO_PROCESS[] = "no such process in the caller's pid namespace";
static const char MSG_PID_IN_DUMP[] =
	"a dump lists every process: leave out the pid, or drop NLM_F_DUMP";

static const char AT_SENDMSG[] = "netlink_sendmsg()";
static const char AT_RCV_SKB[] = "netlink_rcv_skb()";
static const char AT_GENL_RCV[] = "genl_rcv_msg()";
static const char AT_FAMILY_RCV[] = "genl_family_rcv_msg()";
static const char AT_HEADER_CHECK[] = "genl_header_check()";
static const char AT_NLA[] = "__nla_validate_parse()";
static const char AT_VALIDATE[] = "validate_nla()";
static const char AT_INT_RANGE[] = "nla_validate_int_range()";
static const char AT_MODULE[] = "brkscope";

/* ---- writing requests ---- */

static uint32_t pid_of(const struct hctx *c, int64_t pid)
{
	switch (pid) {
	case PID_LIVE:	return c->live;
	case PID_ME:	return c->me;
	case PID_GONE:	return c->gone;
	}
	return (uint32_t)pid;
}

/* The header of a request in hbuf; its attributes follow. */
static struct nlmsghdr *hmsg(uint16_t type, uint8_t cmd, uint8_t version,
			     uint16_t flags)
{
	/* The big cases zero what they append past the first 4 KiB. */
	return genl_msg(hbuf, 4096, type, cmd, version, flags);
}

static struct nlmsghdr *hget(const struct hctx *c, uint16_t flags)
{
	return hmsg(c->family, BRKSCOPE_CMD_GET, BRKSCOPE_FAMILY_VERSION,
		    NLM_F_REQUEST | NLM_F_ACK | flags);
}

/* A GET with the helper's PID. */
static struct nlmsghdr *hget_live(const struct hctx *c, uint16_t flags)
{
	struct nlmsghdr *nlh = hget(c, flags);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	return nlh;
}

/* An attribute of payload_len zero bytes (nla_len at most 0xffff). */
static struct nlattr *put_zeros(struct nlmsghdr *nlh, uint16_t type,
				size_t payload_len)
{
	struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);

	attr->nla_type = type;
	attr->nla_len = NLA_HDRLEN + payload_len;
	memset(attr + 1, 0, NLA_ALIGN(payload_len));
	nlh->nlmsg_len += NLA_ALIGN(attr->nla_len);
	return attr;
}

/* Zero bytes that are not an attribute: nla_len 0 where one would start. */
static void put_padding(struct nlmsghdr *nlh, size_t len)
{
	memset(mnl_nlmsg_get_payload_tail(nlh), 0, len);
	nlh->nlmsg_len += len;
}

/* Unknown attributes of zeros up to total bytes. */
static void fill_unknown(struct nlmsghdr *nlh, size_t total)
{
	while (nlh->nlmsg_len < total) {
		size_t room = total - nlh->nlmsg_len;
		size_t chunk = room < 0xfffc ? room : 0xfffc;

		put_zeros(nlh, BRKSCOPE_A_MAX + 1, chunk - NLA_HDRLEN);
	}
}

/* Wrong forms of an attribute, for every attribute type. */
enum shape {
	SH_U8,
	SH_U16,
	SH_U64,
	SH_EMPTY,
	SH_STRING,
	SH_NEST,
	SH_U32_NESTED_FLAG,
};

/* GET with the helper's PID, then attribute a in shape b. */
static size_t b_shape(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);
	uint16_t type = r->a;
	struct nlattr *attr, *nest;

	switch ((enum shape)r->b) {
	case SH_U8:
		mnl_attr_put_u8(nlh, type, c->live);
		break;
	case SH_U16:
		mnl_attr_put_u16(nlh, type, c->live);
		break;
	case SH_U64:
		mnl_attr_put_u64(nlh, type, c->live);
		break;
	case SH_EMPTY:
		mnl_attr_put(nlh, type, 0, NULL);
		break;
	case SH_STRING:
		mnl_attr_put_strz(nlh, type, "brkscope");	/* 9 bytes */
		break;
	case SH_NEST:
		nest = mnl_attr_nest_start(nlh, type);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		mnl_attr_nest_end(nlh, nest);
		break;
	case SH_U32_NESTED_FLAG:
		attr = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put_u32(nlh, type, c->live);
		attr->nla_type |= NLA_F_NESTED;
		break;
	}
	return nlh->nlmsg_len;
}

/* GET with no PID. */
static size_t b_no_pid(const struct hctx *c, const struct hrow *r)
{
	(void)r;
	return hget(c, 0)->nlmsg_len;
}

/* GET with PID a. */
static size_t b_pid(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, 0);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, pid_of(c, r->a));
	return nlh->nlmsg_len;
}

/* GET with PID a, then PID b. */
static size_t b_two_pids(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, 0);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, pid_of(c, r->a));
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, pid_of(c, r->b));
	return nlh->nlmsg_len;
}

/* GET with the helper's PID, its type with NLA_F_NET_BYTEORDER. */
static size_t b_pid_byteorder(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, 0);
	struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);

	(void)r;
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	attr->nla_type |= NLA_F_NET_BYTEORDER;
	return nlh->nlmsg_len;
}

/* Command a with the helper's PID. */
static size_t b_cmd(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hmsg(c->family, r->a, BRKSCOPE_FAMILY_VERSION,
				    NLM_F_REQUEST | NLM_F_ACK);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	return nlh->nlmsg_len;
}

/* GET of the helper in genl version a. */
static size_t b_version(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hmsg(c->family, BRKSCOPE_CMD_GET, r->a,
				    NLM_F_REQUEST | NLM_F_ACK);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	return nlh->nlmsg_len;
}

/* GET of the helper with genlmsghdr.reserved a. */
static size_t b_reserved(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, 0);

	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->reserved = r->a;
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	return nlh->nlmsg_len;
}

/* Command a (GET of the helper, or GET_STATS) with nlmsg flag b too. */
static size_t b_flag(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hmsg(c->family, r->a, BRKSCOPE_FAMILY_VERSION,
				    NLM_F_REQUEST | NLM_F_ACK | r->b);

	if (r->a == BRKSCOPE_CMD_GET)
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	return nlh->nlmsg_len;
}

/* GET_STATS with a u32 attribute of type a. */
static size_t b_stats_attr(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hmsg(c->family, BRKSCOPE_CMD_GET_STATS,
				    BRKSCOPE_FAMILY_VERSION,
				    NLM_F_REQUEST | NLM_F_ACK);

	mnl_attr_put_u32(nlh, r->a, c->live);
	return nlh->nlmsg_len;
}

/* ARM, which takes no attribute either, with a u32 attribute of type a. */
static size_t b_arm_attr(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hmsg(c->family, BRKSCOPE_CMD_ARM, BRKSCOPE_FAMILY_VERSION,
				    NLM_F_REQUEST | NLM_F_ACK);

	mnl_attr_put_u32(nlh, r->a, c->live);
	return nlh->nlmsg_len;
}

/* ARM with NLM_F_DUMP. */
static size_t b_arm_dump(const struct hctx *c, const struct hrow *r)
{
	(void)r;
	return hmsg(c->family, BRKSCOPE_CMD_ARM, BRKSCOPE_FAMILY_VERSION,
		    NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)->nlmsg_len;
}

/* GET_STATS with NLM_F_DUMP. */
static size_t b_stats_dump(const struct hctx *c, const struct hrow *r)
{
	(void)r;
	return hmsg(c->family, BRKSCOPE_CMD_GET_STATS, BRKSCOPE_FAMILY_VERSION,
		    NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)->nlmsg_len;
}

/* GET of the helper with nlmsg flag a too (one the family takes). */
static size_t b_get_flag(const struct hctx *c, const struct hrow *r)
{
	return hget_live(c, r->a)->nlmsg_len;
}

/* A dump with a u32 attribute of type a, value (pid) b. */
static size_t b_dump_u32(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, NLM_F_DUMP);

	mnl_attr_put_u32(nlh, r->a, pid_of(c, r->b));
	return nlh->nlmsg_len;
}

/* A dump with a u8 attribute of type a, value b. */
static size_t b_dump_u8(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, NLM_F_DUMP);

	mnl_attr_put_u8(nlh, r->a, r->b);
	return nlh->nlmsg_len;
}

/* A dump with the helper's PID and nlmsg flag a too. */
static size_t b_dump_flag(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, NLM_F_DUMP);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	nlh->nlmsg_flags |= r->a;
	return nlh->nlmsg_len;
}

/* GET of the helper as nlmsg_type a. */
static size_t b_type(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);

	nlh->nlmsg_type = r->a;
	return nlh->nlmsg_len;
}

/* GET of the helper with nlmsg_flags exactly a. */
static size_t b_nlmsg_flags(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);

	nlh->nlmsg_flags = r->a;
	return nlh->nlmsg_len;
}

/* The first a bytes of a GET of the helper. */
static size_t b_sent(const struct hctx *c, const struct hrow *r)
{
	hget_live(c, 0);
	return r->a;
}

/* GET of the helper whose nlmsg_len says a. */
static size_t b_nlmsg_len(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);
	size_t len = nlh->nlmsg_len;

	nlh->nlmsg_len = r->a;
	return len;
}

/* GET of the helper whose nlmsg_len says a bytes more than it has. */
static size_t b_nlmsg_len_plus(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);
	size_t len = nlh->nlmsg_len;

	nlh->nlmsg_len += r->a;
	return len;
}

/* GET with b PIDs before one whose nla_len is a. */
static size_t b_nla_len(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget(c, 0);
	struct nlattr *attr;

	if (r->b)
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	attr->nla_len = r->a;
	return nlh->nlmsg_len;
}

/* GET of the helper, then an attribute of type a with 64 KiB of zeros. */
static size_t b_big_attr(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);

	put_zeros(nlh, r->a, BIG_PAYLOAD);
	return nlh->nlmsg_len;
}

/* GET of the helper, then 64 KiB of zeros inside nlmsg_len. */
static size_t b_zeros_inside(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);

	(void)r;
	put_padding(nlh, 64 << 10);
	return nlh->nlmsg_len;
}

/*
 * GET of the helper, then 64 KiB of zeros past nlmsg_len:
 * netlink_rcv_skb() reads a header with nlmsg_len 0 there and stops.
 */
static size_t b_zeros_after(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);

	(void)r;
	memset(hbuf + nlh->nlmsg_len, 0, 64 << 10);
	return nlh->nlmsg_len + (64 << 10);
}

/*
 * GET of the helper, then unknown attributes up to the largest datagram
 * the socket may send (sk_sndbuf - 32), plus a bytes in nlmsg_len.
 */
static size_t b_sndbuf(const struct hctx *c, const struct hrow *r)
{
	struct nlmsghdr *nlh = hget_live(c, 0);
	size_t total = c->sndbuf - 32 + r->a;

	fill_unknown(nlh, total & ~3UL);
	if (r->a) {
		hbuf[nlh->nlmsg_len] = 0;
		nlh->nlmsg_len = total;
	}
	return nlh->nlmsg_len;
}

/* ---- the rows ---- */

#define ROW(name_, build_, a_, b_) \
	.name = name_, .build = build_, .a = a_, .b = b_
/* An NLMSG_ERROR with err and the message text at offset offs (0: none). */
#define ERROR(where_, err_, text_, offs_) \
	.where = where_, .out = OUT_ERROR, .err = err_, \
	.msg = MSG_REQUIRED, .text = text_, .offs = offs_
/* The same, but without message or offset before 6.5. */
#define ERROR_SINCE_6_5(where_, err_, text_, offs_) \
	.where = where_, .out = OUT_ERROR, .err = err_, \
	.msg = MSG_REQUIRED_SINCE_6_5, .text = text_, .offs = offs_
/* An NLMSG_ERROR with err, without a message or an offset. */
#define BARE_ERROR(where_, err_) \
	.where = where_, .out = OUT_ERROR, .err = err_
/* The GET reply about pid, then an ack. */
#define ANSWER(where_, pid_) \
	.where = where_, .out = OUT_ANSWER, .answer = pid_
#define ACK(where_)		.where = where_, .out = OUT_ACK
#define SILENCE(where_)		.where = where_, .out = OUT_SILENCE
#define SEND_FAILS(err_)	.where = AT_SENDMSG, .out = OUT_SEND_FAILS, .err = err_

/*
 * GET with a valid PID followed by attribute `type` in every wrong form,
 * each answered alike.  The GET policy knows PAD and PID only (maxattr
 * BRKSCOPE_A_PID): every other type, and 0, is unknown; PAD is NLA_UNSPEC,
 * which strict validation refuses in any form; a PID must be exactly 4
 * bytes and not nested.
 */
#define SHAPE_ROWS(type, ...) \
	{ ROW("PID, then " #type " as u8", b_shape, type, SH_U8), __VA_ARGS__ }, \
	{ ROW("PID, then " #type " as u16", b_shape, type, SH_U16), __VA_ARGS__ }, \
	{ ROW("PID, then " #type " as u64", b_shape, type, SH_U64), __VA_ARGS__ }, \
	{ ROW("PID, then " #type " empty", b_shape, type, SH_EMPTY), __VA_ARGS__ }, \
	{ ROW("PID, then " #type " as string", b_shape, type, SH_STRING), __VA_ARGS__ }, \
	{ ROW("PID, then " #type " as nest of a u32", b_shape, type, SH_NEST), __VA_ARGS__ }, \
	{ ROW("PID, then " #type " as u32 with NLA_F_NESTED", b_shape, type, \
	      SH_U32_NESTED_FLAG), __VA_ARGS__ }
#define UNKNOWN_AFTER_PID	ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR1)

static const struct hrow hostile[] = {
	SHAPE_ROWS(BRKSCOPE_A_UNSPEC, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_PAD, ERROR(AT_VALIDATE, EINVAL, MSG_UNSPEC, ATTR1)),
	{ ROW("PID, then PID as u8", b_shape, BRKSCOPE_A_PID, SH_U8),
	  ERROR(AT_VALIDATE, EINVAL, MSG_LENGTH, ATTR1) },
	{ ROW("PID, then PID as u16", b_shape, BRKSCOPE_A_PID, SH_U16),
	  ERROR(AT_VALIDATE, EINVAL, MSG_LENGTH, ATTR1) },
	{ ROW("PID, then PID as u64", b_shape, BRKSCOPE_A_PID, SH_U64),
	  ERROR(AT_VALIDATE, EINVAL, MSG_LENGTH, ATTR1) },
	{ ROW("PID, then PID empty", b_shape, BRKSCOPE_A_PID, SH_EMPTY),
	  ERROR(AT_VALIDATE, EINVAL, MSG_LENGTH, ATTR1) },
	{ ROW("PID, then PID as string", b_shape, BRKSCOPE_A_PID, SH_STRING),
	  ERROR(AT_VALIDATE, EINVAL, MSG_LENGTH, ATTR1) },
	{ ROW("PID, then PID as nest of a u32", b_shape, BRKSCOPE_A_PID, SH_NEST),
	  ERROR(AT_VALIDATE, EINVAL, MSG_LENGTH, ATTR1) },
	{ ROW("PID, then PID as u32 with NLA_F_NESTED", b_shape, BRKSCOPE_A_PID,
	      SH_U32_NESTED_FLAG),
	  ERROR(AT_VALIDATE, EINVAL, MSG_NESTED, ATTR1) },
	SHAPE_ROWS(BRKSCOPE_A_COMM, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_START_BRK, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_BRK, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_HEAP_END, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_GROWS, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_GROWN_BYTES, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_FAILED_GROWS, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_SHRINKS, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_SHRUNK_BYTES, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_PEAK_BRK, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_LAST_CHANGE_NS, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_TRACKED, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_STATS, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_EVENT_SEQ, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_EVENT_TYPE, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_EVENT_SOURCE, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_EVENT_OLD_BRK, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_EVENT_NEW_BRK, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_EVENT_LEN, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_EVENT_TIME_NS, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_HEAP_BYTES, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_CGROUP_ID, UNKNOWN_AFTER_PID),
	SHAPE_ROWS(BRKSCOPE_A_MAX + 1, UNKNOWN_AFTER_PID),

	/* PID values out of the policy's range 1..PID_MAX_LIMIT. */
	{ ROW("PID 0", b_pid, 0, 0),
	  ERROR(AT_INT_RANGE, ERANGE, MSG_RANGE, ATTR0) },
	{ ROW("PID 0xffffffff", b_pid, 0xffffffff, 0),
	  ERROR(AT_INT_RANGE, ERANGE, MSG_RANGE, ATTR0) },
	{ ROW("PID PID_MAX_LIMIT + 1", b_pid, PID_MAX_LIMIT + 1, 0),
	  ERROR(AT_INT_RANGE, ERANGE, MSG_RANGE, ATTR0) },
	{ ROW("PID INT_MAX", b_pid, INT_MAX, 0),
	  ERROR(AT_INT_RANGE, ERANGE, MSG_RANGE, ATTR0) },
	{ ROW("PID INT_MAX + 1", b_pid, (uint32_t)INT_MAX + 1, 0),
	  ERROR(AT_INT_RANGE, ERANGE, MSG_RANGE, ATTR0) },

	/*
	 * In range, but nobody: PID_MAX_LIMIT itself (pids stay below
	 * pid_max, which is at most PID_MAX_LIMIT), and a reaped child.
	 */
	{ ROW("PID PID_MAX_LIMIT", b_pid, PID_MAX_LIMIT, 0),
	  ERROR(AT_MODULE, ESRCH, MSG_NO_PROCESS, ATTR0) },
	{ ROW("PID of a reaped child", b_pid, PID_GONE, 0),
	  ERROR(AT_MODULE, ESRCH, MSG_NO_PROCESS, ATTR0) },

	/*
	 * How many PIDs: none; two, where __nla_validate_parse() validates
	 * each and keeps the last in tb[], so the answer is about the second
	 * one and an error names the offending one; and one PID with the
	 * NLA_F_NET_BYTEORDER bit, which nla_type() masks off and nothing
	 * checks.
	 */
	{ ROW("no PID", b_no_pid, 0, 0),
	  ERROR(AT_MODULE, EINVAL, MSG_NO_PID, 0), .miss_type = BRKSCOPE_A_PID },
	{ ROW("PID of this process, PID of the helper", b_two_pids, PID_ME, PID_LIVE),
	  ANSWER(AT_NLA, PID_LIVE) },
	{ ROW("PID of the helper, PID of this process", b_two_pids, PID_LIVE, PID_ME),
	  ANSWER(AT_NLA, PID_ME) },
	{ ROW("PID 0, PID of the helper", b_two_pids, 0, PID_LIVE),
	  ERROR(AT_INT_RANGE, ERANGE, MSG_RANGE, ATTR0) },
	{ ROW("PID of the helper, PID 0", b_two_pids, PID_LIVE, 0),
	  ERROR(AT_INT_RANGE, ERANGE, MSG_RANGE, ATTR1) },
	{ ROW("PID of the helper, PID of a reaped child", b_two_pids, PID_LIVE, PID_GONE),
	  ERROR(AT_MODULE, ESRCH, MSG_NO_PROCESS, ATTR1) },
	{ ROW("PID with NLA_F_NET_BYTEORDER", b_pid_byteorder, 0, 0),
	  ANSWER(AT_VALIDATE, PID_LIVE) },

	/* Commands the family does not take: no op, so no message. */
	{ ROW("command BRKSCOPE_CMD_UNSPEC", b_cmd, BRKSCOPE_CMD_UNSPEC, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },
	{ ROW("command BRKSCOPE_CMD_EVENT", b_cmd, BRKSCOPE_CMD_EVENT, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },
	{ ROW("command BRKSCOPE_CMD_MAX + 1", b_cmd, BRKSCOPE_CMD_MAX + 1, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },
	{ ROW("command 100", b_cmd, 100, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },
	{ ROW("command 200", b_cmd, 200, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },
	{ ROW("command 255", b_cmd, 255, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },

	/* genetlink never reads genlmsghdr.version: these are answered. */
	{ ROW("genl version 0", b_version, 0, 0),
	  ANSWER(AT_FAMILY_RCV, PID_LIVE) },
	{ ROW("genl version BRKSCOPE_FAMILY_VERSION + 1", b_version,
	      BRKSCOPE_FAMILY_VERSION + 1, 0),
	  ANSWER(AT_FAMILY_RCV, PID_LIVE) },
	{ ROW("genl version 255", b_version, 255, 0),
	  ANSWER(AT_FAMILY_RCV, PID_LIVE) },

	{ ROW("genl reserved byte 0x1", b_reserved, 1, 0),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_RESERVED, 0) },
	{ ROW("genl reserved byte 0x80", b_reserved, 0x80, 0),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_RESERVED, 0) },
	{ ROW("genl reserved byte 0xff", b_reserved, 0xff, 0),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_RESERVED, 0) },

	/* Flags genl_header_check() refuses: all but REQUEST, ACK, ECHO, DUMP. */
	{ ROW("GET with NLM_F_MULTI", b_flag, BRKSCOPE_CMD_GET, NLM_F_MULTI),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET with NLM_F_DUMP_INTR", b_flag, BRKSCOPE_CMD_GET, NLM_F_DUMP_INTR),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET with NLM_F_DUMP_FILTERED", b_flag, BRKSCOPE_CMD_GET,
	      NLM_F_DUMP_FILTERED),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET with NLM_F_REPLACE (= NLM_F_ROOT)", b_flag, BRKSCOPE_CMD_GET,
	      NLM_F_REPLACE),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET with NLM_F_EXCL (= NLM_F_MATCH)", b_flag, BRKSCOPE_CMD_GET,
	      NLM_F_EXCL),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET with NLM_F_CREATE (= NLM_F_ATOMIC)", b_flag, BRKSCOPE_CMD_GET,
	      NLM_F_CREATE),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET with NLM_F_APPEND", b_flag, BRKSCOPE_CMD_GET, NLM_F_APPEND),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET with flag 0x8000", b_flag, BRKSCOPE_CMD_GET, 0x8000),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with NLM_F_MULTI", b_flag, BRKSCOPE_CMD_GET_STATS,
	      NLM_F_MULTI),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with NLM_F_DUMP_INTR", b_flag, BRKSCOPE_CMD_GET_STATS,
	      NLM_F_DUMP_INTR),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with NLM_F_DUMP_FILTERED", b_flag, BRKSCOPE_CMD_GET_STATS,
	      NLM_F_DUMP_FILTERED),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with NLM_F_REPLACE (= NLM_F_ROOT)", b_flag,
	      BRKSCOPE_CMD_GET_STATS, NLM_F_REPLACE),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with NLM_F_EXCL (= NLM_F_MATCH)", b_flag,
	      BRKSCOPE_CMD_GET_STATS, NLM_F_EXCL),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with NLM_F_CREATE (= NLM_F_ATOMIC)", b_flag,
	      BRKSCOPE_CMD_GET_STATS, NLM_F_CREATE),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with NLM_F_APPEND", b_flag, BRKSCOPE_CMD_GET_STATS,
	      NLM_F_APPEND),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },
	{ ROW("GET_STATS with flag 0x8000", b_flag, BRKSCOPE_CMD_GET_STATS, 0x8000),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },

	/*
	 * GET_STATS has no policy: genl_op_from_full() gives it
	 * genl_policy_reject_all (maxattr 1, NLA_REJECT), so PAD fails policy
	 * validation and every other type is unknown.  A dump of it: no
	 * dumpit.  And NLM_F_ECHO, which genl_header_check() allows, on a GET.
	 */
	{ ROW("GET_STATS with BRKSCOPE_A_UNSPEC", b_stats_attr, BRKSCOPE_A_UNSPEC, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR0) },
	{ ROW("GET_STATS with BRKSCOPE_A_PAD", b_stats_attr, BRKSCOPE_A_PAD, 0),
	  ERROR(AT_VALIDATE, EINVAL, MSG_REJECT, ATTR0) },
	{ ROW("GET_STATS with BRKSCOPE_A_PID", b_stats_attr, BRKSCOPE_A_PID, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR0) },
	{ ROW("GET_STATS with BRKSCOPE_A_STATS", b_stats_attr, BRKSCOPE_A_STATS, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR0) },
	{ ROW("GET_STATS with BRKSCOPE_A_MAX", b_stats_attr, BRKSCOPE_A_MAX, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR0) },
	{ ROW("GET_STATS with BRKSCOPE_A_MAX + 1", b_stats_attr,
	      BRKSCOPE_A_MAX + 1, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR0) },
	{ ROW("GET_STATS as a dump", b_stats_dump, 0, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },
	/* ARM, no policy either: refused before it could arm anything. */
	{ ROW("ARM with BRKSCOPE_A_PID", b_arm_attr, BRKSCOPE_A_PID, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR0) },
	{ ROW("ARM as a dump", b_arm_dump, 0, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EOPNOTSUPP) },
	{ ROW("GET with NLM_F_ECHO", b_get_flag, NLM_F_ECHO, 0),
	  ANSWER(AT_HEADER_CHECK, PID_LIVE) },

	/*
	 * Attributes in a dump: genl_start() validates them with genetlink's
	 * own extack (a message on 6.1 too); a well-formed PID reaches the
	 * module's start(), whose cb->extack exists only since 6.5.
	 */
	{ ROW("dump with a PID", b_dump_u32, BRKSCOPE_A_PID, PID_LIVE),
	  ERROR_SINCE_6_5(AT_MODULE, EINVAL, MSG_PID_IN_DUMP, ATTR0) },
	{ ROW("dump with a u8 PID", b_dump_u8, BRKSCOPE_A_PID, 1),
	  ERROR(AT_VALIDATE, EINVAL, MSG_LENGTH, ATTR0) },
	{ ROW("dump with BRKSCOPE_A_COMM", b_dump_u32, BRKSCOPE_A_COMM, 1),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR0) },
	{ ROW("dump with PAD", b_dump_u32, BRKSCOPE_A_PAD, 0),
	  ERROR(AT_VALIDATE, EINVAL, MSG_UNSPEC, ATTR0) },
	{ ROW("dump with NLM_F_APPEND", b_dump_flag, NLM_F_APPEND, 0),
	  ERROR(AT_HEADER_CHECK, EINVAL, MSG_FLAGS, 0) },

	/*
	 * Not ours to answer: an unknown family id (GENL_MAX_ID is the
	 * highest id genetlink hands out); no NLM_F_REQUEST; a control
	 * message type.
	 */
	{ ROW("family id GENL_MAX_ID + 1", b_type, GENL_MAX_ID + 1, 0),
	  BARE_ERROR(AT_GENL_RCV, ENOENT) },
	{ ROW("family id 0xffff", b_type, 0xffff, 0),
	  BARE_ERROR(AT_GENL_RCV, ENOENT) },
	{ ROW("GET without NLM_F_REQUEST", b_nlmsg_flags, NLM_F_ACK, 0),
	  ACK(AT_RCV_SKB) },
	{ ROW("GET without REQUEST or ACK", b_nlmsg_flags, 0, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("nlmsg_type NLMSG_NOOP", b_type, NLMSG_NOOP, 0),
	  ACK(AT_RCV_SKB) },
	{ ROW("nlmsg_type NLMSG_DONE", b_type, NLMSG_DONE, 0),
	  ACK(AT_RCV_SKB) },

	/* Lengths that lie, about a GET of 28 bytes. */
	{ ROW("0 bytes sent, nlmsg_len 28", b_sent, 0, 0),
	  SEND_FAILS(ENODATA) },
	{ ROW("1 byte sent, nlmsg_len 28", b_sent, 1, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("15 bytes sent, nlmsg_len 28", b_sent, NLMSG_HDRLEN - 1, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("28 bytes sent, nlmsg_len 0", b_nlmsg_len, 0, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("28 bytes sent, nlmsg_len 4", b_nlmsg_len, 4, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("28 bytes sent, nlmsg_len 15", b_nlmsg_len, NLMSG_HDRLEN - 1, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("28 bytes sent, nlmsg_len 16 (no genl header)", b_nlmsg_len,
	      NLMSG_HDRLEN, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EINVAL) },
	{ ROW("28 bytes sent, nlmsg_len 17", b_nlmsg_len, NLMSG_HDRLEN + 1, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EINVAL) },
	{ ROW("28 bytes sent, nlmsg_len 19", b_nlmsg_len, ATTR0 - 1, 0),
	  BARE_ERROR(AT_FAMILY_RCV, EINVAL) },
	{ ROW("28 bytes sent, nlmsg_len 20 (no attributes)", b_nlmsg_len, ATTR0, 0),
	  ERROR(AT_MODULE, EINVAL, MSG_NO_PID, 0), .miss_type = BRKSCOPE_A_PID },
	{ ROW("28 bytes sent, nlmsg_len 21", b_nlmsg_len, ATTR0 + 1, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("28 bytes sent, nlmsg_len 22", b_nlmsg_len, ATTR0 + 2, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("28 bytes sent, nlmsg_len 23", b_nlmsg_len, ATTR0 + 3, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("28 bytes sent, nlmsg_len 24", b_nlmsg_len, ATTR0 + 4, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("28 bytes sent, nlmsg_len 25", b_nlmsg_len, ATTR0 + 5, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("28 bytes sent, nlmsg_len 26", b_nlmsg_len, ATTR0 + 6, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("28 bytes sent, nlmsg_len 27", b_nlmsg_len, ATTR0 + 7, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("28 bytes sent, nlmsg_len 29", b_nlmsg_len_plus, 1, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("28 bytes sent, nlmsg_len 32", b_nlmsg_len_plus, 4, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("28 bytes sent, nlmsg_len 4124", b_nlmsg_len_plus, 4096, 0),
	  SILENCE(AT_RCV_SKB) },
	{ ROW("28 bytes sent, nlmsg_len 0xffffffff", b_nlmsg_len, 0xffffffff, 0),
	  SILENCE(AT_RCV_SKB) },

	/* nla_len values that do not fit: below NLA_HDRLEN, or past the end. */
	{ ROW("only PID with nla_len 0", b_nla_len, 0, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("only PID with nla_len 1", b_nla_len, 1, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("only PID with nla_len 3", b_nla_len, NLA_HDRLEN - 1, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("only PID with nla_len 9", b_nla_len, NLA_HDRLEN + 5, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("only PID with nla_len 64", b_nla_len, 64, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("only PID with nla_len 0x7fff", b_nla_len, 0x7fff, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("only PID with nla_len 0xffff", b_nla_len, 0xffff, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("second PID with nla_len 0", b_nla_len, 0, 1),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("second PID with nla_len 1", b_nla_len, 1, 1),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("second PID with nla_len 3", b_nla_len, NLA_HDRLEN - 1, 1),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("second PID with nla_len 9", b_nla_len, NLA_HDRLEN + 5, 1),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("second PID with nla_len 64", b_nla_len, 64, 1),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("second PID with nla_len 0x7fff", b_nla_len, 0x7fff, 1),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("second PID with nla_len 0xffff", b_nla_len, 0xffff, 1),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },

	/*
	 * Big: 64 KiB attributes; 64 KiB of zeros inside nlmsg_len, and after
	 * it; the largest datagram the socket may send, and one byte more.
	 */
	{ ROW("PID, then BRKSCOPE_A_MAX + 1 of 65531 bytes", b_big_attr,
	      BRKSCOPE_A_MAX + 1, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR1) },
	{ ROW("PID, then PAD of 65531 bytes", b_big_attr, BRKSCOPE_A_PAD, 0),
	  ERROR(AT_VALIDATE, EINVAL, MSG_UNSPEC, ATTR1) },
	{ ROW("PID, then 64 KiB of zeros", b_zeros_inside, 0, 0),
	  ERROR(AT_NLA, EINVAL, MSG_LEFTOVER, 0) },
	{ ROW("GET, then 64 KiB of zeros past nlmsg_len", b_zeros_after, 0, 0),
	  ANSWER(AT_RCV_SKB, PID_LIVE) },
	{ ROW("sk_sndbuf - 32 bytes", b_sndbuf, 0, 0),
	  ERROR(AT_NLA, EINVAL, MSG_UNKNOWN, ATTR1) },
	{ ROW("sk_sndbuf - 32 + 1 bytes", b_sndbuf, 1, 0),
	  SEND_FAILS(EMSGSIZE) },
};

/* ---- sending them ---- */

/* What came back for one case. */
struct hresult {
	int send_err;		/* errno of sendto(), 0 */
	int recv_err;		/* errno of poll/recv other than a timeout */
	struct nl_ack ack;
	struct proc_info p;	/* GET replies with the request's seq */
	int stray;		/* messages of another seq, or after the ack */
};

/*
 * Send len bytes of hbuf; collect answers with the request's seq up to its
 * NLMSG_ERROR, then whatever else is queued.  The kernel handles a request
 * inside sendto(), so every answer is queued when it returns.
 */
static void hostile_transact(int fd, size_t len, bool silent,
			     struct hresult *r)
{
	uint32_t seq = ((const struct nlmsghdr *)hbuf)->nlmsg_seq;
	const struct nlmsghdr *nlh;
	int n, wait;

	memset(r, 0, sizeof(*r));
	n = nl_send(fd, hbuf, len);
	if (n) {
		r->send_err = -n;
		silent = true;
	}
	for (;;) {
		wait = r->ack.got || r->send_err ? 0 :
			silent ? SILENCE_MS : REPLY_TIMEOUT_MS;
		n = nl_recv(fd, rxbuf, sizeof(rxbuf), wait);
		if (n == -ETIMEDOUT)
			return;
		if (n < 0) {
			r->recv_err = -n;
			return;
		}
		for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (r->ack.got || nlh->nlmsg_seq != seq)
				r->stray++;
			else if (nlh->nlmsg_type == NLMSG_ERROR)
				parse_error(nlh, &r->ack);
			else if (nlh->nlmsg_type == NLMSG_DONE)
				parse_done(nlh, &r->ack);
			else
				get_reply(nlh, &r->p);
		}
	}
}

/* The helper's GET answer must equal the one taken at the start. */
static void expect_same_answer(struct __test_metadata *_metadata,
			       const struct proc_info *want,
			       const struct proc_info *p, const char *after)
{
	int t;

	EXPECT_EQ(want->pid, p->pid) TH_LOG("after '%s'", after);
	EXPECT_STREQ(want->comm, p->comm) TH_LOG("after '%s'", after);
	for (t = BRKSCOPE_A_PID; t <= BRKSCOPE_A_MAX; t++) {
		EXPECT_EQ(want->has[t], p->has[t])
			TH_LOG("after '%s': attribute %d", after, t);
		EXPECT_EQ(want->val[t], p->val[t])
			TH_LOG("after '%s': attribute %d", after, t);
	}
}

/*
 * Every row of hostile[], each on the same socket and each followed by a
 * GET of the helper that must answer as before: one log line a row, with
 * its name, where it must stop and what came back.
 */
NL_TEST(hostile_requests_fail_with_exact_errno_and_extack)
{
	bool since_6_5 = kernel_at_least(6, 5);
	unsigned long before, after, stat_brk = 0;
	int pid, status, ncases = 0, bytes = SNDBUF_ASK;
	struct proc_info ref, p;
	struct hresult r;
	struct hctx c;
	socklen_t optlen = sizeof(bytes);
	size_t i;

	REQUIRE_FAMILY();
	pid = fork_exiting_child(_metadata, &self->nl.others);
	status = reap(&self->nl.others, self->nl.kids, pid);
	ASSERT_TRUE(WIFEXITED(status));

	/* The helper whose answer must survive every case, field by field. */
	spawn_heap_spy(_metadata, &self->nl.kids[0], &before, &after);
	ASSERT_EQ(0, proc_start_brk(self->nl.kids[0].pid, &stat_brk));
	get_ok(_metadata, &self->nl, self->nl.kids[0].pid, &ref);
	ASSERT_EQ((uint32_t)self->nl.kids[0].pid, ref.pid);
	ASSERT_STREQ("heap_spy", ref.comm);
	ASSERT_EQ(stat_brk, ref.val[BRKSCOPE_A_START_BRK]);
	ASSERT_EQ(before, ref.val[BRKSCOPE_A_START_BRK]);
	ASSERT_EQ(after, ref.val[BRKSCOPE_A_BRK]);
	ASSERT_EQ(page_align(after), ref.val[BRKSCOPE_A_HEAP_END]);
	ASSERT_EQ(1, ref.val[BRKSCOPE_A_GROWS]);
	ASSERT_EQ(page_align(after) - page_align(before),
		  ref.val[BRKSCOPE_A_GROWN_BYTES]);
	ASSERT_TRUE(ref.has[BRKSCOPE_A_TRACKED]);
	ASSERT_TRUE(ref.has[BRKSCOPE_A_LAST_CHANGE_NS]);

	/* A known send buffer, big enough for the 64 KiB cases. */
	ASSERT_EQ(0, setsockopt(self->nl.sock, SOL_SOCKET, SO_SNDBUFFORCE, &bytes,
				sizeof(bytes))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, getsockopt(self->nl.sock, SOL_SOCKET, SO_SNDBUF, &bytes, &optlen));
	ASSERT_LE((size_t)bytes, sizeof(hbuf));
	ASSERT_LT(ATTR1 + (64 << 10) + 32, bytes);

	c = (struct hctx){ .family = self->nl.family, .live = self->nl.kids[0].pid,
			   .me = getpid(), .gone = pid, .sndbuf = bytes };
	TH_LOG("helper heap_spy %u, this process %u, reaped %u, sk_sndbuf %d, kernel %s 6.5",
	       c.live, c.me, c.gone, bytes, since_6_5 ? ">=" : "<");

	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		const struct hrow *h = &hostile[i];
		const char *what = h->name;
		bool msg_due = h->msg == MSG_REQUIRED ||
			(h->msg == MSG_REQUIRED_SINCE_6_5 && since_6_5);
		int offs = !h->offs ||
			(h->msg == MSG_REQUIRED_SINCE_6_5 && !since_6_5) ? -1 : h->offs;
		int miss_type = h->miss_type ? h->miss_type : -1;
		uint32_t answer = pid_of(&c, h->answer);
		size_t len;

		ncases++;
		len = h->build(&c, h);
		hostile_transact(self->nl.sock, len, h->out == OUT_SILENCE, &r);
		TH_LOG("%3zu %-50s [%s] %zu bytes -> %s %s, extack '%s', offs %d, miss_type %d, %d replies (pid %u)",
		       i, what, h->where, len,
		       r.send_err ? "sendto() failed" :
		       !r.ack.got ? (r.p.nmsgs ? "reply, no ack" : "no reply") :
		       r.p.nmsgs ? "answered" : r.ack.err ? "error" : "ack",
		       errname(r.send_err ? r.send_err : r.ack.err),
		       r.ack.has_msg ? r.ack.msg : "(none)",
		       r.ack.has_offs ? (int)r.ack.offs : -1,
		       r.ack.has_miss_type ? (int)r.ack.miss_type : -1,
		       r.p.nmsgs, r.p.pid);
		ASSERT_EQ(0, r.recv_err) TH_LOG("%s: socket: %s", what,
						strerror(r.recv_err));
		EXPECT_EQ(0, r.stray) TH_LOG("%s: unrelated messages", what);

		switch (h->out) {
		case OUT_SEND_FAILS:
			EXPECT_EQ(h->err, r.send_err) TH_LOG("%s", what);
			EXPECT_FALSE(r.ack.got) TH_LOG("%s", what);
			break;
		case OUT_SILENCE:
			EXPECT_EQ(0, r.send_err) TH_LOG("%s", what);
			EXPECT_FALSE(r.ack.got) TH_LOG("%s: answered", what);
			EXPECT_EQ(0, r.p.nmsgs) TH_LOG("%s: answered", what);
			break;
		case OUT_ACK:
		case OUT_ANSWER:
			ASSERT_TRUE(r.ack.got) TH_LOG("%s: no ack", what);
			EXPECT_EQ(0, r.ack.err) TH_LOG("%s: %s", what,
						       errname(r.ack.err));
			EXPECT_FALSE(r.ack.has_msg) TH_LOG("%s", what);
			EXPECT_EQ(h->out == OUT_ANSWER, r.p.nmsgs) TH_LOG("%s", what);
			if (h->out == OUT_ANSWER && r.p.nmsgs == 1) {
				EXPECT_EQ(0, r.p.bad_attr) TH_LOG("%s", what);
				EXPECT_EQ(0, r.p.bad_cmd) TH_LOG("%s", what);
				if (answer == c.live)
					expect_same_answer(_metadata, &ref, &r.p, what);
				EXPECT_EQ(answer, r.p.pid) TH_LOG("%s", what);
			}
			break;
		case OUT_ERROR:
			ASSERT_TRUE(r.ack.got) TH_LOG("%s: no answer", what);
			EXPECT_EQ(h->err, r.ack.err) TH_LOG("%s: %s", what,
							    errname(r.ack.err));
			EXPECT_EQ(0, r.p.nmsgs) TH_LOG("%s: answered", what);
			if (msg_due) {
				EXPECT_TRUE(r.ack.has_msg) TH_LOG("%s: no message", what);
				if (r.ack.has_msg)
					EXPECT_STREQ(h->text, r.ack.msg)
						TH_LOG("%s", what);
			} else {
				EXPECT_FALSE(r.ack.has_msg) TH_LOG("%s", what);
			}
			EXPECT_EQ(offs >= 0, r.ack.has_offs) TH_LOG("%s", what);
			if (offs >= 0 && r.ack.has_offs)
				EXPECT_EQ((uint32_t)offs, r.ack.offs) TH_LOG("%s", what);
			EXPECT_EQ(miss_type >= 0, r.ack.has_miss_type)
				TH_LOG("%s", what);
			if (miss_type >= 0 && r.ack.has_miss_type)
				EXPECT_EQ((uint32_t)miss_type, r.ack.miss_type)
					TH_LOG("%s", what);
			break;
		}

		/* The same socket still answers, with the same fields. */
		get_ok(_metadata, &self->nl, c.live, &p);
		expect_same_answer(_metadata, &ref, &p, what);
	}
	TH_LOG("figure: %d hostile netlink requests, each followed by a correct GET of pid %u",
	       ncases, c.live);
	EXPECT_LE(250, ncases);
}

TEST_HARNESS_MAIN
