// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope top selftests: the live view driven the way a user does, in a
 * terminal.  Each test starts a private tmux server (-L, no config), runs
 * the client in a pane of a known size, types keys into it (send-keys)
 * and reads the screen back (capture-pane -p).  The pane's shell writes
 * the client's exit status to a file when it ends: tmux's own
 * #{pane_dead_status} stays empty in the guests (tmux 3.3a leaves its
 * panes' processes unreaped there, zombies, even a plain "sleep 1"), and
 * the pane is kept (remain-on-exit) so what was on screen still is.
 *
 * The processes on screen are brk_child helpers whose heaps grew by
 * amounts the test chose; every expected address and size comes from
 * their own sbrk(0) answers and /proc/PID/stat field 47, none is a
 * constant.
 *
 * The client is ../userspace/brkscope from this binary's directory, or
 * $BRKSCOPE_CLIENT; tmux is found in $PATH (or /usr/bin): without it the
 * tests that need it are skipped (the cloud guests' initramfs has none).
 * guest-check.sh runs nothing else while a selftest runs, so the tmux
 * server is killed, and its end waited for, in the teardown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/cgroup.h"
#include "lib/files.h"
#include "lib/kids.h"
#include "lib/module.h"

#define MODULE_SYSFS	"/sys/module/brkscope"
#define OUT_MAX		(64 << 10)
#define ARGS_MAX	24
#define CMD_TIMEOUT_MS	30000
/* How long a screen may take to show what is waited for: TCG is slow. */
#define SCREEN_WAIT_MS	20000
#define POLL_MS		100
#define SCREEN_LINES	64
/* A pane the size a test asks for, and the narrow one that must work. */
#define WIDE_COLS	120
#define WIDE_ROWS	40
#define NARROW_COLS	40
#define NARROW_ROWS	20
/* The two helpers' growths: distinct, not page multiples. */
#define BIG_GROWTH	(8UL * 1024 * 1024 + 4321)
#define SMALL_GROWTH	(64UL * 1024 + 123)

#define TOP_TEST(name)	TEST_F_TIMEOUT(top, name, 120)

/* What the test needs: root, the module; and tmux for those that say so. */
#define REQUIRE_BRKSCOPE()	REQUIRE_LOADED(MODULE_SYSFS)
#define REQUIRE_TMUX() do {						\
	REQUIRE_BRKSCOPE();						\
	if (!self->tmux[0])						\
		SKIP(return, "tmux missing (not in PATH or /usr/bin): "	\
		     "the cloud guests' initramfs has none");		\
} while (0)

/* Run tmux on this test's server: TMUX(self, out, size, "args"...). */
#define TMUX(self, out, size, ...) \
	tmux(_metadata, self, out, size, (const char *const[]){ __VA_ARGS__, NULL })

/**
 * struct grown - a brk_child whose heap grew by a known amount
 * @pid: its pid
 * @start_brk: /proc/PID/stat field 47
 * @brk: its sbrk(0) after the growth
 * @heap: @brk - @start_brk, what top must show
 */
struct grown {
	int pid;
	unsigned long start_brk;
	unsigned long brk;
	unsigned long heap;
};

FIXTURE(top) {
	struct kid kids[2];
	char client[PATH_MAX + 32];
	char tmux[PATH_MAX];
	char sock[64];		/* -L name of our tmux server */
	char status[96];	/* where the pane's shell puts the exit status */
	char cg[2][PATH_MAX];	/* cgroups made by the test, "" if none */
	int server_pid;		/* the server, once one was started */
	char client_pidfile[96]; /* the client's pid, written as it starts */
	char screen[OUT_MAX];	/* the last capture-pane -p */
	char lines[OUT_MAX];	/* the same, split */
	char *line[SCREEN_LINES];
	int nlines;
};

/* ---- running programs ---- */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Run argv to its end, stdout into out and stderr into err (both
 * NUL-terminated, cut at their sizes); its exit status.  It gets at most
 * CMD_TIMEOUT_MS, then SIGKILL and the test fails.
 */
static int run(struct __test_metadata *_metadata, char *const argv[],
	       char *out, size_t out_size, char *err, size_t err_size)
{
	struct pollfd pfd[2] = { { .events = POLLIN }, { .events = POLLIN } };
	char *buf[2] = { out, err };
	size_t size[2] = { out_size, err_size }, len[2] = { 0, 0 };
	uint64_t end = mono_ms() + CMD_TIMEOUT_MS;
	int po[2], pe[2], status, pid, i;
	char junk[4096];

	ASSERT_EQ(0, pipe2(po, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(pe, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(po[1], 1) < 0 ||
		    dup2(pe[1], 2) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	/* poll() skips a negative fd: each is set to -1 at its EOF */
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		int64_t left = (int64_t)(end - mono_ms());

		if (left <= 0 || poll(pfd, 2, (int)left) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close_fd(&pfd[0].fd);
			close_fd(&pfd[1].fd);
			ASSERT_TRUE(false) TH_LOG("%s %s: no end after %d ms",
						  argv[0], argv[1] ? argv[1] : "",
						  CMD_TIMEOUT_MS);
		}
		for (i = 0; i < 2; i++) {
			bool room = buf[i] && len[i] + 1 < size[i];
			ssize_t n;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (room)
				n = read(pfd[i].fd, buf[i] + len[i],
					 size[i] - 1 - len[i]);
			else
				n = read(pfd[i].fd, junk, sizeof(junk));
			if (n > 0 && room)
				len[i] += (size_t)n;
			if (n == 0 || (n < 0 && errno != EINTR))
				close_fd(&pfd[i].fd);
		}
	}
	for (i = 0; i < 2; i++)
		if (buf[i])
			buf[i][len[i]] = '\0';
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("%s %s: killed by signal %d", argv[0],
		       argv[1] ? argv[1] : "", WTERMSIG(status));
	ASSERT_NE(127, WEXITSTATUS(status)) TH_LOG("cannot exec %s", argv[0]);
	return WEXITSTATUS(status);
}

/* tmux -L <ours> -f /dev/null args...; must succeed; stdout in out. */
static void tmux(struct __test_metadata *_metadata, FIXTURE_DATA(top) *self,
		 char *out, size_t size, const char *const args[])
{
	char *argv[ARGS_MAX + 6];
	char err[1024];
	int i = 0, j, rc;

	argv[i++] = self->tmux;
	argv[i++] = "-L";
	argv[i++] = self->sock;
	argv[i++] = "-f";
	argv[i++] = "/dev/null";
	for (j = 0; args[j]; j++) {
		ASSERT_LT(j, ARGS_MAX);
		argv[i++] = (char *)args[j];
	}
	argv[i] = NULL;
	rc = run(_metadata, argv, out, size, err, sizeof(err));
	ASSERT_EQ(0, rc) TH_LOG("tmux %s: status %d: %s", args[0], rc, err);
}

/*
 * Start our tmux server with one pane of cols x rows running the client
 * with @args (a shell word list), in locale @lang on a terminal type the
 * host's terminfo has.  The pane stays after the client exits.
 */
static void start_top_in(struct __test_metadata *_metadata,
			 FIXTURE_DATA(top) *self, int cols, int rows,
			 const char *lang, const char *args)
{
	char cmd[2 * PATH_MAX + 512], x[16], y[16], pid[32];

	/* the inner shell says its pid, which the client's exec keeps */
	snprintf(cmd, sizeof(cmd),
		 "TERM=tmux-256color LANG=%s LC_ALL= /bin/sh -c 'echo $$ >%s; exec \"$0\" top %s' '%s'; echo $? >'%s'",
		 lang, self->client_pidfile, args, self->client, self->status);
	snprintf(x, sizeof(x), "%d", cols);
	snprintf(y, sizeof(y), "%d", rows);
	/* remain-on-exit before the pane exists, or its status is lost */
	TMUX(self, NULL, 0, "start-server", ";",
	     "set-option", "-g", "remain-on-exit", "on", ";",
	     "set-option", "-g", "default-terminal", "tmux-256color", ";",
	     "new-session", "-d", "-x", x, "-y", y, cmd);
	TMUX(self, pid, sizeof(pid), "display-message", "-p", "#{pid}");
	self->server_pid = atoi(pid);
	ASSERT_LT(0, self->server_pid) TH_LOG("tmux's pid: '%s'", pid);
}

/* The same in a UTF-8 locale, as a user's terminal mostly is. */
static void start_top(struct __test_metadata *_metadata,
		      FIXTURE_DATA(top) *self, int cols, int rows,
		      const char *args)
{
	start_top_in(_metadata, self, cols, rows, "C.UTF-8", args);
}

/* capture-pane -p into self->screen, split into self->line[]. */
static void capture(struct __test_metadata *_metadata, FIXTURE_DATA(top) *self)
{
	char *pos, *nl;

	TMUX(self, self->screen, sizeof(self->screen), "capture-pane", "-p");
	memcpy(self->lines, self->screen, sizeof(self->lines));
	self->nlines = 0;
	for (pos = self->lines; *pos && self->nlines < SCREEN_LINES;
	     pos = nl + 1) {
		nl = strchr(pos, '\n');
		self->line[self->nlines++] = pos;
		if (!nl)
			break;
		*nl = '\0';
	}
}

/* The line whose first word is @pid, or -1. */
static int row_of(FIXTURE_DATA(top) *self, int pid)
{
	char want[16];
	int i;

	snprintf(want, sizeof(want), "%d", pid);
	for (i = 0; i < self->nlines; i++) {
		const char *s = self->line[i] + strspn(self->line[i], " ");
		size_t n = strlen(want);

		if (!strncmp(s, want, n) && (s[n] == ' ' || !s[n]))
			return i;
	}
	return -1;
}

/*
 * The column header's line, or -1: its first word is PID, right-aligned
 * over pids as wide as the widest on screen (blanks before it once pids
 * have more than three digits, as after the other suites in make check).
 */
static int header_line(FIXTURE_DATA(top) *self)
{
	int i;

	for (i = 0; i < self->nlines; i++)
		if (!strncmp(self->line[i] + strspn(self->line[i], " "), "PID ", 4))
			return i;
	return -1;
}

/*
 * The cell of column @head in line @row: the numbers are right-aligned
 * under their header, so it is the word that covers the header's last
 * column.  Empty if there is no such column or word.
 */
static void cell(FIXTURE_DATA(top) *self, int row, const char *head,
		 char *out, size_t size)
{
	const char *h = self->line[header_line(self)], *r = self->line[row];
	size_t hl = strlen(head), end, start, len = strlen(r);
	const char *p;

	out[0] = '\0';
	for (p = h; (p = strstr(p, head)); p += hl)
		if ((p == h || p[-1] == ' ') && (p[hl] == ' ' || !p[hl]))
			break;
	if (!p)
		return;
	end = (size_t)(p - h) + hl - 1;
	if (end >= len || r[end] == ' ')
		return;
	for (start = end; start > 0 && r[start - 1] != ' '; start--)
		;
	while (end + 1 < len && r[end + 1] != ' ')
		end++;
	snprintf(out, size, "%.*s", (int)(end - start + 1), r + start);
}

/* Capture until @ok says the screen is right, or SCREEN_WAIT_MS passed. */
static bool wait_screen(struct __test_metadata *_metadata,
			FIXTURE_DATA(top) *self,
			bool (*ok)(FIXTURE_DATA(top) *self, const void *arg),
			const void *arg)
{
	uint64_t end = mono_ms() + SCREEN_WAIT_MS;

	do {
		capture(_metadata, self);
		if (ok(self, arg))
			return true;
		usleep(POLL_MS * 1000);
	} while (mono_ms() < end);
	return false;
}

/* The row of @arg (a struct grown) is there with its exact heap. */
static bool shows_heap(FIXTURE_DATA(top) *self, const void *arg)
{
	const struct grown *g = arg;
	char heap[32], want[32];
	int row = row_of(self, g->pid);

	if (row < 0 || header_line(self) < 0)
		return false;
	cell(self, row, "HEAP", heap, sizeof(heap));
	snprintf(want, sizeof(want), "%lu", g->heap);
	return !strcmp(heap, want);
}

/* ---- the helpers ---- */

/*
 * brk_child kids[slot], its heap grown by @growth bytes; first moved into
 * the cgroup at @cgroup, unless NULL, so that the growth is placed there.
 */
static void grow_child_in(struct __test_metadata *_metadata,
			  FIXTURE_DATA(top) *self, int slot,
			  unsigned long growth, const char *cgroup,
			  struct grown *g)
{
	struct kid *k = start_brk_child(_metadata, &self->kids[slot]);
	int err;

	g->pid = k->pid;
	if (cgroup) {
		err = cgroup_move(cgroup, k->pid);
		ASSERT_EQ(0, err) TH_LOG("%s: %s", cgroup, strerror(-err));
	}
	g->brk = child_move(_metadata, k, (long)growth, NULL);
	ASSERT_EQ(0, proc_start_brk(g->pid, &g->start_brk));
	ASSERT_LE(g->start_brk, g->brk);
	g->heap = g->brk - g->start_brk;
}

static void grow_child(struct __test_metadata *_metadata,
		       FIXTURE_DATA(top) *self, int slot, unsigned long growth,
		       struct grown *g)
{
	grow_child_in(_metadata, self, slot, growth, NULL, g);
}

/* The exit status of the pane's client, -1 while it runs. */
static int pane_status(FIXTURE_DATA(top) *self)
{
	char buf[32];
	int status;

	if (read_file(self->status, buf, sizeof(buf)) <= 0 ||
	    !strchr(buf, '\n') || sscanf(buf, "%d", &status) != 1)
		return -1;
	return status;
}

/*
 * Wait up to 10 s for process @pid (not ours) to end, SIGKILL it after
 * 5 s.  A zombie counts as ended: its parent may be gone, and its memory
 * (and its brkscope record) is.
 */
static void wait_gone(int pid)
{
	char path[64], stat[512], *paren;
	int i;

	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 100; i++) {
		if (read_file(path, stat, sizeof(stat)) <= 0)
			return;
		paren = strrchr(stat, ')');
		if (paren && paren[1] == ' ' && paren[2] == 'Z')
			return;
		if (i == 50)
			kill(pid, SIGKILL);
		usleep(100 * 1000);
	}
}

FIXTURE_SETUP(top)
{
	const char *env = getenv("BRKSCOPE_CLIENT");
	const char *path = getenv("PATH");
	char dir[PATH_MAX];

	page_size = sysconf(_SC_PAGESIZE);
	find_exe_dir();
	if (env && *env)
		snprintf(self->client, sizeof(self->client), "%s", env);
	else
		snprintf(self->client, sizeof(self->client),
			 "%s/../userspace/brkscope", exe_dir);
	self->kids[0].to = self->kids[0].from = -1;
	self->kids[1].to = self->kids[1].from = -1;
	snprintf(self->sock, sizeof(self->sock), "brkscope-top-%d", getpid());
	snprintf(self->status, sizeof(self->status),
		 "/tmp/brkscope-top-%d.status", getpid());
	snprintf(self->client_pidfile, sizeof(self->client_pidfile),
		 "/tmp/brkscope-top-%d.pid", getpid());
	unlink(self->client_pidfile);
	self->cg[0][0] = self->cg[1][0] = '\0';
	unlink(self->status);
	self->server_pid = 0;
	signal(SIGPIPE, SIG_IGN);
	/* tmux talks UTF-8 to capture-pane only in a UTF-8 locale */
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("TMUX");

	self->tmux[0] = '\0';
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s/tmux", (int)n, path);
		if (n && !access(dir, X_OK)) {
			snprintf(self->tmux, sizeof(self->tmux), "%s", dir);
			break;
		}
		path += n + (path[n] == ':');
	}
	if (!self->tmux[0] && !access("/usr/bin/tmux", X_OK))
		snprintf(self->tmux, sizeof(self->tmux), "/usr/bin/tmux");
}

FIXTURE_TEARDOWN(top)
{
	if (self->tmux[0]) {
		char *argv[] = {
			self->tmux, "-L", self->sock, "kill-server", NULL,
		};
		char buf[32];
		int pid = fork();

		if (!pid) {
			int null = open("/dev/null", O_RDWR);

			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
			execv(argv[0], argv);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		/*
		 * Neither the server nor the client is our child: wait for
		 * them to be gone, so that nothing of this test lives on
		 * into the next suite.
		 */
		wait_gone(self->server_pid);
		if (read_file(self->client_pidfile, buf, sizeof(buf)) > 0)
			wait_gone(atoi(buf));
	}
	unlink(self->status);
	unlink(self->client_pidfile);
	kill_kids_and_others(self->kids, NULL);
	reap_all_children();
	/* after the children: a cgroup with processes cannot be removed */
	cgroup_remove(self->cg[0]);
	cgroup_remove(self->cg[1]);
}

/* ---- tests ---- */

/* The helper's row shows its start_brk, brk and exact heap size. */
TOP_TEST(row_shows_exact_start_brk_brk_and_heap)
{
	char want[32], got[32];
	struct grown g;
	int row;

	REQUIRE_TMUX();
	grow_child(_metadata, self, 0, BIG_GROWTH, &g);
	start_top(_metadata, self, WIDE_COLS, WIDE_ROWS, "-B -d 0.2");
	ASSERT_TRUE(wait_screen(_metadata, self, shows_heap, &g))
		TH_LOG("no row for pid %d with heap %lu:\n%s", g.pid, g.heap,
		       self->screen);
	row = row_of(self, g.pid);
	cell(self, row, "START_BRK", got, sizeof(got));
	snprintf(want, sizeof(want), "0x%lx", g.start_brk);
	EXPECT_STREQ(want, got) TH_LOG("%s", self->screen);
	cell(self, row, "BRK", got, sizeof(got));
	snprintf(want, sizeof(want), "0x%lx", g.brk);
	EXPECT_STREQ(want, got) TH_LOG("%s", self->screen);
	EXPECT_NE(NULL, strstr(self->line[row], " brk_child "))
		TH_LOG("%s", self->line[row]);
}

/* The header shows the module's figures and the sort in use. */
TOP_TEST(header_shows_module_stats_and_sort_key)
{
	unsigned long limit;
	char want[64];
	struct grown g;

	REQUIRE_TMUX();
	ASSERT_EQ(0, read_stat("records_limit", &limit));
	grow_child(_metadata, self, 0, SMALL_GROWTH, &g);
	start_top(_metadata, self, WIDE_COLS, WIDE_ROWS, "-B -d 0.2");
	ASSERT_TRUE(wait_screen(_metadata, self, shows_heap, &g))
		TH_LOG("%s", self->screen);
	snprintf(want, sizeof(want), "/%lu", limit);
	EXPECT_NE(NULL, strstr(self->screen, "records "));
	EXPECT_NE(NULL, strstr(self->screen, want)) TH_LOG("%s", self->screen);
	EXPECT_NE(NULL, strstr(self->screen, "probe hits "));
	EXPECT_NE(NULL, strstr(self->screen, "sort: rate (r)"))
		TH_LOG("%s", self->screen);
}

struct two {
	const struct grown *first;	/* must be above */
	const struct grown *second;
	const char *sort;		/* the header's "sort: ..." */
};

static bool in_order(FIXTURE_DATA(top) *self, const void *arg)
{
	const struct two *t = arg;
	int a = row_of(self, t->first->pid), b = row_of(self, t->second->pid);

	return a >= 0 && b >= 0 && a < b && strstr(self->screen, t->sort);
}

/* 'h' puts the larger heap first; 'p' the lower pid first again. */
TOP_TEST(sort_keys_h_and_p_move_the_row)
{
	struct grown lo, hi;
	struct two t;

	REQUIRE_TMUX();
	/* The later child (the higher pid, unless pids wrapped) is big. */
	grow_child(_metadata, self, 0, SMALL_GROWTH, &lo);
	grow_child(_metadata, self, 1, BIG_GROWTH, &hi);
	ASSERT_LT(lo.pid, hi.pid) TH_LOG("pids wrapped between two forks");
	start_top(_metadata, self, WIDE_COLS, WIDE_ROWS, "-B -d 0.2 -s pid");

	t = (struct two){ &lo, &hi, "sort: pid (p)" };
	ASSERT_TRUE(wait_screen(_metadata, self, in_order, &t))
		TH_LOG("pid %d not above pid %d by pid:\n%s", lo.pid, hi.pid,
		       self->screen);
	TMUX(self, NULL, 0, "send-keys", "h");
	t = (struct two){ &hi, &lo, "sort: heap (h)" };
	ASSERT_TRUE(wait_screen(_metadata, self, in_order, &t))
		TH_LOG("pid %d not above pid %d by heap:\n%s", hi.pid, lo.pid,
		       self->screen);
	TMUX(self, NULL, 0, "send-keys", "p");
	t = (struct two){ &lo, &hi, "sort: pid (p)" };
	ASSERT_TRUE(wait_screen(_metadata, self, in_order, &t))
		TH_LOG("pid %d not above pid %d by pid again:\n%s", lo.pid,
		       hi.pid, self->screen);
}

/* 'q' ends the view with status 0. */
TOP_TEST(q_quits_with_status_0)
{
	uint64_t end;
	struct grown g;
	int status = -1;

	REQUIRE_TMUX();
	grow_child(_metadata, self, 0, SMALL_GROWTH, &g);
	start_top(_metadata, self, WIDE_COLS, WIDE_ROWS, "-B -d 0.2");
	ASSERT_TRUE(wait_screen(_metadata, self, shows_heap, &g))
		TH_LOG("%s", self->screen);
	EXPECT_EQ(-1, pane_status(self));
	TMUX(self, NULL, 0, "send-keys", "q");
	end = mono_ms() + SCREEN_WAIT_MS;
	while (mono_ms() < end) {
		status = pane_status(self);
		if (status >= 0)
			break;
		usleep(POLL_MS * 1000);
	}
	EXPECT_EQ(0, status) TH_LOG("%s", self->screen);
}

/*
 * Whether every line fits @arg's width in columns and holds nothing but
 * printable ASCII and the sparkline's blocks (U+2581..U+2588).
 */
static bool clean_and_fits(FIXTURE_DATA(top) *self, int width, char *why,
			   size_t size)
{
	int i;

	for (i = 0; i < self->nlines; i++) {
		const unsigned char *s = (const unsigned char *)self->line[i];
		int cols = 0;

		while (*s) {
			if (s[0] >= 0x20 && s[0] < 0x7f) {
				s++;
			} else if (s[0] == 0xe2 && s[1] == 0x96 &&
				   s[2] >= 0x81 && s[2] <= 0x88) {
				s += 3;
			} else {
				snprintf(why, size, "line %d: byte 0x%02x", i,
					 s[0]);
				return false;
			}
			cols++;
		}
		if (cols > width) {
			snprintf(why, size, "line %d: %d columns", i, cols);
			return false;
		}
	}
	return true;
}

/* The narrow screen: the title, the column header, pid and heap. */
static void expect_readable_narrow(struct __test_metadata *_metadata,
				   FIXTURE_DATA(top) *self,
				   const struct grown *g)
{
	char why[64] = "", heap[32], want[32];
	int row = row_of(self, g->pid), head = header_line(self);

	ASSERT_LE(0, row) TH_LOG("%s", self->screen);
	ASSERT_LE(0, head) TH_LOG("%s", self->screen);
	EXPECT_TRUE(clean_and_fits(self, NARROW_COLS, why, sizeof(why)))
		TH_LOG("%s:\n%s", why, self->screen);
	EXPECT_EQ(0, strncmp(self->line[0], "brkscope top", 12))
		TH_LOG("%s", self->screen);
	EXPECT_NE(NULL, strstr(self->screen, "records "));
	EXPECT_NE(NULL, strstr(self->line[head], " HEAP"))
		TH_LOG("%s", self->line[head]);
	cell(self, row, "HEAP", heap, sizeof(heap));
	snprintf(want, sizeof(want), "%lu", g->heap);
	EXPECT_STREQ(want, heap) TH_LOG("%s", self->screen);
}

/* At 40 columns columns are dropped, not wrapped: still readable. */
TOP_TEST(narrow_40_columns_stays_readable)
{
	struct grown g;

	REQUIRE_TMUX();
	grow_child(_metadata, self, 0, BIG_GROWTH, &g);
	start_top(_metadata, self, NARROW_COLS, NARROW_ROWS, "-B -d 0.2");
	ASSERT_TRUE(wait_screen(_metadata, self, shows_heap, &g))
		TH_LOG("%s", self->screen);
	expect_readable_narrow(_metadata, self, &g);
}

/* A resize from 120 to 40 columns is redrawn for the new width. */
TOP_TEST(resize_to_40_columns_redraws)
{
	char x[16], y[16];
	struct grown g;

	REQUIRE_TMUX();
	grow_child(_metadata, self, 0, BIG_GROWTH, &g);
	/* a minute-long interval: only the resize can redraw it */
	start_top(_metadata, self, WIDE_COLS, WIDE_ROWS, "-B -d 60");
	ASSERT_TRUE(wait_screen(_metadata, self, shows_heap, &g))
		TH_LOG("%s", self->screen);
	ASSERT_NE(NULL, strstr(self->screen, "START_BRK"));
	snprintf(x, sizeof(x), "%d", NARROW_COLS);
	snprintf(y, sizeof(y), "%d", NARROW_ROWS);
	TMUX(self, NULL, 0, "resize-window", "-x", x, "-y", y);
	ASSERT_TRUE(wait_screen(_metadata, self, shows_heap, &g))
		TH_LOG("%s", self->screen);
	expect_readable_narrow(_metadata, self, &g);
}

/* Whether the header is on screen (a frame was drawn). */
static bool shows_title(FIXTURE_DATA(top) *self, const void *arg)
{
	(void)arg;
	return self->nlines > 0 && !strncmp(self->line[0], "brkscope", 8);
}

/* Outside a UTF-8 locale the sparkline is ASCII, and so is everything. */
TOP_TEST(ascii_sparkline_outside_utf8)
{
	char why[64] = "";
	const char *tail;
	struct grown g;
	int row;

	REQUIRE_TMUX();
	grow_child(_metadata, self, 0, BIG_GROWTH, &g);
	start_top_in(_metadata, self, WIDE_COLS, WIDE_ROWS, "C", "-B -d 0.2");
	ASSERT_TRUE(wait_screen(_metadata, self, shows_heap, &g))
		TH_LOG("%s", self->screen);
	ASSERT_NE(NULL, strstr(self->screen, "LAST 60s"))
		TH_LOG("no sparkline at %d columns:\n%s", WIDE_COLS,
		       self->screen);
	EXPECT_TRUE(clean_and_fits(self, WIDE_COLS, why, sizeof(why)))
		TH_LOG("%s:\n%s", why, self->screen);
	EXPECT_EQ(NULL, strstr(self->screen, "\xe2\x96"))
		TH_LOG("block characters in locale C:\n%s", self->screen);
	/* a heap that did not move since it appeared: a flat '_' line */
	row = row_of(self, g.pid);
	tail = strrchr(self->line[row], ' ');
	ASSERT_NE(NULL, tail);
	EXPECT_EQ('_', tail[1]) TH_LOG("%s", self->line[row]);
}

/* A window too small for anything but a bit of the header: no crash. */
TOP_TEST(tiny_window_keeps_running)
{
	char why[64] = "";

	REQUIRE_TMUX();
	start_top(_metadata, self, 12, 3, "-d 0.2");
	ASSERT_TRUE(wait_screen(_metadata, self, shows_title, NULL))
		TH_LOG("%s", self->screen);
	usleep(1000 * 1000);	/* some refreshes */
	capture(_metadata, self);
	EXPECT_TRUE(clean_and_fits(self, 12, why, sizeof(why)))
		TH_LOG("%s:\n%s", why, self->screen);
	EXPECT_EQ(-1, pane_status(self)) TH_LOG("%s", self->screen);
	TMUX(self, NULL, 0, "send-keys", "q");
}

/* -b -n 2: two plain frames, each with the helper's exact row. */
TOP_TEST(batch_prints_n_plain_frames)
{
	static char out[OUT_MAX], err[4096];
	char *argv[] = {
		self->client, "top", "-b", "-n", "2", "-d", "0.2", "-B", NULL,
	};
	char want[128], *pos;
	int frames = 0, rows = 0, rc;
	struct grown g;

	REQUIRE_BRKSCOPE();
	grow_child(_metadata, self, 0, BIG_GROWTH, &g);
	rc = run(_metadata, argv, out, sizeof(out), err, sizeof(err));
	ASSERT_EQ(0, rc) TH_LOG("%s", err);
	EXPECT_STREQ("", err);
	snprintf(want, sizeof(want), " brk_child 0x%lx 0x%lx %lu ",
		 g.start_brk, g.brk, g.heap);
	for (pos = out; (pos = strstr(pos, "brkscope top")); pos++)
		if (pos == out || pos[-1] == '\n')
			frames++;
	for (pos = out; (pos = strstr(pos, want)); pos++)
		rows++;
	EXPECT_EQ(2, frames) TH_LOG("%s", out);
	EXPECT_EQ(2, rows) TH_LOG("no '%s' twice in:\n%s", want, out);
	EXPECT_EQ(NULL, strchr(out, '\033')) TH_LOG("escape codes in -b");
}

/* Run top -b -n 1 -B with @by; its output in @out. */
static void batch_by(struct __test_metadata *_metadata,
		     FIXTURE_DATA(top) *self, const char *by, char *out,
		     size_t size)
{
	char *argv[] = {
		self->client, "top", "-b", "-n", "1", "-B", "--by", (char *)by,
		NULL,
	};
	char err[4096];
	int rc;

	rc = run(_metadata, argv, out, size, err, sizeof(err));
	ASSERT_EQ(0, rc) TH_LOG("%s", err);
	EXPECT_STREQ("", err);
}

/* The line that starts with the word @first, or NULL. */
static const char *line_starting(const char *text, const char *first)
{
	size_t n = strlen(first);
	const char *p;

	for (p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, first, n) && p[n] == ' ')
			return p;
	return NULL;
}

/* --by comm: the two children are one row, their heaps summed exactly. */
TOP_TEST(by_comm_sums_the_heaps_of_one_name)
{
	static char out[OUT_MAX];
	unsigned long procs, heap;
	struct grown a, b;
	const char *row;

	REQUIRE_BRKSCOPE();
	grow_child(_metadata, self, 0, SMALL_GROWTH, &a);
	grow_child(_metadata, self, 1, BIG_GROWTH, &b);
	batch_by(_metadata, self, "comm", out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, "\nCOMM ")) TH_LOG("%s", out);
	row = line_starting(out, "brk_child");
	ASSERT_NE(NULL, row) TH_LOG("%s", out);
	ASSERT_EQ(2, sscanf(row, "brk_child %lu %lu", &procs, &heap))
		TH_LOG("%s", out);
	EXPECT_EQ(2UL, procs);
	EXPECT_EQ(a.heap + b.heap, heap) TH_LOG("%s", out);
}

/* --by cgroup: a row per cgroup, by path, each with its child's heap. */
TOP_TEST(by_cgroup_shows_each_cgroups_heap)
{
	static char out[OUT_MAX];
	unsigned long procs, heap;
	char name[64], scan[PATH_MAX + 16];
	struct grown g[2];
	const char *row;
	int i, err;

	REQUIRE_BRKSCOPE();
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "brkscope-top-test-%c", 'a' + i);
		err = cgroup_make(name, self->cg[i]);
		if (err == -ENODEV)
			SKIP(return, CGROUP_ROOT " is not a cgroup2 mount");
		ASSERT_EQ(0, err) TH_LOG("mkdir %s: %s", self->cg[i],
					 strerror(-err));
		if (!cgroup_id_of(self->cg[i]) && errno == ENOSYS)
			SKIP(return, "name_to_handle_at(): kernel without CONFIG_FHANDLE");
	}
	grow_child_in(_metadata, self, 0, SMALL_GROWTH, self->cg[0], &g[0]);
	grow_child_in(_metadata, self, 1, BIG_GROWTH, self->cg[1], &g[1]);
	batch_by(_metadata, self, "cgroup", out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, "\nCGROUP ")) TH_LOG("%s", out);
	for (i = 0; i < 2; i++) {
		const char *rel = self->cg[i] + strlen(CGROUP_ROOT);

		row = line_starting(out, rel);
		ASSERT_NE(NULL, row) TH_LOG("no row for %s:\n%s", rel, out);
		snprintf(scan, sizeof(scan), "%s %%lu %%lu", rel);
		ASSERT_EQ(2, sscanf(row, scan, &procs, &heap)) TH_LOG("%s", out);
		EXPECT_EQ(1UL, procs);
		EXPECT_EQ(g[i].heap, heap) TH_LOG("%s", out);
	}
}

/* Bad options: exit status 2 and a message naming what was wrong. */
TOP_TEST(bad_options_exit_2_with_a_message)
{
	static const struct {
		const char *args[3];
		const char *msg;
	} bad[] = {
		{ { "-d", "0" }, "bad interval '0'" },
		{ { "-d", "abc" }, "bad interval 'abc'" },
		{ { "-d", "99999" }, "bad interval '99999'" },
		{ { "-n", "0" }, "bad count of refreshes '0'" },
		{ { "-n", "x" }, "bad count of refreshes 'x'" },
		{ { "-s", "size" }, "bad sort key 'size'" },
		{ { "--by", "uid" }, "bad --by 'uid'" },
		{ { "--frobnicate" }, "unknown option '--frobnicate'" },
		{ { "-d" }, "option '-d' needs an argument" },
		{ { "extra" }, "unexpected argument 'extra'" },
	};
	char err[4096], out[1024];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *argv[] = {
			self->client, "top", (char *)bad[i].args[0],
			(char *)bad[i].args[1], NULL,
		};

		EXPECT_EQ(2, run(_metadata, argv, out, sizeof(out), err,
				 sizeof(err))) TH_LOG("top %s", bad[i].args[0]);
		EXPECT_NE(NULL, strstr(err, bad[i].msg))
			TH_LOG("top %s: '%s' not in: %s", bad[i].args[0],
			       bad[i].msg, err);
		EXPECT_STREQ("", out);
	}
}

TEST_HARNESS_MAIN
