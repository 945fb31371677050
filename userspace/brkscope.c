// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope: show what the brkscope module saw of processes' heaps.
 *
 * The options before the command are parsed here; each command parses its
 * own arguments, talks to the module's generic netlink family and returns
 * the exit code.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "output.h"

static const struct {
	const char *name;
	int (*run)(const struct opts *opts, int argc, char **argv);
} commands[] = {
	{ "get", cmd_get },
	{ "list", cmd_list },
	{ "monitor", cmd_monitor },
	{ "stats", cmd_stats },
};

static void usage(FILE *fp)
{
	fputs(
"Usage: brkscope [OPTIONS] COMMAND [ARGS]\n"
"Show the program break (brk heap) of processes, as brkscope.ko sees it.\n"
"\n"
"Commands:\n"
"  get PID...                      one block per process\n"
"  list [--sort heap|grows|pid]    a table of every process you may inspect\n"
"                                  (default order: pid; heap and grows:\n"
"                                  largest first)\n"
"  monitor [-c|--count N] [-v|--verbose] [--rcvbuf BYTES]\n"
"                                  print heap events as they happen, until N\n"
"                                  events or SIGINT/SIGTERM (needs\n"
"                                  CAP_SYS_ADMIN); --rcvbuf: the socket's\n"
"                                  receive buffer (default 8M), -v: say its\n"
"                                  size\n"
"  stats                           the module's own counters\n"
"\n"
"Options:\n"
"  -j, --json      JSON output: get and list print an array, stats an\n"
"                  object, monitor one object per line\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the version and exit\n"
"\n"
"PIDs are those of the caller's pid namespace; get and list need the\n"
"access /proc/PID/stat needs (ptrace read).\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  other error\n"
"  2  usage error (bad option, command or argument)\n"
"  3  no such process (ESRCH)\n"
"  4  permission denied (EPERM, EACCES)\n"
"  5  the brkscope module is not loaded\n"
"\n"
"See brkscope(8).\n", fp);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts opts = { 0 };
	char arg[64];
	size_t i;
	int c, ret;

	opterr = 0;
	/* '+': options stop at the command, whose own options follow it. */
	while ((c = getopt_long(argc, argv, "+jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == EOF || ferror(stdout) ?
			       EXIT_ERROR : EXIT_OK;
		case 'V':
			printf("brkscope %s\n", BRKSCOPE_VERSION);
			return fflush(stdout) == EOF || ferror(stdout) ?
			       EXIT_ERROR : EXIT_OK;
		default:
			return option_err(NULL, c, argv);
		}
	}
	if (optind >= argc)
		return usage_err("no command given");

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			ret = commands[i].run(&opts, argc - optind,
					      argv + optind);
			if (fflush(stdout) == EOF && ret == EXIT_OK) {
				pr_err("writing output failed");
				ret = EXIT_ERROR;
			}
			return ret;
		}
	}
	return usage_err("unknown command '%s'",
			 out_sanitize(arg, sizeof(arg), argv[optind]));
}
