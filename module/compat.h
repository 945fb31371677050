/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything brkscope assumes about kernel internals that are not ABI:
 * probed symbol names, where their arguments sit, and how to tell the brk
 * syscall from the ELF loader.  Each assumption names the kernel that set
 * it; a kernel that breaks one belongs here and nowhere else.
 */
#ifndef _BRKSCOPE_COMPAT_H
#define _BRKSCOPE_COMPAT_H

#include <linux/version.h>
#include <linux/cgroup.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/compat.h>
#include <linux/ftrace.h>
#include <linux/mm_types.h>
#include <linux/rcupdate.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#ifndef CONFIG_X86_64
#error "brkscope reads probe arguments the x86-64 way and is tested only there"
#endif

/*
 * 6.1 switched do_brk_flags() to the maple tree: (mas, vma, addr, len,
 * flags).  6.6 renamed mas to vmi but kept the order, and 6.12 still has it
 * (static in mm/mmap.c; 6.13 moves it to mm/vma.c).  Before 6.1 it was
 * (addr, len, flags, uf): not supported.  It is traceable (has an ftrace
 * call site) on 6.1 and 6.12: brkscope hooks it with an ftrace callback.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "brkscope needs Linux 6.1 or later (do_brk_flags argument order)"
#endif

#define BRKSCOPE_GROW_SYMBOL	"do_brk_flags"
#define BRKSCOPE_GROW_ARG_ADDR	2
#define BRKSCOPE_GROW_ARG_LEN	3

/*
 * The brk syscall is hooked at its pt_regs wrappers, __x64_sys_brk (64-bit
 * and x32 tasks) and __ia32_sys_brk (32-bit tasks), both traceable: an
 * ftrace callback there.  The function they call, __do_sys_brk, is notrace
 * ("inline"): a probe there is an int3 or a jump-optimized kprobe, and
 * unloading one while 6.12 ran a brk storm crashed with "Oops: int3".
 */
#define BRKSCOPE_SYSCALL_SYMBOL		"__x64_sys_brk"
#define BRKSCOPE_SYSCALL_IA32_SYMBOL	"__ia32_sys_brk"
#ifdef CONFIG_IA32_EMULATION
#define BRKSCOPE_SYSCALL_SYMBOLS { BRKSCOPE_SYSCALL_SYMBOL, BRKSCOPE_SYSCALL_IA32_SYMBOL }
#else
#define BRKSCOPE_SYSCALL_SYMBOLS { BRKSCOPE_SYSCALL_SYMBOL }
#endif

/*
 * The requested brk, from the user registers the wrapper is handed (its
 * first argument): bx for a 32-bit task, di otherwise.
 */
static inline unsigned long brkscope_user_brk(unsigned long user_regs, bool ia32)
{
	const struct pt_regs *user = (const struct pt_regs *)user_regs;

	return ia32 ? (u32)user->bx : user->di;
}

/*
 * Argument @n of a function an ftrace callback is on: the argument
 * registers ftrace's trampoline saved, which it does for every callback
 * where the architecture has DYNAMIC_FTRACE_WITH_ARGS (x86-64 from 5.11;
 * without it a callback that asks for no registers gets none).  6.1's x86
 * struct ftrace_regs is a pt_regs whose argument registers are filled;
 * later kernels (6.12 here) hide it behind ftrace_regs_get_argument().
 */
#if !defined(CONFIG_DYNAMIC_FTRACE) || !defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
#error "brkscope hooks brk(2) with ftrace callbacks that read their arguments"
#endif
static inline unsigned long brkscope_ftrace_arg(struct ftrace_regs *fregs, unsigned int n)
{
#ifdef ftrace_regs_get_argument
	return ftrace_regs_get_argument(fregs, n);
#else
	return regs_get_kernel_argument(&fregs->regs, n);
#endif
}

/* exit_mmap(struct mm_struct *mm): unchanged from 6.1 to 6.12. */
#define BRKSCOPE_MM_EXIT_SYMBOL	"exit_mmap"
#define BRKSCOPE_MM_EXIT_ARG_MM	0

/*
 * A value that tells one mm_struct's life from the next one allocated at the
 * same address: x86's mm->context.ctx_id, "never reused, and zero is not a
 * valid ctx_id" (arch/x86/include/asm/mmu.h, 4.15 to 6.12 at least).  A
 * record keyed by the mm pointer alone would hand a recycled pointer the
 * history of the mm that died there whenever the exit_mmap probe missed.
 */
static inline u64 brkscope_mm_life(const struct mm_struct *mm)
{
	return READ_ONCE(mm->context.ctx_id);
}

/**
 * brkscope_mm_owner() - the process an mm belongs to, RCU held by the caller
 * @mm: an mm that is current's, or that the caller holds a reference on
 *
 * A task that shares @mm without CLONE_THREAD (vfork's child before it
 * execs, CLONE_VM) is not its owner: mm->owner, which exit keeps pointing at
 * a live user, is.  It exists only with CONFIG_MEMCG (set in Debian's
 * kernels, 6.1 to 6.12); without it, current is the best guess.
 *
 * Return: a task that is valid until rcu_read_unlock().
 */
static inline struct task_struct *brkscope_mm_owner(struct mm_struct *mm)
{
#ifdef CONFIG_MEMCG
	struct task_struct *owner = rcu_dereference(mm->owner);

	if (owner)
		return owner;
#endif
	return current;
}

/**
 * brkscope_task_cgroup_id() - the cgroup v2 @task is in, by id
 * @task: current, or a task the caller holds a reference on
 *
 * The id of the cgroup's kernfs node: what userspace's name_to_handle_at()
 * gives for the cgroup's directory, and what fits in a record (a path does
 * not, and cannot be built in a probe).  task_dfl_cgroup() and cgroup_id()
 * are inline and unchanged from 6.1 to 6.12.  The caller holds the RCU read
 * lock, or has preemption disabled, as the probes do where they call this
 * (under a raw spinlock): that is a read side too, and
 * task_css_set_check() accepts it under lockdep (rcu_read_lock_sched_held()),
 * so probes need not pay for rcu_read_lock(), two calls with PREEMPT_RCU
 * (Debian's 6.1 and 6.12).
 *
 * Return: the id; 0 without CONFIG_CGROUPS.
 */
static inline u64 brkscope_task_cgroup_id(struct task_struct *task)
{
#ifdef CONFIG_CGROUPS
	return cgroup_id(task_dfl_cgroup(task));
#else
	return 0;
#endif
}

/**
 * brkscope_is_brk_syscall() - is current's system call brk(2)?
 * @regs: current's user registers, as the kernel saved them on entry
 *
 * do_brk_flags() has two callers: the brk syscall and vm_brk_flags(), which
 * the ELF loader (and uselib) uses to map bss during exec.  Only the first is
 * heap growth.  The syscall number saved on entry tells them apart without
 * any per-task state; 32-bit tasks use the ia32 number (in_ia32_syscall():
 * TS_COMPAT, set on entry and still set at the sys_exit tracepoint, 6.1 to
 * 6.12) and x32 tasks set __X32_SYSCALL_BIT.
 *
 * Return: true when the current system call is brk.
 */
static inline bool brkscope_is_brk_syscall(struct pt_regs *regs)
{
	long nr = syscall_get_nr(current, regs);

#ifdef CONFIG_IA32_EMULATION
	if (in_ia32_syscall())
		return nr == __NR_ia32_brk;
#endif
	return (nr & ~__X32_SYSCALL_BIT) == __NR_brk;
}

/* The same, from inside the kernel's handling of the call. */
static inline bool brkscope_in_brk_syscall(void)
{
	return brkscope_is_brk_syscall(task_pt_regs(current));
}

/*
 * The probe on brk(2)'s return (returns.c) is registered only while
 * somebody subscribes.  6.6 gave genetlink families bind and unbind callbacks,
 * called as a socket joins or leaves one of their multicast groups (struct
 * genl_family): there, a join arms it.  Before, a subscriber asks for it
 * (BRKSCOPE_CMD_ARM), as it may on any kernel.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define BRKSCOPE_ARM_ON_JOIN 1
#else
#define BRKSCOPE_ARM_ON_JOIN 0
#endif

/*
 * brk(2)'s return, while somebody subscribes, is seen at the sys_exit
 * tracepoint (returns.c): kernel/entry/common.c fires it from
 * syscall_exit_work() with the user regs and the return value, 6.1 to
 * 6.12, for tasks flagged SYSCALL_WORK_SYSCALL_TRACEPOINT, which
 * registering a probe sets on every task (syscall_regfunc()).  Its symbol
 * is not exported: the module finds it by name (for_each_kernel_tracepoint()).
 * Its probes run with preemption disabled on these kernels; a kernel that
 * makes syscall tracepoints faultable runs them preemptible, which the
 * probe's raw spinlocks do not mind.
 */
#define BRKSCOPE_RETURN_TRACEPOINT	"sys_exit"

/*
 * 6.6 moved a dump's parsed attributes from struct genl_dumpit_info into the
 * struct genl_info it now embeds (split do/dump ops).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define brkscope_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define brkscope_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/*
 * GENL_MCAST_CAP_SYS_ADMIN came with 6.7 and was backported to later 6.1
 * point releases (Debian's 6.1.192 has it).  Without it, the events group
 * could not be kept from unprivileged subscribers: refuse to build.
 */
#include <net/genetlink.h>
#ifndef GENL_MCAST_CAP_SYS_ADMIN
#error "this kernel lacks GENL_MCAST_CAP_SYS_ADMIN: update to a newer point release"
#endif

#endif /* _BRKSCOPE_COMPAT_H */
