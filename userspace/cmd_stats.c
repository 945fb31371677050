// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope stats: the module's own counters (BRKSCOPE_CMD_GET_STATS).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "output.h"
#include "stats.h"

int cmd_stats(const struct opts *opts, int argc, char **argv)
{
	struct stats st;
	struct nl_ctx nl;
	struct out o;
	int i, ret, width = 0;
	char arg[64];

	if (argc > 1)
		return usage_err("stats: unexpected argument '%s'",
				 out_sanitize(arg, sizeof(arg), argv[1]));

	ret = open_family(&nl, "stats");
	if (ret) {
		nl_close(&nl);
		return ret;
	}
	if (stats_fetch(&nl, &st)) {
		ret = report_nl_error("stats", &nl);
		nl_close(&nl);
		return ret;
	}
	nl_close(&nl);

	for (i = 0; i <= BRKSCOPE_STATS_A_MAX; i++)
		if (stat_names[i] && (int)strlen(stat_names[i]) + 1 > width)
			width = (int)strlen(stat_names[i]) + 1;
	out_init(&o, stdout, opts->json, width);
	out_object_begin(&o, NULL);
	for (i = 0; i <= BRKSCOPE_STATS_A_MAX; i++)
		if (st.has[i])
			print_u64(&o, stat_names[i], stat_names[i], NULL,
				  st.value[i]);
	out_object_end(&o);
	if (out_flush(&o) < 0) {
		pr_err("stats: writing output: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
