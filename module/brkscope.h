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

/**
 * struct brkscope_event - one heap event on its way to subscribers
 * @seq:     sequence number, +1 per event made (sent or dropped)
 * @time_ns: boot-time clock
 * @old_brk: break before
 * @new_brk: break after, or asked for by a failed growth
 * @len:     page-aligned bytes mapped, unmapped or asked for
 * @pid:     thread-group id, initial pid namespace
 * @type:    enum brkscope_event_type
 * @source:  enum brkscope_event_source
 * @comm:    command name
 */
struct brkscope_event {
	u64 seq;
	u64 time_ns;
	unsigned long old_brk;
	unsigned long new_brk;
	unsigned long len;
	pid_t pid;
	u8 type;
	u8 source;
	char comm[TASK_COMM_LEN];
};

/* events.c */
int brkscope_events_init(void);
void brkscope_events_exit(void);
bool brkscope_events_wanted(void);
void brkscope_event_emit(u8 type, u8 source, unsigned long old_brk,
			 unsigned long new_brk, unsigned long len);
u64 brkscope_events_sent(void);
u64 brkscope_events_dropped(void);

/* netlink.c */
int brkscope_netlink_init(void);
void brkscope_netlink_exit(void);
bool brkscope_netlink_has_listeners(void);
int brkscope_netlink_send_event(const struct brkscope_event *ev);

/**
 * struct brkscope_stats - every global figure, for debugfs and netlink
 * @probe_hits:      all probes' hits
 * @probe_missed:    all probes' misses
 * @probe:           each probe's, see brkscope_probes_stats()
 * @loader_maps:     do_brk_flags() calls from the ELF loader
 * @records_in_use:  records tracking a process now
 * @records_limit:   max_records
 * @records_dropped: events lost to a full record pool
 * @events_sent:     events multicast to subscribers
 * @events_dropped:  events lost to a full ring or a full subscriber socket
 */
struct brkscope_stats {
	u64 probe_hits;
	u64 probe_missed;
	struct brkscope_probe_stats probe[BRKSCOPE_NR_PROBES];
	u64 loader_maps;
	u64 records_in_use;
	u64 records_limit;
	u64 records_dropped;
	u64 events_sent;
	u64 events_dropped;
};

/* stats.c */
void brkscope_stats_read(struct brkscope_stats *st);

/* debugfs.c */
void brkscope_debugfs_init(void);
void brkscope_debugfs_exit(void);

#endif /* _BRKSCOPE_H */
