// SPDX-License-Identifier: GPL-2.0
/*
 * Heap events for netlink subscribers: queued in probe context, sent from
 * process context.
 *
 * A probe handler may not sleep or allocate (on PREEMPT_RT not even with
 * GFP_ATOMIC), and building a netlink message does both.  So the probe
 * copies the event into a ring allocated at load time and kicks a work item
 * that sends everything queued.  One ring under one lock keeps events in the
 * order their sequence numbers were given, which is the order the kernel
 * saw them; the lock is taken only while somebody listens.
 *
 * Every event made gets the next sequence number, also one that is then
 * dropped (ring full, or a subscriber's socket full), so a subscriber
 * counts what it missed from the gaps.
 */

#include <linux/atomic.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "brkscope.h"

#define RING_SIZE 1024	/* a power of two; ~100 KiB */

static struct brkscope_event *ring;
static unsigned int head, tail;	/* free-running; head - tail queued */
static u64 next_seq;
static DEFINE_RAW_SPINLOCK(ring_lock);
static atomic64_t sent = ATOMIC64_INIT(0);
static atomic64_t dropped = ATOMIC64_INIT(0);

static void send_queued(struct work_struct *work);
static DECLARE_WORK(send_work, send_queued);

/**
 * brkscope_events_wanted() - is anybody subscribed?
 *
 * Probes ask before doing any work for an event.
 */
bool brkscope_events_wanted(void)
{
	return brkscope_netlink_has_listeners();
}

/**
 * brkscope_event_emit() - queue one event of the current task
 * @type:    enum brkscope_event_type
 * @source:  enum brkscope_event_source
 * @old_brk: break before
 * @new_brk: break after (for a failed growth, the break asked for)
 * @len:     page-aligned bytes mapped, unmapped, or asked for
 *
 * Probe context: no sleeping, no allocation.  Does nothing without
 * subscribers.
 */
void brkscope_event_emit(u8 type, u8 source, unsigned long old_brk,
			 unsigned long new_brk, unsigned long len)
{
	struct brkscope_event *ev;

	if (!brkscope_events_wanted())
		return;

	raw_spin_lock(&ring_lock);
	next_seq++;
	if (head - tail == RING_SIZE) {
		raw_spin_unlock(&ring_lock);
		atomic64_inc(&dropped);
		return;
	}
	ev = &ring[head++ & (RING_SIZE - 1)];
	ev->seq = next_seq;
	ev->time_ns = ktime_get_boottime_ns();
	ev->type = type;
	ev->source = source;
	ev->pid = current->tgid;
	memcpy(ev->comm, current->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	ev->old_brk = old_brk;
	ev->new_brk = new_brk;
	ev->len = len;
	raw_spin_unlock(&ring_lock);

	/* Cheap when already pending; the pool lock is raw, fine here. */
	queue_work(system_wq, &send_work);
}

static void send_queued(struct work_struct *work)
{
	struct brkscope_event ev;
	int ret;

	for (;;) {
		raw_spin_lock(&ring_lock);
		if (head == tail) {
			raw_spin_unlock(&ring_lock);
			return;
		}
		ev = ring[tail++ & (RING_SIZE - 1)];
		raw_spin_unlock(&ring_lock);

		ret = brkscope_netlink_send_event(&ev);
		if (!ret)
			atomic64_inc(&sent);
		else if (ret != -ESRCH || brkscope_netlink_has_listeners())
			atomic64_inc(&dropped);	/* not: the last subscriber left */
		cond_resched();
	}
}

int brkscope_events_init(void)
{
	BUILD_BUG_ON(!is_power_of_2(RING_SIZE));
	/* vzalloc(), as the record pool is (records.c says why). */
	ring = vzalloc(array_size(RING_SIZE, sizeof(*ring)));
	return ring ? 0 : -ENOMEM;
}

/* After the probes are gone: nothing queues any more. */
void brkscope_events_exit(void)
{
	cancel_work_sync(&send_work);
	vfree(ring);
	ring = NULL;
}

u64 brkscope_events_sent(void)
{
	return atomic64_read(&sent);
}

u64 brkscope_events_dropped(void)
{
	return atomic64_read(&dropped);
}
