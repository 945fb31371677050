// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope cgroup selftests: each record keeps the cgroup v2 id of its
 * process's last brk(2) call asking for a break; a process with no record
 * is placed where it is.  Checked through netlink (GET and events) and
 * debugfs, against the ids of cgroups this program makes under
 * /sys/fs/cgroup (lib/cgroup.h).
 *
 * Helpers: brk_child, found next to this binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "lib/cgroup.h"
#include "lib/files.h"
#include "lib/genl.h"
#include "lib/kids.h"
#include "lib/nltest.h"

#define DEBUGFS_DIR	"/sys/kernel/debug/brkscope"
#define PROCESSES_PATH	DEBUGFS_DIR "/processes"
#define PID_PATH	DEBUGFS_DIR "/pid"

FIXTURE(cgroup) {
	struct nl_fixture nl;
	char a[PATH_MAX];	/* the two cgroups, "" once removed */
	char b[PATH_MAX];
	uint64_t a_id;
	uint64_t b_id;
};

FIXTURE_SETUP(cgroup)
{
	int err;

	nl_fixture_setup(&self->nl);
	err = cgroup_make("brkscope-cgroup-test-a", self->a);
	if (err == -ENODEV)
		SKIP(return, CGROUP_ROOT " is not a cgroup2 mount");
	ASSERT_EQ(0, err) TH_LOG("mkdir %s: %s", self->a, strerror(-err));
	err = cgroup_make("brkscope-cgroup-test-b", self->b);
	ASSERT_EQ(0, err) TH_LOG("mkdir %s: %s", self->b, strerror(-err));
	self->a_id = cgroup_id_of(self->a);
	if (!self->a_id && errno == ENOSYS)
		SKIP(return, "name_to_handle_at(): kernel without CONFIG_FHANDLE");
	ASSERT_NE(0, self->a_id) TH_LOG("%s: %s", self->a, strerror(errno));
	self->b_id = cgroup_id_of(self->b);
	ASSERT_NE(0, self->b_id) TH_LOG("%s: %s", self->b, strerror(errno));
	ASSERT_NE(self->a_id, self->b_id);
}

/* The children die first: a cgroup with processes cannot be removed. */
FIXTURE_TEARDOWN(cgroup)
{
	nl_fixture_teardown(&self->nl);
	cgroup_remove(self->a);
	cgroup_remove(self->b);
}

#define CG_TEST(name)	TEST_F_TIMEOUT(cgroup, name, 120)

/* A brk_child moved into @path, not grown there yet. */
static struct kid *child_in(struct __test_metadata *_metadata,
			    FIXTURE_DATA(cgroup) *self, int i, const char *path)
{
	struct kid *k = start_brk_child(_metadata, &self->nl.kids[i]);
	int err = cgroup_move(path, k->pid);

	ASSERT_EQ(0, err) TH_LOG("move %d to %s: %s", k->pid, path, strerror(-err));
	return k;
}

/* The cgroup GET reports for @pid; *tracked whether it has a record. */
static uint64_t get_cgroup(struct __test_metadata *_metadata,
			   FIXTURE_DATA(cgroup) *self, int pid, bool *tracked)
{
	struct proc_info p;

	get_ok(_metadata, &self->nl, pid, &p);
	EXPECT_TRUE(p.has[BRKSCOPE_A_CGROUP_ID]) TH_LOG("pid %d", pid);
	*tracked = p.has[BRKSCOPE_A_TRACKED];
	return p.val[BRKSCOPE_A_CGROUP_ID];
}

CG_TEST(growth_is_placed_in_the_cgroup_it_happened_in)
{
	unsigned long old;
	bool tracked;
	struct kid *k;

	REQUIRE_FAMILY();
	k = child_in(_metadata, self, 0, self->a);
	child_move(_metadata, k, 2 * page_size, &old);
	EXPECT_EQ(self->a_id, get_cgroup(_metadata, self, k->pid, &tracked));
	EXPECT_TRUE(tracked);
}

CG_TEST(moved_process_stays_in_old_cgroup_until_its_next_change)
{
	unsigned long old;
	bool tracked;
	struct kid *k;
	int err;

	REQUIRE_FAMILY();
	k = child_in(_metadata, self, 0, self->a);
	child_move(_metadata, k, page_size, &old);
	err = cgroup_move(self->b, k->pid);
	ASSERT_EQ(0, err) TH_LOG("move to %s: %s", self->b, strerror(-err));
	EXPECT_EQ(self->a_id, get_cgroup(_metadata, self, k->pid, &tracked))
		TH_LOG("moved, no change since: still the cgroup it grew in");
	child_move(_metadata, k, page_size, &old);
	EXPECT_EQ(self->b_id, get_cgroup(_metadata, self, k->pid, &tracked))
		TH_LOG("grown again: the cgroup it grew in now");
	child_move(_metadata, k, -(long)page_size, &old);
	EXPECT_EQ(self->b_id, get_cgroup(_metadata, self, k->pid, &tracked))
		TH_LOG("a shrink in the same cgroup keeps it");
}

/* A fork that has not called brk(2) has no record: its mm is new. */
CG_TEST(untracked_process_is_placed_where_it_is)
{
	bool tracked;
	int gate[2], pid, err;
	char c;

	REQUIRE_FAMILY();
	ASSERT_EQ(0, pipe2(gate, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(gate[1]);
		while (read(gate[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(gate[0]);
	add_other(_metadata, &self->nl.others, pid);
	err = cgroup_move(self->b, pid);
	ASSERT_EQ(0, err) TH_LOG("move %d to %s: %s", pid, self->b, strerror(-err));
	EXPECT_EQ(self->b_id, get_cgroup(_metadata, self, pid, &tracked));
	EXPECT_FALSE(tracked);
	close(gate[1]);
	reap(&self->nl.others, self->nl.kids, pid);
}

/* debugfs's processes line ends in the cgroup id; the pid file says it too. */
CG_TEST(debugfs_shows_the_cgroup_of_the_last_change)
{
	static char listing[1 << 20];
	char buf[4096], want[32], *pos, *line, *tok[16];
	unsigned long old, id;
	int lines = 0, n, fd;
	ssize_t len;
	struct kid *k;

	REQUIRE_FAMILY();
	k = child_in(_metadata, self, 0, self->a);
	child_move(_metadata, k, page_size, &old);

	len = read_file(PROCESSES_PATH, listing, sizeof(listing));
	ASSERT_LE(0, len) TH_LOG("%s: %s", PROCESSES_PATH, strerror(-len));
	pos = listing;
	line = next_line(&pos);
	ASSERT_NE(NULL, line);
	n = split_blanks(line, tok, 16);
	ASSERT_EQ(13, n);
	EXPECT_STREQ("cgroup", tok[12]);
	while ((line = next_line(&pos))) {
		n = split_blanks(line, tok, 16);
		if (n != 13 || atoi(tok[0]) != k->pid)
			continue;
		lines++;
		ASSERT_TRUE(parse_ulong(tok[12], false, &id)) TH_LOG("'%s'", tok[12]);
		EXPECT_EQ(self->a_id, id);
	}
	EXPECT_EQ(1, lines);

	snprintf(want, sizeof(want), "%d\n", k->pid);
	fd = open(PID_PATH, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", PID_PATH, strerror(errno));
	len = write(fd, want, strlen(want));
	close(fd);
	ASSERT_EQ((ssize_t)strlen(want), len) TH_LOG("%s: %s", PID_PATH, strerror(errno));
	len = read_file(PID_PATH, buf, sizeof(buf));
	ASSERT_LE(0, len) TH_LOG("%s: %s", PID_PATH, strerror(-len));
	snprintf(want, sizeof(want), "%llu", (unsigned long long)self->a_id);
	pos = buf;
	lines = 0;
	while ((line = next_line(&pos))) {
		n = split_blanks(line, tok, 16);
		if (n == 2 && !strcmp(tok[0], "cgroup")) {
			lines++;
			EXPECT_STREQ(want, tok[1]);
		}
	}
	EXPECT_EQ(1, lines) TH_LOG("cgroup lines in %s", PID_PATH);
}

/* The events of @pid until its growth to @new_brk: that one, in *ev. */
static void wait_growth_event(struct __test_metadata *_metadata, int fd,
			      uint16_t family, int pid, unsigned long new_brk,
			      struct brk_event *ev)
{
	uint64_t deadline = boottime_ns() + REPLY_TIMEOUT_MS * 1000000ULL;
	const struct nlmsghdr *nlh;
	int len;

	for (;;) {
		ASSERT_GT(deadline, boottime_ns())
			TH_LOG("no growth event of pid %d to %#lx", pid, new_brk);
		len = nl_recv(fd, rxbuf, sizeof(rxbuf), 1000);
		if (len == -ETIMEDOUT)
			continue;
		ASSERT_LT(0, len) TH_LOG("events: %s", strerror(-len));
		for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != family ||
			    g->cmd != BRKSCOPE_CMD_EVENT)
				continue;
			parse_event(nlh, ev);
			if (ev->pid == (uint32_t)pid &&
			    ev->type == BRKSCOPE_EVENT_TYPE_GROW &&
			    ev->new_brk == new_brk)
				return;
		}
	}
}

CG_TEST(growth_event_carries_the_cgroup_of_its_thread)
{
	struct brk_event ev;
	unsigned long old, cur;
	struct kid *k;
	int fd;

	REQUIRE_FAMILY();
	ASSERT_NE(0, self->nl.events_group);
	k = child_in(_metadata, self, 0, self->a);
	fd = events_open(self->nl.family, self->nl.events_group);
	ASSERT_LE(0, fd) TH_LOG("subscribe: %s", strerror(-fd));
	self->nl.sock2 = fd;
	cur = child_move(_metadata, k, 3 * page_size, &old);
	wait_growth_event(_metadata, fd, self->nl.family, k->pid, cur, &ev);
	EXPECT_EQ(0, ev.missing);
	EXPECT_EQ(self->a_id, ev.cgroup_id);
}

TEST_HARNESS_MAIN
