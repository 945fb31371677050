// SPDX-License-Identifier: GPL-2.0
/*
 * Processes summed per command name and/or cgroup: sort a copy of the keys,
 * then sum runs of equal keys.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"

/* A process's place in the sort: its group key and where it is. */
struct member {
	const char *cgroup;
	const char *comm;
	uint64_t cgroup_id;
	size_t idx;
};

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return !!a - !!b;
	return strcmp(a, b);
}

/*
 * By cgroup name, then comm; two cgroups cannot share a name unless both
 * are unknown alike ("#?"), so the id settles those.
 */
static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp_null(x->cgroup, y->cgroup);

	if (!c)
		c = x->cgroup_id < y->cgroup_id ? -1 : x->cgroup_id > y->cgroup_id;
	if (!c)
		c = strcmp_null(x->comm, y->comm);
	return c;
}

static int grow(struct group_vec *gv)
{
	size_t cap;
	struct group *v;

	if (gv->n < gv->cap)
		return 0;
	cap = gv->cap ? gv->cap * 2 : 64;
	v = reallocarray(gv->v, cap, sizeof(*v));
	if (!v)
		return -1;
	gv->v = v;
	gv->cap = cap;
	return 0;
}

int groups_make(const struct proc *procs, size_t n, unsigned int by,
		struct cgroup_map *cg, struct group_vec *gv)
{
	struct member *m;
	struct group *g = NULL;
	size_t i;

	gv->n = 0;
	if (!n)
		return 0;
	m = calloc(n, sizeof(*m));
	if (!m)
		return -1;
	for (i = 0; i < n; i++) {
		m[i].idx = i;
		if (by & GROUP_BY_COMM)
			m[i].comm = procs[i].comm;
		if (by & GROUP_BY_CGROUP) {
			m[i].cgroup_id = procs[i].cgroup_id;
			m[i].cgroup = cgroup_map_name(cg, procs[i].cgroup_id);
		}
	}
	qsort(m, n, sizeof(*m), cmp_member);
	for (i = 0; i < n; i++) {
		const struct proc *p = &procs[m[i].idx];

		if (!g || cmp_member(&m[i - 1], &m[i])) {
			if (grow(gv)) {
				free(m);
				return -1;
			}
			g = &gv->v[gv->n++];
			memset(g, 0, sizeof(*g));
			if (m[i].comm)
				memcpy(g->comm, m[i].comm, sizeof(g->comm));
			g->cgroup_id = m[i].cgroup_id;
			g->cgroup = m[i].cgroup;
		}
		g->procs++;
		g->heap_bytes += p->heap_bytes;
		g->grows += p->grows;
		g->grown_bytes += p->grown_bytes;
		g->failed_grows += p->failed_grows;
		g->shrinks += p->shrinks;
		g->shrunk_bytes += p->shrunk_bytes;
	}
	free(m);
	return 0;
}

void group_vec_free(struct group_vec *gv)
{
	free(gv->v);
	gv->v = NULL;
	gv->n = 0;
	gv->cap = 0;
}
