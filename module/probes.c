// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and what each one can see.
 *
 * __x64_sys_brk, __ia32_sys_brk: every brk(2) call on its way in, with the
 *	break it asks for.  One handler does all the counting: the record
 *	settles the process's previous call from the break that call left,
 *	and opens this one (records.c).  A return probe on the same functions
 *	sends each call's event as it returns, with exact breaks, and only
 *	while somebody subscribes: so with nobody subscribed, nothing is held
 *	across the call, which may sleep for as long as its caller likes
 *	(mmap_lock, userfaultfd), and nothing runs on its way out.
 *	From 6.6 the counting is an entry kprobe's and the return probe is
 *	armed as the first subscriber joins (netlink.c's bind) and disarmed a
 *	second after the last leaves; before 6.6 nothing tells a module that
 *	somebody joined, so the return probe stays armed, counts in its entry
 *	handler and declines its return half while nobody subscribes (compat.h,
 *	BRKSCOPE_ARM_ON_SUBSCRIBE).
 * do_brk_flags (kprobe): the page-aligned growth (addr, len) of a brk(2)
 *	call or of the ELF loader mapping a bss during exec.  Only the
 *	loader's matter here: they are counted, and sent to subscribers as
 *	they start (an exec whose bss cannot be mapped dies).
 * exit_mmap (kprobe): the mm is being torn down; its record goes.
 */

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

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

/* Every brk(2) call, counted on its way in. */
static void count_call(unsigned long req)
{
	this_cpu_inc(hits.syscall);
	brkscope_record_call(current->mm, req);
}

static int __maybe_unused count_pre(struct kprobe *p, struct pt_regs *regs)
{
	count_call(brkscope_syscall_arg(regs, false));
	return 0;
}

static int __maybe_unused count_pre_ia32(struct kprobe *p, struct pt_regs *regs)
{
	count_call(brkscope_syscall_arg(regs, true));
	return 0;
}

struct event_data {
	unsigned long req;
	unsigned long old;
};

static int call_enter(struct kretprobe_instance *ri, unsigned long req)
{
	struct event_data *d = (struct event_data *)ri->data;

	if (!BRKSCOPE_ARM_ON_SUBSCRIBE)
		count_call(req);
	/* brk(0), the "where is my heap?" query, changes nothing. */
	if (!req || !brkscope_events_wanted())
		return 1;
	d->req = req;
	/*
	 * Read before brk(2) takes mmap_lock: exact unless another thread of
	 * the process moves brk at the same moment (Documentation/design.rst).
	 */
	d->old = READ_ONCE(current->mm->brk);
	return 0;
}

static int call_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return call_enter(ri, brkscope_syscall_arg(regs, false));
}

static int __maybe_unused call_entry_ia32(struct kretprobe_instance *ri,
					  struct pt_regs *regs)
{
	return call_enter(ri, brkscope_syscall_arg(regs, true));
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

static int event_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct event_data *d = (struct event_data *)ri->data;
	unsigned long ret = regs_return_value(regs);
	unsigned long from = PAGE_ALIGN(d->old), to = PAGE_ALIGN(ret);

	if (IS_ERR_VALUE(ret))		/* -EINTR: killed waiting for the lock */
		return 0;
	if (ret != d->req) {		/* failure returns the original brk */
		if (d->req > ret)
			brkscope_event_emit(BRKSCOPE_EVENT_TYPE_GROW_FAILED,
					    BRKSCOPE_EVENT_SOURCE_BRK, ret, d->req,
					    asked_bytes(ret, d->req));
	} else if (to < from) {
		brkscope_event_emit(BRKSCOPE_EVENT_TYPE_SHRINK, BRKSCOPE_EVENT_SOURCE_BRK,
				    d->old, ret, from - to);
	} else if (to > from) {
		brkscope_event_emit(BRKSCOPE_EVENT_TYPE_GROW, BRKSCOPE_EVENT_SOURCE_BRK,
				    d->old, ret, to - from);
	}
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

#if BRKSCOPE_ARM_ON_SUBSCRIBE
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

/* Registered disarmed where they are armed on subscription. */
#define CALL_PROBE_FLAGS (BRKSCOPE_ARM_ON_SUBSCRIBE ? KPROBE_FLAG_DISABLED : 0)

static struct kretprobe call_probe = {
	.kp.symbol_name	= BRKSCOPE_SYSCALL_SYMBOL,
	.kp.flags	= CALL_PROBE_FLAGS,
	.entry_handler	= call_entry,
	.handler	= event_return,
	.data_size	= sizeof(struct event_data),
};

#ifdef CONFIG_IA32_EMULATION
static struct kretprobe call_probe_ia32 = {
	.kp.symbol_name	= BRKSCOPE_SYSCALL_IA32_SYMBOL,
	.kp.flags	= CALL_PROBE_FLAGS,
	.entry_handler	= call_entry_ia32,
	.handler	= event_return,
	.data_size	= sizeof(struct event_data),
};
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

static struct kretprobe *kretprobes[] = {
	&call_probe,
#ifdef CONFIG_IA32_EMULATION
	&call_probe_ia32,
#endif
};

/*
 * Arming the return probes: @armed says whether they are, @registered
 * whether they may be touched at all (between brkscope_probes_init() and
 * brkscope_probes_exit(): the family, and so bind and unbind, outlives the
 * probes on both sides).  @last_join: jiffies of the last subscriber's
 * join, which arms them before the kernel adds the socket to the group.
 */
static DEFINE_MUTEX(arm_lock);
static bool registered, armed;
static unsigned long last_join;

static void set_armed(bool on)
{
	int i, ret;

	lockdep_assert_held(&arm_lock);
	if (!BRKSCOPE_ARM_ON_SUBSCRIBE || !registered || armed == on)
		return;
	for (i = 0; i < ARRAY_SIZE(kretprobes); i++) {
		ret = on ? enable_kretprobe(kretprobes[i]) : disable_kretprobe(kretprobes[i]);
		if (ret)
			pr_warn("cannot %s the return probe on %s (%d)\n",
				on ? "arm" : "disarm", kretprobes[i]->kp.symbol_name, ret);
	}
	armed = on;
}

static void disarm_unheard(struct work_struct *work);
static DECLARE_DELAYED_WORK(disarm_work, disarm_unheard);

/*
 * A second after a subscriber left, unless one has joined since: a joining
 * socket is added to the group only after brkscope_probes_join() returns,
 * so "nobody listens" is not to be believed right after a join.
 */
static void disarm_unheard(struct work_struct *work)
{
	mutex_lock(&arm_lock);
	if (registered && armed) {
		if (time_before(jiffies, last_join + HZ))
			mod_delayed_work(system_wq, &disarm_work, HZ);
		else if (!brkscope_netlink_has_listeners())
			set_armed(false);
	}
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_probes_join() - a socket is joining the events group
 *
 * Arms the return probes before the socket can receive an event, so that
 * its first event is of the first call it could see.  Process context.
 */
void brkscope_probes_join(void)
{
	mutex_lock(&arm_lock);
	last_join = jiffies;
	set_armed(true);
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_probes_leave() - a socket left the events group, or says it did
 *
 * Any socket of the family can say so, joined or not, so this only asks for
 * a look a second later: the return probes are disarmed then if nobody
 * listens.  Process context.
 */
void brkscope_probes_leave(void)
{
	mutex_lock(&arm_lock);
	if (registered && armed)
		mod_delayed_work(system_wq, &disarm_work, HZ);
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_probes_init() - register the probes, teardown first
 * @maxactive: return-probe instances per kretprobe (calls in flight at once)
 *
 * exit_mmap goes first so that no record can be created for an mm whose
 * teardown would go unseen.  A missing symbol (inlined or renamed on this
 * kernel) fails the load with a message that names it.  Return probes
 * armed on subscription start armed if somebody subscribed already.
 *
 * Return: 0 or the first registration error.
 */
int brkscope_probes_init(unsigned int maxactive)
{
	int i, k, ret;

	for (k = 0; k < ARRAY_SIZE(kprobes); k++) {
		ret = register_kprobe(kprobes[k]);
		if (ret) {
			pr_err("cannot probe %s (%d): is it inlined on this kernel?\n",
			       kprobes[k]->symbol_name, ret);
			goto out_kprobes;
		}
	}
	for (i = 0; i < ARRAY_SIZE(kretprobes); i++) {
		kretprobes[i]->maxactive = maxactive;
		ret = register_kretprobe(kretprobes[i]);
		if (ret) {
			pr_err("cannot probe %s (%d): is it inlined on this kernel?\n",
			       kretprobes[i]->kp.symbol_name, ret);
			goto out_kretprobes;
		}
	}
	mutex_lock(&arm_lock);
	registered = true;
	last_join = jiffies;
	if (brkscope_netlink_has_listeners())
		set_armed(true);
	mutex_unlock(&arm_lock);
	return 0;

out_kretprobes:
	unregister_kretprobes(kretprobes, i);
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

	mutex_lock(&arm_lock);
	registered = false;
	mutex_unlock(&arm_lock);
	cancel_delayed_work_sync(&disarm_work);
	unregister_kretprobes(kretprobes, ARRAY_SIZE(kretprobes));
	while (k--)
		unregister_kprobe(kprobes[k]);
}

static u64 __maybe_unused kretprobe_missed(struct kretprobe *rp)
{
	return rp->nmissed + rp->kp.nmissed;
}

/*
 * Both entry points.  A hit the kprobe layer misses (a probe fired inside
 * another's handler) counts on every probe at that function; a return
 * probe also misses calls that find all its instances in use.  Where an
 * entry kprobe counts, it and the return probe share their functions: the
 * first kind is the kprobe's alone.
 */
static u64 syscall_missed(void)
{
#if BRKSCOPE_ARM_ON_SUBSCRIBE
	u64 sum = count_probe.nmissed + call_probe.nmissed;

#ifdef CONFIG_IA32_EMULATION
	sum += count_probe_ia32.nmissed + call_probe_ia32.nmissed;
#endif
#else
	u64 sum = kretprobe_missed(&call_probe);

#ifdef CONFIG_IA32_EMULATION
	sum += kretprobe_missed(&call_probe_ia32);
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
 * Return: nmissed of the probe's kprobe and, for brk(2), of its return
 * instances: all in use, which only calls that sleep in brk(2) while somebody
 * subscribes can make happen (they hold one each).  A call missed so is not
 * sent; before 6.6, where the return probe counts, not counted either.
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
