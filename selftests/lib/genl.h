/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope selftests library: generic netlink plumbing shared by the test
 * programs that speak to the family (libmnl): sockets, requests, nlctrl's
 * answer for a family, and the attributes of a process record and of an
 * event.  No asserts: forked children use it too.  Nothing here allocates.
 */
#ifndef BRKTEST_GENL_H
#define BRKTEST_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "../../module/uapi/brkscope.h"

/* Answers land in rxbuf (64 KiB: a full recv() of a dump or of events). */
#define NL_RX_SIZE	(64 << 10)
/* Requests are built in reqbuf. */
#define NL_REQ_SIZE	4096

extern char rxbuf[NL_RX_SIZE];
extern char reqbuf[NL_REQ_SIZE];
/* The last sequence number used (never 0, the one events carry). */
extern uint32_t next_seq;

/* ---- nlctrl ---- */

struct family {
	uint16_t id;
	uint32_t group;		/* of the multicast group asked for, or 0 */
};

struct family_query {
	const char *name;	/* the family wanted */
	const char *group;	/* and its multicast group */
	bool named;		/* the message was about that family */
	struct family f;
};

/* One process as a GET reply or a dump message shows it. */
struct proc_info {
	int nmsgs;		/* BRKSCOPE_CMD_GET messages seen */
	bool bad;		/* either of the two below, even of type 0 */
	int bad_attr;		/* type of an attribute of the wrong size */
	int bad_cmd;		/* a reply whose command was not GET */
	bool has[BRKSCOPE_A_MAX + 1];
	uint32_t pid;
	char comm[32];
	uint64_t val[BRKSCOPE_A_MAX + 1];
};

/* An event attribute's bit in brk_event.seen. */
#define EVENT_BIT(type)	(1u << ((type) - BRKSCOPE_A_PID))

struct brk_event {
	uint64_t seq, old_brk, new_brk, len, time_ns, cgroup_id;
	uint8_t type, source;
	uint32_t pid;
	char comm[32];
	unsigned int seen;	/* EVENT_BIT()s of the attributes present */
	unsigned int missing;	/* how many of the 10 attributes were absent */
	int bad_attr;
};

/* What an NLMSG_ERROR (or NLMSG_DONE) said. */
struct nl_ack {
	bool got;		/* an NLMSG_ERROR or NLMSG_DONE arrived */
	int err;		/* positive errno, 0 for an ack */
	bool has_msg;
	char msg[256];
	bool has_offs;
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS */
	bool has_miss_type;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
};

typedef void (*reply_fn)(const struct nlmsghdr *nlh, void *data);

/* A socket with extended acks; error acks do not echo the request.  fd or -errno. */
int nl_open(void);
/* Join a multicast group: 0 or -errno. */
int nl_join(int fd, uint32_t group);
/*
 * BRKSCOPE_CMD_ARM on fd, which must not be subscribed (an event would be
 * skipped waiting for the ack): the ack's -errno, or the socket's.
 */
int events_arm(int fd, uint16_t family);
/* Send len bytes to the kernel: 0 or -errno. */
int nl_send(int fd, const void *buf, size_t len);
/*
 * One datagram.  Returns its length, -ETIMEDOUT, -EMSGSIZE if cut, -errno.
 * Never waits longer than timeout_ms.
 */
int nl_recv(int fd, void *buf, size_t size, int timeout_ms);
/*
 * Start a generic netlink request in buf, after zeroing its first clear
 * bytes: what a caller appends lands on zeros.
 */
struct nlmsghdr *genl_msg(void *buf, size_t clear, uint16_t type,
			  uint8_t cmd, uint8_t version, uint16_t flags);
/*
 * Send len bytes at req and hand every answer with its sequence number to
 * fn until the NLMSG_ERROR or NLMSG_DONE that ends it: *end, in rxbuf.
 * Returns 0, or -errno when the socket failed or nothing came in time.
 */
int nl_exchange(int fd, const void *req, size_t len, reply_fn fn,
		void *data, const struct nlmsghdr **end);
/*
 * nl_exchange() of a whole request.  Returns the request's -errno (0 for
 * an ack or a dump's end), or the socket's.
 */
int nl_talk(int fd, const struct nlmsghdr *req, reply_fn fn, void *data);
/* An nlctrl family message: its id and the id of the group q wants (data). */
void family_msg(const struct nlmsghdr *nlh, void *data);
/*
 * nlctrl's answer for a family: 0 with its id, and the group's id or 0;
 * -ENOENT if the family is not registered, -EPROTO if the answer is not
 * about it.
 */
int resolve(int fd, const char *name, const char *group, struct family *f);
/* The attributes of a process record. */
void parse_proc(const struct nlmsghdr *nlh, struct proc_info *p);
/* For nl_talk() and the like: data is a struct proc_info. */
void get_reply(const struct nlmsghdr *nlh, void *data);
/* The attributes of an event message (whose command the caller checked). */
void parse_event(const struct nlmsghdr *nlh, struct brk_event *ev);
/* What an NLMSG_ERROR, or an NLMSG_DONE, said. */
void parse_error(const struct nlmsghdr *nlh, struct nl_ack *ack);
void parse_done(const struct nlmsghdr *nlh, struct nl_ack *ack);
/* nl_exchange(), with what its NLMSG_ERROR or NLMSG_DONE said in *ack. */
int nl_transact(int fd, const void *req, size_t len, reply_fn fn,
		void *data, struct nl_ack *ack);
/*
 * The family, and its events group's id, or 0 if it has none: the event
 * tests, not every test, fail on that.
 */
int resolve_family(int fd, struct family *f);
/* BRKSCOPE_CMD_GET (do) of pid.  Returns 0 or -errno of the socket. */
int get_pid(int fd, uint16_t family, uint32_t pid, struct proc_info *p,
	    struct nl_ack *ack);

#endif /* BRKTEST_GENL_H */
