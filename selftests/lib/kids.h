/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope selftests library: helper programs (brk_child, heap_spy) driven
 * over pipes on their stdin and stdout, one line per command and answer,
 * and a test's other children.  Helpers are found next to the test binary
 * (find_exe_dir() first).
 *
 * The functions that take _metadata assert with the harness: call them
 * from a test (or its fixture), not from a forked child.
 */
#ifndef BRKTEST_KIDS_H
#define BRKTEST_KIDS_H

#include <limits.h>

struct __test_metadata;

/* The longest line exchanged with a helper, newline included. */
#define KID_LINE_MAX		256
/* How long a helper may take to answer: generous, TCG guests are slow. */
#define REPLY_TIMEOUT_MS	30000
/* How many other children a test may track (struct others). */
#define OTHERS_MAX		1100

struct kid {
	int pid;
	int to;			/* its stdin */
	int from;		/* its stdout */
	unsigned long ready_brk; /* sbrk(0) from its last "ready" line */
};

/* The directory of this program's binary, after find_exe_dir(). */
extern char exe_dir[PATH_MAX];
void find_exe_dir(void);

/* Fork and exec a helper with pipes on its stdin and stdout, as k. */
struct kid *spawn(struct __test_metadata *_metadata, struct kid *k,
		  const char *prog, const char *arg);
/* Read one line (without newline) from a helper, waiting at most a while. */
void kid_line(struct __test_metadata *_metadata, struct kid *k, char *buf,
	      size_t size);
void kid_send(struct __test_metadata *_metadata, struct kid *k,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* kid_send(), then kid_line() of the answer into line (KID_LINE_MAX). */
void kid_ask(struct __test_metadata *_metadata, struct kid *k, char *line,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Read brk_child's "ready <pid> <sbrk0>" line. */
void expect_ready(struct __test_metadata *_metadata, struct kid *k);
/* Start brk_child as k and wait for its "ready" line. */
struct kid *start_brk_child(struct __test_metadata *_metadata, struct kid *k);
/* Start heap_spy --wait as k; *before and *after from its three lines. */
struct kid *spawn_heap_spy(struct __test_metadata *_metadata, struct kid *k,
			   unsigned long *before, unsigned long *after);
/*
 * "sbrk inc": returns 0 with *old and *cur from an "ok" answer, or the
 * errno of an "err" answer with *cur = sbrk(0).
 */
int child_sbrk(struct __test_metadata *_metadata, struct kid *k, long inc,
	       unsigned long *old, unsigned long *cur);
/* "sbrk inc" that must succeed; returns the new sbrk(0). */
unsigned long child_move(struct __test_metadata *_metadata, struct kid *k,
			 long inc, unsigned long *old);
/*
 * "vfork inc": k's vfork child moves the break by inc and exits.  Returns
 * the child's pid, with k's *old and *cur break as the answer says.
 */
int child_vfork(struct __test_metadata *_metadata, struct kid *k, long inc,
		unsigned long *old, unsigned long *cur);
/* "mainexit": brk_child's main thread exits, another serves; its tid. */
int child_main_exit(struct __test_metadata *_metadata, struct kid *k);
/* A command answered by a bare "ok". */
void child_ok(struct __test_metadata *_metadata, struct kid *k,
	      const char *cmd);

/* A test's other children, which teardown kills if they are still there. */
struct others {
	int pid[OTHERS_MAX];	/* 0 once reaped */
	int n;
};

void add_other(struct __test_metadata *_metadata, struct others *o, int pid);
/* Fork a child that exits at once (status 0), tracked in o.  Its pid. */
int fork_exiting_child(struct __test_metadata *_metadata, struct others *o);
/*
 * Kill the two kids and close their pipes, and kill o's children still
 * there (o may be NULL): for teardowns, which then reap.
 */
void kill_kids_and_others(struct kid kids[2], struct others *o);
/*
 * Wait for pid (a child of ours) and forget it, among o and the two kids.
 * Returns its wait status.
 */
int reap(struct others *o, struct kid kids[2], int pid);
/*
 * Kill whatever /proc says our children are; reap until none is left, or
 * for two minutes at most.
 */
void reap_all_children(void);

/* Wait for @pid, SIGKILLing it after @timeout_ms.  Its status, -1 if killed. */
int wait_timeout(int pid, int timeout_ms);

#endif /* BRKTEST_KIDS_H */
