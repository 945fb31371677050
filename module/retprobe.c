// SPDX-License-Identifier: GPL-2.0
/*
 * brk(2)'s return probe: what a call did, for subscribers' events.
 *
 * An entry probe sees the break a call asks for, not what it got; events
 * must say that at once, so while somebody subscribes a return probe on
 * __x64_sys_brk and __ia32_sys_brk sends each call's event as it returns.
 * It is the expensive half (an instance per call in flight, a trampoline on
 * the way out), held for as long as the call sleeps (mmap_lock,
 * userfaultfd), so nobody pays for it while nobody listens: it is
 * registered when a subscriber asks (BRKSCOPE_CMD_ARM) or, from 6.6, as a
 * socket joins the events group (compat.h, BRKSCOPE_ARM_ON_JOIN), before the
 * joining socket can get anything; and unregistered within two seconds of
 * the last subscriber leaving, by a look once a second while it is there
 * (any socket of the family can say it left a group it never joined, so a
 * leave is not to be believed).  It is an fprobe, or a kretprobe where the
 * kernel has no fprobe that fits (compat.h, BRKSCOPE_RETURN_FPROBE).  The
 * counting is probes.c's, at every call, subscribed or not.
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
 * Whether to follow a call to its return, from the wrapper's @regs on
 * entry (__ia32_sys_brk runs only in a 32-bit task's system call).  The
 * probe, registered, means somebody subscribes, or did less than two seconds
 * ago: a call entered while nobody listens is not followed, or its event,
 * queued, would reach a subscriber that joins next, ahead of calls made
 * while the probe was gone (its look found nobody), as if none were missed.
 */
static bool event_enter(struct event_data *d, struct pt_regs *regs)
{
	unsigned long req = brkscope_user_brk(regs_get_kernel_argument(regs, 0),
					      in_ia32_syscall());

	/* brk(0), the "where is my heap?" query, changes nothing. */
	if (!req || !brkscope_events_wanted())
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

static const char *const call_symbols[] = BRKSCOPE_SYSCALL_SYMBOLS;

#if BRKSCOPE_RETURN_FPROBE

static int fp_entry(struct fprobe *fp, unsigned long ip, unsigned long ret_ip,
		    struct pt_regs *regs, void *data)
{
	return !event_enter(data, regs);
}

static void fp_exit(struct fprobe *fp, unsigned long ip, unsigned long ret_ip,
		    struct pt_regs *regs, void *data)
{
	event_exit(data, regs_return_value(regs));
}

struct return_probe {
	struct fprobe fp;
};

static int rp_register(struct return_probe *rp, unsigned int maxactive)
{
	const char *syms[ARRAY_SIZE(call_symbols)];

	rp->fp.entry_handler = fp_entry;
	rp->fp.exit_handler = fp_exit;
	rp->fp.entry_data_size = sizeof(struct event_data);
	rp->fp.nr_maxactive = maxactive;
	/* A copy: register_fprobe_syms() sorts its array in place. */
	memcpy(syms, call_symbols, sizeof(syms));
	return register_fprobe_syms(&rp->fp, syms, ARRAY_SIZE(syms));
}

static void rp_unregister(struct return_probe *rp)
{
	unregister_fprobe(&rp->fp);
}

static u64 rp_missed(const struct return_probe *rp)
{
	return READ_ONCE(rp->fp.nmissed);
}

#else /* !BRKSCOPE_RETURN_FPROBE */

static int kr_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return !event_enter((struct event_data *)ri->data, regs);
}

static int kr_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	event_exit((struct event_data *)ri->data, regs_return_value(regs));
	return 0;
}

/* Fresh ones each time: a kretprobe once registered has its address set. */
struct return_probe {
	struct kretprobe rp[ARRAY_SIZE(call_symbols)];
	struct kretprobe *list[ARRAY_SIZE(call_symbols)];
};

static int rp_register(struct return_probe *rp, unsigned int maxactive)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(call_symbols); i++) {
		rp->rp[i].kp.symbol_name = call_symbols[i];
		rp->rp[i].entry_handler = kr_entry;
		rp->rp[i].handler = kr_return;
		rp->rp[i].data_size = sizeof(struct event_data);
		rp->rp[i].maxactive = maxactive;
		rp->list[i] = &rp->rp[i];
	}
	return register_kretprobes(rp->list, ARRAY_SIZE(rp->list));
}

static void rp_unregister(struct return_probe *rp)
{
	unregister_kretprobes(rp->list, ARRAY_SIZE(rp->list));
}

/* A hit the kprobe layer missed, or a call that found no instance free. */
static u64 rp_missed(const struct return_probe *rp)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(rp->rp); i++)
		sum += READ_ONCE(rp->rp[i].nmissed) + READ_ONCE(rp->rp[i].kp.nmissed);
	return sum;
}

#endif /* BRKSCOPE_RETURN_FPROBE */

/*
 * @probe: the return probe while one is registered (NULL: disarmed);
 * @possible: whether one may be (between brkscope_retprobe_init() and
 * _exit(): the family, and so joins and BRKSCOPE_CMD_ARM, outlive them on
 * both sides); @last_arm: jiffies of the last request; @missed: calls the
 * probes gone could not follow.  All under @arm_lock, stats' reads included.
 */
static DEFINE_MUTEX(arm_lock);
static struct return_probe *probe;
static bool possible;
static unsigned long last_arm;
static unsigned int maxactive;
static u64 missed;

static void disarm_unheard(struct work_struct *work);
static DECLARE_DELAYED_WORK(disarm_work, disarm_unheard);

static int arm(void)
{
	struct return_probe *rp;
	int ret;

	lockdep_assert_held(&arm_lock);
	/*
	 * Not yet possible: brkscope_retprobe_init() arms it for whoever has
	 * joined by then.  No longer: the module is going, nothing is sent.
	 */
	if (!possible || probe)
		return 0;
	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		return -ENOMEM;
	ret = rp_register(rp, maxactive);
	if (ret) {
		pr_warn("cannot probe the return of %s (%d): no brk(2) events\n",
			BRKSCOPE_SYSCALL_SYMBOL, ret);
		kfree(rp);
		return ret;
	}
	probe = rp;
	schedule_delayed_work(&disarm_work, HZ);
	return 0;
}

static void disarm(void)
{
	struct return_probe *rp = probe;

	lockdep_assert_held(&arm_lock);
	if (!rp)
		return;
	probe = NULL;
	rp_unregister(rp);
	/*
	 * A return handler that found the probe's handler set just before it
	 * was cleared runs with preemption disabled: done after a grace
	 * period.  Calls still asleep in brk(2) come back through the
	 * trampoline with no handler.
	 */
	synchronize_rcu();
	missed += rp_missed(rp);
	kfree(rp);
}

/*
 * Once a second while armed.  A socket is added to the group only after
 * the join's bind callback returns, and a subscriber's BRKSCOPE_CMD_ARM may
 * come before its join: "nobody listens" is not to be believed within a
 * second of either.
 */
static void disarm_unheard(struct work_struct *work)
{
	mutex_lock(&arm_lock);
	if (possible && probe) {
		if (time_before(jiffies, last_arm + HZ) || brkscope_netlink_has_listeners())
			schedule_delayed_work(&disarm_work, HZ);
		else
			disarm();
	}
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_retprobe_arm() - somebody subscribes, or is about to
 *
 * Registers the return probe if it is not there, so that every brk(2) call
 * from now on is sent.  Process context.
 *
 * Return: 0, or why there is no return probe.
 */
int brkscope_retprobe_arm(void)
{
	int ret;

	mutex_lock(&arm_lock);
	last_arm = jiffies;
	ret = arm();
	mutex_unlock(&arm_lock);
	return ret;
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
	possible = true;
	last_arm = jiffies;
	if (brkscope_netlink_has_listeners())
		arm();
	mutex_unlock(&arm_lock);
	return 0;
}

/* Nothing of ours runs after: see disarm(). */
void brkscope_retprobe_exit(void)
{
	mutex_lock(&arm_lock);
	possible = false;
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
	sum = missed + (probe ? rp_missed(probe) : 0);
	mutex_unlock(&arm_lock);
	return sum;
}
