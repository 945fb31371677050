// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls N: N getppid(2) calls, and no brk(2).  No probe of brkscope's
 * fires here.  But while somebody subscribes to events, every system call
 * of every task takes the kernel's slow path in and out: brkscope's probe
 * on the sys_exit tracepoint, which sees brk(2) return, is registered, and
 * the kernel flags every task for it.  The ratio under "monitor" is that
 * price; idle, it must come out 1.00.  The program fails if the break
 * moved during the loop.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, "CALLS"), i;
	long parent = syscall(SYS_getppid);
	long long t0, t1;
	void *before = sbrk(0);

	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (syscall(SYS_getppid) != parent)
			die("getppid");
	t1 = now_ns();
	if (sbrk(0) != before) {
		fprintf(stderr, "syscalls: the break moved\n");
		return 1;
	}
	report(t1 - t0, n, "syscall");
	return 0;
}
