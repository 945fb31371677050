/* SPDX-License-Identifier: GPL-2.0 */
/* brkscope selftests library: loading and unloading the module. */
#ifndef BRKTEST_MODULE_H
#define BRKTEST_MODULE_H

#define MODULE_NAME	"brkscope"

/*
 * In a test: skip it unless run as root with the module loaded, as path
 * (a string literal) shows.
 */
#define REQUIRE_LOADED(path) do {					\
	if (geteuid())							\
		SKIP(return, "must run as root");			\
	if (access(path, F_OK))						\
		SKIP(return, path " missing: module not loaded");	\
} while (0)

/* The figures the stats file and the client's stats show, as documented. */
#define STATS_KEYS	18
extern const char *const stats_keys[STATS_KEYS];

/*
 * A counter of debugfs's stats file (one of stats_keys), read now.
 * Returns 0 or -errno (-ENOENT: no such line, -EPROTO: not a number).
 */
int read_stat(const char *key, unsigned long *val);

/* finit_module(2) of the file ko with params ("" for none): 0 or errno. */
int load_module(const char *ko, const char *params);
/*
 * delete_module(2) never waits: while something holds a reference on the
 * module it fails with EWOULDBLOCK, and genetlink holds one for each dump
 * in flight.  That, and only that, is retried for up to wait_ms (0: never);
 * *busy (if not NULL) counts the retries.  Returns 0 or errno.
 */
int unload_module(unsigned int wait_ms, long *busy);

#endif /* BRKTEST_MODULE_H */
