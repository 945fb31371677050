// SPDX-License-Identifier: GPL-2.0
/*
 * storm N: N round trips of sbrk(+4096); sbrk(-4096).  Each call moves the
 * break by a page, so every one reaches do_brk_flags() or the unmap path:
 * the worst case for probes on brk(2), and the anchor figure of the
 * project's notes.
 */
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, "ROUND-TRIPS"), i;
	long long t0, t1;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (sbrk(4096) == (void *)-1)
			die("sbrk(+4096)");
		if (sbrk(-4096) == (void *)-1)
			die("sbrk(-4096)");
	}
	t1 = now_ns();
	report(t1 - t0, n, "round-trip");
	return 0;
}
