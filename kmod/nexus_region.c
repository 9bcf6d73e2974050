// SPDX-License-Identifier: GPL-2.0
/*
 * Regions: the unit of dirty tracking and of exclusion between rebuild and
 * foreground writes.
 *
 * Exclusion protocol.  The data region is cut into regions of
 * nx->region_size bytes; region r hashes to bucket r % NEXUS_BUCKETS.
 * Every foreground write is split so that it lies within one region, and
 * holds pending[bucket] from submit until its parent completes.  A rebuild
 * copying region r raises barrier[bucket] and then waits for
 * pending[bucket] to drain before it reads the source; writes that arrive
 * while the barrier is up wait in submit until the copy has been written to
 * the target.  So a copy never reads the source while a write to the same
 * region is half done, and no write to the region can be overtaken by the
 * stale copy: the target ends up holding exactly what every other child
 * holds.  (This is md raid1's bucketed barrier, with one region per copy.)
 *
 * The fast path is lock-free: the writer raises pending, then (after a full
 * barrier) looks at barrier; the copier raises barrier, then (after a full
 * barrier) looks at pending.  At least one of them sees the other, and the
 * writer backs off under nx->rb_lock.
 *
 * Ordering of overlapping writes.  The guarantee, as the code keeps it:
 * two writes with data (writes, discards, write-zeroes; not flushes without
 * data) whose sector ranges overlap are never in flight to the children at
 * the same time.  A write is "in flight" from the moment
 * nexus_write_dispatch() enters it in its bucket's @inflight list (after
 * the region barrier and the write-intent bitmap have let it through, with
 * its clones already built) until every one of its clones is accounted for
 * (nexus_write_complete(): each succeeded, or failed and its child has been
 * faulted, or refused a discard/write-zeroes), whether or not it then waits
 * on nx->held or a fixup before being acknowledged.  A write that overlaps
 * one in flight, or one already waiting, sends nothing to any child: it
 * waits on @waiting, its clones built, and is moved to @inflight by the
 * completion of the last write it overlapped and sent by order_work.  So
 * every child receives overlapping writes in one and the same order (the
 * order in which they entered the bucket; waiters that overlap go in
 * arrival order), each only after the previous one completed on every
 * child, and children that applied the same writes hold the same data
 * once the nexus is quiet, however each child orders its own queue, but
 * where a discard went: what it reads back is up to each device.  (md
 * raid1 gives no such promise.)  Non-overlapping writes never wait for
 * one another; the cost of the fast path is one uncontended per-bucket
 * spinlock at dispatch and at completion and a walk of the bucket's short
 * list.  Nothing sleeps in submit for ordering: waiters are deferred, so
 * a task cannot wait for a write of its own still on current->bio_list.
 * A write sent to one child only is not entered (nor ordered against the
 * others): that child orders its own queue, and every child it left out
 * is OFFLINE with the region marked dirty, or out of the mirror, so each
 * gets the region copied from the one that took the write (under the
 * region barrier, after both writes completed) before it serves it again.
 *
 * Dirty tracking.  A child that is OFFLINE receives no writes; each write
 * the nexus accepts meanwhile sets the child's bit for its region, and the
 * rebuild that brings the child back copies those regions, and the ones it
 * may not have flushed before it left (nexus_child_offline_dirty()).
 */
#include <linux/slab.h>
#include <linux/mm.h>

#include "nexus.h"

static unsigned int nexus_bucket(unsigned long region)
{
	return region % NEXUS_BUCKETS;
}

unsigned long nexus_region_of(struct nexus_dev *nx, sector_t sector)
{
	return sector >> (ilog2(nx->region_size) - SECTOR_SHIFT);
}

sector_t nexus_region_sectors(struct nexus_dev *nx)
{
	return nx->region_size >> SECTOR_SHIFT;
}

unsigned long nexus_nr_regions(struct nexus_dev *nx)
{
	return DIV_ROUND_UP_SECTOR_T(nx->sectors, nexus_region_sectors(nx));
}

/**
 * nexus_split_to_region() - the part of @bio that lies in its first region
 * @nx: the nexus
 * @bio: a write with data, a discard or a write-zeroes
 *
 * Return: @bio itself when it lies within one region, else a split-off
 * front part; the rest has been resubmitted.
 */
struct bio *nexus_split_to_region(struct nexus_dev *nx, struct bio *bio)
{
	sector_t rs = nexus_region_sectors(nx);
	sector_t start = bio->bi_iter.bi_sector;
	sector_t room = rs - (start & (rs - 1));
	struct bio *split;

	if (bio_sectors(bio) <= room)
		return bio;
	split = bio_split(bio, room, GFP_NOIO, &nx->split_bs);
	bio_chain(split, bio);
	submit_bio_noacct(bio);
	return split;
}

/* Context: may sleep (submit_bio of the nexus). */
void nexus_write_enter(struct nexus_dev *nx, unsigned long region)
{
	unsigned int b = nexus_bucket(region);

	atomic_inc(&nx->pending[b]);
	/* Pairs with the smp_mb() in nexus_copy_enter(). */
	smp_mb__after_atomic();
	if (likely(!READ_ONCE(nx->barrier[b])))
		return;

	/* A copy of this bucket is under way: step back and wait for it. */
	if (atomic_dec_and_test(&nx->pending[b]))
		wake_up_all(&nx->rb_wait);
	spin_lock_irq(&nx->rb_lock);
	wait_event_lock_irq(nx->rb_wait, !nx->barrier[b], nx->rb_lock);
	atomic_inc(&nx->pending[b]);
	/* As on the fast path: the bitmap's sweep pairs with it too. */
	smp_mb__after_atomic();
	spin_unlock_irq(&nx->rb_lock);
}

/* Context: any (completion). */
void nexus_write_exit(struct nexus_dev *nx, unsigned long region)
{
	unsigned int b = nexus_bucket(region);

	if (atomic_dec_and_test(&nx->pending[b]) &&
	    READ_ONCE(nx->barrier[b]) && wq_has_sleeper(&nx->rb_wait))
		wake_up_all(&nx->rb_wait);
}

/* Does a foreground write hold @region's bucket now? */
bool nexus_region_busy(struct nexus_dev *nx, unsigned long region)
{
	return atomic_read(&nx->pending[nexus_bucket(region)]);
}

/* Raise the barrier of @region's bucket and wait until no write holds it. */
void nexus_copy_enter(struct nexus_dev *nx, unsigned long region)
{
	unsigned int b = nexus_bucket(region);

	spin_lock_irq(&nx->rb_lock);
	WRITE_ONCE(nx->barrier[b], nx->barrier[b] + 1);
	/* Pairs with smp_mb__after_atomic() in nexus_write_enter(). */
	smp_mb();
	wait_event_lock_irq(nx->rb_wait, !atomic_read(&nx->pending[b]),
			    nx->rb_lock);
	spin_unlock_irq(&nx->rb_lock);
}

void nexus_copy_exit(struct nexus_dev *nx, unsigned long region)
{
	unsigned int b = nexus_bucket(region);

	spin_lock_irq(&nx->rb_lock);
	WRITE_ONCE(nx->barrier[b], nx->barrier[b] - 1);
	spin_unlock_irq(&nx->rb_lock);
	wake_up_all(&nx->rb_wait);
}

static bool nexus_io_overlap(const struct nexus_io *a,
			     const struct nexus_io *b)
{
	return a->start < b->end && b->start < a->end;
}

/*
 * Must @io wait: does it overlap a write in flight, or one that waits
 * ahead of it (every waiter when @io waits nowhere yet)?
 */
static bool nexus_order_blocked(struct nexus_order *o, struct nexus_io *io)
{
	struct nexus_io *other;

	list_for_each_entry(other, &o->inflight, order_node)
		if (nexus_io_overlap(io, other))
			return true;
	list_for_each_entry(other, &o->waiting, order_node) {
		if (other == io)
			break;
		if (nexus_io_overlap(io, other))
			return true;
	}
	return false;
}

/**
 * nexus_order_enter() - enter a write in its bucket's ordering
 * @nx: the nexus
 * @io: a write with data, its region, range and clones (@queued) set
 *
 * Context: process (submit_bio, the bitmap worker).
 * Return: true if @io is in flight and may be sent now; false if it waits
 * behind an overlapping write, and nexus_order_exit() will hand it on.
 */
bool nexus_order_enter(struct nexus_dev *nx, struct nexus_io *io)
{
	struct nexus_order *o = &nx->order[nexus_bucket(io->region)];
	bool blocked;

	spin_lock_irq(&o->lock);
	blocked = nexus_order_blocked(o, io);
	list_add_tail(&io->order_node, blocked ? &o->waiting : &o->inflight);
	spin_unlock_irq(&o->lock);
	return !blocked;
}

/**
 * nexus_order_exit() - a write completed on every child
 * @nx: the nexus
 * @io: the write, in flight
 *
 * Waiters that no longer overlap anything in flight or ahead of them go
 * in flight, on @nx->order_ready.
 *
 * Context: any (completion).  Return: true if order_work must send some.
 */
bool nexus_order_exit(struct nexus_dev *nx, struct nexus_io *io)
{
	struct nexus_order *o = &nx->order[nexus_bucket(io->region)];
	struct nexus_io *w, *tmp;
	unsigned long flags;
	bool ready = false;

	spin_lock_irqsave(&o->lock, flags);
	list_del(&io->order_node);
	if (unlikely(!list_empty(&o->waiting))) {
		list_for_each_entry_safe(w, tmp, &o->waiting, order_node) {
			if (nexus_order_blocked(o, w))
				continue;
			list_move_tail(&w->order_node, &o->inflight);
			llist_add(&w->ready_node, &nx->order_ready);
			ready = true;
		}
	}
	spin_unlock_irqrestore(&o->lock, flags);
	return ready;
}

/* Record that OFFLINE child @c missed a write to @region. */
void nexus_mark_dirty(struct nexus_child *c, unsigned long region)
{
	if (!test_bit(region, c->dirty))
		set_bit(region, c->dirty);
}

int nexus_region_init(struct nexus_dev *nx)
{
	unsigned int i;

	int ret;

	spin_lock_init(&nx->rb_lock);
	init_waitqueue_head(&nx->rb_wait);
	nx->order = kvcalloc(NEXUS_BUCKETS, sizeof(*nx->order), GFP_KERNEL);
	if (!nx->order)
		return -ENOMEM;
	for (i = 0; i < NEXUS_BUCKETS; i++) {
		atomic_set(&nx->pending[i], 0);
		nx->barrier[i] = 0;
		spin_lock_init(&nx->order[i].lock);
		INIT_LIST_HEAD(&nx->order[i].inflight);
		INIT_LIST_HEAD(&nx->order[i].waiting);
	}
	init_llist_head(&nx->order_ready);
	ret = bioset_init(&nx->split_bs, NEXUS_BUCKETS / 16, 0, 0);
	if (ret) {
		kvfree(nx->order);
		nx->order = NULL;
	}
	return ret;
}

void nexus_region_exit(struct nexus_dev *nx)
{
	bioset_exit(&nx->split_bs);
	kvfree(nx->order);
	nx->order = NULL;
}
