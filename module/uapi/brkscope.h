/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * brkscope's generic netlink interface: the one header the module and the
 * brkscope client both include.  Documentation/netlink/specs/brkscope.yaml
 * is its YNL spec: `make lint` checks that it generates these enums.
 *
 * Every field is its own attribute, so later versions can add fields
 * without breaking old clients; clients ignore attributes they do not know.
 * All u64 attributes are 64-bit aligned with BRKSCOPE_A_PAD.
 *
 * BRKSCOPE_CMD_GET (do): one process, by pid, in the caller's pid namespace.
 *   Needs ptrace read access to it (the rule of /proc/PID/stat), for the
 *   task sending the request and for the credentials the socket was
 *   opened with, both.
 *   request:
 *     BRKSCOPE_A_PID            u32   required
 *   reply: BRKSCOPE_CMD_GET with the process attributes:
 *     BRKSCOPE_A_PID            u32   thread-group id, caller's namespace
 *     BRKSCOPE_A_COMM           string
 *     BRKSCOPE_A_START_BRK      u64   mm->start_brk, read now
 *     BRKSCOPE_A_BRK            u64   mm->brk, read now
 *     BRKSCOPE_A_HEAP_END       u64   PAGE_ALIGN(brk)
 *     BRKSCOPE_A_HEAP_BYTES     u64   brk - start_brk, 0 if brk is below
 *     BRKSCOPE_A_GROWS          u64   do_brk_flags() growths from brk(2)
 *     BRKSCOPE_A_GROWN_BYTES    u64
 *     BRKSCOPE_A_FAILED_GROWS   u64
 *     BRKSCOPE_A_SHRINKS        u64
 *     BRKSCOPE_A_SHRUNK_BYTES   u64
 *     BRKSCOPE_A_PEAK_BRK       u64
 *     BRKSCOPE_A_LAST_CHANGE_NS u64   boot-time ns (to the tick) when the last
 *                                     counted call started, absent if none
 *     BRKSCOPE_A_TRACKED        flag  present if brkscope has a record
 *     BRKSCOPE_A_CGROUP_ID      u64   cgroup v2 id (the kernfs id that
 *                                     name_to_handle_at() gives for its
 *                                     directory): where the process made
 *                                     its last brk(2) call asking for a
 *                                     break; with no record, where it is
 *
 * BRKSCOPE_CMD_GET (dump, NLM_F_DUMP): every live process that both the
 *   socket's opener and the task reading the socket may ptrace-read, in pid
 *   order in the pid namespace of the task that asked for the dump, one
 *   BRKSCOPE_CMD_GET message each with the attributes above.  Takes no
 *   attributes.
 *
 * BRKSCOPE_CMD_GET_STATS (do): no attributes; reply:
 *     BRKSCOPE_A_STATS          nest
 *       BRKSCOPE_STATS_A_*      u64 each, as debugfs's stats file
 *
 * BRKSCOPE_CMD_EVENT: multicast on group BRKSCOPE_MCGRP_EVENTS, one per
 *   successful growth, failed growth and shrink, many to a datagram (never
 *   more than NLMSG_GOODSIZE bytes).  Subscribing needs CAP_SYS_ADMIN in
 *   the initial user namespace.
 *     BRKSCOPE_A_EVENT_SEQ      u64   +1 per event made; a gap = missed events
 *     BRKSCOPE_A_EVENT_TYPE     u8    enum brkscope_event_type
 *     BRKSCOPE_A_EVENT_SOURCE   u8    enum brkscope_event_source
 *     BRKSCOPE_A_PID            u32   initial pid namespace
 *     BRKSCOPE_A_COMM           string
 *     BRKSCOPE_A_EVENT_OLD_BRK  u64   brk before (ELF loader: start of .bss map)
 *     BRKSCOPE_A_EVENT_NEW_BRK  u64   brk after, or asked for by a failed
 *                                     growth (ELF loader: end of .bss map)
 *     BRKSCOPE_A_EVENT_LEN      u64   page-aligned bytes mapped or unmapped
 *     BRKSCOPE_A_EVENT_TIME_NS  u64   boot-time ns
 *     BRKSCOPE_A_CGROUP_ID      u64   cgroup v2 id of the thread
 *   brk(2)'s events are sent as calls return, which is probed only while
 *   somebody subscribes: from Linux 6.6 joining the group registers it;
 *   before, a subscriber sends BRKSCOPE_CMD_ARM after joining, as it may on
 *   any kernel.  The ELF loader's events need neither.
 *
 * BRKSCOPE_CMD_ARM (do): no attributes; registers the probe on brk(2)'s
 *   return (the sys_exit tracepoint) if it is not there, so that brk(2)
 *   calls returning from the ack on are sent; it goes
 *   within two seconds of the last subscriber leaving.  Needs CAP_SYS_ADMIN
 *   in the initial user namespace, for the task sending it and for the
 *   socket's opener, both (EPERM).  Reply: the ack only.
 */
#ifndef _UAPI_BRKSCOPE_H
#define _UAPI_BRKSCOPE_H

#define BRKSCOPE_FAMILY_NAME	"brkscope"
#define BRKSCOPE_FAMILY_VERSION	1
#define BRKSCOPE_MCGRP_EVENTS	"events"

enum brkscope_cmd {
	BRKSCOPE_CMD_UNSPEC,
	BRKSCOPE_CMD_GET,
	BRKSCOPE_CMD_GET_STATS,
	BRKSCOPE_CMD_EVENT,
	BRKSCOPE_CMD_ARM,

	__BRKSCOPE_CMD_MAX,
	BRKSCOPE_CMD_MAX = __BRKSCOPE_CMD_MAX - 1
};

enum brkscope_attr {
	BRKSCOPE_A_UNSPEC,
	BRKSCOPE_A_PAD,
	BRKSCOPE_A_PID,
	BRKSCOPE_A_COMM,
	BRKSCOPE_A_START_BRK,
	BRKSCOPE_A_BRK,
	BRKSCOPE_A_HEAP_END,
	BRKSCOPE_A_GROWS,
	BRKSCOPE_A_GROWN_BYTES,
	BRKSCOPE_A_FAILED_GROWS,
	BRKSCOPE_A_SHRINKS,
	BRKSCOPE_A_SHRUNK_BYTES,
	BRKSCOPE_A_PEAK_BRK,
	BRKSCOPE_A_LAST_CHANGE_NS,
	BRKSCOPE_A_TRACKED,
	BRKSCOPE_A_STATS,
	BRKSCOPE_A_EVENT_SEQ,
	BRKSCOPE_A_EVENT_TYPE,
	BRKSCOPE_A_EVENT_SOURCE,
	BRKSCOPE_A_EVENT_OLD_BRK,
	BRKSCOPE_A_EVENT_NEW_BRK,
	BRKSCOPE_A_EVENT_LEN,
	BRKSCOPE_A_EVENT_TIME_NS,
	BRKSCOPE_A_HEAP_BYTES,
	BRKSCOPE_A_CGROUP_ID,

	__BRKSCOPE_A_MAX,
	BRKSCOPE_A_MAX = __BRKSCOPE_A_MAX - 1
};

enum brkscope_stats_attr {
	BRKSCOPE_STATS_A_UNSPEC,
	BRKSCOPE_STATS_A_PAD,
	BRKSCOPE_STATS_A_PROBE_HITS,
	BRKSCOPE_STATS_A_PROBE_MISSED,
	BRKSCOPE_STATS_A_DO_BRK_FLAGS_HITS,
	BRKSCOPE_STATS_A_DO_BRK_FLAGS_MISSED,
	BRKSCOPE_STATS_A_BRK_SYSCALL_HITS,
	BRKSCOPE_STATS_A_BRK_SYSCALL_MISSED,
	BRKSCOPE_STATS_A_EXIT_MMAP_HITS,
	BRKSCOPE_STATS_A_EXIT_MMAP_MISSED,
	BRKSCOPE_STATS_A_LOADER_MAPS,
	BRKSCOPE_STATS_A_RECORDS_IN_USE,
	BRKSCOPE_STATS_A_RECORDS_LIMIT,
	BRKSCOPE_STATS_A_RECORDS_DROPPED,
	BRKSCOPE_STATS_A_EVENTS_SENT,
	BRKSCOPE_STATS_A_EVENTS_DROPPED,
	BRKSCOPE_STATS_A_RECORDS_STALE,
	BRKSCOPE_STATS_A_RECORD_POOL_BYTES,
	BRKSCOPE_STATS_A_RECORD_TABLE_BYTES,
	BRKSCOPE_STATS_A_EVENT_RING_BYTES,

	__BRKSCOPE_STATS_A_MAX,
	BRKSCOPE_STATS_A_MAX = __BRKSCOPE_STATS_A_MAX - 1
};

enum brkscope_event_type {
	BRKSCOPE_EVENT_TYPE_GROW = 1,
	BRKSCOPE_EVENT_TYPE_GROW_FAILED,
	BRKSCOPE_EVENT_TYPE_SHRINK,
};

enum brkscope_event_source {
	BRKSCOPE_EVENT_SOURCE_BRK = 1,	/* the brk(2) system call */
	BRKSCOPE_EVENT_SOURCE_ELF_LOADER,	/* vm_brk_flags() during exec */
};

#endif /* _UAPI_BRKSCOPE_H */
