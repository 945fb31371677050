// SPDX-License-Identifier: GPL-2.0
/* brkscope selftests library: loading and unloading the module. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "files.h"
#include "module.h"

#define STATS_FILE	"/sys/kernel/debug/" MODULE_NAME "/stats"

const char *const stats_keys[STATS_KEYS] = {
	"probe_hits", "probe_missed", "do_brk_flags_hits",
	"do_brk_flags_missed", "brk_syscall_hits", "brk_syscall_missed",
	"exit_mmap_hits", "exit_mmap_missed", "loader_maps",
	"records_in_use", "records_limit", "records_dropped",
	"events_sent", "events_dropped", "records_stale",
	"record_pool_bytes", "record_table_bytes", "event_ring_bytes",
};

/* Lines "key<blanks>value"; reads into a buffer of its own (about 400 bytes). */
int read_stat(const char *key, unsigned long *val)
{
	size_t klen = strlen(key);
	char buf[4096], *pos = buf, *line, *v;
	ssize_t len = read_file(STATS_FILE, buf, sizeof(buf));

	if (len < 0)
		return len;
	while ((line = next_line(&pos))) {
		if (strncmp(line, key, klen) || (line[klen] != ' ' && line[klen] != '\t'))
			continue;
		for (v = line + klen; *v == ' ' || *v == '\t'; v++)
			;
		return parse_ulong(v, false, val) ? 0 : -EPROTO;
	}
	return -ENOENT;
}

int load_module(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = errno;
	close(fd);
	return err;
}

int unload_module(unsigned int wait_ms, long *busy)
{
	uint64_t end = boottime_ns() + wait_ms * 1000000ULL;

	int err;

	for (;;) {
		if (!syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK))
			return 0;
		err = errno;
		if (err != EWOULDBLOCK || boottime_ns() >= end)
			return err;
		if (busy)
			(*busy)++;
		usleep(1000);
	}
}
