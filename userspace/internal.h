/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the brkscope client's files share: options, exit codes, the
 * commands, and the helpers of common.c.
 */
#ifndef BRKSCOPE_INTERNAL_H
#define BRKSCOPE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "brkscope.h"	/* the module's uapi header */
#include "nl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef BRKSCOPE_VERSION
#define BRKSCOPE_VERSION "unknown"
#endif

/* Exit codes, documented in --help and brkscope(8). */
enum {
	EXIT_OK		= 0,
	EXIT_ERROR	= 1,	/* any other error */
	EXIT_USAGE	= 2,	/* bad command line */
	EXIT_NOT_FOUND	= 3,	/* no such process (ESRCH) */
	EXIT_PERM	= 4,	/* permission denied (EPERM, EACCES) */
	EXIT_NO_MODULE	= 5,	/* the brkscope family is not registered */
};

/**
 * struct opts - the options given before the command
 * @json: -j, --json
 */
struct opts {
	bool json;
};

int cmd_export(const struct opts *opts, int argc, char **argv);
int cmd_get(const struct opts *opts, int argc, char **argv);
int cmd_list(const struct opts *opts, int argc, char **argv);
int cmd_monitor(const struct opts *opts, int argc, char **argv);
int cmd_stats(const struct opts *opts, int argc, char **argv);
int cmd_top(const struct opts *opts, int argc, char **argv);

/* common.c */

/**
 * pr_err() - print "brkscope: <message>" on stderr
 * @fmt: printf format, no trailing newline
 *
 * Flushes stdout first so errors and output interleave in order.
 */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * usage_err() - report a command line error
 * @fmt: printf format, no trailing newline
 *
 * Return: EXIT_USAGE.
 */
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * option_err() - report a bad option of a command
 * @cmd: the command, NULL for the options before it
 * @c: what getopt_long() returned: ':' (missing argument) or '?'
 * @argv: the command's arguments, as given to getopt_long()
 *
 * Return: EXIT_USAGE.
 */
int option_err(const char *cmd, int c, char **argv);

/**
 * errno_exit_code() - the exit code for a failure
 * @err: positive errno
 *
 * Return: EXIT_NOT_FOUND, EXIT_PERM or EXIT_ERROR.
 */
int errno_exit_code(int err);

/**
 * report_nl_error() - print a failed netlink operation
 * @ctx: what was being done, e.g. "get 1234"
 * @nl: context holding the error
 *
 * Prints "brkscope: CTX: EXTACK-MESSAGE (STRERROR)", or without the
 * message if there is none.
 *
 * Return: the exit code for the error.
 */
int report_nl_error(const char *ctx, const struct nl_ctx *nl);

/**
 * open_family() - open a socket and resolve the brkscope family
 * @nl: context to open; nl_close() it whatever this returns
 * @ctx: the command, for error messages
 *
 * Also resolves the "events" multicast group (@nl->mcgrp_id).
 *
 * Return: EXIT_OK, or the exit code of the error, which was printed.
 */
int open_family(struct nl_ctx *nl, const char *ctx);

/**
 * parse_pid() - parse a pid argument
 * @s: the argument
 * @pid: the result
 *
 * Only plain decimal numbers from 1 to 2^31 - 1 are pids.
 *
 * Return: 0, or -1 if @s is not a pid.
 */
int parse_pid(const char *s, uint32_t *pid);

/**
 * brkscope_msg() - check a message is a brkscope @cmd and parse it
 * @nlh: the message
 * @nl: context the family was resolved in
 * @cmd: expected BRKSCOPE_CMD_*
 * @tb: BRKSCOPE_A_MAX + 1 entries, filled with the top-level attributes
 *
 * Return: 1 if parsed, 0 if the message is something else (skip it), -1
 * with errno set if it is malformed.
 */
int brkscope_msg(const struct nlmsghdr *nlh, const struct nl_ctx *nl,
		 uint8_t cmd, const struct nlattr **tb);

/**
 * brkscope_attr_check() - the check brkscope_msg() makes of one attribute
 * @attr: a top-level attribute of a brkscope message
 *
 * For parsers that walk the attributes themselves (monitor's events): the
 * same verdict as brkscope_msg() would give, types above BRKSCOPE_A_MAX
 * being fine.
 *
 * Return: 0, or -1 with errno set if @attr would make brkscope_msg() fail.
 */
int brkscope_attr_check(const struct nlattr *attr);

#endif /* BRKSCOPE_INTERNAL_H */
