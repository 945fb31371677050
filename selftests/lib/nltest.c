// SPDX-License-Identifier: GPL-2.0
/* brkscope selftests library: what the netlink test programs share. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "harness.h"
#include "files.h"
#include "nltest.h"

#define TEXT_MAX	4096	/* one-number files */
#define EV_RCVBUF	(8 << 20)

static char text[TEXT_MAX];

double secs_since(uint64_t t0)
{
	return (boottime_ns() - t0) / 1e9;
}

const char *errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "0";

	return name ? name : "?";
}

/* A file holding one decimal number, or -errno. */
long read_number(const char *path)
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
long proc_flags(int pid)
{
	unsigned long flags;
	int err = proc_stat_field(pid, 9, &flags);

	return err ? err : (long)flags;
}

int events_open(uint16_t family, uint32_t group)
{
	int fd = nl_open(), size = EV_RCVBUF, err, arm;

	if (fd < 0)
		return fd;
	/* Root may exceed rmem_max; others get what they get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	err = nl_join(fd, group);
	if (!err) {
		arm = nl_open();
		err = arm < 0 ? arm : events_arm(arm, family);
		if (arm >= 0)
			close(arm);
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * For a forked child: become uid and gid NOBODY and open a netlink socket.
 * The socket, or _exit(100) if the ids cannot be dropped, _exit(101) if
 * the socket cannot be opened.
 */
int nobody_nl_open(void)
{
	int fd;

	if (setgid(NOBODY) || setuid(NOBODY))
		_exit(100);
	fd = nl_open();
	if (fd < 0)
		_exit(101);
	return fd;
}

/* Write all of buf to fd, or _exit(1): for forked children. */
void write_all(int fd, const void *buf, size_t len)
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

/* ---- the fixture ---- */

void nl_fixture_setup(struct nl_fixture *nl)
{
	struct family f;
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	find_exe_dir();
	signal(SIGPIPE, SIG_IGN);
	nl->sock2 = -1;
	for (i = 0; i < 2; i++)
		nl->kids[i].to = nl->kids[i].from = -1;
	nl->gate[0] = nl->gate[1] = -1;
	/* Forked helpers' children get reparented to us: reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	nl->sock = nl_open();
	if (nl->sock >= 0 && !resolve_family(nl->sock, &f)) {
		nl->family = f.id;
		nl->events_group = f.group;
	}
}

void nl_fixture_teardown(struct nl_fixture *nl)
{
	int i;

	kill_kids_and_others(nl->kids, &nl->others);
	for (i = 0; nl->nbulk && i < *nl->nbulk; i++)
		if (nl->bulk[i] > 0)
			kill(nl->bulk[i], SIGKILL);
	close_fd(&nl->gate[0]);
	close_fd(&nl->gate[1]);
	close_fd(&nl->sock2);
	close_fd(&nl->sock);
	reap_all_children();
	if (nl->nbulk)
		*nl->nbulk = 0;
}

/* ---- asserting wrappers for the test process ---- */

/* GET of pid that must be answered: *p holds the one reply. */
void get_ok(struct __test_metadata *_metadata, struct nl_fixture *nl,
	    uint32_t pid, struct proc_info *p)
{
	struct nl_ack ack;
	int ret = get_pid(nl->sock, nl->family, pid, p, &ack);

	ASSERT_EQ(0, ret) TH_LOG("GET %u: socket: %s", pid, strerror(-ret));
	ASSERT_EQ(0, ack.err) TH_LOG("GET %u: %s (%s)", pid, errname(ack.err),
				     ack.has_msg ? ack.msg : "no message");
	ASSERT_EQ(1, p->nmsgs) TH_LOG("GET %u: replies", pid);
	ASSERT_EQ(0, p->bad_cmd);
	ASSERT_EQ(0, p->bad_attr) TH_LOG("GET %u: attribute %d malformed", pid,
					 p->bad_attr);
}

/* GET of pid that must fail; returns the ack. */
void get_fails(struct __test_metadata *_metadata, struct nl_fixture *nl,
	       uint32_t pid, struct nl_ack *ack)
{
	struct proc_info p;
	int ret = get_pid(nl->sock, nl->family, pid, &p, ack);

	ASSERT_EQ(0, ret) TH_LOG("GET %u: socket: %s", pid, strerror(-ret));
	ASSERT_TRUE(ack->got);
	EXPECT_EQ(0, p.nmsgs) TH_LOG("GET %u: a reply despite error %s", pid,
				     errname(ack->err));
	TH_LOG("GET %u: %s, extack '%s'", pid, errname(ack->err),
	       ack->has_msg ? ack->msg : "(none)");
}

/* ---- dumps ---- */

struct dumped dumped[DUMP_MAX];
static char dumpbuf[DUMP_BUF_SIZE];

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
int dump_all(int fd, uint16_t family, size_t bufsize, between_fn between,
		    void *ctx, struct dump_result *r)
{
	const struct nlmsghdr *nlh;
	struct nlmsghdr *req;
	uint32_t seq;
	int n, ret;

	memset(r, 0, sizeof(*r));
	req = genl_msg(reqbuf, sizeof(reqbuf), family, BRKSCOPE_CMD_GET,
		       BRKSCOPE_FAMILY_VERSION, NLM_F_REQUEST | NLM_F_DUMP);
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

const struct dumped *find_dumped(int nrecs, uint32_t pid)
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
int first_out_of_order(int nrecs)
{
	int i;

	for (i = 1; i < nrecs; i++)
		if (dumped[i].pid <= dumped[i - 1].pid)
			return i;
	return -1;
}

void expect_dump_ended_cleanly(struct __test_metadata *_metadata,
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

