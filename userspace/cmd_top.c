// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope top [-b] [-d SECONDS] [-n N] [-s KEY] [-B] [--by comm|cgroup]
 *
 * A live view of every process's heap (or every group's, with --by): each
 * refresh is one dump (procs_dump()) and one stats request on a socket
 * kept open, and keeps a minute of heap sizes per row for the growth rate
 * and the sparkline.  Rows are matched across refreshes by pid (or group
 * key); a row that goes away takes its history with it.
 *
 * On a terminal it runs on curses; -b writes plain-text frames instead.
 * SIGINT and SIGTERM are blocked and read from a signalfd, which the wait
 * between refreshes polls with standard input: both end the view cleanly
 * (exit 0), as 'q' does, and no flag is shared with a signal handler.
 * curses' own SIGWINCH handler interrupts that wait, and the next getch()
 * says KEY_RESIZE.
 */

#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"
#include "groups.h"
#include "internal.h"
#include "output.h"
#include "procs.h"
#include "stats.h"
#include "top.h"

/* Bounds of -d: faster is all overhead, slower leaves the minute empty. */
#define DELAY_MIN	0.1
#define DELAY_MAX	3600.0
#define REFRESHES_MAX	1000000000UL

/**
 * struct top_opts - brkscope top's command line
 * @delay: -d, seconds between refreshes
 * @refreshes: -n, refreshes before exiting, 0 for no end
 * @batch: -b
 * @bytes: -B
 * @by: --by: 0, GROUP_BY_COMM or GROUP_BY_CGROUP
 * @sort: -s, the order to start with
 */
struct top_opts {
	double delay;
	unsigned long refreshes;
	bool batch;
	bool bytes;
	unsigned int by;
	enum top_sort sort;
};

/**
 * struct top - the state of a running view
 * @o: the options
 * @nl: the socket, kept open across refreshes
 * @cg: names cgroups (--by cgroup), else NULL
 * @pv: the last dump
 * @gv: its groups (--by)
 * @st: the module's figures at the last refresh
 * @rows: the rows of the last refresh, sorted by key (row_key_cmp())
 * @nrows: how many
 * @cap: room in @rows
 * @spare: the previous refresh's rows while the new ones are made
 * @spare_cap: room in @spare
 * @order: indexes into @rows in the order shown
 * @now: CLOCK_MONOTONIC seconds of the last refresh
 * @wall: time(2) of the last refresh
 * @utf8: the locale's character set is UTF-8
 * @fail: what failed, for the message printed after curses is done
 * @nl_failed: the failure is in @nl->err, else in errno @err
 * @err: see @nl_failed
 */
struct top {
	struct top_opts o;
	struct nl_ctx nl;
	struct cgroup_map *cg;
	struct proc_vec pv;
	struct group_vec gv;
	struct stats st;
	struct top_row *rows;
	size_t nrows;
	size_t cap;
	struct top_row *spare;
	size_t spare_cap;
	size_t *order;
	double now;
	int64_t wall;
	bool utf8;
	const char *fail;
	bool nl_failed;
	int err;
};

static double mono_now(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Rows are matched across refreshes by pid, or by cgroup id and comm. */
static int row_key_cmp(const void *a, const void *b)
{
	const struct top_row *p = a, *q = b;

	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return strcmp(p->name, q->name);
}

static int cmp_desc(double a, double b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

/* What pid order means for a group: its name (cgroup path or comm). */
static int row_name_cmp(const struct top_row *p, const struct top_row *q)
{
	int c;

	if (p->cgroup && q->cgroup) {
		c = strcmp(p->cgroup, q->cgroup);
		if (c)
			return c;
	}
	return row_key_cmp(p, q);
}

/* qsort_r() of top->order: @arg is the struct top. */
static int order_cmp(const void *a, const void *b, void *arg)
{
	const struct top *top = arg;
	const struct top_row *p = &top->rows[*(const size_t *)a];
	const struct top_row *q = &top->rows[*(const size_t *)b];
	int c = 0;

	switch (top->o.sort) {
	case TOP_SORT_RATE:
		c = cmp_desc(p->has_rate ? p->rate : 0,
			     q->has_rate ? q->rate : 0);
		if (!c)
			c = cmp_desc((double)p->heap, (double)q->heap);
		break;
	case TOP_SORT_HEAP:
		c = cmp_desc((double)p->heap, (double)q->heap);
		break;
	case TOP_SORT_GROWS:
		c = cmp_desc((double)p->grows, (double)q->grows);
		break;
	default:
		break;
	}
	return c ? c : row_name_cmp(p, q);
}

static void sort_rows(struct top *top)
{
	size_t i;

	for (i = 0; i < top->nrows; i++)
		top->order[i] = i;
	qsort_r(top->order, top->nrows, sizeof(*top->order), order_cmp, top);
}

static int fail_errno(struct top *top, const char *what)
{
	top->fail = what;
	top->nl_failed = false;
	top->err = errno ? errno : ENOMEM;
	return -1;
}

/* Room for @n rows in both arrays and the order. */
static int rows_reserve(struct top *top, size_t n)
{
	struct top_row *v;
	size_t *order;

	if (n <= top->cap && n <= top->spare_cap)
		return 0;
	n = n < 256 ? 256 : n * 2;
	v = reallocarray(top->spare, n, sizeof(*v));
	if (!v)
		return -1;
	top->spare = v;
	top->spare_cap = n;
	order = reallocarray(top->order, n, sizeof(*order));
	if (!order)
		return -1;
	top->order = order;
	if (top->cap < n) {
		v = reallocarray(top->rows, n, sizeof(*v));
		if (!v)
			return -1;
		top->rows = v;
		top->cap = n;
	}
	return 0;
}

/*
 * Samples a row keeps: a minute's worth at this interval, and one more
 * from before it, which the sparkline's first columns show.
 */
static size_t ring_cap(double delay)
{
	return (size_t)ceil(TOP_SPARK_SECONDS / delay) + 2;
}

/**
 * adopt_history() - give each new row the history of its predecessor
 * @top: the view; @top->rows are the previous refresh's, sorted by key
 * @fresh: this refresh's rows, @n of them, sorted by key, without history
 * @n: how many
 *
 * Adds this refresh's sample to each and works out its rate.  The
 * previous rows whose process or group is gone are freed.
 *
 * Return: 0, or -1 with errno set (ENOMEM).
 */
static int adopt_history(struct top *top, struct top_row *fresh, size_t n)
{
	size_t i, j = 0, cap = ring_cap(top->o.delay);
	int ret = 0;

	for (i = 0; i < n; i++) {
		struct top_row *r = &fresh[i];
		const struct top_sample *prev;

		/* Both sorted by key: one walk matches them. */
		while (j < top->nrows && row_key_cmp(&top->rows[j], r) < 0)
			j++;
		/* A key seen twice in one dump gets a history of its own. */
		if (j < top->nrows && top->rows[j].ring &&
		    !row_key_cmp(&top->rows[j], r)) {
			r->ring = top->rows[j].ring;
			r->head = top->rows[j].head;
			r->nsamples = top->rows[j].nsamples;
			r->cap = top->rows[j].cap;
			top->rows[j].ring = NULL;
		} else {
			r->ring = calloc(cap, sizeof(*r->ring));
			r->head = 0;
			r->nsamples = 0;
			r->cap = cap;
			if (!r->ring) {
				ret = -1;	/* the rest have none */
				r->cap = 0;
				continue;
			}
		}
		if (r->nsamples == r->cap) {
			r->head = (r->head + 1) % r->cap;
			r->nsamples--;
		}
		r->ring[(r->head + r->nsamples) % r->cap] =
			(struct top_sample){ .t = top->now, .heap = r->heap };
		r->nsamples++;
		r->has_rate = r->nsamples >= 2;
		if (r->has_rate) {
			prev = &r->ring[(r->head + r->nsamples - 2) % r->cap];
			r->rate = top->now > prev->t ?
				  ((double)r->heap - (double)prev->heap) /
				  (top->now - prev->t) : 0;
		}
	}
	for (j = 0; j < top->nrows; j++)
		free(top->rows[j].ring);
	return ret;
}

/* This refresh's rows, from the dump or its groups, into top->spare. */
static size_t make_rows(struct top *top)
{
	struct top_row *v = top->spare;
	size_t i;

	if (!top->o.by) {
		for (i = 0; i < top->pv.n; i++) {
			const struct proc *p = &top->pv.v[i];

			v[i] = (struct top_row){
				.id = p->pid, .procs = 1,
				.start_brk = p->start_brk, .brk = p->brk,
				.heap = p->heap_bytes, .grows = p->grows,
			};
			memcpy(v[i].name, p->comm, sizeof(v[i].name));
		}
		return top->pv.n;
	}
	for (i = 0; i < top->gv.n; i++) {
		const struct group *g = &top->gv.v[i];

		v[i] = (struct top_row){
			.id = g->cgroup_id, .cgroup = g->cgroup,
			.procs = g->procs, .heap = g->heap_bytes,
			.grows = g->grows,
		};
		memcpy(v[i].name, g->comm, sizeof(v[i].name));
	}
	return top->gv.n;
}

/**
 * refresh_data() - one refresh: dump, stats, rows, history, order
 * @top: the view
 *
 * Return: 0, or -1 with the failure in @top (report_failure()).
 */
static int refresh_data(struct top *top)
{
	struct top_row *tmp;
	size_t n, cap;

	if (procs_dump(&top->nl, &top->pv)) {
		top->fail = "top: dumping processes";
		top->nl_failed = true;
		return -1;
	}
	if (stats_fetch(&top->nl, &top->st)) {
		top->fail = "top: fetching statistics";
		top->nl_failed = true;
		return -1;
	}
	top->now = mono_now();
	top->wall = (int64_t)time(NULL);
	if (top->o.by) {
		/*
		 * Cgroups come and go: read the tree again.  The names the
		 * previous rows point to go with it; only their keys are
		 * looked at from here on.
		 */
		if (top->cg)
			cgroup_map_forget(top->cg);
		if (groups_make(top->pv.v, top->pv.n, top->o.by, top->cg,
				&top->gv))
			return fail_errno(top, "top: grouping processes");
	}
	n = top->o.by ? top->gv.n : top->pv.n;
	if (rows_reserve(top, n))
		return fail_errno(top, "top");
	n = make_rows(top);
	qsort(top->spare, n, sizeof(*top->spare), row_key_cmp);
	if (adopt_history(top, top->spare, n)) {
		/* The rows without a ring must not be shown: drop them all. */
		int err = errno;
		size_t i;

		for (i = 0; i < n; i++)
			free(top->spare[i].ring);
		top->nrows = 0;
		errno = err;
		return fail_errno(top, "top");
	}
	tmp = top->rows;
	cap = top->cap;
	top->rows = top->spare;
	top->cap = top->spare_cap;
	top->spare = tmp;
	top->spare_cap = cap;
	top->nrows = n;
	sort_rows(top);
	return 0;
}

static void make_frame(const struct top *top, struct top_frame *f)
{
	*f = (struct top_frame){
		.rows = top->rows, .order = top->order, .n = top->nrows,
		.nprocs = top->pv.n, .st = &top->st, .now = top->now,
		.wall = top->wall, .by = top->o.by, .sort = top->o.sort,
		.delay = top->o.delay, .bytes = top->o.bytes,
		.utf8 = top->utf8,
	};
}

/* Print what made refresh_data() fail; the exit code.  After endwin(). */
static int report_failure(const struct top *top)
{
	if (top->nl_failed)
		return report_nl_error(top->fail, &top->nl);
	pr_err("%s: %s", top->fail, strerror(top->err));
	return EXIT_ERROR;
}

static void top_free(struct top *top)
{
	size_t i;

	for (i = 0; i < top->nrows; i++)
		free(top->rows[i].ring);
	free(top->rows);
	free(top->spare);
	free(top->order);
	proc_vec_free(&top->pv);
	group_vec_free(&top->gv);
	if (top->cg)
		cgroup_map_free(top->cg);
	nl_close(&top->nl);
}

/* SIGINT and SIGTERM, blocked, as a descriptor to poll. */
static int stop_fd(void)
{
	sigset_t stop;
	int fd;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) < 0) {
		pr_err("top: sigprocmask: %s", strerror(errno));
		return -1;
	}
	fd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		pr_err("top: signalfd: %s", strerror(errno));
	return fd;
}

enum wait_result {
	WAIT_TIMEOUT,	/* time for the next refresh */
	WAIT_EVENT,	/* a key, a resize or nothing: look at getch() */
	WAIT_STOP,	/* SIGINT, SIGTERM, or the terminal hung up */
	WAIT_FAIL,	/* ppoll() failed, reported */
};

/* Wait until @deadline for a signal or (@tty) input. */
static enum wait_result wait_until(double deadline, int sfd, bool tty)
{
	struct pollfd pfd[2] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
	};
	double left = deadline - mono_now();
	struct timespec ts;
	int ret;

	if (left <= 0)
		return WAIT_TIMEOUT;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
	ret = ppoll(pfd, tty ? 2 : 1, &ts, NULL);
	if (ret < 0) {
		if (errno == EINTR)	/* SIGWINCH, say */
			return WAIT_EVENT;
		pr_err("top: ppoll: %s", strerror(errno));
		return WAIT_FAIL;
	}
	if (!ret)
		return WAIT_TIMEOUT;
	if (pfd[0].revents)
		return WAIT_STOP;
	if (pfd[1].revents & (POLLHUP | POLLERR | POLLNVAL))
		return WAIT_STOP;
	return WAIT_EVENT;
}

static int run_batch(struct top *top, int sfd)
{
	struct top_frame f;
	unsigned long done = 0;
	double next = mono_now();

	for (;;) {
		if (refresh_data(top))
			return report_failure(top);
		make_frame(top, &f);
		if (top_print_batch(&f, stdout)) {
			pr_err("top: writing output: %s", strerror(errno));
			return EXIT_ERROR;
		}
		if (top->o.refreshes && ++done >= top->o.refreshes)
			return EXIT_OK;
		next += top->o.delay;
		if (next < mono_now())	/* fell behind: no burst to catch up */
			next = mono_now() + top->o.delay;
		for (;;) {
			enum wait_result w = wait_until(next, sfd, false);

			if (w == WAIT_STOP)
				return EXIT_OK;
			if (w == WAIT_FAIL)
				return EXIT_ERROR;
			if (w == WAIT_TIMEOUT)
				break;
		}
	}
}

enum key_result { KEYS_NONE, KEYS_REDRAW, KEYS_QUIT };

/* Everything typed so far: a new order, 'b', a resize, or 'q'. */
static enum key_result read_keys(struct top *top)
{
	enum key_result res = KEYS_NONE;
	int ch;

	while ((ch = getch()) != ERR) {
		switch (ch) {
		case 'q':
		case 'Q':
			return KEYS_QUIT;
		case 'r':
			top->o.sort = TOP_SORT_RATE;
			break;
		case 'h':
			top->o.sort = TOP_SORT_HEAP;
			break;
		case 'g':
			top->o.sort = TOP_SORT_GROWS;
			break;
		case 'p':
			top->o.sort = TOP_SORT_PID;
			break;
		case 'b':
			top->o.bytes = !top->o.bytes;
			break;
		case KEY_RESIZE:
			break;
		default:
			continue;
		}
		res = KEYS_REDRAW;
	}
	return res;
}

/* The loop on the terminal; curses is started and ended by the caller. */
static int run_curses(struct top *top, int sfd)
{
	struct top_frame f;
	unsigned long done = 0;
	double next = mono_now();

	for (;;) {
		if (refresh_data(top))
			return -1;
		make_frame(top, &f);
		top_draw_curses(&f);
		if (top->o.refreshes && ++done >= top->o.refreshes)
			return EXIT_OK;
		next += top->o.delay;
		if (next < mono_now())
			next = mono_now() + top->o.delay;
		for (;;) {
			enum key_result k = read_keys(top);

			if (k == KEYS_QUIT)
				return EXIT_OK;
			if (k == KEYS_REDRAW) {
				sort_rows(top);
				make_frame(top, &f);
				top_draw_curses(&f);
			}
			switch (wait_until(next, sfd, true)) {
			case WAIT_STOP:
				return EXIT_OK;
			case WAIT_FAIL:
				return EXIT_ERROR;
			case WAIT_EVENT:
				continue;
			case WAIT_TIMEOUT:
				break;
			}
			break;
		}
	}
}

static int start_curses(struct top *top, int sfd, SCREEN **scr)
{
	const char *term = getenv("TERM");
	char name[64];
	int ret;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		pr_err("top: standard input and output must be a terminal; -b writes plain-text frames");
		return EXIT_ERROR;
	}
	/* newterm(), unlike initscr(), returns rather than exits. */
	*scr = newterm(NULL, stdout, stdin);
	if (!*scr) {
		pr_err("top: cannot drive terminal type '%s' (TERM); -b writes plain-text frames",
		       term ? out_sanitize(name, sizeof(name), term) : "");
		return EXIT_ERROR;
	}
	if (cbreak() == ERR || noecho() == ERR ||
	    keypad(stdscr, TRUE) == ERR || nodelay(stdscr, TRUE) == ERR) {
		endwin();
		delscreen(*scr);
		pr_err("top: setting the terminal up failed");
		return EXIT_ERROR;
	}
	curs_set(0);	/* some terminals cannot hide it: no matter */
	ret = run_curses(top, sfd);
	endwin();
	delscreen(*scr);
	if (ret < 0)
		return report_failure(top);
	return ret;
}

/* -d: a number of seconds, fractions allowed, within the bounds. */
static int parse_delay(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < DELAY_MIN ||
	    v > DELAY_MAX)
		return -1;
	*out = v;
	return 0;
}

static int parse_count(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (REFRESHES_MAX - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (!v)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct top_opts *o)
{
	enum { OPT_BY = 256 };
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "bytes", no_argument, NULL, 'B' },
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, OPT_BY },
		{ NULL, 0, NULL, 0 },
	};
	char arg[64];
	int c, i;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+:bBd:n:s:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'b':
			o->batch = true;
			break;
		case 'B':
			o->bytes = true;
			break;
		case 'd':
			if (parse_delay(optarg, &o->delay))
				return usage_err("top: bad interval '%s': give seconds from 0.1 to 3600, e.g. 2 or 0.5",
						 out_sanitize(arg, sizeof(arg), optarg));
			break;
		case 'n':
			if (parse_count(optarg, &o->refreshes))
				return usage_err("top: bad count of refreshes '%s': give a number from 1 to %lu",
						 out_sanitize(arg, sizeof(arg), optarg),
						 REFRESHES_MAX);
			break;
		case 's':
			for (i = 0; i < TOP_SORT_COUNT; i++)
				if (!strcmp(optarg, top_sort_names[i]))
					break;
			/* list --by calls the order of groups "name" */
			if (!strcmp(optarg, "name"))
				i = TOP_SORT_PID;
			if (i == TOP_SORT_COUNT)
				return usage_err("top: bad sort key '%s': use rate, heap, grows, or pid (name: the same)",
						 out_sanitize(arg, sizeof(arg), optarg));
			o->sort = (enum top_sort)i;
			break;
		case OPT_BY:
			if (!strcmp(optarg, "comm"))
				o->by = GROUP_BY_COMM;
			else if (!strcmp(optarg, "cgroup"))
				o->by = GROUP_BY_CGROUP;
			else
				return usage_err("top: bad --by '%s': use comm or cgroup",
						 out_sanitize(arg, sizeof(arg), optarg));
			break;
		default:
			return option_err("top", c, argv);
		}
	}
	if (optind < argc)
		return usage_err("top: unexpected argument '%s'",
				 out_sanitize(arg, sizeof(arg), argv[optind]));
	return EXIT_OK;
}

int cmd_top(const struct opts *opts, int argc, char **argv)
{
	struct top top = { .o = { .delay = 1.0, .sort = TOP_SORT_RATE } };
	SCREEN *scr = NULL;
	int ret, sfd;

	ret = parse_args(argc, argv, &top.o);
	if (ret)
		return ret;
	if (opts->json)
		return usage_err("top: no JSON output: -b writes plain-text frames, list -j a JSON snapshot");

	/*
	 * The user's character set decides the sparkline's characters, and
	 * ncursesw needs it to draw them; numbers keep '.' whatever the
	 * locale, as in every other command.
	 */
	/* A locale that cannot be set leaves "C": ASCII, no harm. */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	top.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");

	ret = open_family(&top.nl, "top");
	if (ret) {
		nl_close(&top.nl);
		return ret;
	}
	if (top.o.by == GROUP_BY_CGROUP) {
		top.cg = cgroup_map_new(NULL);
		if (!top.cg) {
			pr_err("top: %s", strerror(errno));
			nl_close(&top.nl);
			return EXIT_ERROR;
		}
	}
	sfd = stop_fd();
	if (sfd < 0) {
		top_free(&top);
		return EXIT_ERROR;
	}
	if (top.o.batch)
		ret = run_batch(&top, sfd);
	else
		ret = start_curses(&top, sfd, &scr);
	close(sfd);
	top_free(&top);
	return ret;
}
