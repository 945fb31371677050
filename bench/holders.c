// SPDX-License-Identifier: GPL-2.0
/*
 * holders N: start N processes that each move their break once (so each
 * has a brkscope record) and then wait, print "ready" when all are up,
 * and keep them until stdin closes or reads EOF; then kill and reap them.
 * The dumps are measured over these.
 *
 * The children are forks, not execs: cheap to start (1.5 ms an exec under
 * TCG would be 15 s for 10,000), and each still has its own mm.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, "PROCESSES"), i, started = 0;
	int up[2];
	pid_t *kids;
	char c;

	kids = calloc(n, sizeof(*kids));
	if (!kids || pipe(up))
		die("setup");
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork");
		if (kids[i] == 0) {
			if (sbrk(4096) == (void *)-1)
				_exit(1);
			/* Tell the parent, then wait to be killed. */
			if (write(up[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
	}
	close(up[1]);
	while (started < n && read(up[0], &c, 1) == 1)
		started++;
	if (started != n) {
		fprintf(stderr, "holders: %ld of %ld started\n", started, n);
		return 1;
	}
	printf("ready %ld\n", n);
	if (fflush(stdout) == EOF)
		die("stdout");
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	return 0;
}
