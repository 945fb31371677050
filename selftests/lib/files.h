/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope selftests library: files, /proc numbers, pages and clocks.
 * Nothing here allocates: a test that measures its own break must not move
 * it, so files are read with open/read into the caller's buffer or one on
 * the stack.
 *
 * page_size is set by the program (sysconf(_SC_PAGESIZE)) before
 * page_align().
 */
#ifndef BRKTEST_FILES_H
#define BRKTEST_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern unsigned long page_size;

unsigned long page_align(unsigned long addr);
uint64_t boottime_ns(void);
/* Whole-token number: hex with a 0x prefix, or decimal. */
bool parse_ulong(const char *s, bool hex, unsigned long *out);
/* Read a whole file into buf, NUL-terminated.  Returns length or -errno. */
ssize_t read_file(const char *path, char *buf, size_t size);
/* Split a NUL-terminated line on blanks.  Returns the count, max + 1 if more. */
int split_blanks(char *line, char *tok[], int max);
/* Take the next line out of *pos (the newline becomes NUL); NULL at end. */
char *next_line(char **pos);
/*
 * A numeric field of /proc/PID/stat, numbered from 1 as proc(5) does.
 * Returns 0 or -errno.
 */
int proc_stat_field(int pid, int field, unsigned long *out);
/* Field 47 of /proc/PID/stat: start_brk, where the heap starts. */
int proc_start_brk(int pid, unsigned long *out);
/* The running kernel is major.minor or later (true if uname cannot say). */
bool kernel_at_least(int major, int minor);
/* Read a memfd back into buf (NUL-terminated); -1 if it does not fit. */
ssize_t read_memfd(int fd, char *buf, size_t size);
/* Close *fd if open, and mark it closed (-1). */
void close_fd(int *fd);

#endif /* BRKTEST_FILES_H */
