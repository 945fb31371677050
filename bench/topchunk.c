// SPDX-License-Identifier: GPL-2.0
/*
 * topchunk N: N malloc/free pairs served from memory the heap already has:
 * no brk(2) at all, so no probe of brkscope's can fire.  Its ratio to "no
 * probes" must come out 1.00; anything else is noise or a probe where there
 * should be none.  The program fails if the break moved during the loop.
 *
 * 64 live blocks of 16 to 1024 bytes (at most 64 KiB), freed and
 * reallocated in turn, so malloc splits and merges chunks at the top of
 * the heap rather than only recycling one tcache entry.
 */
#include <unistd.h>

#include "bench.h"

#define SLOTS 64

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, "MALLOCS"), i;
	static char *slot[SLOTS];
	long long t0, t1;
	char *before;
	size_t size;

	/* Grow the heap once, before the clock starts: 128 KiB of top chunk. */
	free(malloc(64 * 1024));
	for (i = 0; i < SLOTS; i++)
		slot[i] = malloc(16);
	before = sbrk(0);

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		size = 16 + (size_t)(i * 97 % 1009);
		free(slot[i % SLOTS]);
		slot[i % SLOTS] = malloc(size);
		if (!slot[i % SLOTS])
			die("malloc");
		slot[i % SLOTS][0] = (char)i;
	}
	t1 = now_ns();
	if (sbrk(0) != before) {
		fprintf(stderr, "topchunk: the break moved: the loop left the top chunk\n");
		return 1;
	}
	report(t1 - t0, n, "malloc");
	return 0;
}
