// SPDX-License-Identifier: GPL-2.0
/*
 * brk(2)'s return probe: what a call did, for subscribers' events.
 *
 * An entry probe sees the break a call asks for, not what it got; events
 * must say that at once, so while somebody subscribes a return probe on
 * __x64_sys_brk and __ia32_sys_brk sends each call's event as it returns.
 * It is the expensive half (an instance per call in flight, a trampoline on
 * the way out), held for as long as the call sleeps (mmap_lock,
 * userfaultfd), so nobody should pay for it while nobody listens.  How far
 * that goes depends on the kernel (compat.h, BRKSCOPE_ARM_ON_SUBSCRIBE):
 *
 * 6.6 to 6.13: genetlink tells the family when a socket joins or leaves its
 *	events group.  An fprobe is registered as the first subscriber joins
 *	(before its socket can get anything) and unregistered a second after
 *	the last one leaves; the counting is probes.c's entry kprobe's.  An
 *	fprobe, not a kretprobe: a kprobe and a kretprobe on one function
 *	make an aggregate probe that the kprobe layer keeps for good, and its
 *	dispatch costs the idle path almost a point of a brk storm.
 * Before 6.6 nothing tells a module that somebody joined: a kretprobe stays
 *	registered, counts in its entry handler, and declines the return half
 *	(keeps no instance) while nobody subscribes.
 */

#include <linux/fprobe.h>
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "brkscope.h"
#include "compat.h"
#include "uapi/brkscope.h"

/* What the return half needs from the way in. */
struct event_data {
	unsigned long req;
	unsigned long old;
};

/*
 * Whether to follow a call with break request @req to its return.
 * @listened: somebody subscribes, as far as the caller knows.
 */
static bool event_enter(struct event_data *d, unsigned long req, bool listened)
{
	/* brk(0), the "where is my heap?" query, changes nothing. */
	if (!req || !listened)
		return false;
	d->req = req;
	/*
	 * Read before brk(2) takes mmap_lock: exact unless another thread of
	 * the process moves brk at the same moment (Documentation/design.rst).
	 */
	d->old = READ_ONCE(current->mm->brk);
	return true;
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

/* The call of @d returned @ret: send what it did, if anything. */
static void event_exit(const struct event_data *d, unsigned long ret)
{
	unsigned long from = PAGE_ALIGN(d->old), to = PAGE_ALIGN(ret);

	if (IS_ERR_VALUE(ret))		/* -EINTR: killed waiting for the lock */
		return;
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
}

#if BRKSCOPE_ARM_ON_SUBSCRIBE

static const char *const call_symbols[] = {
	BRKSCOPE_SYSCALL_SYMBOL,
#ifdef CONFIG_IA32_EMULATION
	BRKSCOPE_SYSCALL_IA32_SYMBOL,
#endif
};

/*
 * __ia32_sys_brk runs only in a 32-bit task's system call.  Registered, the
 * fprobe means somebody subscribes, or did less than a second ago: its
 * events then go to nobody, which costs less than asking netlink at every
 * call.
 */
static int fp_entry(struct fprobe *fp, unsigned long ip, unsigned long ret_ip,
		    struct pt_regs *regs, void *data)
{
	return !event_enter(data, brkscope_syscall_arg(regs, in_ia32_syscall()), true);
}

static void fp_exit(struct fprobe *fp, unsigned long ip, unsigned long ret_ip,
		    struct pt_regs *regs, void *data)
{
	event_exit(data, regs_return_value(regs));
}

/*
 * @probe: the fprobe while one is registered (NULL: disarmed); @registered:
 * whether one may be (between brkscope_retprobe_init() and _exit(): the
 * family, and so bind and unbind, outlives them on both sides); @last_join:
 * jiffies of the last join; @missed: calls the fprobes gone had no
 * instance for.  All under @arm_lock, stats' reads included.
 */
static DEFINE_MUTEX(arm_lock);
static struct fprobe *probe;
static bool registered;
static unsigned long last_join;
static unsigned int maxactive;
static u64 missed;

static void arm(void)
{
	const char *syms[ARRAY_SIZE(call_symbols)];
	struct fprobe *fp;
	int ret;

	lockdep_assert_held(&arm_lock);
	if (!registered || probe)
		return;
	fp = kzalloc(sizeof(*fp), GFP_KERNEL);
	if (!fp) {
		pr_warn("no memory for brk(2)'s return probe: events stay off\n");
		return;
	}
	fp->entry_handler = fp_entry;
	fp->exit_handler = fp_exit;
	fp->entry_data_size = sizeof(struct event_data);
	fp->nr_maxactive = maxactive;
	/* A copy: register_fprobe_syms() sorts its array in place. */
	memcpy(syms, call_symbols, sizeof(syms));
	ret = register_fprobe_syms(fp, syms, ARRAY_SIZE(syms));
	if (ret) {
		pr_warn("cannot probe the return of %s (%d): events stay off\n",
			BRKSCOPE_SYSCALL_SYMBOL, ret);
		kfree(fp);
		return;
	}
	probe = fp;
}

static void disarm(void)
{
	struct fprobe *fp = probe;

	lockdep_assert_held(&arm_lock);
	if (!fp)
		return;
	probe = NULL;
	unregister_fprobe(fp);
	/*
	 * A return handler that found the probe's handler set just before it
	 * was cleared runs with preemption disabled: done after a grace
	 * period.  Calls still asleep in brk(2) come back through the
	 * trampoline with no handler.
	 */
	synchronize_rcu();
	missed += fp->nmissed;
	kfree(fp);
}

static void disarm_unheard(struct work_struct *work);
static DECLARE_DELAYED_WORK(disarm_work, disarm_unheard);

/*
 * A second after a subscriber left, unless one has joined since: a joining
 * socket is added to the group only after brkscope_retprobe_join() returns,
 * so "nobody listens" is not to be believed right after a join.
 */
static void disarm_unheard(struct work_struct *work)
{
	mutex_lock(&arm_lock);
	if (registered && probe) {
		if (time_before(jiffies, last_join + HZ))
			mod_delayed_work(system_wq, &disarm_work, HZ);
		else if (!brkscope_netlink_has_listeners())
			disarm();
	}
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_retprobe_join() - a socket is joining the events group
 *
 * Arms the return probe before the socket can receive an event, so that
 * its first event is of the first call it could see.  Process context.
 */
void brkscope_retprobe_join(void)
{
	mutex_lock(&arm_lock);
	last_join = jiffies;
	arm();
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_retprobe_leave() - a socket left the events group, or says it did
 *
 * Any socket of the family can say so, joined or not, so this only asks for
 * a look a second later: the return probe goes then if nobody listens.
 * Process context.
 */
void brkscope_retprobe_leave(void)
{
	mutex_lock(&arm_lock);
	if (registered && probe)
		mod_delayed_work(system_wq, &disarm_work, HZ);
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_retprobe_init() - make the return probe possible
 * @instances: calls in flight it can follow at once
 *
 * Armed at once if somebody subscribed already.
 *
 * Return: 0.
 */
int brkscope_retprobe_init(unsigned int instances)
{
	mutex_lock(&arm_lock);
	maxactive = instances;
	registered = true;
	last_join = jiffies;
	if (brkscope_netlink_has_listeners())
		arm();
	mutex_unlock(&arm_lock);
	return 0;
}

/* Nothing of ours runs after: see disarm(). */
void brkscope_retprobe_exit(void)
{
	mutex_lock(&arm_lock);
	registered = false;
	mutex_unlock(&arm_lock);
	cancel_delayed_work_sync(&disarm_work);
	mutex_lock(&arm_lock);
	disarm();
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_retprobe_missed() - calls the return probe could not follow
 *
 * Return: those that found all its instances in use (calls asleep in
 * brk(2) hold one each), so were not sent; they were counted all the same.
 */
u64 brkscope_retprobe_missed(void)
{
	u64 sum;

	mutex_lock(&arm_lock);
	sum = missed + (probe ? READ_ONCE(probe->nmissed) : 0);
	mutex_unlock(&arm_lock);
	return sum;
}

#else /* !BRKSCOPE_ARM_ON_SUBSCRIBE */

/* The entry handler counts every call, and follows only what to send. */
static int call_enter(struct kretprobe_instance *ri, unsigned long req)
{
	brkscope_count_call(req);
	return !event_enter((struct event_data *)ri->data, req, brkscope_events_wanted());
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

static int call_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	event_exit((struct event_data *)ri->data, regs_return_value(regs));
	return 0;
}

static struct kretprobe call_probe = {
	.kp.symbol_name	= BRKSCOPE_SYSCALL_SYMBOL,
	.entry_handler	= call_entry,
	.handler	= call_return,
	.data_size	= sizeof(struct event_data),
};

#ifdef CONFIG_IA32_EMULATION
static struct kretprobe call_probe_ia32 = {
	.kp.symbol_name	= BRKSCOPE_SYSCALL_IA32_SYMBOL,
	.entry_handler	= call_entry_ia32,
	.handler	= call_return,
	.data_size	= sizeof(struct event_data),
};
#endif

static struct kretprobe *kretprobes[] = {
	&call_probe,
#ifdef CONFIG_IA32_EMULATION
	&call_probe_ia32,
#endif
};

int brkscope_retprobe_init(unsigned int instances)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(kretprobes); i++) {
		kretprobes[i]->maxactive = instances;
		ret = register_kretprobe(kretprobes[i]);
		if (ret) {
			pr_err("cannot probe %s (%d): is it inlined on this kernel?\n",
			       kretprobes[i]->kp.symbol_name, ret);
			unregister_kretprobes(kretprobes, i);
			return ret;
		}
	}
	return 0;
}

/* Return probes pending on sleeping tasks are disarmed. */
void brkscope_retprobe_exit(void)
{
	unregister_kretprobes(kretprobes, ARRAY_SIZE(kretprobes));
}

/*
 * A hit the kprobe layer misses (a probe fired inside another's handler),
 * and a call that found all instances in use: neither counted nor sent.
 */
u64 brkscope_retprobe_missed(void)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(kretprobes); i++)
		sum += kretprobes[i]->nmissed + kretprobes[i]->kp.nmissed;
	return sum;
}

#endif /* BRKSCOPE_ARM_ON_SUBSCRIBE */
