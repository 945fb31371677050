// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope netlink selftests: dumps (BRKSCOPE_CMD_GET with NLM_F_DUMP) of
 * every process, checked against this process's own heap, which its forked
 * children share: 10,000 of them listed once each, in pid order, and the
 * survivors listed once while half of them exit during the dump.
 *
 * Helper: brk_child, found next to this binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

#define COMM_SELF	"dump_test"	/* comm of this program and its forks */
#define TEXT_MAX	(64 << 10)
#define MANY_CHILDREN	10000

/* The 10,000 forked waiters: far too many for the fixture on the stack. */
static int many[MANY_CHILDREN];
static int nmany;
static char text[TEXT_MAX];

/* ---- tests: dumps ---- */

NL_TEST(dump_lists_process_whose_main_thread_exited)
{
	struct dump_result r;
	unsigned long end;
	struct kid *k;
	int i, n = 0;

	REQUIRE_FAMILY();
	k = start_brk_child(_metadata, &self->nl.kids[0]);
	child_main_exit(_metadata, k);
	end = child_move(_metadata, k, page_size, NULL);
	ASSERT_EQ(0, dump_all(self->nl.sock, self->nl.family, DUMP_BUF_SIZE, NULL, NULL, &r));
	ASSERT_EQ(0, r.end.err);
	for (i = 0; i < r.nrecs; i++) {
		if (dumped[i].pid != (uint32_t)k->pid)
			continue;
		n++;
		EXPECT_EQ(end, dumped[i].brk);
		EXPECT_TRUE(dumped[i].tracked);
	}
	EXPECT_EQ(1, n) TH_LOG("rows for pid %d among %d", k->pid, r.nrecs);
}

static long loadavg_threads(void)
{
	char *slash;

	if (read_file("/proc/loadavg", text, sizeof(text)) < 0)
		return -1;
	slash = strchr(text, '/');
	return slash ? strtol(slash + 1, NULL, 10) : -1;
}

static long meminfo_kib(const char *key)
{
	char *p;

	if (read_file("/proc/meminfo", text, sizeof(text)) < 0)
		return -1;
	p = strstr(text, key);
	return p ? strtol(p + strlen(key) + 1, NULL, 10) : -1;
}

/* Are there pids, threads and memory for n more processes?  Log the figures. */
static void check_fork_room(struct __test_metadata *_metadata, int n)
{
	long pid_max = read_number("/proc/sys/kernel/pid_max");
	long threads_max = read_number("/proc/sys/kernel/threads-max");
	long threads = loadavg_threads();
	struct rlimit nproc;

	ASSERT_EQ(0, getrlimit(RLIMIT_NPROC, &nproc));
	TH_LOG("pid_max %ld, threads-max %ld, threads now %ld, RLIMIT_NPROC %lld (root is exempt), MemAvailable %ld KiB",
	       pid_max, threads_max, threads, (long long)nproc.rlim_cur,
	       meminfo_kib("MemAvailable:"));
	ASSERT_LT(threads + n + 100, pid_max)
		TH_LOG("pid_max %ld leaves no room for %d processes", pid_max, n);
	ASSERT_LT(threads + n + 100, threads_max)
		TH_LOG("threads-max %ld leaves no room for %d processes (more guest memory?)",
		       threads_max, n);
}

/* n forked copies that block reading gate[0]: no exec, nothing touched. */
static void fork_many(struct __test_metadata *_metadata,
		      FIXTURE_DATA(netlink) *self, int n)
{
	uint64_t t0 = boottime_ns();
	int pid;
	char c;

	ASSERT_LE(n, MANY_CHILDREN);
	self->nl.bulk = many;		/* teardown kills them */
	self->nl.nbulk = &nmany;
	ASSERT_EQ(0, pipe2(self->nl.gate, O_CLOEXEC));
	while (nmany < n) {
		pid = fork();
		if (!pid) {
			close(self->nl.gate[1]);
			while (read(self->nl.gate[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		ASSERT_LT(0, pid) TH_LOG("fork %d of %d: %s (MemAvailable %ld KiB)",
					 nmany + 1, n, strerror(errno),
					 meminfo_kib("MemAvailable:"));
		many[nmany++] = pid;
	}
	TH_LOG("forked %d children in %.1f s; MemAvailable now %ld KiB",
	       n, secs_since(t0), meminfo_kib("MemAvailable:"));
}

/* The pid and heap fields of each child of many[] that is expected listed. */
static int check_children_listed(struct __test_metadata *_metadata,
				 int nrecs, int first, int step,
				 unsigned long start_brk, unsigned long brk)
{
	const struct dumped *d;
	int i, bad = 0;

	for (i = first; i < nmany; i += step) {
		d = find_dumped(nrecs, many[i]);
		if (d && d->start_brk == start_brk && d->brk == brk &&
		    d->heap_end == page_align(brk) && !strcmp(d->comm, COMM_SELF))
			continue;
		if (bad++ < 5)
			TH_LOG("child %d: %s start_brk %#llx brk %#llx heap_end %#llx comm '%s'",
			       many[i], d ? "listed with" : "not listed",
			       d ? (unsigned long long)d->start_brk : 0,
			       d ? (unsigned long long)d->brk : 0,
			       d ? (unsigned long long)d->heap_end : 0,
			       d ? d->comm : "");
	}
	return bad;
}

/* Every listed process is self-consistent. */
static int check_listing_consistent(struct __test_metadata *_metadata, int nrecs)
{
	int i, bad = 0;

	for (i = 0; i < nrecs; i++) {
		const struct dumped *d = &dumped[i];

		if (d->heap_end == page_align(d->brk) && d->start_brk <= d->brk &&
		    d->brk <= d->peak_brk)
			continue;
		if (bad++ < 5)
			TH_LOG("pid %u: start_brk %#llx brk %#llx heap_end %#llx peak %#llx",
			       d->pid, (unsigned long long)d->start_brk,
			       (unsigned long long)d->brk,
			       (unsigned long long)d->heap_end,
			       (unsigned long long)d->peak_brk);
	}
	return bad;
}

/*
 * n forked copies of this process, which share its start_brk and brk:
 * *start_brk and *brk.
 */
static void fork_many_copies(struct __test_metadata *_metadata,
			     FIXTURE_DATA(netlink) *self,
			     unsigned long *start_brk, unsigned long *brk)
{
	check_fork_room(_metadata, MANY_CHILDREN);
	ASSERT_EQ(0, proc_start_brk(getpid(), start_brk));
	*brk = (unsigned long)sbrk(0);
	fork_many(_metadata, self, MANY_CHILDREN);
}

/* A dump on a socket of its own (sock2) into *r; returns when it began. */
static uint64_t dump_on_sock2(struct __test_metadata *_metadata,
			      FIXTURE_DATA(netlink) *self, between_fn between,
			      void *ctx, struct dump_result *r)
{
	uint64_t t0;
	int ret;

	self->nl.sock2 = nl_open();
	ASSERT_LE(0, self->nl.sock2);
	t0 = boottime_ns();
	ret = dump_all(self->nl.sock2, self->nl.family, DUMP_BUF_SIZE, between,
		       ctx, r);
	ASSERT_EQ(0, ret) TH_LOG("dump: socket: %s", strerror(-ret));
	return t0;
}

/* dumped[] in pid order: nothing listed twice. */
static void assert_in_pid_order_once(struct __test_metadata *_metadata,
				     int nrecs)
{
	int out_of_order = first_out_of_order(nrecs);

	ASSERT_EQ(-1, out_of_order)
		TH_LOG("pid %u listed after pid %u: not in pid order, or twice",
		       dumped[out_of_order].pid, dumped[out_of_order - 1].pid);
}

NL_SLOW_TEST(dump_lists_each_of_10000_children_once)
{
	unsigned long start_brk, brk, child_start;
	struct dump_result r;
	uint64_t t0;
	int i;

	REQUIRE_FAMILY();
	fork_many_copies(_metadata, self, &start_brk, &brk);
	/* The premise: a fork has its parent's start_brk and brk. */
	for (i = 0; i < nmany; i += 500) {
		ASSERT_EQ(0, proc_start_brk(many[i], &child_start));
		ASSERT_EQ(start_brk, child_start) TH_LOG("child %d", many[i]);
	}

	t0 = dump_on_sock2(_metadata, self, NULL, NULL, &r);
	TH_LOG("dump of %d processes in %d recv() rounds of %d bytes, %.1f s",
	       r.nrecs, r.rounds, DUMP_BUF_SIZE, secs_since(t0));
	expect_dump_ended_cleanly(_metadata, &r);
	EXPECT_LT(100, r.rounds);

	assert_in_pid_order_once(_metadata, r.nrecs);
	EXPECT_EQ(0, check_children_listed(_metadata, r.nrecs, 0, 1,
					   start_brk, brk));
	EXPECT_NE(NULL, find_dumped(r.nrecs, getpid()));
	EXPECT_EQ(0, check_listing_consistent(_metadata, r.nrecs));
	if (proc_flags(2) > 0 && (proc_flags(2) & PF_KTHREAD_FLAG))
		EXPECT_EQ(NULL, find_dumped(r.nrecs, 2))
			TH_LOG("kernel thread 2 listed");
}

/* Kill the odd-numbered children, a batch after each recv() of a dump. */
struct killer {
	int order[MANY_CHILDREN / 2];	/* indexes into many[] */
	int norder;
	int next;
	int per_round;
	int rounds_used;
};

static void kill_some(void *ctx, int round)
{
	struct killer *k = ctx;
	int i;

	for (i = 0; i < k->per_round && k->next < k->norder; i++)
		kill(many[k->order[k->next++]], SIGKILL);
	if (i)
		k->rounds_used = round;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

NL_SLOW_TEST(dump_while_half_exit_lists_survivors_once)
{
	static struct killer k;
	unsigned long start_brk, brk;
	struct dump_result r;
	int i, victims_listed = 0;
	uint64_t t0;

	REQUIRE_FAMILY();
	fork_many_copies(_metadata, self, &start_brk, &brk);

	/*
	 * Victims alternately from the low and the high end: some exit behind
	 * the dump's cursor, some ahead of it.  An 8 KiB round holds about 40
	 * processes, so 50 a round are all gone in the first half of the dump.
	 */
	memset(&k, 0, sizeof(k));
	for (i = 0; i < MANY_CHILDREN / 4; i++) {
		k.order[k.norder++] = 2 * i + 1;
		k.order[k.norder++] = MANY_CHILDREN - 1 - 2 * i;
	}
	k.per_round = 50;

	t0 = dump_on_sock2(_metadata, self, kill_some, &k, &r);
	TH_LOG("dump of %d processes in %d recv() rounds, %.1f s; %d children killed during rounds 1-%d",
	       r.nrecs, r.rounds, secs_since(t0), k.next, k.rounds_used);
	expect_dump_ended_cleanly(_metadata, &r);
	EXPECT_EQ(k.norder, k.next) TH_LOG("the dump ended before every victim was killed");

	assert_in_pid_order_once(_metadata, r.nrecs);
	/* Survivors: the even-numbered children. */
	EXPECT_EQ(0, check_children_listed(_metadata, r.nrecs, 0, 2,
					   start_brk, brk));
	for (i = 0; i < k.norder; i++)
		victims_listed += !!find_dumped(r.nrecs, many[k.order[i]]);
	TH_LOG("%d of %d killed children were listed (each at most once)",
	       victims_listed, k.norder);
	EXPECT_EQ(0, check_listing_consistent(_metadata, r.nrecs));
}

TEST_HARNESS_MAIN
