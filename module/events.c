// SPDX-License-Identifier: GPL-2.0
/*
 * Heap events for netlink subscribers: queued in probe context, sent from
 * process context, many to a datagram.
 *
 * A probe handler may not sleep or allocate (on PREEMPT_RT not even with
 * GFP_ATOMIC), and building a netlink message does both.  So the probe
 * copies the event into a ring allocated at load time, and a work item
 * sends what is queued.  One ring under one lock keeps events in the order
 * their sequence numbers were given, which is the order the kernel saw
 * them; the lock is taken only while somebody listens.
 *
 * Batching is what makes a storm affordable: the work item runs a tick
 * after the first event queued (at once when the ring is a quarter full),
 * and packs as many event messages into each datagram as fit in
 * NLMSG_GOODSIZE, the most any netlink reader is promised per recv().  A
 * subscriber whose socket is full gets its datagram again a little later,
 * for up to SEND_PATIENCE tries; then its events are dropped, and so are
 * the next datagrams it cannot take, until it takes one.
 *
 * Every event made gets the next sequence number, also one that is then
 * dropped (ring full, or a subscriber's socket full for too long), so a
 * subscriber counts what it missed from the gaps.
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "brkscope.h"
#include "compat.h"
#include "uapi/brkscope.h"

#define SEND_PATIENCE 20	/* tries of 1-2 ms for a full subscriber */

static struct brkscope_event *ring;
static unsigned int ring_size;	/* a power of two */
static unsigned int head, tail;	/* free-running; head - tail queued */
static u64 next_seq;
static DEFINE_RAW_SPINLOCK(ring_lock);
static atomic64_t sent = ATOMIC64_INIT(0);
static atomic64_t dropped = ATOMIC64_INIT(0);

static void send_queued(struct work_struct *work);
static DECLARE_DELAYED_WORK(send_work, send_queued);

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
 * Probe context: no sleeping, no allocation.  The caller has asked
 * brkscope_events_wanted(): a subscriber that left since costs one event
 * queued and sent to nobody.
 */
void brkscope_event_emit(u8 type, u8 source, unsigned long old_brk,
			 unsigned long new_brk, unsigned long len)
{
	struct brkscope_event *ev;
	unsigned int queued;

	raw_spin_lock(&ring_lock);
	next_seq++;
	queued = head - tail;
	if (queued == ring_size) {
		raw_spin_unlock(&ring_lock);
		atomic64_inc(&dropped);
		return;
	}
	ev = &ring[head++ & (ring_size - 1)];
	ev->seq = next_seq;
	ev->time_ns = ktime_get_boottime_ns();
	ev->type = type;
	ev->source = source;
	ev->pid = current->tgid;
	ev->cgroup_id = brkscope_task_cgroup_id(current);
	memcpy(ev->comm, current->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	ev->old_brk = old_brk;
	ev->new_brk = new_brk;
	ev->len = len;
	raw_spin_unlock(&ring_lock);

	/* Timer and pool locks are raw: both calls are fine here. */
	if (!queued)
		queue_delayed_work(system_wq, &send_work, 1);
	else if (queued == ring_size / 4)
		mod_delayed_work(system_wq, &send_work, 0);
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

/**
 * brkscope_call_event() - send what settling counted of a brk(2) call
 * @type: what was counted (enum brkscope_event_type): records.c decides
 * @old:  the break the call started from
 * @req:  the break it asked for
 * @brk:  the break it left
 *
 * Probe context.  The caller has asked brkscope_events_wanted().
 */
void brkscope_call_event(u8 type, unsigned long old, unsigned long req, unsigned long brk)
{
	unsigned long from = PAGE_ALIGN(old), to = PAGE_ALIGN(brk);

	if (type == BRKSCOPE_EVENT_TYPE_GROW_FAILED)
		brkscope_event_emit(type, BRKSCOPE_EVENT_SOURCE_BRK, brk, req,
				    asked_bytes(brk, req));
	else
		brkscope_event_emit(type, BRKSCOPE_EVENT_SOURCE_BRK, old, brk,
				    to > from ? to - from : from - to);
}

/*
 * Fill @skb with the queued events from the oldest on, leaving them queued.
 * They are read in place, without the lock: a probe writes only the slot
 * at head, under the lock, before it moves head on, and a slot between
 * tail and head is written again only after this work item (the only one
 * to move tail) moved tail past it.
 * Return: how many it took.
 */
static unsigned int fill(struct sk_buff *skb)
{
	unsigned int n = 0, queued;

	for (;;) {
		raw_spin_lock(&ring_lock);
		queued = head - tail;
		raw_spin_unlock(&ring_lock);
		if (n == queued)
			return n;
		for (; n < queued; n++)
			if (brkscope_netlink_add_event(skb, &ring[(tail + n) & (ring_size - 1)]))
				return n;
	}
}

static void send_queued(struct work_struct *work)
{
	/* Patience ends with a drop, and comes back with a delivery. */
	static unsigned int tries;
	struct sk_buff *skb;
	unsigned int n;
	int ret;

	for (;;) {
		skb = brkscope_netlink_new_batch();
		if (!skb) {
			/* What is queued waits for the next tick. */
			queue_delayed_work(system_wq, &send_work, 1);
			return;
		}
		n = fill(skb);
		if (!n) {
			kfree_skb(skb);
			return;
		}
		ret = brkscope_netlink_send_batch(skb);
		/*
		 * -ESRCH: nobody got it.  If somebody listens, their sockets
		 * are full: let them read, and send the same events again.
		 */
		if (ret == -ESRCH && brkscope_netlink_has_listeners() &&
		    tries < SEND_PATIENCE) {
			tries++;
			usleep_range(1000, 2000);
			continue;
		}
		if (!ret)
			tries = 0;
		raw_spin_lock(&ring_lock);
		tail += n;
		raw_spin_unlock(&ring_lock);
		if (!ret)
			atomic64_add(n, &sent);
		else if (ret != -ESRCH || brkscope_netlink_has_listeners())
			atomic64_add(n, &dropped);	/* not: the last one left */
		cond_resched();
	}
}

/**
 * brkscope_events_init() - allocate the ring
 * @size: events it holds, a power of two
 *
 * Return: 0 or -ENOMEM.
 */
int brkscope_events_init(unsigned int size)
{
	/* vzalloc(), as the record pool is (records.c says why). */
	ring = vzalloc(array_size(size, sizeof(*ring)));
	if (!ring)
		return -ENOMEM;
	ring_size = size;
	return 0;
}

/* After the probes are gone: nothing queues any more. */
void brkscope_events_exit(void)
{
	cancel_delayed_work_sync(&send_work);
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

u64 brkscope_events_ring_bytes(void)
{
	return (u64)ring_size * sizeof(*ring);
}
