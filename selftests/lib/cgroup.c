// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope selftests library: the test's own cgroups (lib/cgroup.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cgroup.h"
#include "files.h"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

int cgroup_move(const char *path, int pid)
{
	char file[PATH_MAX + 16], buf[16];

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	snprintf(buf, sizeof(buf), "%d", pid);
	return write_str(file, buf);
}

/* Empty the cgroup at @path into the root cgroup, then remove it. */
static void drain_and_remove(const char *path)
{
	char file[PATH_MAX + 16], buf[4096], *pos, *line;
	ssize_t len;

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	len = read_file(file, buf, sizeof(buf));
	if (len > 0) {
		pos = buf;
		while ((line = next_line(&pos)))
			cgroup_move(CGROUP_ROOT, atoi(line));
	}
	rmdir(path);
}

int cgroup_make(const char *name, char *path)
{
	struct statfs sf;

	if (statfs(CGROUP_ROOT, &sf))
		return -errno;
	if (sf.f_type != CGROUP2_SUPER_MAGIC)
		return -ENODEV;
	snprintf(path, PATH_MAX, "%s/%s", CGROUP_ROOT, name);
	drain_and_remove(path);
	if (mkdir(path, 0755))
		return -errno;
	return 0;
}

uint64_t cgroup_id_of(const char *path)
{
	union {
		struct file_handle fh;
		char room[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	uint64_t id;
	int mount_id;

	h.fh.handle_bytes = sizeof(uint64_t);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0))
		return 0;
	if (h.fh.handle_bytes != sizeof(uint64_t)) {
		errno = EPROTO;
		return 0;
	}
	memcpy(&id, h.fh.f_handle, sizeof(id));
	return id;
}

/* /proc/PID/cgroup on a cgroup2-only system: one line, "0::PATH". */
int cgroup_of(int pid, char *rel, size_t size)
{
	char file[64], buf[4096], *pos, *line;
	ssize_t len;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	len = read_file(file, buf, sizeof(buf));
	if (len < 0)
		return len;
	pos = buf;
	while ((line = next_line(&pos))) {
		if (strncmp(line, "0::", 3))
			continue;
		if (strlen(line + 3) >= size)
			return -ENAMETOOLONG;
		strcpy(rel, line + 3);
		return 0;
	}
	return -ENOENT;
}

void cgroup_remove(char *path)
{
	if (!path[0])
		return;
	drain_and_remove(path);
	path[0] = '\0';
}
