/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope selftests: helper programs (brk_child, heap_spy) driven over
 * pipes on their stdin and stdout, one line per command and answer.
 * Helpers are found next to the test binary (find_exe_dir() first).
 *
 * Static functions that assert with the harness: include after
 * kselftest_harness.h, and after defining LINE_MAX_LEN (the longest line
 * exchanged) and REPLY_TIMEOUT_MS (how long a helper may take to answer).
 * Programs that fork other children too define OTHERS_MAX (how many at
 * most) first, for struct others.
 */
#ifndef BRKSCOPE_SELFTESTS_KIDS_H
#define BRKSCOPE_SELFTESTS_KIDS_H

#if !defined(LINE_MAX_LEN) || !defined(REPLY_TIMEOUT_MS)
#error "define LINE_MAX_LEN and REPLY_TIMEOUT_MS before including kids.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct kid {
	int pid;
	int to;			/* its stdin */
	int from;		/* its stdout */
	unsigned long ready_brk; /* sbrk(0) from its last "ready" line */
};

static char exe_dir[PATH_MAX];

static void find_exe_dir(void)
{
	ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);
	char *slash;

	exe_dir[n > 0 ? n : 0] = '\0';
	slash = strrchr(exe_dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(exe_dir, ".");
}

/* Fork and exec a helper with pipes on its stdin and stdout, as k. */
static struct kid *spawn(struct __test_metadata *_metadata, struct kid *k,
			 const char *prog, const char *arg)
{
	char path[PATH_MAX + 32];
	int in[2], out[2];

	snprintf(path, sizeof(path), "%s/%s", exe_dir, prog);
	ASSERT_EQ(0, access(path, X_OK)) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(0, pipe2(in, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	k->pid = fork();
	ASSERT_LE(0, k->pid);
	if (!k->pid) {
		char *argv[] = { path, (char *)arg, NULL };

		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	k->to = in[1];
	k->from = out[0];
	return k;
}

/* Read one line (without newline) from a helper, waiting at most a while. */
static void kid_line(struct __test_metadata *_metadata, struct kid *k,
		     char *buf, size_t size)
{
	struct pollfd pfd = { .fd = k->from, .events = POLLIN };
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		ASSERT_EQ(1, poll(&pfd, 1, REPLY_TIMEOUT_MS))
			TH_LOG("no answer from pid %d", k->pid);
		n = read(k->from, &c, 1);
		ASSERT_EQ(1, n) TH_LOG("pid %d closed its stdout", k->pid);
		if (c == '\n')
			break;
		ASSERT_LT(len + 1, size);
		buf[len++] = c;
	}
	buf[len] = '\0';
}

static void kid_send(struct __test_metadata *_metadata, struct kid *k,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void kid_send(struct __test_metadata *_metadata, struct kid *k,
		     const char *fmt, ...)
{
	char buf[LINE_MAX_LEN];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	ASSERT_LT(n, (int)sizeof(buf) - 1);
	buf[n++] = '\n';
	ASSERT_EQ(n, write(k->to, buf, n)) TH_LOG("pid %d: %s", k->pid,
						  strerror(errno));
}

/* Read brk_child's "ready <pid> <sbrk0>" line. */
static void expect_ready(struct __test_metadata *_metadata, struct kid *k)
{
	char line[LINE_MAX_LEN];
	int pid;

	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_EQ(2, sscanf(line, "ready %d %lx", &pid, &k->ready_brk))
		TH_LOG("got '%s'", line);
	ASSERT_EQ(k->pid, pid);
}

/* Start brk_child as k and wait for its "ready" line. */
static struct kid *start_brk_child(struct __test_metadata *_metadata,
				   struct kid *k)
{
	spawn(_metadata, k, "brk_child", NULL);
	expect_ready(_metadata, k);
	return k;
}

/* Start heap_spy --wait as k; *before and *after from its three lines. */
static struct kid *spawn_heap_spy(struct __test_metadata *_metadata,
				  struct kid *k, unsigned long *before,
				  unsigned long *after)
{
	char line[LINE_MAX_LEN];

	spawn(_metadata, k, "heap_spy", "--wait");
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_STREQ("Heap Pointer location:", line);
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_EQ(1, sscanf(line, "Before:%lx", before)) TH_LOG("'%s'", line);
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_EQ(1, sscanf(line, "After:%lx", after)) TH_LOG("'%s'", line);
	ASSERT_LT(*before, *after);
	return k;
}

/*
 * "sbrk inc": returns 0 with *old and *cur from an "ok" answer, or the
 * errno of an "err" answer with *cur = sbrk(0).
 */
static int child_sbrk(struct __test_metadata *_metadata, struct kid *k,
		      long inc, unsigned long *old, unsigned long *cur)
{
	char line[LINE_MAX_LEN];
	int err;

	kid_send(_metadata, k, "sbrk %ld", inc);
	kid_line(_metadata, k, line, sizeof(line));
	if (sscanf(line, "ok %lx %lx", old, cur) == 2)
		return 0;
	*old = 0;
	ASSERT_EQ(2, sscanf(line, "err %d %lx", &err, cur))
		TH_LOG("sbrk %ld: got '%s'", inc, line);
	return err;
}

/* "sbrk inc" that must succeed; returns the new sbrk(0). */
static __attribute__((unused)) unsigned long
child_move(struct __test_metadata *_metadata, struct kid *k, long inc,
	   unsigned long *old)
{
	unsigned long before, after = 0;

	ASSERT_EQ(0, child_sbrk(_metadata, k, inc, &before, &after))
		TH_LOG("sbrk %ld in pid %d failed", inc, k->pid);
	ASSERT_EQ(before + inc, after);
	if (old)
		*old = before;
	return after;
}

/* A command answered by a bare "ok". */
static __attribute__((unused)) void child_ok(struct __test_metadata *_metadata,
					     struct kid *k, const char *cmd)
{
	char line[LINE_MAX_LEN];

	kid_send(_metadata, k, "%s", cmd);
	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_STREQ("ok", line) TH_LOG("'%s'", cmd);
}

#ifdef OTHERS_MAX
/* A test's other children, which teardown kills if they are still there. */
struct others {
	int pid[OTHERS_MAX];	/* 0 once reaped */
	int n;
};

static void add_other(struct __test_metadata *_metadata, struct others *o,
		      int pid)
{
	ASSERT_LT(o->n, OTHERS_MAX);
	o->pid[o->n++] = pid;
}

/*
 * Wait for pid (a child of ours) and forget it, among o and the two kids.
 * Returns its wait status.
 */
static int reap(struct others *o, struct kid kids[2], int pid)
{
	int status = -1, i;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (i = 0; i < o->n; i++)
		if (o->pid[i] == pid)
			o->pid[i] = 0;
	for (i = 0; i < 2; i++)
		if (kids[i].pid == pid)
			kids[i].pid = 0;
	return status;
}
#endif

#endif /* BRKSCOPE_SELFTESTS_KIDS_H */
