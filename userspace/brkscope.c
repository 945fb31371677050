// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope: show what the brkscope module saw of processes' heaps.
 *
 * The options before the command are parsed here; each command parses its
 * own arguments, talks to the module's generic netlink family and returns
 * the exit code.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "output.h"

static const struct {
	const char *name;
	int (*run)(const struct opts *opts, int argc, char **argv);
} commands[] = {
	{ "export", cmd_export },
	{ "get", cmd_get },
	{ "list", cmd_list },
	{ "monitor", cmd_monitor },
	{ "stats", cmd_stats },
	{ "top", cmd_top },
};

static void usage(FILE *fp)
{
	fputs(
"Usage: brkscope [OPTIONS] COMMAND [ARGS]\n"
"Show the program break (brk heap) of processes, as brkscope.ko sees it.\n"
"\n"
"Commands:\n"
"  export [-o FILE|-] [--top N]    heap figures per cgroup and comm, and the\n"
"                                  module's, for node_exporter's textfile\n"
"                                  collector (Prometheus's text format);\n"
"                                  replaces FILE atomically, - is stdout;\n"
"                                  --top N: also the N largest heaps, one\n"
"                                  series per process; default FILE:\n"
"      /var/lib/prometheus/node-exporter/brkscope.prom\n"
"  get PID...                      one block per process\n"
"  list [--sort heap|grows|pid]    a table of every process you may inspect\n"
"                                  (default order: pid; heap and grows:\n"
"                                  largest first)\n"
"  list --by comm|cgroup [--sort heap|grows|name]\n"
"                                  their sums per command name or cgroup\n"
"                                  (default order: name)\n"
"  monitor [-c|--count N] [-v|--verbose] [--rcvbuf BYTES]\n"
"                                  print heap events as they happen, until N\n"
"                                  events or SIGINT/SIGTERM (needs\n"
"                                  CAP_SYS_ADMIN); --rcvbuf: the socket's\n"
"                                  receive buffer (default 8M), -v: say its\n"
"                                  size\n"
"  stats                           the module's own counters\n"
"  top [-b] [-d SECONDS] [-n N] [-s rate|heap|grows|pid] [-B]\n"
"      [--by comm|cgroup]          a live view, one row per process or group,\n"
"                                  refreshed every SECONDS (default 1); keys\n"
"                                  r h g p sort, b bytes, q quit; -b plain\n"
"                                  text frames, -n stop after N refreshes\n"
"\n"
"Options:\n"
"  -j, --json      JSON output: get and list print an array, stats an\n"
"                  object, monitor one object per line\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the client's version and the loaded module's, and\n"
"                  exit (1 if they do not fit together)\n"
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

/* The module's version, as MODULE_VERSION() put it in sysfs. */
static void module_version(char *buf, size_t size)
{
	FILE *fp = fopen("/sys/module/" BRKSCOPE_FAMILY_NAME "/version", "r");

	snprintf(buf, size, "unknown");
	if (fp) {
		if (fgets(buf, (int)size, fp))
			buf[strcspn(buf, "\n")] = '\0';
		else
			snprintf(buf, size, "unknown");
		fclose(fp);
	}
}

/*
 * -V: the client's version; then, if the family is registered, the
 * module's and the family's, which must be the client's and
 * BRKSCOPE_FAMILY_VERSION (else one line on stderr and EXIT_ERROR).  A
 * module that is not loaded is no error here.
 */
static int show_version(void)
{
	char out[64], mod[64];
	struct nl_ctx nl;
	int ret = EXIT_OK;

	printf("brkscope %s\n", BRKSCOPE_VERSION);
	if (nl_open(&nl) < 0) {
		ret = report_nl_error("--version", &nl);
		goto out;
	}
	ret = nl_resolve_family(&nl, BRKSCOPE_FAMILY_NAME, NULL);
	if (ret == -ENOENT) {
		printf("brkscope.ko not loaded\n");
		ret = EXIT_OK;
		goto out;
	}
	if (ret < 0) {
		ret = report_nl_error("--version: resolving family "
				      BRKSCOPE_FAMILY_NAME, &nl);
		goto out;
	}
	module_version(mod, sizeof(mod));
	printf("brkscope.ko %s, netlink family %s version %u\n",
	       out_sanitize(out, sizeof(out), mod), BRKSCOPE_FAMILY_NAME,
	       nl.family_version);
	if (strcmp(mod, BRKSCOPE_VERSION) ||
	    nl.family_version != BRKSCOPE_FAMILY_VERSION) {
		pr_err("client %s (netlink version %u) does not fit brkscope.ko %s (netlink version %u): install the client and the module of one version",
		       BRKSCOPE_VERSION, BRKSCOPE_FAMILY_VERSION, out,
		       nl.family_version);
		ret = EXIT_ERROR;
	}
out:
	nl_close(&nl);
	if ((fflush(stdout) == EOF || ferror(stdout)) && ret == EXIT_OK)
		ret = EXIT_ERROR;
	return ret;
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
			return show_version();
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
