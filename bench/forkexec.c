// SPDX-License-Identifier: GPL-2.0
/*
 * forkexec N PROG: N times fork, exec PROG (no arguments), wait for it.
 * Each process brings an exec (do_brk_flags from the ELF loader), its
 * heap set-up and an exit_mmap, so every probe of brkscope's fires, and
 * each new mm gets a record.  Fails if a child fails.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, "PROCESSES PROG"), i;
	char *const child_argv[] = { argv[2], NULL };
	long long t0, t1;
	int status;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: %s PROCESSES PROG\n", argv[0]);
		return 2;
	}
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execv(argv[2], child_argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "forkexec: %s failed (status 0x%x)\n", argv[2], status);
			return 1;
		}
	}
	t1 = now_ns();
	report(t1 - t0, n, "process");
	return 0;
}
