// SPDX-License-Identifier: GPL-2.0
/*
 * The three probes and what each one can see.
 *
 * do_brk_flags (kretprobe): the page-aligned growth (addr, len) on entry and
 *	whether it happened on return.  Its return runs with mmap_lock held
 *	for writing, so grows of one mm are counted in order, even when many
 *	threads call brk(2) at once.
 * __x64_sys_brk, __ia32_sys_brk (kretprobes): the requested brk on entry,
 *	the resulting brk on return.  Shrinks, failed growth and sub-page moves never reach
 *	do_brk_flags, and mm->brk is written only after it returns, so this
 *	is the only place they show.  brk(0), the "where is my heap?" query,
 *	is by far the most common call and changes nothing: its entry handler
 *	declines the return probe, which is the expensive half.
 * exit_mmap (kprobe): the mm is being torn down; its record goes.
 *
 * Events for netlink subscribers are made where their old and new brk are
 * exact: brk(2)'s return for the syscall, do_brk_flags' return for the ELF
 * loader, whose calls are otherwise not followed to their return.
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

struct grow_data {
	unsigned long addr;
	unsigned long len;
	bool from_brk;
};

struct syscall_data {
	unsigned long req;
	unsigned long old;
};

static int grow_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct grow_data *d = (struct grow_data *)ri->data;

	this_cpu_inc(hits.grow);
	d->addr = regs_get_kernel_argument(regs, BRKSCOPE_GROW_ARG_ADDR);
	d->len = regs_get_kernel_argument(regs, BRKSCOPE_GROW_ARG_LEN);
	d->from_brk = brkscope_in_brk_syscall();
	if (d->from_brk)
		return 0;
	/* The loader's bss maps are not heap: only subscribers hear of them. */
	this_cpu_inc(hits.loader);
	return brkscope_events_wanted() ? 0 : 1;
}

static int grow_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct grow_data *d = (struct grow_data *)ri->data;

	/* A failure here also fails brk(2), which counts it once, there. */
	if (regs_return_value(regs) != 0)
		return 0;
	if (d->from_brk)
		brkscope_record_event(current->mm, BRKSCOPE_GROW, d->len, 0);
	else
		brkscope_event_emit(BRKSCOPE_EVENT_GROW, BRKSCOPE_SOURCE_ELF_LOADER,
				    d->addr, d->addr + d->len, d->len);
	return 0;
}

static int syscall_enter(struct kretprobe_instance *ri, unsigned long req)
{
	struct syscall_data *d = (struct syscall_data *)ri->data;

	this_cpu_inc(hits.syscall);
	d->req = req;
	if (!d->req)
		return 1;
	/*
	 * Read before brk(2) takes mmap_lock: exact unless another thread of
	 * the process moves brk at the same moment (Documentation/design.rst).
	 */
	d->old = READ_ONCE(current->mm->brk);
	return 0;
}

static int syscall_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return syscall_enter(ri, brkscope_syscall_arg(regs, false));
}

static int __maybe_unused syscall_entry_ia32(struct kretprobe_instance *ri,
					     struct pt_regs *regs)
{
	return syscall_enter(ri, brkscope_syscall_arg(regs, true));
}

/*
 * The page-aligned bytes a failed growth from @brk to @req asked for.  A
 * request past the top of the user address space (brk(~0UL)) asks for all
 * up to that top: PAGE_ALIGN() of it would wrap around to a small number.
 */
static unsigned long asked_bytes(unsigned long brk, unsigned long req)
{
	unsigned long top = TASK_SIZE;

	if (brk >= top)
		return 0;
	return PAGE_ALIGN(min(req, top)) - PAGE_ALIGN(brk);
}

static int syscall_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct syscall_data *d = (struct syscall_data *)ri->data;
	unsigned long ret = regs_return_value(regs);
	struct mm_struct *mm = current->mm;

	if (IS_ERR_VALUE(ret))		/* -EINTR: killed waiting for the lock */
		return 0;
	if (ret != d->req) {		/* failure returns the original brk */
		if (d->req > ret) {
			brkscope_record_event(mm, BRKSCOPE_GROW_FAILED, 0, 0);
			brkscope_event_emit(BRKSCOPE_EVENT_GROW_FAILED,
					    BRKSCOPE_SOURCE_BRK, ret, d->req,
					    asked_bytes(ret, d->req));
		}
		return 0;
	}
	if (PAGE_ALIGN(ret) < PAGE_ALIGN(d->old)) {
		brkscope_record_event(mm, BRKSCOPE_SHRINK,
				      PAGE_ALIGN(d->old) - PAGE_ALIGN(ret), 0);
		brkscope_event_emit(BRKSCOPE_EVENT_SHRINK, BRKSCOPE_SOURCE_BRK,
				    d->old, ret, PAGE_ALIGN(d->old) - PAGE_ALIGN(ret));
	} else if (PAGE_ALIGN(ret) > PAGE_ALIGN(d->old)) {
		/* Counted under mmap_lock by grow_return(); here it has exact brks. */
		brkscope_event_emit(BRKSCOPE_EVENT_GROW, BRKSCOPE_SOURCE_BRK,
				    d->old, ret, PAGE_ALIGN(ret) - PAGE_ALIGN(d->old));
	}
	brkscope_record_event(mm, BRKSCOPE_MOVED, 0, ret);
	return 0;
}

static int mm_exit_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(hits.mm_exit);
	brkscope_record_forget((struct mm_struct *)
			       regs_get_kernel_argument(regs, BRKSCOPE_MM_EXIT_ARG_MM));
	return 0;
}

static struct kretprobe grow_probe = {
	.kp.symbol_name	= BRKSCOPE_GROW_SYMBOL,
	.entry_handler	= grow_entry,
	.handler	= grow_return,
	.data_size	= sizeof(struct grow_data),
};

static struct kretprobe syscall_probe = {
	.kp.symbol_name	= BRKSCOPE_SYSCALL_SYMBOL,
	.entry_handler	= syscall_entry,
	.handler	= syscall_return,
	.data_size	= sizeof(struct syscall_data),
};

#ifdef CONFIG_IA32_EMULATION
static struct kretprobe syscall_probe_ia32 = {
	.kp.symbol_name	= BRKSCOPE_SYSCALL_IA32_SYMBOL,
	.entry_handler	= syscall_entry_ia32,
	.handler	= syscall_return,
	.data_size	= sizeof(struct syscall_data),
};
#endif

static struct kretprobe *kretprobes[] = {
	&grow_probe,
	&syscall_probe,
#ifdef CONFIG_IA32_EMULATION
	&syscall_probe_ia32,
#endif
};

static struct kprobe mm_exit_probe = {
	.symbol_name	= BRKSCOPE_MM_EXIT_SYMBOL,
	.pre_handler	= mm_exit_pre,
};

/**
 * brkscope_probes_init() - register the probes, teardown first
 * @maxactive: return-probe instances per kretprobe (calls in flight at once)
 *
 * exit_mmap goes first so that no record can be created for an mm whose
 * teardown would go unseen.  A missing symbol (inlined or renamed on this
 * kernel) fails the load with a message that names it.
 *
 * Return: 0 or the first registration error.
 */
int brkscope_probes_init(unsigned int maxactive)
{
	int i, ret;

	ret = register_kprobe(&mm_exit_probe);
	if (ret) {
		pr_err("cannot probe %s (%d): is it inlined on this kernel?\n",
		       mm_exit_probe.symbol_name, ret);
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(kretprobes); i++) {
		kretprobes[i]->maxactive = maxactive;
		ret = register_kretprobe(kretprobes[i]);
		if (ret) {
			pr_err("cannot probe %s (%d): is it inlined on this kernel?\n",
			       kretprobes[i]->kp.symbol_name, ret);
			goto out;
		}
	}
	return 0;

out:
	unregister_kretprobes(kretprobes, i);
	unregister_kprobe(&mm_exit_probe);
	return ret;
}

/*
 * Unregistering waits for handlers running on other CPUs, and return probes
 * still pending on sleeping tasks are disarmed: nothing of ours runs after.
 * exit_mmap goes last so that no record outlives its mm unseen.
 */
void brkscope_probes_exit(void)
{
	unregister_kretprobes(kretprobes, ARRAY_SIZE(kretprobes));
	unregister_kprobe(&mm_exit_probe);
}

static u64 kretprobe_missed(struct kretprobe *rp)
{
	return rp->nmissed + rp->kp.nmissed;
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
 * Return: nmissed of the probe's kprobe and, for a kretprobe, of its
 * return instances.
 */
u64 brkscope_probe_missed(enum brkscope_probe p)
{
	switch (p) {
	case BRKSCOPE_PROBE_GROW:
		return kretprobe_missed(&grow_probe);
	case BRKSCOPE_PROBE_SYSCALL:
#ifdef CONFIG_IA32_EMULATION
		return kretprobe_missed(&syscall_probe) +
		       kretprobe_missed(&syscall_probe_ia32);
#else
		return kretprobe_missed(&syscall_probe);
#endif
	case BRKSCOPE_PROBE_MM_EXIT:
		return mm_exit_probe.nmissed;
	case BRKSCOPE_PROBE_LOADER:
		break;
	}
	return 0;
}
