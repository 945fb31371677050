// SPDX-License-Identifier: GPL-2.0
/*
 * What one process looks like to a reader: its live start_brk and brk, its
 * record's counters, and whether the reader may see them at all.
 *
 * An mm is only ever read through a reference taken with get_task_mm(); the
 * mm pointer kept in a record is a key, never dereferenced.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "brkscope.h"
#include "compat.h"

/*
 * commoncap's rule (cap_capable()) for credentials that are not current's:
 * @cred has @cap in @ns if it has it in its own namespace and @ns is that
 * one or below it, or if @cred's euid owns an ancestor of @ns that is a
 * child of @cred's namespace.  The kernel's own entry points with
 * arbitrary credentials (security_capable(), file_ns_capable()) are either
 * not exported or write an audit record for every refusal.
 */
static bool cred_has_cap(const struct cred *cred, struct user_namespace *ns,
			 int cap)
{
	for (;;) {
		if (ns == cred->user_ns)
			return cap_raised(cred->cap_effective, cap);
		if (ns->level <= cred->user_ns->level)
			return false;
		if (ns->parent == cred->user_ns && uid_eq(ns->owner, cred->euid))
			return true;
		ns = ns->parent;
	}
}

/*
 * Never audited: a reader that may not see a process is the common case of
 * every dump, and /proc's stat file asks in the same NOAUDIT mode.
 */
static bool has_cap(const struct cred *cred, struct user_namespace *ns, int cap)
{
	if (cred == current_cred())
		return ns_capable_noaudit(ns, cap);
	return cred_has_cap(cred, ns, cap);
}

/*
 * /proc/PID/stat shows start_brk only to readers with PTRACE_MODE_READ_FSCREDS
 * access, because it reveals the heap's randomised base.  The kernel's
 * check, __ptrace_may_access(), is not exported to modules; this is the same
 * rule built from what is: same fsuid/fsgid as all of the target's
 * uids/gids, or CAP_SYS_PTRACE over the target's user namespace; then a
 * non-dumpable mm (setuid programs) needs CAP_SYS_PTRACE over the mm's user
 * namespace.  (Same process is the caller's business: see may_read().)
 * LSMs (Yama, SELinux) cannot be consulted from here: the one way it can
 * differ from /proc, and never looser than the capability rules.
 */
static bool cred_may_read(const struct cred *cred, struct task_struct *task,
			  struct mm_struct *mm)
{
	const struct cred *tcred;
	bool ok;

	rcu_read_lock();
	tcred = __task_cred(task);
	ok = (uid_eq(cred->fsuid, tcred->euid) &&
	      uid_eq(cred->fsuid, tcred->suid) &&
	      uid_eq(cred->fsuid, tcred->uid) &&
	      gid_eq(cred->fsgid, tcred->egid) &&
	      gid_eq(cred->fsgid, tcred->sgid) &&
	      gid_eq(cred->fsgid, tcred->gid)) ||
	     has_cap(cred, tcred->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	if (!ok)
		return false;
	return get_dumpable(mm) == SUID_DUMP_USER ||
	       has_cap(cred, mm->user_ns, CAP_SYS_PTRACE);
}

/*
 * Both the task touching the socket now and the one that opened it must
 * pass, as netlink_ns_capable() demands of capabilities: a socket handed to
 * a setuid program must not lend it its reader's rights (CVE-2014-0181), nor
 * a root-opened socket handed down lend the opener's.  A process may always
 * read itself, unless the socket it asks through was opened by another
 * identity.
 */
static bool may_read(const struct brkscope_reader *rd, struct task_struct *task,
		     struct mm_struct *mm)
{
	const struct cred *cur = current_cred();

	if (!same_thread_group(task, current) && !cred_may_read(cur, task, mm))
		return false;
	return !rd->opener || rd->opener == cur ||
	       cred_may_read(rd->opener, task, mm);
}

/**
 * brkscope_process_mm() - the address space of @task's process
 * @task: any thread of it
 *
 * Through any live thread: the leader may have exited (pthread_exit() from
 * main) while the other threads run on and grow the heap.
 *
 * Return: a reference to drop with mmput(), or NULL for a kernel thread or
 * a process with no live thread.
 */
struct mm_struct *brkscope_process_mm(struct task_struct *task)
{
	struct mm_struct *mm = get_task_mm(task);
	struct task_struct *t;

	if (mm || (task->flags & PF_KTHREAD))
		return mm;
	rcu_read_lock();
	for_each_thread(task, t) {
		mm = get_task_mm(t);
		if (mm)
			break;
	}
	rcu_read_unlock();
	return mm;
}

/**
 * brkscope_view_task() - describe @task as the reader may see it
 * @task: the process (any thread of it)
 * @rd:   the reader: its pid namespace, and whether to apply the /proc rule
 * @row:  if set, a record listed from the table: @task must still have that
 *        mm, in the same life
 * @v:    filled in; @v->c zeroed when @task's mm has no record
 *
 * Return: 0; -ESRCH if @task is not visible in @rd's pid namespace, has no
 * user address space (a kernel thread, a zombie) or, with @row, has another
 * mm than the row's; -EPERM if @rd may not read it.
 */
int brkscope_view_task(struct task_struct *task, const struct brkscope_reader *rd,
		       const struct brkscope_row *row, struct brkscope_view *v)
{
	struct mm_struct *mm;
	int ret = 0;

	v->pid = task_tgid_nr_ns(task, rd->ns);
	if (!v->pid)
		return -ESRCH;
	mm = brkscope_process_mm(task);
	if (!mm)
		return -ESRCH;
	if (row && (mm != row->mm || brkscope_mm_life(mm) != row->life)) {
		ret = -ESRCH;
		goto out;
	}
	if (rd->check && !may_read(rd, task, mm)) {
		ret = -EPERM;
		goto out;
	}
	v->start_brk = READ_ONCE(mm->start_brk);
	v->brk = READ_ONCE(mm->brk);
	v->tracked = brkscope_record_lookup(mm, v->brk, &v->c);
	if (v->tracked) {
		v->cgroup_id = v->c.cgroup_id;
	} else {
		rcu_read_lock();
		v->cgroup_id = brkscope_task_cgroup_id(task);
		rcu_read_unlock();
	}
	get_task_comm(v->comm, task);
	v->heap_end = PAGE_ALIGN(v->brk);
	v->heap_bytes = v->brk > v->start_brk ? v->brk - v->start_brk : 0;
	v->peak_brk = max(v->c.peak_brk, v->brk);
out:
	mmput(mm);
	return ret;
}

/**
 * brkscope_find_task() - the task of pid @nr in pid namespace @ns
 * @nr: a pid or thread id as the reader sees it
 * @ns: the reader's pid namespace
 *
 * Return: a referenced task, or NULL.
 */
struct task_struct *brkscope_find_task(pid_t nr, struct pid_namespace *ns)
{
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_pid_ns(nr, ns), PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/**
 * brkscope_task_of_record() - the task a record's tgid names
 * @tgid: thread-group id in the initial pid namespace
 *
 * Return: a referenced task, or NULL when that process is gone.
 */
struct task_struct *brkscope_task_of_record(pid_t tgid)
{
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_pid_ns(tgid, &init_pid_ns), PIDTYPE_TGID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}
