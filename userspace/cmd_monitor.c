// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope monitor [-c N]: print the events of the "events" multicast
 * group, one line each, until N events or SIGINT/SIGTERM.
 *
 * SIGINT and SIGTERM stay blocked except inside ppoll(), so a signal
 * either interrupts the wait (and the loop ends cleanly) or waits until
 * the event being printed is out: no flag shared with a signal handler.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "internal.h"
#include "output.h"

#define MONITOR_RCVBUF	(1 << 20)

struct monitor {
	const struct nl_ctx *nl;
	struct out *o;
	uint64_t limit;		/* stop after this many events, 0: never */
	uint64_t count;
	bool have_seq;
	uint64_t last_seq;
	bool write_failed;
	int write_errno;
};

static const struct out_col event_cols[] = {
	{ .key = "time_ns", .head = "TIME",    .width = 12 },
	{ .key = "pid",	    .head = "PID",     .width = 7 },
	{ .key = "comm",    .head = "COMM",    .width = 16, .left = true },
	{ .key = "type",    .head = "TYPE",    .width = 11, .left = true },
	{ .key = "source",  .head = "SOURCE",  .width = 10, .left = true },
	{ .key = "old_brk", .head = "OLD_BRK", .width = 14 },
	{ .key = "new_brk", .head = "NEW_BRK", .width = 14, .sep = " -> " },
	{ .key = "len",	    .head = "LEN",     .width = 8 },
};

static const char *event_type_name(uint8_t type, char *buf, size_t size)
{
	switch (type) {
	case BRKSCOPE_EVENT_GROW:
		return "grow";
	case BRKSCOPE_EVENT_GROW_FAILED:
		return "grow-failed";
	case BRKSCOPE_EVENT_SHRINK:
		return "shrink";
	}
	snprintf(buf, size, "unknown(%u)", type);
	return buf;
}

static const char *event_source_name(uint8_t source, char *buf, size_t size)
{
	switch (source) {
	case BRKSCOPE_SOURCE_BRK:
		return "brk";
	case BRKSCOPE_SOURCE_ELF_LOADER:
		return "elf-loader";
	}
	snprintf(buf, size, "unknown(%u)", source);
	return buf;
}

/* Flush after each line: tests and scripts read us through pipes. */
static int monitor_flush(struct monitor *m)
{
	if (out_flush(m->o) < 0) {
		m->write_failed = true;
		m->write_errno = errno;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	static const uint16_t required[] = {
		BRKSCOPE_A_EVENT_SEQ, BRKSCOPE_A_EVENT_TYPE,
		BRKSCOPE_A_EVENT_SOURCE, BRKSCOPE_A_PID, BRKSCOPE_A_COMM,
		BRKSCOPE_A_EVENT_OLD_BRK, BRKSCOPE_A_EVENT_NEW_BRK,
		BRKSCOPE_A_EVENT_LEN, BRKSCOPE_A_EVENT_TIME_NS,
	};
	const struct nlattr *tb[BRKSCOPE_A_MAX + 1];
	struct monitor *m = data;
	struct out *o = m->o;
	char tbuf[32], sbuf[32];
	uint64_t seq;
	size_t i;
	int ret;

	ret = brkscope_msg(nlh, m->nl, BRKSCOPE_CMD_EVENT, tb);
	if (ret <= 0)
		return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		if (!tb[required[i]]) {
			errno = EPROTO;
			return MNL_CB_ERROR;
		}
	}

	/* Sequence numbers go up by one per event made: a gap is a loss. */
	seq = mnl_attr_get_u64(tb[BRKSCOPE_A_EVENT_SEQ]);
	if (m->have_seq && seq > m->last_seq + 1)
		print_note(o, "missed", seq - m->last_seq - 1, false,
			   "missed %" PRIu64 " events",
			   seq - m->last_seq - 1);
	m->have_seq = true;
	m->last_seq = seq;

	out_object_begin(o, NULL);
	print_u64(o, "seq", NULL, NULL, seq);
	print_time_ns(o, "time_ns", NULL,
		      mnl_attr_get_u64(tb[BRKSCOPE_A_EVENT_TIME_NS]));
	print_str(o, "type", NULL,
		  event_type_name(mnl_attr_get_u8(tb[BRKSCOPE_A_EVENT_TYPE]),
				  tbuf, sizeof(tbuf)));
	print_str(o, "source", NULL,
		  event_source_name(mnl_attr_get_u8(tb[BRKSCOPE_A_EVENT_SOURCE]),
				    sbuf, sizeof(sbuf)));
	print_u64(o, "pid", NULL, NULL, mnl_attr_get_u32(tb[BRKSCOPE_A_PID]));
	print_str(o, "comm", NULL, mnl_attr_get_str(tb[BRKSCOPE_A_COMM]));
	print_u64(o, "old_brk", NULL, "0x%" PRIx64,
		  mnl_attr_get_u64(tb[BRKSCOPE_A_EVENT_OLD_BRK]));
	print_u64(o, "new_brk", NULL, "0x%" PRIx64,
		  mnl_attr_get_u64(tb[BRKSCOPE_A_EVENT_NEW_BRK]));
	print_u64(o, "len", NULL, NULL,
		  mnl_attr_get_u64(tb[BRKSCOPE_A_EVENT_LEN]));
	out_object_end(o);
	if (monitor_flush(m) != MNL_CB_OK)
		return MNL_CB_ERROR;

	m->count++;
	if (m->limit && m->count >= m->limit)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/* SIGINT and SIGTERM only have to interrupt ppoll(). */
static void on_stop_signal(int sig)
{
	(void)sig;
}

/*
 * Install the handlers and block both signals; @wait_mask gets the mask to
 * wait with, the current one without them.
 */
static int setup_signals(sigset_t *wait_mask)
{
	struct sigaction sa;
	sigset_t stop;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		pr_err("monitor: sigaction: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop, wait_mask) < 0) {
		pr_err("monitor: sigprocmask: %s", strerror(errno));
		return -1;
	}
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	return 0;
}

/* Socket options for a listener that must not lose events silently. */
static int setup_socket(struct nl_ctx *nl)
{
	int fd = mnl_socket_get_fd(nl->sock);
	int size = MONITOR_RCVBUF, off = 0, on = 1;

	/* SO_RCVBUFFORCE passes rmem_max when we may (CAP_NET_ADMIN). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0) {
		pr_err("monitor: setting SO_RCVBUF: %s", strerror(errno));
		return EXIT_ERROR;
	}
	/* Keep ENOBUFS on: it is how an overrun is noticed. */
	if (mnl_socket_setsockopt(nl->sock, NETLINK_NO_ENOBUFS, &off,
				  sizeof(off)) < 0) {
		pr_err("monitor: setting NETLINK_NO_ENOBUFS: %s",
		       strerror(errno));
		return EXIT_ERROR;
	}
	/*
	 * Without NETLINK_BROADCAST_ERROR the kernel tells the module that an
	 * event our full socket could not take reached nobody (-ESRCH), and
	 * the module's events_dropped does not count it.
	 */
	if (mnl_socket_setsockopt(nl->sock, NETLINK_BROADCAST_ERROR, &on,
				  sizeof(on)) < 0) {
		pr_err("monitor: setting NETLINK_BROADCAST_ERROR: %s",
		       strerror(errno));
		return EXIT_ERROR;
	}
	if (nl_subscribe(nl, nl->mcgrp_id) < 0) {
		if (nl->err.err == EPERM || nl->err.err == EACCES) {
			pr_err("monitor: subscribing to brkscope events needs CAP_SYS_ADMIN (%s)",
			       strerror(nl->err.err));
			return EXIT_PERM;
		}
		pr_err("monitor: joining the %s multicast group: %s",
		       BRKSCOPE_MCGRP_EVENTS, strerror(nl->err.err));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int parse_count(const char *s, uint64_t *count)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (!v)
		return -1;
	*count = v;
	return 0;
}

/*
 * Receive and print until done; returns the exit code.  Standard output is
 * watched too: when the reader of a pipe goes away (| head), stop now
 * rather than at the next event, which may never come.
 */
static int monitor_loop(struct nl_ctx *nl, struct monitor *m,
			const sigset_t *wait_mask)
{
	struct pollfd pfd[2] = {
		{ .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN },
		{ .fd = fileno(m->o->fp), .events = 0 },
	};
	ssize_t len;
	int ret;

	for (;;) {
		ret = ppoll(pfd, 2, NULL, wait_mask);
		if (ret < 0) {
			if (errno == EINTR)
				return EXIT_OK;	/* SIGINT or SIGTERM */
			pr_err("monitor: ppoll: %s", strerror(errno));
			return EXIT_ERROR;
		}
		if (pfd[1].revents & POLLNVAL) {
			pr_err("monitor: standard output is closed");
			return EXIT_ERROR;
		}
		if (pfd[1].revents & (POLLERR | POLLHUP))
			return EXIT_OK;	/* nobody reads us any more */
		if (!(pfd[0].revents & (POLLIN | POLLERR)))
			continue;
		len = mnl_socket_recvfrom(nl->sock, nl->rx, NL_RX_BUF_SIZE);
		if (len < 0) {
			if (errno == ENOBUFS) {
				/* The socket overran: events were dropped. */
				print_note(m->o, "overrun", 0, true,
					   "missed events (socket overrun)");
				if (monitor_flush(m) != MNL_CB_OK)
					break;
				continue;
			}
			if (errno == EINTR || errno == EAGAIN)
				continue;
			pr_err("monitor: receiving events: %s",
			       strerror(errno));
			return EXIT_ERROR;
		}
		errno = 0;
		ret = mnl_cb_run(nl->rx, (size_t)len, 0, 0, event_cb, m);
		if (ret == MNL_CB_STOP && m->limit && m->count >= m->limit)
			return EXIT_OK;
		if (ret < 0)
			break;
	}
	if (m->write_failed) {
		pr_err("monitor: writing output: %s", strerror(m->write_errno));
		return EXIT_ERROR;
	}
	pr_err("monitor: bad event message: %s",
	       strerror(errno ? errno : EPROTO));
	return EXIT_ERROR;
}

int cmd_monitor(const struct opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { 0 };
	sigset_t wait_mask;
	struct nl_ctx nl;
	struct out o;
	char arg[64];
	int c, ret;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+:c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_count(optarg, &m.limit) < 0)
				return usage_err("monitor: bad count '%s': a positive number is needed",
						 out_sanitize(arg, sizeof(arg), optarg));
			break;
		default:
			return option_err("monitor", c, argv);
		}
	}
	if (optind < argc)
		return usage_err("monitor: unexpected argument '%s'",
				 out_sanitize(arg, sizeof(arg), argv[optind]));

	ret = open_family(&nl, "monitor");
	if (!ret && !nl.mcgrp_id) {
		pr_err("monitor: family %s has no \"%s\" multicast group",
		       BRKSCOPE_GENL_NAME, BRKSCOPE_MCGRP_EVENTS);
		ret = EXIT_ERROR;
	}
	if (!ret)
		ret = setup_socket(&nl);
	if (!ret && setup_signals(&wait_mask) < 0)
		ret = EXIT_ERROR;
	if (ret) {
		nl_close(&nl);
		return ret;
	}

	out_init(&o, stdout, opts->json, 0);
	out_table(&o, event_cols, ARRAY_SIZE(event_cols));
	m.nl = &nl;
	m.o = &o;
	if (out_flush(&o) < 0) {
		pr_err("monitor: writing output: %s", strerror(errno));
		ret = EXIT_ERROR;
	} else {
		ret = monitor_loop(&nl, &m, &wait_mask);
	}
	nl_close(&nl);
	return ret;
}
