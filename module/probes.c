// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and what each one can see.
 *
 * __x64_sys_brk, __ia32_sys_brk (ftrace callback): every brk(2) call on
 *	its way in, with the break it asks for, counted: the record settles
 *	the process's previous call from the break that call left, and opens
 *	this one (records.c).  Their return probe, there only while somebody
 *	subscribes, is retprobe.c's.
 * do_brk_flags (kprobe): the page-aligned growth (addr, len) of a brk(2)
 *	call or of the ELF loader mapping a bss during exec.  Only the
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

static int grow_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long addr, len;

	this_cpu_inc(hits.grow);
	if (brkscope_in_brk_syscall())
		return 0;
	this_cpu_inc(hits.loader);
	if (!brkscope_events_wanted())
		return 0;
	addr = regs_get_kernel_argument(regs, BRKSCOPE_GROW_ARG_ADDR);
	len = regs_get_kernel_argument(regs, BRKSCOPE_GROW_ARG_LEN);
	brkscope_event_emit(BRKSCOPE_EVENT_TYPE_GROW, BRKSCOPE_EVENT_SOURCE_ELF_LOADER,
			    addr, addr + len, len);
	return 0;
}

static int mm_exit_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(hits.mm_exit);
	brkscope_record_forget((struct mm_struct *)
			       regs_get_kernel_argument(regs, BRKSCOPE_MM_EXIT_ARG_MM));
	return 0;
}

static struct kprobe grow_probe = {
	.symbol_name	= BRKSCOPE_GROW_SYMBOL,
	.pre_handler	= grow_pre,
};

static struct kprobe mm_exit_probe = {
	.symbol_name	= BRKSCOPE_MM_EXIT_SYMBOL,
	.pre_handler	= mm_exit_pre,
};

/*
 * brk(2) is counted by an ftrace callback, not a kprobe: the kprobe layer
 * would save all registers and look its probe up at every call, which
 * costs a brk storm 2 to 3 points more (bench/, 6.1).  The callback runs
 * with preemption disabled (ftrace's recursion guard, as the ops do not say
 * they guard themselves): probe context, as the handlers above.
 */
static void count_call(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	this_cpu_inc(hits.syscall);
	brkscope_record_call(current->mm,
			     brkscope_ftrace_syscall_arg(fregs, in_ia32_syscall()));
}

static struct ftrace_ops count_ops = {
	.func	= count_call,
};

static const char *const call_symbols[] = BRKSCOPE_SYSCALL_SYMBOLS;

static int count_init(void)
{
	int k, ret = 0;

	for (k = 0; k < ARRAY_SIZE(call_symbols) && !ret; k++)
		ret = ftrace_set_filter(&count_ops, (unsigned char *)call_symbols[k],
					strlen(call_symbols[k]), !k);
	if (ret)
		pr_err("cannot trace %s (%d): is it inlined on this kernel?\n",
		       call_symbols[k - 1], ret);
	else
		ret = register_ftrace_function(&count_ops);
	if (ret)
		ftrace_free_filter(&count_ops);
	return ret;
}

/* Returns once no callback of ours runs: ftrace waits for them. */
static void count_exit(void)
{
	unregister_ftrace_function(&count_ops);
	ftrace_free_filter(&count_ops);
}

/* In registration order: exit_mmap first (brkscope_probes_init() says why). */
static struct kprobe *kprobes[] = {
	&mm_exit_probe,
	&grow_probe,
};

/**
 * brkscope_probes_init() - register the probes, teardown first
 * @maxactive: return-probe instances (brk(2) calls in flight at once)
 *
 * exit_mmap goes first so that no record can be created for an mm whose
 * teardown would go unseen.  A missing symbol (inlined or renamed on this
 * kernel) fails the load with a message that names it.
 *
 * Return: 0 or the first registration error.
 */
int brkscope_probes_init(unsigned int maxactive)
{
	int k, ret;

	for (k = 0; k < ARRAY_SIZE(kprobes); k++) {
		ret = register_kprobe(kprobes[k]);
		if (ret) {
			pr_err("cannot probe %s (%d): is it inlined on this kernel?\n",
			       kprobes[k]->symbol_name, ret);
			goto out_kprobes;
		}
	}
	ret = count_init();
	if (ret)
		goto out_kprobes;
	ret = brkscope_retprobe_init(maxactive);
	if (!ret)
		return 0;
	count_exit();
out_kprobes:
	while (k--)
		unregister_kprobe(kprobes[k]);
	return ret;
}

/*
 * Unregistering waits for handlers running on other CPUs, and return probes
 * still pending on sleeping tasks are disarmed: nothing of ours runs after.
 * exit_mmap goes last so that no record outlives its mm unseen.
 */
void brkscope_probes_exit(void)
{
	int k = ARRAY_SIZE(kprobes);

	brkscope_retprobe_exit();
	count_exit();
	while (k--)
		unregister_kprobe(kprobes[k]);
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
 * brkscope_probe_missed() - hits the kprobe layer could not deliver
 * @p: which probe; both brk(2) entry points count as one
 *
 * Return: nmissed of the probe's kprobe; for brk(2), whose ftrace callback
 * cannot miss a call (nothing it calls enters brk(2)), the calls its return
 * probe could not follow: all instances in use, which only calls that sleep
 * in brk(2) while somebody subscribes can make happen (they hold one each).
 * A call missed so is counted, but not sent.
 */
u64 brkscope_probe_missed(enum brkscope_probe p)
{
	switch (p) {
	case BRKSCOPE_PROBE_GROW:
		return grow_probe.nmissed;
	case BRKSCOPE_PROBE_SYSCALL:
		return brkscope_retprobe_missed();
	case BRKSCOPE_PROBE_MM_EXIT:
		return mm_exit_probe.nmissed;
	case BRKSCOPE_PROBE_LOADER:
		break;
	}
	return 0;
}
