// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope monitor [-c N] [-v] [--rcvbuf BYTES]: print the events of the
 * "events" multicast group, one line each, until N events or
 * SIGINT/SIGTERM.
 *
 * Built to keep up with a storm: the module may batch many event messages
 * into one datagram; each datagram is read whole into a buffer that grows
 * if one ever does not fit, every message in it is printed (monitor.c)
 * into one output buffer, and the output is flushed when the socket has
 * nothing more to read, so a user watching still sees each event at once
 * while a storm costs a write per batch, not per event.  The socket's
 * receive buffer is made large (SO_RCVBUFFORCE) to ride out bursts.
 *
 * SIGINT and SIGTERM stay blocked except inside ppoll(), so a signal
 * either interrupts the wait (and the loop ends cleanly) or waits until
 * the datagrams being printed are out: no flag shared with a signal
 * handler.  ppoll() does not fail with EINTR while the socket is readable,
 * so a storm that never lets the socket go empty is checked for a pending
 * signal (sigpending()) every MONITOR_BURST datagrams.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "internal.h"
#include "monitor.h"
#include "output.h"

/*
 * The socket's receive buffer, asked for with SO_RCVBUFFORCE (the kernel
 * doubles it, for its bookkeeping, and charges each datagram its whole
 * buffer): 8 MiB, doubled, holds a whole storm of batched events (40,000
 * events are about 150 datagrams of 32 KiB), and costs nothing while the
 * client keeps up.
 */
#define MONITOR_RCVBUF		(8 << 20)
#define MONITOR_RCVBUF_MAX	(INT_MAX / 2)	/* the kernel's own cap */

/*
 * Datagrams: the module's batches are to be at most about 32 KiB; twice
 * that to start with, and a datagram that still does not fit (MSG_TRUNC)
 * makes the buffer grow to its size, up to MONITOR_RX_MAX.
 */
#define MONITOR_RX_SIZE		(64 * 1024)
#define MONITOR_RX_MAX		(16 << 20)

/* Datagrams read between two looks at signals and standard output. */
#define MONITOR_BURST		16

/* The receive buffer. */
struct rx {
	char *buf;
	size_t size;
};

/* What reading the socket came to. */
enum {
	RX_MORE,	/* a datagram was printed: read on */
	RX_IDLE,	/* nothing more to read */
	RX_DONE,	/* the count of events is reached */
	RX_FAIL,	/* an error, reported */
};

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

/*
 * Make the receive buffer @want bytes: SO_RCVBUFFORCE passes rmem_max when
 * we may (CAP_NET_ADMIN), SO_RCVBUF is capped by it.  Say what we got if
 * @verbose, or if it is less than asked for.
 */
static int setup_rcvbuf(int fd, int want, bool verbose)
{
	const char *how = "SO_RCVBUFFORCE";
	socklen_t len = sizeof(int);
	int force_err = 0, got = 0;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want,
		       sizeof(want)) < 0) {
		force_err = errno;
		how = "SO_RCVBUF";
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want,
			       sizeof(want)) < 0) {
			pr_err("monitor: setting SO_RCVBUF to %d bytes: %s",
			       want, strerror(errno));
			return EXIT_ERROR;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0) {
		pr_err("monitor: reading SO_RCVBUF back: %s", strerror(errno));
		return EXIT_ERROR;
	}
	/* The kernel doubles what it is given: 2 * want is all of it. */
	if ((long long)got < 2LL * want && force_err)
		pr_err("monitor: socket receive buffer: %d bytes, not the %lld of --rcvbuf %d doubled (SO_RCVBUFFORCE: %s; SO_RCVBUF is capped by net.core.rmem_max): a burst of events may overrun it",
		       got, 2LL * want, want, strerror(force_err));
	else if ((long long)got < 2LL * want)
		pr_err("monitor: socket receive buffer: %d bytes, not the %lld of --rcvbuf %d doubled: a burst of events may overrun it",
		       got, 2LL * want, want);
	else if (verbose)
		pr_err("monitor: socket receive buffer: %d bytes (--rcvbuf %d, doubled by the kernel; %s)",
		       got, want, how);
	return EXIT_OK;
}

/* Socket options for a listener that must not lose events silently. */
static int setup_socket(struct nl_ctx *nl, int rcvbuf, bool verbose)
{
	int fd = mnl_socket_get_fd(nl->sock);
	int off = 0, on = 1;

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
	/*
	 * After subscribing, so that one who may not subscribe hears only
	 * that; what comes in meanwhile fits the default buffer.
	 */
	return setup_rcvbuf(fd, rcvbuf, verbose);
}

/*
 * Before Linux 6.6 a join does not make the module follow brk(2) calls to
 * their return (from 6.6 it does, and this changes nothing): ask, after
 * joining, so that the probe cannot go for want of a subscriber before
 * the join.  On a socket of its own: events reaching the subscribed socket
 * while it waited for the ack would be read and lost.
 */
static int arm_events(void)
{
	struct nl_ctx arm;
	struct nlmsghdr *nlh;
	int ret;

	ret = open_family(&arm, "monitor");
	if (!ret) {
		nlh = nl_genl_msg(&arm, arm.family_id, BRKSCOPE_CMD_ARM,
				  BRKSCOPE_FAMILY_VERSION, 0);
		if (nl_request(&arm, nlh, NULL, NULL) < 0)
			ret = report_nl_error("monitor: arming brk(2) events", &arm);
	}
	nl_close(&arm);
	return ret;
}

/* A positive decimal, at most @max. */
static int parse_count(const char *s, uint64_t max, uint64_t *count)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (!v)
		return -1;
	*count = v;
	return 0;
}

/* --rcvbuf: bytes, or KiB, MiB, GiB with a K, M or G suffix. */
static int parse_bytes(const char *s, int *bytes)
{
	char num[32];
	size_t n = strlen(s);
	unsigned int shift = 0;
	uint64_t v;

	if (n && strchr("kKmMgG", s[n - 1])) {
		shift = strchr("kK", s[n - 1]) ? 10 :
			strchr("mM", s[n - 1]) ? 20 : 30;
		n--;
	}
	if (!n || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_count(num, MONITOR_RCVBUF_MAX, &v) < 0 ||
	    v > (uint64_t)MONITOR_RCVBUF_MAX >> shift)
		return -1;
	*bytes = (int)(v << shift);
	return 0;
}

/*
 * One datagram, without waiting.  With MSG_TRUNC the kernel returns the
 * datagram's whole length even when the buffer was too small for it.
 */
static ssize_t recv_datagram(int fd, struct rx *rx)
{
	struct sockaddr_nl addr;
	struct iovec iov = { .iov_base = rx->buf, .iov_len = rx->size };
	struct msghdr msg = {
		.msg_name = &addr,
		.msg_namelen = sizeof(addr),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t len;

	len = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
	if (len >= 0 && msg.msg_namelen != sizeof(addr)) {
		errno = EINVAL;		/* not netlink: what libmnl says */
		return -1;
	}
	return len;
}

/*
 * A datagram of @len bytes did not fit: the messages cut off are lost
 * (the next event's sequence number will show how many).  Grow the buffer
 * so that the next one fits.
 */
static int rx_grow(struct rx *rx, size_t len)
{
	size_t size = rx->size;
	char *buf;

	while (size < len && size < MONITOR_RX_MAX)
		size *= 2;
	pr_err("monitor: a datagram of %zu bytes did not fit the %zu-byte receive buffer: the events cut off were lost; the buffer grows to %zu bytes",
	       len, rx->size, size);
	if (size == rx->size)
		return 0;
	buf = malloc(size);
	if (!buf) {
		pr_err("monitor: growing the receive buffer to %zu bytes: %s",
		       size, strerror(errno));
		return -1;
	}
	free(rx->buf);
	rx->buf = buf;
	rx->size = size;
	return 0;
}

static void report_write_error(const struct monitor *m)
{
	pr_err("monitor: writing output: %s", strerror(m->write_errno));
}

/* Read and print one datagram. */
static int receive(int fd, struct monitor *m, struct rx *rx)
{
	ssize_t len;
	size_t got;
	int ret;

	len = recv_datagram(fd, rx);
	if (len < 0) {
		switch (errno) {
		case EAGAIN:
			return RX_IDLE;
		case EINTR:
			return RX_MORE;
		case ENOBUFS:
			/* The socket overran: events were dropped. */
			if (monitor_overrun(m) < 0) {
				report_write_error(m);
				return RX_FAIL;
			}
			return RX_MORE;
		}
		ret = errno;
		if (monitor_flush(m) < 0)
			report_write_error(m);
		pr_err("monitor: receiving events: %s", strerror(ret));
		return RX_FAIL;
	}
	got = (size_t)len < rx->size ? (size_t)len : rx->size;
	ret = monitor_datagram(m, rx->buf, got);
	if (ret == MNL_CB_STOP && m->limit && m->count >= m->limit)
		return RX_DONE;
	if (ret < 0) {
		if (m->write_failed) {
			report_write_error(m);
			return RX_FAIL;
		}
		ret = errno ? errno : EPROTO;
		if (monitor_flush(m) < 0)
			report_write_error(m);
		pr_err("monitor: bad event message: %s", strerror(ret));
		return RX_FAIL;
	}
	if ((size_t)len > got && rx_grow(rx, (size_t)len) < 0)
		return RX_FAIL;
	return RX_MORE;
}

/* Leave with everything printed so far written out. */
static int finish(struct monitor *m, int code)
{
	if (monitor_flush(m) < 0) {
		report_write_error(m);
		return EXIT_ERROR;
	}
	return code;
}

/* Whether SIGINT or SIGTERM waits (blocked) to end us; -1 on error. */
static int stop_pending(void)
{
	sigset_t pending;

	if (sigpending(&pending) < 0) {
		pr_err("monitor: sigpending: %s", strerror(errno));
		return -1;
	}
	return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM);
}

/*
 * Receive and print until done; returns the exit code.  Standard output is
 * watched too: when the reader of a pipe goes away (| head), stop now
 * rather than at the next event, which may never come.
 */
static int monitor_loop(struct nl_ctx *nl, struct monitor *m, struct rx *rx,
			const sigset_t *wait_mask)
{
	int fd = mnl_socket_get_fd(nl->sock);
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = fileno(m->o->fp), .events = 0 },
	};
	int i, ret;

	for (;;) {
		ret = ppoll(pfd, 2, NULL, wait_mask);
		if (ret < 0) {
			if (errno == EINTR)	/* SIGINT or SIGTERM */
				return finish(m, EXIT_OK);
			ret = errno;
			pr_err("monitor: ppoll: %s", strerror(ret));
			return finish(m, EXIT_ERROR);
		}
		if (pfd[1].revents & POLLNVAL) {
			pr_err("monitor: standard output is closed");
			return EXIT_ERROR;
		}
		if (pfd[1].revents & (POLLERR | POLLHUP)) {
			/* Nobody reads us any more: drop what nobody will. */
			m->len = 0;
			__fpurge(m->o->fp);
			return EXIT_OK;
		}
		if (!(pfd[0].revents & (POLLIN | POLLERR)))
			continue;
		ret = RX_MORE;
		for (i = 0; i < MONITOR_BURST && ret == RX_MORE; i++)
			ret = receive(fd, m, rx);
		switch (ret) {
		case RX_IDLE:
			if (monitor_flush(m) < 0) {
				report_write_error(m);
				return EXIT_ERROR;
			}
			break;
		case RX_DONE:
			return finish(m, EXIT_OK);
		case RX_FAIL:
			return EXIT_ERROR;
		case RX_MORE:	/* a storm: ppoll() will not say EINTR */
			ret = stop_pending();
			if (ret)
				return finish(m, ret < 0 ? EXIT_ERROR : EXIT_OK);
			break;
		}
	}
}

int cmd_monitor(const struct opts *opts, int argc, char **argv)
{
	enum { OPT_RCVBUF = 256 };
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
		{ NULL, 0, NULL, 0 },
	};
	struct rx rx = { .size = MONITOR_RX_SIZE };
	int rcvbuf = MONITOR_RCVBUF;
	bool verbose = false;
	struct monitor m;
	uint64_t limit = 0;
	sigset_t wait_mask;
	struct nl_ctx nl;
	struct out o;
	char arg[64];
	int c, ret;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+:c:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_count(optarg, UINT64_MAX, &limit) < 0)
				return usage_err("monitor: bad count '%s': a positive number is needed",
						 out_sanitize(arg, sizeof(arg), optarg));
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_RCVBUF:
			if (parse_bytes(optarg, &rcvbuf) < 0)
				return usage_err("monitor: bad --rcvbuf '%s': bytes from 1 to %d are needed (K, M, G: KiB, MiB, GiB)",
						 out_sanitize(arg, sizeof(arg), optarg),
						 MONITOR_RCVBUF_MAX);
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
		       BRKSCOPE_FAMILY_NAME, BRKSCOPE_MCGRP_EVENTS);
		ret = EXIT_ERROR;
	}
	if (!ret)
		ret = setup_socket(&nl, rcvbuf, verbose);
	if (!ret)
		ret = arm_events();
	if (!ret && setup_signals(&wait_mask) < 0)
		ret = EXIT_ERROR;
	if (!ret) {
		rx.buf = malloc(rx.size);
		if (!rx.buf || monitor_init(&m, &nl, &o, limit) < 0) {
			pr_err("monitor: allocating buffers: %s",
			       strerror(errno));
			free(rx.buf);
			ret = EXIT_ERROR;
		}
	}
	if (ret) {
		nl_close(&nl);
		return ret;
	}
	if (verbose)
		pr_err("monitor: receiving datagrams of up to %zu bytes",
		       rx.size);

	out_init(&o, stdout, opts->json, 0);
	monitor_header(&o);
	if (out_flush(&o) < 0) {
		pr_err("monitor: writing output: %s", strerror(errno));
		ret = EXIT_ERROR;
	} else {
		ret = monitor_loop(&nl, &m, &rx, &wait_mask);
	}
	monitor_free(&m);
	free(rx.buf);
	nl_close(&nl);
	return ret;
}
