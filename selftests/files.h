/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope selftests: files, /proc numbers, pages and clocks, shared by the
 * test programs.  Nothing here allocates: a test that measures its own
 * break must not move it, so files are read with open/read into the
 * caller's buffer or one on the stack.
 *
 * Static functions; include after kselftest_harness.h.  page_size is set
 * by the including program (sysconf(_SC_PAGESIZE)) before page_align().
 */
#ifndef BRKSCOPE_SELFTESTS_FILES_H
#define BRKSCOPE_SELFTESTS_FILES_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long page_size;

static __attribute__((unused)) unsigned long page_align(unsigned long addr)
{
	return (addr + page_size - 1) & ~(page_size - 1);
}

static __attribute__((unused)) uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Whole-token number: hex with a 0x prefix, or decimal. */
static __attribute__((unused)) bool parse_ulong(const char *s, bool hex,
						 unsigned long *out)
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

/* Read a whole file into buf, NUL-terminated.  Returns length or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t size)
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

/* Split a NUL-terminated line on blanks.  Returns the count, max + 1 if more. */
static __attribute__((unused)) int split_blanks(char *line, char *tok[], int max)
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

/* Take the next line out of *pos (the newline becomes NUL); NULL at end. */
static __attribute__((unused)) char *next_line(char **pos)
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
 * A numeric field of /proc/PID/stat, numbered from 1 as proc(5) does,
 * counted after the last ')': comm may hold blanks and parentheses.  The
 * file is read into a buffer of its own, so that callers' buffers survive.
 * Returns 0 or -errno.
 */
static int proc_stat_field(int pid, int field, unsigned long *out)
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

/* Field 47 of /proc/PID/stat: start_brk, where the heap starts. */
static __attribute__((unused)) int proc_start_brk(int pid, unsigned long *out)
{
	return proc_stat_field(pid, 47, out);
}

static __attribute__((unused)) void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

#endif /* BRKSCOPE_SELFTESTS_FILES_H */
