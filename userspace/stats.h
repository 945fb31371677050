/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's own figures (BRKSCOPE_CMD_GET_STATS), fetched once for
 * stats, export and top.
 */
#ifndef BRKSCOPE_STATS_H
#define BRKSCOPE_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "brkscope.h"	/* the module's uapi header */
#include "nl.h"

/*
 * The figures this client knows, by BRKSCOPE_STATS_A_*: names as in the
 * uapi enum, lower-case without the prefix, as the module's debugfs stats
 * file prints them; NULL for the attributes that are not figures.
 */
extern const char *const stat_names[BRKSCOPE_STATS_A_MAX + 1];

/**
 * struct stats - the figures one request got
 * @has: whether the module sent each BRKSCOPE_STATS_A_*
 * @value: its value
 */
struct stats {
	bool has[BRKSCOPE_STATS_A_MAX + 1];
	uint64_t value[BRKSCOPE_STATS_A_MAX + 1];
};

/**
 * stats_fetch() - ask the module for its figures
 * @nl: an open context with the family resolved (open_family())
 * @st: filled in
 *
 * Return: 0, or -1 with the error in @nl (report_nl_error()).
 */
int stats_fetch(struct nl_ctx *nl, struct stats *st);

#endif /* BRKSCOPE_STATS_H */
