/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope selftests library: what the netlink test programs (get_test,
 * dump_test, events_test, hostile_test, permission_test) share: their
 * fixture's state, asserting GETs, dumps into a table, and small helpers.
 *
 * Each program includes lib/nlfixture.h, the fixture "netlink" whose state
 * is self->nl (struct nl_fixture), and writes its tests with NL_TEST(name)
 * and REQUIRE_FAMILY().
 */
#ifndef BRKTEST_NLTEST_H
#define BRKTEST_NLTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "genl.h"
#include "kids.h"

struct __test_metadata;

#define NOBODY		65534
#define PID_MAX_LIMIT	4194304
#define PF_KTHREAD_FLAG	0x00200000	/* PF_KTHREAD in /proc/PID/stat */

/* Tests spawn and exec helpers; TCG can be 50x slower than native. */
#define NL_TEST(name)		TEST_F_TIMEOUT(netlink, name, 120)
#define NL_SLOW_TEST(name)	TEST_F_TIMEOUT(netlink, name, 900)

#define REQUIRE_FAMILY() do {						\
	if (geteuid())							\
		SKIP(return, "must run as root");			\
	if (!self->nl.family)						\
		SKIP(return, "generic netlink family " BRKSCOPE_FAMILY_NAME \
		     " not found: module not loaded");			\
} while (0)

struct nl_fixture {
	int sock;		/* requests */
	int sock2;		/* a second socket (dumps, events) */
	uint16_t family;	/* 0: not resolved */
	uint32_t events_group;
	struct kid kids[2];
	struct others others;	/* other children of this test */
	int gate[2];		/* forked waiters block reading gate[0] */
	int *bulk;		/* more children, too many for others: pids */
	int *nbulk;		/* ... and their count (NULL: none) */
};

/*
 * Page size, the helpers' directory, SIGPIPE ignored, child subreaper,
 * a socket and the family (family 0 if the module is not there).
 */
void nl_fixture_setup(struct nl_fixture *nl);
/* Kill the kids and all other children, close everything, reap all. */
void nl_fixture_teardown(struct nl_fixture *nl);

double secs_since(uint64_t t0);
/* An errno's name ("0" for none). */
const char *errname(int err);
/* A file holding one decimal number, or -errno. */
long read_number(const char *path);
/* Field 9 (flags) of /proc/PID/stat, or -errno. */
long proc_flags(int pid);
/* For a forked child: uid and gid NOBODY, and a netlink socket (or _exit). */
int nobody_nl_open(void);
/* Write all of buf to fd, or _exit(1): for forked children. */
void write_all(int fd, const void *buf, size_t len);
/*
 * A socket subscribed to the events group, brk(2)'s events armed (as the
 * client does: from 6.6 the join arms them by itself).  fd or -errno.  No
 * asserts.
 */
int events_open(uint16_t family, uint32_t group);

/* GET of pid that must be answered: *p holds the one reply. */
void get_ok(struct __test_metadata *_metadata, struct nl_fixture *nl,
	    uint32_t pid, struct proc_info *p);
/* GET of pid that must fail; returns the ack. */
void get_fails(struct __test_metadata *_metadata, struct nl_fixture *nl,
	       uint32_t pid, struct nl_ack *ack);

/* ---- dumps ---- */

#define DUMP_BUF_SIZE	(8 << 10)	/* small, so a dump takes many rounds */
#define DUMP_MAX	40000

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

/* The last dump's processes, in the order listed. */
extern struct dumped dumped[DUMP_MAX];

typedef void (*between_fn)(void *ctx, int round);

/*
 * Dump every process into dumped[], reading with recv() buffers of bufsize
 * bytes (at most DUMP_BUF_SIZE) and calling between() after each one that
 * did not end the dump.  Returns 0 or -errno of the socket; the dump's
 * verdict is in *r.  No asserts: forked children use it too.
 */
int dump_all(int fd, uint16_t family, size_t bufsize, between_fn between,
	     void *ctx, struct dump_result *r);
/* The record of pid among the first nrecs (dumped[] in pid order), or NULL. */
const struct dumped *find_dumped(int nrecs, uint32_t pid);
/* Index of the first pid that is not above its predecessor, or -1. */
int first_out_of_order(int nrecs);
/* NLMSG_DONE with 0, and nothing malformed. */
void expect_dump_ended_cleanly(struct __test_metadata *_metadata,
			       const struct dump_result *r);

#endif /* BRKTEST_NLTEST_H */
