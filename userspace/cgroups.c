// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v2 ids to paths, by walking the cgroup2 mount and asking
 * name_to_handle_at() for each directory's handle: on cgroup2 (kernfs) the
 * handle is the 64-bit id the kernel's cgroup_id() returns, which is what
 * the module reports.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups.h"

/* One cgroup: @name is its path, or "#ID" for an id not in the tree. */
struct cg_entry {
	uint64_t id;
	char *name;
};

/**
 * struct cgroup_map - what the tree held when it was last read
 * @root: the cgroup2 mount, NULL if there is none
 * @root_read: @root was looked for
 * @loaded: the tree was read since the last cgroup_map_forget()
 * @rescanned: and read once more, for an id it did not have
 * @v: the entries, sorted by id from @sorted on
 * @n: how many
 * @cap: room in @v
 * @sorted: entries before this index are sorted
 */
struct cgroup_map {
	char *root;
	bool root_read;
	bool loaded;
	bool rescanned;
	struct cg_entry *v;
	size_t n;
	size_t cap;
	size_t sorted;
};

struct cgroup_map *cgroup_map_new(const char *root)
{
	struct cgroup_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	if (root) {
		m->root = strdup(root);
		if (!m->root) {
			free(m);
			return NULL;
		}
		m->root_read = true;
	}
	return m;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/*
 * The first cgroup2 mount: a mountinfo line is "ID PARENT MAJ:MIN ROOT
 * MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS".
 */
static char *find_cgroup2(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *found = NULL;
	size_t size = 0;

	if (!f)
		return NULL;
	while (!found && getline(&line, &size, f) > 0) {
		char *sep = strstr(line, " - "), *save, *mnt;
		int i;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		*sep = '\0';
		mnt = strtok_r(line, " ", &save);
		for (i = 0; mnt && i < 4; i++)
			mnt = strtok_r(NULL, " ", &save);
		if (mnt) {
			unescape(mnt);
			found = strdup(mnt);
		}
	}
	free(line);
	fclose(f);
	return found;
}

static int add(struct cgroup_map *m, uint64_t id, char *name)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct cg_entry *v = reallocarray(m->v, cap, sizeof(*v));

		if (!v)
			return -1;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n].id = id;
	m->v[m->n].name = name;
	m->n++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The entry of @id among the sorted ones: a walk adds entries unsorted, and
 * they cannot repeat each other (each directory is visited once), only
 * what an earlier walk found.
 */
static struct cg_entry *find_sorted(struct cgroup_map *m, uint64_t id)
{
	struct cg_entry key = { .id = id };

	return bsearch(&key, m->v, m->sorted, sizeof(*m->v), cmp_entry);
}

static struct cg_entry *lookup(struct cgroup_map *m, uint64_t id)
{
	if (m->sorted < m->n) {
		qsort(m->v, m->n, sizeof(*m->v), cmp_entry);
		m->sorted = m->n;
	}
	return find_sorted(m, id);
}

/* The id of directory @name in @dirfd, or 0 if it has no kernfs handle. */
static uint64_t dir_id(int dirfd, const char *name)
{
	union {
		struct file_handle fh;
		char room[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	uint64_t id;
	int mount_id;

	h.fh.handle_bytes = sizeof(uint64_t);
	if (name_to_handle_at(dirfd, name, &h.fh, &mount_id, 0) ||
	    h.fh.handle_bytes != sizeof(uint64_t))
		return 0;
	memcpy(&id, h.fh.f_handle, sizeof(id));
	return id;
}

/*
 * Add directory @path (@len bytes of @path, relative to the mount, "" for
 * its root), open as @fd (closed here), and everything under it that is
 * not in @m yet.  Unreadable directories are skipped.
 */
static int walk(struct cgroup_map *m, int fd, char *path, size_t len)
{
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while ((de = readdir(dir))) {
		size_t nlen = strlen(de->d_name);
		uint64_t id;
		int sub;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + nlen >= PATH_MAX)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, nlen + 1);
		id = dir_id(dirfd(dir), de->d_name);
		if (id && !find_sorted(m, id)) {
			char *name = strdup(path);

			if (!name || add(m, id, name)) {
				free(name);
				ret = -1;
				break;
			}
		}
		sub = openat(dirfd(dir), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0 && walk(m, sub, path, len + 1 + nlen)) {
			ret = -1;
			break;
		}
	}
	path[len] = '\0';
	closedir(dir);
	return ret;
}

/* Read the tree, adding what @m lacks. */
static int load(struct cgroup_map *m)
{
	char path[PATH_MAX] = "";
	uint64_t id;
	int fd;

	if (!m->root_read) {
		m->root = find_cgroup2();
		m->root_read = true;
	}
	if (!m->root)
		return 0;
	id = dir_id(AT_FDCWD, m->root);
	if (id && !find_sorted(m, id)) {
		char *name = strdup("/");

		if (!name || add(m, id, name)) {
			free(name);
			return -1;
		}
	}
	fd = open(m->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	return walk(m, fd, path, 0);
}

const char *cgroup_map_name(struct cgroup_map *m, uint64_t id)
{
	struct cg_entry *e;
	char buf[32], *name;

	if (!id)
		return "-";
	if (!m->loaded) {
		m->loaded = true;
		if (load(m))
			goto fallback;
	}
	e = lookup(m, id);
	if (!e && !m->rescanned) {
		m->rescanned = true;
		if (load(m))
			goto fallback;
		e = lookup(m, id);
	}
	if (e)
		return e->name;
	snprintf(buf, sizeof(buf), "#%" PRIu64, id);
	name = strdup(buf);
	if (name && !add(m, id, name))
		return name;
	free(name);
fallback:
	/* Out of memory: a name that needs none, the same for every id. */
	return "#?";
}

void cgroup_map_forget(struct cgroup_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].name);
	m->n = 0;
	m->sorted = 0;
	m->loaded = false;
	m->rescanned = false;
}

void cgroup_map_free(struct cgroup_map *m)
{
	if (!m)
		return;
	cgroup_map_forget(m);
	free(m->v);
	free(m->root);
	free(m);
}
