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
struct sk_buff;
struct task_struct;

/**
 * struct brkscope_counters - what brkscope has seen of one mm's heap
 * @grows:        brk(2) calls that mapped heap pages (do_brk_flags())
 * @grown_bytes:  bytes those calls mapped (page-aligned)
 * @failed_grows: brk(2) calls that asked to raise brk and got the old one back
 * @shrinks:      brk(2) calls that unmapped heap pages
 * @shrunk_bytes: bytes those calls unmapped (page-aligned)
 * @peak_brk:     highest brk a successful brk(2) set, 0 if none seen
 * @last_change_ns: boot-time clock at the start of the last counted call,
 *                0 if none
 * @cgroup_id:    the cgroup v2 (brkscope_task_cgroup_id()) of the thread that
 *                made the last brk(2) call asking for a break: the call of
 *                the last counted change, or a later one that changed nothing
 *                or is still open
 */
struct brkscope_counters {
	u64 grows;
	u64 grown_bytes;
	u64 failed_grows;
	u64 shrinks;
	u64 shrunk_bytes;
	unsigned long peak_brk;
	u64 last_change_ns;
	u64 cgroup_id;
};

/**
 * struct brkscope_row - one record's key, taken under its bucket lock
 * @mm:   the record's key; compared, never dereferenced
 * @life: which life of the mm at that address (brkscope_mm_life())
 * @tgid: thread-group id of the mm's owner, initial pid namespace
 */
struct brkscope_row {
	const struct mm_struct *mm;
	u64 life;
	pid_t tgid;
};

/**
 * struct brkscope_view - one process as a reader sees it, every field a
 * reader shows derived here once
 * @pid:        thread-group id in the reader's pid namespace
 * @comm:       command name
 * @start_brk:  mm->start_brk, read live
 * @brk:        mm->brk, read live
 * @heap_end:   PAGE_ALIGN(@brk): where the heap's mapping ends
 * @heap_bytes: @brk - @start_brk, 0 if @brk is below @start_brk
 * @peak_brk:   the highest break seen: the record's, or @brk if higher
 * @cgroup_id:  the record's cgroup, or where @pid is now if it has no
 *              record: it has made no change to place elsewhere
 * @tracked:    the mm has a record
 * @c:          the record's counters, zero if none
 */
struct brkscope_view {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long start_brk;
	unsigned long brk;
	unsigned long heap_end;
	unsigned long heap_bytes;
	unsigned long peak_brk;
	u64 cgroup_id;
	bool tracked;
	struct brkscope_counters c;
};

struct cred;
struct pid_namespace;

/**
 * struct brkscope_reader - whom an answer is for
 * @opener: the credentials a netlink socket was opened with (its file's
 *          f_cred), judged as well as current's; NULL when there is no
 *          socket
 * @ns:     the pid namespace pids are looked up and reported in
 * @check:  apply the /proc access rule (debugfs, being root-only, does not)
 */
struct brkscope_reader {
	const struct cred *opener;
	struct pid_namespace *ns;
	bool check;
};

/* view.c */
struct mm_struct *brkscope_process_mm(struct task_struct *task);
int brkscope_view_task(struct task_struct *task, const struct brkscope_reader *rd,
		       const struct brkscope_row *row, struct brkscope_view *v);
struct task_struct *brkscope_find_task(pid_t nr, struct pid_namespace *ns);
struct task_struct *brkscope_task_of_record(pid_t tgid);

/* records.c */
int brkscope_records_init(unsigned int limit);
void brkscope_records_exit(void);
void brkscope_record_call(struct mm_struct *mm, unsigned long req);
void brkscope_record_return(struct mm_struct *mm, unsigned long ret);
void brkscope_record_forget(struct mm_struct *mm);
bool brkscope_record_lookup(struct mm_struct *mm, unsigned long brk,
			    struct brkscope_counters *out);
size_t brkscope_records_snapshot(struct brkscope_row *rows, size_t max);
unsigned int brkscope_records_in_use(void);
unsigned int brkscope_records_limit(void);
u64 brkscope_records_dropped(void);
u64 brkscope_records_stale(void);
u64 brkscope_records_pool_bytes(void);
u64 brkscope_records_table_bytes(void);

/* probes.c */

/**
 * enum brkscope_probe - the probes, as the stats count them
 * @BRKSCOPE_PROBE_GROW:    do_brk_flags()
 * @BRKSCOPE_PROBE_SYSCALL: brk(2), both entry points
 * @BRKSCOPE_PROBE_MM_EXIT: exit_mmap()
 * @BRKSCOPE_PROBE_LOADER:  not a probe: do_brk_flags() hits from the ELF
 *                          loader (hits only)
 */
enum brkscope_probe {
	BRKSCOPE_PROBE_GROW,
	BRKSCOPE_PROBE_SYSCALL,
	BRKSCOPE_PROBE_MM_EXIT,
	BRKSCOPE_PROBE_LOADER,
};

int brkscope_probes_init(void);
void brkscope_probes_exit(void);
u64 brkscope_probe_hits(enum brkscope_probe p);
u64 brkscope_probe_missed(enum brkscope_probe p);

/* returns.c */
int brkscope_returns_init(void);
void brkscope_returns_exit(void);
int brkscope_returns_arm(void);

/**
 * struct brkscope_event - one heap event on its way to subscribers
 * @seq:     sequence number, +1 per event made (sent or dropped)
 * @time_ns: boot-time clock
 * @old_brk: break before
 * @new_brk: break after, or asked for by a failed growth
 * @len:     page-aligned bytes mapped, unmapped or asked for
 * @cgroup_id: cgroup v2 id of the thread that made it
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
	u64 cgroup_id;
	pid_t pid;
	u8 type;
	u8 source;
	char comm[TASK_COMM_LEN];
};

/* events.c */
int brkscope_events_init(unsigned int size);
void brkscope_events_exit(void);
bool brkscope_events_wanted(void);
void brkscope_event_emit(u8 type, u8 source, unsigned long old_brk,
			 unsigned long new_brk, unsigned long len);
void brkscope_call_event(u8 type, unsigned long old, unsigned long req,
			 unsigned long brk);
u64 brkscope_events_sent(void);
u64 brkscope_events_dropped(void);
u64 brkscope_events_ring_bytes(void);

/* netlink.c */
int brkscope_netlink_init(void);
void brkscope_netlink_exit(void);
bool brkscope_netlink_has_listeners(void);
struct sk_buff *brkscope_netlink_new_batch(void);
int brkscope_netlink_add_event(struct sk_buff *skb, const struct brkscope_event *ev);
int brkscope_netlink_send_batch(struct sk_buff *skb);

/**
 * struct brkscope_stat - one global figure, for debugfs and netlink
 * @name:  its name in debugfs's stats file (and the client's output)
 * @attr:  its BRKSCOPE_STATS_A_* attribute
 * @value: its value when read
 */
struct brkscope_stat {
	const char *name;
	int attr;
	u64 value;
};

#define BRKSCOPE_NR_STATS 18

/* stats.c */
void brkscope_stats_read(struct brkscope_stat st[BRKSCOPE_NR_STATS]);

/* debugfs.c */
void brkscope_debugfs_init(void);
void brkscope_debugfs_exit(void);

#endif /* _BRKSCOPE_H */
