/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink socket helpers for the brkscope client: one socket, the
 * family and multicast group ids resolved through nlctrl, requests run to
 * completion, kernel errors turned into errno plus the extended ACK.
 */
#ifndef BRKSCOPE_NL_H
#define BRKSCOPE_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* Large enough for the biggest skb the kernel uses for a dump (32 KiB). */
#define NL_RX_BUF_SIZE	32768
#define NL_TX_BUF_SIZE	1024
#define NL_ERRMSG_SIZE	256

/**
 * struct nl_error - why the last netlink operation failed
 * @err: positive errno, 0 if it did not fail
 * @from_kernel: @err came from an NLMSG_ERROR or NLMSG_DONE of the kernel
 * @msg: the kernel's extack message (NLMSGERR_ATTR_MSG), "" if none
 * @has_offs: the kernel pointed at an attribute of the request
 * @offs: byte offset of that attribute in the request (NLMSGERR_ATTR_OFFS)
 */
struct nl_error {
	int err;
	bool from_kernel;
	char msg[NL_ERRMSG_SIZE];
	bool has_offs;
	uint32_t offs;
};

/**
 * struct nl_ctx - a NETLINK_GENERIC socket and what was resolved for it
 * @sock: the libmnl socket, NULL when closed
 * @portid: the port id the kernel bound @sock to
 * @seq: sequence number of the last request sent
 * @family_id: id of the resolved family (its nlmsg_type), 0 if none
 * @family_version: version the kernel reports for the family
 * @mcgrp_id: id of the resolved multicast group, 0 if none
 * @tx: buffer requests are built in (NL_TX_BUF_SIZE bytes)
 * @rx: buffer replies are received into (NL_RX_BUF_SIZE bytes)
 * @err: details of the last failure
 */
struct nl_ctx {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint32_t family_version;
	uint32_t mcgrp_id;
	void *tx;
	void *rx;
	struct nl_error err;
};

/**
 * nl_open() - open and bind a NETLINK_GENERIC socket
 * @nl: context to fill in
 *
 * Allocates the buffers, opens the socket, binds it to a kernel-chosen port
 * id and turns on NETLINK_EXT_ACK (error messages) and NETLINK_CAP_ACK (no
 * copy of the request in error messages).
 *
 * Return: 0, or a negative errno with @nl->err filled in; @nl must be
 * passed to nl_close() either way.
 */
int nl_open(struct nl_ctx *nl);

/**
 * nl_close() - close the socket and free the buffers
 * @nl: context from nl_open(); may be half-opened
 */
void nl_close(struct nl_ctx *nl);

/**
 * nl_resolve_family() - look a generic netlink family up through nlctrl
 * @nl: open context
 * @family: family name
 * @group: name of a multicast group of the family to resolve, or NULL
 *
 * Sends CTRL_CMD_GETFAMILY and stores the family id, its version and, if
 * @group is given, the group id in @nl (@nl->mcgrp_id stays 0 if the
 * family has no such group).
 *
 * Return: 0; -ENOENT if the kernel has no such family; another negative
 * errno on failure.
 */
int nl_resolve_family(struct nl_ctx *nl, const char *family,
		      const char *group);

/**
 * nl_genl_msg() - start a generic netlink request in @nl->tx
 * @nl: open context
 * @type: nlmsg_type, the family id
 * @cmd: generic netlink command
 * @version: version of the family's interface
 * @flags: nlmsg_flags besides NLM_F_REQUEST
 *
 * Gives the message a new sequence number.  Add attributes with the
 * mnl_attr_put_*_check() helpers and NL_TX_BUF_SIZE.
 *
 * Return: the message header.
 */
struct nlmsghdr *nl_genl_msg(struct nl_ctx *nl, uint16_t type, uint8_t cmd,
			     uint8_t version, uint16_t flags);

/**
 * nl_request() - send a request and process replies until it is done
 * @nl: open context
 * @nlh: request built with nl_genl_msg()
 * @cb: called for each reply message of @nlh's sequence number, or NULL
 * @data: passed to @cb
 *
 * Runs mnl_cb_run2() on what the socket receives until the kernel's ACK
 * (a do request; NLM_F_ACK is set here if missing for non-dumps) or
 * NLMSG_DONE (a dump).  Messages left over from an earlier request are
 * skipped.  A callback that fails must set errno and return MNL_CB_ERROR.
 *
 * Return: 0, or a negative errno with @nl->err filled in.
 */
int nl_request(struct nl_ctx *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void *data);

/**
 * nl_subscribe() - join a multicast group
 * @nl: open context
 * @group: group id, from nl_resolve_family()
 *
 * Return: 0, or a negative errno with @nl->err filled in (-EPERM if the
 * group needs a capability the caller lacks).
 */
int nl_subscribe(struct nl_ctx *nl, uint32_t group);

/**
 * nl_fail() - record a failure that did not come from the kernel
 * @nl: context
 * @err: positive errno
 * @msg: explanation, or NULL
 *
 * Return: -@err, for use in return statements.
 */
int nl_fail(struct nl_ctx *nl, int err, const char *msg);

/**
 * nl_attr_store() - validate one attribute and file it in a table
 * @attr: the attribute
 * @tb: table indexed by attribute type, @max + 1 entries
 * @types: expected libmnl data type for each type up to @max
 * @max: highest type this client knows at this level
 *
 * Helper of the per-level mnl_attr_parse() callbacks.  Types above @max
 * (added by a newer kernel) are skipped; a known type whose payload does
 * not match @types fails with EPROTO.
 *
 * Return: MNL_CB_OK, or MNL_CB_ERROR with errno set.
 */
int nl_attr_store(const struct nlattr *attr, const struct nlattr **tb,
		  const enum mnl_attr_data_type *types, uint16_t max);

#endif /* BRKSCOPE_NL_H */
