// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope client selftests: check what the brkscope program prints, in
 * JSON and in text, against what the processes themselves report.
 *
 * Every expected address or size comes from a helper's own sbrk(0) reports
 * or from /proc/PID/stat field 47; none is a constant.
 *
 * JSON is parsed, never grepped: python3's json module reads the client's
 * output and prints it back flat, one "path=value" line per member:
 *   []=N or {}=N          the root array or object has N members
 *   P[]=N or P{}=N        so has the container at path P
 *   P=V                   a scalar: a decimal integer, null, true, false,
 *                         a JSON-quoted string, or float:<repr>
 * Paths join member names and array indexes with '.': "0.pid", "3{}".
 * For JSON Lines (monitor) the root is the array of lines.  Duplicate
 * keys, trailing garbage or an unterminated last line fail the parse.
 *
 * The client is ../userspace/brkscope from this binary's directory, or
 * $BRKSCOPE_CLIENT; python is $BRKSCOPE_PYTHON, /usr/bin/python3 or
 * python3 from $PATH.  The helpers heap_spy and brk_child sit next to this
 * binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/cgroup.h"
#include "lib/files.h"
#include "lib/kids.h"
#include "lib/module.h"
#include "../module/uapi/brkscope.h"

#define MODULE_SYSFS	"/sys/module/brkscope"
#define MAX_RECORDS_PATH MODULE_SYSFS "/parameters/max_records"

#define OUT_MAX		(1 << 20)	/* a client's or python's stdout */
#define ERR_MAX		(16 << 10)
#define FLAT_MAX	(4 << 20)
#define FLAT_LINES	65536
#define TEXT_MAX	(64 << 10)
#define ARGS_MAX	16
#define CMD_TIMEOUT_MS	60000
#define NOBODY		65534
#define GET_LABEL_WIDTH	13		/* "failed grows:" */
#define PROC_MEMBERS	16		/* members of a get/list object */
#define EVENT_MEMBERS	10		/* members of a monitor event */
#define COUNT_OPS_MAX	2000		/* grows tried while monitor -c runs */
/* the module's clock may be a tick coarser than ours */
#define CLOCK_SLACK_NS	(50ULL * 1000 * 1000)

#define CLIENT_TEST(name)	TEST_F_TIMEOUT(client, name, 180)

#define REQUIRE_BRKSCOPE()	REQUIRE_LOADED(MODULE_SYSFS)

/* Run the client with literal arguments: CLIENT(false, "-j", "stats"). */
#define CLIENT(unpriv, ...) \
	client(_metadata, unpriv, (const char *const[]){ __VA_ARGS__, NULL })

static const char flatten_py[] =
"import json, sys\n"
"def pairs(kv):\n"
"    d = {}\n"
"    for k, v in kv:\n"
"        if k in d:\n"
"            raise ValueError('duplicate key %r' % k)\n"
"        d[k] = v\n"
"    return d\n"
"def scalar(v):\n"
"    if v is None: return 'null'\n"
"    if v is True: return 'true'\n"
"    if v is False: return 'false'\n"
"    if isinstance(v, int): return str(v)\n"
"    if isinstance(v, float): return 'float:' + repr(v)\n"
"    return json.dumps(v)\n"
"def walk(path, v):\n"
"    pre = path + '.' if path else ''\n"
"    if isinstance(v, dict):\n"
"        print(path + '{}=%d' % len(v))\n"
"        for k, x in v.items():\n"
"            walk(pre + k, x)\n"
"    elif isinstance(v, list):\n"
"        print(path + '[]=%d' % len(v))\n"
"        for i, x in enumerate(v):\n"
"            walk(pre + str(i), x)\n"
"    else:\n"
"        print(path + '=' + scalar(v))\n"
"text = sys.stdin.read()\n"
"if sys.argv[1] == 'lines':\n"
"    if text and not text.endswith('\\n'):\n"
"        raise ValueError('last line has no newline')\n"
"    doc = [json.loads(l, object_pairs_hook=pairs)\n"
"           for l in text.split('\\n')[:-1]]\n"
"else:\n"
"    doc = json.loads(text, object_pairs_hook=pairs)\n"
"walk('', doc)\n";

static char client_path[PATH_MAX + 32];

static char client_out[OUT_MAX];	/* the last client's stdout */
static size_t client_out_len;
static char client_err[ERR_MAX];	/* ... and stderr */
static char mon_out[OUT_MAX];		/* a running monitor's stdout */
static size_t mon_len;
static char flat[FLAT_MAX];		/* python's flat lines */
static char *flat_key[FLAT_LINES], *flat_val[FLAT_LINES];
static int nflat;
static char text[TEXT_MAX];

/* ---- numbers ---- */

/* The client's human sizes: "132.0 KiB", or terse (tables) "132K". */
static const char *human_size(char *buf, size_t size, uint64_t bytes,
			      bool terse)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	double v = (double)bytes / 1024.0;
	size_t i = 0;

	if (bytes < 1024) {
		snprintf(buf, size, terse ? "%" PRIu64 : "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024.0 && i < ARRAY_SIZE(units) - 1) {
		v /= 1024.0;
		i++;
	}
	if (!terse)
		snprintf(buf, size, "%.1f %s", v, units[i]);
	else if (v < 9.95)
		snprintf(buf, size, "%.1f%c", v, units[i][0]);
	else
		snprintf(buf, size, "%.0f%c", v, units[i][0]);
	return buf;
}

/* A size in a get block: "135168 (132.0 KiB)", or "0" below 1 KiB. */
static const char *block_size(char *buf, size_t size, uint64_t bytes)
{
	char human[32];

	if (bytes < 1024)
		snprintf(buf, size, "%" PRIu64, bytes);
	else
		snprintf(buf, size, "%" PRIu64 " (%s)", bytes,
			 human_size(human, sizeof(human), bytes, false));
	return buf;
}

/* ---- running programs ---- */

static const char *python(void)
{
	const char *py = getenv("BRKSCOPE_PYTHON");

	if (py && *py)
		return py;
	return access("/usr/bin/python3", X_OK) ? "python3" : "/usr/bin/python3";
}

/* Become nobody, without supplementary groups.  Returns 0 or -1. */
static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

/*
 * Run argv with stdin from in (NULL: empty), stdout into out and stderr
 * into err, as nobody if unpriv.  Returns the exit code; a crash, signal
 * or timeout fails the test.
 */
static int run(struct __test_metadata *_metadata, char *const argv[],
	       const char *in, size_t in_len, bool unpriv,
	       char *out, size_t out_size, size_t *out_len,
	       char *err, size_t err_size)
{
	int fin, fout, ferr, pid, status;
	ssize_t n;

	fin = memfd_create("stdin", MFD_CLOEXEC);
	fout = memfd_create("stdout", MFD_CLOEXEC);
	ferr = memfd_create("stderr", MFD_CLOEXEC);
	ASSERT_LE(0, fin) TH_LOG("memfd_create: %s", strerror(errno));
	ASSERT_LE(0, fout);
	ASSERT_LE(0, ferr);
	if (in_len) {
		ASSERT_EQ((ssize_t)in_len, write(fin, in, in_len));
	}
	ASSERT_EQ(0, lseek(fin, 0, SEEK_SET));

	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		int exe;

		signal(SIGPIPE, SIG_DFL);
		if (dup2(fin, STDIN_FILENO) < 0 || dup2(fout, STDOUT_FILENO) < 0 ||
		    dup2(ferr, STDERR_FILENO) < 0)
			_exit(126);
		if (!unpriv) {
			execvp(argv[0], argv);
			_exit(127);
		}
		/*
		 * Opened while still root: nobody may not search the
		 * directories above the binary (a clone under /root, mode
		 * 0700), though the file itself is world-executable.
		 */
		exe = open(argv[0], O_RDONLY | O_CLOEXEC);
		if (exe < 0)
			_exit(127);
		if (drop_privileges())
			_exit(125);
		fexecve(exe, argv, environ);
		_exit(127);
	}
	status = wait_timeout(pid, CMD_TIMEOUT_MS);
	close(fin);
	n = read_memfd(fout, out, out_size);
	close(fout);
	ASSERT_LE(0, n) TH_LOG("%s: stdout too large", argv[0]);
	*out_len = n;
	n = read_memfd(ferr, err, err_size);
	close(ferr);
	ASSERT_LE(0, n) TH_LOG("%s: stderr too large", argv[0]);

	ASSERT_NE(-1, status) TH_LOG("%s %s...: killed after %d ms", argv[0],
				     argv[1] ? argv[1] : "", CMD_TIMEOUT_MS);
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("%s %s...: %s %d; stderr: %s", argv[0],
		       argv[1] ? argv[1] : "",
		       WIFSIGNALED(status) ? "killed by signal" : "status",
		       WIFSIGNALED(status) ? WTERMSIG(status) : status, err);
	ASSERT_NE(127, WEXITSTATUS(status)) TH_LOG("cannot exec %s", argv[0]);
	ASSERT_NE(125, WEXITSTATUS(status)) TH_LOG("cannot become nobody");
	return WEXITSTATUS(status);
}

/* Run the client with args; output in client_out and client_err. */
static int client(struct __test_metadata *_metadata, bool unpriv,
		  const char *const args[])
{
	char *argv[ARGS_MAX + 2];
	int i, rc;

	argv[0] = client_path;
	for (i = 0; args[i]; i++) {
		ASSERT_LT(i, ARGS_MAX);
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	ASSERT_EQ(0, access(client_path, X_OK))
		TH_LOG("%s: %s (set BRKSCOPE_CLIENT)", client_path, strerror(errno));
	rc = run(_metadata, argv, NULL, 0, unpriv, client_out, sizeof(client_out),
		 &client_out_len, client_err, sizeof(client_err));
	return rc;
}

/* ---- parsed JSON: python's flat lines ---- */

/* Parse JSON (or JSON Lines) with python3 and load its flat lines. */
static void flatten(struct __test_metadata *_metadata, const char *json,
		    size_t len, bool lines)
{
	static char err[ERR_MAX];
	char *argv[] = {
		(char *)python(), "-I", "-S", "-c", (char *)flatten_py,
		lines ? "lines" : "doc", NULL,
	};
	char *pos, *nl, *eq;
	size_t flen;
	int rc;

	rc = run(_metadata, argv, json, len, false, flat, sizeof(flat), &flen,
		 err, sizeof(err));
	ASSERT_EQ(0, rc) TH_LOG("JSON did not parse: %s\n--- the JSON:\n%s",
				err, json);
	nflat = 0;
	for (pos = flat; *pos; pos = nl + 1) {
		nl = strchr(pos, '\n');
		ASSERT_NE(NULL, nl) TH_LOG("python's last line has no newline");
		*nl = '\0';
		eq = strchr(pos, '=');
		ASSERT_NE(NULL, eq) TH_LOG("python printed '%s'", pos);
		ASSERT_LT(nflat, FLAT_LINES);
		*eq = '\0';
		flat_key[nflat] = pos;
		flat_val[nflat] = eq + 1;
		nflat++;
	}
}

static void parse_client_json(struct __test_metadata *_metadata, bool lines)
{
	flatten(_metadata, client_out, client_out_len, lines);
}

/* The value at a path, or NULL. */
static const char *jvalv(const char *fmt, va_list ap)
{
	char key[128];
	int i;

	vsnprintf(key, sizeof(key), fmt, ap);
	for (i = 0; i < nflat; i++)
		if (!strcmp(flat_key[i], key))
			return flat_val[i];
	return NULL;
}

static const char *jval(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static const char *jval(const char *fmt, ...)
{
	const char *v;
	va_list ap;

	va_start(ap, fmt);
	v = jvalv(fmt, ap);
	va_end(ap);
	return v;
}

static bool is_uint(const char *s)
{
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* An integer member: present and a JSON number without sign or fraction. */
static uint64_t ju64(struct __test_metadata *_metadata, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static uint64_t ju64(struct __test_metadata *_metadata, const char *fmt, ...)
{
	char key[128];
	const char *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	v = jval("%s", key);
	ASSERT_NE(NULL, v) TH_LOG("JSON has no %s", key);
	ASSERT_TRUE(is_uint(v)) TH_LOG("JSON %s is %s, not an integer", key, v);
	errno = 0;
	return strtoull(v, NULL, 10);
}

/* A member as python printed it (strings quoted); fails if missing. */
static const char *jraw(struct __test_metadata *_metadata, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *jraw(struct __test_metadata *_metadata, const char *fmt, ...)
{
	char key[128];
	const char *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	v = jval("%s", key);
	ASSERT_NE(NULL, v) TH_LOG("JSON has no %s", key);
	return v;
}

/* A string member, unquoted; it must need no escapes. */
static const char *jstr(struct __test_metadata *_metadata, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *jstr(struct __test_metadata *_metadata, const char *fmt, ...)
{
	static char bufs[4][128];
	static int next;
	char key[128], *b = bufs[next++ % 4];
	const char *v;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	v = jval("%s", key);
	ASSERT_NE(NULL, v) TH_LOG("JSON has no %s", key);
	len = strlen(v);
	ASSERT_TRUE(len >= 2 && v[0] == '"' && v[len - 1] == '"')
		TH_LOG("JSON %s is %s, not a string", key, v);
	ASSERT_EQ(NULL, memchr(v + 1, '\\', len - 2)) TH_LOG("%s: %s", key, v);
	ASSERT_LT(len - 2, sizeof(bufs[0]));
	memcpy(b, v + 1, len - 2);
	b[len - 2] = '\0';
	return b;
}

/* Index of the element of the root array whose pid is pid; -1 if none. */
static int find_pid(struct __test_metadata *_metadata, int pid, int *count)
{
	int i, n = ju64(_metadata, "[]"), at = -1;
	const char *v;

	*count = 0;
	for (i = 0; i < n; i++) {
		v = jval("%d.pid", i);
		if (v && is_uint(v) && strtoull(v, NULL, 10) == (uint64_t)pid) {
			at = i;
			(*count)++;
		}
	}
	return at;
}

/* ---- helper processes ---- */

FIXTURE(client) {
	struct kid kids[2];
	char cg[2][PATH_MAX];	/* cgroups made by a test, "" if none */
	int mon_pid;		/* a monitor running in the background */
	int mon_fd;		/* its stdout */
	int mon_err;		/* its stderr (a memfd) */
};

/* heap_spy --wait, with what it printed and when it ran. */
struct spy {
	int pid;
	unsigned long before, after;	/* its Before: and After: */
	unsigned long stat_brk;		/* /proc/PID/stat field 47 */
	uint64_t t0, t1;		/* boot-time ns around its growth */
};

static void start_heap_spy(struct __test_metadata *_metadata,
			   FIXTURE_DATA(client) *self, int slot, struct spy *s)
{
	struct kid *k;

	s->t0 = boottime_ns();
	k = spawn_heap_spy(_metadata, &self->kids[slot], &s->before, &s->after);
	s->t1 = boottime_ns();
	s->pid = k->pid;
	ASSERT_EQ(0, proc_start_brk(s->pid, &s->stat_brk));
	ASSERT_EQ(s->stat_brk, s->before);
}

FIXTURE_SETUP(client)
{
	const char *env = getenv("BRKSCOPE_CLIENT");
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	find_exe_dir();
	if (env && *env)
		snprintf(client_path, sizeof(client_path), "%s", env);
	else
		snprintf(client_path, sizeof(client_path),
			 "%s/../userspace/brkscope", exe_dir);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 2; i++)
		self->kids[i].to = self->kids[i].from = -1;
	self->mon_fd = self->mon_err = -1;
}

FIXTURE_TEARDOWN(client)
{
	kill_kids_and_others(self->kids, NULL);
	if (self->mon_pid > 0)
		kill(self->mon_pid, SIGKILL);
	close_fd(&self->mon_fd);
	close_fd(&self->mon_err);
	reap_all_children();
	cgroup_remove(self->cg[0]);
	cgroup_remove(self->cg[1]);
}

/* ---- checks shared by get and list ---- */

/*
 * Object at index i names the cgroup pid is in (it has not moved since its
 * last change) by path and id.
 */
static void expect_cgroup_json(struct __test_metadata *_metadata, int i,
			       int pid)
{
	char rel[PATH_MAX], path[PATH_MAX + sizeof(CGROUP_ROOT)];
	int err = cgroup_of(pid, rel, sizeof(rel));

	ASSERT_EQ(0, err) TH_LOG("/proc/%d/cgroup: %s", pid, strerror(-err));
	EXPECT_STREQ(rel, jstr(_metadata, "%d.cgroup", i));
	snprintf(path, sizeof(path), CGROUP_ROOT "%s", rel);
	EXPECT_EQ(cgroup_id_of(path), ju64(_metadata, "%d.cgroup_id", i));
}

/* Object at index i of the root array against a heap_spy. */
static void expect_spy_json(struct __test_metadata *_metadata, int i,
			    const struct spy *s)
{
	uint64_t last;

	EXPECT_EQ((uint64_t)PROC_MEMBERS, ju64(_metadata, "%d{}", i));
	EXPECT_EQ((uint64_t)s->pid, ju64(_metadata, "%d.pid", i));
	EXPECT_STREQ("heap_spy", jstr(_metadata, "%d.comm", i));
	EXPECT_EQ(s->stat_brk, ju64(_metadata, "%d.start_brk", i));
	EXPECT_EQ(s->before, ju64(_metadata, "%d.start_brk", i));
	EXPECT_EQ(s->after, ju64(_metadata, "%d.brk", i));
	EXPECT_EQ(page_align(s->after), ju64(_metadata, "%d.heap_end", i));
	EXPECT_EQ(s->after - s->before, ju64(_metadata, "%d.heap_bytes", i));
	EXPECT_EQ(1UL, ju64(_metadata, "%d.grows", i));
	EXPECT_EQ(page_align(s->after) - page_align(s->before),
		  ju64(_metadata, "%d.grown_bytes", i));
	EXPECT_EQ(0UL, ju64(_metadata, "%d.failed_grows", i));
	EXPECT_EQ(0UL, ju64(_metadata, "%d.shrinks", i));
	EXPECT_EQ(0UL, ju64(_metadata, "%d.shrunk_bytes", i));
	EXPECT_EQ(s->after, ju64(_metadata, "%d.peak_brk", i));
	EXPECT_STREQ("true", jraw(_metadata, "%d.tracked", i));
	expect_cgroup_json(_metadata, i, s->pid);
	last = ju64(_metadata, "%d.last_change_ns", i);
	TH_LOG("heap_spy grew between %" PRIu64 " and %" PRIu64
	       " ns; last_change_ns %" PRIu64, s->t0, s->t1, last);
	EXPECT_LE(s->t0 - CLOCK_SLACK_NS, last);
	EXPECT_GE(s->t1 + CLOCK_SLACK_NS, last);
}

/* Object at index i against a brk_child that moved its break once up. */
static void expect_child_json(struct __test_metadata *_metadata, int i,
			      const struct kid *k, unsigned long stat_brk,
			      unsigned long cur)
{
	EXPECT_EQ((uint64_t)PROC_MEMBERS, ju64(_metadata, "%d{}", i));
	EXPECT_EQ((uint64_t)k->pid, ju64(_metadata, "%d.pid", i));
	EXPECT_STREQ("brk_child", jstr(_metadata, "%d.comm", i));
	EXPECT_EQ(stat_brk, ju64(_metadata, "%d.start_brk", i));
	EXPECT_EQ(cur, ju64(_metadata, "%d.brk", i));
	EXPECT_EQ(page_align(cur), ju64(_metadata, "%d.heap_end", i));
	EXPECT_EQ(cur - stat_brk, ju64(_metadata, "%d.heap_bytes", i));
	EXPECT_EQ(1UL, ju64(_metadata, "%d.grows", i));
	EXPECT_EQ(page_align(cur) - page_align(k->ready_brk),
		  ju64(_metadata, "%d.grown_bytes", i));
	EXPECT_EQ(0UL, ju64(_metadata, "%d.failed_grows", i));
	EXPECT_EQ(0UL, ju64(_metadata, "%d.shrinks", i));
	EXPECT_EQ(0UL, ju64(_metadata, "%d.shrunk_bytes", i));
	EXPECT_EQ(cur, ju64(_metadata, "%d.peak_brk", i));
	EXPECT_STREQ("true", jraw(_metadata, "%d.tracked", i));
	ju64(_metadata, "%d.last_change_ns", i);
	expect_cgroup_json(_metadata, i, k->pid);
}

/*
 * The root array is in order of key (NULL: pid ascending; else key
 * descending, ties in pid order).  Returns how many neighbours are not.
 */
static int misordered(struct __test_metadata *_metadata, const char *key)
{
	int i, n = ju64(_metadata, "[]"), bad = 0;
	uint64_t a, b, pa, pb;
	bool ok;

	for (i = 1; i < n; i++) {
		pa = ju64(_metadata, "%d.pid", i - 1);
		pb = ju64(_metadata, "%d.pid", i);
		if (key) {
			a = ju64(_metadata, "%d.%s", i - 1, key);
			b = ju64(_metadata, "%d.%s", i, key);
			ok = a > b || (a == b && pa < pb);
		} else {
			a = b = 0;
			ok = pa < pb;
		}
		if (!ok && bad++ < 5)
			TH_LOG("[%d] pid %" PRIu64 " %s %" PRIu64 " before [%d] pid %"
			       PRIu64 " %s %" PRIu64, i - 1, pa, key ? key : "",
			       a, i, pb, key ? key : "", b);
	}
	return bad;
}

/* Two brk_children: kids[0] grows 3 times by a page, kids[1] once by 8. */
static void start_two_heaps(struct __test_metadata *_metadata,
			    FIXTURE_DATA(client) *self)
{
	struct kid *a = start_brk_child(_metadata, &self->kids[0]);
	struct kid *b = start_brk_child(_metadata, &self->kids[1]);
	int i;

	for (i = 0; i < 3; i++)
		child_move(_metadata, a, page_size, NULL);
	child_move(_metadata, b, 8 * page_size, NULL);
}

/* ---- text output ---- */

/* Blank-separated words of a line, with their columns. */
static int words(const char *line, int start[], int end[], char w[][96],
		 int max)
{
	int n = 0, i = 0, len;

	for (;;) {
		while (line[i] == ' ')
			i++;
		if (!line[i])
			return n;
		if (n == max)
			return max + 1;
		start[n] = i;
		while (line[i] && line[i] != ' ')
			i++;
		end[n] = i;
		len = end[n] - start[n];
		if (len > 95)
			len = 95;
		memcpy(w[n], line + start[n], len);
		w[n][len] = '\0';
		n++;
	}
}

/* ---- tests: get ---- */

CLIENT_TEST(get_json_matches_heap_spy_and_proc_stat)
{
	struct spy s;
	char pid[16];

	REQUIRE_BRKSCOPE();
	start_heap_spy(_metadata, self, 0, &s);
	snprintf(pid, sizeof(pid), "%d", s.pid);
	ASSERT_EQ(0, CLIENT(false, "-j", "get", pid)) TH_LOG("%s", client_err);
	EXPECT_STREQ("", client_err);
	parse_client_json(_metadata, false);

	ASSERT_EQ(1UL, ju64(_metadata, "[]"));
	expect_spy_json(_metadata, 0, &s);
}

CLIENT_TEST(get_text_block_matches_heap_spy)
{
	static const char *const labels[] = {
		"start_brk", "brk", "heap_end", "heap size", "grows",
		"grown bytes", "failed grows", "shrinks", "shrunk bytes",
		"peak brk", "last change", "tracked", "cgroup",
	};
	char want[ARRAY_SIZE(labels)][96], title[64], pid[16], *pos, *line;
	unsigned long sec, usec;
	uint64_t when;
	size_t n = 0;
	struct spy s;
	char tail[32];

	REQUIRE_BRKSCOPE();
	start_heap_spy(_metadata, self, 0, &s);
	snprintf(pid, sizeof(pid), "%d", s.pid);
	ASSERT_EQ(0, CLIENT(false, "get", pid)) TH_LOG("%s", client_err);
	EXPECT_STREQ("", client_err);

	snprintf(want[0], 96, "%#lx", s.before);
	snprintf(want[1], 96, "%#lx", s.after);
	snprintf(want[2], 96, "%#lx", page_align(s.after));
	block_size(want[3], 96, s.after - s.before);
	snprintf(want[4], 96, "1");
	block_size(want[5], 96, page_align(s.after) - page_align(s.before));
	snprintf(want[6], 96, "0");
	snprintf(want[7], 96, "0");
	block_size(want[8], 96, 0);
	snprintf(want[9], 96, "%#lx", s.after);
	want[10][0] = '\0';			/* checked below */
	snprintf(want[11], 96, "yes");
	ASSERT_EQ(0, cgroup_of(s.pid, want[12], 96));
	snprintf(title, sizeof(title), "pid %d (heap_spy)", s.pid);

	TH_LOG("output:\n%s", client_out);
	pos = client_out;
	line = next_line(&pos);
	ASSERT_NE(NULL, line);
	EXPECT_STREQ(title, line);
	while ((line = next_line(&pos))) {
		const char *colon, *value;
		char label[32];

		ASSERT_LT(n, ARRAY_SIZE(labels)) TH_LOG("extra line '%s'", line);
		ASSERT_EQ(0, strncmp(line, "  ", 2)) TH_LOG("'%s'", line);
		colon = strchr(line, ':');
		ASSERT_NE(NULL, colon) TH_LOG("'%s'", line);
		ASSERT_LT((size_t)(colon - line - 2), sizeof(label));
		memcpy(label, line + 2, colon - line - 2);
		label[colon - line - 2] = '\0';
		for (value = colon + 1; *value == ' '; value++)
			;
		EXPECT_STREQ(labels[n], label);
		/* values line up one blank after the longest "label:" */
		EXPECT_EQ(2 + GET_LABEL_WIDTH + 1, (int)(value - line))
			TH_LOG("'%s'", line);
		if (n == 10) {
			ASSERT_EQ(3, sscanf(value, "%lu.%6lu %31[^\n]", &sec,
					    &usec, tail)) TH_LOG("'%s'", value);
			EXPECT_STREQ("s since boot", tail);
			EXPECT_EQ(6, (int)(strchr(value, ' ') - strchr(value, '.') - 1));
			when = (uint64_t)sec * 1000000000ULL + usec * 1000ULL;
			EXPECT_LE(s.t0 - CLOCK_SLACK_NS, when);
			EXPECT_GE(s.t1 + CLOCK_SLACK_NS, when);
		} else {
			EXPECT_STREQ(want[n], value) TH_LOG("%s", labels[n]);
		}
		n++;
	}
	EXPECT_EQ(ARRAY_SIZE(labels), n);
}

CLIENT_TEST(get_json_two_pids_in_argument_order)
{
	unsigned long stat_brk, cur;
	char first[16], second[16];
	struct spy s;
	struct kid *k;
	bool spy_first;

	REQUIRE_BRKSCOPE();
	start_heap_spy(_metadata, self, 0, &s);
	k = start_brk_child(_metadata, &self->kids[1]);
	cur = child_move(_metadata, k, 3 * page_size + 5, NULL);
	ASSERT_EQ(0, proc_start_brk(k->pid, &stat_brk));
	/* The higher pid first: argument order, not pid order. */
	spy_first = s.pid > k->pid;
	snprintf(first, sizeof(first), "%d", spy_first ? s.pid : k->pid);
	snprintf(second, sizeof(second), "%d", spy_first ? k->pid : s.pid);
	ASSERT_EQ(0, CLIENT(false, "-j", "get", first, second))
		TH_LOG("%s", client_err);
	EXPECT_STREQ("", client_err);
	parse_client_json(_metadata, false);

	ASSERT_EQ(2UL, ju64(_metadata, "[]"));
	expect_spy_json(_metadata, spy_first ? 0 : 1, &s);
	expect_child_json(_metadata, spy_first ? 1 : 0, k, stat_brk, cur);
}

CLIENT_TEST(get_failed_pid_is_reported_and_others_still_shown)
{
	char live[16], dead[16], ctx[32];
	int pid, status;
	struct spy s;

	REQUIRE_BRKSCOPE();
	start_heap_spy(_metadata, self, 0, &s);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	snprintf(live, sizeof(live), "%d", s.pid);
	snprintf(dead, sizeof(dead), "%d", pid);
	snprintf(ctx, sizeof(ctx), "get %d: ", pid);

	EXPECT_EQ(3, CLIENT(false, "-j", "get", dead, live));
	TH_LOG("stderr: %s", client_err);
	EXPECT_NE(NULL, strstr(client_err, ctx));
	EXPECT_NE(NULL, strcasestr(client_err, "no such process"));
	parse_client_json(_metadata, false);
	ASSERT_EQ(1UL, ju64(_metadata, "[]"));
	expect_spy_json(_metadata, 0, &s);
}

/* ---- tests: list ---- */

CLIENT_TEST(list_json_has_child_once_with_get_fields)
{
	struct spy s;
	int at, count;

	REQUIRE_BRKSCOPE();
	start_heap_spy(_metadata, self, 0, &s);
	ASSERT_EQ(0, CLIENT(false, "-j", "list")) TH_LOG("%s", client_err);
	EXPECT_STREQ("", client_err);
	parse_client_json(_metadata, false);

	at = find_pid(_metadata, s.pid, &count);
	TH_LOG("%" PRIu64 " processes listed", ju64(_metadata, "[]"));
	ASSERT_EQ(1, count);
	expect_spy_json(_metadata, at, &s);
}

CLIENT_TEST(list_json_default_order_is_pid_ascending)
{
	REQUIRE_BRKSCOPE();
	start_two_heaps(_metadata, self);
	ASSERT_EQ(0, CLIENT(false, "-j", "list")) TH_LOG("%s", client_err);
	parse_client_json(_metadata, false);
	ASSERT_LT(2UL, ju64(_metadata, "[]"));
	EXPECT_EQ(0, misordered(_metadata, NULL));
}

CLIENT_TEST(list_json_sort_pid_orders_pids_ascending)
{
	REQUIRE_BRKSCOPE();
	start_two_heaps(_metadata, self);
	ASSERT_EQ(0, CLIENT(false, "-j", "list", "--sort", "pid"))
		TH_LOG("%s", client_err);
	parse_client_json(_metadata, false);
	ASSERT_LT(2UL, ju64(_metadata, "[]"));
	EXPECT_EQ(0, misordered(_metadata, NULL));
}

CLIENT_TEST(list_json_sort_heap_orders_heap_bytes_descending)
{
	int a, b, count;

	REQUIRE_BRKSCOPE();
	start_two_heaps(_metadata, self);
	ASSERT_EQ(0, CLIENT(false, "-j", "list", "--sort", "heap"))
		TH_LOG("%s", client_err);
	parse_client_json(_metadata, false);
	EXPECT_EQ(0, misordered(_metadata, "heap_bytes"));
	a = find_pid(_metadata, self->kids[0].pid, &count);
	ASSERT_EQ(1, count);
	b = find_pid(_metadata, self->kids[1].pid, &count);
	ASSERT_EQ(1, count);
	EXPECT_EQ(3 * page_size, ju64(_metadata, "%d.heap_bytes", a));
	EXPECT_EQ(8 * page_size, ju64(_metadata, "%d.heap_bytes", b));
	EXPECT_LT(b, a);		/* 8 pages before 3 */
}

CLIENT_TEST(list_json_sort_grows_orders_grows_descending)
{
	int a, b, count;

	REQUIRE_BRKSCOPE();
	start_two_heaps(_metadata, self);
	ASSERT_EQ(0, CLIENT(false, "-j", "list", "--sort", "grows"))
		TH_LOG("%s", client_err);
	parse_client_json(_metadata, false);
	EXPECT_EQ(0, misordered(_metadata, "grows"));
	a = find_pid(_metadata, self->kids[0].pid, &count);
	ASSERT_EQ(1, count);
	b = find_pid(_metadata, self->kids[1].pid, &count);
	ASSERT_EQ(1, count);
	EXPECT_EQ(3UL, ju64(_metadata, "%d.grows", a));
	EXPECT_EQ(1UL, ju64(_metadata, "%d.grows", b));
	EXPECT_LT(a, b);		/* 3 grows before 1 */
}

CLIENT_TEST(list_text_row_matches_heap_spy_in_header_columns)
{
	static const char *const heads[] = {
		"PID", "COMM", "START_BRK", "BRK", "HEAP", "GROWS", "GROWN",
		"FAILED", "SHRINKS", "SHRUNK", "PEAK_BRK", "CGROUP",
	};
	enum { NCOLS = ARRAY_SIZE(heads), COMM = 1, CGROUP = 11 };
	int hs[NCOLS + 1], he[NCOLS + 1], rs[NCOLS + 1], re[NCOLS + 1];
	char hw[NCOLS + 1][96], rw[NCOLS + 1][96], want[NCOLS][96];
	char *pos, *line;
	int i, rows = 0, n;
	struct spy s;

	REQUIRE_BRKSCOPE();
	start_heap_spy(_metadata, self, 0, &s);
	ASSERT_EQ(0, CLIENT(false, "list")) TH_LOG("%s", client_err);
	EXPECT_STREQ("", client_err);

	snprintf(want[0], 96, "%d", s.pid);
	snprintf(want[1], 96, "heap_spy");
	snprintf(want[2], 96, "%#lx", s.before);
	snprintf(want[3], 96, "%#lx", s.after);
	human_size(want[4], 96, s.after - s.before, true);
	snprintf(want[5], 96, "1");
	human_size(want[6], 96, page_align(s.after) - page_align(s.before), true);
	snprintf(want[7], 96, "0");
	snprintf(want[8], 96, "0");
	human_size(want[9], 96, 0, true);
	snprintf(want[10], 96, "%#lx", s.after);
	ASSERT_EQ(0, cgroup_of(s.pid, want[11], 96));

	pos = client_out;
	line = next_line(&pos);
	ASSERT_NE(NULL, line);
	TH_LOG("header: '%s'", line);
	ASSERT_EQ(NCOLS, words(line, hs, he, hw, NCOLS));
	for (i = 0; i < NCOLS; i++) {
		EXPECT_STREQ(heads[i], hw[i]);
	}
	while ((line = next_line(&pos))) {
		n = words(line, rs, re, rw, NCOLS);
		if (n < 1 || strcmp(rw[0], want[0]))
			continue;
		rows++;
		TH_LOG("row:    '%s'", line);
		ASSERT_EQ(NCOLS, n);
		for (i = 0; i < NCOLS; i++) {
			EXPECT_STREQ(want[i], rw[i]) TH_LOG("column %s", heads[i]);
			/* COMM and CGROUP are left-aligned, numbers right */
			if (i == COMM || i == CGROUP) {
				EXPECT_EQ(hs[i], rs[i]) TH_LOG("column %s", heads[i]);
			} else {
				EXPECT_EQ(he[i], re[i]) TH_LOG("column %s", heads[i]);
			}
		}
	}
	EXPECT_EQ(1, rows);
}

/* ---- tests: list --by ---- */

/* Index of the root array's element whose @key is the string @val; -1. */
static int find_group(struct __test_metadata *_metadata, const char *key,
		      const char *val, int *count)
{
	int i, n = ju64(_metadata, "[]"), at = -1;

	*count = 0;
	for (i = 0; i < n; i++) {
		if (!strcmp(val, jstr(_metadata, "%d.%s", i, key))) {
			at = i;
			(*count)++;
		}
	}
	return at;
}

/*
 * kids[0] in a cgroup of its own grows three times by a page, kids[1] in
 * another once by eight: each cgroup's row sums exactly its one process.
 */
CLIENT_TEST(list_by_cgroup_sums_each_cgroup_exactly)
{
	static const char *const names[2] = {
		"brkscope-client-test-a", "brkscope-client-test-b",
	};
	static const int moves[2] = { 3, 1 }, pages[2] = { 1, 8 };
	unsigned long stat_brk, cur = 0;
	char rel[PATH_MAX];
	int i, j, at, count, err;
	struct kid *k;

	REQUIRE_BRKSCOPE();
	for (i = 0; i < 2; i++) {
		err = cgroup_make(names[i], self->cg[i]);
		if (err == -ENODEV)
			SKIP(return, CGROUP_ROOT " is not a cgroup2 mount");
		ASSERT_EQ(0, err) TH_LOG("%s: %s", names[i], strerror(-err));
	}
	for (i = 0; i < 2; i++) {
		k = start_brk_child(_metadata, &self->kids[i]);
		err = cgroup_move(self->cg[i], k->pid);
		ASSERT_EQ(0, err) TH_LOG("move: %s", strerror(-err));
		for (j = 0; j < moves[i]; j++)
			cur = child_move(_metadata, k, pages[i] * page_size, NULL);
		ASSERT_EQ(0, proc_start_brk(k->pid, &stat_brk));

		ASSERT_EQ(0, CLIENT(false, "-j", "list", "--by", "cgroup"))
			TH_LOG("%s", client_err);
		EXPECT_STREQ("", client_err);
		parse_client_json(_metadata, false);
		snprintf(rel, sizeof(rel), "/%s", names[i]);
		at = find_group(_metadata, "cgroup", rel, &count);
		ASSERT_EQ(1, count) TH_LOG("rows of %s", rel);
		EXPECT_EQ(9UL, ju64(_metadata, "%d{}", at));
		EXPECT_EQ(cgroup_id_of(self->cg[i]), ju64(_metadata, "%d.cgroup_id", at));
		EXPECT_EQ(1UL, ju64(_metadata, "%d.processes", at));
		EXPECT_EQ(cur - stat_brk, ju64(_metadata, "%d.heap_bytes", at));
		EXPECT_EQ((uint64_t)moves[i], ju64(_metadata, "%d.grows", at));
		EXPECT_EQ(page_align(cur) - page_align(k->ready_brk),
			  ju64(_metadata, "%d.grown_bytes", at));
		EXPECT_EQ(0UL, ju64(_metadata, "%d.failed_grows", at));
		EXPECT_EQ(0UL, ju64(_metadata, "%d.shrinks", at));
	}
}

/* Both brk_children, wherever they are, are one brk_child row. */
CLIENT_TEST(list_by_comm_sums_processes_of_one_name)
{
	unsigned long heap = 0, grown = 0, stat_brk, cur;
	int i, at, count;
	struct kid *k;

	REQUIRE_BRKSCOPE();
	for (i = 0; i < 2; i++) {
		k = start_brk_child(_metadata, &self->kids[i]);
		cur = child_move(_metadata, k, (i + 1) * page_size, NULL);
		ASSERT_EQ(0, proc_start_brk(k->pid, &stat_brk));
		heap += cur - stat_brk;
		grown += page_align(cur) - page_align(k->ready_brk);
	}
	ASSERT_EQ(0, CLIENT(false, "-j", "list", "--by", "comm"))
		TH_LOG("%s", client_err);
	parse_client_json(_metadata, false);
	at = find_group(_metadata, "comm", "brk_child", &count);
	ASSERT_EQ(1, count);
	EXPECT_EQ(2UL, ju64(_metadata, "%d.processes", at));
	EXPECT_EQ(heap, ju64(_metadata, "%d.heap_bytes", at));
	EXPECT_EQ(2UL, ju64(_metadata, "%d.grows", at));
	EXPECT_EQ(grown, ju64(_metadata, "%d.grown_bytes", at));
}

/* Each bad use of --by gets its message and exit 2. */
CLIENT_TEST(list_by_bad_key_or_sort_is_a_usage_error)
{
	REQUIRE_BRKSCOPE();
	EXPECT_EQ(2, CLIENT(false, "list", "--by", "pid"));
	EXPECT_NE(NULL, strstr(client_err, "bad --by 'pid': use comm or cgroup"))
		TH_LOG("%s", client_err);
	EXPECT_EQ(2, CLIENT(false, "list", "--by", "comm", "--sort", "pid"));
	EXPECT_NE(NULL, strstr(client_err, "sort key 'pid' is not one of groups"))
		TH_LOG("%s", client_err);
	EXPECT_EQ(2, CLIENT(false, "list", "--sort", "name"));
	EXPECT_NE(NULL, strstr(client_err, "sort key 'name' is for groups"))
		TH_LOG("%s", client_err);
	EXPECT_EQ(2, CLIENT(false, "list", "--by"));
	EXPECT_STREQ("", client_out);
}

/* ---- tests: stats ---- */

CLIENT_TEST(stats_json_has_every_figure_as_number)
{
	unsigned long max_records;
	size_t i;
	ssize_t len;

	REQUIRE_BRKSCOPE();
	len = read_file(MAX_RECORDS_PATH, text, sizeof(text));
	ASSERT_LT(0, len) TH_LOG("%s: %s", MAX_RECORDS_PATH, strerror(-len));
	text[strcspn(text, "\n")] = '\0';
	ASSERT_TRUE(parse_ulong(text, false, &max_records)) TH_LOG("'%s'", text);

	ASSERT_EQ(0, CLIENT(false, "-j", "stats")) TH_LOG("%s", client_err);
	EXPECT_STREQ("", client_err);
	parse_client_json(_metadata, false);
	EXPECT_EQ(ARRAY_SIZE(stats_keys), ju64(_metadata, "{}"));
	for (i = 0; i < ARRAY_SIZE(stats_keys); i++)
		TH_LOG("%-20s %" PRIu64, stats_keys[i], ju64(_metadata, "%s", stats_keys[i]));
	EXPECT_EQ(max_records, ju64(_metadata, "records_limit"));
	EXPECT_LE(ju64(_metadata, "records_in_use"),
		  ju64(_metadata, "records_limit"));
}

/* ---- tests: monitor ---- */

/* Start "brkscope -j monitor [args]" with its stdout on a pipe. */
static void start_monitor(struct __test_metadata *_metadata,
			  FIXTURE_DATA(client) *self, const char *count)
{
	char *argv[] = {
		client_path, "-j", "monitor", count ? "-c" : NULL,
		(char *)count, NULL,
	};
	int out[2];

	ASSERT_EQ(0, access(client_path, X_OK))
		TH_LOG("%s: %s (set BRKSCOPE_CLIENT)", client_path, strerror(errno));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	self->mon_err = memfd_create("stderr", MFD_CLOEXEC);
	ASSERT_LE(0, self->mon_err);
	mon_len = 0;
	self->mon_pid = fork();
	ASSERT_LE(0, self->mon_pid);
	if (!self->mon_pid) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(out[1], STDOUT_FILENO) < 0 ||
		    dup2(self->mon_err, STDERR_FILENO) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	self->mon_fd = out[0];
}

/* Read what the monitor wrote within timeout_ms.  Returns false at EOF. */
static bool read_monitor(struct __test_metadata *_metadata,
			 FIXTURE_DATA(client) *self, int timeout_ms)
{
	struct pollfd pfd = { .fd = self->mon_fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return true;
	n = read(self->mon_fd, mon_out + mon_len, sizeof(mon_out) - 1 - mon_len);
	ASSERT_LE(0, n) TH_LOG("reading the monitor: %s", strerror(errno));
	ASSERT_LT(mon_len + n, sizeof(mon_out) - 1);
	mon_len += n;
	mon_out[mon_len] = '\0';
	return n > 0;
}

/* Wait for the monitor to exit; returns its exit code, all output read. */
static int finish_monitor(struct __test_metadata *_metadata,
			  FIXTURE_DATA(client) *self)
{
	static char err[ERR_MAX];
	uint64_t deadline = boottime_ns() + CMD_TIMEOUT_MS * 1000000ULL;
	int status;

	while (read_monitor(_metadata, self, 1000)) {
		ASSERT_LT(boottime_ns(), deadline) TH_LOG("monitor never ended");
	}
	status = wait_timeout(self->mon_pid, CMD_TIMEOUT_MS);
	self->mon_pid = 0;
	ASSERT_LE(0, read_memfd(self->mon_err, err, sizeof(err)));
	ASSERT_NE(-1, status) TH_LOG("monitor killed after %d ms", CMD_TIMEOUT_MS);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("monitor: signal %d; stderr: %s",
					      WTERMSIG(status), err);
	EXPECT_STREQ("", err);
	return WEXITSTATUS(status);
}

static int lines_in(const char *s, size_t len)
{
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* Events of pid among the parsed lines; *where gets up to max indexes. */
static int events_of(struct __test_metadata *_metadata, int pid, int where[],
		     int max)
{
	int i, n = ju64(_metadata, "[]"), found = 0;
	const char *v;

	for (i = 0; i < n; i++) {
		v = jval("%d.pid", i);
		if (!v || !is_uint(v) || strtoull(v, NULL, 10) != (uint64_t)pid)
			continue;
		if (found < max)
			where[found] = i;
		found++;
	}
	return found;
}

/*
 * Fork copies of this process that each grow their break by a page, until
 * the monitor prints something: from then on it is subscribed.
 */
static void sync_monitor(struct __test_metadata *_metadata,
			 FIXTURE_DATA(client) *self)
{
	uint64_t deadline = boottime_ns() + REPLY_TIMEOUT_MS * 1000000ULL;
	int pid, tries = 0;

	while (!mon_len) {
		ASSERT_LT(boottime_ns(), deadline)
			TH_LOG("the monitor printed nothing for %d brk growths", tries);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			sbrk(page_size);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		tries++;
		ASSERT_TRUE(read_monitor(_metadata, self, 200))
			TH_LOG("the monitor ended early");
	}
	TH_LOG("monitor subscribed after %d growths", tries);
}

CLIENT_TEST(monitor_json_lines_describe_grow_shrink_and_failed_grow)
{
	static const char *const types[] = { "grow", "shrink", "grow-failed" };
	unsigned long old[3], new[3], len[3], cur;
	uint64_t deadline, prev_seq = 0;
	int where[3], parsed_lines = -1, i, n, err;
	struct kid *k;

	REQUIRE_BRKSCOPE();
	k = start_brk_child(_metadata, &self->kids[0]);
	start_monitor(_metadata, self, NULL);
	sync_monitor(_metadata, self);

	/* grow across pages, shrink a page back, fail to grow */
	new[0] = child_move(_metadata, k, 2 * page_size + 100, &old[0]);
	len[0] = page_align(new[0]) - page_align(old[0]);
	new[1] = child_move(_metadata, k, -(long)page_size - 50, &old[1]);
	len[1] = page_align(old[1]) - page_align(new[1]);
	ASSERT_LT(0UL, len[1]);
	child_ok(_metadata, k, "rlimit_data 0");
	err = child_sbrk(_metadata, k, 4096, &cur, &old[2]);
	ASSERT_EQ(ENOMEM, err);
	ASSERT_EQ(new[1], old[2]);
	new[2] = old[2] + 4096;
	len[2] = page_align(new[2]) - page_align(old[2]);

	/* Parse what came so far whenever a new line arrived. */
	deadline = boottime_ns() + REPLY_TIMEOUT_MS * 1000000ULL;
	for (;;) {
		int complete = lines_in(mon_out, mon_len);

		if (complete && complete != parsed_lines) {
			flatten(_metadata, mon_out,
				strrchr(mon_out, '\n') + 1 - mon_out, true);
			parsed_lines = complete;
			if (events_of(_metadata, k->pid, where, 3) >= 3)
				break;
		}
		ASSERT_LT(boottime_ns(), deadline)
			TH_LOG("events so far:\n%s", mon_out);
		ASSERT_TRUE(read_monitor(_metadata, self, 500))
			TH_LOG("the monitor ended early:\n%s", mon_out);
	}

	ASSERT_EQ(0, kill(self->mon_pid, SIGINT));
	EXPECT_EQ(0, finish_monitor(_metadata, self));
	TH_LOG("monitor output:\n%s", mon_out);
	flatten(_metadata, mon_out, mon_len, true);
	n = events_of(_metadata, k->pid, where, 3);
	ASSERT_EQ(3, n);
	for (i = 0; i < 3; i++) {
		int e = where[i];
		uint64_t seq = ju64(_metadata, "%d.seq", e);

		EXPECT_EQ((uint64_t)EVENT_MEMBERS, ju64(_metadata, "%d{}", e));
		EXPECT_STREQ(types[i], jstr(_metadata, "%d.type", e));
		EXPECT_STREQ("brk", jstr(_metadata, "%d.source", e));
		EXPECT_STREQ("brk_child", jstr(_metadata, "%d.comm", e));
		EXPECT_EQ(old[i], ju64(_metadata, "%d.old_brk", e)) TH_LOG("%s", types[i]);
		EXPECT_EQ(new[i], ju64(_metadata, "%d.new_brk", e)) TH_LOG("%s", types[i]);
		EXPECT_EQ(len[i], ju64(_metadata, "%d.len", e)) TH_LOG("%s", types[i]);
		ju64(_metadata, "%d.time_ns", e);
		EXPECT_LT(prev_seq, seq);
		prev_seq = seq;
	}
	/* No "missed" or "overrun" notes: every line is an event. */
	n = ju64(_metadata, "[]");
	for (i = 0; i < n; i++) {
		EXPECT_NE(NULL, jval("%d.seq", i)) TH_LOG("line %d is a note", i);
	}
}

CLIENT_TEST(monitor_count_exits_0_after_that_many_events)
{
	static unsigned long brks[COUNT_OPS_MAX + 1];
	int where[3], ops = 0, i, n, j, prev_j = -1;
	uint64_t deadline;
	struct kid *k;
	bool open = true;

	REQUIRE_BRKSCOPE();
	k = start_brk_child(_metadata, &self->kids[0]);
	brks[0] = k->ready_brk;
	start_monitor(_metadata, self, "3");
	/* Grow a page at a time until the monitor has had its 3 events. */
	deadline = boottime_ns() + REPLY_TIMEOUT_MS * 1000000ULL;
	while (open) {
		ASSERT_LT(ops, COUNT_OPS_MAX) TH_LOG("monitor still running");
		ASSERT_LT(boottime_ns(), deadline) TH_LOG("monitor still running");
		brks[ops + 1] = child_move(_metadata, k, page_size, NULL);
		ops++;
		open = read_monitor(_metadata, self, 10);	/* false: it ended */
	}
	EXPECT_EQ(0, finish_monitor(_metadata, self));
	TH_LOG("%d growths; monitor output:\n%s", ops, mon_out);
	flatten(_metadata, mon_out, mon_len, true);
	ASSERT_EQ(3UL, ju64(_metadata, "[]"));
	n = events_of(_metadata, k->pid, where, 3);
	ASSERT_LT(0, n) TH_LOG("none of the 3 events is brk_child's");
	for (i = 0; i < n; i++) {
		uint64_t o = ju64(_metadata, "%d.old_brk", where[i]);

		for (j = 0; j < ops && brks[j] != o; j++)
			;
		ASSERT_LT(j, ops) TH_LOG("old_brk %#" PRIx64 " is no growth's", o);
		if (prev_j >= 0) {
			EXPECT_EQ(prev_j + 1, j) TH_LOG("events of growths not in a row");
		}
		prev_j = j;
		EXPECT_STREQ("grow", jstr(_metadata, "%d.type", where[i]));
		EXPECT_EQ(brks[j + 1], ju64(_metadata, "%d.new_brk", where[i]));
		EXPECT_EQ(page_align(brks[j + 1]) - page_align(brks[j]),
			  ju64(_metadata, "%d.len", where[i]));
	}
}

/* ---- tests: exit codes ---- */

CLIENT_TEST(get_reaped_pid_exits_3_with_no_such_process)
{
	char dead[16];
	int pid, status;

	REQUIRE_BRKSCOPE();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	snprintf(dead, sizeof(dead), "%d", pid);

	EXPECT_EQ(3, CLIENT(false, "get", dead));
	TH_LOG("stderr: %s", client_err);
	EXPECT_NE(NULL, strcasestr(client_err, "no such process"));
	EXPECT_STREQ("", client_out);
}

CLIENT_TEST(get_pid_1_as_nobody_exits_4_for_ptrace_access)
{
	REQUIRE_BRKSCOPE();
	EXPECT_EQ(4, CLIENT(true, "get", "1"));
	TH_LOG("stderr: %s", client_err);
	EXPECT_NE(NULL, strstr(client_err, "get 1: "));
	EXPECT_NE(NULL, strstr(client_err, "ptrace"));
	EXPECT_STREQ("", client_out);
}

CLIENT_TEST(monitor_as_nobody_exits_4_needing_cap_sys_admin)
{
	REQUIRE_BRKSCOPE();
	EXPECT_EQ(4, CLIENT(true, "monitor", "-c", "1"));
	TH_LOG("stderr: %s", client_err);
	EXPECT_NE(NULL, strstr(client_err, "CAP_SYS_ADMIN"));
}

CLIENT_TEST(get_bad_pid_exits_2)
{
	REQUIRE_BRKSCOPE();
	EXPECT_EQ(2, CLIENT(false, "-j", "get", "abc"));
	TH_LOG("stderr: %s", client_err);
	EXPECT_NE(NULL, strstr(client_err, "bad pid 'abc'"));
	EXPECT_STREQ("", client_out);
}

/* ---- test: --version ---- */

CLIENT_TEST(version_names_client_and_module_and_exits_1_on_a_mismatch)
{
	char mod[64], want[192], fake[] = "/tmp/brkscope-version.XXXXXX";
	const char *nl;
	int fd;

	REQUIRE_BRKSCOPE();
	ASSERT_LT(0, read_file(MODULE_SYSFS "/version", mod, sizeof(mod)));
	mod[strcspn(mod, "\n")] = '\0';
	EXPECT_EQ(0, CLIENT(false, "--version"));
	snprintf(want, sizeof(want),
		 "brkscope %s\nbrkscope.ko %s, netlink family brkscope version %d\n",
		 mod, mod, BRKSCOPE_FAMILY_VERSION);
	EXPECT_STREQ(want, client_out);
	EXPECT_STREQ("", client_err);

	/*
	 * Another module version, as sysfs would show it: a file bound over
	 * the version, in a mount namespace of this test's own.
	 */
	ASSERT_EQ(0, unshare(CLONE_NEWNS)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	fd = mkstemp(fake);
	ASSERT_LE(0, fd);
	ASSERT_EQ(6, write(fd, "0.0.0\n", 6));
	close(fd);
	ASSERT_EQ(0, mount(fake, MODULE_SYSFS "/version", NULL, MS_BIND, NULL))
		TH_LOG("bind mount: %s", strerror(errno));
	EXPECT_EQ(1, CLIENT(false, "--version"));
	unlink(fake);
	TH_LOG("stderr: %s", client_err);
	EXPECT_NE(NULL, strstr(client_out, "\nbrkscope.ko 0.0.0, netlink family"));
	EXPECT_NE(NULL, strstr(client_err, "does not fit brkscope.ko 0.0.0"));
	nl = strchr(client_err, '\n');
	ASSERT_NE(NULL, nl);
	EXPECT_EQ('\0', nl[1]) TH_LOG("more than one line on stderr");
}

TEST_HARNESS_MAIN
