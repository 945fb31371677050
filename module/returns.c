// SPDX-License-Identifier: GPL-2.0
/*
 * brk(2)'s return: what a call did, for subscribers' events.
 *
 * The callback on brk(2)'s way in (probes.c) sees the break a call asks
 * for, not what it got; events must say that at once.  So while somebody
 * subscribes, a probe on the sys_exit tracepoint settles each brk(2) call
 * as it returns (records.c) and sends what it did: an event for what the
 * counters count, no more, no less.
 *
 * Not a return probe (kretprobe, fprobe), which earlier versions used:
 * each call in flight holds one of a pool of instances, which a local user
 * who parks threads in brk(2) can exhaust, and the probe makes a second
 * ftrace user of __x64_sys_brk beside the counting callback, which sends
 * every call through ftrace's list function: a monitored brk storm cost 11
 * points more that way (6.12, fprobe against this, in one boot).  The
 * tracepoint's price is elsewhere: while it is registered every system
 * call of every task takes the kernel's slow path in and out
 * (SYSCALL_WORK_SYSCALL_TRACEPOINT, set on each task), and the probe
 * returns at once for all but brk(2).
 *
 * So nobody pays for it while nobody listens: it is registered when a
 * subscriber asks (BRKSCOPE_CMD_ARM) or, from 6.6, as a socket joins the
 * events group (compat.h, BRKSCOPE_ARM_ON_JOIN), before the joining socket
 * can get anything; and unregistered within two seconds of the last
 * subscriber leaving, by a look once a second while it is there (any
 * socket of the family can say it left a group it never joined, so a leave
 * is not to be believed).
 */

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "brkscope.h"
#include "compat.h"

/*
 * Every system call of every task comes here while the probe is
 * registered: all but brk(2) return at once.  A call killed waiting for
 * mmap_lock returns -EINTR having changed nothing: its next call settles
 * it.
 */
static void sys_exit_probe(void *data, struct pt_regs *regs, long ret)
{
	if (brkscope_is_brk_syscall(regs) && !IS_ERR_VALUE(ret))
		brkscope_record_return(current->mm, ret);
}

static void find_sys_exit(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, BRKSCOPE_RETURN_TRACEPOINT))
		*(struct tracepoint **)priv = tp;
}

/*
 * @sys_exit: the tracepoint, found at init; @armed: whether our probe is on
 * it; @possible: whether it may be (between brkscope_returns_init() and
 * _exit(): the family, and so joins and BRKSCOPE_CMD_ARM, outlive them on
 * both sides); @last_arm: jiffies of the last request.  All under
 * @arm_lock.
 */
static DEFINE_MUTEX(arm_lock);
static struct tracepoint *sys_exit;
static bool armed;
static bool possible;
static unsigned long last_arm;

static void disarm_unheard(struct work_struct *work);
static DECLARE_DELAYED_WORK(disarm_work, disarm_unheard);

static int arm(void)
{
	int ret;

	lockdep_assert_held(&arm_lock);
	/*
	 * Not yet possible: brkscope_returns_init() arms it for whoever has
	 * joined by then.  No longer: the module is going, nothing is sent.
	 */
	if (!possible || armed)
		return 0;
	ret = tracepoint_probe_register(sys_exit, sys_exit_probe, NULL);
	if (ret) {
		pr_warn("cannot probe the %s tracepoint (%d): no brk(2) events\n",
			BRKSCOPE_RETURN_TRACEPOINT, ret);
		return ret;
	}
	armed = true;
	schedule_delayed_work(&disarm_work, HZ);
	return 0;
}

/*
 * Returns once no probe of ours runs.  A call in flight then settles at the
 * process's next call, as with nobody subscribed.
 */
static void disarm(void)
{
	lockdep_assert_held(&arm_lock);
	if (!armed)
		return;
	armed = false;
	tracepoint_probe_unregister(sys_exit, sys_exit_probe, NULL);
	tracepoint_synchronize_unregister();
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
	if (possible && armed) {
		if (time_before(jiffies, last_arm + HZ) || brkscope_netlink_has_listeners())
			schedule_delayed_work(&disarm_work, HZ);
		else
			disarm();
	}
	mutex_unlock(&arm_lock);
}

/**
 * brkscope_returns_arm() - somebody subscribes, or is about to
 *
 * Registers the probe on brk(2)'s return if it is not there, so that every
 * brk(2) call that returns from now on is sent.  Process context.
 *
 * Return: 0, or why there is no probe.
 */
int brkscope_returns_arm(void)
{
	int ret;

	mutex_lock(&arm_lock);
	last_arm = jiffies;
	ret = arm();
	mutex_unlock(&arm_lock);
	return ret;
}

/**
 * brkscope_returns_init() - make the probe on brk(2)'s return possible
 *
 * Armed at once if somebody subscribed already.
 *
 * Return: 0, or -ENOENT if the kernel has no sys_exit tracepoint.
 */
int brkscope_returns_init(void)
{
	for_each_kernel_tracepoint(find_sys_exit, &sys_exit);
	if (!sys_exit) {
		pr_err("no %s tracepoint: brk(2) events need it\n",
		       BRKSCOPE_RETURN_TRACEPOINT);
		return -ENOENT;
	}
	mutex_lock(&arm_lock);
	possible = true;
	last_arm = jiffies;
	if (brkscope_netlink_has_listeners())
		arm();
	mutex_unlock(&arm_lock);
	return 0;
}

/* Nothing of ours runs after: see disarm(). */
void brkscope_returns_exit(void)
{
	mutex_lock(&arm_lock);
	possible = false;
	mutex_unlock(&arm_lock);
	cancel_delayed_work_sync(&disarm_work);
	mutex_lock(&arm_lock);
	disarm();
	mutex_unlock(&arm_lock);
}
