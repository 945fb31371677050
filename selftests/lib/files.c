// SPDX-License-Identifier: GPL-2.0
/* brkscope selftests library: files, /proc numbers, pages and clocks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "files.h"

unsigned long page_size;

unsigned long page_align(unsigned long addr)
{
	return (addr + page_size - 1) & ~(page_size - 1);
}

uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

bool parse_ulong(const char *s, bool hex, unsigned long *out)
{
	char *end;

	if (hex && strncmp(s, "0x", 2))
		return false;
	if (!hex && (*s < '0' || *s > '9'))
		return false;
	errno = 0;
	*out = strtoul(s, &end, hex ? 16 : 10);
	return !errno && end != s && !*end;
}

ssize_t read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == size - 1) {
			close(fd);
			return -EFBIG;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

int split_blanks(char *line, char *tok[], int max)
{
	char *save = NULL;
	char *t;
	int n = 0;

	for (t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

char *next_line(char **pos)
{
	char *line = *pos;
	char *nl;

	if (!*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*pos = nl + 1;
	} else {
		*pos = line + strlen(line);
	}
	return line;
}

/*
 * Counted after the last ')': comm may hold blanks and parentheses.  The
 * file is read into a buffer of its own, so that callers' buffers survive.
 */
int proc_stat_field(int pid, int field, unsigned long *out)
{
	char path[64], buf[4096], *p, *tok[52];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	p = strrchr(buf, ')');
	if (!p || field < 3)
		return -EPROTO;
	/* tok[0] is field 3 (state) */
	if (split_blanks(p + 1, tok, 52) < field - 2)
		return -EPROTO;
	tok[field - 3][strcspn(tok[field - 3], "\n")] = '\0';
	return parse_ulong(tok[field - 3], false, out) ? 0 : -EPROTO;
}

int proc_start_brk(int pid, unsigned long *out)
{
	return proc_stat_field(pid, 47, out);
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return true;
	return ma > major || (ma == major && mi >= minor);
}

ssize_t read_memfd(int fd, char *buf, size_t size)
{
	off_t end = lseek(fd, 0, SEEK_END);
	size_t len = 0;
	ssize_t n;

	if (end < 0 || (size_t)end >= size)
		return -1;
	while (len < (size_t)end) {
		n = pread(fd, buf + len, end - len, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		len += n;
	}
	buf[len] = '\0';
	return len;
}
