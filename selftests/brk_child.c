// SPDX-License-Identifier: GPL-2.0
/*
 * brk_child - a process whose heap moves only when a test asks it to.
 *
 * The test drives it over pipes: one command per line on stdin, one answer
 * line on stdout.  Nothing here uses malloc-backed stdio: answers are
 * formatted into stack buffers and written with write(2), commands are read
 * with read(2), so the program break moves only on request.
 *
 *   on start              ready <pid> <sbrk0>
 *   sbrk <inc>            ok <old> <new>        | err <errno> <sbrk0>
 *   brk <addr>            ok <old> <ret>        (raw brk(2) of the hex addr)
 *   rlimit_data <bytes>   ok                    | err <errno> <sbrk0>
 *   fork <inc>            (the forked child answers)
 *                         child <pid> <before> <after>, then it pauses
 *   threads <n> <iters>   ok <start> <end>      | err <errno> <sbrk0>
 *   vfork <inc>           ok <old> <new> <pid>  | err <errno> <sbrk0>
 *                         a vfork() child moved the break by inc (raw
 *                         brk(2): it shares our memory) and exited
 *   mainexit              ok <tid>              | err <errno> <sbrk0>
 *                         the main thread has exited (pthread_exit());
 *                         thread tid serves the commands from now on
 *   exec                  (the new image says ready again)
 *   exit, or EOF          exits with status 0
 *   anything else         err 22 <sbrk0>
 *
 * Addresses are hex with a 0x prefix, everything else decimal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMD_MAX		128
#define THREADS_MAX	64
#define ITERS_MAX	100000
#define THREAD_STEP	4096UL

static char **saved_argv;

static void write_all(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);	/* nobody is listening any more */
		buf += n;
		len -= n;
	}
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char buf[CMD_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		_exit(1);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	write_all(buf, n);
}

static unsigned long cur_brk(void)
{
	return (unsigned long)sbrk(0);
}

static void say_err(int err)
{
	say("err %d %#lx", err, cur_brk());
}

/*
 * Read one line into buf without its newline.  Returns its length, -1 at
 * end of input, or -2 for a line that did not fit (it is consumed).
 * Reads byte by byte so that nothing after the line is taken from stdin:
 * "exec" hands the rest of stdin to the new image.
 */
static int read_line(char *buf, size_t size)
{
	size_t len = 0;
	bool too_long = false;

	for (;;) {
		char c;
		ssize_t n = read(STDIN_FILENO, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 && !len && !too_long)
			return -1;
		if (n <= 0 || c == '\n')
			break;
		if (len + 1 < size)
			buf[len++] = c;
		else
			too_long = true;
	}
	buf[len] = '\0';
	return too_long ? -2 : (int)len;
}

/* Parse a whole token as a signed decimal number. */
static bool parse_long(const char *s, long *out)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && !*end;
}

/* Parse a whole token as a hexadecimal number, with or without 0x. */
static bool parse_hex(const char *s, unsigned long *out)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*out = strtoul(s, &end, 16);
	return !errno && !*end;
}

/* Split "cmd a b" into at most three space-separated words. */
static int split_words(char *line, char *words[], int max)
{
	int n = 0;
	char *save = NULL;
	char *w;

	for (w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

static void do_sbrk(long inc)
{
	void *old;

	errno = 0;
	old = sbrk(inc);
	if (old == (void *)-1)
		say_err(errno);
	else
		say("ok %#lx %#lx", (unsigned long)old, cur_brk());
}

/* brk(2) itself, to any address, even one glibc's sbrk() would refuse. */
static void do_raw_brk(unsigned long addr)
{
	unsigned long old = cur_brk(), ret = syscall(SYS_brk, addr);

	brk((void *)ret);	/* tell glibc where the break is */
	say("ok %#lx %#lx", old, ret);
}

static void do_rlimit_data(long bytes)
{
	struct rlimit rl = { .rlim_cur = bytes, .rlim_max = bytes };

	if (bytes < 0) {
		say_err(EINVAL);
		return;
	}
	if (setrlimit(RLIMIT_DATA, &rl))
		say_err(errno);
	else
		say("ok");
}

static void do_fork(long inc)
{
	unsigned long before, after;
	pid_t pid = fork();

	if (pid < 0) {
		say_err(errno);
		return;
	}
	if (pid > 0)
		return;		/* the child answers */

	close(STDIN_FILENO);
	before = cur_brk();
	sbrk(inc);
	after = cur_brk();
	say("child %d %#lx %#lx", (int)getpid(), before, after);
	for (;;)
		pause();
}

static struct {
	pthread_mutex_t lock;
	pthread_barrier_t start;
	unsigned long brk;
	long iterations;
} storm = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *brk_thread(void *arg)
{
	long i;

	(void)arg;
	pthread_barrier_wait(&storm.start);
	for (i = 0; i < storm.iterations; i++) {
		pthread_mutex_lock(&storm.lock);
		storm.brk = syscall(SYS_brk, storm.brk + THREAD_STEP);
		pthread_mutex_unlock(&storm.lock);
	}
	return NULL;
}

static void do_threads(long nthreads, long iterations)
{
	static pthread_t tids[THREADS_MAX];
	unsigned long start;
	long i, started;
	int err = 0;

	if (nthreads < 1 || nthreads > THREADS_MAX ||
	    iterations < 0 || iterations > ITERS_MAX) {
		say_err(EINVAL);
		return;
	}
	start = cur_brk();
	storm.brk = start;
	storm.iterations = iterations;
	pthread_barrier_init(&storm.start, NULL, nthreads);
	for (started = 0; started < nthreads; started++) {
		err = pthread_create(&tids[started], NULL, brk_thread, NULL);
		if (err)
			break;
	}
	if (err) {
		/* The barrier can never open: leave the started ones waiting. */
		say_err(err);
		_exit(1);
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_barrier_destroy(&storm.start);

	/* The threads used the raw syscall: tell glibc where the break is. */
	brk((void *)storm.brk);
	say("ok %#lx %#lx", start, storm.brk);
}

static void do_vfork(long inc)
{
	unsigned long old = cur_brk(), want = old + inc, got;
	int status;
	pid_t pid;

	pid = vfork();
	if (pid < 0) {
		say_err(errno);
		return;
	}
	if (!pid) {
		/* Only a system call: we run on our parent's stack. */
		_exit(syscall(SYS_brk, want) == (long)want ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The child used the raw syscall: tell glibc where the break is. */
	got = syscall(SYS_brk, 0);
	brk((void *)got);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		say_err(EAGAIN);
	else
		say("ok %#lx %#lx %d", old, cur_brk(), (int)pid);
}

/* The state field of /proc/self/task/TID/stat, or 0 if it is gone. */
static char thread_state(pid_t tid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

static void serve(void);

/* The new main loop: waits for the old main thread to be gone first. */
static void *server_thread(void *arg)
{
	pid_t main_tid = getpid();
	int i;
	char st = 0;

	(void)arg;
	for (i = 0; i < 30000; i++) {
		st = thread_state(main_tid);
		if (!st || st == 'Z')
			break;
		usleep(1000);
	}
	if (st && st != 'Z')
		say_err(ETIMEDOUT);
	else
		say("ok %d", (int)syscall(SYS_gettid));
	serve();
	exit(0);
}

static void do_mainexit(void)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, server_thread, NULL);

	if (err) {
		say_err(err);
		return;
	}
	pthread_exit(NULL);
}

static void do_exec(void)
{
	execv("/proc/self/exe", saved_argv);
	say_err(errno);
}

static void reap_children(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void run_command(char *line)
{
	char *w[3];
	int n = split_words(line, w, 3);
	unsigned long u;
	long a, b;

	if (n == 2 && !strcmp(w[0], "sbrk") && parse_long(w[1], &a))
		do_sbrk(a);
	else if (n == 2 && !strcmp(w[0], "brk") && parse_hex(w[1], &u))
		do_raw_brk(u);
	else if (n == 2 && !strcmp(w[0], "rlimit_data") && parse_long(w[1], &a))
		do_rlimit_data(a);
	else if (n == 2 && !strcmp(w[0], "fork") && parse_long(w[1], &a))
		do_fork(a);
	else if (n == 3 && !strcmp(w[0], "threads") &&
		 parse_long(w[1], &a) && parse_long(w[2], &b))
		do_threads(a, b);
	else if (n == 2 && !strcmp(w[0], "vfork") && parse_long(w[1], &a))
		do_vfork(a);
	else if (n == 1 && !strcmp(w[0], "mainexit"))
		do_mainexit();
	else if (n == 1 && !strcmp(w[0], "exec"))
		do_exec();
	else if (n == 1 && !strcmp(w[0], "exit"))
		exit(0);
	else
		say_err(EINVAL);
}

static void serve(void)
{
	char line[CMD_MAX];
	int len;

	for (;;) {
		len = read_line(line, sizeof(line));
		reap_children();
		if (len == -1)
			break;
		if (len == -2)
			say_err(EINVAL);
		else
			run_command(line);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	saved_argv = argv;
	/*
	 * pthread_create() calloc()s the new thread's DTV.  Serve every
	 * malloc() from mmap so that only commands move the break.
	 */
	mallopt(M_MMAP_THRESHOLD, 0);

	say("ready %d %#lx", (int)getpid(), cur_brk());
	serve();
	return 0;
}
