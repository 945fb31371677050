// SPDX-License-Identifier: GPL-2.0
/*
 * timeit N CMD [ARG...]: run CMD N times, one after the other, its output
 * to /dev/null, and print the guest time per run.  This is how a client
 * and a /proc reader are compared "client included": each run pays for
 * its exec, its start-up and its output, as a user's command does.
 * Fails if any run fails.
 */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, "RUNS CMD [ARG...]"), i;
	long long t0, t1;
	int status, devnull;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s RUNS CMD [ARG...]\n", argv[0]);
		return 2;
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0)
		die("/dev/null");
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			dup2(devnull, STDOUT_FILENO);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "timeit: %s failed (status 0x%x)\n", argv[2], status);
			return 1;
		}
	}
	t1 = now_ns();
	report(t1 - t0, n, "run");
	return 0;
}
