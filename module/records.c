// SPDX-License-Identifier: GPL-2.0
/*
 * Per-mm records: a fixed pool allocated at load time and a hash table keyed
 * by the mm_struct pointer and the mm's life (compat.h: a pointer alone can
 * be reused by the next mm allocated at that address).
 *
 * Probe handlers run with preemption disabled, and on PREEMPT_RT neither a
 * spinlock_t nor the slab allocator may be used there.  So records come from
 * a pool sized by the max_records parameter, and every lock is a raw
 * spinlock held for a few dozen instructions.  A record never leaves its
 * bucket lock's protection: readers copy it out (brkscope_row) and work on
 * the copy, so a record can go back to the pool the moment it is unhashed.
 *
 * While nobody subscribes the probes see a brk(2) call only on its way in
 * (Documentation/design.rst, "Settling"): a record keeps the last call
 * open, and its outcome is read from the live mm->brk when it is settled:
 * at the process's next brk(2) call (a reader's copy settles a call that
 * moved the break as asked).  While somebody subscribes, the call's return
 * settles it (returns.c).
 */

#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "brkscope.h"
#include "compat.h"
#include "uapi/brkscope.h"

/*
 * 120 bytes on x86-64, and a bucket (16) per four to eight records: at most
 * 124 per mm.  Chains are singly linked: they are a few records long, and
 * the one removal walks its chain anyway.
 * @call_tid, @call_old, @call_req, @call_ns: the open call: the thread that
 * made it (0: none open), the break it started from, the one it asked for,
 * and when.
 */
struct brkscope_record {
	struct brkscope_record *next;
	const struct mm_struct *mm;
	u64 life;
	pid_t tgid;
	pid_t call_tid;
	unsigned long call_old;
	unsigned long call_req;
	u64 call_ns;
	struct brkscope_counters c;
};

struct brkscope_bucket {
	raw_spinlock_t lock;
	struct brkscope_record *head;
};

/* One bucket per four to eight records: a chain stays a few records long. */
static struct brkscope_bucket *buckets;
static unsigned int hash_bits;

/* The pool: free records are chained through ->next. */
static struct brkscope_record *pool;
static struct brkscope_record *pool_free;
static DEFINE_RAW_SPINLOCK(pool_lock);
static unsigned int pool_size;
static unsigned int pool_used;
static atomic64_t dropped = ATOMIC64_INIT(0);
static atomic64_t stale = ATOMIC64_INIT(0);

/*
 * The coarse boot-time clock, as a CPU last read it, and in which jiffy:
 * within one jiffy a call takes the time from here, which costs a few
 * loads where the timekeeping call costs some 25 instructions of the
 * hundred or so a call's record costs.
 */
struct call_clock {
	unsigned long jiffies;
	u64 ns;
};

static DEFINE_PER_CPU(struct call_clock, call_clock);

/*
 * Now to the tick, with preemption disabled.  The coarse clock moves when
 * the timekeeping CPU updates it, just after it advances jiffies, so a CPU
 * that reads in between keeps the previous tick's time for this jiffy: a
 * stamp is at most two ticks behind, and never ahead or out of order on a
 * CPU.
 */
static u64 call_time(void)
{
	struct call_clock *clk = this_cpu_ptr(&call_clock);
	unsigned long now = READ_ONCE(jiffies);

	if (clk->jiffies != now || !clk->ns) {
		clk->ns = ktime_get_coarse_boottime_ns();
		clk->jiffies = now;
	}
	return clk->ns;
}

static struct brkscope_bucket *bucket_of(const struct mm_struct *mm)
{
	return &buckets[hash_ptr(mm, hash_bits)];
}

/*
 * The record of @mm, whatever its life, with the bucket locked.  A record
 * whose life differs belongs to an mm that died at this address unseen (its
 * exit_mmap probe missed): the caller must not read it as @mm's.
 */
static struct brkscope_record *find(struct brkscope_bucket *b,
				    const struct mm_struct *mm)
{
	struct brkscope_record *rec;

	for (rec = b->head; rec; rec = rec->next)
		if (rec->mm == mm)
			return rec;
	return NULL;
}

/* find(), but only a record of this life of @mm. */
static struct brkscope_record *find_live(struct brkscope_bucket *b,
					 const struct mm_struct *mm, u64 life)
{
	struct brkscope_record *rec = find(b, mm);

	return rec && rec->life == life ? rec : NULL;
}

static struct brkscope_record *pool_get(void)
{
	struct brkscope_record *rec = NULL;

	raw_spin_lock(&pool_lock);
	if (pool_free) {
		rec = pool_free;
		pool_free = rec->next;
		pool_used++;
	}
	raw_spin_unlock(&pool_lock);
	return rec;
}

static void pool_put(struct brkscope_record *rec)
{
	raw_spin_lock(&pool_lock);
	rec->next = pool_free;
	pool_free = rec;
	pool_used--;
	raw_spin_unlock(&pool_lock);
}

/**
 * brkscope_records_init() - allocate the pool and empty the table
 * @limit: how many mms can be tracked at once
 *
 * Return: 0 or -ENOMEM.
 */
int brkscope_records_init(unsigned int limit)
{
	unsigned int i;

	/* The memory budget: Documentation/design.rst, "Records". */
	BUILD_BUG_ON(sizeof(struct brkscope_record) > 120);
	/*
	 * One bucket per four to eight records, so that the table adds at
	 * most 4 bytes per record; at least 16 buckets: hash_ptr() needs a
	 * nonzero number of bits.  Chains are that long only when the pool
	 * is full: a machine uses a fraction of max_records.
	 */
	hash_bits = max(ilog2(limit) - 2, 4);

	/*
	 * vzalloc(), not kvcalloc(): whether kvcalloc() falls back to vmalloc
	 * depends on fragmentation at load time, and only vmalloc areas show
	 * in /proc/vmallocinfo, where the memory test and an administrator see
	 * what the module holds.  Not vcalloc() either: it records its own
	 * caller in the kernel, vzalloc() records ours.
	 */
	pool = vzalloc(array_size(limit, sizeof(*pool)));
	buckets = vzalloc(array_size(1U << hash_bits, sizeof(*buckets)));
	if (!pool || !buckets) {
		vfree(pool);
		vfree(buckets);
		pool = NULL;
		buckets = NULL;
		return -ENOMEM;
	}
	pool_size = limit;
	for (i = 0; i < limit; i++) {
		pool[i].next = pool_free;
		pool_free = &pool[i];
	}
	for (i = 0; i < 1U << hash_bits; i++)
		raw_spin_lock_init(&buckets[i].lock);
	return 0;
}

/* Only after the probes are gone: nothing can reach the table any more. */
void brkscope_records_exit(void)
{
	pool_free = NULL;
	vfree(buckets);
	buckets = NULL;
	vfree(pool);
	pool = NULL;
}

/*
 * The record names the process that owns the mm, not the task that moved
 * its break: a vfork child growing its parent's heap must not take the
 * parent's record with it when it exits.
 */
static void set_owner(struct brkscope_record *rec, struct mm_struct *mm)
{
	struct task_struct *owner;

	rcu_read_lock();
	owner = brkscope_mm_owner(mm);
	rec->tgid = owner->tgid;
	rcu_read_unlock();
}

/*
 * Count @rec's open call into @c (the record's counters, or a reader's copy
 * of them) from @brk, the mm's break now, or what the call returned.  A call
 * that left the break where it asked is done and counted: a growth or a
 * shrink by the pages between the breaks, and a new peak.  Any other break
 * means the call failed, or has not reached its change yet: only @done (the
 * call returned, or its thread has since made another) tells them apart.  A
 * failure counts only if it asked for more.  The call stays open: closing
 * it is the caller's.
 *
 * Return: what was counted, as the event that says it (enum
 * brkscope_event_type), or 0: nothing.
 */
static __always_inline u8 settle(const struct brkscope_record *rec,
				 struct brkscope_counters *c, unsigned long brk, bool done)
{
	unsigned long from, to;
	u8 counted = 0;

	if (unlikely(brk != rec->call_req)) {
		if (!done || rec->call_req < brk)
			return 0;
		c->failed_grows++;
		c->last_change_ns = rec->call_ns;
		return BRKSCOPE_EVENT_TYPE_GROW_FAILED;
	}
	from = PAGE_ALIGN(rec->call_old);
	to = PAGE_ALIGN(brk);
	if (to > from) {
		c->grows++;
		c->grown_bytes += to - from;
		c->last_change_ns = rec->call_ns;
		counted = BRKSCOPE_EVENT_TYPE_GROW;
	} else if (to < from) {
		c->shrinks++;
		c->shrunk_bytes += from - to;
		c->last_change_ns = rec->call_ns;
		counted = BRKSCOPE_EVENT_TYPE_SHRINK;
	}
	if (brk > c->peak_brk)
		c->peak_brk = brk;
	return counted;
}

/*
 * Settle and close @rec's open call, and send subscribers its event: what
 * it counted, no more, no less.  The two places a call's event comes from
 * meet here: its return (@done), and a brk(2) call of another thread that
 * finds it done as asked ahead of its return (which will not find it open).
 * One that is not may still be on its way: it goes uncounted, and unsent.
 * Under the bucket lock: the event ring's lock nests inside it, and is
 * never held while a bucket's is taken.  Out of line: rare on the way in.
 */
static noinline void settle_and_send(struct brkscope_record *rec, unsigned long brk,
				     bool done)
{
	u8 counted = settle(rec, &rec->c, brk, done);

	if (counted && brkscope_events_wanted())
		brkscope_call_event(counted, rec->call_old, rec->call_req, brk);
	rec->call_tid = 0;
}

/**
 * brkscope_record_call() - a brk(2) call of current's on its way in
 * @mm:  current->mm
 * @req: the break it asks for; 0 only asks where the break is
 *
 * Settles the process's previous call from the break it left, then opens
 * this one, creating the record if need be (brk(0) opens nothing and creates
 * no record).  A previous call of another thread goes to settle_and_send().
 * A record left by an earlier mm at the same address starts over and is
 * counted as stale.  When the pool is empty the call goes uncounted, and is
 * counted in records_dropped.  The call's thread's cgroup becomes the
 * record's.  Probe context: never sleeps, never allocates.
 */
void brkscope_record_call(struct mm_struct *mm, unsigned long req)
{
	struct brkscope_bucket *b = bucket_of(mm);
	u64 life = brkscope_mm_life(mm);
	struct brkscope_record *rec;
	unsigned long brk;

	raw_spin_lock(&b->lock);
	/*
	 * Under the lock: a thread that settled a call from a newer break
	 * has let go of the lock before we read it.
	 */
	brk = READ_ONCE(mm->brk);
	rec = find(b, mm);
	if (rec && rec->life != life) {
		atomic64_inc(&stale);
		memset(&rec->c, 0, sizeof(rec->c));
		rec->call_tid = 0;
		rec->life = life;
		set_owner(rec, mm);
	}
	if (rec && rec->call_tid) {
		if (likely(rec->call_tid == current->pid)) {
			settle(rec, &rec->c, brk, true);
			rec->call_tid = 0;
		} else {
			settle_and_send(rec, brk, false);
		}
	}
	if (!req)
		goto out;
	if (!rec) {
		rec = pool_get();
		if (!rec) {
			atomic64_inc(&dropped);
			goto out;
		}
		memset(rec, 0, sizeof(*rec));
		rec->mm = mm;
		rec->life = life;
		set_owner(rec, mm);
		rec->next = b->head;
		b->head = rec;
	}
	rec->call_tid = current->pid;
	rec->call_old = brk;
	rec->call_req = req;
	rec->c.cgroup_id = brkscope_task_cgroup_id(current);
	/*
	 * To the tick: reading the clocksource costs 2 to 3 points of a brk
	 * storm, more than all the rest of this function.
	 */
	rec->call_ns = call_time();
out:
	raw_spin_unlock(&b->lock);
}

/**
 * brkscope_record_return() - current's brk(2) call returns
 * @mm:  current->mm
 * @ret: what it returns: the break it asked for, or, failed, the old one
 *
 * Settles the call, and sends its event, if it is still the record's open
 * one: it is not if the process has no record (brk(0), or the pool was
 * empty), or if another thread's call came in since (which settled it, or
 * left it uncounted).
 */
void brkscope_record_return(struct mm_struct *mm, unsigned long ret)
{
	struct brkscope_bucket *b = bucket_of(mm);
	struct brkscope_record *rec;

	raw_spin_lock(&b->lock);
	rec = find_live(b, mm, brkscope_mm_life(mm));
	if (rec && rec->call_tid == current->pid)
		settle_and_send(rec, ret, true);
	raw_spin_unlock(&b->lock);
}

/**
 * brkscope_record_forget() - drop @mm's record as its address space dies
 * @mm: the mm entering exit_mmap()
 *
 * After this, the mm pointer may be freed and reused: a new mm at the same
 * address starts with no history.  A record of an earlier life at this
 * address goes too (counted as stale): its mm is long gone.
 */
void brkscope_record_forget(struct mm_struct *mm)
{
	struct brkscope_bucket *b = bucket_of(mm);
	struct brkscope_record *rec, **link;

	raw_spin_lock(&b->lock);
	for (link = &b->head; (rec = *link); link = &rec->next)
		if (rec->mm == mm)
			break;
	if (rec) {
		if (rec->life != brkscope_mm_life(mm))
			atomic64_inc(&stale);
		*link = rec->next;
	}
	raw_spin_unlock(&b->lock);
	if (rec)
		pool_put(rec);
}

/**
 * brkscope_record_lookup() - copy @mm's counters, its open call settled
 * @mm:  the address space (the caller holds a reference)
 * @brk: @mm's break, read now
 * @out: where to copy them; zeroed when @mm has no record of this life
 *
 * An open call that left the break where it asked is counted in the copy;
 * the record keeps it open for its return or the process's next call to
 * settle (one that did not may still be on its way).
 *
 * Return: true if @mm has a record.
 */
bool brkscope_record_lookup(struct mm_struct *mm, unsigned long brk,
			    struct brkscope_counters *out)
{
	struct brkscope_bucket *b = bucket_of(mm);
	struct brkscope_record *rec;

	raw_spin_lock(&b->lock);
	rec = find_live(b, mm, brkscope_mm_life(mm));
	if (rec) {
		/* A copy: the call's return settles it, and sends its event. */
		*out = rec->c;
		if (rec->call_tid)
			settle(rec, out, brk, false);
	} else {
		memset(out, 0, sizeof(*out));
	}
	raw_spin_unlock(&b->lock);
	return rec;
}

/**
 * brkscope_records_snapshot() - list up to @max records' keys in @rows
 * @rows: destination
 * @max:  its capacity
 *
 * Each bucket is read under its own lock: a record created or freed during
 * the walk may or may not appear.  The counters are for
 * brkscope_record_lookup() to give, with the mm in hand.
 *
 * Return: the number of rows written.
 */
size_t brkscope_records_snapshot(struct brkscope_row *rows, size_t max)
{
	struct brkscope_record *rec;
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < 1U << hash_bits && n < max; i++) {
		raw_spin_lock(&buckets[i].lock);
		for (rec = buckets[i].head; rec; rec = rec->next) {
			if (n == max)
				break;
			rows[n].mm = rec->mm;
			rows[n].life = rec->life;
			rows[n].tgid = rec->tgid;
			n++;
		}
		raw_spin_unlock(&buckets[i].lock);
		cond_resched();
	}
	return n;
}

unsigned int brkscope_records_in_use(void)
{
	return READ_ONCE(pool_used);
}

unsigned int brkscope_records_limit(void)
{
	return pool_size;
}

u64 brkscope_records_dropped(void)
{
	return atomic64_read(&dropped);
}

/* Records found left by an mm that died unseen (exit_mmap probe missed). */
u64 brkscope_records_stale(void)
{
	return atomic64_read(&stale);
}

/* What the pool and the table hold, allocated at load time. */
u64 brkscope_records_pool_bytes(void)
{
	return (u64)pool_size * sizeof(*pool);
}

u64 brkscope_records_table_bytes(void)
{
	return (u64)sizeof(*buckets) << hash_bits;
}
