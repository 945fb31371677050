// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink socket helpers (see nl.h).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl.h"

/* What nl_request() hands mnl_cb_run2() as the callbacks' data. */
struct nl_req {
	struct nl_ctx *nl;
	uint32_t seq;
	mnl_cb_t cb;
	void *data;
};

int nl_fail(struct nl_ctx *nl, int err, const char *msg)
{
	memset(&nl->err, 0, sizeof(nl->err));
	nl->err.err = err;
	if (msg)
		snprintf(nl->err.msg, sizeof(nl->err.msg), "%s", msg);
	return -err;
}

/* A failure with errno as left by a libc or libmnl call. */
static int nl_fail_errno(struct nl_ctx *nl, const char *msg)
{
	return nl_fail(nl, errno ? errno : EIO, msg);
}

int nl_attr_store(const struct nlattr *attr, const struct nlattr **tb,
		  const enum mnl_attr_data_type *types, uint16_t max)
{
	uint16_t type = mnl_attr_get_type(attr);

	/* A type this client does not know: a newer kernel's, skip it. */
	if (mnl_attr_type_valid(attr, max) < 0)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, types[type]) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int set_sockopt_int(struct nl_ctx *nl, int opt, int value,
			   const char *what)
{
	if (mnl_socket_setsockopt(nl->sock, opt, &value, sizeof(value)) < 0)
		return nl_fail_errno(nl, what);
	return 0;
}

int nl_open(struct nl_ctx *nl)
{
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->tx = malloc(NL_TX_BUF_SIZE);
	nl->rx = malloc(NL_RX_BUF_SIZE);
	if (!nl->tx || !nl->rx)
		return nl_fail(nl, ENOMEM, "allocating netlink buffers");

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return nl_fail_errno(nl, "opening a NETLINK_GENERIC socket");
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return nl_fail_errno(nl, "binding the netlink socket");
	nl->portid = mnl_socket_get_portid(nl->sock);

	ret = set_sockopt_int(nl, NETLINK_EXT_ACK, 1,
			      "setting NETLINK_EXT_ACK");
	if (!ret)
		ret = set_sockopt_int(nl, NETLINK_CAP_ACK, 1,
				      "setting NETLINK_CAP_ACK");
	if (ret)
		return ret;

	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void nl_close(struct nl_ctx *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->tx);
	free(nl->rx);
	nl->tx = NULL;
	nl->rx = NULL;
}

struct nlmsghdr *nl_genl_msg(struct nl_ctx *nl, uint16_t type, uint8_t cmd,
			     uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	/* libmnl 1.0.4 leaves attribute padding as it finds it. */
	memset(nl->tx, 0, NL_TX_BUF_SIZE);
	nlh = mnl_nlmsg_put_header(nl->tx);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* The extended ACK's attributes: one level, NLMSGERR_ATTR_*. */
static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	static const enum mnl_attr_data_type types[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG]	= MNL_TYPE_NUL_STRING,
		[NLMSGERR_ATTR_OFFS]	= MNL_TYPE_U32,
		[NLMSGERR_ATTR_COOKIE]	= MNL_TYPE_BINARY,
		[NLMSGERR_ATTR_POLICY]	= MNL_TYPE_NESTED,
		[NLMSGERR_ATTR_MISS_TYPE] = MNL_TYPE_U32,
		[NLMSGERR_ATTR_MISS_NEST] = MNL_TYPE_U32,
	};

	return nl_attr_store(attr, data, types, NLMSGERR_ATTR_MAX);
}

/*
 * Record the kernel's error @error and the extack attributes that start
 * @offset bytes into @nlh's payload.  A malformed extack is ignored: the
 * error code is what matters.
 */
static int kernel_error(struct nl_ctx *nl, const struct nlmsghdr *nlh,
			int error, size_t offset)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };

	memset(&nl->err, 0, sizeof(nl->err));
	nl->err.err = error;
	nl->err.from_kernel = true;

	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    offset <= mnl_nlmsg_get_payload_len(nlh) &&
	    mnl_attr_parse(nlh, (unsigned int)offset, extack_attr_cb, tb) >= 0) {
		if (tb[NLMSGERR_ATTR_MSG])
			snprintf(nl->err.msg, sizeof(nl->err.msg), "%s",
				 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
		if (tb[NLMSGERR_ATTR_OFFS]) {
			nl->err.has_offs = true;
			nl->err.offs = mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		}
	}
	errno = error;
	return MNL_CB_ERROR;
}

static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *req = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);

	if (nlh->nlmsg_seq != req->seq)
		return MNL_CB_OK;	/* left over from an earlier request */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;	/* the ACK: done */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	/* errno values are positive; guard against a bogus INT_MIN */
	return kernel_error(req->nl, nlh,
			    e->error < 0 && e->error > -4096 ? -e->error : EPROTO,
			    offset);
}

static int cb_done(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *req = data;
	int error = 0;

	if (nlh->nlmsg_seq != req->seq)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error >= 0)
		return MNL_CB_STOP;
	return kernel_error(req->nl, nlh, error > -4096 ? -error : EPROTO,
			    sizeof(int));
}

static int cb_skip(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *req = data;

	if (nlh->nlmsg_seq != req->seq || !req->cb)
		return MNL_CB_OK;
	return req->cb(nlh, req->data);
}

int nl_request(struct nl_ctx *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void *data)
{
	/* Not static const: libmnl 1.0.4 takes a non-const array. */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP]	= cb_skip,
		[NLMSG_ERROR]	= cb_error,
		[NLMSG_DONE]	= cb_done,
		[NLMSG_OVERRUN]	= cb_skip,
	};
	struct nl_req req = {
		.nl = nl,
		.seq = nlh->nlmsg_seq,
		.cb = cb,
		.data = data,
	};
	ssize_t len;
	int ret;

	memset(&nl->err, 0, sizeof(nl->err));
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return nl_fail_errno(nl, "sending the netlink request");

	do {
		len = mnl_socket_recvfrom(nl->sock, nl->rx, NL_RX_BUF_SIZE);
		if (len < 0 && errno == EINTR) {
			ret = MNL_CB_OK;
			continue;
		}
		if (len < 0) {
			if (errno == ENOSPC)
				return nl_fail(nl, EMSGSIZE,
					       "netlink reply truncated");
			return nl_fail_errno(nl, "receiving the netlink reply");
		}
		errno = 0;
		ret = mnl_cb_run2(nl->rx, (size_t)len, 0, nl->portid, cb_data,
				  &req, ctl, MNL_ARRAY_SIZE(ctl));
	} while (ret > 0);	/* MNL_CB_OK: more to come */

	if (ret < 0) {
		if (nl->err.from_kernel)
			return -nl->err.err;
		if (errno == EPROTO)
			return nl_fail(nl, EPROTO,
				       "malformed netlink message from the kernel");
		if (errno == EINTR)	/* NLM_F_DUMP_INTR */
			return nl_fail(nl, EINTR,
				       "the dump was interrupted by a change, try again");
		if (errno == ESRCH)	/* libmnl: not our port id */
			return nl_fail(nl, EPROTO,
				       "netlink message for another socket");
		return nl_fail_errno(nl, NULL);
	}
	return 0;
}

/* One multicast group: CTRL_ATTR_MCAST_GRP_*. */
static int ctrl_grp_attr_cb(const struct nlattr *attr, void *data)
{
	static const enum mnl_attr_data_type types[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME]	= MNL_TYPE_NUL_STRING,
		[CTRL_ATTR_MCAST_GRP_ID]	= MNL_TYPE_U32,
	};

	return nl_attr_store(attr, data, types, CTRL_ATTR_MCAST_GRP_MAX);
}

/* The family: CTRL_ATTR_*. */
static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	static const enum mnl_attr_data_type types[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID]		= MNL_TYPE_U16,
		[CTRL_ATTR_FAMILY_NAME]		= MNL_TYPE_NUL_STRING,
		[CTRL_ATTR_VERSION]		= MNL_TYPE_U32,
		[CTRL_ATTR_HDRSIZE]		= MNL_TYPE_U32,
		[CTRL_ATTR_MAXATTR]		= MNL_TYPE_U32,
		[CTRL_ATTR_OPS]			= MNL_TYPE_NESTED,
		[CTRL_ATTR_MCAST_GROUPS]	= MNL_TYPE_NESTED,
		[CTRL_ATTR_POLICY]		= MNL_TYPE_NESTED,
		[CTRL_ATTR_OP_POLICY]		= MNL_TYPE_NESTED,
		[CTRL_ATTR_OP]			= MNL_TYPE_U32,
	};

	return nl_attr_store(attr, data, types, CTRL_ATTR_MAX);
}

struct family_info {
	const char *group;
	bool has_id;
	uint16_t id;
	uint32_t version;
	bool has_grp;
	uint32_t grp_id;
};

static int find_group(const struct nlattr *groups, struct family_info *fi)
{
	const struct nlattr *pos;

	mnl_attr_for_each_nested(pos, groups) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };

		if (mnl_attr_validate(pos, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(pos, ctrl_grp_attr_cb, tb) < 0) {
			errno = EPROTO;
			return MNL_CB_ERROR;
		}
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			continue;
		if (!strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    fi->group)) {
			fi->has_grp = true;
			fi->grp_id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		}
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };
	struct family_info *fi = data;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctrl_attr_cb,
			   tb) < 0)
		return MNL_CB_ERROR;
	if (!tb[CTRL_ATTR_FAMILY_ID]) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	fi->has_id = true;
	fi->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		fi->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (fi->group && tb[CTRL_ATTR_MCAST_GROUPS])
		return find_group(tb[CTRL_ATTR_MCAST_GROUPS], fi);
	return MNL_CB_OK;
}

int nl_resolve_family(struct nl_ctx *nl, const char *family,
		      const char *group)
{
	struct family_info fi = { .group = group };
	struct nlmsghdr *nlh;
	int ret;

	nlh = nl_genl_msg(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	if (!mnl_attr_put_strz_check(nlh, NL_TX_BUF_SIZE,
				     CTRL_ATTR_FAMILY_NAME, family))
		return nl_fail(nl, ENAMETOOLONG, "family name too long");
	ret = nl_request(nl, nlh, family_cb, &fi);
	if (ret)
		return ret;
	if (!fi.has_id)
		return nl_fail(nl, EPROTO, "nlctrl sent no family id");
	nl->family_id = fi.id;
	nl->family_version = fi.version;
	nl->mcgrp_id = fi.has_grp ? fi.grp_id : 0;
	return 0;
}

int nl_subscribe(struct nl_ctx *nl, uint32_t group)
{
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return nl_fail_errno(nl, NULL);
	return 0;
}
