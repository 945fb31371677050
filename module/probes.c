// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and what each one can see.
 *
 * __x64_sys_brk, __ia32_sys_brk: every brk(2) call on its way in, with the
 *	break it asks for, counted by brkscope_count_call(): the record
 *	settles the process's previous call from the break that call left,
 *	and opens this one (records.c).  From 6.6 an entry kprobe here does
 *	it; before, the return probe's entry handler (retprobe.c, which also
 *	says how the return half is kept off while nobody subscribes).
 * do_brk_flags (kprobe): the page-aligned growth (addr, len) of a brk(2)
 *	call or of the ELF loader mapping a bss during exec.  Only the
 *	loader's matter here: they are counted, and sent to subscribers as
 *	they start (an exec whose bss cannot be mapped dies).
 * exit_mmap (kprobe): the mm is being torn down; its record goes.
 */

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>

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

/**
 * brkscope_count_call() - count a brk(2) call of current's on its way in
 * @req: the break it asks for
 *
 * Probe context.
 */
void brkscope_count_call(unsigned long req)
{
	this_cpu_inc(hits.syscall);
	brkscope_record_call(current->mm, req);
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

#if BRKSCOPE_ARM_ON_SUBSCRIBE
static int count_pre(struct kprobe *p, struct pt_regs *regs)
{
	brkscope_count_call(brkscope_syscall_arg(regs, false));
	return 0;
}

static int __maybe_unused count_pre_ia32(struct kprobe *p, struct pt_regs *regs)
{
	brkscope_count_call(brkscope_syscall_arg(regs, true));
	return 0;
}

static struct kprobe count_probe = {
	.symbol_name	= BRKSCOPE_SYSCALL_SYMBOL,
	.pre_handler	= count_pre,
};

#ifdef CONFIG_IA32_EMULATION
static struct kprobe count_probe_ia32 = {
	.symbol_name	= BRKSCOPE_SYSCALL_IA32_SYMBOL,
	.pre_handler	= count_pre_ia32,
};
#endif
#endif

/* In registration order: exit_mmap first (brkscope_probes_init() says why). */
static struct kprobe *kprobes[] = {
	&mm_exit_probe,
	&grow_probe,
#if BRKSCOPE_ARM_ON_SUBSCRIBE
	&count_probe,
#ifdef CONFIG_IA32_EMULATION
	&count_probe_ia32,
#endif
#endif
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
	ret = brkscope_retprobe_init(maxactive);
	if (!ret)
		return 0;
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
	while (k--)
		unregister_kprobe(kprobes[k]);
}

/* Both entry points, and the return probe's calls not followed. */
static u64 syscall_missed(void)
{
	u64 sum = brkscope_retprobe_missed();

#if BRKSCOPE_ARM_ON_SUBSCRIBE
	sum += count_probe.nmissed;
#ifdef CONFIG_IA32_EMULATION
	sum += count_probe_ia32.nmissed;
#endif
#endif
	return sum;
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
 * Return: nmissed of the probe's kprobe and, for brk(2), the calls its
 * return probe could not follow: all instances in use, which only calls that
 * sleep in brk(2) while somebody subscribes can make happen (they hold one
 * each).  A call missed so is not sent; before 6.6, where the return probe
 * counts, not counted either (retprobe.c).
 */
u64 brkscope_probe_missed(enum brkscope_probe p)
{
	switch (p) {
	case BRKSCOPE_PROBE_GROW:
		return grow_probe.nmissed;
	case BRKSCOPE_PROBE_SYSCALL:
		return syscall_missed();
	case BRKSCOPE_PROBE_MM_EXIT:
		return mm_exit_probe.nmissed;
	case BRKSCOPE_PROBE_LOADER:
		break;
	}
	return 0;
}
