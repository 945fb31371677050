/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events of brkscope monitor: every BRKSCOPE_CMD_EVENT message of a
 * received datagram is parsed and formatted into one output buffer, which
 * goes to the stream's file descriptor in one write() when it fills up or
 * when the caller flushes (monitor_flush(), when the socket has nothing
 * more to read).  Notes and events formatted by the helpers go through the
 * stream, which is flushed first, so the order holds.
 *
 * Plain events (the command name printable ASCII, the common case) are
 * formatted by hand; any other goes through the print_*() helpers of
 * output.h, which define the format: both give the same bytes, and
 * bench/monitor_replay checks that they do.
 *
 * cmd_monitor.c owns the socket; bench/monitor_replay feeds the same
 * functions synthetic datagrams.
 */
#ifndef BRKSCOPE_MONITOR_H
#define BRKSCOPE_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "output.h"

/* The output buffer: several batched datagrams' worth of lines. */
#define MONITOR_OUT_SIZE	(256 * 1024)

/**
 * struct monitor - state of the event printer
 * @nl: context the family was resolved in (its id tells events apart)
 * @o: output, JSON or a text table (monitor_header())
 * @limit: stop after this many events, 0: never
 * @count: events printed so far
 * @have_seq: @last_seq is valid
 * @last_seq: sequence number of the last event
 * @generic: format every event with the print_*() helpers (for the replay
 *           harness, which compares the two ways)
 * @write_failed: writing the output failed; @write_errno says why
 * @write_errno: errno of the failed write
 * @buf: output not yet written (MONITOR_OUT_SIZE bytes)
 * @len: bytes in @buf
 */
struct monitor {
	const struct nl_ctx *nl;
	struct out *o;
	uint64_t limit;
	uint64_t count;
	bool have_seq;
	uint64_t last_seq;
	bool generic;
	bool write_failed;
	int write_errno;
	char *buf;
	size_t len;
};

/**
 * monitor_init() - set up the event printer
 * @m: state to initialise
 * @nl: context the family was resolved in
 * @o: output, set up with out_init()
 * @limit: stop after this many events, 0: never
 *
 * Return: 0, or -1 with errno set (ENOMEM).
 */
int monitor_init(struct monitor *m, const struct nl_ctx *nl, struct out *o,
		 uint64_t limit);

/** monitor_free() - free what monitor_init() allocated (not @m->o) */
void monitor_free(struct monitor *m);

/**
 * monitor_header() - switch @o to the event table; in text, print the header
 * @o: output
 */
void monitor_header(struct out *o);

/**
 * monitor_datagram() - print the events of one received datagram
 * @m: state
 * @buf: the datagram: netlink messages, each one event or something to
 *       skip (another family or command)
 * @len: its length
 *
 * Prints "missed K events" before an event whose sequence number skips K.
 *
 * Return: what mnl_cb_run() returns: MNL_CB_OK; MNL_CB_STOP when @m->limit
 * events have been printed (the rest of @buf is left), or for an
 * NLMSG_DONE; MNL_CB_ERROR with errno set for a malformed event (EPROTO),
 * or with @m->write_failed set if writing failed.
 */
int monitor_datagram(struct monitor *m, const void *buf, size_t len);

/**
 * monitor_overrun() - note that the socket overran (recv() gave ENOBUFS)
 * @m: state
 *
 * Return: 0, or -1 with @m->write_failed set.
 */
int monitor_overrun(struct monitor *m);

/**
 * monitor_flush() - write out and flush everything printed so far
 * @m: state
 *
 * Return: 0, or -1 with @m->write_failed set.
 */
int monitor_flush(struct monitor *m);

#endif /* BRKSCOPE_MONITOR_H */
