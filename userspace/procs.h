/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes as BRKSCOPE_CMD_GET describes them, parsed once for every
 * command that shows them: get, list, export and top.
 */
#ifndef BRKSCOPE_PROCS_H
#define BRKSCOPE_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "nl.h"

/**
 * struct proc - one process, as the kernel described it
 * @pid: thread-group id, in the reader's pid namespace
 * @comm: command name
 * @start_brk: mm->start_brk
 * @brk: mm->brk
 * @heap_end: PAGE_ALIGN(@brk)
 * @heap_bytes: @brk - @start_brk
 * @grows: growths counted
 * @grown_bytes: page-aligned bytes they mapped
 * @failed_grows: growths that failed
 * @shrinks: shrinks counted
 * @shrunk_bytes: page-aligned bytes they unmapped
 * @peak_brk: highest break seen
 * @last_change_ns: boot-time ns of the last counted change
 * @cgroup_id: cgroup v2 id (BRKSCOPE_A_CGROUP_ID): where its last counted
 *	change happened, or where it is if it has made none; 0 if the module
 *	did not say
 * @has_last_change: @last_change_ns was sent
 * @tracked: brkscope has a record of it
 */
struct proc {
	uint32_t pid;
	char comm[64];
	uint64_t start_brk;
	uint64_t brk;
	uint64_t heap_end;
	uint64_t heap_bytes;
	uint64_t grows;
	uint64_t grown_bytes;
	uint64_t failed_grows;
	uint64_t shrinks;
	uint64_t shrunk_bytes;
	uint64_t peak_brk;
	uint64_t last_change_ns;
	uint64_t cgroup_id;
	bool has_last_change;
	bool tracked;
};

/**
 * struct proc_vec - a growable array of processes
 * @v: the processes
 * @n: how many
 * @cap: room in @v
 */
struct proc_vec {
	struct proc *v;
	size_t n;
	size_t cap;
};

/**
 * proc_from_msg() - fill @p from one BRKSCOPE_CMD_GET message
 * @nlh: the message
 * @nl: context the family was resolved in
 * @p: the process
 *
 * Return: 1, 0 if the message is not one (skip it), -1 with errno set if
 * it is malformed.
 */
int proc_from_msg(const struct nlmsghdr *nlh, const struct nl_ctx *nl,
		  struct proc *p);

/**
 * procs_dump() - every process the caller may see, in pid order
 * @nl: an open context with the family resolved (open_family())
 * @pv: where to put them; emptied first, its memory reused
 *
 * Return: 0, or -1 with the error in @nl (report_nl_error()).
 */
int procs_dump(struct nl_ctx *nl, struct proc_vec *pv);

/* Free what @pv holds and empty it. */
void proc_vec_free(struct proc_vec *pv);

#endif /* BRKSCOPE_PROCS_H */
