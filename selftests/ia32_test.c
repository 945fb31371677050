// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope selftests: brk(2) of a 32-bit (ia32, int $0x80) process.
 *
 * A 32-bit task enters brk(2) through __ia32_sys_brk, not __x64_sys_brk;
 * its requested break is in bx, not di; its system call number is 45, not
 * 12, and tells brk(2) from the rest only while the task is marked as in a
 * compat system call (TS_COMPAT), which the module relies on both on the
 * way in and at the sys_exit tracepoint, where a subscriber's events come
 * from.  None of that is exercised by a 64-bit process.
 *
 * The 32-bit process is brk32, found next to this binary: static, no libc,
 * it makes exactly the brk(2) calls it is told to, one per command byte,
 * and answers each with the break it asked for and the one it got.  Every
 * expected value comes from those answers or from /proc/PID/stat.  On a
 * kernel that cannot run 32-bit programs (ia32 emulation not built in, or
 * switched off with ia32_emulation=false from 6.7: exec fails with
 * ENOEXEC) every test skips, saying so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "lib/files.h"
#include "lib/genl.h"
#include "lib/kids.h"
#include "lib/nltest.h"

#define HELPER		"brk32"
/* brk32.c's GROW: what its 'g' adds to the break and its 's' takes away. */
#define GROW		0x21000UL
/* brk32.c's FAIL_BRK: what its 'f' asks for. */
#define FAIL_BRK	0xfffff000UL
/*
 * The top of a 32-bit task's address space on an x86-64 kernel:
 * IA32_PAGE_OFFSET (arch/x86/include/asm/page_64_types.h), which is
 * TASK_SIZE for a task with TIF_ADDR32 and no ADDR_LIMIT_3GB personality,
 * as brk32 runs.  A failed growth's len counts no further (design.rst).
 */
#define IA32_TOP	0xffffe000UL
#define EVENTS_MAX	64
/* After the last expected event, how long an unexpected one may take. */
#define EXTRA_EVENT_MS	500

/* brk32 and the netlink socket all spend most of their time waiting under TCG. */
#define IA32_TEST(name)	TEST_F_TIMEOUT(ia32, name, 120)

FIXTURE(ia32) {
	struct nl_fixture nl;	/* kids[0]: brk32 */
};

FIXTURE_SETUP(ia32)
{
	nl_fixture_setup(&self->nl);
}

FIXTURE_TEARDOWN(ia32)
{
	nl_fixture_teardown(&self->nl);
}

/* ---- brk32 ---- */

/*
 * brk32 as @k, with pipes on its stdin and stdout.  Returns 0 once it
 * runs, or the errno its exec failed with: the child sends it back on a
 * close-on-exec pipe, which a successful exec closes with nothing written.
 */
static int spawn_brk32(struct __test_metadata *_metadata, struct kid *k)
{
	char path[PATH_MAX + 32];
	int in[2], out[2], status[2], err = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", exe_dir, HELPER);
	ASSERT_EQ(0, access(path, X_OK)) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(0, pipe2(in, O_CLOEXEC)) TH_LOG("pipe2: %s", strerror(errno));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC)) TH_LOG("pipe2: %s", strerror(errno));
	ASSERT_EQ(0, pipe2(status, O_CLOEXEC)) TH_LOG("pipe2: %s", strerror(errno));
	k->pid = fork();
	ASSERT_LE(0, k->pid) TH_LOG("fork: %s", strerror(errno));
	if (!k->pid) {
		char *argv[] = { path, NULL };

		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0) {
			err = errno;
			write_all(status[1], &err, sizeof(err));
			_exit(126);
		}
		execv(path, argv);
		err = errno;
		write_all(status[1], &err, sizeof(err));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(status[1]);
	k->to = in[1];
	k->from = out[0];
	do {
		n = read(status[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(status[0]);
	ASSERT_LE(0, n) TH_LOG("reading %s's exec status: %s", HELPER, strerror(errno));
	if (!n)
		return 0;
	ASSERT_EQ(sizeof(err), (size_t)n) TH_LOG("%s's exec status cut short", HELPER);
	ASSERT_NE(0, err);
	return err;
}

/* Start brk32, or skip the test where this kernel cannot run it. */
#define START_BRK32(k) do {						\
	int exec_err_ = spawn_brk32(_metadata, (k));			\
									\
	if (exec_err_ == ENOEXEC)					\
		SKIP(return, "exec of the 32-bit %s fails with ENOEXEC: ia32 emulation is not built in or is off (ia32_emulation=)", HELPER); \
	ASSERT_EQ(0, exec_err_) TH_LOG("exec %s: %s", HELPER, strerror(exec_err_)); \
} while (0)

/*
 * Send brk32 one command byte; its answer: the break it asked brk(2) for
 * in *req, what brk(2) returned in *ret.
 */
static void brk32_do(struct __test_metadata *_metadata, struct kid *k, char cmd,
		     unsigned long *req, unsigned long *ret)
{
	char line[KID_LINE_MAX];

	ASSERT_EQ(1, write(k->to, &cmd, 1)) TH_LOG("command '%c' to pid %d: %s",
						   cmd, k->pid, strerror(errno));
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_EQ(2, sscanf(line, "%lx %lx", req, ret))
		TH_LOG("command '%c': pid %d answered '%s'", cmd, k->pid, line);
	TH_LOG("%s %d '%c': brk(%#lx) = %#lx", HELPER, k->pid, cmd, *req, *ret);
}

/* brk(0): where brk32's break is; start_brk as /proc says must be there. */
static unsigned long brk32_start(struct __test_metadata *_metadata, struct kid *k)
{
	unsigned long req, ret, stat_start;
	int err;

	brk32_do(_metadata, k, '0', &req, &ret);
	ASSERT_EQ(0, req);
	err = proc_start_brk(k->pid, &stat_start);
	ASSERT_EQ(0, err) TH_LOG("/proc/%d/stat: %s", k->pid, strerror(-err));
	ASSERT_EQ(stat_start, ret) TH_LOG("start_brk %#lx, brk(0) %#lx: brk32 has moved its break before",
					 stat_start, ret);
	return ret;
}

/* brk32's growth by GROW from @from, which must succeed: the new break. */
static unsigned long brk32_grow(struct __test_metadata *_metadata, struct kid *k,
				unsigned long from)
{
	unsigned long req, ret;

	brk32_do(_metadata, k, 'g', &req, &ret);
	ASSERT_EQ(from + GROW, req);
	ASSERT_EQ(req, ret) TH_LOG("brk(%#lx) failed: the break stayed at %#lx", req, ret);
	return ret;
}

/* brk32's shrink by GROW from @from, which must succeed: the new break. */
static unsigned long brk32_shrink(struct __test_metadata *_metadata, struct kid *k,
				  unsigned long from)
{
	unsigned long req, ret;

	brk32_do(_metadata, k, 's', &req, &ret);
	ASSERT_EQ(from - GROW, req);
	ASSERT_EQ(req, ret) TH_LOG("brk(%#lx) failed: the break stayed at %#lx", req, ret);
	return ret;
}

/* brk32's growth to FAIL_BRK, which the kernel must refuse: at @at it stays. */
static void brk32_fail(struct __test_metadata *_metadata, struct kid *k,
		       unsigned long at)
{
	unsigned long req, ret;

	brk32_do(_metadata, k, 'f', &req, &ret);
	ASSERT_EQ(FAIL_BRK, req);
	ASSERT_EQ(at, ret) TH_LOG("brk(%#lx) of a 32-bit task returned %#lx, not the old break",
				  req, ret);
}

/* A record's counters and breaks, all of them, for the log. */
static void log_record(struct __test_metadata *_metadata, const struct proc_info *p)
{
	TH_LOG("GET %u (%s): start_brk %#llx brk %#llx heap_end %#llx heap_bytes %llu grows %llu grown_bytes %llu failed_grows %llu shrinks %llu shrunk_bytes %llu peak_brk %#llx tracked %d",
	       p->pid, p->comm,
	       (unsigned long long)p->val[BRKSCOPE_A_START_BRK],
	       (unsigned long long)p->val[BRKSCOPE_A_BRK],
	       (unsigned long long)p->val[BRKSCOPE_A_HEAP_END],
	       (unsigned long long)p->val[BRKSCOPE_A_HEAP_BYTES],
	       (unsigned long long)p->val[BRKSCOPE_A_GROWS],
	       (unsigned long long)p->val[BRKSCOPE_A_GROWN_BYTES],
	       (unsigned long long)p->val[BRKSCOPE_A_FAILED_GROWS],
	       (unsigned long long)p->val[BRKSCOPE_A_SHRINKS],
	       (unsigned long long)p->val[BRKSCOPE_A_SHRUNK_BYTES],
	       (unsigned long long)p->val[BRKSCOPE_A_PEAK_BRK],
	       p->has[BRKSCOPE_A_TRACKED]);
}

/* GET of brk32, which must be answered about it. */
static void get_brk32(struct __test_metadata *_metadata, FIXTURE_DATA(ia32) *self,
		      struct proc_info *p)
{
	struct kid *k = &self->nl.kids[0];

	get_ok(_metadata, &self->nl, k->pid, p);
	log_record(_metadata, p);
	ASSERT_EQ((uint32_t)k->pid, p->pid);
	EXPECT_STREQ(HELPER, p->comm);
}

/* ---- is brk(2)'s return seen? ---- */

/*
 * Whether brk(2)'s return is probed now (somebody subscribes): 1 yes, 0
 * no, -1 cannot tell.  Told by this process's own growth to a break no
 * 64-bit process can have: counted as failed as the call returns when it
 * is, only at the next call when not (design.rst, "Settling").  The brk(0)
 * calls settle whatever was open before and this call after.
 */
static int return_seen(struct nl_fixture *nl)
{
	unsigned long cur = syscall(SYS_brk, 0), far = cur + (1UL << 57);
	struct proc_info before, after;
	struct nl_ack ack;
	uint64_t counted;

	if (get_pid(nl->sock, nl->family, getpid(), &before, &ack) || ack.err)
		return -1;
	if ((unsigned long)syscall(SYS_brk, far) != cur)
		return -1;
	if (get_pid(nl->sock, nl->family, getpid(), &after, &ack) || ack.err)
		return -1;
	syscall(SYS_brk, 0);
	counted = after.val[BRKSCOPE_A_FAILED_GROWS] - before.val[BRKSCOPE_A_FAILED_GROWS];
	return counted == 1 ? 1 : counted == 0 ? 0 : -1;
}

/*
 * The module unregisters the return's probe within two seconds of the
 * last subscriber leaving, and a suite run just before this one may have
 * had one: wait up to 5 s for it to go.
 */
static void wait_nobody_subscribes(struct __test_metadata *_metadata,
				   struct nl_fixture *nl)
{
	int ms, seen = return_seen(nl);

	for (ms = 0; seen != 0 && ms < 5000; ms += 100) {
		usleep(100 * 1000);
		seen = return_seen(nl);
	}
	ASSERT_EQ(0, seen) TH_LOG("brk(2)'s return still probed 5 s on: somebody subscribes (-1: cannot tell)");
}

/* ---- events ---- */

static struct brk_event events[EVENTS_MAX];

/*
 * brk(2)'s events of @pid (source brk) from the subscribed socket @fd
 * into events[], until @want of them came (or REPLY_TIMEOUT_MS passed),
 * and then any more that come within EXTRA_EVENT_MS: an event of a call
 * not counted must show too.  Returns how many.
 */
static int collect_brk_events(struct __test_metadata *_metadata, int fd, int pid,
			      int want)
{
	uint64_t deadline = boottime_ns() + REPLY_TIMEOUT_MS * 1000000ULL;
	const struct nlmsghdr *nlh;
	int n = 0, len;

	for (;;) {
		bool extra = n >= want;

		if (!extra)
			ASSERT_GT(deadline, boottime_ns())
				TH_LOG("%d of %d events of pid %d came", n, want, pid);
		len = nl_recv(fd, rxbuf, sizeof(rxbuf), extra ? EXTRA_EVENT_MS : 1000);
		if (len == -ETIMEDOUT) {
			if (extra)
				return n;
			continue;
		}
		ASSERT_LE(0, len) TH_LOG("events socket: %s", strerror(-len));
		for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
			struct brk_event ev;

			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || g->cmd != BRKSCOPE_CMD_EVENT)
				continue;
			parse_event(nlh, &ev);
			if (ev.pid != (uint32_t)pid || ev.source != BRKSCOPE_EVENT_SOURCE_BRK)
				continue;
			TH_LOG("event seq %llu: type %u pid %u comm %s %#llx -> %#llx len %#llx",
			       (unsigned long long)ev.seq, ev.type, ev.pid, ev.comm,
			       (unsigned long long)ev.old_brk, (unsigned long long)ev.new_brk,
			       (unsigned long long)ev.len);
			ASSERT_GT(EVENTS_MAX, n);
			events[n++] = ev;
		}
	}
}

/* events[i] must be exactly this, of brk32 @pid. */
static void expect_event(struct __test_metadata *_metadata, int i, int pid, int type,
			 unsigned long old_brk, unsigned long new_brk, unsigned long len)
{
	const struct brk_event *ev = &events[i];

	EXPECT_EQ(0, ev->missing) TH_LOG("event %d: %u attributes missing", i, ev->missing);
	EXPECT_EQ(0, ev->bad_attr) TH_LOG("event %d: attribute %d malformed", i, ev->bad_attr);
	EXPECT_EQ(type, ev->type) TH_LOG("event %d", i);
	EXPECT_EQ((uint32_t)pid, ev->pid) TH_LOG("event %d", i);
	EXPECT_STREQ(HELPER, ev->comm) TH_LOG("event %d", i);
	EXPECT_EQ(old_brk, ev->old_brk) TH_LOG("event %d: old_brk %#llx, want %#lx", i,
					       (unsigned long long)ev->old_brk, old_brk);
	EXPECT_EQ(new_brk, ev->new_brk) TH_LOG("event %d: new_brk %#llx, want %#lx", i,
					       (unsigned long long)ev->new_brk, new_brk);
	EXPECT_EQ(len, ev->len) TH_LOG("event %d: len %#llx, want %#lx", i,
				       (unsigned long long)ev->len, len);
}

/* A socket subscribed to the events group with brk(2)'s return probed. */
static void subscribe(struct __test_metadata *_metadata, FIXTURE_DATA(ia32) *self)
{
	ASSERT_NE(0, self->nl.events_group) TH_LOG("no \"%s\" group", BRKSCOPE_MCGRP_EVENTS);
	self->nl.sock2 = events_open(self->nl.family, self->nl.events_group);
	ASSERT_LE(0, self->nl.sock2) TH_LOG("subscribe: %s", strerror(-self->nl.sock2));
}

/* ---- tests: counters, nobody subscribed or not ---- */

IA32_TEST(ia32_growth_is_counted_with_its_page_aligned_bytes)
{
	struct kid *k = &self->nl.kids[0];
	unsigned long start, end;
	struct proc_info p;

	REQUIRE_FAMILY();
	START_BRK32(k);
	start = brk32_start(_metadata, k);
	end = brk32_grow(_metadata, k, start);
	get_brk32(_metadata, self, &p);

	EXPECT_TRUE(p.has[BRKSCOPE_A_TRACKED]);
	EXPECT_EQ(start, p.val[BRKSCOPE_A_START_BRK]);
	EXPECT_EQ(end, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(page_align(end), p.val[BRKSCOPE_A_HEAP_END]);
	EXPECT_EQ(end - start, p.val[BRKSCOPE_A_HEAP_BYTES]);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_align(end) - page_align(start), p.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_FAILED_GROWS]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_SHRINKS]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_SHRUNK_BYTES]);
	EXPECT_EQ(end, p.val[BRKSCOPE_A_PEAK_BRK]);
}

IA32_TEST(ia32_shrink_is_counted_with_its_page_aligned_bytes)
{
	struct kid *k = &self->nl.kids[0];
	unsigned long start, top, end;
	struct proc_info p;

	REQUIRE_FAMILY();
	START_BRK32(k);
	start = brk32_start(_metadata, k);
	top = brk32_grow(_metadata, k, start);
	end = brk32_shrink(_metadata, k, top);
	get_brk32(_metadata, self, &p);

	EXPECT_EQ(start, end);
	EXPECT_EQ(start, p.val[BRKSCOPE_A_START_BRK]);
	EXPECT_EQ(end, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_HEAP_BYTES]);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_align(top) - page_align(start), p.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_SHRINKS]);
	EXPECT_EQ(page_align(top) - page_align(end), p.val[BRKSCOPE_A_SHRUNK_BYTES]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_FAILED_GROWS]);
	EXPECT_EQ(top, p.val[BRKSCOPE_A_PEAK_BRK]);
}

/*
 * While nobody subscribes a failed growth is counted at the process's next
 * brk(2) call, brk(0) included, and not before (design.rst, "Settling"):
 * a reader cannot tell it from a call still on its way.
 */
IA32_TEST(ia32_failed_growth_counts_at_the_next_brk_call_while_nobody_subscribes)
{
	struct kid *k = &self->nl.kids[0];
	unsigned long start, end, req, ret;
	struct proc_info p;

	REQUIRE_FAMILY();
	START_BRK32(k);
	start = brk32_start(_metadata, k);
	end = brk32_grow(_metadata, k, start);
	wait_nobody_subscribes(_metadata, &self->nl);
	brk32_fail(_metadata, k, end);
	get_brk32(_metadata, self, &p);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_FAILED_GROWS]) TH_LOG("counted before the next brk(2) call");
	EXPECT_EQ(end, p.val[BRKSCOPE_A_BRK]);

	brk32_do(_metadata, k, '0', &req, &ret);
	ASSERT_EQ(end, ret);
	get_brk32(_metadata, self, &p);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_FAILED_GROWS]) TH_LOG("not counted at the next brk(2) call");
	EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_align(end) - page_align(start), p.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_SHRINKS]);
	EXPECT_EQ(end, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(end, p.val[BRKSCOPE_A_PEAK_BRK]);
}

/* ---- tests: events, brk(2)'s return seen at sys_exit ---- */

/*
 * The events come from the sys_exit tracepoint, which sees a 32-bit call
 * as brk(2) only while the task is still marked as in a compat system
 * call, and only then with the break it asked for (read from bx).
 */
IA32_TEST(ia32_growth_and_shrink_arrive_as_exact_events_while_subscribed)
{
	struct kid *k = &self->nl.kids[0];
	unsigned long start, top, end;
	int n;

	REQUIRE_FAMILY();
	START_BRK32(k);
	start = brk32_start(_metadata, k);
	subscribe(_metadata, self);
	top = brk32_grow(_metadata, k, start);
	end = brk32_shrink(_metadata, k, top);
	n = collect_brk_events(_metadata, self->nl.sock2, k->pid, 2);
	ASSERT_EQ(2, n) TH_LOG("events of brk32's growth and shrink, and no other");
	expect_event(_metadata, 0, k->pid, BRKSCOPE_EVENT_TYPE_GROW, start, top,
		     page_align(top) - page_align(start));
	expect_event(_metadata, 1, k->pid, BRKSCOPE_EVENT_TYPE_SHRINK, top, end,
		     page_align(top) - page_align(end));
	EXPECT_LT(events[0].seq, events[1].seq);
}

/*
 * While somebody subscribes, the return settles a failed growth at once:
 * counted before any next call, and sent with the break asked for and the
 * bytes up to it, counted no further than the 32-bit task's top.
 */
IA32_TEST(ia32_failed_growth_counts_as_it_returns_and_is_sent_while_subscribed)
{
	struct kid *k = &self->nl.kids[0];
	unsigned long start;
	struct proc_info p;
	int n;

	REQUIRE_FAMILY();
	START_BRK32(k);
	start = brk32_start(_metadata, k);
	subscribe(_metadata, self);
	brk32_fail(_metadata, k, start);
	get_brk32(_metadata, self, &p);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_FAILED_GROWS]) TH_LOG("not counted as it returned");
	EXPECT_EQ(0, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(start, p.val[BRKSCOPE_A_BRK]);
	n = collect_brk_events(_metadata, self->nl.sock2, k->pid, 1);
	ASSERT_EQ(1, n) TH_LOG("the event of brk32's failed growth, and no other");
	expect_event(_metadata, 0, k->pid, BRKSCOPE_EVENT_TYPE_GROW_FAILED, start, FAIL_BRK,
		     IA32_TOP - page_align(start));
}

TEST_HARNESS_MAIN
