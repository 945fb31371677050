// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope netlink selftests: the multicast group "events", one message
 * per growth, shrink or failed growth of a heap, checked against what the
 * process that moved its break reports, in order and without gaps.
 *
 * Helper: brk_child, found next to this binary.  The binary itself, exec'd
 * with EVENTS_TEST_ELF_REPORT set, reports where the ELF loader must have
 * mapped its bss and exits (see elf_report_mode()).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
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

#define ELF_REPORT_ENV	"EVENTS_TEST_ELF_REPORT"
#define COMM_SELF	"events_test"	/* comm of this program and its forks */
#define EVENTS_MAX	4096

static char text[64 << 10];	/* /proc/cpuinfo */
/* ---- events ---- */

static struct brk_event events[EVENTS_MAX];
static int nevents;

/* Read what the events socket has (waiting up to timeout_ms) into events[]. */
static int read_events(int fd, int timeout_ms)
{
	const struct nlmsghdr *nlh;
	int n;

	n = nl_recv(fd, rxbuf, sizeof(rxbuf), timeout_ms);
	if (n < 0)
		return n;
	for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, n);
	     nlh = mnl_nlmsg_next(nlh, &n)) {
		const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_type < NLMSG_MIN_TYPE || g->cmd != BRKSCOPE_CMD_EVENT)
			continue;
		if (nevents == EVENTS_MAX)
			return -E2BIG;
		parse_event(nlh, &events[nevents++]);
	}
	return 0;
}

static const char *event_type_name(int type)
{
	switch (type) {
	case BRKSCOPE_EVENT_TYPE_GROW:		return "grow";
	case BRKSCOPE_EVENT_TYPE_GROW_FAILED:	return "grow_failed";
	case BRKSCOPE_EVENT_TYPE_SHRINK:		return "shrink";
	}
	return "?";
}

static const char *event_source_name(int source)
{
	switch (source) {
	case BRKSCOPE_EVENT_SOURCE_BRK:		return "brk";
	case BRKSCOPE_EVENT_SOURCE_ELF_LOADER:	return "elf_loader";
	}
	return "?";
}

/* ---- the ELF loader report mode ---- */

struct bss_ctx {
	int objects;
	unsigned long interp;
	char buf[1024];
	size_t len;
};

/*
 * Where the kernel's ELF loader mapped this object's bss with vm_brk_flags():
 * the whole pages past the file-backed part of each PT_LOAD segment, as
 * load_elf_binary() (6.1: set_brk(); 6.12: elf_load()) computes them.
 */
static int bss_of_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct bss_ctx *c = data;
	bool main_object = c->objects++ == 0;
	int i;

	(void)size;
	if (!main_object && info->dlpi_addr != c->interp)
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		unsigned long seg = info->dlpi_addr + ph->p_vaddr, start, end;

		if (ph->p_type != PT_LOAD || ph->p_memsz <= ph->p_filesz)
			continue;
		start = ph->p_filesz ? page_align(seg + ph->p_filesz) :
			seg & ~(page_size - 1);
		end = page_align(seg + ph->p_memsz);
		if (end > start && c->len < sizeof(c->buf) - 64)
			c->len += snprintf(c->buf + c->len, sizeof(c->buf) - c->len,
					   "bss %#lx %#lx\n", start, end);
	}
	return 0;
}

/*
 * Exec'd with NETLINK_TEST_ELF_REPORT in its environment, this program
 * prints the bss ranges the loader mapped for it and for its interpreter,
 * then moves its break by one page (an event that says "all before me has
 * been sent") and prints that, and exits before the harness starts.
 */
__attribute__((constructor)) static void elf_report_mode(void)
{
	static struct bss_ctx c;
	unsigned long old, cur;

	if (!getenv(ELF_REPORT_ENV))
		return;
	page_size = sysconf(_SC_PAGESIZE);
	c.interp = getauxval(AT_BASE);
	dl_iterate_phdr(bss_of_object, &c);
	old = (unsigned long)sbrk(0);
	sbrk(page_size);
	cur = (unsigned long)sbrk(0);
	c.len += snprintf(c.buf + c.len, sizeof(c.buf) - c.len,
			  "sbrk %#lx %#lx\nend\n", old, cur);
	write_all(STDOUT_FILENO, c.buf, c.len);
	_exit(0);
}

/* ---- tests: events ---- */

struct expected_event {
	int type, source;
	unsigned long old_brk, new_brk, len;
};

/* Read events until one of pid's matches last (type and new_brk). */
static void collect_events_until(struct __test_metadata *_metadata, int fd,
				 int pid, const struct expected_event *last)
{
	uint64_t deadline = boottime_ns() + REPLY_TIMEOUT_MS * 1000000ULL;
	int i, ret, seen = 0;

	for (;;) {
		for (i = seen; i < nevents; i++)
			if (events[i].pid == (uint32_t)pid &&
			    events[i].type == last->type &&
			    events[i].source == last->source &&
			    events[i].new_brk == last->new_brk)
				return;
		seen = nevents;
		ASSERT_GT(deadline, boottime_ns())
			TH_LOG("the last expected event of pid %d never came (%d events seen)",
			       pid, nevents);
		ret = read_events(fd, 1000);
		ASSERT_TRUE(!ret || ret == -ETIMEDOUT)
			TH_LOG("events socket: %s", strerror(-ret));
	}
}

/* pid's events must be exactly want[], in order; all events consecutive. */
static void check_events(struct __test_metadata *_metadata, int pid,
			 const char *comm, const struct expected_event *want,
			 int nwant, uint64_t t0, uint64_t t1)
{
	uint64_t prev_seq = 0;
	int i, n = 0, gaps = 0;

	for (i = 0; i < nevents; i++) {
		const struct brk_event *ev = &events[i];

		if (i && ev->seq != events[i - 1].seq + 1)
			gaps++;
		if (ev->pid != (uint32_t)pid)
			continue;
		TH_LOG("event seq %llu: %s %s %#llx -> %#llx len %llu comm %s",
		       (unsigned long long)ev->seq, event_type_name(ev->type),
		       event_source_name(ev->source),
		       (unsigned long long)ev->old_brk,
		       (unsigned long long)ev->new_brk,
		       (unsigned long long)ev->len, ev->comm);
		EXPECT_EQ(0, ev->missing) TH_LOG("%u attributes missing", ev->missing);
		EXPECT_EQ(0, ev->bad_attr);
		if (n < nwant) {
			const struct expected_event *w = &want[n];

			EXPECT_EQ(w->type, ev->type) TH_LOG("event %d", n);
			EXPECT_EQ(w->source, ev->source) TH_LOG("event %d", n);
			EXPECT_EQ(w->old_brk, ev->old_brk) TH_LOG("event %d", n);
			EXPECT_EQ(w->new_brk, ev->new_brk) TH_LOG("event %d", n);
			EXPECT_EQ(w->len, ev->len) TH_LOG("event %d", n);
		}
		EXPECT_EQ(0, ev->len % page_size);
		EXPECT_STREQ(comm, ev->comm);
		EXPECT_LT(prev_seq, ev->seq) TH_LOG("sequence numbers not increasing");
		EXPECT_LE(t0, ev->time_ns);
		EXPECT_GE(t1, ev->time_ns);
		prev_seq = ev->seq;
		n++;
	}
	EXPECT_EQ(nwant, n) TH_LOG("events of pid %d", pid);
	EXPECT_EQ(0, gaps) TH_LOG("%d gaps in the sequence numbers of %d events",
				  gaps, nevents);
}

/* sock2: subscribed to the events group, events[] empty. */
static void subscribe(struct __test_metadata *_metadata,
		      FIXTURE_DATA(netlink) *self)
{
	self->nl.sock2 = events_open(self->nl.family, self->nl.events_group);
	ASSERT_LE(0, self->nl.sock2) TH_LOG("subscribe: %s", strerror(-self->nl.sock2));
	nevents = 0;
}

/* A brk_child whose events from now on are watched (subscribe()). */
static struct kid *watched_brk_child(struct __test_metadata *_metadata,
				     FIXTURE_DATA(netlink) *self)
{
	struct kid *k;

	ASSERT_NE(0, self->nl.events_group) TH_LOG("no \"%s\" group", BRKSCOPE_MCGRP_EVENTS);
	k = start_brk_child(_metadata, &self->nl.kids[0]);
	subscribe(_metadata, self);
	return k;
}

NL_TEST(events_follow_brk_child_operations_in_order)
{
	unsigned long o1, n1, o2, n2, o3, n3, cur, unused;
	struct expected_event want[4];
	uint64_t t0, t1;
	struct kid *k;
	char line[KID_LINE_MAX];

	REQUIRE_FAMILY();
	k = watched_brk_child(_metadata, self);

	t0 = boottime_ns();
	ASSERT_EQ(0, child_sbrk(_metadata, k, 3 * page_size, &o1, &n1));
	ASSERT_EQ(0, child_sbrk(_metadata, k, -(long)page_size, &o2, &n2));
	ASSERT_EQ(0, child_sbrk(_metadata, k, page_size, &o3, &n3));
	kid_send(_metadata, k, "rlimit_data 0");
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_STREQ("ok", line);
	ASSERT_EQ(ENOMEM, child_sbrk(_metadata, k, 4096, &unused, &cur));
	t1 = boottime_ns();
	ASSERT_EQ(n3, cur);
	ASSERT_EQ(o1 + 3 * page_size, n1);
	ASSERT_EQ(n1, o2);
	ASSERT_EQ(n2, o3);

	want[0] = (struct expected_event){ BRKSCOPE_EVENT_TYPE_GROW, BRKSCOPE_EVENT_SOURCE_BRK,
		o1, n1, page_align(n1) - page_align(o1) };
	want[1] = (struct expected_event){ BRKSCOPE_EVENT_TYPE_SHRINK, BRKSCOPE_EVENT_SOURCE_BRK,
		o2, n2, page_align(o2) - page_align(n2) };
	want[2] = (struct expected_event){ BRKSCOPE_EVENT_TYPE_GROW, BRKSCOPE_EVENT_SOURCE_BRK,
		o3, n3, page_align(n3) - page_align(o3) };
	want[3] = (struct expected_event){ BRKSCOPE_EVENT_TYPE_GROW_FAILED, BRKSCOPE_EVENT_SOURCE_BRK,
		cur, cur + 4096, page_align(cur + 4096) - page_align(cur) };
	collect_events_until(_metadata, self->nl.sock2, k->pid, &want[3]);
	check_events(_metadata, k->pid, "brk_child", want, 4, t0, t1);
}

/* The top of a 64-bit process's address space: TASK_SIZE_MAX on x86-64. */
static unsigned long user_space_top(void)
{
	bool la57 = read_file("/proc/cpuinfo", text, sizeof(text)) > 0 &&
		    strstr(text, " la57");

	return la57 ? (1UL << 56) - page_size : (1UL << 47) - page_size;
}

/*
 * brk(~0UL) fails; its event says what was asked (new_brk ~0UL) and, in
 * len, the bytes up to the top of the address space: PAGE_ALIGN(~0UL)
 * would wrap around to 0.
 */
NL_TEST(failed_growth_to_end_of_address_space_reports_len_up_to_its_top)
{
	struct expected_event want;
	char line[KID_LINE_MAX];
	unsigned long old, ret;
	uint64_t t0, t1;
	struct kid *k;

	REQUIRE_FAMILY();
	k = watched_brk_child(_metadata, self);

	t0 = boottime_ns();
	kid_send(_metadata, k, "brk %lx", ~0UL);
	kid_line(_metadata, k, line, sizeof(line));
	t1 = boottime_ns();
	ASSERT_EQ(2, sscanf(line, "ok %lx %lx", &old, &ret)) TH_LOG("'%s'", line);
	ASSERT_EQ(old, ret);

	want = (struct expected_event){ BRKSCOPE_EVENT_TYPE_GROW_FAILED, BRKSCOPE_EVENT_SOURCE_BRK,
		old, ~0UL, user_space_top() - page_align(old) };
	collect_events_until(_metadata, self->nl.sock2, k->pid, &want);
	check_events(_metadata, k->pid, "brk_child", &want, 1, t0, t1);
}

NL_TEST(events_report_elf_loader_bss_maps_on_exec)
{
	struct expected_event want[8];
	char path[PATH_MAX + 32], line[KID_LINE_MAX];
	char *env[] = { ELF_REPORT_ENV "=1", NULL };
	unsigned long start, end, old = 0, cur = 0;
	int nwant = 0, nbss, status, pid;
	uint64_t t0, t1;
	struct kid *k;

	REQUIRE_FAMILY();
	ASSERT_NE(0, self->nl.events_group);
	snprintf(path, sizeof(path), "%s/events_test", exe_dir);
	subscribe(_metadata, self);

	/* spawn() without its exec: this one needs an environment. */
	k = &self->nl.kids[0];
	{
		int out[2];

		ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
		t0 = boottime_ns();
		k->pid = fork();
		ASSERT_LE(0, k->pid);
		if (!k->pid) {
			char *argv[] = { path, NULL };

			if (dup2(out[1], STDOUT_FILENO) < 0)
				_exit(126);
			execve(path, argv, env);
			_exit(127);
		}
		close(out[1]);
		k->from = out[0];
	}
	for (;;) {
		kid_line(_metadata, k, line, sizeof(line));
		if (!strcmp(line, "end"))
			break;
		if (sscanf(line, "bss %lx %lx", &start, &end) == 2) {
			ASSERT_LT(nwant, 7);
			want[nwant++] = (struct expected_event){
				BRKSCOPE_EVENT_TYPE_GROW, BRKSCOPE_EVENT_SOURCE_ELF_LOADER,
				start, end, end - start };
			TH_LOG("loader must have mapped bss %#lx-%#lx", start, end);
			continue;
		}
		ASSERT_EQ(2, sscanf(line, "sbrk %lx %lx", &old, &cur))
			TH_LOG("'%s'", line);
	}
	pid = k->pid;
	status = reap(&self->nl.others, self->nl.kids, pid);
	t1 = boottime_ns();
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	nbss = nwant;
	ASSERT_EQ(old + page_size, cur);
	want[nwant++] = (struct expected_event){ BRKSCOPE_EVENT_TYPE_GROW,
		BRKSCOPE_EVENT_SOURCE_BRK, old, cur, page_align(cur) - page_align(old) };

	collect_events_until(_metadata, self->nl.sock2, pid, &want[nwant - 1]);
	TH_LOG("%d bss maps expected (heap_spy and brk_child have none: their bss ends in the data page)",
	       nbss);
	EXPECT_LT(0, nbss);
	check_events(_metadata, pid, COMM_SELF, want, nwant, t0, t1);
}

/* ---- tests: brk(2)'s return, probed only while somebody listens ---- */

/* A break this process cannot have: 64 TiB up, past the address space. */
#define BRK_UNREACHABLE	(1UL << 46)

/* brk(2) itself: glibc's sbrk(0) answers from its cache. */
static unsigned long sys_brk(unsigned long addr)
{
	return (unsigned long)syscall(SYS_brk, addr);
}

/*
 * Whether brk(2)'s return is probed: 1 yes, 0 no, -1 cannot tell.  This
 * process asks for a break it cannot have.  With the probe there, the
 * failed growth is counted as the call returns; without it, only at the
 * process's next call (Documentation/design.rst, "Settling").  brk(0)
 * before settles any call left open, brk(0) after settles this one.
 */
static int return_probe_armed(int fd, uint16_t family)
{
	struct proc_info before, after;
	struct nl_ack ack;
	unsigned long cur = sys_brk(0);
	int counted;

	if (get_pid(fd, family, getpid(), &before, &ack) || ack.err)
		return -1;
	if (sys_brk(cur + BRK_UNREACHABLE) != cur)
		return -1;
	if (get_pid(fd, family, getpid(), &after, &ack) || ack.err)
		return -1;
	sys_brk(0);
	counted = after.val[BRKSCOPE_A_FAILED_GROWS] - before.val[BRKSCOPE_A_FAILED_GROWS];
	return counted == 1 ? 1 : counted == 0 ? 0 : -1;
}

/* Poll until the return's probe is in state want, up to ms; the last state. */
static int wait_armed(int fd, uint16_t family, int want, int ms)
{
	int state = return_probe_armed(fd, family);

	for (; state != want && ms > 0; ms -= 50) {
		usleep(50 * 1000);
		state = return_probe_armed(fd, family);
	}
	return state;
}

/*
 * From 6.6 the join registers it before the socket can get an event; before,
 * BRKSCOPE_CMD_ARM does (the client sends it on any kernel).  The module
 * removes it within two seconds of the last subscriber leaving.
 */
NL_TEST(brk_return_is_probed_only_while_somebody_subscribes)
{
	REQUIRE_FAMILY();
	ASSERT_NE(0, self->nl.events_group);
	/* The previous test's subscriber may have left less than two seconds ago. */
	ASSERT_EQ(0, wait_armed(self->nl.sock, self->nl.family, 0, 5000)) TH_LOG("armed with nobody subscribed");
	self->nl.sock2 = nl_open();
	ASSERT_LE(0, self->nl.sock2);
	ASSERT_EQ(0, nl_join(self->nl.sock2, self->nl.events_group));
	ASSERT_EQ(kernel_at_least(6, 6), return_probe_armed(self->nl.sock, self->nl.family))
		TH_LOG("from 6.6 the join arms it, before it does not");
	ASSERT_EQ(0, events_arm(self->nl.sock, self->nl.family));
	ASSERT_EQ(1, return_probe_armed(self->nl.sock, self->nl.family)) TH_LOG("not armed by BRKSCOPE_CMD_ARM's ack");
	close_fd(&self->nl.sock2);
	EXPECT_EQ(0, wait_armed(self->nl.sock, self->nl.family, 0, 5000)) TH_LOG("still armed 5 s after the last subscriber left");
}

/*
 * The probe on brk(2)'s return makes every system call pay: arming it
 * needs what subscribing needs, CAP_SYS_ADMIN, of the caller and of the
 * socket's opener.  uid 65534 gets EPERM with a message, on a socket of its own and
 * on one root opened and handed down, and nothing is armed.
 */
NL_TEST(arming_without_cap_sys_admin_fails_eperm_and_arms_nothing)
{
	int root_fd, pid, status;

	REQUIRE_FAMILY();
	ASSERT_EQ(0, wait_armed(self->nl.sock, self->nl.family, 0, 5000)) TH_LOG("armed with nobody subscribed");
	root_fd = nl_open();
	ASSERT_LE(0, root_fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = nobody_nl_open();
		struct nl_ack ack;
		struct nlmsghdr *nlh;

		nlh = genl_msg(reqbuf, sizeof(reqbuf), self->nl.family, BRKSCOPE_CMD_ARM,
			       BRKSCOPE_FAMILY_VERSION, NLM_F_REQUEST | NLM_F_ACK);
		if (nl_transact(fd, nlh, nlh->nlmsg_len, NULL, NULL, &ack))
			_exit(102);
		if (ack.err != EPERM || !ack.has_msg || !strstr(ack.msg, "CAP_SYS_ADMIN"))
			_exit(103);
		if (events_arm(root_fd, self->nl.family) != -EPERM)
			_exit(104);
		_exit(0);
	}
	close(root_fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("uid 65534: status %#x (100 setuid, 101 socket, 102 send, 103 own socket not EPERM with a message, 104 root's socket not EPERM)",
		       status);
	EXPECT_EQ(0, return_probe_armed(self->nl.sock, self->nl.family)) TH_LOG("armed by uid 65534");
}

/*
 * Any socket of the family may drop a membership it never had, and the
 * module hears of it as a leave.  An unprivileged user doing that must not
 * disarm the return's probe under a subscriber: its events keep coming.
 */
NL_TEST(a_leave_from_a_socket_that_never_joined_loses_no_event)
{
	unsigned long old, cur;
	struct expected_event want;
	uint64_t t0, t1;
	int i, pid, status;
	struct kid *k;

	REQUIRE_FAMILY();
	k = watched_brk_child(_metadata, self);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t group = self->nl.events_group;
		int fd = nobody_nl_open();

		for (i = 0; i < 100; i++)
			if (setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group,
				       sizeof(group)))
				_exit(102);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("uid 65534's socket: status %#x (100 setuid, 101 socket, 102 drop)", status);
	/* The module looks once a second. */
	usleep(2500 * 1000);
	EXPECT_EQ(1, return_probe_armed(self->nl.sock, self->nl.family)) TH_LOG("disarmed under a subscriber");

	t0 = boottime_ns();
	ASSERT_EQ(0, child_sbrk(_metadata, k, page_size, &old, &cur));
	t1 = boottime_ns();
	want = (struct expected_event){ BRKSCOPE_EVENT_TYPE_GROW, BRKSCOPE_EVENT_SOURCE_BRK,
		old, cur, page_align(cur) - page_align(old) };
	collect_events_until(_metadata, self->nl.sock2, k->pid, &want);
	check_events(_metadata, k->pid, "brk_child", &want, 1, t0, t1);
}

/*
 * An unprivileged user may own a network namespace (in its own user
 * namespace) and join the events group there: the kernel lets it, and
 * tells the module, but events only go to the initial namespace.  Such a
 * join must not register the return's probe.
 */
NL_TEST(a_join_from_a_user_owned_network_namespace_arms_nothing)
{
	int sync[2], done[2], pid, status;
	char c = 0;

	REQUIRE_FAMILY();
	ASSERT_NE(0, self->nl.events_group);
	ASSERT_EQ(0, wait_armed(self->nl.sock, self->nl.family, 0, 5000)) TH_LOG("armed with nobody subscribed");
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t group = self->nl.events_group;
		int fd;

		close(sync[0]);
		close(done[1]);
		if (setgid(65534) || setuid(65534))
			_exit(100);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(101);
		fd = nl_open();
		if (fd < 0)
			_exit(102);
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)))
			_exit(103);
		if (write(sync[1], "j", 1) != 1)
			_exit(104);
		/* Stay joined until the parent has looked. */
		if (read(done[0], &c, 1) < 0)
			_exit(105);
		_exit(0);
	}
	close(sync[1]);
	close(done[0]);
	if (read(sync[0], &c, 1) == 1)
		EXPECT_EQ(0, return_probe_armed(self->nl.sock, self->nl.family)) TH_LOG("armed by uid 65534's join");
	close(done[1]);
	close(sync[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 101)
		SKIP(return, "uid 65534 cannot unshare a user and network namespace here");
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("uid 65534: status %#x (100 setuid, 101 unshare, 102 socket, 103 join)",
		       status);
	EXPECT_EQ('j', c);
}

TEST_HARNESS_MAIN
