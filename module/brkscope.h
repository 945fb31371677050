/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between brkscope's parts: probes feed records, debugfs reads
 * them, main wires everything up.
 */
#ifndef _BRKSCOPE_H
#define _BRKSCOPE_H

#include <linux/sched.h>
#include <linux/types.h>

struct mm_struct;
struct task_struct;

/**
 * struct brkscope_counters - what brkscope has seen of one mm's heap
 * @grows:        successful do_brk_flags() growths from brk(2)
 * @grown_bytes:  bytes those growths mapped (page-aligned)
 * @failed_grows: brk(2) calls that asked to raise brk and got the old one back
 * @shrinks:      brk(2) calls that unmapped heap pages
 * @shrunk_bytes: bytes those calls unmapped (page-aligned)
 * @peak_brk:     highest brk a successful brk(2) returned, 0 if none seen
 * @last_change_ns: boot-time clock of the last counted event, 0 if none
 */
struct brkscope_counters {
	u64 grows;
	u64 grown_bytes;
	u64 failed_grows;
	u64 shrinks;
	u64 shrunk_bytes;
	unsigned long peak_brk;
	u64 last_change_ns;
};

/**
 * struct brkscope_row - a copy of one record, taken under its bucket lock
 * @mm:   the record's key; compared, never dereferenced
 * @tgid: thread-group id in the initial pid namespace
 * @comm: command name of the last task that changed the record
 * @c:    the counters
 */
struct brkscope_row {
	const struct mm_struct *mm;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	struct brkscope_counters c;
};

/**
 * enum brkscope_event_kind - what a probe observed
 * @BRKSCOPE_GROW:        do_brk_flags() from brk(2) mapped @bytes
 * @BRKSCOPE_GROW_FAILED: brk(2) asked for a higher brk and did not get it
 * @BRKSCOPE_SHRINK:      brk(2) unmapped @bytes
 * @BRKSCOPE_MOVED:       brk(2) succeeded and returned @brk (peak tracking)
 */
enum brkscope_event_kind {
	BRKSCOPE_GROW,
	BRKSCOPE_GROW_FAILED,
	BRKSCOPE_SHRINK,
	BRKSCOPE_MOVED,
};

/**
 * struct brkscope_view - one process as a reader sees it
 * @pid:       thread-group id in the reader's pid namespace
 * @comm:      command name
 * @start_brk: mm->start_brk, read live
 * @brk:       mm->brk, read live
 * @tracked:   the mm has a record
 * @c:         the record's counters, zero if none
 */
struct brkscope_view {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long start_brk;
	unsigned long brk;
	bool tracked;
	struct brkscope_counters c;
};

/* view.c */
int brkscope_view_task(struct task_struct *task, const struct mm_struct *want_mm,
		       bool check, struct brkscope_view *v);
struct task_struct *brkscope_find_task(pid_t nr);
struct task_struct *brkscope_task_of_record(pid_t tgid);

/* records.c */
int brkscope_records_init(unsigned int limit);
void brkscope_records_exit(void);
void brkscope_record_event(const struct mm_struct *mm,
			   enum brkscope_event_kind kind,
			   unsigned long bytes, unsigned long brk);
void brkscope_record_forget(const struct mm_struct *mm);
bool brkscope_record_lookup(const struct mm_struct *mm,
			    struct brkscope_counters *out);
size_t brkscope_records_snapshot(struct brkscope_row *rows, size_t max);
unsigned int brkscope_records_in_use(void);
unsigned int brkscope_records_limit(void);
u64 brkscope_records_dropped(void);

/* probes.c */

/**
 * struct brkscope_probe_stats - per-probe figures for the stats file
 * @name:   probed symbol
 * @hits:   handler entries
 * @missed: hits the kprobe layer could not deliver (nmissed)
 */
struct brkscope_probe_stats {
	const char *name;
	u64 hits;
	u64 missed;
};

#define BRKSCOPE_NR_PROBES 3

int brkscope_probes_init(unsigned int maxactive);
void brkscope_probes_exit(void);
void brkscope_probes_stats(struct brkscope_probe_stats st[BRKSCOPE_NR_PROBES]);
u64 brkscope_probes_loader_maps(void);

/* debugfs.c */
void brkscope_debugfs_init(void);
void brkscope_debugfs_exit(void);

#endif /* _BRKSCOPE_H */
