// SPDX-License-Identifier: GPL-2.0
/* brkscope selftests library: helper programs and other children. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "files.h"
#include "kids.h"

/* /proc/self/task/TID/children: room for 10,000 pids and more. */
#define CHILDREN_MAX	(512 << 10)

char exe_dir[PATH_MAX];

void find_exe_dir(void)
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

struct kid *spawn(struct __test_metadata *_metadata, struct kid *k,
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

void kid_line(struct __test_metadata *_metadata, struct kid *k, char *buf,
	      size_t size)
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

static void kid_vsend(struct __test_metadata *_metadata, struct kid *k,
		      const char *fmt, va_list ap)
{
	char buf[KID_LINE_MAX];
	int n;

	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	ASSERT_LT(n, (int)sizeof(buf) - 1);
	buf[n++] = '\n';
	ASSERT_EQ(n, write(k->to, buf, n)) TH_LOG("pid %d: %s", k->pid,
						  strerror(errno));
}

void kid_send(struct __test_metadata *_metadata, struct kid *k,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kid_vsend(_metadata, k, fmt, ap);
	va_end(ap);
}

void kid_ask(struct __test_metadata *_metadata, struct kid *k, char *line,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kid_vsend(_metadata, k, fmt, ap);
	va_end(ap);
	kid_line(_metadata, k, line, KID_LINE_MAX);
}

void expect_ready(struct __test_metadata *_metadata, struct kid *k)
{
	char line[KID_LINE_MAX];
	int pid;

	kid_line(_metadata, k, line, sizeof(line));
	ASSERT_EQ(2, sscanf(line, "ready %d %lx", &pid, &k->ready_brk))
		TH_LOG("got '%s'", line);
	ASSERT_EQ(k->pid, pid);
}

struct kid *start_brk_child(struct __test_metadata *_metadata, struct kid *k)
{
	spawn(_metadata, k, "brk_child", NULL);
	expect_ready(_metadata, k);
	return k;
}

struct kid *spawn_heap_spy(struct __test_metadata *_metadata, struct kid *k,
			   unsigned long *before, unsigned long *after)
{
	char line[KID_LINE_MAX];

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

int child_sbrk(struct __test_metadata *_metadata, struct kid *k, long inc,
	       unsigned long *old, unsigned long *cur)
{
	char line[KID_LINE_MAX];
	int err;

	kid_ask(_metadata, k, line, "sbrk %ld", inc);
	if (sscanf(line, "ok %lx %lx", old, cur) == 2)
		return 0;
	*old = 0;
	ASSERT_EQ(2, sscanf(line, "err %d %lx", &err, cur))
		TH_LOG("sbrk %ld: got '%s'", inc, line);
	return err;
}

unsigned long child_move(struct __test_metadata *_metadata, struct kid *k,
			 long inc, unsigned long *old)
{
	unsigned long before, after = 0;

	ASSERT_EQ(0, child_sbrk(_metadata, k, inc, &before, &after))
		TH_LOG("sbrk %ld in pid %d failed", inc, k->pid);
	ASSERT_EQ(before + inc, after);
	if (old)
		*old = before;
	return after;
}

int child_vfork(struct __test_metadata *_metadata, struct kid *k, long inc,
		unsigned long *old, unsigned long *cur)
{
	char line[KID_LINE_MAX];
	int child;

	kid_ask(_metadata, k, line, "vfork %lu", inc);
	ASSERT_EQ(3, sscanf(line, "ok %lx %lx %d", old, cur, &child))
		TH_LOG("'%s'", line);
	return child;
}

int child_main_exit(struct __test_metadata *_metadata, struct kid *k)
{
	char line[KID_LINE_MAX];
	int tid = 0;

	kid_ask(_metadata, k, line, "mainexit");
	ASSERT_EQ(1, sscanf(line, "ok %d", &tid)) TH_LOG("'%s'", line);
	ASSERT_NE(k->pid, tid);
	return tid;
}

void child_ok(struct __test_metadata *_metadata, struct kid *k,
	      const char *cmd)
{
	char line[KID_LINE_MAX];

	kid_ask(_metadata, k, line, "%s", cmd);
	ASSERT_STREQ("ok", line) TH_LOG("'%s'", cmd);
}

void add_other(struct __test_metadata *_metadata, struct others *o, int pid)
{
	ASSERT_LT(o->n, OTHERS_MAX);
	o->pid[o->n++] = pid;
}

int fork_exiting_child(struct __test_metadata *_metadata, struct others *o)
{
	int pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	add_other(_metadata, o, pid);
	return pid;
}

void kill_kids_and_others(struct kid kids[2], struct others *o)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (kids[i].pid > 0)
			kill(kids[i].pid, SIGKILL);
		close_fd(&kids[i].to);
		close_fd(&kids[i].from);
	}
	for (i = 0; o && i < o->n; i++)
		if (o->pid[i] > 0)
			kill(o->pid[i], SIGKILL);
}

int reap(struct others *o, struct kid kids[2], int pid)
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

void reap_all_children(void)
{
	static char children_list[CHILDREN_MAX];
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

int wait_timeout(int pid, int timeout_ms)
{
	int pfd = syscall(SYS_pidfd_open, pid, 0);
	int status = -1, killed = 0;

	if (pfd >= 0) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int n;

		do
			n = poll(&p, 1, timeout_ms);
		while (n < 0 && errno == EINTR);
		if (n == 0) {
			kill(pid, SIGKILL);
			killed = 1;
		}
		close(pfd);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return killed ? -1 : status;
}
