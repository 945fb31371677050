/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the bench programs share: the clock, the count argument, and the
 * one line of output the runner reads.
 *
 * Every program times itself with CLOCK_MONOTONIC: under QEMU's icount
 * (the benchmark guests run with -icount shift=1) guest time follows the
 * instructions executed, so it is the figure that host load cannot move.
 * Each prints one line, "<ns per operation> <what an operation is>", and
 * exits 0 only when the workload did what it claims (the smoke test and
 * the runner rely on that exit status).
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

/* The iteration count, the first argument: a positive decimal. */
static inline long count_arg(int argc, char **argv, const char *usage)
{
	char *end;
	long n;

	if (argc < 2) {
		fprintf(stderr, "usage: %s %s\n", argv[0], usage);
		exit(2);
	}
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno || *end || n <= 0) {
		fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[1]);
		exit(2);
	}
	return n;
}

static inline void report(long long ns, long n, const char *unit)
{
	printf("%.1f ns/%s\n", (double)ns / n, unit);
	if (fflush(stdout) == EOF)
		die("stdout");
}

#endif /* BENCH_H */
