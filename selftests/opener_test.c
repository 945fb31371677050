// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope selftests: a netlink socket answers to the identity that opened
 * it as well as to the task using it.
 *
 * An unprivileged process (uid 65534) opens a generic netlink socket and
 * hands it to root over a unix socket, as a setuid program gets one on its
 * stdin or stdout.  Root then writes requests on it and reads its answers.
 * Requests are handled in the context of whoever writes them, and a dump
 * resumes in the context of whoever reads it: a module that judged only
 * `current` would show the opener every process root may see (the
 * CVE-2014-0181 class of netlink bug).  Here each answer must be exactly
 * what the opener itself would get.
 *
 * For the dump the opener first fills its receive buffer with answers to
 * GET requests (SO_MEMINFO says when it is full), so that the kernel defers
 * the dump: every row of it is then made while root reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "kselftest_harness.h"
#include "lib/files.h"
#include "lib/genl.h"
#include "lib/kids.h"	/* REPLY_TIMEOUT_MS */

#define NOBODY		65534
#define SECRETS		300	/* root's processes that a leak would show */
#define KIDS_MAX	16	/* the opener's children */
#define PREFILL_MAX	64	/* GETs that fill the opener's receive buffer */
#define ROWS_MAX	4096

#define EPERM_TEXT	"no ptrace read access to this process, for the caller or the socket's opener (the rule of /proc/PID/stat)"

/* What the opener tells root, with the socket. */
struct opener_report {
	int err;		/* errno of a step that failed, or 0 */
	char what[64];		/* that step */
	int pid;		/* the opener, in its own pid namespace */
	unsigned long brk;	/* its sbrk(0) */
	int nkids;
	int kids[KIDS_MAX];	/* its children, as it numbers them */
	int prefill;		/* GET answers left unread in the socket */
	uint32_t dump_seq;	/* the dump it asked for, 0 if none */
};

struct opener_args {
	int nkids;
	bool new_pidns;		/* open it as pid 1 of a new pid namespace */
	bool dump;		/* fill the receive buffer, then ask for a dump */
};

FIXTURE(opener) {
	uint16_t family;
	int sock;		/* root's own, to resolve the family */
	int gate[2];		/* waiters block reading gate[0] until it closes */
	int fd;			/* the socket the opener handed over */
	struct opener_report rep;
};

FIXTURE_SETUP(opener)
{
	struct family f;

	signal(SIGPIPE, SIG_IGN);
	self->fd = -1;
	ASSERT_EQ(0, pipe2(self->gate, O_CLOEXEC));
	self->sock = nl_open();
	if (self->sock >= 0 && !resolve_family(self->sock, &f))
		self->family = f.id;
}

/* Closing the gate lets every waiter, the opener and its children go. */
FIXTURE_TEARDOWN(opener)
{
	close_fd(&self->gate[1]);
	close_fd(&self->gate[0]);
	close_fd(&self->fd);
	close_fd(&self->sock);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

#define REQUIRE_FAMILY() do {						\
	if (geteuid())							\
		SKIP(return, "must run as root");			\
	if (!self->family)						\
		SKIP(return, "generic netlink family " BRKSCOPE_FAMILY_NAME \
		     " not found: module not loaded");			\
} while (0)

/* ---- the opener (a forked child: no asserts, reports errors) ---- */

static void fail(struct opener_report *rep, const char *what, int err)
{
	if (rep->err)
		return;
	rep->err = err ? err : EPROTO;
	snprintf(rep->what, sizeof(rep->what), "%s", what);
}

static void wait_gate(int gate_r)
{
	ssize_t n;
	char c;

	do
		n = read(gate_r, &c, 1);
	while (n > 0 || (n < 0 && errno == EINTR));
}

/* Send the report, with fd attached when there is one. */
static void send_report(int chan, const struct opener_report *rep, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)rep, .iov_len = sizeof(*rep) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	}
	if (sendmsg(chan, &msg, 0) != sizeof(*rep))
		_exit(1);
}

/* Bytes queued for reading, and the limit (SO_MEMINFO). */
static int rmem(int fd, uint32_t *alloc, uint32_t *rcvbuf)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len))
		return -errno;
	*alloc = mem[SK_MEMINFO_RMEM_ALLOC];
	*rcvbuf = mem[SK_MEMINFO_RCVBUF];
	return 0;
}

/*
 * Leave GET answers unread until the receive buffer takes no more, then
 * ask for a dump: the kernel cannot queue its first part (nor the error
 * that says so), so it makes all of it later, in recvmsg() of whoever reads
 * the socket.
 */
static void ask_deferred_dump(struct opener_report *rep, int fd,
			      uint16_t family)
{
	uint32_t alloc = 0, before = 0, rcvbuf = 0;
	int one = 1, small = 1, i;
	struct nlmsghdr *nlh;

	/* Answers that do not fit are dropped without an error to read. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)))
		return fail(rep, "setsockopt", errno);
	/* Until an answer no longer fits (the socket then drops it). */
	for (i = 0; i < PREFILL_MAX; i++) {
		nlh = genl_msg(reqbuf, sizeof(reqbuf), family, BRKSCOPE_CMD_GET,
			       BRKSCOPE_FAMILY_VERSION, NLM_F_REQUEST);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, getpid());
		if (nl_send(fd, nlh, nlh->nlmsg_len))
			return fail(rep, "send GET", errno);
		if (rmem(fd, &alloc, &rcvbuf))
			return fail(rep, "SO_MEMINFO", errno);
		if (alloc == before)
			break;
		before = alloc;
		rep->prefill++;
	}
	if (i == PREFILL_MAX || !alloc) {
		fail(rep, "filling the receive buffer", ENOSPC);
		snprintf(rep->what, sizeof(rep->what), "%d GETs left %u of %u bytes",
			 i, alloc, rcvbuf);
		return;
	}
	nlh = genl_msg(reqbuf, sizeof(reqbuf), family, BRKSCOPE_CMD_GET,
		       BRKSCOPE_FAMILY_VERSION, NLM_F_REQUEST | NLM_F_DUMP);
	rep->dump_seq = nlh->nlmsg_seq;
	if (nl_send(fd, nlh, nlh->nlmsg_len))
		fail(rep, "send dump", errno);
}

/*
 * As nobody, dumpable (as a plain unprivileged program is), with nkids
 * children of its own: open a socket, prepare it, hand it over, and stay
 * until the gate closes.
 */
static __attribute__((noreturn)) void opener_main(int chan, int gate_r,
						  const struct opener_args *a)
{
	static struct opener_report rep;
	struct family f;
	int fd = -1, i, pid;

	if (a->new_pidns) {
		if (unshare(CLONE_NEWPID)) {
			fail(&rep, "unshare(CLONE_NEWPID)", errno);
			send_report(chan, &rep, -1);
			_exit(0);
		}
		pid = fork();
		if (pid) {
			if (pid < 0) {
				fail(&rep, "fork into the pid namespace", errno);
				send_report(chan, &rep, -1);
			}
			while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		fail(&rep, "becoming nobody", errno);
	/* Changing uids made the mm non-dumpable; a plain program's is not. */
	else if (prctl(PR_SET_DUMPABLE, 1))
		fail(&rep, "PR_SET_DUMPABLE", errno);
	rep.pid = getpid();
	rep.brk = (unsigned long)sbrk(0);
	for (i = 0; !rep.err && i < a->nkids && i < KIDS_MAX; i++) {
		pid = fork();
		if (pid < 0) {
			fail(&rep, "fork", errno);
		} else if (!pid) {
			wait_gate(gate_r);
			_exit(0);
		} else {
			rep.kids[rep.nkids++] = pid;
		}
	}
	if (!rep.err) {
		fd = nl_open();
		if (fd < 0)
			fail(&rep, "netlink socket", -fd);
		else if (resolve_family(fd, &f))
			fail(&rep, "resolving the family", errno);
		else if (a->dump)
			ask_deferred_dump(&rep, fd, f.id);
	}
	send_report(chan, &rep, rep.err ? -1 : fd);
	wait_gate(gate_r);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(0);
}

/* ---- root's side ---- */

/* Fork the opener; its report in self->rep and its socket in self->fd. */
static void start_opener(struct __test_metadata *_metadata,
			 FIXTURE_DATA(opener) *self, const struct opener_args *a)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &self->rep, .iov_len = sizeof(self->rep) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct pollfd pfd = { .events = POLLIN };
	struct cmsghdr *cm;
	int sv[2], pid;
	ssize_t n;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		close(self->gate[1]);
		opener_main(sv[1], self->gate[0], a);
	}
	close(sv[1]);
	pfd.fd = sv[0];
	ASSERT_EQ(1, poll(&pfd, 1, REPLY_TIMEOUT_MS)) TH_LOG("no word from the opener");
	n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	close(sv[0]);
	ASSERT_EQ((ssize_t)sizeof(self->rep), n) TH_LOG("the opener died");
	ASSERT_EQ(0, self->rep.err) TH_LOG("in the opener: %s: %s",
					   self->rep.what, strerror(self->rep.err));
	cm = CMSG_FIRSTHDR(&msg);
	ASSERT_TRUE(cm && cm->cmsg_type == SCM_RIGHTS) TH_LOG("no socket came");
	memcpy(&self->fd, CMSG_DATA(cm), sizeof(self->fd));
}

/* Fork n root processes that wait at the gate: what a leak would show. */
static void start_secrets(struct __test_metadata *_metadata,
			  FIXTURE_DATA(opener) *self, int n)
{
	int i, pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			close(self->gate[1]);
			wait_gate(self->gate[0]);
			_exit(0);
		}
	}
}

struct dump_read {
	int nrows;
	uint32_t rows[ROWS_MAX];	/* pids, in the order they came */
	int others;		/* messages of another request (the GETs) */
	int enobufs;		/* recv() said the socket had been full */
	int bad;		/* rows that did not parse */
	struct nl_ack end;
};

/* Read the socket until the dump with sequence number seq ends. */
static int read_dump(int fd, uint32_t seq, struct dump_read *d)
{
	static struct proc_info p;
	const struct nlmsghdr *nlh;
	int n;

	memset(d, 0, sizeof(*d));
	for (;;) {
		n = nl_recv(fd, rxbuf, sizeof(rxbuf), REPLY_TIMEOUT_MS);
		/*
		 * The kernel tries to go on with the dump after each recv(),
		 * and says ENOBUFS while the GET answers still fill the
		 * socket: read on, as any dump reader must.
		 */
		if (n == -ENOBUFS && d->enobufs++ < PREFILL_MAX)
			continue;
		if (n < 0)
			return n;
		for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != seq) {
				d->others++;
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				parse_done(nlh, &d->end);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_error(nlh, &d->end);
				return 0;
			}
			parse_proc(nlh, &p);
			if (p.bad || d->nrows == ROWS_MAX)
				d->bad++;
			else
				d->rows[d->nrows++] = p.pid;
		}
	}
}

/* The dump must list exactly the opener and its children, in pid order. */
static void expect_opener_rows(struct __test_metadata *_metadata,
			       const struct opener_report *rep,
			       const struct dump_read *d)
{
	uint32_t want[KIDS_MAX + 1], t;
	int n = 0, i, j;

	want[n++] = rep->pid;
	for (i = 0; i < rep->nkids; i++)
		want[n++] = rep->kids[i];
	for (i = 1; i < n; i++)		/* pids may have wrapped: sort */
		for (j = i; j > 0 && want[j - 1] > want[j]; j--) {
			t = want[j];
			want[j] = want[j - 1];
			want[j - 1] = t;
		}
	for (i = 0; i < d->nrows && i < 8; i++)
		TH_LOG("row %d: pid %u", i, d->rows[i]);
	ASSERT_TRUE(d->end.got);
	EXPECT_EQ(0, d->end.err);
	EXPECT_EQ(0, d->bad);
	ASSERT_EQ(n, d->nrows) TH_LOG("the dump showed %d processes, the opener may see %d",
				      d->nrows, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(want[i], d->rows[i]) TH_LOG("row %d", i);
}

/* ---- tests ---- */

TEST_F_TIMEOUT(opener, dump_read_by_root_on_socket_opened_by_nobody_lists_only_nobodys_processes, 120)
{
	const struct opener_args a = { .nkids = 1, .dump = true };
	static struct dump_read d;

	REQUIRE_FAMILY();
	start_secrets(_metadata, self, SECRETS);
	start_opener(_metadata, self, &a);
	ASSERT_EQ(0, read_dump(self->fd, self->rep.dump_seq, &d));
	TH_LOG("opener %d (child %d): %d GET answers left unread (%d ENOBUFS), then %d dump rows",
	       self->rep.pid, self->rep.kids[0], d.others, d.enobufs, d.nrows);
	EXPECT_EQ(self->rep.prefill, d.others);
	expect_opener_rows(_metadata, &self->rep, &d);
}

TEST_F_TIMEOUT(opener, dump_read_by_root_on_socket_opened_in_another_pid_namespace_lists_that_namespace, 120)
{
	const struct opener_args a = { .nkids = 3, .new_pidns = true, .dump = true };
	static struct dump_read d;

	REQUIRE_FAMILY();
	start_opener(_metadata, self, &a);
	ASSERT_EQ(1, self->rep.pid);
	ASSERT_EQ(3, self->rep.nkids);
	ASSERT_EQ(0, read_dump(self->fd, self->rep.dump_seq, &d));
	TH_LOG("opener is pid 1 of its namespace, children %d %d %d: %d dump rows",
	       self->rep.kids[0], self->rep.kids[1], self->rep.kids[2], d.nrows);
	expect_opener_rows(_metadata, &self->rep, &d);
}

TEST_F_TIMEOUT(opener, get_written_by_root_on_socket_opened_by_nobody_of_root_process_fails_eperm, 60)
{
	const struct opener_args a = { 0 };
	struct proc_info p;
	struct nl_ack ack;

	REQUIRE_FAMILY();
	start_opener(_metadata, self, &a);
	ASSERT_EQ(0, get_pid(self->fd, self->family, getpid(), &p, &ack));
	TH_LOG("GET of root's pid %d: %s, extack '%s'", getpid(),
	       strerror(ack.err), ack.msg);
	ASSERT_TRUE(ack.got);
	EXPECT_EQ(EPERM, ack.err);
	EXPECT_EQ(0, p.nmsgs);
	EXPECT_TRUE(ack.has_msg);
	EXPECT_STREQ(EPERM_TEXT, ack.msg);
}

TEST_F_TIMEOUT(opener, get_written_by_root_on_socket_opened_by_nobody_of_nobodys_process_answers, 60)
{
	const struct opener_args a = { 0 };
	struct proc_info p;
	struct nl_ack ack;

	REQUIRE_FAMILY();
	start_opener(_metadata, self, &a);
	ASSERT_EQ(0, get_pid(self->fd, self->family, self->rep.pid, &p, &ack));
	ASSERT_EQ(0, ack.err) TH_LOG("extack '%s'", ack.msg);
	ASSERT_EQ(1, p.nmsgs);
	EXPECT_EQ((uint32_t)self->rep.pid, p.pid);
	EXPECT_EQ(self->rep.brk, p.val[BRKSCOPE_A_BRK]);
}

TEST_HARNESS_MAIN
