// SPDX-License-Identifier: GPL-2.0
/*
 * churn N: glibc malloc/free with the default tunables, sized so that every
 * round grows the heap with brk and trims it again.
 *
 * Two 100 KiB blocks (under the 128 KiB mmap threshold, so they come from
 * the heap) need more than the top chunk keeps after a trim (M_TOP_PAD,
 * 128 KiB): the second one grows the break.  Freeing both leaves a top
 * chunk over M_TRIM_THRESHOLD (128 KiB), and free() gives it back with a
 * negative sbrk.  The program checks that the break did move every round,
 * so a change of glibc's policy fails it instead of measuring nothing.
 */
#include <unistd.h>

#include "bench.h"

#define BLOCK (100 * 1024)

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, "ROUNDS"), i, grew = 0, trimmed = 0;
	long long t0, t1;
	char *a, *b, *lo, *hi;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		lo = sbrk(0);		/* glibc's cached break: no system call */
		a = malloc(BLOCK);
		b = malloc(BLOCK);
		if (!a || !b)
			die("malloc");
		a[0] = b[0] = 1;	/* a touched page, as real users have */
		hi = sbrk(0);
		free(b);
		free(a);
		grew += hi > lo;
		trimmed += (char *)sbrk(0) < hi;
	}
	t1 = now_ns();
	if (grew != n || trimmed != n) {
		fprintf(stderr, "churn: %ld rounds, %ld grew, %ld trimmed: not crossing the trim threshold\n",
			n, grew, trimmed);
		return 1;
	}
	report(t1 - t0, n, "round");
	return 0;
}
