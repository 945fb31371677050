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
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "brkscope.h"

/*
 * /proc/PID/stat shows start_brk only to readers with PTRACE_MODE_READ_FSCREDS
 * access, because it reveals the heap's randomised base.  The kernel's
 * check, __ptrace_may_access(), is not exported to modules; this is the same
 * rule built from what is: same process, or same fsuid/fsgid as all of the
 * target's uids/gids, or CAP_SYS_PTRACE over the target's user namespace;
 * then a non-dumpable mm (setuid programs) needs CAP_SYS_PTRACE over the
 * mm's user namespace.  LSMs (Yama, SELinux) cannot be consulted from here:
 * the one way it can differ from /proc, and never looser than the
 * capability rules.
 */
static bool may_read(struct task_struct *task, struct mm_struct *mm)
{
	const struct cred *cred = current_cred(), *tcred;
	bool ok;

	if (same_thread_group(task, current))
		return true;
	rcu_read_lock();
	tcred = __task_cred(task);
	ok = (uid_eq(cred->fsuid, tcred->euid) &&
	      uid_eq(cred->fsuid, tcred->suid) &&
	      uid_eq(cred->fsuid, tcred->uid) &&
	      gid_eq(cred->fsgid, tcred->egid) &&
	      gid_eq(cred->fsgid, tcred->sgid) &&
	      gid_eq(cred->fsgid, tcred->gid)) ||
	     ns_capable(tcred->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	if (!ok)
		return false;
	return get_dumpable(mm) == SUID_DUMP_USER ||
	       ns_capable(mm->user_ns, CAP_SYS_PTRACE);
}

/**
 * brkscope_view_task() - describe @task as the current task may see it
 * @task:    the process (any thread of it)
 * @want_mm: if set, the mm the caller expects @task to have (a record's
 *           key): a task that has exec'd since gives -ESRCH; the counters
 *           are then left to the caller, who copied them with the key
 * @check:   apply the /proc access rule (debugfs, being root-only, does not)
 * @v:       filled in; @v->c zeroed when @task's mm has no record
 *
 * Return: 0; -ESRCH if @task is not visible in the caller's pid namespace or
 * has no user address space (a kernel thread, a zombie); -EPERM if @check
 * and the caller may not read it.
 */
int brkscope_view_task(struct task_struct *task, const struct mm_struct *want_mm,
		       bool check, struct brkscope_view *v)
{
	struct mm_struct *mm;
	int ret = 0;

	v->pid = task_tgid_nr_ns(task, task_active_pid_ns(current));
	if (!v->pid)
		return -ESRCH;
	mm = get_task_mm(task);
	if (!mm)
		return -ESRCH;
	if (want_mm && mm != want_mm) {
		ret = -ESRCH;
		goto out;
	}
	if (check && !may_read(task, mm)) {
		ret = -EPERM;
		goto out;
	}
	v->start_brk = READ_ONCE(mm->start_brk);
	v->brk = READ_ONCE(mm->brk);
	if (!want_mm) {
		v->tracked = brkscope_record_lookup(mm, &v->c);
		get_task_comm(v->comm, task);
	}
out:
	mmput(mm);
	return ret;
}

/**
 * brkscope_find_task() - the task of pid @nr in the caller's pid namespace
 * @nr: a pid or thread id as the caller sees it
 *
 * Return: a referenced task, or NULL.
 */
struct task_struct *brkscope_find_task(pid_t nr)
{
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
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
