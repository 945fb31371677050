/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope selftests library: cgroup v2 groups of a test's own, under the
 * cgroup2 mount at /sys/fs/cgroup, and their ids as the module reports
 * them (the directory's kernfs id, from name_to_handle_at()).
 */
#ifndef BRKTEST_CGROUP_H
#define BRKTEST_CGROUP_H

#include <limits.h>
#include <stdint.h>

#define CGROUP_ROOT	"/sys/fs/cgroup"

/*
 * Make CGROUP_ROOT/@name (gone first if a failed run left it), its path in
 * @path (PATH_MAX).  0 or -errno; -ENODEV when /sys/fs/cgroup is not a
 * cgroup2 mount.
 */
int cgroup_make(const char *name, char *path);
/* The id of the cgroup at @path, or 0 with errno set. */
uint64_t cgroup_id_of(const char *path);
/* Move process @pid into the cgroup at @path: 0 or -errno. */
int cgroup_move(const char *path, int pid);
/* The cgroup @pid is in, relative to CGROUP_ROOT, in @rel: 0 or -errno. */
int cgroup_of(int pid, char *rel, size_t size);
/*
 * Move what is left in the cgroup at @path to the root cgroup and remove
 * it; nothing if @path is empty.
 */
void cgroup_remove(char *path);

#endif /* BRKTEST_CGROUP_H */
