// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope stress selftests: races and resource exhaustion (issue #5).
 *
 * Module reloads under load, a storm of short-lived processes (which must
 * leave the records and the module's memory as they were), threads racing
 * into brk(2), a full record table, and a subscriber that never reads.  Every expected number comes
 * from the processes themselves, /proc, or what the test did; none is a
 * constant.  Processes whose heap is measured move their break only with
 * the raw brk system call and never call malloc-backed stdio meanwhile.
 *
 * Environment:
 *   BRKSCOPE_KO           path of brkscope.ko; the tests that reload the
 *                         module skip without it, and leave it loaded with
 *                         default parameters
 *   BRKSCOPE_STORM_PROCS  processes the fork/exec/exit storm starts
 *                         (default 100000)
 *   BRKSCOPE_RELOAD_CYCLES unload/load cycles of the reload race (default
 *                         100)
 *
 * Helper: grow_once (static, no libc), found next to this binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "../module/uapi/brkscope.h"
#include "lib/files.h"
#include "lib/genl.h"
#include "lib/kids.h"	/* REPLY_TIMEOUT_MS */
#include "lib/module.h"

#define BRKSCOPE_DIR	"/sys/kernel/debug/brkscope"
#define STATS_PATH	BRKSCOPE_DIR "/stats"
#define PROCESSES_PATH	BRKSCOPE_DIR "/processes"
#define MODULE_SYSFS	"/sys/module/" MODULE_NAME
#define VMALLOCINFO	"/proc/vmallocinfo"
#define GROW_ONCE	"grow_once"

#define STORM_PROCS_ENV	"BRKSCOPE_STORM_PROCS"
#define STORM_PROCS_DEFAULT 100000
/* In flight at once: with two CPUs, 2 spawn faster than 4 or 1 (TCG). */
#define STORM_PARALLEL	2
/* Where the storm's copy of grow_once goes: see storm_copy(). */
#define STORM_DIR_TEMPLATE "/tmp/brkscope-storm.XXXXXX"

#define RELOAD_CYCLES_ENV "BRKSCOPE_RELOAD_CYCLES"
#define RELOAD_CYCLES_DEFAULT 100
#define RELOAD_STORMERS	4
#define RACE_THREADS	16
#define RACE_ROUNDS	200
#define TABLE_LIMIT	16		/* max_records of the full-table test */
#define TABLE_EXTRA	8		/* children beyond it */
#define FLOOD_GROWTHS	5000
#define FLOOD_RCVBUF	4096		/* the kernel doubles it */

#define WAIT_MS		60000		/* for helpers and the events worker */
#define UNLOAD_WAIT_MS	20000
#define GET_PROMPT_NS	1000000000ULL	/* "promptly": within a second */
#define SUB_RCVBUF	(32 << 20)
#define TEXT_MAX	(64 << 10)
#define LISTING_MAX	(4 << 20)
#define WHAT_LEN	160
#define KIDS_MAX	64
#define FAMILY_IDS	1024		/* generic netlink ids are below this */

#define STRESS_TEST(name)	TEST_F_TIMEOUT(stress, name, 300)
/* Storms: 100,000 processes take minutes under TCG, far more on KASAN. */
#define STRESS_SLOW_TEST(name)	TEST_F_TIMEOUT(stress, name, 7200)

#define REQUIRE_MODULE() do {						\
	if (geteuid())							\
		SKIP(return, "must run as root");			\
	if (!self->family || access(STATS_PATH, R_OK))			\
		SKIP(return, "module " MODULE_NAME " not loaded");	\
} while (0)

#define REQUIRE_KO() do {						\
	REQUIRE_MODULE();						\
	if (!self->ko)							\
		SKIP(return, "BRKSCOPE_KO (path of brkscope.ko) not set"); \
	ASSERT_EQ(0, access(self->ko, R_OK))				\
		TH_LOG("%s: %s", self->ko, strerror(errno));		\
} while (0)

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* ---- time, files, numbers ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double secs_since(uint64_t t0)
{
	return (now_ns() - t0) / 1e9;
}

/* Until *flag == want, polling every millisecond.  false on timeout. */
static bool wait_flag(const int *flag, int want, int timeout_ms)
{
	uint64_t end = now_ns() + timeout_ms * 1000000ULL;

	while (LOAD(flag) != want) {
		if (now_ns() > end)
			return false;
		usleep(1000);
	}
	return true;
}

static unsigned long cur_brk(void)
{
	return syscall(SYS_brk, 0);
}

/* Shared with forked helpers; never unmapped, the test process exits. */
static void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static char text[TEXT_MAX];
static char listing[LISTING_MAX];

/* One figure of debugfs's stats file ("key   value" lines), or -errno. */
static long long stat_value(const char *key)
{
	size_t klen = strlen(key);
	long long val;
	char *line, *end;

	if (read_file(STATS_PATH, text, sizeof(text)) < 0)
		return -ENOENT;
	for (line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, klen) || line[klen] != ' ')
			continue;
		errno = 0;
		val = strtoll(line + klen, &end, 10);
		return errno || (*end && *end != '\n') ? -EPROTO : val;
	}
	return -ENOENT;
}

/* Lines of debugfs's processes file for pid, or -errno. */
static int records_of(int pid)
{
	char *line, *next;
	int n = 0;
	ssize_t len = read_file(PROCESSES_PATH, listing, sizeof(listing));

	if (len < 0)
		return len;
	line = strchr(listing, '\n');		/* skip the header */
	for (; line && *line; line = next) {
		next = strchr(++line, '\n');
		if (*line && atoi(line) == pid)
			n++;
	}
	return n;
}

/* The grow_once binary next to this one, in buf. */
static int helper_path(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + sizeof("/" GROW_ONCE) > size)
		return -ENAMETOOLONG;
	strcpy(slash + 1, GROW_ONCE);
	return 0;
}

/* BRKSCOPE_STORM_PROCS, or the default; 0 if it is not a positive number. */
/* A positive count from the environment, its default if unset, else 0. */
static long env_count(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long n;

	if (!s)
		return dflt;
	errno = 0;
	n = strtol(s, &end, 10);
	return errno || end == s || *end || n <= 0 || n > INT_MAX ? 0 : n;
}

static long storm_procs(void)
{
	return env_count(STORM_PROCS_ENV, STORM_PROCS_DEFAULT);
}

/* ---- the module ---- */

/* ---- generic netlink ---- */

/* The module registers its family with the events group: both must be there. */
static int resolve_brkscope(int fd, struct family *f)
{
	int ret = resolve(fd, BRKSCOPE_FAMILY_NAME, BRKSCOPE_MCGRP_EVENTS, f);

	return !ret && !f->group ? -EPROTO : ret;
}

/* GET (do) of one pid: 0 with *p filled, or -errno. */
static int nl_get(int fd, uint16_t family, int pid, struct proc_info *p)
{
	struct nlmsghdr *nlh;
	int ret;

	memset(p, 0, sizeof(*p));
	nlh = genl_msg(reqbuf, sizeof(reqbuf), family, BRKSCOPE_CMD_GET,
		       BRKSCOPE_FAMILY_VERSION, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, pid);
	ret = nl_talk(fd, nlh, get_reply, p);
	if (!ret && (p->nmsgs != 1 || p->bad || p->pid != (uint32_t)pid))
		ret = -EPROTO;
	return ret;
}

/*
 * A BRKSCOPE_CMD_EVENT message with well-formed attributes, among them its
 * sequence number, pid, type and source; false if it is not one.
 */
static bool event_ok(const struct nlmsghdr *nlh, struct brk_event *ev)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const unsigned int want = EVENT_BIT(BRKSCOPE_A_EVENT_SEQ) |
		EVENT_BIT(BRKSCOPE_A_PID) | EVENT_BIT(BRKSCOPE_A_EVENT_TYPE) |
		EVENT_BIT(BRKSCOPE_A_EVENT_SOURCE);

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    g->cmd != BRKSCOPE_CMD_EVENT)
		return false;
	parse_event(nlh, ev);
	return !ev->bad_attr && (ev->seen & want) == want;
}

/* ---- the fixture ---- */

FIXTURE(stress) {
	const char *ko;
	int nl;			/* for GET and nlctrl */
	uint16_t family;	/* 0: the module is not loaded */
	/* Teardown reloads the module with default parameters. */
	bool module_changed;
	int kids[KIDS_MAX];
	int nkids;
	char storm_dir[sizeof(STORM_DIR_TEMPLATE)];	/* "": none made */
	char storm_exe[sizeof(STORM_DIR_TEMPLATE "/" GROW_ONCE)];
};

FIXTURE_SETUP(stress)
{
	struct family f;

	page_size = sysconf(_SC_PAGESIZE);
	self->ko = getenv("BRKSCOPE_KO");
	self->nl = nl_open();
	ASSERT_LE(0, self->nl) TH_LOG("netlink socket: %s", strerror(-self->nl));
	if (!resolve_brkscope(self->nl, &f))
		self->family = f.id;
}

static void kill_kids(FIXTURE_DATA(stress) *self)
{
	int i;

	for (i = 0; i < self->nkids; i++)
		kill(self->kids[i], SIGKILL);
	for (i = 0; i < self->nkids; i++)
		waitpid(self->kids[i], NULL, 0);
	self->nkids = 0;
}

FIXTURE_TEARDOWN(stress)
{
	kill_kids(self);
	if (self->storm_dir[0]) {
		unlink(self->storm_exe);
		rmdir(self->storm_dir);
	}
	if (self->module_changed) {
		if (!access(MODULE_SYSFS, F_OK))
			unload_module(UNLOAD_WAIT_MS, NULL);
		load_module(self->ko, "");
	}
	close(self->nl);
}

/* fork(), remembering the child for teardown; 0 in the child. */
static int fork_kid(struct __test_metadata *_metadata,
		    FIXTURE_DATA(stress) *self)
{
	int pid;

	ASSERT_GT(KIDS_MAX, self->nkids);
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (pid)
		self->kids[self->nkids++] = pid;
	return pid;
}

/* Time spent in delete_module and finit_module, for the logs. */
static uint64_t unload_ns, load_ns;

/* Unload and load with params; the fixture's family id follows. */
static void reload(struct __test_metadata *_metadata,
		   FIXTURE_DATA(stress) *self, const char *params, long *busy)
{
	struct family f;
	uint64_t t0;
	int err;

	self->module_changed = true;
	t0 = now_ns();
	err = unload_module(UNLOAD_WAIT_MS, busy);
	unload_ns += now_ns() - t0;
	ASSERT_EQ(0, err) TH_LOG("delete_module: %s", strerror(err));
	ASSERT_NE(0, access(MODULE_SYSFS, F_OK));
	t0 = now_ns();
	err = load_module(self->ko, params);
	load_ns += now_ns() - t0;
	ASSERT_EQ(0, err) TH_LOG("finit_module(%s, \"%s\"): %s", self->ko,
				 params, strerror(err));
	self->module_changed = *params;
	err = resolve_brkscope(self->nl, &f);
	ASSERT_EQ(0, err) TH_LOG("family after load: %s", strerror(-err));
	self->family = f.id;
}

/* GET of pid must work, and show its live break and /proc's start_brk. */
static void get_live(struct __test_metadata *_metadata,
		     FIXTURE_DATA(stress) *self, int pid, unsigned long brk,
		     struct proc_info *p)
{
	int err = nl_get(self->nl, self->family, pid, p);
	unsigned long start_brk = 0;

	ASSERT_EQ(0, err) TH_LOG("GET %d: %s", pid, strerror(-err));
	EXPECT_EQ(brk, p->val[BRKSCOPE_A_BRK]) TH_LOG("pid %d", pid);
	EXPECT_EQ(page_align(brk), p->val[BRKSCOPE_A_HEAP_END]);
	EXPECT_EQ(0, proc_start_brk(pid, &start_brk)) TH_LOG("pid %d", pid);
	EXPECT_EQ(start_brk, p->val[BRKSCOPE_A_START_BRK]) TH_LOG("pid %d", pid);
}

/* ---- 1: module reloads racing everything else ---- */

struct reload_shared {
	int stop;
	int storm_pid[RELOAD_STORMERS];
	int storm_state[RELOAD_STORMERS];	/* 1 storming, 2 reported */
	unsigned long storm_brk[RELOAD_STORMERS];

	int sub_state;				/* 1 subscribed, 2 done */
	int sub_family;				/* of its latest event */
	long sub_events, sub_loads, sub_disorder, sub_malformed, sub_overruns;
	int sub_err;
	char sub_what[WHAT_LEN];

	int dump_state;				/* 1 dumping, 2 done */
	long dumps_done, dumps_absent, dumps_going, dumps_bad;
	char dump_what[WHAT_LEN];
};

/* Grow and shrink until told to stop; then grow once and report. */
static void __attribute__((noreturn))
reload_stormer(struct reload_shared *sh, int i)
{
	unsigned long base = cur_brk(), k = 1;

	STORE(&sh->storm_state[i], 1);
	while (!LOAD(&sh->stop)) {
		syscall(SYS_brk, base + k * page_size);
		syscall(SYS_brk, base);
		k = k % 4 + 1;
	}
	syscall(SYS_brk, base + (i + 1) * page_size);
	STORE(&sh->storm_brk[i], cur_brk());
	STORE(&sh->storm_state[i], 2);
	for (;;)
		pause();
}

static char subbuf[NL_RX_SIZE];

/*
 * Subscribe to the events group and to nlctrl's notifications; on each new
 * registration of the family (NEWFAMILY) join its group again, as rmmod
 * took the membership away.  Each load registers the family under a new id
 * (nlctrl allocates ids cyclically), and events carry that id as their
 * message type: so events are told apart by load without trusting their
 * order, and sequence numbers must increase within each id.
 */
static void __attribute__((noreturn)) reload_subscriber(struct reload_shared *sh)
{
	static uint64_t last_seq[FAMILY_IDS];
	static long count[FAMILY_IDS];
	int ctl = nl_open(), sub = nl_open(), size = SUB_RCVBUF, n, err;
	struct family_query q;
	const struct nlmsghdr *nlh;
	struct family ctrl, f;
	struct brk_event ev;

	if (ctl < 0 || sub < 0) {
		sh->sub_err = ctl < 0 ? -ctl : -sub;
		goto out;
	}
	setsockopt(sub, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	err = resolve(ctl, "nlctrl", "notify", &ctrl);
	if (!err)
		err = nl_join(sub, ctrl.group);
	if (!err)
		err = resolve_brkscope(ctl, &f);
	if (!err)
		err = nl_join(sub, f.group);
	if (!err)
		err = events_arm(ctl, f.id);
	if (err) {
		sh->sub_err = -err;
		snprintf(sh->sub_what, WHAT_LEN, "subscribing");
		goto out;
	}
	STORE(&sh->sub_state, 1);
	while (!LOAD(&sh->stop)) {
		n = nl_recv(sub, subbuf, sizeof(subbuf), 100);
		if (n == -ETIMEDOUT)
			continue;
		if (n == -ENOBUFS) {
			/* Notifications may be lost too: ask. */
			sh->sub_overruns++;
			if (!resolve_brkscope(ctl, &f) && !nl_join(sub, f.group))
				events_arm(ctl, f.id);
			continue;
		}
		if (n < 0) {
			sh->sub_err = -n;
			snprintf(sh->sub_what, WHAT_LEN, "recv");
			break;
		}
		for (nlh = (const struct nlmsghdr *)subbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
			unsigned int id = nlh->nlmsg_type;

			if (id == GENL_ID_CTRL) {
				memset(&q, 0, sizeof(q));
				q.name = BRKSCOPE_FAMILY_NAME;
				q.group = BRKSCOPE_MCGRP_EVENTS;
				family_msg(nlh, &q);
				if (g->cmd == CTRL_CMD_NEWFAMILY && q.named &&
				    q.f.group && ((err = nl_join(sub, q.f.group)) ||
						  (err = events_arm(ctl, q.f.id)))) {
					sh->sub_err = -err;
					snprintf(sh->sub_what, WHAT_LEN,
						 "joining group %u and arming", q.f.group);
				}
				continue;
			}
			if (id >= FAMILY_IDS || !event_ok(nlh, &ev)) {
				if (!sh->sub_malformed++)
					snprintf(sh->sub_what, WHAT_LEN,
						 "malformed event, type %u", id);
				continue;
			}
			if (count[id] && ev.seq <= last_seq[id] &&
			    !sh->sub_disorder++)
				snprintf(sh->sub_what, WHAT_LEN,
					 "family %u: seq %llu after %llu", id,
					 (unsigned long long)ev.seq,
					 (unsigned long long)last_seq[id]);
			if (!count[id]++)
				sh->sub_loads++;
			last_seq[id] = ev.seq;
			sh->sub_events++;
			STORE(&sh->sub_family, (int)id);
		}
	}
out:
	STORE(&sh->sub_state, 2);
	_exit(0);
}

struct dump_check {
	const struct reload_shared *sh;
	uint16_t family;
	uint32_t last_pid;
	int storm_seen[RELOAD_STORMERS];
	int bad;
	char what[WHAT_LEN];
};

static void dump_msg(const struct nlmsghdr *nlh, void *data)
{
	struct dump_check *d = data;
	struct proc_info p;
	int i;

	if (d->bad)
		return;
	parse_proc(nlh, &p);
	if (nlh->nlmsg_type != d->family || !(nlh->nlmsg_flags & NLM_F_MULTI) ||
	    p.bad || !p.has[BRKSCOPE_A_PID] || !p.has[BRKSCOPE_A_BRK] ||
	    !p.has[BRKSCOPE_A_START_BRK] || !p.has[BRKSCOPE_A_GROWS]) {
		d->bad = 1;
		snprintf(d->what, WHAT_LEN, "malformed message after pid %u",
			 d->last_pid);
		return;
	}
	if (p.pid <= d->last_pid) {	/* out of order, or twice */
		d->bad = 1;
		snprintf(d->what, WHAT_LEN, "pid %u after pid %u", p.pid,
			 d->last_pid);
		return;
	}
	d->last_pid = p.pid;
	for (i = 0; i < RELOAD_STORMERS; i++)
		if ((int)p.pid == d->sh->storm_pid[i])
			d->storm_seen[i]++;
}

/*
 * Dump every process again and again.  Between loads the family is gone
 * ("not found" from nlctrl, or from genetlink for an id that died), and
 * while rmmod runs the module exit the family is still there but a dump
 * cannot take a reference on the module: both are counted, not errors.  A dump that completes must list every process in
 * pid order, each once, the stormers (alive throughout) included.
 */
static void __attribute__((noreturn)) reload_dumper(struct reload_shared *sh)
{
	struct dump_check d;
	struct nlmsghdr *req;
	struct family f;
	int fd = nl_open(), ret, i;

	if (fd < 0) {
		sh->dumps_bad++;
		snprintf(sh->dump_what, WHAT_LEN, "socket: %s", strerror(-fd));
		goto out;
	}
	STORE(&sh->dump_state, 1);
	while (!LOAD(&sh->stop)) {
		ret = resolve_brkscope(fd, &f);
		if (!ret) {
			memset(&d, 0, sizeof(d));
			d.sh = sh;
			d.family = f.id;
			req = genl_msg(reqbuf, sizeof(reqbuf), f.id,
				       BRKSCOPE_CMD_GET, BRKSCOPE_FAMILY_VERSION,
				       NLM_F_REQUEST | NLM_F_DUMP);
			ret = nl_talk(fd, req, dump_msg, &d);
		}
		/*
		 * ENOENT: no such family (any more).  EPROTONOSUPPORT: the
		 * module is going, genetlink could not take a reference.
		 */
		if (ret == -ENOENT || ret == -EPROTONOSUPPORT) {
			if (ret == -ENOENT)
				sh->dumps_absent++;
			else
				sh->dumps_going++;
			usleep(1000);
			continue;
		}
		for (i = 0; !ret && !d.bad && i < RELOAD_STORMERS; i++) {
			if (d.storm_seen[i] != 1) {
				d.bad = 1;
				snprintf(d.what, WHAT_LEN, "stormer %d listed %d times",
					 sh->storm_pid[i], d.storm_seen[i]);
			}
		}
		if (ret || d.bad) {
			if (!sh->dumps_bad++)
				snprintf(sh->dump_what, WHAT_LEN, "%s",
					 ret ? strerror(-ret) : d.what);
			continue;
		}
		sh->dumps_done++;
	}
out:
	STORE(&sh->dump_state, 2);
	_exit(0);
}

/*
 * BRKSCOPE_RELOAD_CYCLES unload/load cycles while stormers grow and shrink
 * their heaps, a subscriber follows the events of every load, and dumps run
 * back to back.
 * Every unload and load succeeds, every completed dump is well-formed, the
 * subscriber sees events of every load with increasing sequence numbers,
 * and after the last load GET answers each stormer with its own break.
 */
STRESS_SLOW_TEST(module_reloads_race_brk_storm_events_and_dumps)
{
	struct reload_shared *sh;
	struct family f;
	struct proc_info p;
	long busy = 0, cycles = env_count(RELOAD_CYCLES_ENV, RELOAD_CYCLES_DEFAULT);
	uint64_t t0;
	int i, cycle, pid, err;

	REQUIRE_KO();
	ASSERT_LT(0, cycles) TH_LOG("%s=\"%s\" is not a positive number",
				    RELOAD_CYCLES_ENV, getenv(RELOAD_CYCLES_ENV));
	sh = shared_alloc(sizeof(*sh));
	ASSERT_NE(NULL, sh);

	for (i = 0; i < RELOAD_STORMERS; i++) {
		pid = fork_kid(_metadata, self);
		if (!pid)
			reload_stormer(sh, i);
		sh->storm_pid[i] = pid;
	}
	for (i = 0; i < RELOAD_STORMERS; i++)
		ASSERT_TRUE(wait_flag(&sh->storm_state[i], 1, WAIT_MS));
	if (!fork_kid(_metadata, self))
		reload_subscriber(sh);
	if (!fork_kid(_metadata, self))
		reload_dumper(sh);
	ASSERT_TRUE(wait_flag(&sh->sub_state, 1, WAIT_MS))
		TH_LOG("subscriber: %s: %s", sh->sub_what, strerror(sh->sub_err));
	ASSERT_TRUE(wait_flag(&sh->dump_state, 1, WAIT_MS));
	ASSERT_TRUE(wait_flag(&sh->sub_family, self->family, WAIT_MS))
		TH_LOG("no event of the first load reached the subscriber");

	t0 = now_ns();
	unload_ns = load_ns = 0;
	for (cycle = 0; cycle < cycles; cycle++) {
		reload(_metadata, self, "", &busy);
		/* Every load: the subscriber joined again and hears the storm. */
		ASSERT_TRUE(wait_flag(&sh->sub_family, self->family,
				      WAIT_MS))
			TH_LOG("cycle %d: no event of family %u reached the subscriber (%s %s)",
			       cycle, self->family, sh->sub_what,
			       strerror(sh->sub_err));
	}
	TH_LOG("figure: %ld unload/load cycles under a brk storm, a subscriber and dumps, in %.1f s (unloading %.1f s, loading %.1f s); %ld unloads retried (a dump held the module)",
	       cycles, secs_since(t0), unload_ns / 1e9, load_ns / 1e9,
	       busy);

	STORE(&sh->stop, 1);
	for (i = 0; i < RELOAD_STORMERS; i++)
		ASSERT_TRUE(wait_flag(&sh->storm_state[i], 2, WAIT_MS));
	ASSERT_TRUE(wait_flag(&sh->sub_state, 2, WAIT_MS));
	ASSERT_TRUE(wait_flag(&sh->dump_state, 2, WAIT_MS));

	TH_LOG("subscriber: %ld events of %ld loads, %ld overruns",
	       sh->sub_events, sh->sub_loads, sh->sub_overruns);
	EXPECT_EQ(0, sh->sub_err) TH_LOG("%s: %s", sh->sub_what,
					 strerror(sh->sub_err));
	EXPECT_EQ(0, sh->sub_malformed) TH_LOG("%s", sh->sub_what);
	EXPECT_EQ(0, sh->sub_disorder) TH_LOG("%s", sh->sub_what);
	EXPECT_EQ(cycles + 1, sh->sub_loads);

	TH_LOG("dumps: %ld complete, %ld found no family, %ld found the module going",
	       sh->dumps_done, sh->dumps_absent, sh->dumps_going);
	EXPECT_EQ(0, sh->dumps_bad) TH_LOG("%s", sh->dump_what);
	EXPECT_LT(0, sh->dumps_done);

	err = resolve_brkscope(self->nl, &f);
	ASSERT_EQ(0, err);
	ASSERT_EQ(self->family, f.id);
	for (i = 0; i < RELOAD_STORMERS; i++) {
		get_live(_metadata, self, sh->storm_pid[i], sh->storm_brk[i], &p);
		EXPECT_TRUE(p.has[BRKSCOPE_A_TRACKED]) TH_LOG("stormer %d", i);
	}
}

/* ---- 2: a fork/exec/exit storm ---- */

/*
 * Copy grow_once into a new directory under /tmp, for the storm to exec.
 * In the test guests the binaries sit on the host's root over 9p, where
 * every exec looks the file up and reads it again: from the guest's tmpfs
 * a spawn costs a fifth less on the debug kernel.  Teardown removes it.
 */
static int storm_copy(FIXTURE_DATA(stress) *self, const char *src)
{
	char buf[4096];
	int in, out, err = 0;
	ssize_t n, w;

	strcpy(self->storm_dir, STORM_DIR_TEMPLATE);
	if (!mkdtemp(self->storm_dir)) {
		self->storm_dir[0] = '\0';
		return -errno;
	}
	snprintf(self->storm_exe, sizeof(self->storm_exe), "%s/%s",
		 self->storm_dir, GROW_ONCE);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(self->storm_exe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while (!err && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			err = -errno;
			break;
		}
		w = write(out, buf, n);
		if (w != n)
			err = w < 0 ? -errno : -EIO;
	}
	close(in);
	if (close(out) && !err)
		err = -errno;
	return err;
}

/*
 * posix_spawn() n grow_once processes, STORM_PARALLEL at a time, and reap
 * them all.  Returns how many could not be spawned or did not exit 0;
 * *wraps counts the times a pid came out below the one before (the kernel
 * went past pid_max and reused pids: records must not mix them up).
 */
static long exec_storm(const char *path, long n, long *wraps)
{
	char *argv[] = { GROW_ONCE, NULL }, *envp[] = { NULL };
	long started = 0, running = 0, done = 0, bad = 0;
	int pid, last = 0, status;

	*wraps = 0;
	while (started < n || running) {
		if (started < n && running < STORM_PARALLEL) {
			started++;
			if (posix_spawn(&pid, path, NULL, NULL, argv, envp)) {
				bad++;
				continue;
			}
			running++;
			if (pid < last)
				(*wraps)++;
			last = pid;
			continue;
		}
		pid = waitpid(-1, &status, 0);
		if (pid < 0)
			return bad + running;
		running--;
		done++;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
		/*
		 * A tenth at a time, a line: on a busy host the debug kernel's
		 * storm runs many minutes, and vm-run.sh's watchdog takes a
		 * guest that says nothing for 20 minutes for a hung one.
		 */
		if (n >= 10 && done % (n / 10) == 0) {
			printf("# storm: %ld of %ld processes done\n", done, n);
			fflush(stdout);
		}
	}
	return bad;
}

/* A grow_once that holds: its pid, with its break and stdin's write end. */
static int spawn_holder(struct __test_metadata *_metadata,
			FIXTURE_DATA(stress) *self, const char *path,
			unsigned long *brk, int *stdin_fd)
{
	char *argv[] = { GROW_ONCE, "hold", NULL }, *envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	int in[2], out[2], pid, n;
	struct pollfd pfd;

	ASSERT_EQ(0, pipe2(in, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	ASSERT_EQ(0, posix_spawn_file_actions_init(&fa));
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	ASSERT_EQ(0, posix_spawn(&pid, path, &fa, NULL, argv, envp));
	posix_spawn_file_actions_destroy(&fa);
	ASSERT_GT(KIDS_MAX, self->nkids);
	self->kids[self->nkids++] = pid;
	close(in[0]);
	close(out[1]);
	pfd = (struct pollfd){ .fd = out[0], .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS));
	n = read(out[0], brk, sizeof(*brk));
	close(out[0]);
	ASSERT_EQ((int)sizeof(*brk), n);
	*stdin_fd = in[1];
	return pid;
}

/* EOF on the holder's stdin; it exits and is reaped. */
static void release_holder(struct __test_metadata *_metadata,
			   FIXTURE_DATA(stress) *self, int pid, int stdin_fd)
{
	int status;

	close(stdin_fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(pid, self->kids[self->nkids - 1]);
	self->nkids--;
}

/*
 * Give this process a record now if it has none: a malloc() later must not
 * be what changes records_in_use.
 */
static void own_record(void)
{
	unsigned long brk = cur_brk();

	syscall(SYS_brk, brk + page_size);
	syscall(SYS_brk, brk);
}

/* Bytes of /proc/vmallocinfo areas allocated by the module, and how many. */
static long long module_vmalloc(int *areas)
{
	char *line, *next;
	long long sum = 0, size;
	ssize_t len = read_file(VMALLOCINFO, listing, sizeof(listing));

	*areas = 0;
	if (len < 0)
		return len;
	for (line = listing; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		/* "0xSTART-0xEND  SIZE  caller+0x12/0x34 [module] pages=..." */
		if (!strstr(line, " [" MODULE_NAME "]"))
			continue;
		if (sscanf(line, "%*s %lld", &size) != 1)
			return -EPROTO;
		(*areas)++;
		sum += size;
	}
	return sum;
}

/*
 * BRKSCOPE_STORM_PROCS processes grow their heap once and exit: afterwards
 * records_in_use is exactly what it was before.  It can fail: a holder
 * spawned afterwards shows that each live process that grew holds one
 * record (records_in_use one above the start), so a record left behind by
 * any of the storm's processes (a missed or wrong exit_mmap) would show.
 *
 * The module's memory is the same too.  It allocates at load time and none
 * per process, and vzallocs what it keeps (module/records.c says why), so
 * /proc/vmallocinfo's areas attributed to it must be the same in number
 * and bytes.  That can fail as well: a vmalloc the module does during the
 * storm and keeps adds an area, one it frees removes one.  kmalloc'ed
 * leaks are what kmemleak finds on the debug kernel (make check-debug).
 */
STRESS_SLOW_TEST(exec_storm_leaves_records_and_module_memory_as_they_were)
{
	long n = storm_procs(), bad, wraps;
	long long in_use0, in_use, hits0, hits, missed0, missed, bytes0, bytes;
	int areas0, areas;
	unsigned long brk;
	char path[PATH_MAX];
	struct proc_info p;
	uint64_t t0;
	double secs;
	int pid, fd, err;

	REQUIRE_MODULE();
	ASSERT_LT(0, n) TH_LOG("%s=\"%s\" is not a positive number",
			       STORM_PROCS_ENV, getenv(STORM_PROCS_ENV));
	ASSERT_EQ(0, helper_path(path, sizeof(path)));
	ASSERT_EQ(0, access(path, X_OK)) TH_LOG("%s: %s", path, strerror(errno));
	err = storm_copy(self, path);
	ASSERT_EQ(0, err) TH_LOG("copying %s to %s: %s", path,
				 self->storm_dir[0] ? self->storm_exe : STORM_DIR_TEMPLATE,
				 strerror(-err));
	TH_LOG("%ld processes of %s (%s %s), %d at a time", n, self->storm_exe,
	       STORM_PROCS_ENV,
	       getenv(STORM_PROCS_ENV) ? "set" : "unset: the default",
	       STORM_PARALLEL);

	own_record();
	bytes0 = module_vmalloc(&areas0);
	ASSERT_LE(0, bytes0) TH_LOG("%s: %s", VMALLOCINFO, strerror(-bytes0));
	/* The record pool and the event ring, at least (vcalloc()ed). */
	ASSERT_LE(2, areas0) TH_LOG("%d vmalloc areas of the module's", areas0);
	in_use0 = stat_value("records_in_use");
	hits0 = stat_value("do_brk_flags_hits");
	missed0 = stat_value("exit_mmap_missed");
	ASSERT_LE(0, in_use0);
	t0 = now_ns();
	bad = exec_storm(self->storm_exe, n, &wraps);
	secs = secs_since(t0);
	in_use = stat_value("records_in_use");
	hits = stat_value("do_brk_flags_hits");
	missed = stat_value("exit_mmap_missed");
	bytes = module_vmalloc(&areas);
	TH_LOG("figure: %ld processes spawned, grew and exited in %.1f s (%.0f us each); pids wrapped %ld times",
	       n, secs, secs * 1e6 / n, wraps);
	TH_LOG("module vmalloc: %d areas, %lld bytes before; %d, %lld after",
	       areas0, bytes0, areas, bytes);

	ASSERT_EQ(0, bad) TH_LOG("%ld processes failed to spawn or exit 0", bad);
	EXPECT_LE(n, hits - hits0) TH_LOG("every process's growth was probed");
	EXPECT_EQ(missed0, missed);
	EXPECT_EQ(in_use0, in_use);
	EXPECT_EQ(areas0, areas);
	EXPECT_EQ(bytes0, bytes);

	pid = spawn_holder(_metadata, self, path, &brk, &fd);
	EXPECT_EQ(in_use0 + 1, stat_value("records_in_use"));
	get_live(_metadata, self, pid, brk, &p);
	EXPECT_TRUE(p.has[BRKSCOPE_A_TRACKED]);
	EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(page_size, p.val[BRKSCOPE_A_GROWN_BYTES]);
	release_holder(_metadata, self, pid, fd);
	EXPECT_EQ(in_use0, stat_value("records_in_use"));
}

/* ---- 3: threads racing into brk(2) ---- */

struct race_shared {
	int state;		/* 1 threads waiting, 2 go, 3 done */
	int err;
	unsigned long base, end;
};

static pthread_barrier_t race_start, race_round;
static unsigned long race_base;

static void *race_thread(void *arg)
{
	int r;

	(void)arg;
	pthread_barrier_wait(&race_start);
	for (r = 1; r <= RACE_ROUNDS; r++) {
		pthread_barrier_wait(&race_round);
		syscall(SYS_brk, race_base + r * page_size);
	}
	return NULL;
}

static void __attribute__((noreturn)) race_child(struct race_shared *sh)
{
	pthread_t tids[RACE_THREADS];
	int i, err;

	pthread_barrier_init(&race_start, NULL, RACE_THREADS + 1);
	pthread_barrier_init(&race_round, NULL, RACE_THREADS);
	for (i = 0; i < RACE_THREADS; i++) {
		err = pthread_create(&tids[i], NULL, race_thread, NULL);
		if (err) {
			sh->err = err;
			STORE(&sh->state, 3);
			_exit(1);
		}
	}
	/* Threads made, nothing else will move the break: start here. */
	race_base = cur_brk();
	sh->base = race_base;
	STORE(&sh->state, 1);
	wait_flag(&sh->state, 2, INT_MAX);
	pthread_barrier_wait(&race_start);
	for (i = 0; i < RACE_THREADS; i++)
		pthread_join(tids[i], NULL);
	sh->end = cur_brk();
	STORE(&sh->state, 3);
	for (;;)
		pause();
}

/*
 * brk(2) takes an address, not an increment: a thread that computes "my
 * break + one page" and calls brk() races the others between the two, so
 * unsynchronised threads cannot each grow the heap by exactly one page.
 * What is exact is this: in each round all threads call brk() with the same
 * target, one page above the last round's.  mmap_lock serialises them; the
 * first maps the page with do_brk_flags(), the others find the break already
 * in that page and map nothing.  So RACE_THREADS * RACE_ROUNDS concurrent
 * calls must count exactly RACE_ROUNDS growths of one page, in exactly one
 * record.  (Threads taking turns, each growth counted: brkscope_test's
 * threads_share_one_record.)
 */
STRESS_TEST(threads_racing_for_one_page_count_one_growth_per_round)
{
	struct race_shared *sh;
	long long in_use0, in_use;
	struct proc_info before, after;
	int pid, err;

	REQUIRE_MODULE();
	sh = shared_alloc(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	in_use0 = stat_value("records_in_use");
	pid = fork_kid(_metadata, self);
	if (!pid)
		race_child(sh);
	ASSERT_TRUE(wait_flag(&sh->state, 1, WAIT_MS));
	/* The threads' stacks and TLS may have grown the heap already. */
	get_live(_metadata, self, pid, sh->base, &before);
	STORE(&sh->state, 2);
	ASSERT_TRUE(wait_flag(&sh->state, 3, WAIT_MS));
	ASSERT_EQ(0, sh->err) TH_LOG("pthread_create: %s", strerror(sh->err));
	err = nl_get(self->nl, self->family, pid, &after);
	ASSERT_EQ(0, err);
	in_use = stat_value("records_in_use");

	TH_LOG("%d threads x %d rounds: %llu growths", RACE_THREADS, RACE_ROUNDS,
	       (unsigned long long)(after.val[BRKSCOPE_A_GROWS] -
				    before.val[BRKSCOPE_A_GROWS]));
	EXPECT_EQ(sh->base + RACE_ROUNDS * page_size, sh->end);
	EXPECT_EQ(sh->end, after.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(sh->end, after.val[BRKSCOPE_A_PEAK_BRK]);
	EXPECT_EQ(RACE_ROUNDS, after.val[BRKSCOPE_A_GROWS] -
		  before.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(RACE_ROUNDS * page_size, after.val[BRKSCOPE_A_GROWN_BYTES] -
		  before.val[BRKSCOPE_A_GROWN_BYTES]);
	EXPECT_EQ(before.val[BRKSCOPE_A_SHRINKS], after.val[BRKSCOPE_A_SHRINKS]);
	EXPECT_EQ(before.val[BRKSCOPE_A_FAILED_GROWS],
		  after.val[BRKSCOPE_A_FAILED_GROWS]);
	EXPECT_TRUE(after.has[BRKSCOPE_A_TRACKED]);
	EXPECT_EQ(1, records_of(pid));
	EXPECT_EQ(in_use0 + 1, in_use);
}

/* ---- 4: a full record table ---- */

struct table_shared {
	int state[TABLE_LIMIT + TABLE_EXTRA];
	unsigned long brk[TABLE_LIMIT + TABLE_EXTRA];
};

/*
 * With max_records=TABLE_LIMIT, TABLE_LIMIT + TABLE_EXTRA children grow
 * their heaps once, one after the other, and stay.  The table fills up
 * (records_in_use == TABLE_LIMIT); every growth that found it full is
 * counted once in records_dropped; each child with a record shows its one
 * growth, each without shows its live break and zero counters.
 */
STRESS_TEST(full_record_table_drops_exactly_the_untracked_growths)
{
	const int nkids = TABLE_LIMIT + TABLE_EXTRA;
	long long in_use0, dropped0, in_use, dropped;
	char params[64];
	struct table_shared *sh;
	int pid[TABLE_LIMIT + TABLE_EXTRA], tracked, i;
	struct proc_info p;

	REQUIRE_KO();
	sh = shared_alloc(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	snprintf(params, sizeof(params), "max_records=%d", TABLE_LIMIT);
	reload(_metadata, self, params, NULL);
	ASSERT_EQ(TABLE_LIMIT, stat_value("records_limit"));

	/* From here this process moves no break: no malloc, no stdio. */
	in_use0 = stat_value("records_in_use");
	dropped0 = stat_value("records_dropped");
	ASSERT_LE(0, in_use0);
	tracked = TABLE_LIMIT - in_use0;	/* what is left for the children */
	for (i = 0; i < nkids; i++) {
		pid[i] = fork_kid(_metadata, self);
		if (!pid[i]) {
			syscall(SYS_brk, cur_brk() + page_size);
			sh->brk[i] = cur_brk();
			STORE(&sh->state[i], 1);
			for (;;)
				pause();
		}
		ASSERT_TRUE(wait_flag(&sh->state[i], 1, WAIT_MS));
	}
	in_use = stat_value("records_in_use");
	dropped = stat_value("records_dropped");

	TH_LOG("max_records=%d: %d records were free, %d children",
	       TABLE_LIMIT, tracked, nkids);
	EXPECT_EQ(TABLE_LIMIT, in_use);
	EXPECT_EQ(nkids - tracked, dropped - dropped0);
	for (i = 0; i < nkids; i++) {
		get_live(_metadata, self, pid[i], sh->brk[i], &p);
		if (i < tracked) {
			EXPECT_TRUE(p.has[BRKSCOPE_A_TRACKED]) TH_LOG("child %d", i);
			EXPECT_EQ(1, p.val[BRKSCOPE_A_GROWS]);
			EXPECT_EQ(page_size, p.val[BRKSCOPE_A_GROWN_BYTES]);
			EXPECT_TRUE(p.has[BRKSCOPE_A_LAST_CHANGE_NS]);
		} else {
			EXPECT_FALSE(p.has[BRKSCOPE_A_TRACKED]) TH_LOG("child %d", i);
			EXPECT_EQ(0, p.val[BRKSCOPE_A_GROWS]);
			EXPECT_EQ(0, p.val[BRKSCOPE_A_GROWN_BYTES]);
			EXPECT_FALSE(p.has[BRKSCOPE_A_LAST_CHANGE_NS]);
		}
		EXPECT_EQ(0, p.val[BRKSCOPE_A_FAILED_GROWS]);
		EXPECT_EQ(0, p.val[BRKSCOPE_A_SHRINKS]);
	}

	kill_kids(self);
	reload(_metadata, self, "", NULL);
}

/* ---- 5: a subscriber that never reads ---- */

struct flood_shared {
	int state;		/* 1 flooded, 2 grew once more */
	unsigned long brk;
};

/* FLOOD_GROWTHS one-page growths; then one more when the pipe says so. */
static void __attribute__((noreturn)) flood_child(struct flood_shared *sh,
						  int cmd)
{
	unsigned long base = cur_brk();
	char c;
	int i;

	for (i = 1; i <= FLOOD_GROWTHS; i++)
		syscall(SYS_brk, base + i * page_size);
	sh->brk = cur_brk();
	STORE(&sh->state, 1);
	if (read(cmd, &c, 1) == 1)
		syscall(SYS_brk, sh->brk + page_size);
	sh->brk = cur_brk();
	STORE(&sh->state, 2);
	for (;;)
		pause();
}

/* events_sent + events_dropped: every event made while anyone listens. */
static long long events_made(void)
{
	return stat_value("events_sent") + stat_value("events_dropped");
}

/*
 * A subscriber with a small receive buffer never reads while a child makes
 * FLOOD_GROWTHS growth events.  events_dropped grows by exactly the events
 * that did not fit; draining the socket shows ENOBUFS, then what fitted; one
 * more event then arrives, and the sequence numbers skipped on the way add
 * up to the drop count.  Meanwhile a GET on another socket answers within
 * a second, correctly.
 */
STRESS_TEST(unread_subscriber_loses_counted_events_and_gets_stay_prompt)
{
	long long sent0, dropped0, made0, sent, dropped, delivered = 0;
	uint64_t first = 0, last = 0, gaps = 0, t0, took;
	int sub, size = FLOOD_RCVBUF, cmd[2], pid, n, err, wrong = 0;
	const struct nlmsghdr *nlh;
	struct flood_shared *sh;
	struct family f;
	struct brk_event ev;
	struct proc_info p;

	REQUIRE_MODULE();
	sh = shared_alloc(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	ASSERT_EQ(0, resolve_brkscope(self->nl, &f));
	sub = nl_open();
	ASSERT_LE(0, sub);
	ASSERT_EQ(0, setsockopt(sub, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)));
	ASSERT_EQ(0, nl_join(sub, f.group));
	ASSERT_EQ(0, events_arm(self->nl, f.id));
	ASSERT_EQ(0, pipe2(cmd, O_CLOEXEC));

	sent0 = stat_value("events_sent");
	dropped0 = stat_value("events_dropped");
	made0 = sent0 + dropped0;
	pid = fork_kid(_metadata, self);
	if (!pid)
		flood_child(sh, cmd[0]);
	ASSERT_TRUE(wait_flag(&sh->state, 1, WAIT_MS));
	t0 = now_ns();
	while (events_made() - made0 < FLOOD_GROWTHS && secs_since(t0) < WAIT_MS / 1000)
		usleep(10000);
	ASSERT_EQ(FLOOD_GROWTHS, events_made() - made0)
		TH_LOG("events made while the child grew: not its growths alone");

	/* The subscriber's socket is full: others must not wait for it. */
	t0 = now_ns();
	err = nl_get(self->nl, self->family, pid, &p);
	took = now_ns() - t0;
	ASSERT_EQ(0, err);
	TH_LOG("GET with a full subscriber: %.1f ms", took / 1e6);
	EXPECT_GT(GET_PROMPT_NS, took);
	EXPECT_EQ(sh->brk, p.val[BRKSCOPE_A_BRK]);
	EXPECT_EQ(FLOOD_GROWTHS, p.val[BRKSCOPE_A_GROWS]);
	EXPECT_EQ(FLOOD_GROWTHS * page_size, p.val[BRKSCOPE_A_GROWN_BYTES]);

	sent = stat_value("events_sent");
	dropped = stat_value("events_dropped");
	n = recv(sub, rxbuf, sizeof(rxbuf), MSG_DONTWAIT);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ENOBUFS, errno) TH_LOG("the overrun is reported first");
	while ((n = recv(sub, rxbuf, sizeof(rxbuf), MSG_DONTWAIT)) > 0) {
		for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (!event_ok(nlh, &ev) || ev.pid != (uint32_t)pid ||
			    ev.type != BRKSCOPE_EVENT_TYPE_GROW ||
			    ev.source != BRKSCOPE_EVENT_SOURCE_BRK ||
			    (delivered && ev.seq <= last)) {
				wrong++;
				continue;
			}
			if (delivered++)
				gaps += ev.seq - last - 1;
			else
				first = ev.seq;
			last = ev.seq;
		}
	}
	EXPECT_EQ(EAGAIN, errno);
	TH_LOG("%d growths: %lld events fitted in a %d-byte buffer, %lld dropped",
	       FLOOD_GROWTHS, delivered, FLOOD_RCVBUF, dropped - dropped0);
	EXPECT_EQ(0, wrong);
	ASSERT_LT(0, delivered);
	EXPECT_EQ(sent - sent0, delivered);
	EXPECT_EQ(FLOOD_GROWTHS - delivered, dropped - dropped0);

	/* A drained socket gets events again, numbered after the lost ones. */
	ASSERT_EQ(1, write(cmd[1], "g", 1));
	ASSERT_TRUE(wait_flag(&sh->state, 2, WAIT_MS));
	n = nl_recv(sub, rxbuf, sizeof(rxbuf), WAIT_MS);
	ASSERT_LT(0, n) TH_LOG("recv: %s", strerror(-n));
	nlh = (const struct nlmsghdr *)rxbuf;
	ASSERT_TRUE(mnl_nlmsg_ok(nlh, n) && event_ok(nlh, &ev));
	EXPECT_EQ((uint32_t)pid, ev.pid);
	EXPECT_EQ(first + FLOOD_GROWTHS, ev.seq);
	gaps += ev.seq - last - 1;
	EXPECT_EQ((uint64_t)(dropped - dropped0), gaps);
	EXPECT_EQ(dropped, stat_value("events_dropped"));
	close(sub);
}

TEST_HARNESS_MAIN
