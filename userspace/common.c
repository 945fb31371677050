// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers the brkscope commands share: error reporting and exit codes,
 * opening the family, pid arguments, the top-level attributes.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>

#include "internal.h"
#include "output.h"

/* "brkscope: MESSAGE" on stderr, after whatever stdout still holds. */
static void vreport(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("brkscope: ", stderr);
	vfprintf(stderr, fmt, ap);
	putc('\n', stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	fputs("Try 'brkscope --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

int option_err(const char *cmd, int c, char **argv)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	char opt[64];

	if (!strncmp(word, "--", 2)) {
		out_sanitize(opt, sizeof(opt), word);
		opt[strcspn(opt, "=")] = '\0';
	} else if (optopt > 0 && optopt < 256) {
		char raw[3] = { '-', (char)optopt, '\0' };

		out_sanitize(opt, sizeof(opt), raw);
	} else {
		out_sanitize(opt, sizeof(opt), word);
	}
	if (c == ':')
		return usage_err("%s%soption '%s' needs an argument",
				 cmd ? cmd : "", cmd ? ": " : "", opt);
	return usage_err("%s%sunknown option '%s'", cmd ? cmd : "",
			 cmd ? ": " : "", opt);
}

int errno_exit_code(int err)
{
	switch (err) {
	case ESRCH:
		return EXIT_NOT_FOUND;
	case EPERM:
	case EACCES:
		return EXIT_PERM;
	default:
		return EXIT_ERROR;
	}
}

int report_nl_error(const char *ctx, const struct nl_ctx *nl)
{
	const struct nl_error *e = &nl->err;
	int err = e->err ? e->err : EIO;

	/* The family went away between resolving it and using it. */
	if (e->from_kernel && err == ENOENT && !e->msg[0]) {
		pr_err("%s: family %s not found: is brkscope.ko loaded?", ctx,
		       BRKSCOPE_FAMILY_NAME);
		return EXIT_NO_MODULE;
	}
	if (e->msg[0])
		pr_err("%s: %s (%s)", ctx, e->msg, strerror(err));
	else if (e->has_offs)
		pr_err("%s: the kernel rejected the attribute at offset %u (%s)",
		       ctx, e->offs, strerror(err));
	else
		pr_err("%s: %s", ctx, strerror(err));
	return errno_exit_code(err);
}

int open_family(struct nl_ctx *nl, const char *ctx)
{
	int ret;

	if (nl_open(nl) < 0)
		return report_nl_error(ctx, nl);
	ret = nl_resolve_family(nl, BRKSCOPE_FAMILY_NAME, BRKSCOPE_MCGRP_EVENTS);
	if (ret == -ENOENT) {
		pr_err("family %s not found: is brkscope.ko loaded?",
		       BRKSCOPE_FAMILY_NAME);
		return EXIT_NO_MODULE;
	}
	if (ret < 0) {
		char what[64];

		snprintf(what, sizeof(what), "%s: resolving family %s", ctx,
			 BRKSCOPE_FAMILY_NAME);
		return report_nl_error(what, nl);
	}
	return EXIT_OK;
}

int parse_pid(const char *s, uint32_t *pid)
{
	uint32_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (INT32_MAX - (uint32_t)(*s - '0')) / 10)
			return -1;	/* beyond pid_t */
		v = v * 10 + (uint32_t)(*s - '0');
	}
	if (!v)
		return -1;
	*pid = v;
	return 0;
}

/* The top level of every brkscope message: BRKSCOPE_A_*. */
static const enum mnl_attr_data_type brkscope_attr_types[BRKSCOPE_A_MAX + 1] = {
	[BRKSCOPE_A_PAD]		= MNL_TYPE_UNSPEC,
	[BRKSCOPE_A_PID]		= MNL_TYPE_U32,
	[BRKSCOPE_A_COMM]		= MNL_TYPE_NUL_STRING,
	[BRKSCOPE_A_START_BRK]		= MNL_TYPE_U64,
	[BRKSCOPE_A_BRK]		= MNL_TYPE_U64,
	[BRKSCOPE_A_HEAP_END]		= MNL_TYPE_U64,
	[BRKSCOPE_A_GROWS]		= MNL_TYPE_U64,
	[BRKSCOPE_A_GROWN_BYTES]	= MNL_TYPE_U64,
	[BRKSCOPE_A_FAILED_GROWS]	= MNL_TYPE_U64,
	[BRKSCOPE_A_SHRINKS]		= MNL_TYPE_U64,
	[BRKSCOPE_A_SHRUNK_BYTES]	= MNL_TYPE_U64,
	[BRKSCOPE_A_PEAK_BRK]		= MNL_TYPE_U64,
	[BRKSCOPE_A_LAST_CHANGE_NS]	= MNL_TYPE_U64,
	[BRKSCOPE_A_TRACKED]		= MNL_TYPE_FLAG,
	[BRKSCOPE_A_STATS]		= MNL_TYPE_NESTED,
	[BRKSCOPE_A_EVENT_SEQ]		= MNL_TYPE_U64,
	[BRKSCOPE_A_EVENT_TYPE]		= MNL_TYPE_U8,
	[BRKSCOPE_A_EVENT_SOURCE]	= MNL_TYPE_U8,
	[BRKSCOPE_A_EVENT_OLD_BRK]	= MNL_TYPE_U64,
	[BRKSCOPE_A_EVENT_NEW_BRK]	= MNL_TYPE_U64,
	[BRKSCOPE_A_EVENT_LEN]		= MNL_TYPE_U64,
	[BRKSCOPE_A_EVENT_TIME_NS]	= MNL_TYPE_U64,
	[BRKSCOPE_A_HEAP_BYTES]		= MNL_TYPE_U64,
	[BRKSCOPE_A_CGROUP_ID]		= MNL_TYPE_U64,
};

static int brkscope_attr_cb(const struct nlattr *attr, void *data)
{
	return nl_attr_store(attr, data, brkscope_attr_types, BRKSCOPE_A_MAX);
}

int brkscope_attr_check(const struct nlattr *attr)
{
	const struct nlattr *tb[BRKSCOPE_A_MAX + 1];

	return nl_attr_store(attr, tb, brkscope_attr_types,
			     BRKSCOPE_A_MAX) == MNL_CB_OK ? 0 : -1;
}

int brkscope_msg(const struct nlmsghdr *nlh, const struct nl_ctx *nl,
		 uint8_t cmd, const struct nlattr **tb)
{
	const struct genlmsghdr *genl;

	if (nlh->nlmsg_type != nl->family_id)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl)) {
		errno = EPROTO;
		return -1;
	}
	genl = mnl_nlmsg_get_payload(nlh);
	if (genl->cmd != cmd)
		return 0;
	memset(tb, 0, (BRKSCOPE_A_MAX + 1) * sizeof(*tb));
	if (mnl_attr_parse(nlh, sizeof(*genl), brkscope_attr_cb, tb) < 0) {
		errno = EPROTO;
		return -1;
	}
	return 1;
}
