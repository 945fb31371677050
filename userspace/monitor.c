// SPDX-License-Identifier: GPL-2.0
/*
 * The events of brkscope monitor (see monitor.h).
 *
 * A storm of events must cost the printer little (bench/monitor_replay
 * counts it): a message in the module's own layout is checked at a
 * glance, any other in one walk over its attributes, and an event is
 * formatted with hand-written decimal and hex conversions straight into
 * the output buffer, which goes out in one write() per buffer.
 * The format is the one the print_*() helpers give (output.c), byte for
 * byte; command names those helpers would escape beyond a backslash or
 * quote, or cut, are left to them.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "monitor.h"

/*
 * Room an event needs in the output buffer: the fast path writes under 450
 * bytes (20-digit numbers, up to twice COMM_OUT_MAX bytes of command name
 * before it gives up, "unknown(255)" as type and source, and the 8- and
 * 16-byte stores that reach past what they keep).
 */
#define LINE_ROOM	512

/*
 * Command names whose escaped form is longer than this go through the
 * helpers: a text cell holds OUT_CELL_SIZE - 1 bytes, and out_sanitize()
 * cuts at an escape sequence's start.
 */
#define COMM_OUT_MAX	(OUT_CELL_SIZE - 1)

static const struct out_col event_cols[] = {
	{ .key = "time_ns", .head = "TIME",    .width = 12 },
	{ .key = "pid",	    .head = "PID",     .width = 7 },
	{ .key = "comm",    .head = "COMM",    .width = 16, .left = true },
	{ .key = "type",    .head = "TYPE",    .width = 11, .left = true },
	{ .key = "source",  .head = "SOURCE",  .width = 10, .left = true },
	{ .key = "old_brk", .head = "OLD_BRK", .width = 14 },
	{ .key = "new_brk", .head = "NEW_BRK", .width = 14, .sep = " -> " },
	{ .key = "len",	    .head = "LEN",     .width = 8 },
};

/* The widths of event_cols[], for the hand-made rows. */
enum {
	W_TIME = 12, W_PID = 7, W_COMM = 16, W_TYPE = 11, W_SOURCE = 10,
	W_BRK = 14, W_LEN = 8,
};

/* An event message's attributes, once checked. */
struct event {
	uint64_t seq;
	uint64_t time_ns;
	uint64_t old_brk;
	uint64_t new_brk;
	uint64_t len;
	uint64_t cgroup_id;	/* 0 if the module did not send it */
	uint32_t pid;
	uint8_t type;
	uint8_t source;
	const char *comm;
	size_t comm_size;	/* of the attribute's payload */
};

/* Bits of the attributes an event must have. */
enum {
	HAS_SEQ		= 1 << 0,
	HAS_TYPE	= 1 << 1,
	HAS_SOURCE	= 1 << 2,
	HAS_PID		= 1 << 3,
	HAS_COMM	= 1 << 4,
	HAS_OLD_BRK	= 1 << 5,
	HAS_NEW_BRK	= 1 << 6,
	HAS_LEN		= 1 << 7,
	HAS_TIME_NS	= 1 << 8,
	HAS_ALL		= (1 << 9) - 1,
};

int monitor_init(struct monitor *m, const struct nl_ctx *nl, struct out *o,
		 uint64_t limit)
{
	memset(m, 0, sizeof(*m));
	m->nl = nl;
	m->o = o;
	m->limit = limit;
	m->buf = malloc(MONITOR_OUT_SIZE);
	return m->buf ? 0 : -1;
}

void monitor_free(struct monitor *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = 0;
}

void monitor_header(struct out *o)
{
	out_table(o, event_cols, ARRAY_SIZE(event_cols));
}

static int write_failed(struct monitor *m)
{
	m->write_failed = true;
	m->write_errno = errno ? errno : EIO;
	return -1;
}

/*
 * Write the buffer out: after what the stream holds (the header, notes,
 * events the helpers printed), straight to its file descriptor, in one
 * write() unless it is cut short, rather than copied through the stream's
 * buffer.  A stream without a descriptor (memory) gets it by fwrite().
 */
static int monitor_emit(struct monitor *m)
{
	const char *p = m->buf;
	size_t len = m->len;
	int fd = fileno(m->o->fp);
	ssize_t n;

	m->len = 0;
	if (!len)
		return 0;
	errno = 0;
	if (fd < 0)
		return fwrite(p, 1, len, m->o->fp) == len ? 0 : write_failed(m);
	if (out_flush(m->o) < 0)
		return write_failed(m);
	while (len) {
		n = write(fd, p, len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (!n)
				errno = EIO;
			return write_failed(m);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int monitor_flush(struct monitor *m)
{
	if (monitor_emit(m) < 0)
		return -1;
	errno = 0;
	if (out_flush(m->o) < 0)
		return write_failed(m);
	return 0;
}

int monitor_overrun(struct monitor *m)
{
	if (monitor_emit(m) < 0)
		return -1;
	print_note(m->o, "overrun", 0, true, "missed events (socket overrun)");
	return 0;
}

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define NLA_HDR(len, type)	((uint32_t)(len) << 16 | (uint32_t)(type))
#else
#define NLA_HDR(len, type)	((uint32_t)(type) << 16 | (uint32_t)(len))
#endif

static inline uint32_t load32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * The attributes from @a to @tail in the layout the module gives every
 * event where 64-bit attributes need no padding (x86, arm64): those of
 * brkscope_netlink_add_event(), in its order, each with the size
 * libmnl's validation wants, the command name NUL-terminated, and nothing
 * else (the cgroup id last, which modules before it did not send).  One compare per attribute instead of a walk; any other layout
 * (padding, a newer module's order or attributes, a malformed message)
 * is left to the walk, which gives the same verdicts.
 */
static bool event_parse_module(const char *a, const char *tail,
			       struct event *ev)
{
	uint16_t clen, ctype;
	const char *c;
	long rest;

	/* SEQ, TYPE, SOURCE, PID: 36 bytes; COMM: 8 or more; then 4 * 12 */
	if (tail - a < 36 + 8 + 48 ||
	    load32(a) != NLA_HDR(12, BRKSCOPE_A_EVENT_SEQ) ||
	    load32(a + 12) != NLA_HDR(5, BRKSCOPE_A_EVENT_TYPE) ||
	    load32(a + 20) != NLA_HDR(5, BRKSCOPE_A_EVENT_SOURCE) ||
	    load32(a + 28) != NLA_HDR(8, BRKSCOPE_A_PID))
		return false;
	memcpy(&clen, a + 36, sizeof(clen));
	memcpy(&ctype, a + 38, sizeof(ctype));
	rest = tail - a - 36 - MNL_ALIGN(clen);
	if (ctype != BRKSCOPE_A_COMM || clen <= MNL_ATTR_HDRLEN ||
	    (rest != 48 && rest != 60) || a[36 + clen - 1] != '\0')
		return false;
	c = a + 36 + MNL_ALIGN(clen);
	if (load32(c) != NLA_HDR(12, BRKSCOPE_A_EVENT_OLD_BRK) ||
	    load32(c + 12) != NLA_HDR(12, BRKSCOPE_A_EVENT_NEW_BRK) ||
	    load32(c + 24) != NLA_HDR(12, BRKSCOPE_A_EVENT_LEN) ||
	    load32(c + 36) != NLA_HDR(12, BRKSCOPE_A_EVENT_TIME_NS) ||
	    (rest == 60 && load32(c + 48) != NLA_HDR(12, BRKSCOPE_A_CGROUP_ID)))
		return false;
	ev->seq = load64(a + 4);
	ev->type = (uint8_t)a[16];
	ev->source = (uint8_t)a[24];
	ev->pid = load32(a + 32);
	ev->comm = a + 40;
	ev->comm_size = clen - MNL_ATTR_HDRLEN;
	ev->old_brk = load64(c + 4);
	ev->new_brk = load64(c + 16);
	ev->len = load64(c + 28);
	ev->time_ns = load64(c + 40);
	ev->cgroup_id = rest == 60 ? load64(c + 52) : 0;
	return true;
}

/*
 * Parse @nlh as brkscope_msg() and the check for every attribute an event
 * needs would, with the same verdicts: the module's own layout at a
 * glance, any other in one walk without a call per attribute, checking the
 * attributes an event uses as mnl_attr_validate() would (exact sizes, a
 * NUL-terminated non-empty string) and the other known ones with
 * brkscope_attr_check(); the last of duplicates wins.
 *
 * Return: 1 if @ev is filled in, 0 if @nlh is no event (skip it), -1 with
 * errno set (EPROTO) if it is malformed.
 */
static int event_parse(const struct nlmsghdr *nlh, uint16_t family,
		       struct event *ev)
{
	const char *pos, *tail;
	unsigned int has = 0;

	if (nlh->nlmsg_type != family)
		return 0;
	if (nlh->nlmsg_len - MNL_NLMSG_HDRLEN < sizeof(struct genlmsghdr))
		goto bad;
	pos = (const char *)nlh + MNL_NLMSG_HDRLEN;
	if (((const struct genlmsghdr *)pos)->cmd != BRKSCOPE_CMD_EVENT)
		return 0;
	/* mnl_attr_for_each(): the attributes up to the aligned length */
	pos += MNL_ALIGN(sizeof(struct genlmsghdr));
	tail = (const char *)nlh + MNL_ALIGN(nlh->nlmsg_len);
	if (event_parse_module(pos, tail, ev))
		return 1;
	ev->cgroup_id = 0;
	while (tail - pos >= (long)sizeof(struct nlattr)) {
		const struct nlattr *attr = (const void *)pos;
		const char *payload = pos + MNL_ATTR_HDRLEN;
		uint16_t alen = attr->nla_len;

		if (alen < sizeof(*attr) || alen > tail - pos)
			break;
		switch (attr->nla_type & NLA_TYPE_MASK) {
		case BRKSCOPE_A_EVENT_SEQ:
			if (alen != MNL_ATTR_HDRLEN + 8)
				goto bad;
			memcpy(&ev->seq, payload, 8);
			has |= HAS_SEQ;
			break;
		case BRKSCOPE_A_EVENT_TYPE:
			if (alen != MNL_ATTR_HDRLEN + 1)
				goto bad;
			ev->type = (uint8_t)*payload;
			has |= HAS_TYPE;
			break;
		case BRKSCOPE_A_EVENT_SOURCE:
			if (alen != MNL_ATTR_HDRLEN + 1)
				goto bad;
			ev->source = (uint8_t)*payload;
			has |= HAS_SOURCE;
			break;
		case BRKSCOPE_A_PID:
			if (alen != MNL_ATTR_HDRLEN + 4)
				goto bad;
			memcpy(&ev->pid, payload, 4);
			has |= HAS_PID;
			break;
		case BRKSCOPE_A_COMM:
			if (alen == MNL_ATTR_HDRLEN || pos[alen - 1] != '\0')
				goto bad;
			ev->comm = payload;
			ev->comm_size = alen - MNL_ATTR_HDRLEN;
			has |= HAS_COMM;
			break;
		case BRKSCOPE_A_EVENT_OLD_BRK:
			if (alen != MNL_ATTR_HDRLEN + 8)
				goto bad;
			memcpy(&ev->old_brk, payload, 8);
			has |= HAS_OLD_BRK;
			break;
		case BRKSCOPE_A_EVENT_NEW_BRK:
			if (alen != MNL_ATTR_HDRLEN + 8)
				goto bad;
			memcpy(&ev->new_brk, payload, 8);
			has |= HAS_NEW_BRK;
			break;
		case BRKSCOPE_A_EVENT_LEN:
			if (alen != MNL_ATTR_HDRLEN + 8)
				goto bad;
			memcpy(&ev->len, payload, 8);
			has |= HAS_LEN;
			break;
		case BRKSCOPE_A_EVENT_TIME_NS:
			if (alen != MNL_ATTR_HDRLEN + 8)
				goto bad;
			memcpy(&ev->time_ns, payload, 8);
			has |= HAS_TIME_NS;
			break;
		case BRKSCOPE_A_CGROUP_ID:
			if (alen != MNL_ATTR_HDRLEN + 8)
				goto bad;
			memcpy(&ev->cgroup_id, payload, 8);
			break;
		case BRKSCOPE_A_PAD:
			break;	/* MNL_TYPE_UNSPEC: anything goes */
		default:
			if (brkscope_attr_check(attr) < 0)
				goto bad;
			break;
		}
		pos += MNL_ALIGN(alen);
	}
	if (has == HAS_ALL)
		return 1;
bad:
	errno = EPROTO;
	return -1;
}

/* ---- formatting by hand ---- */

/*
 * The writers below store whole 16-byte blocks (blanks, names) and then
 * advance by what counts: cheap fixed-size copies, which is why an event
 * needs LINE_ROOM bytes of room rather than its length.  No column is
 * wider than 16.
 */
static const char blanks[16] = "                ";

/*
 * Digits eight at a time, in the bytes of a uint64_t, the first digit in
 * the lowest byte (SWAR: the divisions by 10^4, 10^2 and 10 are
 * multiplications by reciprocals that stay exact in these ranges, done in
 * all lanes of the word at once).  Stored little-endian, the word reads in
 * order; shifted right by 8 bits per leading digit to drop, it starts with
 * the first one to keep.
 */

/* Store @w's bytes, lowest first; 8 bytes, whatever the digits used. */
static inline char *store8(char *p, uint64_t w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	memcpy(p, &w, 8);
	return p;
}

/* The 8 decimal digits of @x < 10^8, as values 0-9 (add '0' per byte). */
static inline uint64_t dec8(uint32_t x)
{
	uint64_t hi = (uint64_t)x * 109951163 >> 40;	/* x / 10^4 */
	uint64_t r = hi | ((x - hi * 10000) << 32);	/* 4 + 4 digits */
	uint64_t q = (r * 10486 >> 20) & 0x0000007f0000007fULL;	/* / 100 */

	r = q | ((r - q * 100) << 16);			/* 2 + 2 + 2 + 2 */
	q = (r * 103 >> 10) & 0x000f000f000f000fULL;	/* / 10 */
	return q | ((r - q * 10) << 8);
}

#define ASCII_ZEROS	0x3030303030303030ULL

/* Significant digits in dec8()'s word: 1 to 8 (0 has one). */
static inline unsigned int dec8_len(uint64_t d)
{
	return 8 - ((unsigned int)__builtin_ctzll(d | 1ULL << 56) >> 3);
}

/* Blanks up to @n (at most 16), if @n is positive. */
static inline char *put_blanks(char *p, int n)
{
	memcpy(p, blanks, sizeof(blanks));
	return n > 0 ? p + n : p;
}

/* @v < 10^8 in decimal, right-aligned in @width columns (0: none). */
static inline char *put_dec8(char *p, uint32_t v, int width)
{
	uint64_t d = dec8(v);
	unsigned int n = dec8_len(d);

	p = put_blanks(p, width - (int)n);
	store8(p, (d >> (64 - 8 * n)) + ASCII_ZEROS);
	return p + n;
}

/* put_dec() of 9 digits or more: chunks of 8 after the first. */
static __attribute__((noinline)) char *put_dec_long(char *p, uint64_t v,
						    int width)
{
	uint32_t lo = (uint32_t)(v % 100000000);

	v /= 100000000;
	if (v >= 100000000) {
		uint32_t mid = (uint32_t)(v % 100000000);

		p = put_dec8(p, (uint32_t)(v / 100000000), width - 16);
		store8(p, dec8(mid) + ASCII_ZEROS);
		p += 8;
	} else {
		p = put_dec8(p, (uint32_t)v, width - 8);
	}
	store8(p, dec8(lo) + ASCII_ZEROS);
	return p + 8;
}

/* "%" PRIu64, right-aligned in @width columns (0: none). */
static inline char *put_dec(char *p, uint64_t v, int width)
{
	if (v < 100000000)
		return put_dec8(p, (uint32_t)v, width);
	return put_dec_long(p, v, width);
}

static const char hex_pairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* "0x%" PRIx64, right-aligned in @width columns. */
static inline char *put_hex(char *p, uint64_t v, int width)
{
	unsigned int n = (unsigned int)(64 - __builtin_clzll(v | 1) + 3) / 4;
	char *end;

	p = put_blanks(p, width - (int)n - 2);
	*p++ = '0';
	*p++ = 'x';
	end = p + n;
	/* a byte at a time; the top digit of an odd count on its own */
	for (; v > 0xf; v >>= 8) {
		end -= 2;
		memcpy(end, hex_pairs + (v & 0xff) * 2, 2);
	}
	if (end > p)
		p[0] = hex_pairs[v * 2 + 1];
	return p + n;
}

/* print_time_ns() in a table: "%" PRIu64 ".%06" PRIu64, right-aligned. */
static inline char *put_time(char *p, uint64_t ns, int width)
{
	uint64_t us = dec8((uint32_t)(ns % 1000000000 / 1000));

	p = put_dec(p, ns / 1000000000, width - 7);
	*p++ = '.';
	store8(p, (us >> 16) + ASCII_ZEROS);	/* the last 6 digits */
	return p + 6;
}

#define PUT_LIT(p, lit) \
	(memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* A type or source name, padded with blanks to 16 bytes. */
struct name {
	char s[16];
	unsigned int len;
};

static const struct name type_names[] = {
	[BRKSCOPE_EVENT_TYPE_GROW]		= { "grow            ", 4 },
	[BRKSCOPE_EVENT_TYPE_GROW_FAILED]	= { "grow-failed     ", 11 },
	[BRKSCOPE_EVENT_TYPE_SHRINK]		= { "shrink          ", 6 },
};

static const struct name source_names[] = {
	[BRKSCOPE_EVENT_SOURCE_BRK]		= { "brk             ", 3 },
	[BRKSCOPE_EVENT_SOURCE_ELF_LOADER]	= { "elf-loader      ", 10 },
};

/*
 * The event's type or source, left-aligned in @width columns (0: none):
 * its name, or "unknown(N)" as event_type_name() and event_source_name()
 * give.
 */
static inline char *put_enum(char *p, uint8_t v, const struct name *names,
			     unsigned int count, int width)
{
	char *start = p;

	if (v < count && names[v].len) {
		memcpy(p, names[v].s, 16);
		return p + ((int)names[v].len > width ? (int)names[v].len :
			    width);
	}
	p = PUT_LIT(p, "unknown(");
	p = put_dec(p, v, 0);
	*p++ = ')';
	return put_blanks(p, width - (int)(p - start));
}

/* What the helpers make of each byte of a command name. */
enum {
	C_PLAIN,	/* printed as it is */
	C_END,		/* the NUL */
	C_SLOW,		/* a control, DEL or non-ASCII byte: theirs to handle */
	C_BACKSLASH,	/* doubled, in text and JSON */
	C_QUOTE,	/* escaped in JSON */
};

#define R2(x)	x, x
#define R4(x)	R2(x), R2(x)
#define R8(x)	R4(x), R4(x)
#define R16(x)	R8(x), R8(x)
#define R32(x)	R16(x), R16(x)
#define R64(x)	R32(x), R32(x)
#define R128(x)	R64(x), R64(x)

static const uint8_t comm_class[256] = {
	[0] = C_END,
	[1] = R16(C_SLOW), R8(C_SLOW), R4(C_SLOW), R2(C_SLOW), C_SLOW,
	['"'] = C_QUOTE,
	['\\'] = C_BACKSLASH,
	[0x7f] = R128(C_SLOW), C_SLOW,
};

/*
 * The command name as the helpers print it, if it is printable ASCII: a
 * backslash doubled (both ways), a double quote escaped (JSON); at most
 * COMM_OUT_MAX bytes of it, which a text cell would not cut.  Longer
 * attributes (@size, with the NUL) are left to the helpers before
 * looking: this writes up to twice what it reads.
 * Return: the end, or NULL to leave it to the helpers.
 */
static inline char *put_comm(char *p, const char *s, size_t size, bool json)
{
	char *start = p;

	if (size > COMM_OUT_MAX + 1)
		return NULL;
	for (;; s++) {
		unsigned int k = comm_class[(unsigned char)*s];

		if (k) {
			if (k == C_END)
				break;
			if (k == C_SLOW)
				return NULL;
			if (k == C_BACKSLASH || json)
				*p++ = '\\';
		}
		*p++ = *s;
	}
	return p - start <= COMM_OUT_MAX ? p : NULL;
}

/* One row of the text table: text_row() of output.c for this table. */
static char *format_text(char *p, const struct event *ev)
{
	char *start;

	p = put_time(p, ev->time_ns, W_TIME);
	*p++ = ' ';
	p = put_dec(p, ev->pid, W_PID);
	*p++ = ' ';
	start = p;
	p = put_comm(p, ev->comm, ev->comm_size, false);
	if (!p)
		return NULL;
	p = put_blanks(p, W_COMM - (int)(p - start));
	*p++ = ' ';
	p = put_enum(p, ev->type, type_names, ARRAY_SIZE(type_names),
		     W_TYPE);
	*p++ = ' ';
	p = put_enum(p, ev->source, source_names, ARRAY_SIZE(source_names),
		     W_SOURCE);
	*p++ = ' ';
	p = put_hex(p, ev->old_brk, W_BRK);
	p = PUT_LIT(p, " -> ");
	p = put_hex(p, ev->new_brk, W_BRK);
	*p++ = ' ';
	p = put_dec(p, ev->len, W_LEN);
	*p++ = '\n';
	return p;
}

/* One JSON Lines object, as the helpers write it. */
static char *format_json(char *p, const struct event *ev)
{
	p = PUT_LIT(p, "{\"seq\":");
	p = put_dec(p, ev->seq, 0);
	p = PUT_LIT(p, ",\"time_ns\":");
	p = put_dec(p, ev->time_ns, 0);
	p = PUT_LIT(p, ",\"type\":\"");
	p = put_enum(p, ev->type, type_names, ARRAY_SIZE(type_names), 0);
	p = PUT_LIT(p, "\",\"source\":\"");
	p = put_enum(p, ev->source, source_names, ARRAY_SIZE(source_names),
		     0);
	p = PUT_LIT(p, "\",\"pid\":");
	p = put_dec(p, ev->pid, 0);
	p = PUT_LIT(p, ",\"comm\":\"");
	p = put_comm(p, ev->comm, ev->comm_size, true);
	if (!p)
		return NULL;
	p = PUT_LIT(p, "\",\"old_brk\":");
	p = put_dec(p, ev->old_brk, 0);
	p = PUT_LIT(p, ",\"new_brk\":");
	p = put_dec(p, ev->new_brk, 0);
	p = PUT_LIT(p, ",\"len\":");
	p = put_dec(p, ev->len, 0);
	p = PUT_LIT(p, ",\"cgroup_id\":");
	p = put_dec(p, ev->cgroup_id, 0);
	p = PUT_LIT(p, "}\n");
	return p;
}

/* ---- the helpers' way: the reference, and for events to escape ---- */

static const char *event_type_name(uint8_t type, char *buf, size_t size)
{
	switch (type) {
	case BRKSCOPE_EVENT_TYPE_GROW:
		return "grow";
	case BRKSCOPE_EVENT_TYPE_GROW_FAILED:
		return "grow-failed";
	case BRKSCOPE_EVENT_TYPE_SHRINK:
		return "shrink";
	}
	snprintf(buf, size, "unknown(%u)", type);
	return buf;
}

static const char *event_source_name(uint8_t source, char *buf, size_t size)
{
	switch (source) {
	case BRKSCOPE_EVENT_SOURCE_BRK:
		return "brk";
	case BRKSCOPE_EVENT_SOURCE_ELF_LOADER:
		return "elf-loader";
	}
	snprintf(buf, size, "unknown(%u)", source);
	return buf;
}

static void print_event(struct out *o, const struct event *ev)
{
	char tbuf[32], sbuf[32];

	out_object_begin(o, NULL);
	print_u64(o, "seq", NULL, NULL, ev->seq);
	print_time_ns(o, "time_ns", NULL, ev->time_ns);
	print_str(o, "type", NULL,
		  event_type_name(ev->type, tbuf, sizeof(tbuf)));
	print_str(o, "source", NULL,
		  event_source_name(ev->source, sbuf, sizeof(sbuf)));
	print_u64(o, "pid", NULL, NULL, ev->pid);
	print_str(o, "comm", NULL, ev->comm);
	print_u64(o, "old_brk", NULL, "0x%" PRIx64, ev->old_brk);
	print_u64(o, "new_brk", NULL, "0x%" PRIx64, ev->new_brk);
	print_u64(o, "len", NULL, NULL, ev->len);
	print_u64(o, "cgroup_id", NULL, NULL, ev->cgroup_id);
	out_object_end(o);
}

/* ---- events ---- */

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;
	struct event ev = { 0 };	/* all set when parsed: for the compiler */
	char *end = NULL;
	int ret;

	ret = event_parse(nlh, m->nl->family_id, &ev);
	if (ret <= 0)
		return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;

	/* Sequence numbers go up by one per event made: a gap is a loss. */
	if (m->have_seq && ev.seq > m->last_seq + 1) {
		if (monitor_emit(m) < 0)
			return MNL_CB_ERROR;
		print_note(m->o, "missed", ev.seq - m->last_seq - 1, false,
			   "missed %" PRIu64 " events",
			   ev.seq - m->last_seq - 1);
	}
	m->have_seq = true;
	m->last_seq = ev.seq;

	if (MONITOR_OUT_SIZE - m->len < LINE_ROOM && monitor_emit(m) < 0)
		return MNL_CB_ERROR;
	if (!m->generic && m->o->json)
		end = format_json(m->buf + m->len, &ev);
	else if (!m->generic)
		end = format_text(m->buf + m->len, &ev);
	if (end) {
		m->len = (size_t)(end - m->buf);
	} else {
		if (monitor_emit(m) < 0)
			return MNL_CB_ERROR;
		print_event(m->o, &ev);
	}

	m->count++;
	if (m->limit && m->count >= m->limit)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/*
 * mnl_cb_run(buf, len, 0, 0, event_cb, m), without two library calls per
 * message: data messages go to event_cb() here; control messages and any
 * flagged NLM_F_DUMP_INTR to mnl_cb_run() itself, one at a time, for its
 * verdicts.
 */
int monitor_datagram(struct monitor *m, const void *buf, size_t len)
{
	const char *pos = buf, *end = pos + len;
	int ret = MNL_CB_OK;

	errno = 0;
	while (end - pos >= (long)sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)pos;
		uint32_t mlen = nlh->nlmsg_len;

		if (mlen < sizeof(*nlh) || mlen > (size_t)(end - pos))
			break;		/* mnl_nlmsg_ok() */
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE &&
		    !(nlh->nlmsg_flags & NLM_F_DUMP_INTR))
			ret = event_cb(nlh, m);
		else
			ret = mnl_cb_run(nlh, mlen, 0, 0, event_cb, m);
		if (ret <= MNL_CB_STOP)
			break;
		if (MNL_ALIGN(mlen) >= (size_t)(end - pos))
			break;
		pos += MNL_ALIGN(mlen);
	}
	return ret;
}
