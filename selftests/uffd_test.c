// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope selftest: an unprivileged user cannot blind brkscope by parking
 * threads inside brk(2).
 *
 * A probe that keeps something per call for the whole of brk(2) (a
 * kretprobe's return instance, of which there were maxactive, 256, when
 * brkscope used one) runs out when enough calls sleep inside brk(2) at once,
 * and every other process's brk(2) then goes unseen.  brkscope keeps
 * nothing per call in flight; this test keeps it so.  Anybody can make brk(2) sleep for as long as they like:
 * register the heap with a userfaultfd that asked for UNMAP events
 * (UFFD_FEATURE_EVENT_UNMAP), and lower the break.  The shrink unmaps
 * registered pages, drops mmap_lock and waits in
 * userfaultfd_unmap_complete() until somebody reads the UNMAP event from the
 * userfaultfd, which the attacker never does.  The wait is killable and ends
 * when the userfaultfd is closed.  With UFFD_USER_MODE_ONLY this needs no
 * privilege at the default vm.unprivileged_userfaultfd=0 (Linux 5.11 on).
 *
 * The attacker here is a forked child of the test that drops to uid and
 * gid 65534 first.  It grows its heap by N pages with brk(2), registers
 * them, and starts N threads one at a time: thread i lowers the break by one
 * more page (brk(hi - (i + 1) pages)), so each one unmaps a page no other
 * thread unmaps.  The next thread starts only once that page is gone
 * (mincore() says ENOMEM): thread i has then set mm->brk and is past the
 * unmap, committed to the wait, and thread i + 1's lower break really is a
 * shrink.  N is 300, past the 256 instances of old.  The test then
 * counts the attacker's threads whose /proc/PID/task/TID/syscall starts
 * with "12 " (brk); wchan tells those waiting on the userfaultfd.
 *
 * While they are parked, brk_child (root) grows its heap in steps of whole
 * pages and then shrinks it: brk_syscall_missed must not grow, and
 * brk_child's record must show every growth, the shrink and the peak it
 * reached.  (Growth is counted in do_brk_flags(), probed apart, which the
 * parked threads do not hold; a shrink, a failed growth and the peak left
 * behind by a shrink show only where brk(2) returns.)  Then the attacker
 * closes the userfaultfd, every thread's brk(2) returns what it asked for,
 * and the attacker is reaped: nothing is left behind.  A userfaultfd that
 * uid 65534 may not have, or one without UNMAP events, skips the test,
 * saying why.
 *
 * Nothing here moves the test process's own break while brk_child grows:
 * on a module that misses, any brk(2) in the guest would be counted.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "lib/files.h"
#include "lib/genl.h"
#include "lib/kids.h"
#include "lib/module.h"
#include "lib/nltest.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1	/* Linux 5.11 */
#endif

#define STATS_PATH	"/sys/kernel/debug/" MODULE_NAME "/stats"
#define UNPRIV_UFFD	"/proc/sys/vm/unprivileged_userfaultfd"

/* Threads parked: 44 more than a kretprobe's 256 instances of old. */
#define PARK_MAX		300
/* The attacker says how far it got every this many threads. */
#define PARK_PROGRESS		64
/* A thread has this long to unmap its page once started. */
#define PARK_THREAD_MS		10000
/* Small stacks: thousands of threads, and nothing deep runs on them. */
#define PARKER_STACK		(64 << 10)
/* How long all parked threads have to be seen asleep in brk(2). */
#define SETTLE_MS		20000
/* How long the attacker has to exit once told to release its threads. */
#define REAP_MS			30000
/* brk_child's growth while the threads are parked: 1, 2, ... pages. */
#define GROW_STEPS		8
/* ... and then its shrink. */
#define SHRINK_PAGES		3

#define SYSCALL_BRK_PREFIX	"12 "	/* x86-64's __NR_brk, then its args */

/*
 * Under TCG the test takes 0.5 s; every wait in it is bounded.
 */
#define UFFD_TEST(name)		TEST_F_TIMEOUT(uffd, name, 120)

FIXTURE(uffd) {
	struct nl_fixture nl;	/* kids[0]: brk_child, kids[1]: the attacker */
};

FIXTURE_SETUP(uffd)
{
	nl_fixture_setup(&self->nl);
}

FIXTURE_TEARDOWN(uffd)
{
	/* SIGKILL ends a thread's wait in brk(2) as closing the uffd does. */
	nl_fixture_teardown(&self->nl);
}

/* ---- the attacker (a forked child: no asserts) ---- */

struct parker {
	pthread_t thread;
	unsigned long target;	/* the break it asks for */
	unsigned long ret;	/* what brk(2) returned */
	int returned;		/* brk(2) has returned (atomic) */
};

static struct parker parkers[PARK_MAX];

static void *park(void *arg)
{
	struct parker *p = arg;

	p->ret = syscall(SYS_brk, p->target);
	__atomic_store_n(&p->returned, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* One line on stdout, the report pipe; _exit(1) if nobody reads it. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char buf[KID_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	write_all(STDOUT_FILENO, buf, n);
}

/*
 * Wait until thread i's page is unmapped.  Returns 0, or an errno with
 * *what saying what went wrong.
 */
static int wait_unmapped(struct parker *p, const char **what)
{
	uint64_t end = boottime_ns() + PARK_THREAD_MS * 1000000ULL;
	unsigned char vec;

	for (;;) {
		if (mincore((void *)p->target, page_size, &vec) && errno == ENOMEM)
			return 0;
		if (__atomic_load_n(&p->returned, __ATOMIC_ACQUIRE)) {
			*what = "brk returned at once";
			return EAGAIN;
		}
		if (boottime_ns() > end) {
			*what = "its page is still mapped";
			return ETIMEDOUT;
		}
		usleep(200);
	}
}

/*
 * As uid 65534: park n threads in brk(2), say "parked N LO HI", wait for
 * "release" (or EOF), close the userfaultfd and join them all, say
 * "released N BAD BRK" (BAD: threads whose brk(2) did not return what they
 * asked for) and exit 0.  Meanwhile "brk0" makes a brk(0) call of the main
 * thread's and says "brk0 BRK".  "skip REASON" when the userfaultfd cannot be had,
 * "err WHAT ERRNO" on anything else; then it exits, and exit_group() kills
 * whatever it parked.  "progress I" every PARK_PROGRESS threads.
 */
static void attacker(int n, pid_t parent)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_EVENT_UNMAP };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	unsigned long cur, lo, hi;
	const char *what = "";
	pthread_attr_t attr;
	char line[64];
	int uffd, i, err, bad = 0;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		say("err drop-to-nobody %d", errno);
		_exit(1);
	}
	/* Changing credentials cleared it: set it now, as nobody. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	/*
	 * Only the raw brk(2) calls below may move the break: malloc (the
	 * threads' TLS) maps, and never trims the heap (which would sbrk()
	 * from glibc's stale idea of the break).
	 */
	mallopt(M_MMAP_THRESHOLD, 0);
	mallopt(M_TRIM_THRESHOLD, INT_MAX);

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (uffd < 0) {
		say("skip userfaultfd(UFFD_USER_MODE_ONLY) as uid %d: %s",
		    NOBODY, strerror(errno));
		_exit(0);
	}
	if (ioctl(uffd, UFFDIO_API, &api)) {
		say("skip UFFDIO_API with UFFD_FEATURE_EVENT_UNMAP as uid %d: %s",
		    NOBODY, strerror(errno));
		_exit(0);
	}
	if (!(api.features & UFFD_FEATURE_EVENT_UNMAP)) {
		say("skip userfaultfd has no UFFD_FEATURE_EVENT_UNMAP");
		_exit(0);
	}

	cur = syscall(SYS_brk, 0);
	lo = page_align(cur);
	hi = lo + n * page_size;
	if ((unsigned long)syscall(SYS_brk, hi) != hi) {
		say("err brk-grow %d", ENOMEM);
		_exit(1);
	}
	reg.range.start = lo;
	reg.range.len = hi - lo;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		say("err UFFDIO_REGISTER %d", errno);
		_exit(1);
	}

	if (pthread_attr_init(&attr) ||
	    pthread_attr_setstacksize(&attr, PARKER_STACK)) {
		say("err pthread_attr %d", EINVAL);
		_exit(1);
	}
	for (i = 0; i < n; i++) {
		parkers[i].target = hi - (i + 1) * page_size;
		err = pthread_create(&parkers[i].thread, &attr, park, &parkers[i]);
		if (err) {
			say("err pthread_create(thread-%d) %d", i, err);
			_exit(1);
		}
		err = wait_unmapped(&parkers[i], &what);
		if (err) {
			say("err thread-%d:%s %d", i, what, err);
			_exit(1);
		}
		if ((i + 1) % PARK_PROGRESS == 0)
			say("progress %d", i + 1);
	}
	say("parked %d %#lx %#lx", n, lo, hi);

	/* "release" or EOF: either way, let them go. */
	for (;;) {
		ssize_t len = read(STDIN_FILENO, line, sizeof(line));

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 4 || strncmp(line, "brk0", 4))
			break;
		say("brk0 %#lx", (unsigned long)syscall(SYS_brk, 0));
	}
	close(uffd);
	for (i = 0; i < n; i++) {
		pthread_join(parkers[i].thread, NULL);
		bad += parkers[i].ret != parkers[i].target;
	}
	say("released %d %d %#lx", n, bad, (unsigned long)syscall(SYS_brk, 0));
	_exit(0);
}

/* Fork the attacker as k, its stdin and stdout pipes to us. */
static void start_attacker(struct __test_metadata *_metadata,
			   struct nl_fixture *nl, struct kid *k, int n)
{
	pid_t parent = getpid();
	int in[2], out[2];

	ASSERT_EQ(0, pipe2(in, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	k->pid = fork();
	ASSERT_LE(0, k->pid) TH_LOG("fork: %s", strerror(errno));
	if (!k->pid) {
		if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
			_exit(1);
		/* Not brk_child's pipes, not the netlink socket. */
		close_range(STDERR_FILENO + 1, ~0U, 0);
		attacker(n, parent);
	}
	close(in[0]);
	close(out[1]);
	k->to = in[1];
	k->from = out[0];
	add_other(_metadata, &nl->others, k->pid);
}

/* ---- the test process ---- */

struct park_count {
	int threads;		/* in /proc/PID/task */
	int in_brk;		/* whose syscall file starts with "12 " */
	int in_uffd;		/* of those, waiting in userfaultfd code (wchan) */
	char wchan[64];		/* the wchan of the last one in brk(2) */
};

/* Count pid's threads inside brk(2).  Returns 0 or -errno. */
static int count_parked(int pid, struct park_count *c)
{
	static char dents[64 << 10];
	char path[96], buf[256];
	struct dirent64 *d;
	ssize_t n, off;
	int fd, tid;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = getdents64(fd, dents, sizeof(dents))) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct dirent64 *)(dents + off);
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			tid = atoi(d->d_name);
			c->threads++;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall",
				 pid, tid);
			if (read_file(path, buf, sizeof(buf)) < 0 ||
			    strncmp(buf, SYSCALL_BRK_PREFIX, strlen(SYSCALL_BRK_PREFIX)))
				continue;
			c->in_brk++;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/wchan",
				 pid, tid);
			if (read_file(path, buf, sizeof(buf)) < 0)
				continue;
			snprintf(c->wchan, sizeof(c->wchan), "%.63s", buf);
			c->in_uffd += !!strstr(buf, "userfaultfd");
		}
	}
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* Wait (bounded) until want threads of pid sleep in brk(2); the count. */
static void settle(struct __test_metadata *_metadata, int pid, int want,
		   struct park_count *c)
{
	uint64_t end = boottime_ns() + SETTLE_MS * 1000000ULL;
	int err;

	for (;;) {
		err = count_parked(pid, c);
		ASSERT_EQ(0, err) TH_LOG("/proc/%d/task: %s", pid, strerror(-err));
		if (c->in_brk >= want || boottime_ns() > end)
			return;
		usleep(10000);
	}
}

/* A stats counter that must be there. */
static unsigned long missed(struct __test_metadata *_metadata)
{
	unsigned long val = 0;
	int err = read_stat("brk_syscall_missed", &val);

	ASSERT_EQ(0, err) TH_LOG("%s: brk_syscall_missed: %s", STATS_PATH,
				 strerror(-err));
	return val;
}

/*
 * Wait for k to exit, at most REAP_MS, and forget it.  Returns its wait
 * status, or -1 if it had to be killed.
 */
static int reap_within(struct nl_fixture *nl, struct kid *k)
{
	uint64_t end = boottime_ns() + REAP_MS * 1000000ULL;
	int status, i;
	pid_t got;

	while ((got = waitpid(k->pid, &status, WNOHANG)) == 0 &&
	       boottime_ns() < end)
		usleep(10000);
	if (got != k->pid) {
		kill(k->pid, SIGKILL);
		reap(&nl->others, nl->kids, k->pid);
		status = -1;
	}
	for (i = 0; i < nl->others.n; i++)
		if (nl->others.pid[i] == k->pid)
			nl->others.pid[i] = 0;
	k->pid = 0;
	close_fd(&k->to);
	close_fd(&k->from);
	return status;
}

/*
 * Read events from fd, keeping pid's in ev[] (*n so far, max in all), until
 * there are want of them or timeout_ms pass.
 */
static void collect(struct __test_metadata *_metadata, int fd, int pid,
		    struct brk_event *ev, int max, int *n, int want, int timeout_ms)
{
	static char buf[64 << 10];
	uint64_t end = boottime_ns() + timeout_ms * 1000000ULL;
	const struct nlmsghdr *nlh;
	int len;

	while (*n < want && boottime_ns() < end) {
		len = nl_recv(fd, buf, sizeof(buf), 100);
		if (len == -ETIMEDOUT)
			continue;
		ASSERT_LE(0, len) TH_LOG("events socket: %s", strerror(-len));
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			struct brk_event e;

			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			parse_event(nlh, &e);
			if (e.pid != (uint32_t)pid)
				continue;
			ASSERT_GT(max, *n) TH_LOG("more events of pid %d than expected", pid);
			ev[(*n)++] = e;
		}
	}
}

/*
 * While somebody subscribes, a call is settled, and its event sent, as it
 * returns, or by the process's next call if that comes first.  A thread
 * parked in a shrink (the break already lowered, the thread waiting in
 * userfaultfd_unmap_complete()) has not returned: no event for it yet.
 * Another thread's brk(0) then finds the break where the parked call asked
 * and counts it: its shrink event comes then, and the counters show it.
 * The parked call's return, once released, sends nothing more: the
 * growth and the shrink, once each.
 */
UFFD_TEST(a_call_settled_by_another_threads_call_sends_one_event)
{
	struct kid *att = &self->nl.kids[1];
	char line[KID_LINE_MAX], word[16];
	struct brk_event ev[4];
	struct park_count parked;
	struct proc_info rec;
	unsigned long lo, hi, cur, released_brk;
	int n = 0, got, bad, status;

	REQUIRE_FAMILY();
	ASSERT_NE(0, self->nl.events_group);
	self->nl.sock2 = events_open(self->nl.family, self->nl.events_group);
	ASSERT_LE(0, self->nl.sock2) TH_LOG("subscribe: %s", strerror(-self->nl.sock2));
	start_attacker(_metadata, &self->nl, att, 1);
	kid_line(_metadata, att, line, sizeof(line));
	if (!strncmp(line, "skip ", 5))
		SKIP(return, "%s", line + 5);
	ASSERT_EQ(4, sscanf(line, "%15s %d %lx %lx", word, &got, &lo, &hi))
		TH_LOG("attacker: '%s'", line);
	ASSERT_STREQ("parked", word) TH_LOG("attacker: '%s'", line);
	settle(_metadata, att->pid, 1, &parked);
	ASSERT_EQ(1, parked.in_brk) TH_LOG("threads in brk(2)");

	/* The growth before the thread parked; nothing for the parked shrink. */
	collect(_metadata, self->nl.sock2, att->pid, ev, ARRAY_SIZE(ev), &n, 2, 500);
	ASSERT_EQ(1, n) TH_LOG("events before the parked call is settled");
	EXPECT_EQ(BRKSCOPE_EVENT_TYPE_GROW, ev[0].type);
	EXPECT_EQ(hi, ev[0].new_brk);
	EXPECT_EQ(lo, page_align(ev[0].old_brk));
	EXPECT_EQ(hi - lo, ev[0].len);

	kid_send(_metadata, att, "brk0");
	kid_line(_metadata, att, line, sizeof(line));
	ASSERT_EQ(1, sscanf(line, "brk0 %lx", &cur)) TH_LOG("attacker: '%s'", line);
	ASSERT_EQ(hi - page_size, cur);
	get_ok(_metadata, &self->nl, att->pid, &rec);
	EXPECT_EQ(1, rec.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(hi - lo, rec.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_EQ(1, rec.val[BRKSCOPE_A_SHRINKS]);
	EXPECT_EQ(page_size, rec.val[BRKSCOPE_A_SHRUNK_BYTES]);
	EXPECT_EQ(hi, rec.val[BRKSCOPE_A_PEAK_BRK]);
	collect(_metadata, self->nl.sock2, att->pid, ev, ARRAY_SIZE(ev), &n, 2,
		REPLY_TIMEOUT_MS);
	ASSERT_EQ(2, n) TH_LOG("the shrink's event, sent by the other thread's call");
	EXPECT_EQ(BRKSCOPE_EVENT_TYPE_SHRINK, ev[1].type);
	EXPECT_EQ(hi, ev[1].old_brk);
	EXPECT_EQ(hi - page_size, ev[1].new_brk);
	EXPECT_EQ(page_size, ev[1].len);
	EXPECT_LT(ev[0].seq, ev[1].seq);

	kid_send(_metadata, att, "release");
	kid_line(_metadata, att, line, sizeof(line));
	ASSERT_EQ(4, sscanf(line, "%15s %d %d %lx", word, &got, &bad, &released_brk))
		TH_LOG("attacker: '%s'", line);
	EXPECT_EQ(0, bad) TH_LOG("the parked call returned other than it asked");
	status = reap_within(&self->nl, att);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	collect(_metadata, self->nl.sock2, att->pid, ev, ARRAY_SIZE(ev), &n, 3, 500);
	EXPECT_EQ(2, n) TH_LOG("events after the parked call returned");
}

UFFD_TEST(threads_parked_in_brk_do_not_blind_others)
{
	struct kid *child, *att = &self->nl.kids[1];
	unsigned long miss0, miss1, miss2, lo, hi, old, top = 0, cur, grown = 0;
	unsigned long shrunk;
	unsigned long released_brk;
	struct park_count parked, still;
	struct proc_info before, after;
	char line[KID_LINE_MAX], word[16], sysctl[64];
	long unpriv;
	int n, got, bad, status, i, apid;
	uint64_t t0, t_parked;

	REQUIRE_FAMILY();
	if (access(STATS_PATH, R_OK))
		SKIP(return, STATS_PATH " missing: module not loaded");
	n = PARK_MAX;
	unpriv = read_number(UNPRIV_UFFD);
	if (unpriv < 0)
		snprintf(sysctl, sizeof(sysctl), "vm.unprivileged_userfaultfd: %s",
			 strerror(-unpriv));
	else
		snprintf(sysctl, sizeof(sysctl), "vm.unprivileged_userfaultfd=%ld",
			 unpriv);

	/* Exec'ing it calls brk(2): before the threads park, not after. */
	child = start_brk_child(_metadata, &self->nl.kids[0]);
	get_ok(_metadata, &self->nl, child->pid, &before);
	miss0 = missed(_metadata);

	t0 = boottime_ns();
	start_attacker(_metadata, &self->nl, att, n);
	for (;;) {
		kid_line(_metadata, att, line, sizeof(line));
		if (strncmp(line, "progress ", 9))
			break;
	}
	if (!strncmp(line, "skip ", 5))
		SKIP(return, "%s (%s)", line + 5, sysctl);
	ASSERT_EQ(4, sscanf(line, "%15s %d %lx %lx", word, &got, &lo, &hi))
		TH_LOG("attacker: '%s'", line);
	ASSERT_STREQ("parked", word) TH_LOG("attacker: '%s'", line);
	ASSERT_EQ(n, got);
	t_parked = boottime_ns();

	settle(_metadata, att->pid, n, &parked);
	TH_LOG("uid %d (pid %d): %d threads parked in brk(2) in %.1f s: "
	       "%d of its %d threads in brk(2), %d of them in userfaultfd code (wchan %s), "
	       "%s",
	       NOBODY, att->pid, n, (t_parked - t0) / 1e9,
	       parked.in_brk, parked.threads, parked.in_uffd, parked.wchan, sysctl);
	ASSERT_EQ(n, parked.in_brk) TH_LOG("threads in brk(2)");
	miss1 = missed(_metadata);

	/*
	 * Meanwhile, root's brk_child grows by 1, 2, ... GROW_STEPS pages,
	 * then shrinks by SHRINK_PAGES: a shrink shows only at brk(2)'s
	 * return, as does the peak it leaves behind.
	 */
	for (i = 1; i <= GROW_STEPS; i++) {
		top = child_move(_metadata, child, i * page_size, &old);
		grown += page_align(top) - page_align(old);
	}
	cur = child_move(_metadata, child, -SHRINK_PAGES * (long)page_size, &old);
	shrunk = page_align(old) - page_align(cur);
	miss2 = missed(_metadata);
	get_ok(_metadata, &self->nl, child->pid, &after);
	ASSERT_EQ(0, count_parked(att->pid, &still));

	/* Let them go; every thread must come back, and the attacker exit. */
	kid_send(_metadata, att, "release");
	kid_line(_metadata, att, line, sizeof(line));
	ASSERT_EQ(4, sscanf(line, "%15s %d %d %lx", word, &got, &bad, &released_brk))
		TH_LOG("attacker: '%s'", line);
	ASSERT_STREQ("released", word) TH_LOG("attacker: '%s'", line);
	apid = att->pid;
	status = reap_within(&self->nl, att);

	TH_LOG("brk_syscall_missed: %lu before, %lu with %d threads parked (+%lu), "
	       "%lu after brk_child's %d brk(2) calls (+%lu)",
	       miss0, miss1, n, miss1 - miss0, miss2, GROW_STEPS + 1, miss2 - miss1);
	TH_LOG("brk_child (pid %d): grows %" PRIu64 " -> %" PRIu64 " (expected +%d), "
	       "grown_bytes %" PRIu64 " -> %" PRIu64 " (expected +%lu)",
	       child->pid, before.val[BRKSCOPE_A_GROWS], after.val[BRKSCOPE_A_GROWS],
	       GROW_STEPS, before.val[BRKSCOPE_A_GROWN_BYTES],
	       after.val[BRKSCOPE_A_GROWN_BYTES], grown);
	TH_LOG("brk_child (pid %d): shrinks %" PRIu64 " -> %" PRIu64 " (expected +1), "
	       "shrunk_bytes %" PRIu64 " -> %" PRIu64 " (expected +%lu), "
	       "peak_brk %#" PRIx64 " (expected %#lx), brk %#" PRIx64 " (is %#lx)",
	       child->pid, before.val[BRKSCOPE_A_SHRINKS], after.val[BRKSCOPE_A_SHRINKS],
	       before.val[BRKSCOPE_A_SHRUNK_BYTES], after.val[BRKSCOPE_A_SHRUNK_BYTES],
	       shrunk, after.val[BRKSCOPE_A_PEAK_BRK], top, after.val[BRKSCOPE_A_BRK], cur);
	TH_LOG("during the growth %d threads were still in brk(2); released: %d "
	       "threads, %d returned other than asked, break back at %#lx (%#lx), "
	       "attacker's exit status %#x",
	       still.in_brk, got, bad, released_brk, lo, status);

	EXPECT_EQ(n, still.in_brk) TH_LOG("threads still parked during the growth");
	EXPECT_EQ(miss0, miss1) TH_LOG("brk(2) calls missed while parking");
	EXPECT_EQ(miss1, miss2) TH_LOG("brk_child's brk(2) calls missed");
	EXPECT_EQ(before.val[BRKSCOPE_A_GROWS] + GROW_STEPS, after.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(before.val[BRKSCOPE_A_GROWN_BYTES] + grown,
		  after.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_EQ(before.val[BRKSCOPE_A_SHRINKS] + 1, after.val[BRKSCOPE_A_SHRINKS]);
	EXPECT_EQ(before.val[BRKSCOPE_A_SHRUNK_BYTES] + shrunk,
		  after.val[BRKSCOPE_A_SHRUNK_BYTES]);
	EXPECT_EQ(top, after.val[BRKSCOPE_A_PEAK_BRK]);
	EXPECT_EQ(cur, after.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(n, got);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(lo, released_brk);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	/* Reaped: no thread of it is left. */
	EXPECT_EQ(-ENOENT, count_parked(apid, &still));
}

TEST_HARNESS_MAIN
