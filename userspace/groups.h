/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes summed per command name, per cgroup, or per both: what
 * list --by, export and top --by show.
 */
#ifndef BRKSCOPE_GROUPS_H
#define BRKSCOPE_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "cgroups.h"
#include "procs.h"

/* What processes are grouped by: either bit or both. */
#define GROUP_BY_COMM	1u
#define GROUP_BY_CGROUP	2u

/**
 * struct group - the processes of one command name and/or cgroup, summed
 * @comm: their command name (GROUP_BY_COMM), else ""
 * @cgroup_id: their cgroup (GROUP_BY_CGROUP), else 0
 * @cgroup: its name from cgroup_map_name() (GROUP_BY_CGROUP), else NULL;
 *	valid while the map is
 * @procs: how many processes
 * @heap_bytes: sum of their heap_bytes
 * @grows: sum of their grows
 * @grown_bytes: sum of their grown_bytes
 * @failed_grows: sum of their failed_grows
 * @shrinks: sum of their shrinks
 * @shrunk_bytes: sum of their shrunk_bytes
 */
struct group {
	char comm[64];
	uint64_t cgroup_id;
	const char *cgroup;
	uint64_t procs;
	uint64_t heap_bytes;
	uint64_t grows;
	uint64_t grown_bytes;
	uint64_t failed_grows;
	uint64_t shrinks;
	uint64_t shrunk_bytes;
};

/**
 * struct group_vec - a growable array of groups
 * @v: the groups
 * @n: how many
 * @cap: room in @v
 */
struct group_vec {
	struct group *v;
	size_t n;
	size_t cap;
};

/**
 * groups_make() - sum @procs per group
 * @procs: the processes
 * @n: how many
 * @by: GROUP_BY_COMM, GROUP_BY_CGROUP or both
 * @cg: names the cgroups (GROUP_BY_CGROUP); may be NULL otherwise
 * @gv: where to put the groups, emptied first, its memory reused; sorted
 *	by cgroup name, then comm (byte order)
 *
 * Return: 0, or -1 with errno set (ENOMEM).
 */
int groups_make(const struct proc *procs, size_t n, unsigned int by,
		struct cgroup_map *cg, struct group_vec *gv);

/* Free what @gv holds and empty it. */
void group_vec_free(struct group_vec *gv);

#endif /* BRKSCOPE_GROUPS_H */
