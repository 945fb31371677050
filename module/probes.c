// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and what each one can see.
 *
 * __x64_sys_brk, __ia32_sys_brk (ftrace callback): every brk(2) call on
 *	its way in, with the break it asks for, counted: the record settles
 *	the process's previous call from the break that call left, and opens
 *	this one (records.c).  Their return, seen only while somebody
 *	subscribes, is returns.c's.
 * do_brk_flags (ftrace callback): the page-aligned growth (addr, len) of a
 *	brk(2) call or of the ELF loader mapping a bss during exec.  Only the
 *	loader's matter here: they are counted, and sent to subscribers as
 *	they start (an exec whose bss cannot be mapped dies).
 * exit_mmap (kprobe): the mm is being torn down; its record goes.
 */

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "brkscope.h"
#include "compat.h"
#include "uapi/brkscope.h"

struct brkscope_hits {
	u64 grow;
	u64 syscall;
	u64 mm_exit;
	u64 loader;
};

static DEFINE_PER_CPU(struct brkscope_hits, hits);

/*
 * brk(2) and do_brk_flags() are hooked by ftrace callbacks, not kprobes:
 * the kprobe layer saves every register and looks its probe up at each
 * hit, which cost a brk storm 2 to 4 points more (bench/: floor-kprobe
 * against floor-ftrace).
 *
 * The ops do not ask ftrace for recursion protection
 * (FTRACE_OPS_FL_RECURSION, which would route each call through a helper
 * that checks for recursion and disables preemption): ftrace's trampoline
 * calls them directly.  They need no guard: nothing they call enters
 * brk(2) or do_brk_flags() again.  They may be preempted: a hit counter is
 * one this_cpu_inc(), records and the event ring are changed under raw
 * spinlocks, which disable preemption (and so make an RCU read side for
 * what they read there), and a module's ftrace trampoline is freed only
 * after an RCU-tasks grace period, which waits for a callback preempted in
 * it.
 */
static void grow_call(unsigned long ip, unsigned long parent_ip,
		      struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	unsigned long addr, len;

	this_cpu_inc(hits.grow);
	if (brkscope_in_brk_syscall())
		return;
	this_cpu_inc(hits.loader);
	if (!brkscope_events_wanted())
		return;
	addr = brkscope_ftrace_arg(fregs, BRKSCOPE_GROW_ARG_ADDR);
	len = brkscope_ftrace_arg(fregs, BRKSCOPE_GROW_ARG_LEN);
	brkscope_event_emit(BRKSCOPE_EVENT_TYPE_GROW, BRKSCOPE_EVENT_SOURCE_ELF_LOADER,
			    addr, addr + len, len);
}

static void count_call(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	this_cpu_inc(hits.syscall);
	brkscope_record_call(current->mm,
			     brkscope_user_brk(brkscope_ftrace_arg(fregs, 0), in_ia32_syscall()));
}

static int mm_exit_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(hits.mm_exit);
	brkscope_record_forget((struct mm_struct *)
			       regs_get_kernel_argument(regs, BRKSCOPE_MM_EXIT_ARG_MM));
	return 0;
}

/*
 * exit_mmap stays a kprobe: an administrator can switch kprobes off
 * (debug/kprobes/enabled), and the tests do, to see records outlive an
 * unseen teardown.
 */
static struct kprobe mm_exit_probe = {
	.symbol_name	= BRKSCOPE_MM_EXIT_SYMBOL,
	.pre_handler	= mm_exit_pre,
};

static struct ftrace_ops grow_ops = {
	.func	= grow_call,
};

static struct ftrace_ops count_ops = {
	.func	= count_call,
};

static const char *const grow_symbols[] = { BRKSCOPE_GROW_SYMBOL };
static const char *const call_symbols[] = BRKSCOPE_SYSCALL_SYMBOLS;

/* Register @ops on @n functions, named in @syms. */
static int hook(struct ftrace_ops *ops, const char *const *syms, int n)
{
	int k, ret = 0;

	for (k = 0; k < n && !ret; k++)
		ret = ftrace_set_filter(ops, (unsigned char *)syms[k], strlen(syms[k]), !k);
	if (ret)
		pr_err("cannot trace %s (%d): is it inlined on this kernel?\n",
		       syms[k - 1], ret);
	else
		ret = register_ftrace_function(ops);
	if (ret)
		ftrace_free_filter(ops);
	return ret;
}

/* Returns once no callback of @ops runs: ftrace waits for them. */
static void unhook(struct ftrace_ops *ops)
{
	unregister_ftrace_function(ops);
	ftrace_free_filter(ops);
}

/**
 * brkscope_probes_init() - register the probes, teardown first
 *
 * exit_mmap goes first so that no record can be created for an mm whose
 * teardown would go unseen.  A missing symbol (inlined or renamed on this
 * kernel) fails the load with a message that names it.
 *
 * Return: 0 or the first registration error.
 */
int brkscope_probes_init(void)
{
	int ret;

	ret = register_kprobe(&mm_exit_probe);
	if (ret) {
		pr_err("cannot probe %s (%d): is it inlined on this kernel?\n",
		       mm_exit_probe.symbol_name, ret);
		return ret;
	}
	ret = hook(&grow_ops, grow_symbols, ARRAY_SIZE(grow_symbols));
	if (ret)
		goto out_kprobe;
	ret = hook(&count_ops, call_symbols, ARRAY_SIZE(call_symbols));
	if (ret)
		goto out_grow;
	ret = brkscope_returns_init();
	if (!ret)
		return 0;
	unhook(&count_ops);
out_grow:
	unhook(&grow_ops);
out_kprobe:
	unregister_kprobe(&mm_exit_probe);
	return ret;
}

/*
 * Unregistering waits for handlers running on other CPUs: nothing of ours
 * runs after.
 * exit_mmap goes last so that no record outlives its mm unseen.
 */
void brkscope_probes_exit(void)
{
	brkscope_returns_exit();
	unhook(&count_ops);
	unhook(&grow_ops);
	unregister_kprobe(&mm_exit_probe);
}

/**
 * brkscope_probe_hits() - how often a probe's handler ran
 * @p: which probe
 *
 * Return: the sum over all CPUs.
 */
u64 brkscope_probe_hits(enum brkscope_probe p)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct brkscope_hits *h = per_cpu_ptr(&hits, cpu);

		switch (p) {
		case BRKSCOPE_PROBE_GROW:
			sum += h->grow;
			break;
		case BRKSCOPE_PROBE_SYSCALL:
			sum += h->syscall;
			break;
		case BRKSCOPE_PROBE_MM_EXIT:
			sum += h->mm_exit;
			break;
		case BRKSCOPE_PROBE_LOADER:
			sum += h->loader;
			break;
		}
	}
	return sum;
}

/**
 * brkscope_probe_missed() - hits a probe could not deliver
 * @p: which probe; both brk(2) entry points count as one
 *
 * An ftrace callback cannot miss a call (nothing it calls enters its
 * functions again), nor can a tracepoint's probe: do_brk_flags() and brk(2)
 * have none.
 *
 * Return: for exit_mmap, its kprobe's nmissed; 0 for the others.
 */
u64 brkscope_probe_missed(enum brkscope_probe p)
{
	return p == BRKSCOPE_PROBE_MM_EXIT ? mm_exit_probe.nmissed : 0;
}
