// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope netlink selftests: BRKSCOPE_CMD_GET (do) of one process, and
 * BRKSCOPE_CMD_GET_STATS, checked against what processes report of
 * themselves.
 *
 * Every expected address comes from a helper's own sbrk(0) reports, from
 * this process's sbrk(0) (which forked children inherit) or from
 * /proc/PID/stat; none is a constant.  Processes whose heap is measured do
 * not call malloc-backed stdio between the measurement and the check.
 *
 * Helpers: heap_spy and brk_child, found next to this binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#define MAX_RECORDS_PATH "/sys/module/brkscope/parameters/max_records"
#define COMM_SELF	"get_test"	/* comm of this program and its forks */

/* ---- helper processes ---- */

/* A forked copy that blocks until gate[1] closes (or it is killed). */
static int fork_blocker(struct __test_metadata *_metadata,
			FIXTURE_DATA(netlink) *self)
{
	int pid;
	char c;

	if (self->nl.gate[1] < 0)
		ASSERT_EQ(0, pipe2(self->nl.gate, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		close(self->nl.gate[1]);
		while (read(self->nl.gate[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	return pid;
}

/* ---- tests: GET ---- */

NL_TEST(get_heap_spy_reports_its_seed_growth)
{
	unsigned long before, after, stat_brk;
	uint64_t t0, t1, when;
	struct proc_info p;
	int pid;

	REQUIRE_FAMILY();
	t0 = boottime_ns();
	spawn_heap_spy(_metadata, &self->nl.kids[0], &before, &after);
	t1 = boottime_ns();
	pid = self->nl.kids[0].pid;
	ASSERT_EQ(0, proc_start_brk(pid, &stat_brk));
	get_ok(_metadata, &self->nl, pid, &p);
	when = p.val[BRKSCOPE_A_LAST_CHANGE_NS];
	TH_LOG("heap_spy %d: Before %#lx After %#lx, start_brk %#llx brk %#llx grows %llu grown %llu, last change %llu ns (spawned at %llu, output read at %llu)",
	       pid, before, after,
	       (unsigned long long)p.val[BRKSCOPE_A_START_BRK],
	       (unsigned long long)p.val[BRKSCOPE_A_BRK],
	       (unsigned long long)p.val[BRKSCOPE_A_GROWS],
	       (unsigned long long)p.val[BRKSCOPE_A_GROWN_BYTES],
	       (unsigned long long)when, (unsigned long long)t0,
	       (unsigned long long)t1);

	ASSERT_TRUE(p.has[BRKSCOPE_A_PID]);
	EXPECT_EQ((uint32_t)pid, p.pid);
	EXPECT_STREQ("heap_spy", p.comm);
	EXPECT_EQ(stat_brk, p.val[BRKSCOPE_A_START_BRK]);
	EXPECT_EQ(before, p.val[BRKSCOPE_A_START_BRK]);
	EXPECT_EQ(after, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(after, p.val[BRKSCOPE_A_HEAP_END]);
	EXPECT_EQ(after - before, p.val[BRKSCOPE_A_HEAP_BYTES]);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(after - before, p.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_FAILED_GROWS]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_SHRINKS]);
	EXPECT_EQ(0, p.val[BRKSCOPE_A_SHRUNK_BYTES]);
	EXPECT_EQ(after, p.val[BRKSCOPE_A_PEAK_BRK]);
	EXPECT_TRUE(p.has[BRKSCOPE_A_TRACKED]);
	ASSERT_TRUE(p.has[BRKSCOPE_A_LAST_CHANGE_NS]);
	EXPECT_LE(t0, when);
	EXPECT_GE(t1, when);
}

NL_TEST(get_untracked_process_reports_live_brk_and_zero_counters)
{
	static const int zero[] = {
		BRKSCOPE_A_GROWS, BRKSCOPE_A_GROWN_BYTES,
		BRKSCOPE_A_FAILED_GROWS, BRKSCOPE_A_SHRINKS,
		BRKSCOPE_A_SHRUNK_BYTES,
	};
	unsigned long brk_at_fork, stat_brk;
	struct proc_info p;
	size_t i;
	int pid;

	REQUIRE_FAMILY();
	brk_at_fork = (unsigned long)sbrk(0);
	pid = fork_blocker(_metadata, self);
	add_other(_metadata, &self->nl.others, pid);
	ASSERT_EQ(0, proc_start_brk(pid, &stat_brk));
	get_ok(_metadata, &self->nl, pid, &p);
	TH_LOG("blocked child %d: start_brk %#lx (stat), brk %#lx at fork",
	       pid, stat_brk, brk_at_fork);

	EXPECT_EQ((uint32_t)pid, p.pid);
	EXPECT_STREQ(COMM_SELF, p.comm);
	EXPECT_FALSE(p.has[BRKSCOPE_A_TRACKED]);
	EXPECT_FALSE(p.has[BRKSCOPE_A_LAST_CHANGE_NS]);
	for (i = 0; i < ARRAY_SIZE(zero); i++) {
		EXPECT_TRUE(p.has[zero[i]]) TH_LOG("attribute %d", zero[i]);
		EXPECT_EQ(0, p.val[zero[i]]) TH_LOG("attribute %d", zero[i]);
	}
	EXPECT_EQ(stat_brk, p.val[BRKSCOPE_A_START_BRK]);
	EXPECT_EQ(brk_at_fork, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(page_align(brk_at_fork), p.val[BRKSCOPE_A_HEAP_END]);
	EXPECT_EQ(brk_at_fork - stat_brk, p.val[BRKSCOPE_A_HEAP_BYTES]);
	EXPECT_EQ(brk_at_fork, p.val[BRKSCOPE_A_PEAK_BRK]);
}

static struct {
	int pipe[2];
	pid_t tid;
} thread_ctl = { { -1, -1 }, 0 };

static void *blocking_thread(void *arg)
{
	char c;

	(void)arg;
	__atomic_store_n(&thread_ctl.tid, gettid(), __ATOMIC_RELEASE);
	while (read(thread_ctl.pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

NL_TEST(get_by_thread_id_reports_its_thread_group)
{
	struct proc_info p;
	struct nl_ack ack;
	pthread_t thread;
	pid_t tid = 0;
	int tries, ret;

	REQUIRE_FAMILY();
	ASSERT_EQ(0, pipe2(thread_ctl.pipe, O_CLOEXEC));
	ASSERT_EQ(0, pthread_create(&thread, NULL, blocking_thread, NULL));
	for (tries = 0; tries < 3000; tries++) {
		tid = __atomic_load_n(&thread_ctl.tid, __ATOMIC_ACQUIRE);
		if (tid)
			break;
		usleep(10000);
	}
	ASSERT_NE(0, tid) {
		close(thread_ctl.pipe[1]);
		pthread_join(thread, NULL);
	}
	ASSERT_NE(getpid(), tid);
	ret = get_pid(self->nl.sock, self->nl.family, tid, &p, &ack);
	close(thread_ctl.pipe[1]);
	pthread_join(thread, NULL);
	close(thread_ctl.pipe[0]);
	TH_LOG("thread %d of process %d: GET answered %s, pid %u", tid,
	       getpid(), errname(ack.err), p.pid);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, ack.err);
	ASSERT_EQ(1, p.nmsgs);
	EXPECT_EQ((uint32_t)getpid(), p.pid);
	EXPECT_EQ((unsigned long)sbrk(0), p.val[BRKSCOPE_A_BRK]);
}

NL_TEST(get_of_process_whose_main_thread_exited_reports_its_heap)
{
	unsigned long start, end;
	struct proc_info p;
	struct kid *k;

	REQUIRE_FAMILY();
	k = start_brk_child(_metadata, &self->nl.kids[0]);
	start = k->ready_brk;
	child_main_exit(_metadata, k);
	end = child_move(_metadata, k, 2 * page_size, NULL);
	get_ok(_metadata, &self->nl, k->pid, &p);

	EXPECT_EQ((uint32_t)k->pid, p.pid);
	EXPECT_STREQ("brk_child", p.comm);
	EXPECT_EQ(end, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_align(end) - page_align(start), p.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_TRUE(p.has[BRKSCOPE_A_TRACKED]);
}

NL_TEST(get_after_vfork_child_grew_heap_names_parent_with_both_growths)
{
	unsigned long start, old, cur;
	struct proc_info p;
	struct kid *k;

	REQUIRE_FAMILY();
	k = start_brk_child(_metadata, &self->nl.kids[0]);
	start = k->ready_brk;
	child_move(_metadata, k, page_size, NULL);
	child_vfork(_metadata, k, page_size, &old, &cur);
	get_ok(_metadata, &self->nl, k->pid, &p);

	EXPECT_STREQ("brk_child", p.comm);
	EXPECT_EQ(cur, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(2, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_align(cur) - page_align(start), p.val[BRKSCOPE_A_GROWN_BYTES]);
}

NL_TEST(get_kernel_thread_fails_esrch)
{
	struct nl_ack ack;
	long flags = proc_flags(2);

	REQUIRE_FAMILY();
	if (flags < 0 || !(flags & PF_KTHREAD_FLAG))
		SKIP(return, "pid 2 is not a kernel thread here");
	get_fails(_metadata, &self->nl, 2, &ack);
	EXPECT_EQ(ESRCH, ack.err);
	EXPECT_TRUE(ack.has_msg && ack.msg[0]);
}

NL_TEST(get_zombie_fails_esrch)
{
	siginfo_t si;
	struct nl_ack ack;
	int pid;

	REQUIRE_FAMILY();
	pid = fork_exiting_child(_metadata, &self->nl.others);
	/* Wait for the exit but leave the zombie. */
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	get_fails(_metadata, &self->nl, pid, &ack);
	EXPECT_EQ(ESRCH, ack.err);
	EXPECT_TRUE(ack.has_msg && ack.msg[0]);
}

/* ---- tests: GET_STATS ---- */

struct stats_info {
	int nmsgs;
	int nests;
	bool has[BRKSCOPE_STATS_A_MAX + 1];
	int dup;		/* a figure seen twice */
	int bad;		/* a figure not a u64 */
	uint64_t val[BRKSCOPE_STATS_A_MAX + 1];
};

static void stats_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct stats_info *s = data;
	const struct nlattr *attr, *a;

	s->nmsgs++;
	if (g->cmd != BRKSCOPE_CMD_GET_STATS)
		return;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != BRKSCOPE_A_STATS)
			continue;
		s->nests++;
		mnl_attr_for_each_nested(a, attr) {
			int type = mnl_attr_get_type(a);

			if (type == BRKSCOPE_STATS_A_PAD || type > BRKSCOPE_STATS_A_MAX)
				continue;
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0) {
				s->bad = type;
				continue;
			}
			if (s->has[type])
				s->dup = type;
			s->has[type] = true;
			s->val[type] = mnl_attr_get_u64(a);
		}
	}
}

NL_TEST(get_stats_nest_has_every_figure)
{
	struct stats_info s = { 0 };
	struct nlmsghdr *nlh;
	struct nl_ack ack;
	long limit;
	int type;

	REQUIRE_FAMILY();
	limit = read_number(MAX_RECORDS_PATH);
	ASSERT_LE(0, limit) TH_LOG("%s: %s", MAX_RECORDS_PATH, strerror(-limit));
	nlh = genl_msg(reqbuf, sizeof(reqbuf), self->nl.family,
		       BRKSCOPE_CMD_GET_STATS, BRKSCOPE_FAMILY_VERSION,
		       NLM_F_REQUEST | NLM_F_ACK);
	ASSERT_EQ(0, nl_transact(self->nl.sock, nlh, nlh->nlmsg_len, stats_reply,
				 &s, &ack));
	ASSERT_EQ(0, ack.err) TH_LOG("GET_STATS: %s", errname(ack.err));
	ASSERT_EQ(1, s.nmsgs);
	ASSERT_EQ(1, s.nests);
	EXPECT_EQ(0, s.bad) TH_LOG("figure %d is not a u64", s.bad);
	EXPECT_EQ(0, s.dup) TH_LOG("figure %d twice", s.dup);
	for (type = BRKSCOPE_STATS_A_PROBE_HITS; type <= BRKSCOPE_STATS_A_MAX; type++)
		EXPECT_TRUE(s.has[type]) TH_LOG("figure %d missing", type);
	TH_LOG("probe_hits %llu, records %llu of %llu (max_records %ld), events sent %llu dropped %llu",
	       (unsigned long long)s.val[BRKSCOPE_STATS_A_PROBE_HITS],
	       (unsigned long long)s.val[BRKSCOPE_STATS_A_RECORDS_IN_USE],
	       (unsigned long long)s.val[BRKSCOPE_STATS_A_RECORDS_LIMIT], limit,
	       (unsigned long long)s.val[BRKSCOPE_STATS_A_EVENTS_SENT],
	       (unsigned long long)s.val[BRKSCOPE_STATS_A_EVENTS_DROPPED]);
	EXPECT_EQ((uint64_t)limit, s.val[BRKSCOPE_STATS_A_RECORDS_LIMIT]);
	EXPECT_LE(s.val[BRKSCOPE_STATS_A_RECORDS_IN_USE],
		  s.val[BRKSCOPE_STATS_A_RECORDS_LIMIT]);
}

TEST_HARNESS_MAIN
