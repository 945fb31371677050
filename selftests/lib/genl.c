// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope selftests library: generic netlink plumbing (libmnl).  No
 * asserts: forked children use it too.  The buffers are static, as nothing
 * here may allocate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "genl.h"
#include "kids.h"	/* REPLY_TIMEOUT_MS */

char rxbuf[NL_RX_SIZE];
char reqbuf[NL_REQ_SIZE];
/* Never 0, the sequence number events carry. */
uint32_t next_seq = 1000;

/* A socket with extended acks; error acks do not echo the request. */
int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int nl_join(int fd, uint32_t group)
{
	return setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
			  sizeof(group)) ? -errno : 0;
}

int nl_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	n = sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/*
 * One datagram.  Returns its length, -ETIMEDOUT, -EMSGSIZE if cut, -errno.
 * MSG_DONTWAIT: never waits longer than timeout_ms, whatever poll said.
 */
int nl_recv(int fd, void *buf, size_t size, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIMEDOUT;
	do {
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return msg.msg_flags & MSG_TRUNC ? -EMSGSIZE : n;
}

/*
 * Start a generic netlink request in buf, after zeroing its first clear
 * bytes: what a caller appends lands on zeros.
 */
struct nlmsghdr *genl_msg(void *buf, size_t clear, uint16_t type,
				 uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, clear);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = ++next_seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}


/*
 * Send len bytes at req and hand every answer with its sequence number to
 * fn until the NLMSG_ERROR or NLMSG_DONE that ends it: *end, in rxbuf.
 * Returns 0, or -errno when the socket failed or nothing came in time.
 */
int nl_exchange(int fd, const void *req, size_t len, reply_fn fn,
		       void *data, const struct nlmsghdr **end)
{
	const struct nlmsghdr *r = req, *nlh;
	uint32_t seq = r->nlmsg_seq;
	int n, ret;

	ret = nl_send(fd, req, len);
	if (ret)
		return ret;
	for (;;) {
		n = nl_recv(fd, rxbuf, sizeof(rxbuf), REPLY_TIMEOUT_MS);
		if (n < 0)
			return n;
		for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				*end = nlh;
				return 0;
			}
			if (fn)
				fn(nlh, data);
		}
	}
}

/*
 * nl_exchange() of a whole request.  Returns the request's -errno (0 for
 * an ack or a dump's end), or the socket's.
 */
int nl_talk(int fd, const struct nlmsghdr *req, reply_fn fn, void *data)
{
	const struct nlmsghdr *end;
	int ret = nl_exchange(fd, req, req->nlmsg_len, fn, data, &end);

	if (ret)
		return ret;
	if (end->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return 0;
	return *(const int *)mnl_nlmsg_get_payload(end);
}


/* An nlctrl family message: its id and the id of the group wanted. */
void family_msg(const struct nlmsghdr *nlh, void *data)
{
	struct family_query *q = data;
	const struct nlattr *attr, *grp, *a;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_NAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0 &&
			    !strcmp(mnl_attr_get_str(attr), q->name))
				q->named = true;
			break;
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
				q->f.id = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(grp, attr) {
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(a, grp) {
					if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
					    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
						name = mnl_attr_get_str(a);
					if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
					    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
						id = mnl_attr_get_u32(a);
				}
				if (name && !strcmp(name, q->group))
					q->f.group = id;
			}
			break;
		}
	}
}

/*
 * nlctrl's answer for a family: 0 with its id, and the group's id or 0
 * (callers that need the group say so: a missing one is their failure);
 * -ENOENT if the family is not registered, -EPROTO if the answer is not
 * about it.
 */
int resolve(int fd, const char *name, const char *group,
		   struct family *f)
{
	struct family_query q = { .name = name, .group = group };
	struct nlmsghdr *nlh;
	int ret;

	nlh = genl_msg(reqbuf, sizeof(reqbuf), GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
		       1, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = nl_talk(fd, nlh, family_msg, &q);
	*f = q.f;
	if (!ret && (!q.named || !q.f.id))
		ret = -EPROTO;
	return ret;
}

/* ---- brkscope's messages ---- */


static bool is_u64_attr(int type)
{
	return (type >= BRKSCOPE_A_START_BRK && type <= BRKSCOPE_A_LAST_CHANGE_NS) ||
	       type == BRKSCOPE_A_HEAP_BYTES || type == BRKSCOPE_A_CGROUP_ID;
}

void parse_proc(const struct nlmsghdr *nlh, struct proc_info *p)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	memset(p, 0, sizeof(*p));
	p->nmsgs = 1;
	if (g->cmd != BRKSCOPE_CMD_GET) {
		p->bad = true;
		p->bad_cmd = g->cmd;
	}
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		int type = mnl_attr_get_type(attr);

		if (type > BRKSCOPE_A_MAX || type == BRKSCOPE_A_PAD)
			continue;	/* clients ignore what they do not know */
		if (type == BRKSCOPE_A_PID) {
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				goto bad;
			p->pid = mnl_attr_get_u32(attr);
		} else if (type == BRKSCOPE_A_COMM) {
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
			    mnl_attr_get_payload_len(attr) > 16)
				goto bad;
			snprintf(p->comm, sizeof(p->comm), "%s",
				 mnl_attr_get_str(attr));
		} else if (type == BRKSCOPE_A_TRACKED) {
			if (mnl_attr_validate(attr, MNL_TYPE_FLAG) < 0)
				goto bad;
		} else if (is_u64_attr(type)) {
			if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
				goto bad;
			p->val[type] = mnl_attr_get_u64(attr);
		} else {
			goto bad;	/* not a process attribute */
		}
		p->has[type] = true;
		continue;
bad:
		p->bad = true;
		p->bad_attr = type;
	}
}

/* For nl_talk() and the like: data is a struct proc_info. */
void get_reply(const struct nlmsghdr *nlh, void *data)
{
	struct proc_info *p = data;
	int n = p->nmsgs;

	parse_proc(nlh, p);
	p->nmsgs += n;
}


/* The attributes of an event message (whose command the caller checked). */
void parse_event(const struct nlmsghdr *nlh, struct brk_event *ev)
{
	const struct nlattr *attr;

	memset(ev, 0, sizeof(*ev));
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		int type = mnl_attr_get_type(attr);
		enum mnl_attr_data_type want = MNL_TYPE_U64;
		uint64_t *dst = NULL;

		switch (type) {
		case BRKSCOPE_A_EVENT_SEQ:	dst = &ev->seq; break;
		case BRKSCOPE_A_EVENT_OLD_BRK:	dst = &ev->old_brk; break;
		case BRKSCOPE_A_EVENT_NEW_BRK:	dst = &ev->new_brk; break;
		case BRKSCOPE_A_EVENT_LEN:	dst = &ev->len; break;
		case BRKSCOPE_A_EVENT_TIME_NS:	dst = &ev->time_ns; break;
		case BRKSCOPE_A_CGROUP_ID:	dst = &ev->cgroup_id; break;
		case BRKSCOPE_A_EVENT_TYPE:
		case BRKSCOPE_A_EVENT_SOURCE:	want = MNL_TYPE_U8; break;
		case BRKSCOPE_A_PID:		want = MNL_TYPE_U32; break;
		case BRKSCOPE_A_COMM:		want = MNL_TYPE_NUL_STRING; break;
		default:
			continue;
		}
		if (mnl_attr_validate(attr, want) < 0) {
			ev->bad_attr = type;
			continue;
		}
		ev->seen |= EVENT_BIT(type);
		if (dst)
			*dst = mnl_attr_get_u64(attr);
		else if (type == BRKSCOPE_A_EVENT_TYPE)
			ev->type = mnl_attr_get_u8(attr);
		else if (type == BRKSCOPE_A_EVENT_SOURCE)
			ev->source = mnl_attr_get_u8(attr);
		else if (type == BRKSCOPE_A_PID)
			ev->pid = mnl_attr_get_u32(attr);
		else
			snprintf(ev->comm, sizeof(ev->comm), "%s",
				 mnl_attr_get_str(attr));
	}
	ev->missing = 10 - __builtin_popcount(ev->seen);
}

/* ---- acks ---- */


/* The extended ack TLVs that start offset bytes into nlh's payload. */
static void parse_ack_tlvs(const struct nlmsghdr *nlh, size_t offset,
			   struct nl_ack *ack)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, offset) {
		switch (mnl_attr_get_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
				break;
			ack->has_msg = true;
			snprintf(ack->msg, sizeof(ack->msg), "%s",
				 mnl_attr_get_str(attr));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				break;
			ack->has_offs = true;
			ack->offs = mnl_attr_get_u32(attr);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				break;
			ack->has_miss_type = true;
			ack->miss_type = mnl_attr_get_u32(attr);
			break;
		}
	}
}

void parse_error(const struct nlmsghdr *nlh, struct nl_ack *ack)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off;

	ack->got = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int)) {
		ack->err = EPROTO;
		return;
	}
	ack->err = -e->error;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return;
	off = nlh->nlmsg_flags & NLM_F_CAPPED ? sizeof(*e) :
		sizeof(int) + NLMSG_ALIGN(e->msg.nlmsg_len);
	parse_ack_tlvs(nlh, off, ack);
}

void parse_done(const struct nlmsghdr *nlh, struct nl_ack *ack)
{
	ack->got = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int)) {
		ack->err = 0;	/* an old-style DONE without an error code */
		return;
	}
	ack->err = -*(const int *)mnl_nlmsg_get_payload(nlh);
	parse_ack_tlvs(nlh, sizeof(int), ack);
}

/* nl_exchange(), with what its NLMSG_ERROR or NLMSG_DONE said in *ack. */
int nl_transact(int fd, const void *req, size_t len, reply_fn fn,
		void *data, struct nl_ack *ack)
{
	const struct nlmsghdr *end;
	int ret;

	memset(ack, 0, sizeof(*ack));
	ret = nl_exchange(fd, req, len, fn, data, &end);
	if (ret)
		return ret;
	if (end->nlmsg_type == NLMSG_ERROR)
		parse_error(end, ack);
	else
		parse_done(end, ack);
	return 0;
}

/*
 * The family, and its events group's id, or 0 if it has none: the event
 * tests, not every test, fail on that.
 */
int resolve_family(int fd, struct family *f)
{
	return resolve(fd, BRKSCOPE_FAMILY_NAME, BRKSCOPE_MCGRP_EVENTS, f);
}

int events_arm(int fd, uint16_t family)
{
	struct nlmsghdr *nlh;

	nlh = genl_msg(reqbuf, sizeof(reqbuf), family, BRKSCOPE_CMD_ARM,
		       BRKSCOPE_FAMILY_VERSION, NLM_F_REQUEST | NLM_F_ACK);
	return nl_talk(fd, nlh, NULL, NULL);
}

/* BRKSCOPE_CMD_GET (do) of pid.  Returns 0 or -errno of the socket. */
int get_pid(int fd, uint16_t family, uint32_t pid, struct proc_info *p,
	    struct nl_ack *ack)
{
	struct nlmsghdr *nlh;

	memset(p, 0, sizeof(*p));
	nlh = genl_msg(reqbuf, sizeof(reqbuf), family, BRKSCOPE_CMD_GET,
		       BRKSCOPE_FAMILY_VERSION, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_u32(nlh, BRKSCOPE_A_PID, pid);
	return nl_transact(fd, nlh, nlh->nlmsg_len, get_reply, p, ack);
}
