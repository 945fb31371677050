// SPDX-License-Identifier: GPL-2.0
/*
 * procscan PID... | procscan -a: what /proc alone tells about heaps, the
 * baseline brkscope's get and list are compared with.  For each process:
 * start_brk (/proc/PID/stat, field 47) and the [heap] line of
 * /proc/PID/maps (the break rounded up to a page; /proc has no exact
 * break).  -a does it for every process, as `brkscope list` does.  One line
 * each: "pid start_brk heap_start heap_end" (0 where there is no heap).
 *
 * Written to be cheap, so the comparison favours /proc: read(2) into fixed
 * buffers, no stdio on the input side.  Processes that vanish meanwhile
 * are skipped, as a dump skips them.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

static char buf[1 << 16];

/* The file's first 64 KiB (enough for stat; maps is read in a loop). */
static ssize_t slurp(const char *path)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Field 47 of stat; the fields after comm (which may hold spaces) count from ')'. */
static int start_brk(const char *pid, unsigned long long *out)
{
	char path[64], *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (slurp(path) <= 0)
		return -1;
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* ')' ends field 2; field 3 starts two characters later. */
	for (field = 2; field < 47 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -1;
	*out = strtoull(p + 1, NULL, 10);
	return 0;
}

/* The [heap] line of maps, read in pieces: maps can be long. */
static int heap_line(const char *pid, unsigned long long *lo, unsigned long long *hi)
{
	static char chunk[1 << 16];
	char path[64], *line, *nl;
	size_t have = 0;
	ssize_t n;
	int fd;

	*lo = *hi = 0;
	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk + have, sizeof(chunk) - 1 - have)) > 0) {
		have += n;
		chunk[have] = '\0';
		line = chunk;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (strstr(line, "[heap]")) {
				sscanf(line, "%llx-%llx", lo, hi);
				close(fd);
				return 0;
			}
			line = nl + 1;
		}
		have = strlen(line);
		memmove(chunk, line, have);
	}
	close(fd);
	return 0;
}

static void one(const char *pid)
{
	unsigned long long sb, lo, hi;

	if (start_brk(pid, &sb) || heap_line(pid, &lo, &hi))
		return;		/* gone meanwhile */
	printf("%s %#llx %#llx %#llx\n", pid, sb, lo, hi);
}

int main(int argc, char **argv)
{
	struct dirent *d;
	DIR *dir;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PID... | -a\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "-a")) {
		for (i = 1; i < argc; i++)
			one(argv[i]);
		return fflush(stdout) == EOF;
	}
	dir = opendir("/proc");
	if (!dir)
		die("/proc");
	while ((d = readdir(dir)))
		if (isdigit((unsigned char)d->d_name[0]))
			one(d->d_name);
	closedir(dir);
	return fflush(stdout) == EOF;
}
