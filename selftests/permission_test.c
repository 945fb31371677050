// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope netlink selftests: who may ask what.  An unprivileged caller
 * (nobody), root of a user namespace, and pid 1 of a new pid namespace:
 * GETs of processes they may or may not ptrace, subscribing to events, and
 * dumps that list only what the caller may see.  Each probe runs in a
 * forked child, which reports back over a pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

#define COMM_SELF	"permission_test" /* comm of this program and its forks */

/* ---- children that run probes and report back ---- */

#define PROBES_MAX	4
#define REPORT_PIDS_MAX	16

struct probe {
	int err;		/* positive errno, 0 for success */
	bool has_msg;
	char msg[256];
	struct proc_info p;	/* the GET reply, when there was one */
};

struct report {
	int setup_err;		/* errno of a failed setup step */
	char setup_what[64];
	int pid;		/* getpid() in the reporting process */
	unsigned long brk;	/* its sbrk(0) */
	struct probe probe[PROBES_MAX];
	int child;		/* pid of a child it forked, as it sees it */
	int npids;		/* a dump's pids */
	uint32_t pids[REPORT_PIDS_MAX];
	struct dump_result dump;
};

struct probe_args {
	uint32_t target;	/* a pid to look up */
	int new_pidns;		/* run in a fresh pid namespace */
};

typedef void (*probe_fn)(struct report *rep, const struct probe_args *a);

static void report_setup_error(struct report *rep, const char *what, int err)
{
	if (rep->setup_err)
		return;
	rep->setup_err = err ? err : EPROTO;
	snprintf(rep->setup_what, sizeof(rep->setup_what), "%s", what);
}

/* GET target into probe slot i. */
static void probe_get(struct report *rep, int i, int fd, uint16_t family,
		      uint32_t target)
{
	struct probe *pr = &rep->probe[i];
	struct nl_ack ack;
	int ret = get_pid(fd, family, target, &pr->p, &ack);

	if (ret) {
		report_setup_error(rep, "GET: socket", -ret);
		return;
	}
	pr->err = ack.err;
	pr->has_msg = ack.has_msg;
	snprintf(pr->msg, sizeof(pr->msg), "%s", ack.msg);
}

/* A socket and the family, inside a child. */
static int probe_socket(struct report *rep, struct family *f)
{
	int fd = nl_open(), ret;

	if (fd < 0) {
		report_setup_error(rep, "netlink socket", -fd);
		return -1;
	}
	ret = resolve_family(fd, f);
	if (ret) {
		report_setup_error(rep, "resolve family", -ret);
		close(fd);
		return -1;
	}
	return fd;
}

static int drop_to_nobody(struct report *rep)
{
	if (setgroups(0, NULL)) {
		report_setup_error(rep, "setgroups", errno);
		return -1;
	}
	if (setresgid(NOBODY, NOBODY, NOBODY)) {
		report_setup_error(rep, "setresgid", errno);
		return -1;
	}
	if (setresuid(NOBODY, NOBODY, NOBODY)) {
		report_setup_error(rep, "setresuid", errno);
		return -1;
	}
	return 0;
}

static int write_proc_self(const char *file, const char *s)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/*
 * Run fn in a forked child (with a->new_pidns: in the first process of a
 * new pid namespace, a grandchild) and copy its report into *rep.
 */
static void run_probes(struct __test_metadata *_metadata,
		       FIXTURE_DATA(netlink) *self, probe_fn fn,
		       const struct probe_args *a, struct report *rep)
{
	static struct report r;
	struct pollfd pfd;
	size_t got = 0;
	int fds[2], pid, status;
	ssize_t n;

	ASSERT_EQ(0, pipe2(fds, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(fds[0]);
		memset(&r, 0, sizeof(r));
		if (a->new_pidns) {
			int inner;

			if (unshare(CLONE_NEWPID)) {
				report_setup_error(&r, "unshare(CLONE_NEWPID)", errno);
				write_all(fds[1], &r, sizeof(r));
				_exit(0);
			}
			inner = fork();
			if (inner > 0) {
				waitpid(inner, &status, 0);
				_exit(0);
			}
			if (inner < 0) {
				report_setup_error(&r, "fork in new pid namespace", errno);
				write_all(fds[1], &r, sizeof(r));
				_exit(0);
			}
		}
		r.pid = getpid();
		r.brk = (unsigned long)sbrk(0);
		fn(&r, a);
		write_all(fds[1], &r, sizeof(r));
		_exit(0);
	}
	add_other(_metadata, &self->nl.others, pid);
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	while (got < sizeof(r)) {
		ASSERT_EQ(1, poll(&pfd, 1, REPLY_TIMEOUT_MS)) {
			close(fds[0]);
			TH_LOG("no report from pid %d", pid);
		}
		n = read(fds[0], (char *)rep + got, sizeof(r) - got);
		ASSERT_LT(0, n) {
			close(fds[0]);
			TH_LOG("pid %d died before reporting", pid);
		}
		got += n;
	}
	close(fds[0]);
	status = reap(&self->nl.others, self->nl.kids, pid);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("probe child status %#x", status);
	ASSERT_EQ(0, rep->setup_err) TH_LOG("in the child: %s: %s",
					    rep->setup_what,
					    strerror(rep->setup_err));
}

/* ---- tests: permissions and namespaces ---- */

static void probe_get_target_as_nobody(struct report *rep, const struct probe_args *a)
{
	struct family f;
	int fd;

	if (drop_to_nobody(rep))
		return;
	fd = probe_socket(rep, &f);
	if (fd < 0)
		return;
	probe_get(rep, 0, fd, f.id, a->target ? a->target : (uint32_t)getpid());
	close(fd);
}

NL_TEST(unprivileged_get_of_root_process_fails_eperm)
{
	struct probe_args a = { .target = getpid() };
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_get_target_as_nobody, &a, &rep);
	TH_LOG("uid %d: GET of root's pid %u: %s, extack '%s'", NOBODY, a.target,
	       errname(rep.probe[0].err), rep.probe[0].msg);
	EXPECT_EQ(EPERM, rep.probe[0].err);
	EXPECT_TRUE(rep.probe[0].has_msg && rep.probe[0].msg[0]);
	EXPECT_EQ(0, rep.probe[0].p.nmsgs);
}

NL_TEST(unprivileged_get_of_own_pid_succeeds)
{
	struct probe_args a = { .target = 0 };	/* 0: its own pid */
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_get_target_as_nobody, &a, &rep);
	TH_LOG("uid %d: GET of its own pid %d: %s", NOBODY, rep.pid,
	       errname(rep.probe[0].err));
	ASSERT_EQ(0, rep.probe[0].err) TH_LOG("extack '%s'", rep.probe[0].msg);
	ASSERT_EQ(1, rep.probe[0].p.nmsgs);
	EXPECT_EQ((uint32_t)rep.pid, rep.probe[0].p.pid);
	EXPECT_EQ(rep.brk, rep.probe[0].p.val[BRKSCOPE_A_BRK]);
}

/*
 * Fork a child that waits until *gate_w is closed.  Returns its pid, or -1
 * with a setup error reported if the pipe or the fork failed.
 */
static int fork_gated_child(struct report *rep, int *gate_w)
{
	int pid, gate[2];
	char c;

	if (pipe(gate)) {
		report_setup_error(rep, "pipe", errno);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		report_setup_error(rep, "fork", errno);
		return -1;
	}
	if (!pid) {
		close(gate[1]);
		while (read(gate[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(gate[0]);
	*gate_w = gate[1];
	return pid;
}

/*
 * As nobody: fork a second nobody process (dumpable or not, as the fork
 * inherits it) and GET it.
 */
static void probe_get_sibling_as_nobody(struct report *rep, const struct probe_args *a)
{
	struct family f;
	int fd, pid, gate;

	if (drop_to_nobody(rep))
		return;
	/* Changing uids made the mm non-dumpable; target 1 asks for dumpable. */
	if (a->target && prctl(PR_SET_DUMPABLE, 1)) {
		report_setup_error(rep, "PR_SET_DUMPABLE", errno);
		return;
	}
	fd = probe_socket(rep, &f);
	if (fd < 0)
		return;
	pid = fork_gated_child(rep, &gate);
	if (pid < 0)
		return;
	probe_get(rep, 0, fd, f.id, pid);
	rep->child = pid;
	close(gate);
	waitpid(pid, NULL, 0);
	close(fd);
}

NL_TEST(unprivileged_get_of_same_user_dumpable_process_succeeds)
{
	struct probe_args a = { .target = 1 };
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_get_sibling_as_nobody, &a, &rep);
	TH_LOG("uid %d: GET of its dumpable child %u: %s", NOBODY, rep.child,
	       errname(rep.probe[0].err));
	ASSERT_EQ(0, rep.probe[0].err) TH_LOG("extack '%s'", rep.probe[0].msg);
	EXPECT_EQ((uint32_t)rep.child, rep.probe[0].p.pid);
	EXPECT_EQ(rep.brk, rep.probe[0].p.val[BRKSCOPE_A_BRK]);
}

NL_TEST(unprivileged_get_of_non_dumpable_process_fails_eperm)
{
	struct probe_args a = { .target = 0 };
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_get_sibling_as_nobody, &a, &rep);
	TH_LOG("uid %d: GET of its non-dumpable child %u: %s, extack '%s'",
	       NOBODY, rep.child, errname(rep.probe[0].err), rep.probe[0].msg);
	EXPECT_EQ(EPERM, rep.probe[0].err);
	EXPECT_TRUE(rep.probe[0].has_msg && rep.probe[0].msg[0]);
}

static void probe_subscribe_as_nobody(struct report *rep, const struct probe_args *a)
{
	struct family f;
	int fd, ev;

	if (drop_to_nobody(rep))
		return;
	if (a->target) {	/* and then root of a new user namespace */
		char map[64];
		int err;

		/* A non-dumpable process's /proc/self files are root's. */
		if (prctl(PR_SET_DUMPABLE, 1)) {
			report_setup_error(rep, "PR_SET_DUMPABLE", errno);
			return;
		}
		if (unshare(CLONE_NEWUSER)) {
			report_setup_error(rep, "unshare(CLONE_NEWUSER)", errno);
			return;
		}
		snprintf(map, sizeof(map), "0 %d 1\n", NOBODY);
		err = write_proc_self("uid_map", map);
		if (!err)
			err = write_proc_self("setgroups", "deny");
		if (!err)
			err = write_proc_self("gid_map", map);
		if (err) {
			report_setup_error(rep, "id maps", err);
			return;
		}
	}
	fd = probe_socket(rep, &f);
	if (fd < 0)
		return;
	ev = events_open(f.id, f.group);
	rep->probe[0].err = ev < 0 ? -ev : 0;
	if (ev >= 0)
		close(ev);
	if (a->target)
		probe_get(rep, 1, fd, f.id, a->target);
	close(fd);
}

NL_TEST(unprivileged_subscribe_to_events_fails_eperm)
{
	struct probe_args a = { .target = 0 };
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_subscribe_as_nobody, &a, &rep);
	TH_LOG("uid %d: NETLINK_ADD_MEMBERSHIP of \"%s\": %s", NOBODY,
	       BRKSCOPE_MCGRP_EVENTS, errname(rep.probe[0].err));
	EXPECT_EQ(EPERM, rep.probe[0].err);
}

NL_TEST(user_namespace_root_cannot_subscribe_or_read_root_process)
{
	struct probe_args a = { .target = getpid() };
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_subscribe_as_nobody, &a, &rep);
	TH_LOG("uid 0 of a user namespace (uid %d outside): subscribe %s; GET of root's pid %u %s, extack '%s'",
	       NOBODY, errname(rep.probe[0].err), a.target,
	       errname(rep.probe[1].err), rep.probe[1].msg);
	EXPECT_EQ(EPERM, rep.probe[0].err);
	EXPECT_EQ(EPERM, rep.probe[1].err);
	EXPECT_TRUE(rep.probe[1].has_msg && rep.probe[1].msg[0]);
}

/* In a new pid namespace, as its pid 1: GET target, then GET 1. */
static void probe_get_in_pidns(struct report *rep, const struct probe_args *a)
{
	struct family f;
	int fd = probe_socket(rep, &f);

	if (fd < 0)
		return;
	probe_get(rep, 0, fd, f.id, a->target);
	probe_get(rep, 1, fd, f.id, 1);
	close(fd);
}

NL_TEST(pid_namespace_get_of_outside_pid_fails_esrch)
{
	struct probe_args a = { .target = getpid(), .new_pidns = 1 };
	struct report rep;

	REQUIRE_FAMILY();
	ASSERT_LT(2, getpid());
	run_probes(_metadata, self, probe_get_in_pidns, &a, &rep);
	TH_LOG("in a new pid namespace (as pid %d): GET of %u: %s, extack '%s'",
	       rep.pid, a.target, errname(rep.probe[0].err), rep.probe[0].msg);
	ASSERT_EQ(1, rep.pid);
	EXPECT_EQ(ESRCH, rep.probe[0].err);
	EXPECT_TRUE(rep.probe[0].has_msg && rep.probe[0].msg[0]);
}

NL_TEST(pid_namespace_get_of_pid_1_answers_pid_1)
{
	struct probe_args a = { .target = getpid(), .new_pidns = 1 };
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_get_in_pidns, &a, &rep);
	TH_LOG("in a new pid namespace: GET of 1: %s, pid %u comm %s",
	       errname(rep.probe[1].err), rep.probe[1].p.pid, rep.probe[1].p.comm);
	ASSERT_EQ(1, rep.pid);
	ASSERT_EQ(0, rep.probe[1].err) TH_LOG("extack '%s'", rep.probe[1].msg);
	EXPECT_EQ(1, rep.probe[1].p.pid);
	EXPECT_STREQ(COMM_SELF, rep.probe[1].p.comm);
	EXPECT_EQ(rep.brk, rep.probe[1].p.val[BRKSCOPE_A_BRK]);
}

/* Fork a child that waits, dump, then let the child go. */
static void probe_dump_with_child(struct report *rep, const struct probe_args *a)
{
	struct family f;
	int fd, pid, gate, i, ret;

	(void)a;
	fd = probe_socket(rep, &f);
	if (fd < 0)
		return;
	pid = fork_gated_child(rep, &gate);
	if (pid < 0)
		return;
	ret = dump_all(fd, f.id, DUMP_BUF_SIZE, NULL, NULL, &rep->dump);
	if (ret)
		report_setup_error(rep, "dump: socket", -ret);
	for (i = 0; i < rep->dump.nrecs && i < REPORT_PIDS_MAX; i++)
		rep->pids[rep->npids++] = dumped[i].pid;
	rep->child = pid;
	close(gate);
	waitpid(pid, NULL, 0);
	close(fd);
}

/*
 * As nobody, dumpable, with a nobody child: dump.  Nothing else in the
 * guest runs as nobody, so what the caller may ptrace is exactly itself
 * and that child.
 */
static void probe_dump_as_nobody(struct report *rep, const struct probe_args *a)
{
	if (drop_to_nobody(rep))
		return;
	if (prctl(PR_SET_DUMPABLE, 1)) {
		report_setup_error(rep, "PR_SET_DUMPABLE", errno);
		return;
	}
	probe_dump_with_child(rep, a);
}

NL_TEST(unprivileged_dump_lists_only_processes_it_may_ptrace)
{
	struct probe_args a = { 0 };
	struct report rep;

	REQUIRE_FAMILY();
	run_probes(_metadata, self, probe_dump_as_nobody, &a, &rep);
	TH_LOG("uid %d (pid %d): dump of %d processes (%u, %u), child is %d", NOBODY,
	       rep.pid, rep.dump.nrecs, rep.npids > 0 ? rep.pids[0] : 0,
	       rep.npids > 1 ? rep.pids[1] : 0, rep.child);
	expect_dump_ended_cleanly(_metadata, &rep.dump);
	/* Not pid 1, not this (root) test, not the root helpers: only these. */
	ASSERT_EQ(2, rep.dump.nrecs);
	/* In pid order, and the child's pid is lower if pids wrapped. */
	EXPECT_EQ(rep.pid < rep.child ? rep.pid : rep.child, (int)rep.pids[0]);
	EXPECT_EQ(rep.pid < rep.child ? rep.child : rep.pid, (int)rep.pids[1]);
}

NL_TEST(pid_namespace_dump_lists_only_its_processes)
{
	struct probe_args a = { .new_pidns = 1 };
	struct report rep;

	REQUIRE_FAMILY();
	/* a.new_pidns: the probe runs as pid 1 of its namespace, the child as 2. */
	run_probes(_metadata, self, probe_dump_with_child, &a, &rep);
	TH_LOG("dump in a new pid namespace: %d processes (%u, %u), child is %d",
	       rep.dump.nrecs, rep.npids > 0 ? rep.pids[0] : 0,
	       rep.npids > 1 ? rep.pids[1] : 0, rep.child);
	expect_dump_ended_cleanly(_metadata, &rep.dump);
	ASSERT_EQ(2, rep.dump.nrecs);
	EXPECT_EQ(1, rep.pids[0]);
	EXPECT_EQ(2, rep.pids[1]);
	EXPECT_EQ(2, rep.child);
}

TEST_HARNESS_MAIN
