// SPDX-License-Identifier: GPL-2.0
/*
 * monitor_replay [-j] [-w] [-p] [-c | -g] [-o FILE] N: feed N synthetic
 * events through brkscope monitor's own parse and print path
 * (userspace/monitor.c, linked in) and time it: what the client costs per
 * event, without a kernel, a VM or a socket.
 *
 * The events are built with libmnl as the module builds them
 * (module/netlink.c: one BRKSCOPE_CMD_EVENT message each, the attributes
 * in its order), batched into datagrams of up to 32 KiB as the module's
 * batching work item sends them, all before the clock starts.  The output
 * goes to FILE (default /dev/null) through the same buffers as the
 * client's, flushed after each datagram as when the socket runs dry.
 *
 *   -j  JSON Lines (brkscope -j monitor), else the text table
 *   -w  odd events too: command names to escape or too long for the fast
 *       path, unknown types and sources, extreme values, sequence gaps
 *       ("missed" notes), other messages and attributes to skip
 *   -p  pad the 64-bit attributes (nla_put_u64_64bit() where unaligned
 *       access is slow)
 *   -c  check: format every datagram the generic way too (the print_*()
 *       helpers, which define the format) and exit 1 unless the bytes are
 *       the same
 *   -g  format the generic way only (the client before its fast path)
 *
 * Prints "<ns per event> ns/event"; with callgrind, count the instructions
 * of monitor_datagram() and monitor_flush() (--toggle-collect) and divide
 * by N.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "bench.h"
#include "monitor.h"

#define FAMILY		0x1d	/* any id above the control family's */
#define BATCH_SIZE	32768	/* the module's datagrams: at most this */
#define MSG_MAX		512	/* room for one event message, any comm */

static struct {
	bool json, odd, pad, check, generic;
	const char *out;
} opt;

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* put_u64() of module/netlink.c: nla_put_u64_64bit(..., BRKSCOPE_A_PAD). */
static void put_u64(struct nlmsghdr *nlh, const char *base, uint16_t type,
		    uint64_t v)
{
	size_t tail = (size_t)((const char *)nlh - base) + nlh->nlmsg_len;

	if (opt.pad && tail % 8 == 0)
		mnl_attr_put(nlh, BRKSCOPE_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

static const char *const plain_comms[] = {
	"storm", "brk_child", "heap_spy", "sh", "systemd-journal",
	"kworker/0:1", "a", "abcdefghijklmno", "with space", "quote\"d",
};

#define A32	"0123456789abcdef0123456789abcdef"

static const char *const odd_comms[] = {
	"back\\slash", "tab\there", "nl\nx", "h\xc3\xa9llo", "bad\xff\xfe",
	"del\x7f", "c1\xc2\x85", "\xe2\x82\xac", "",
	"0123456789012345678901234567890123456789012345678901234567890123",
	"a-hundred-bytes-long-name-that-the-text-table-cuts-at-95-bytes--"
	"---------------------------------x",
	/* at the text cell's end: 95 bytes, 96 with the escape, 95 with it */
	A32 A32 "-------------------------------",
	A32 A32 "-----------------------------\\",
	A32 A32 "----------------------------\\",
	A32 A32 "---------------------------\"\\",
};

/* One event message at @p; returns its length. */
static size_t put_event(char *p, const char *base, uint64_t seq,
			uint64_t i)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct genlmsghdr *genl;
	uint64_t r = rnd(), brk, len, time_ns;
	uint8_t type = (uint8_t)(1 + r % 3), source = r % 50 ? 1 : 2;
	uint32_t pid = (uint32_t)(1 + (r >> 8) % 4194304);
	const char *comm = plain_comms[(r >> 32) % ARRAY_SIZE(plain_comms)];

	nlh->nlmsg_type = FAMILY;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = BRKSCOPE_CMD_EVENT;
	genl->version = BRKSCOPE_FAMILY_VERSION;
	brk = 0x55dc1bba4000ULL + ((r >> 20) % 4096) * 4096;
	len = r % 7 ? 4096 : 135168;
	time_ns = 13938509000ULL + i * 1234567ULL + (r >> 40) % 1000;
	if (opt.odd && r % 5 == 0) {
		comm = odd_comms[(r >> 32) % ARRAY_SIZE(odd_comms)];
		switch ((r >> 12) % 6) {
		case 0:
			type = (uint8_t)(r >> 48);	/* 0 and unknown too */
			source = (uint8_t)(r >> 56);
			break;
		case 1:
			time_ns = UINT64_MAX;
			brk = UINT64_MAX;
			len = UINT64_MAX;
			pid = UINT32_MAX;
			break;
		case 2:
			time_ns = 0;
			brk = 0;
			len = 0;
			pid = 0;
			break;
		case 3:
			time_ns = 999999999;
			brk = 0xf;
			break;
		}
	}
	put_u64(nlh, base, BRKSCOPE_A_EVENT_SEQ, seq);
	mnl_attr_put_u8(nlh, BRKSCOPE_A_EVENT_TYPE, type);
	mnl_attr_put_u8(nlh, BRKSCOPE_A_EVENT_SOURCE, source);
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, pid);
	mnl_attr_put_strz(nlh, BRKSCOPE_A_COMM, comm);
	put_u64(nlh, base, BRKSCOPE_A_EVENT_OLD_BRK, brk);
	put_u64(nlh, base, BRKSCOPE_A_EVENT_NEW_BRK,
		type == 3 ? brk - len : brk + len);
	put_u64(nlh, base, BRKSCOPE_A_EVENT_LEN, len);
	put_u64(nlh, base, BRKSCOPE_A_EVENT_TIME_NS, time_ns);
	/* As the module sends it; odd events: some as modules before it. */
	if (!opt.odd || r % 3)
		put_u64(nlh, base, BRKSCOPE_A_CGROUP_ID, 1 + (r >> 24) % 5000);
	if (opt.odd && r % 11 == 0) {
		/* a newer kernel's attribute, and a known one events lack */
		mnl_attr_put_u32(nlh, BRKSCOPE_A_MAX + 3, 7);
		put_u64(nlh, base, BRKSCOPE_A_START_BRK, brk);
	}
	return nlh->nlmsg_len;
}

/* Something else in the datagram: another command, another family. */
static size_t put_other(char *p, uint64_t r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = r % 2 ? FAMILY : FAMILY + 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = r % 2 ? BRKSCOPE_CMD_GET : BRKSCOPE_CMD_EVENT;
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, 1);
	return nlh->nlmsg_len;
}

struct datagram {
	size_t off, len;
};

/* N events in datagrams; returns how many datagrams. */
static size_t build(long n, char **arena, struct datagram **dgs)
{
	/* a datagram holds at least BATCH_SIZE / MSG_MAX - 1 events */
	size_t max = (size_t)n / (BATCH_SIZE / MSG_MAX - 1) + 1;
	size_t nd = 0, off = 0;
	uint64_t seq = 1;
	long i = 0;

	*arena = calloc(max, BATCH_SIZE);
	*dgs = calloc(max, sizeof(**dgs));
	if (!*arena || !*dgs)
		die("calloc");
	while (i < n) {
		char *base = *arena + off;
		size_t len = 0;

		while (i < n && len + MSG_MAX <= BATCH_SIZE) {
			if (opt.odd && rng % 97 == 0)
				len += put_other(base + len, rng);
			len += put_event(base + len, base, seq, (uint64_t)i);
			i++;
			seq += opt.odd && rng % 53 == 0 ? 2 + rng % 1000 : 1;
		}
		(*dgs)[nd].off = off;
		(*dgs)[nd].len = len;
		nd++;
		off += BATCH_SIZE;
	}
	return nd;
}

static void replay(struct monitor *m, const char *arena,
		   const struct datagram *dgs, size_t nd)
{
	size_t i;
	int ret;

	for (i = 0; i < nd; i++) {
		ret = monitor_datagram(m, arena + dgs[i].off, dgs[i].len);
		if (ret < 0) {
			if (m->write_failed)
				errno = m->write_errno;
			die("monitor_datagram");
		}
		if (monitor_flush(m) < 0) {
			errno = m->write_errno;
			die("writing the output");
		}
	}
}

int main(int argc, char **argv)
{
	static const char usage[] = "[-j] [-w] [-p] [-c | -g] [-o FILE] N";
	struct nl_ctx nl = { .family_id = FAMILY };
	struct monitor m, ref;
	struct out o, ref_o;
	struct datagram *dgs;
	char *arena, *ref_buf = NULL, *out_buf = NULL;
	size_t nd, ref_len = 0, out_len = 0;
	long long t0, t1;
	FILE *fp;
	long n;
	int c;

	while ((c = getopt(argc, argv, "jwpcgo:")) != -1) {
		switch (c) {
		case 'j': opt.json = true; break;
		case 'w': opt.odd = true; break;
		case 'p': opt.pad = true; break;
		case 'c': opt.check = true; break;
		case 'g': opt.generic = true; break;
		case 'o': opt.out = optarg; break;
		default:
			fprintf(stderr, "usage: %s %s\n", argv[0], usage);
			return 2;
		}
	}
	if (opt.check && opt.generic) {
		fprintf(stderr, "%s: -c and -g exclude each other\n", argv[0]);
		return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: %s %s\n", argv[0], usage);
		return 2;
	}
	argv[optind - 1] = argv[0];
	n = count_arg(2, argv + optind - 1, usage);
	nd = build(n, &arena, &dgs);

	if (opt.check)
		fp = open_memstream(&out_buf, &out_len);
	else
		fp = fopen(opt.out ? opt.out : "/dev/null", "w");
	if (!fp)
		die(opt.out ? opt.out : "the output");
	out_init(&o, fp, opt.json, 0);
	monitor_header(&o);
	if (monitor_init(&m, &nl, &o, 0) < 0)
		die("monitor_init");
	m.generic = opt.generic;

	t0 = now_ns();
	replay(&m, arena, dgs, nd);
	t1 = now_ns();

	if (opt.check) {
		FILE *ref_fp = open_memstream(&ref_buf, &ref_len);

		if (!ref_fp)
			die("open_memstream");
		out_init(&ref_o, ref_fp, opt.json, 0);
		monitor_header(&ref_o);
		if (monitor_init(&ref, &nl, &ref_o, 0) < 0)
			die("monitor_init");
		ref.generic = true;
		replay(&ref, arena, dgs, nd);
		if (fclose(ref_fp) || fclose(fp))
			die("fclose");
		if (out_len != ref_len || memcmp(out_buf, ref_buf, out_len)) {
			size_t i = 0;

			while (i < out_len && i < ref_len &&
			       out_buf[i] == ref_buf[i])
				i++;
			fprintf(stderr, "%s: the fast path's %zu bytes differ from the helpers' %zu at byte %zu:\n",
				argv[0], out_len, ref_len, i);
			fprintf(stderr, "fast:    %.120s\nhelpers: %.120s\n",
				out_buf + (i > 40 ? i - 40 : 0),
				ref_buf + (i > 40 ? i - 40 : 0));
			return 1;
		}
		monitor_free(&ref);
		free(ref_buf);
		free(out_buf);
	} else if (fclose(fp)) {
		die("fclose");
	}
	if (m.count != (uint64_t)n) {
		fprintf(stderr, "%s: %llu events printed, not %ld\n", argv[0],
			(unsigned long long)m.count, n);
		return 1;
	}
	monitor_free(&m);
	free(arena);
	free(dgs);
	report(t1 - t0, n, "event");
	return 0;
}
