// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope netlink selftests: the generic netlink family "brkscope"
 * (module/uapi/brkscope.h) checked against what processes report of
 * themselves.
 *
 * Every expected address comes from a helper's own sbrk(0) reports, from
 * this process's sbrk(0) (which forked children inherit) or from
 * /proc/PID/stat; none is a constant.  Processes whose heap is measured do
 * not call malloc-backed stdio between the measurement and the check.
 *
 * Helpers: heap_spy and brk_child, found next to this binary.  The binary
 * itself, exec'd with NETLINK_TEST_ELF_REPORT set, reports where the ELF
 * loader must have mapped its bss and exits (see elf_report_mode()).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <link.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "../module/uapi/brkscope.h"
#include "files.h"

#define MAX_RECORDS_PATH "/sys/module/brkscope/parameters/max_records"
#define ELF_REPORT_ENV	"NETLINK_TEST_ELF_REPORT"
#define COMM_SELF	"netlink_test"	/* comm of this program and its forks */

#define PID_MAX_LIMIT	4194304
#define NOBODY		65534

#define REPLY_TIMEOUT_MS 30000		/* generous: TCG guests are slow */
#define NL_RX_SIZE	(32 << 10)
#define NL_REQ_SIZE	4096
#define DUMP_BUF_SIZE	(8 << 10)	/* small, so a dump takes many rounds */
#define DUMP_MAX	40000
#define TEXT_MAX	(64 << 10)
#define CHILDREN_MAX	(512 << 10)	/* /proc/.../children with 10,000 pids */
#define LINE_MAX_LEN	256
#define OTHERS_MAX	64
#define EVENTS_MAX	4096
#define EV_RCVBUF	(8 << 20)

#define MANY_CHILDREN	10000

#include "kids.h"	/* after LINE_MAX_LEN, REPLY_TIMEOUT_MS and OTHERS_MAX */
#include "genl.h"	/* after NL_RX_SIZE and NL_REQ_SIZE */

/* Tests spawn and exec helpers; TCG can be 50x slower than native. */
#define NL_TEST(name)		TEST_F_TIMEOUT(netlink, name, 120)
#define NL_SLOW_TEST(name)	TEST_F_TIMEOUT(netlink, name, 900)

#define REQUIRE_FAMILY() do {						\
	if (geteuid())							\
		SKIP(return, "must run as root");			\
	if (!self->family)						\
		SKIP(return, "generic netlink family " BRKSCOPE_GENL_NAME \
		     " not found: module not loaded");			\
} while (0)

static double secs_since(uint64_t t0)
{
	return (boottime_ns() - t0) / 1e9;
}

static const char *errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "0";

	return name ? name : "?";
}

/* ---- files ---- */

static char text[TEXT_MAX];

/* A file holding one decimal number, or -errno. */
static long read_number(const char *path)
{
	char *end;
	long val;

	if (read_file(path, text, sizeof(text)) < 0)
		return -ENOENT;
	errno = 0;
	val = strtol(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n') || val < 0)
		return -EPROTO;
	return val;
}

/* Field 9 (flags) of /proc/PID/stat, or -errno. */
static long proc_flags(int pid)
{
	unsigned long flags;
	int err = proc_stat_field(pid, 9, &flags);

	return err ? err : (long)flags;
}

/* ---- netlink plumbing (no asserts: also used in forked children) ---- */

/* A socket subscribed to the events group.  fd or -errno. */
static int events_open(uint32_t group)
{
	int fd = nl_open(), size = EV_RCVBUF, err;

	if (fd < 0)
		return fd;
	/* Root may exceed rmem_max; others get what they get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	err = nl_join(fd, group);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* ---- dumps ---- */

struct dumped {
	uint32_t pid;
	bool tracked;
	char comm[32];
	uint64_t start_brk, brk, heap_end, peak_brk;
};

struct dump_result {
	int rounds;		/* recv() calls that returned data */
	int nrecs;
	int bad;		/* malformed messages */
	char bad_what[160];
	struct nl_ack end;	/* the NLMSG_DONE, or an NLMSG_ERROR */
	bool ended_by_error;	/* NLMSG_ERROR instead of NLMSG_DONE */
};

static struct dumped dumped[DUMP_MAX];
static char dumpbuf[DUMP_BUF_SIZE];

typedef void (*between_fn)(void *ctx, int round);

static void dump_bad(struct dump_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void dump_bad(struct dump_result *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->bad++) {
		va_start(ap, fmt);
		vsnprintf(r->bad_what, sizeof(r->bad_what), fmt, ap);
		va_end(ap);
	}
}

static void dump_record(const struct nlmsghdr *nlh, struct dump_result *r)
{
	static const int needed[] = {
		BRKSCOPE_A_PID, BRKSCOPE_A_COMM, BRKSCOPE_A_START_BRK,
		BRKSCOPE_A_BRK, BRKSCOPE_A_HEAP_END, BRKSCOPE_A_GROWS,
		BRKSCOPE_A_GROWN_BYTES, BRKSCOPE_A_FAILED_GROWS,
		BRKSCOPE_A_SHRINKS, BRKSCOPE_A_SHRUNK_BYTES, BRKSCOPE_A_PEAK_BRK,
	};
	static struct proc_info p;
	struct dumped *d;
	size_t i;

	if (!(nlh->nlmsg_flags & NLM_F_MULTI))
		dump_bad(r, "message %d without NLM_F_MULTI", r->nrecs);
	parse_proc(nlh, &p);
	if (p.bad_cmd || p.bad_attr) {
		dump_bad(r, "message %d: command %d, bad attribute %d",
			 r->nrecs, p.bad_cmd, p.bad_attr);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(needed); i++) {
		if (!p.has[needed[i]]) {
			dump_bad(r, "pid %u lacks attribute %d", p.pid, needed[i]);
			return;
		}
	}
	if (r->nrecs == DUMP_MAX) {
		dump_bad(r, "more than %d processes", DUMP_MAX);
		return;
	}
	d = &dumped[r->nrecs++];
	d->pid = p.pid;
	d->tracked = p.has[BRKSCOPE_A_TRACKED];
	snprintf(d->comm, sizeof(d->comm), "%s", p.comm);
	d->start_brk = p.val[BRKSCOPE_A_START_BRK];
	d->brk = p.val[BRKSCOPE_A_BRK];
	d->heap_end = p.val[BRKSCOPE_A_HEAP_END];
	d->peak_brk = p.val[BRKSCOPE_A_PEAK_BRK];
}

/*
 * Dump every process into dumped[], reading with recv() buffers of bufsize
 * bytes and calling between() after each one that did not end the dump.
 * Returns 0 or -errno of the socket; the dump's verdict is in *r.
 */
static int dump_all(int fd, uint16_t family, size_t bufsize, between_fn between,
		    void *ctx, struct dump_result *r)
{
	const struct nlmsghdr *nlh;
	struct nlmsghdr *req;
	uint32_t seq;
	int n, ret;

	memset(r, 0, sizeof(*r));
	req = genl_msg(reqbuf, sizeof(reqbuf), family, BRKSCOPE_CMD_GET,
		       BRKSCOPE_GENL_VERSION, NLM_F_REQUEST | NLM_F_DUMP);
	seq = req->nlmsg_seq;
	ret = nl_send(fd, req, req->nlmsg_len);
	if (ret)
		return ret;
	for (;;) {
		n = nl_recv(fd, dumpbuf, bufsize, REPLY_TIMEOUT_MS);
		if (n < 0)
			return n;
		r->rounds++;
		for (nlh = (const struct nlmsghdr *)dumpbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != seq) {
				dump_bad(r, "sequence number %u, not %u",
					 nlh->nlmsg_seq, seq);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				parse_done(nlh, &r->end);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_error(nlh, &r->end);
				r->ended_by_error = true;
				return 0;
			}
			if (nlh->nlmsg_type != family) {
				dump_bad(r, "message type %u", nlh->nlmsg_type);
				continue;
			}
			dump_record(nlh, r);
		}
		if (n > 0)
			dump_bad(r, "%d bytes of a partial message", n);
		if (between)
			between(ctx, r->rounds);
	}
}

static const struct dumped *find_dumped(int nrecs, uint32_t pid)
{
	int lo = 0, hi = nrecs - 1;

	while (lo <= hi) {	/* dumped[] is in pid order: checked first */
		int mid = lo + (hi - lo) / 2;

		if (dumped[mid].pid == pid)
			return &dumped[mid];
		if (dumped[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* Index of the first pid that is not above its predecessor, or -1. */
static int first_out_of_order(int nrecs)
{
	int i;

	for (i = 1; i < nrecs; i++)
		if (dumped[i].pid <= dumped[i - 1].pid)
			return i;
	return -1;
}

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
	case BRKSCOPE_EVENT_GROW:		return "grow";
	case BRKSCOPE_EVENT_GROW_FAILED:	return "grow_failed";
	case BRKSCOPE_EVENT_SHRINK:		return "shrink";
	}
	return "?";
}

static const char *event_source_name(int source)
{
	switch (source) {
	case BRKSCOPE_SOURCE_BRK:		return "brk";
	case BRKSCOPE_SOURCE_ELF_LOADER:	return "elf_loader";
	}
	return "?";
}

/* ---- the fixture ---- */

FIXTURE(netlink) {
	int sock;		/* requests */
	int sock2;		/* a second socket (dumps, events) */
	uint16_t family;	/* 0: not resolved */
	uint32_t events_group;
	struct kid kids[2];
	struct others others;	/* other children of this test */
	int gate[2];		/* forked waiters block reading gate[0] */
};

/* The 10,000 forked waiters: far too many for the fixture on the stack. */
static int many[MANY_CHILDREN];
static int nmany;
static char children_list[CHILDREN_MAX];

/* Kill whatever /proc says our children are; reap until none is left. */
static void reap_all_children(void)
{
	char path[64], *tok, *save = NULL;
	uint64_t deadline = boottime_ns() + 120ULL * 1000000000ULL;
	int pid, reaped;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
	while (boottime_ns() < deadline) {
		reaped = 0;
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			reaped++;
		if (pid < 0 && errno == ECHILD)
			return;
		if (reaped)
			continue;
		if (read_file(path, children_list, sizeof(children_list)) > 0) {
			for (tok = strtok_r(children_list, " \n", &save); tok;
			     tok = strtok_r(NULL, " \n", &save))
				kill(atoi(tok), SIGKILL);
		}
		usleep(10000);
	}
}

FIXTURE_SETUP(netlink)
{
	struct family f;
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	find_exe_dir();
	signal(SIGPIPE, SIG_IGN);
	self->sock2 = -1;
	for (i = 0; i < 2; i++)
		self->kids[i].to = self->kids[i].from = -1;
	self->gate[0] = self->gate[1] = -1;
	nmany = 0;
	/* Forked helpers' children get reparented to us: reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	self->sock = nl_open();
	if (self->sock >= 0 && !resolve_family(self->sock, &f)) {
		self->family = f.id;
		self->events_group = f.group;
	}
}

FIXTURE_TEARDOWN(netlink)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (self->kids[i].pid > 0)
			kill(self->kids[i].pid, SIGKILL);
		close_fd(&self->kids[i].to);
		close_fd(&self->kids[i].from);
	}
	for (i = 0; i < self->others.n; i++)
		if (self->others.pid[i] > 0)
			kill(self->others.pid[i], SIGKILL);
	for (i = 0; i < nmany; i++)
		if (many[i] > 0)
			kill(many[i], SIGKILL);
	close_fd(&self->gate[0]);
	close_fd(&self->gate[1]);
	close_fd(&self->sock2);
	close_fd(&self->sock);
	reap_all_children();
	nmany = 0;
}

/* ---- asserting wrappers for the test process ---- */

/* GET of pid that must be answered: *p holds the one reply. */
static void get_ok(struct __test_metadata *_metadata,
		   FIXTURE_DATA(netlink) *self, uint32_t pid, struct proc_info *p)
{
	struct nl_ack ack;
	int ret = get_pid(self->sock, self->family, pid, p, &ack);

	ASSERT_EQ(0, ret) TH_LOG("GET %u: socket: %s", pid, strerror(-ret));
	ASSERT_EQ(0, ack.err) TH_LOG("GET %u: %s (%s)", pid, errname(ack.err),
				     ack.has_msg ? ack.msg : "no message");
	ASSERT_EQ(1, p->nmsgs) TH_LOG("GET %u: replies", pid);
	ASSERT_EQ(0, p->bad_cmd);
	ASSERT_EQ(0, p->bad_attr) TH_LOG("GET %u: attribute %d malformed", pid,
					 p->bad_attr);
}

/* GET of pid that must fail; returns the ack. */
static void get_fails(struct __test_metadata *_metadata,
		      FIXTURE_DATA(netlink) *self, uint32_t pid,
		      struct nl_ack *ack)
{
	struct proc_info p;
	int ret = get_pid(self->sock, self->family, pid, &p, ack);

	ASSERT_EQ(0, ret) TH_LOG("GET %u: socket: %s", pid, strerror(-ret));
	ASSERT_TRUE(ack->got);
	EXPECT_EQ(0, p.nmsgs) TH_LOG("GET %u: a reply despite error %s", pid,
				     errname(ack->err));
	TH_LOG("GET %u: %s, extack '%s'", pid, errname(ack->err),
	       ack->has_msg ? ack->msg : "(none)");
}

/* ---- helper processes ---- */

/* A forked copy that blocks until gate[1] closes (or it is killed). */
static int fork_blocker(struct __test_metadata *_metadata,
			FIXTURE_DATA(netlink) *self)
{
	int pid;
	char c;

	if (self->gate[1] < 0)
		ASSERT_EQ(0, pipe2(self->gate, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		close(self->gate[1]);
		while (read(self->gate[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	return pid;
}

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

static void write_all(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		buf = (const char *)buf + n;
		len -= n;
	}
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
	add_other(_metadata, &self->others, pid);
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
	status = reap(&self->others, self->kids, pid);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("probe child status %#x", status);
	ASSERT_EQ(0, rep->setup_err) TH_LOG("in the child: %s: %s",
					    rep->setup_what,
					    strerror(rep->setup_err));
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

/* ---- tests: GET ---- */

NL_TEST(get_heap_spy_reports_its_seed_growth)
{
	unsigned long before, after, stat_brk;
	uint64_t t0, t1, when;
	struct proc_info p;
	int pid;

	REQUIRE_FAMILY();
	t0 = boottime_ns();
	spawn_heap_spy(_metadata, &self->kids[0], &before, &after);
	t1 = boottime_ns();
	pid = self->kids[0].pid;
	ASSERT_EQ(0, proc_start_brk(pid, &stat_brk));
	get_ok(_metadata, self, pid, &p);
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
	add_other(_metadata, &self->others, pid);
	ASSERT_EQ(0, proc_start_brk(pid, &stat_brk));
	get_ok(_metadata, self, pid, &p);
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
	ret = get_pid(self->sock, self->family, tid, &p, &ack);
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

/* brk_child's main thread exits; another thread serves the commands. */
static void main_thread_exits(struct __test_metadata *_metadata, struct kid *k)
{
	char line[LINE_MAX_LEN];
	int tid = 0;

	kid_send(_metadata, k, "mainexit");
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_EQ(1, sscanf(line, "ok %d", &tid)) TH_LOG("'%s'", line);
	ASSERT_NE(k->pid, tid);
}

NL_TEST(get_of_process_whose_main_thread_exited_reports_its_heap)
{
	unsigned long start, end;
	struct proc_info p;
	struct kid *k;

	REQUIRE_FAMILY();
	k = start_brk_child(_metadata, &self->kids[0]);
	start = k->ready_brk;
	main_thread_exits(_metadata, k);
	end = child_move(_metadata, k, 2 * page_size, NULL);
	get_ok(_metadata, self, k->pid, &p);

	EXPECT_EQ((uint32_t)k->pid, p.pid);
	EXPECT_STREQ("brk_child", p.comm);
	EXPECT_EQ(end, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_align(end) - page_align(start), p.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_TRUE(p.has[BRKSCOPE_A_TRACKED]);
}

NL_TEST(dump_lists_process_whose_main_thread_exited)
{
	struct dump_result r;
	unsigned long end;
	struct kid *k;
	int i, n = 0;

	REQUIRE_FAMILY();
	k = start_brk_child(_metadata, &self->kids[0]);
	main_thread_exits(_metadata, k);
	end = child_move(_metadata, k, page_size, NULL);
	ASSERT_EQ(0, dump_all(self->sock, self->family, DUMP_BUF_SIZE, NULL, NULL, &r));
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

NL_TEST(get_after_vfork_child_grew_heap_names_parent_with_both_growths)
{
	unsigned long start, old, cur;
	char line[LINE_MAX_LEN];
	struct proc_info p;
	struct kid *k;
	int child;

	REQUIRE_FAMILY();
	k = start_brk_child(_metadata, &self->kids[0]);
	start = k->ready_brk;
	child_move(_metadata, k, page_size, NULL);
	kid_send(_metadata, k, "vfork %lu", page_size);
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_EQ(3, sscanf(line, "ok %lx %lx %d", &old, &cur, &child))
		TH_LOG("'%s'", line);
	get_ok(_metadata, self, k->pid, &p);

	EXPECT_STREQ("brk_child", p.comm);
	EXPECT_EQ(cur, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(2, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_align(cur) - page_align(start), p.val[BRKSCOPE_A_GROWN_BYTES]);
}

NL_TEST(get_kernel_thread_fails_esrch)
{
	const long pf_kthread = 0x00200000;
	struct nl_ack ack;
	long flags = proc_flags(2);

	REQUIRE_FAMILY();
	if (flags < 0 || !(flags & pf_kthread))
		SKIP(return, "pid 2 is not a kernel thread here");
	get_fails(_metadata, self, 2, &ack);
	EXPECT_EQ(ESRCH, ack.err);
	EXPECT_TRUE(ack.has_msg && ack.msg[0]);
}

NL_TEST(get_zombie_fails_esrch)
{
	siginfo_t si;
	struct nl_ack ack;
	int pid;

	REQUIRE_FAMILY();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	add_other(_metadata, &self->others, pid);
	/* Wait for the exit but leave the zombie. */
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	get_fails(_metadata, self, pid, &ack);
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
	nlh = genl_msg(reqbuf, sizeof(reqbuf), self->family,
		       BRKSCOPE_CMD_GET_STATS, BRKSCOPE_GENL_VERSION,
		       NLM_F_REQUEST | NLM_F_ACK);
	ASSERT_EQ(0, nl_transact(self->sock, nlh, nlh->nlmsg_len, stats_reply,
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

/* ---- tests: dumps ---- */

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
	ASSERT_EQ(0, pipe2(self->gate, O_CLOEXEC));
	while (nmany < n) {
		pid = fork();
		if (!pid) {
			close(self->gate[1]);
			while (read(self->gate[0], &c, 1) < 0 && errno == EINTR)
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

static void expect_dump_ended_cleanly(struct __test_metadata *_metadata,
				      const struct dump_result *r)
{
	EXPECT_TRUE(r->end.got);
	EXPECT_FALSE(r->ended_by_error)
		TH_LOG("dump ended by NLMSG_ERROR %s (%s)", errname(r->end.err),
		       r->end.has_msg ? r->end.msg : "no message");
	EXPECT_EQ(0, r->end.err) TH_LOG("NLMSG_DONE carries %s",
					errname(r->end.err));
	EXPECT_EQ(0, r->bad) TH_LOG("%d malformed: first %s", r->bad,
				    r->bad_what);
}

NL_SLOW_TEST(dump_lists_each_of_10000_children_once)
{
	const long pf_kthread = 0x00200000;
	unsigned long start_brk, brk, child_start;
	struct dump_result r;
	int i, ret, out_of_order;
	uint64_t t0;

	REQUIRE_FAMILY();
	check_fork_room(_metadata, MANY_CHILDREN);
	ASSERT_EQ(0, proc_start_brk(getpid(), &start_brk));
	brk = (unsigned long)sbrk(0);
	fork_many(_metadata, self, MANY_CHILDREN);
	/* The premise: a fork has its parent's start_brk and brk. */
	for (i = 0; i < nmany; i += 500) {
		ASSERT_EQ(0, proc_start_brk(many[i], &child_start));
		ASSERT_EQ(start_brk, child_start) TH_LOG("child %d", many[i]);
	}

	self->sock2 = nl_open();
	ASSERT_LE(0, self->sock2);
	t0 = boottime_ns();
	ret = dump_all(self->sock2, self->family, DUMP_BUF_SIZE, NULL, NULL, &r);
	ASSERT_EQ(0, ret) TH_LOG("dump: socket: %s", strerror(-ret));
	TH_LOG("dump of %d processes in %d recv() rounds of %d bytes, %.1f s",
	       r.nrecs, r.rounds, DUMP_BUF_SIZE, secs_since(t0));
	expect_dump_ended_cleanly(_metadata, &r);
	EXPECT_LT(100, r.rounds);

	out_of_order = first_out_of_order(r.nrecs);
	ASSERT_EQ(-1, out_of_order)
		TH_LOG("pid %u listed after pid %u: not in pid order, or twice",
		       dumped[out_of_order].pid, dumped[out_of_order - 1].pid);
	EXPECT_EQ(0, check_children_listed(_metadata, r.nrecs, 0, 1,
					   start_brk, brk));
	EXPECT_NE(NULL, find_dumped(r.nrecs, getpid()));
	EXPECT_EQ(0, check_listing_consistent(_metadata, r.nrecs));
	if (proc_flags(2) > 0 && (proc_flags(2) & pf_kthread))
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
	int i, ret, out_of_order, victims_listed = 0;
	uint64_t t0;

	REQUIRE_FAMILY();
	check_fork_room(_metadata, MANY_CHILDREN);
	ASSERT_EQ(0, proc_start_brk(getpid(), &start_brk));
	brk = (unsigned long)sbrk(0);
	fork_many(_metadata, self, MANY_CHILDREN);

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

	self->sock2 = nl_open();
	ASSERT_LE(0, self->sock2);
	t0 = boottime_ns();
	ret = dump_all(self->sock2, self->family, DUMP_BUF_SIZE, kill_some, &k, &r);
	ASSERT_EQ(0, ret) TH_LOG("dump: socket: %s", strerror(-ret));
	TH_LOG("dump of %d processes in %d recv() rounds, %.1f s; %d children killed during rounds 1-%d",
	       r.nrecs, r.rounds, secs_since(t0), k.next, k.rounds_used);
	expect_dump_ended_cleanly(_metadata, &r);
	EXPECT_EQ(k.norder, k.next) TH_LOG("the dump ended before every victim was killed");

	out_of_order = first_out_of_order(r.nrecs);
	ASSERT_EQ(-1, out_of_order)
		TH_LOG("pid %u listed after pid %u: not in pid order, or twice",
		       dumped[out_of_order].pid, dumped[out_of_order - 1].pid);
	/* Survivors: the even-numbered children. */
	EXPECT_EQ(0, check_children_listed(_metadata, r.nrecs, 0, 2,
					   start_brk, brk));
	for (i = 0; i < k.norder; i++)
		victims_listed += !!find_dumped(r.nrecs, many[k.order[i]]);
	TH_LOG("%d of %d killed children were listed (each at most once)",
	       victims_listed, k.norder);
	EXPECT_EQ(0, check_listing_consistent(_metadata, r.nrecs));
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

NL_TEST(events_follow_brk_child_operations_in_order)
{
	unsigned long o1, n1, o2, n2, o3, n3, cur, unused;
	struct expected_event want[4];
	uint64_t t0, t1;
	struct kid *k;
	char line[LINE_MAX_LEN];

	REQUIRE_FAMILY();
	ASSERT_NE(0, self->events_group) TH_LOG("no \"%s\" group", BRKSCOPE_MCGRP_EVENTS);
	k = start_brk_child(_metadata, &self->kids[0]);
	self->sock2 = events_open(self->events_group);
	ASSERT_LE(0, self->sock2) TH_LOG("subscribe: %s", strerror(-self->sock2));
	nevents = 0;

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

	want[0] = (struct expected_event){ BRKSCOPE_EVENT_GROW, BRKSCOPE_SOURCE_BRK,
		o1, n1, page_align(n1) - page_align(o1) };
	want[1] = (struct expected_event){ BRKSCOPE_EVENT_SHRINK, BRKSCOPE_SOURCE_BRK,
		o2, n2, page_align(o2) - page_align(n2) };
	want[2] = (struct expected_event){ BRKSCOPE_EVENT_GROW, BRKSCOPE_SOURCE_BRK,
		o3, n3, page_align(n3) - page_align(o3) };
	want[3] = (struct expected_event){ BRKSCOPE_EVENT_GROW_FAILED, BRKSCOPE_SOURCE_BRK,
		cur, cur + 4096, page_align(cur + 4096) - page_align(cur) };
	collect_events_until(_metadata, self->sock2, k->pid, &want[3]);
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
	char line[LINE_MAX_LEN];
	unsigned long old, ret;
	uint64_t t0, t1;
	struct kid *k;

	REQUIRE_FAMILY();
	ASSERT_NE(0, self->events_group) TH_LOG("no \"%s\" group", BRKSCOPE_MCGRP_EVENTS);
	k = start_brk_child(_metadata, &self->kids[0]);
	self->sock2 = events_open(self->events_group);
	ASSERT_LE(0, self->sock2) TH_LOG("subscribe: %s", strerror(-self->sock2));
	nevents = 0;

	t0 = boottime_ns();
	kid_send(_metadata, k, "brk %lx", ~0UL);
	kid_line(_metadata, k, line, sizeof(line));
	t1 = boottime_ns();
	ASSERT_EQ(2, sscanf(line, "ok %lx %lx", &old, &ret)) TH_LOG("'%s'", line);
	ASSERT_EQ(old, ret);

	want = (struct expected_event){ BRKSCOPE_EVENT_GROW_FAILED, BRKSCOPE_SOURCE_BRK,
		old, ~0UL, user_space_top() - page_align(old) };
	collect_events_until(_metadata, self->sock2, k->pid, &want);
	check_events(_metadata, k->pid, "brk_child", &want, 1, t0, t1);
}

NL_TEST(events_report_elf_loader_bss_maps_on_exec)
{
	struct expected_event want[8];
	char path[PATH_MAX + 32], line[LINE_MAX_LEN];
	char *env[] = { ELF_REPORT_ENV "=1", NULL };
	unsigned long start, end, old = 0, cur = 0;
	int nwant = 0, nbss, status, pid;
	uint64_t t0, t1;
	struct kid *k;

	REQUIRE_FAMILY();
	ASSERT_NE(0, self->events_group);
	snprintf(path, sizeof(path), "%s/netlink_test", exe_dir);
	self->sock2 = events_open(self->events_group);
	ASSERT_LE(0, self->sock2) TH_LOG("subscribe: %s", strerror(-self->sock2));
	nevents = 0;

	/* spawn() without its exec: this one needs an environment. */
	k = &self->kids[0];
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
				BRKSCOPE_EVENT_GROW, BRKSCOPE_SOURCE_ELF_LOADER,
				start, end, end - start };
			TH_LOG("loader must have mapped bss %#lx-%#lx", start, end);
			continue;
		}
		ASSERT_EQ(2, sscanf(line, "sbrk %lx %lx", &old, &cur))
			TH_LOG("'%s'", line);
	}
	pid = k->pid;
	status = reap(&self->others, self->kids, pid);
	t1 = boottime_ns();
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	nbss = nwant;
	ASSERT_EQ(old + page_size, cur);
	want[nwant++] = (struct expected_event){ BRKSCOPE_EVENT_GROW,
		BRKSCOPE_SOURCE_BRK, old, cur, page_align(cur) - page_align(old) };

	collect_events_until(_metadata, self->sock2, pid, &want[nwant - 1]);
	TH_LOG("%d bss maps expected (heap_spy and brk_child have none: their bss ends in the data page)",
	       nbss);
	EXPECT_LT(0, nbss);
	check_events(_metadata, pid, COMM_SELF, want, nwant, t0, t1);
}

/* ---- tests: hostile requests ---- */

/*
 * Hostile requests, generated group by group: build_hostile() writes case
 * i into hbuf together with what must come back.  Where each one stops, as
 * read in net/netlink/af_netlink.c, net/netlink/genetlink.c, lib/nlattr.c
 * and include/net/netlink.h of both 6.1 and 6.12 (the paths are the same
 * in both) and as run on both:
 *
 *   netlink_sendmsg()       an empty datagram: sendto() fails with ENODATA;
 *                           one longer than sk_sndbuf - 32: EMSGSIZE.
 *                           Nothing reaches genetlink.
 *   netlink_rcv_skb()       fewer than NLMSG_HDRLEN bytes, or nlmsg_len
 *                           below NLMSG_HDRLEN or above the bytes sent: the
 *                           rest of the datagram is dropped, no reply at all;
 *                           no NLM_F_REQUEST, or a control type: acked with
 *                           0 and not handled; bytes after the last whole
 *                           message: ignored
 *   genl_rcv_msg()          an unknown family id: ENOENT, no message
 *   genl_family_rcv_msg()   nlmsg_len shorter than the genl header: EINVAL,
 *                           no message; an unknown command, or a dump of a
 *                           command without dumpit: EOPNOTSUPP, no message.
 *                           genlmsghdr.version is never looked at.
 *   genl_header_check()     reserved byte, flags other than REQUEST, ACK,
 *                           ECHO and DUMP: EINVAL with a message
 *   __nla_validate_parse(), validate_nla() (NL_VALIDATE_STRICT): unknown
 *                           types, NLA_UNSPEC (PAD), NLA_REJECT (GET_STATS
 *                           takes nothing), lengths, NLA_F_NESTED, bytes
 *                           past the last attribute, PID range: EINVAL or
 *                           ERANGE with a message; a repeated attribute is
 *                           validated every time and the last one is kept
 *   brkscope (netlink.c)    PID missing, PID in a dump, no such process
 *
 * 6.1 and 6.12 give the same answer to every case but one: the module's
 * dump start() sees an extack only since 6.5, so a PID in a dump is
 * EINVAL without a message on 6.1.
 */

#define SILENCE_MS	300	/* "no reply": processing is synchronous anyway */
#define HBUF_SIZE	(256 << 10)
#define SNDBUF_ASK	(96 << 10)	/* SO_SNDBUFFORCE: the kernel doubles it */
#define ATTR0	(NLMSG_HDRLEN + GENL_HDRLEN)	/* offset of the first attribute */
#define ATTR1	(ATTR0 + NLA_HDRLEN + 4)	/* ... of one after a u32 */
#define BIG_PAYLOAD	(0xffff - NLA_HDRLEN)	/* the largest nla_len */

enum outcome {
	OUT_ERROR,		/* one NLMSG_ERROR with err, no reply */
	OUT_ACK,		/* one ack (error 0), no reply */
	OUT_ANSWER,		/* one GET reply for pid `answer`, then the ack */
	OUT_SILENCE,		/* nothing at all within SILENCE_MS */
	OUT_SEND_FAILS,		/* sendto() itself fails with err */
};

/*
 * The extended ack's message: REQUIRED must be exactly `text`; ABSENT must
 * not be there (the code that rejects it sets none); REQUIRED_SINCE_6_5 is
 * REQUIRED from 6.5 on and ABSENT (message and offset) before.
 */
enum msg_rule {
	MSG_ABSENT,
	MSG_REQUIRED,
	MSG_REQUIRED_SINCE_6_5,
};

struct hcase {
	char what[80];
	const char *where;	/* the function that answers */
	size_t len;		/* bytes of hbuf to send */
	enum outcome out;
	int err;
	enum msg_rule msg;
	const char *text;
	int offs;		/* NLMSGERR_ATTR_OFFS, or -1: must be absent */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1: must be absent */
	uint32_t answer;	/* OUT_ANSWER: the pid of the reply */
};

struct hctx {
	uint16_t family;
	uint32_t live;		/* heap_spy, idle: its answer never changes */
	uint32_t me;
	uint32_t gone;		/* a reaped child */
	size_t sndbuf;		/* the socket's sk_sndbuf */
};

static char hbuf[HBUF_SIZE];

/* The kernel's texts, the same in 6.1 and 6.12. */
static const char MSG_UNKNOWN[] = "Unknown attribute type";
static const char MSG_LENGTH[] = "invalid attribute length";
static const char MSG_UNSPEC[] = "Unsupported attribute";
static const char MSG_NESTED[] = "NLA_F_NESTED not expected";
static const char MSG_REJECT[] = "Attribute failed policy validation";
static const char MSG_LEFTOVER[] = "bytes leftover after parsing attributes";
static const char MSG_RANGE[] = "integer out of range";
static const char MSG_FLAGS[] = "ambiguous or reserved bits set in nlmsg_flags";
static const char MSG_RESERVED[] = "genlmsghdr.reserved field is not 0";
/* The module's, from module/netlink.c. */
static const char MSG_NO_PID[] = "GET needs a pid (BRKSCOPE_A_PID)";
static const char MSG_NO_PROCESS[] = "no such process in the caller's pid namespace";
static const char MSG_PID_IN_DUMP[] =
	"a dump lists every process: leave out the pid, or drop NLM_F_DUMP";

static const char AT_NLA[] = "__nla_validate_parse()";
static const char AT_VALIDATE[] = "validate_nla()";
static const char AT_RCV_SKB[] = "netlink_rcv_skb()";
static const char AT_FAMILY_RCV[] = "genl_family_rcv_msg()";
static const char AT_HEADER_CHECK[] = "genl_header_check()";
static const char AT_MODULE[] = "brkscope";

/* The header of a request in hbuf; its attributes follow. */
static struct nlmsghdr *hmsg(uint16_t type, uint8_t cmd, uint8_t version,
			     uint16_t flags)
{
	/* The big cases zero what they append past the first 4 KiB. */
	return genl_msg(hbuf, 4096, type, cmd, version, flags);
}

static struct nlmsghdr *hget(const struct hctx *c, uint16_t flags)
{
	return hmsg(c->family, BRKSCOPE_CMD_GET, BRKSCOPE_GENL_VERSION,
		    NLM_F_REQUEST | NLM_F_ACK | flags);
}

/* An attribute of payload_len zero bytes (nla_len at most 0xffff). */
static struct nlattr *put_zeros(struct nlmsghdr *nlh, uint16_t type,
				size_t payload_len)
{
	struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);

	attr->nla_type = type;
	attr->nla_len = NLA_HDRLEN + payload_len;
	memset(attr + 1, 0, NLA_ALIGN(payload_len));
	nlh->nlmsg_len += NLA_ALIGN(attr->nla_len);
	return attr;
}

/* Zero bytes that are not an attribute: nla_len 0 where one would start. */
static void put_padding(struct nlmsghdr *nlh, size_t len)
{
	memset(mnl_nlmsg_get_payload_tail(nlh), 0, len);
	nlh->nlmsg_len += len;
}

/* Wrong forms of an attribute, for every attribute type. */
enum shape {
	SH_U8,
	SH_U16,
	SH_U64,
	SH_EMPTY,
	SH_STRING,
	SH_NEST,
	SH_U32_NESTED_FLAG,
	NSHAPES
};

static const char *const shape_name[NSHAPES] = {
	"u8", "u16", "u64", "empty", "string", "nest of a u32",
	"u32 with NLA_F_NESTED",
};

static void put_shape(struct nlmsghdr *nlh, uint16_t type, enum shape s,
		      uint32_t value)
{
	struct nlattr *attr, *nest;

	switch (s) {
	case SH_U8:
		mnl_attr_put_u8(nlh, type, value);
		break;
	case SH_U16:
		mnl_attr_put_u16(nlh, type, value);
		break;
	case SH_U64:
		mnl_attr_put_u64(nlh, type, value);
		break;
	case SH_EMPTY:
		mnl_attr_put(nlh, type, 0, NULL);
		break;
	case SH_STRING:
		mnl_attr_put_strz(nlh, type, "brkscope");	/* 9 bytes */
		break;
	case SH_NEST:
		nest = mnl_attr_nest_start(nlh, type);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, value);
		mnl_attr_nest_end(nlh, nest);
		break;
	case SH_U32_NESTED_FLAG:
		attr = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put_u32(nlh, type, value);
		attr->nla_type |= NLA_F_NESTED;
		break;
	case NSHAPES:
		break;
	}
}

static void expect_error(struct hcase *h, const char *where, int err,
			 enum msg_rule msg, const char *text, int offs)
{
	h->where = where;
	h->out = OUT_ERROR;
	h->err = err;
	h->msg = msg;
	h->text = text;
	h->offs = offs;
}

static void expect_answer(struct hcase *h, const char *where, uint32_t pid)
{
	h->where = where;
	h->out = OUT_ANSWER;
	h->answer = pid;
}

#define NTYPES		(BRKSCOPE_A_MAX + 2)	/* 0 .. BRKSCOPE_A_MAX + 1 */

/*
 * GET with a valid PID followed by attribute `type` in a wrong form.  The
 * GET policy knows PAD and PID only (maxattr BRKSCOPE_A_PID): every other
 * type, and 0, is unknown; PAD is NLA_UNSPEC, which strict validation
 * refuses in any form; a PID must be exactly 4 bytes and not nested.
 */
static void g_matrix(const struct hctx *c, int i, struct hcase *h)
{
	uint16_t type = i / NSHAPES;
	enum shape s = i % NSHAPES;
	struct nlmsghdr *nlh = hget(c, 0);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	put_shape(nlh, type, s, c->live);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "PID, then attr %u as %s", type,
		 shape_name[s]);
	if (type == 0 || type > BRKSCOPE_A_PID)
		expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_UNKNOWN, ATTR1);
	else if (type == BRKSCOPE_A_PAD)
		expect_error(h, AT_VALIDATE, EINVAL, MSG_REQUIRED, MSG_UNSPEC, ATTR1);
	else if (s == SH_U32_NESTED_FLAG)
		expect_error(h, AT_VALIDATE, EINVAL, MSG_REQUIRED, MSG_NESTED, ATTR1);
	else
		expect_error(h, AT_VALIDATE, EINVAL, MSG_REQUIRED, MSG_LENGTH, ATTR1);
}

/* PID values out of the policy's range 1..PID_MAX_LIMIT. */
static const uint32_t bad_pids[] = {
	0, 0xffffffff, PID_MAX_LIMIT + 1, INT_MAX, (uint32_t)INT_MAX + 1,
};

static void g_pid_range(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hget(c, 0);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, bad_pids[i]);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "PID %u", bad_pids[i]);
	expect_error(h, "nla_validate_int_range()", ERANGE, MSG_REQUIRED,
		     MSG_RANGE, ATTR0);
}

/*
 * In range, but nobody: PID_MAX_LIMIT itself (pids stay below pid_max,
 * which is at most PID_MAX_LIMIT), and a reaped child.
 */
static void g_pid_nobody(const struct hctx *c, int i, struct hcase *h)
{
	uint32_t pid = i ? c->gone : PID_MAX_LIMIT;
	struct nlmsghdr *nlh = hget(c, 0);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, pid);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "PID %u (%s)", pid,
		 i ? "reaped" : "PID_MAX_LIMIT");
	expect_error(h, AT_MODULE, ESRCH, MSG_REQUIRED, MSG_NO_PROCESS, ATTR0);
}

/*
 * How many PIDs: none; two, where __nla_validate_parse() validates each
 * and keeps the last in tb[], so the answer is about the second one and
 * an error names the offending one; and one PID with the
 * NLA_F_NET_BYTEORDER bit, which nla_type() masks off and nothing checks.
 */
static void g_pid_count(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hget(c, 0);
	struct nlattr *attr;

	switch (i) {
	case 0:
		snprintf(h->what, sizeof(h->what), "no PID");
		expect_error(h, AT_MODULE, EINVAL, MSG_REQUIRED, MSG_NO_PID, -1);
		h->miss_type = BRKSCOPE_A_PID;
		break;
	case 1:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->me);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		snprintf(h->what, sizeof(h->what), "PID %u, PID %u (helper)",
			 c->me, c->live);
		expect_answer(h, AT_NLA, c->live);
		break;
	case 2:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->me);
		snprintf(h->what, sizeof(h->what), "PID %u (helper), PID %u",
			 c->live, c->me);
		expect_answer(h, AT_NLA, c->me);
		break;
	case 3:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, 0);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		snprintf(h->what, sizeof(h->what), "PID 0, PID %u", c->live);
		expect_error(h, "nla_validate_int_range()", ERANGE,
			     MSG_REQUIRED, MSG_RANGE, ATTR0);
		break;
	case 4:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, 0);
		snprintf(h->what, sizeof(h->what), "PID %u, PID 0", c->live);
		expect_error(h, "nla_validate_int_range()", ERANGE,
			     MSG_REQUIRED, MSG_RANGE, ATTR1);
		break;
	case 5:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->gone);
		snprintf(h->what, sizeof(h->what), "PID %u, PID %u (reaped)",
			 c->live, c->gone);
		expect_error(h, AT_MODULE, ESRCH, MSG_REQUIRED, MSG_NO_PROCESS, ATTR1);
		break;
	case 6:
		attr = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		attr->nla_type |= NLA_F_NET_BYTEORDER;
		snprintf(h->what, sizeof(h->what), "PID with NLA_F_NET_BYTEORDER");
		expect_answer(h, AT_VALIDATE, c->live);
		break;
	}
	h->len = nlh->nlmsg_len;
}

/* Commands the family does not take: no op, so no message. */
static const uint8_t bad_cmds[] = {
	BRKSCOPE_CMD_UNSPEC, BRKSCOPE_CMD_EVENT, BRKSCOPE_CMD_MAX + 1, 100,
	200, 255,
};

static void g_cmd(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hmsg(c->family, bad_cmds[i], BRKSCOPE_GENL_VERSION,
				    NLM_F_REQUEST | NLM_F_ACK);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "command %u", bad_cmds[i]);
	expect_error(h, AT_FAMILY_RCV, EOPNOTSUPP, MSG_ABSENT, NULL, -1);
}

/* genetlink never reads genlmsghdr.version: these are answered. */
static const uint8_t bad_versions[] = { 0, BRKSCOPE_GENL_VERSION + 1, 255 };

static void g_version(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hmsg(c->family, BRKSCOPE_CMD_GET, bad_versions[i],
				    NLM_F_REQUEST | NLM_F_ACK);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "genl version %u", bad_versions[i]);
	expect_answer(h, AT_FAMILY_RCV, c->live);
}

static const uint8_t bad_reserved[] = { 1, 0x80, 0xff };

static void g_reserved(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hget(c, 0);

	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->reserved =
		bad_reserved[i];
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "genl reserved byte %#x",
		 bad_reserved[i]);
	expect_error(h, AT_HEADER_CHECK, EINVAL, MSG_REQUIRED, MSG_RESERVED, -1);
}

/* Flags genl_header_check() refuses: all but REQUEST, ACK, ECHO, DUMP. */
static const struct {
	uint16_t flag;
	const char *name;
} bad_flags[] = {
	{ NLM_F_MULTI, "NLM_F_MULTI" },
	{ NLM_F_DUMP_INTR, "NLM_F_DUMP_INTR" },
	{ NLM_F_DUMP_FILTERED, "NLM_F_DUMP_FILTERED" },
	{ NLM_F_REPLACE, "NLM_F_REPLACE (= NLM_F_ROOT)" },
	{ NLM_F_EXCL, "NLM_F_EXCL (= NLM_F_MATCH)" },
	{ NLM_F_CREATE, "NLM_F_CREATE (= NLM_F_ATOMIC)" },
	{ NLM_F_APPEND, "NLM_F_APPEND" },
	{ 0x8000, "flag 0x8000" },
};

static void g_flags(const struct hctx *c, int i, struct hcase *h)
{
	bool stats = i >= (int)ARRAY_SIZE(bad_flags);
	int f = i % ARRAY_SIZE(bad_flags);
	struct nlmsghdr *nlh;

	nlh = hmsg(c->family, stats ? BRKSCOPE_CMD_GET_STATS : BRKSCOPE_CMD_GET,
		   BRKSCOPE_GENL_VERSION,
		   NLM_F_REQUEST | NLM_F_ACK | bad_flags[f].flag);
	if (!stats)
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "%s with %s",
		 stats ? "GET_STATS" : "GET", bad_flags[f].name);
	expect_error(h, AT_HEADER_CHECK, EINVAL, MSG_REQUIRED, MSG_FLAGS, -1);
}

/*
 * GET_STATS has no policy: genl_op_from_full() gives it
 * genl_policy_reject_all (maxattr 1, NLA_REJECT), so PAD fails policy
 * validation and every other type is unknown.  A dump of it: no dumpit.
 * And NLM_F_ECHO, which genl_header_check() allows, on a GET.
 */
static const uint16_t stats_attrs[] = {
	0, BRKSCOPE_A_PAD, BRKSCOPE_A_PID, BRKSCOPE_A_STATS, BRKSCOPE_A_MAX,
	BRKSCOPE_A_MAX + 1,
};

static void g_stats(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh;
	uint16_t type;

	if (i == ARRAY_SIZE(stats_attrs)) {
		nlh = hmsg(c->family, BRKSCOPE_CMD_GET_STATS, BRKSCOPE_GENL_VERSION,
			   NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP);
		h->len = nlh->nlmsg_len;
		snprintf(h->what, sizeof(h->what), "GET_STATS as a dump");
		expect_error(h, AT_FAMILY_RCV, EOPNOTSUPP, MSG_ABSENT, NULL, -1);
		return;
	}
	if (i > (int)ARRAY_SIZE(stats_attrs)) {
		nlh = hget(c, NLM_F_ECHO);
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		h->len = nlh->nlmsg_len;
		snprintf(h->what, sizeof(h->what), "GET with NLM_F_ECHO");
		expect_answer(h, AT_HEADER_CHECK, c->live);
		return;
	}
	type = stats_attrs[i];
	nlh = hmsg(c->family, BRKSCOPE_CMD_GET_STATS, BRKSCOPE_GENL_VERSION,
		   NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_u32(nlh, type, c->live);
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "GET_STATS with attr %u", type);
	if (type == BRKSCOPE_A_PAD)
		expect_error(h, AT_VALIDATE, EINVAL, MSG_REQUIRED, MSG_REJECT, ATTR0);
	else
		expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_UNKNOWN, ATTR0);
}

/*
 * Attributes in a dump: genl_start() validates them with genetlink's own
 * extack (a message on 6.1 too); a well-formed PID reaches the module's
 * start(), whose cb->extack exists only since 6.5.
 */
static void g_dump(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hget(c, NLM_F_DUMP);

	switch (i) {
	case 0:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		snprintf(h->what, sizeof(h->what), "dump with a PID");
		expect_error(h, AT_MODULE, EINVAL, MSG_REQUIRED_SINCE_6_5,
			     MSG_PID_IN_DUMP, ATTR0);
		break;
	case 1:
		mnl_attr_put_u8(nlh, BRKSCOPE_A_PID, 1);
		snprintf(h->what, sizeof(h->what), "dump with a u8 PID");
		expect_error(h, AT_VALIDATE, EINVAL, MSG_REQUIRED, MSG_LENGTH, ATTR0);
		break;
	case 2:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_COMM, 1);
		snprintf(h->what, sizeof(h->what), "dump with attr %u",
			 BRKSCOPE_A_COMM);
		expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_UNKNOWN, ATTR0);
		break;
	case 3:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PAD, 0);
		snprintf(h->what, sizeof(h->what), "dump with PAD");
		expect_error(h, AT_VALIDATE, EINVAL, MSG_REQUIRED, MSG_UNSPEC, ATTR0);
		break;
	case 4:
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
		nlh->nlmsg_flags |= NLM_F_APPEND;
		snprintf(h->what, sizeof(h->what), "dump with NLM_F_APPEND");
		expect_error(h, AT_HEADER_CHECK, EINVAL, MSG_REQUIRED, MSG_FLAGS, -1);
		break;
	}
	h->len = nlh->nlmsg_len;
}

/*
 * Not ours to answer: an unknown family id (GENL_MAX_ID is the highest id
 * genetlink hands out); no NLM_F_REQUEST; a control message type.
 */
static void g_envelope(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hget(c, 0);

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	h->len = nlh->nlmsg_len;
	switch (i) {
	case 0:
	case 1:
		nlh->nlmsg_type = i ? 0xffff : GENL_MAX_ID + 1;
		snprintf(h->what, sizeof(h->what), "family id %u", nlh->nlmsg_type);
		expect_error(h, "genl_rcv_msg()", ENOENT, MSG_ABSENT, NULL, -1);
		break;
	case 2:
		nlh->nlmsg_flags = NLM_F_ACK;
		snprintf(h->what, sizeof(h->what), "GET without NLM_F_REQUEST");
		h->where = AT_RCV_SKB;
		h->out = OUT_ACK;
		break;
	case 3:
		nlh->nlmsg_flags = 0;
		snprintf(h->what, sizeof(h->what), "GET without REQUEST or ACK");
		h->where = AT_RCV_SKB;
		h->out = OUT_SILENCE;
		break;
	case 4:
	case 5:
		nlh->nlmsg_type = i == 4 ? NLMSG_NOOP : NLMSG_DONE;
		snprintf(h->what, sizeof(h->what), "nlmsg_type %s",
			 i == 4 ? "NLMSG_NOOP" : "NLMSG_DONE");
		h->where = AT_RCV_SKB;
		h->out = OUT_ACK;
		break;
	}
}

/*
 * Lengths that lie.  A whole GET with PID is 28 bytes; the datagram sent
 * is that GET unless said otherwise.
 */
static const struct {
	int send;		/* bytes sent, or -1: all 28 */
	long long nlmsg_len;	/* this, or -1: the true length + plus */
	int plus;
} bad_lens[] = {
	{ 0, -1, 0 }, { 1, -1, 0 }, { NLMSG_HDRLEN - 1, -1, 0 },
	{ -1, 0, 0 }, { -1, 4, 0 }, { -1, NLMSG_HDRLEN - 1, 0 },
	{ -1, NLMSG_HDRLEN, 0 }, { -1, NLMSG_HDRLEN + 1, 0 },
	{ -1, ATTR0 - 1, 0 },
	{ -1, ATTR0, 0 },
	{ -1, ATTR0 + 1, 0 }, { -1, ATTR0 + 2, 0 }, { -1, ATTR0 + 3, 0 },
	{ -1, ATTR0 + 4, 0 }, { -1, ATTR0 + 5, 0 }, { -1, ATTR0 + 6, 0 },
	{ -1, ATTR0 + 7, 0 },
	{ -1, -1, 1 }, { -1, -1, 4 }, { -1, -1, 4096 }, { -1, 0xffffffff, 0 },
};

static void g_length(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hget(c, 0);
	uint32_t full;

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	full = nlh->nlmsg_len;
	h->len = bad_lens[i].send >= 0 ? (size_t)bad_lens[i].send : full;
	if (bad_lens[i].nlmsg_len >= 0)
		nlh->nlmsg_len = (uint32_t)bad_lens[i].nlmsg_len;
	else
		nlh->nlmsg_len = full + bad_lens[i].plus;
	snprintf(h->what, sizeof(h->what), "%zu bytes sent, nlmsg_len %u",
		 h->len, nlh->nlmsg_len);
	if (!h->len) {
		h->where = "netlink_sendmsg()";
		h->out = OUT_SEND_FAILS;
		h->err = ENODATA;
	} else if (h->len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > h->len) {
		h->where = AT_RCV_SKB;
		h->out = OUT_SILENCE;
	} else if (nlh->nlmsg_len < ATTR0) {
		expect_error(h, AT_FAMILY_RCV, EINVAL, MSG_ABSENT, NULL, -1);
	} else if (nlh->nlmsg_len == ATTR0) {
		expect_error(h, AT_MODULE, EINVAL, MSG_REQUIRED, MSG_NO_PID, -1);
		h->miss_type = BRKSCOPE_A_PID;
	} else if (nlh->nlmsg_len < full) {
		expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_LEFTOVER, -1);
	}
}

/* nla_len values that do not fit: below NLA_HDRLEN, or past the end. */
static const uint16_t bad_nla_lens[] = { 0, 1, NLA_HDRLEN - 1, NLA_HDRLEN + 5,
					 64, 0x7fff, 0xffff };

static void g_nla_len(const struct hctx *c, int i, struct hcase *h)
{
	bool second = i >= (int)ARRAY_SIZE(bad_nla_lens);
	uint16_t len = bad_nla_lens[i % ARRAY_SIZE(bad_nla_lens)];
	struct nlmsghdr *nlh = hget(c, 0);
	struct nlattr *attr;

	if (second)
		mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	attr->nla_len = len;
	h->len = nlh->nlmsg_len;
	snprintf(h->what, sizeof(h->what), "%s PID with nla_len %u",
		 second ? "second" : "only", len);
	expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_LEFTOVER, -1);
}

/*
 * Big: 64 KiB attributes; 64 KiB of zeros inside nlmsg_len, and after it
 * (netlink_rcv_skb() reads a header with nlmsg_len 0 there and stops);
 * the largest datagram the socket may send, and one byte more.
 */
static void fill_unknown(struct nlmsghdr *nlh, size_t total)
{
	while (nlh->nlmsg_len < total) {
		size_t room = total - nlh->nlmsg_len;
		size_t chunk = room < 0xfffc ? room : 0xfffc;

		put_zeros(nlh, BRKSCOPE_A_MAX + 1, chunk - NLA_HDRLEN);
	}
}

static void g_big(const struct hctx *c, int i, struct hcase *h)
{
	struct nlmsghdr *nlh = hget(c, 0);
	size_t total;

	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, c->live);
	switch (i) {
	case 0:
		put_zeros(nlh, BRKSCOPE_A_MAX + 1, BIG_PAYLOAD);
		snprintf(h->what, sizeof(h->what), "PID, then attr %u of %u bytes",
			 BRKSCOPE_A_MAX + 1, BIG_PAYLOAD);
		expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_UNKNOWN, ATTR1);
		break;
	case 1:
		put_zeros(nlh, BRKSCOPE_A_PAD, BIG_PAYLOAD);
		snprintf(h->what, sizeof(h->what), "PID, then PAD of %u bytes",
			 BIG_PAYLOAD);
		expect_error(h, AT_VALIDATE, EINVAL, MSG_REQUIRED, MSG_UNSPEC, ATTR1);
		break;
	case 2:
		put_padding(nlh, 64 << 10);
		snprintf(h->what, sizeof(h->what), "PID, then 64 KiB of zeros");
		expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_LEFTOVER, -1);
		break;
	case 3:
		memset(hbuf + nlh->nlmsg_len, 0, 64 << 10);
		h->len = nlh->nlmsg_len + (64 << 10);
		snprintf(h->what, sizeof(h->what),
			 "GET, then 64 KiB of zeros past nlmsg_len");
		expect_answer(h, AT_RCV_SKB, c->live);
		return;
	case 4:
	case 5:
		total = c->sndbuf - 32 + (i == 5);
		fill_unknown(nlh, total & ~3UL);
		if (i == 5) {
			hbuf[nlh->nlmsg_len] = 0;
			nlh->nlmsg_len = total;
		}
		snprintf(h->what, sizeof(h->what),
			 "%zu bytes (sk_sndbuf %zu - 32%s)", total, c->sndbuf,
			 i == 5 ? " + 1" : "");
		if (i == 4)
			expect_error(h, AT_NLA, EINVAL, MSG_REQUIRED, MSG_UNKNOWN, ATTR1);
		else {
			h->where = "netlink_sendmsg()";
			h->out = OUT_SEND_FAILS;
			h->err = EMSGSIZE;
		}
		break;
	}
	h->len = nlh->nlmsg_len;
}

static const struct hgroup {
	int n;
	void (*build)(const struct hctx *c, int i, struct hcase *h);
} hgroups[] = {
	{ NTYPES * NSHAPES, g_matrix },
	{ ARRAY_SIZE(bad_pids), g_pid_range },
	{ 2, g_pid_nobody },
	{ 7, g_pid_count },
	{ ARRAY_SIZE(bad_cmds), g_cmd },
	{ ARRAY_SIZE(bad_versions), g_version },
	{ ARRAY_SIZE(bad_reserved), g_reserved },
	{ 2 * ARRAY_SIZE(bad_flags), g_flags },
	{ ARRAY_SIZE(stats_attrs) + 2, g_stats },
	{ 5, g_dump },
	{ 6, g_envelope },
	{ ARRAY_SIZE(bad_lens), g_length },
	{ 2 * ARRAY_SIZE(bad_nla_lens), g_nla_len },
	{ 6, g_big },
};

/* Case i into hbuf and *h; false past the last one. */
static bool build_hostile(const struct hctx *c, int i, struct hcase *h)
{
	size_t g;

	memset(h, 0, sizeof(*h));
	h->offs = h->miss_type = -1;
	for (g = 0; g < ARRAY_SIZE(hgroups); g++) {
		if (i < hgroups[g].n) {
			hgroups[g].build(c, i, h);
			return true;
		}
		i -= hgroups[g].n;
	}
	return false;
}

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return true;
	return ma > major || (ma == major && mi >= minor);
}

/* What came back for one case. */
struct hresult {
	int send_err;		/* errno of sendto(), 0 */
	int recv_err;		/* errno of poll/recv other than a timeout */
	struct nl_ack ack;
	struct proc_info p;	/* GET replies with the request's seq */
	int stray;		/* messages of another seq, or after the ack */
};

/*
 * Send len bytes of hbuf; collect answers with the request's seq up to its
 * NLMSG_ERROR, then whatever else is queued.  The kernel handles a request
 * inside sendto(), so every answer is queued when it returns.
 */
static void hostile_transact(int fd, size_t len, bool silent,
			     struct hresult *r)
{
	uint32_t seq = ((const struct nlmsghdr *)hbuf)->nlmsg_seq;
	const struct nlmsghdr *nlh;
	int n, wait;

	memset(r, 0, sizeof(*r));
	n = nl_send(fd, hbuf, len);
	if (n) {
		r->send_err = -n;
		silent = true;
	}
	for (;;) {
		wait = r->ack.got || r->send_err ? 0 :
			silent ? SILENCE_MS : REPLY_TIMEOUT_MS;
		n = nl_recv(fd, rxbuf, sizeof(rxbuf), wait);
		if (n == -ETIMEDOUT)
			return;
		if (n < 0) {
			r->recv_err = -n;
			return;
		}
		for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (r->ack.got || nlh->nlmsg_seq != seq)
				r->stray++;
			else if (nlh->nlmsg_type == NLMSG_ERROR)
				parse_error(nlh, &r->ack);
			else if (nlh->nlmsg_type == NLMSG_DONE)
				parse_done(nlh, &r->ack);
			else
				get_reply(nlh, &r->p);
		}
	}
}

/* The helper's GET answer must equal the one taken at the start. */
static void expect_same_answer(struct __test_metadata *_metadata,
			       const struct proc_info *want,
			       const struct proc_info *p, const char *after)
{
	int t;

	EXPECT_EQ(want->pid, p->pid) TH_LOG("after '%s'", after);
	EXPECT_STREQ(want->comm, p->comm) TH_LOG("after '%s'", after);
	for (t = BRKSCOPE_A_PID; t <= BRKSCOPE_A_MAX; t++) {
		EXPECT_EQ(want->has[t], p->has[t])
			TH_LOG("after '%s': attribute %d", after, t);
		EXPECT_EQ(want->val[t], p->val[t])
			TH_LOG("after '%s': attribute %d", after, t);
	}
}

NL_TEST(hostile_requests_fail_with_exact_errno_and_extack)
{
	bool since_6_5 = kernel_at_least(6, 5);
	unsigned long before, after, stat_brk = 0;
	int pid, status, i, ncases = 0, bytes = SNDBUF_ASK;
	struct proc_info ref, p;
	struct hresult r;
	struct hcase h;
	struct hctx c;
	socklen_t optlen = sizeof(bytes);

	REQUIRE_FAMILY();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	add_other(_metadata, &self->others, pid);
	status = reap(&self->others, self->kids, pid);
	ASSERT_TRUE(WIFEXITED(status));

	/* The helper whose answer must survive every case, field by field. */
	spawn_heap_spy(_metadata, &self->kids[0], &before, &after);
	ASSERT_EQ(0, proc_start_brk(self->kids[0].pid, &stat_brk));
	get_ok(_metadata, self, self->kids[0].pid, &ref);
	ASSERT_EQ((uint32_t)self->kids[0].pid, ref.pid);
	ASSERT_STREQ("heap_spy", ref.comm);
	ASSERT_EQ(stat_brk, ref.val[BRKSCOPE_A_START_BRK]);
	ASSERT_EQ(before, ref.val[BRKSCOPE_A_START_BRK]);
	ASSERT_EQ(after, ref.val[BRKSCOPE_A_BRK]);
	ASSERT_EQ(page_align(after), ref.val[BRKSCOPE_A_HEAP_END]);
	ASSERT_EQ(1, ref.val[BRKSCOPE_A_GROWS]);
	ASSERT_EQ(page_align(after) - page_align(before),
		  ref.val[BRKSCOPE_A_GROWN_BYTES]);
	ASSERT_TRUE(ref.has[BRKSCOPE_A_TRACKED]);
	ASSERT_TRUE(ref.has[BRKSCOPE_A_LAST_CHANGE_NS]);

	/* A known send buffer, big enough for the 64 KiB cases. */
	ASSERT_EQ(0, setsockopt(self->sock, SOL_SOCKET, SO_SNDBUFFORCE, &bytes,
				sizeof(bytes))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, getsockopt(self->sock, SOL_SOCKET, SO_SNDBUF, &bytes, &optlen));
	ASSERT_LE((size_t)bytes, sizeof(hbuf));
	ASSERT_LT(ATTR1 + (64 << 10) + 32, bytes);

	c = (struct hctx){ .family = self->family, .live = self->kids[0].pid,
			   .me = getpid(), .gone = pid, .sndbuf = bytes };
	TH_LOG("helper heap_spy %u, this process %u, reaped %u, sk_sndbuf %d, kernel %s 6.5",
	       c.live, c.me, c.gone, bytes, since_6_5 ? ">=" : "<");

	for (i = 0; build_hostile(&c, i, &h); i++) {
		bool msg_due = h.msg == MSG_REQUIRED ||
			(h.msg == MSG_REQUIRED_SINCE_6_5 && since_6_5);
		int offs = h.msg == MSG_REQUIRED_SINCE_6_5 && !since_6_5 ? -1 : h.offs;

		ncases++;
		hostile_transact(self->sock, h.len, h.out == OUT_SILENCE, &r);
		TH_LOG("%3d %-42s [%s] -> %s %s, extack '%s', offs %d, miss_type %d, %d replies (pid %u)",
		       i, h.what, h.where,
		       r.send_err ? "sendto() failed" :
		       !r.ack.got ? (r.p.nmsgs ? "reply, no ack" : "no reply") :
		       r.p.nmsgs ? "answered" : r.ack.err ? "error" : "ack",
		       errname(r.send_err ? r.send_err : r.ack.err),
		       r.ack.has_msg ? r.ack.msg : "(none)",
		       r.ack.has_offs ? (int)r.ack.offs : -1,
		       r.ack.has_miss_type ? (int)r.ack.miss_type : -1,
		       r.p.nmsgs, r.p.pid);
		ASSERT_EQ(0, r.recv_err) TH_LOG("%s: socket: %s", h.what,
						strerror(r.recv_err));
		EXPECT_EQ(0, r.stray) TH_LOG("%s: unrelated messages", h.what);

		switch (h.out) {
		case OUT_SEND_FAILS:
			EXPECT_EQ(h.err, r.send_err) TH_LOG("%s", h.what);
			EXPECT_FALSE(r.ack.got) TH_LOG("%s", h.what);
			break;
		case OUT_SILENCE:
			EXPECT_EQ(0, r.send_err) TH_LOG("%s", h.what);
			EXPECT_FALSE(r.ack.got) TH_LOG("%s: answered", h.what);
			EXPECT_EQ(0, r.p.nmsgs) TH_LOG("%s: answered", h.what);
			break;
		case OUT_ACK:
		case OUT_ANSWER:
			ASSERT_TRUE(r.ack.got) TH_LOG("%s: no ack", h.what);
			EXPECT_EQ(0, r.ack.err) TH_LOG("%s: %s", h.what,
						       errname(r.ack.err));
			EXPECT_FALSE(r.ack.has_msg) TH_LOG("%s", h.what);
			EXPECT_EQ(h.out == OUT_ANSWER, r.p.nmsgs) TH_LOG("%s", h.what);
			if (h.out == OUT_ANSWER && r.p.nmsgs == 1) {
				EXPECT_EQ(0, r.p.bad_attr) TH_LOG("%s", h.what);
				EXPECT_EQ(0, r.p.bad_cmd) TH_LOG("%s", h.what);
				if (h.answer == c.live)
					expect_same_answer(_metadata, &ref, &r.p, h.what);
				EXPECT_EQ(h.answer, r.p.pid) TH_LOG("%s", h.what);
			}
			break;
		case OUT_ERROR:
			ASSERT_TRUE(r.ack.got) TH_LOG("%s: no answer", h.what);
			EXPECT_EQ(h.err, r.ack.err) TH_LOG("%s: %s", h.what,
							   errname(r.ack.err));
			EXPECT_EQ(0, r.p.nmsgs) TH_LOG("%s: answered", h.what);
			if (msg_due) {
				EXPECT_TRUE(r.ack.has_msg) TH_LOG("%s: no message", h.what);
				if (r.ack.has_msg)
					EXPECT_STREQ(h.text, r.ack.msg)
						TH_LOG("%s", h.what);
			} else {
				EXPECT_FALSE(r.ack.has_msg) TH_LOG("%s", h.what);
			}
			EXPECT_EQ(offs >= 0, r.ack.has_offs) TH_LOG("%s", h.what);
			if (offs >= 0 && r.ack.has_offs)
				EXPECT_EQ((uint32_t)offs, r.ack.offs) TH_LOG("%s", h.what);
			EXPECT_EQ(h.miss_type >= 0, r.ack.has_miss_type)
				TH_LOG("%s", h.what);
			if (h.miss_type >= 0 && r.ack.has_miss_type)
				EXPECT_EQ((uint32_t)h.miss_type, r.ack.miss_type)
					TH_LOG("%s", h.what);
			break;
		}

		/* The same socket still answers, with the same fields. */
		get_ok(_metadata, self, c.live, &p);
		expect_same_answer(_metadata, &ref, &p, h.what);
	}
	TH_LOG("figure: %d hostile netlink requests, each followed by a correct GET of pid %u",
	       ncases, c.live);
	EXPECT_LE(250, ncases);
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
	ev = events_open(f.group);
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
