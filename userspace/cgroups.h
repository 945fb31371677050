/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 ids to paths.  The module reports a cgroup by its id (the
 * kernfs node id: what the kernel can read in a probe); the client finds
 * the directory with that id under the cgroup2 mount, asking
 * name_to_handle_at() for each directory's id.
 */
#ifndef BRKSCOPE_CGROUPS_H
#define BRKSCOPE_CGROUPS_H

#include <stdint.h>

struct cgroup_map;

/**
 * cgroup_map_new() - an empty map of cgroup ids to paths
 * @root: the cgroup2 mount to search; NULL for the first cgroup2 mount in
 *	/proc/self/mountinfo
 *
 * The tree is read at the first lookup, and read once more when an id is
 * not found in it (a cgroup made since); cgroup_map_forget() starts over.
 * Directories that cannot be read are left out: their ids are unknown.
 *
 * Return: the map, or NULL with errno set (ENOMEM).  With no cgroup2 mount
 * the map is made, and names every id as unknown.
 */
struct cgroup_map *cgroup_map_new(const char *root);

/**
 * cgroup_map_name() - the path of cgroup @id
 * @m: the map
 * @id: a cgroup v2 id from the module
 *
 * Return: the path relative to the cgroup2 mount, "/" for its root, e.g.
 * "/system.slice/cron.service"; for an id not in the tree (the cgroup
 * was removed, or there is no cgroup2 mount) "#" and the id in decimal;
 * for id 0 (a module that does not report cgroups) "-".  The string
 * stays valid until cgroup_map_forget() or cgroup_map_free().
 */
const char *cgroup_map_name(struct cgroup_map *m, uint64_t id);

/* Read the tree again at the next lookup (top calls it every refresh). */
void cgroup_map_forget(struct cgroup_map *m);

void cgroup_map_free(struct cgroup_map *m);

#endif /* BRKSCOPE_CGROUPS_H */
