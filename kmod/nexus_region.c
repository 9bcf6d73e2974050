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
 * Dirty tracking.  A child that is OFFLINE receives no writes; each write
 * the nexus accepts meanwhile sets the child's bit for its region, and the
 * rebuild that brings the child back copies only those regions.
 */
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

/* Record that OFFLINE child @c missed a write to @region. */
void nexus_mark_dirty(struct nexus_child *c, unsigned long region)
{
	if (!test_bit(region, c->dirty))
		set_bit(region, c->dirty);
}

int nexus_region_init(struct nexus_dev *nx)
{
	unsigned int i;

	spin_lock_init(&nx->rb_lock);
	init_waitqueue_head(&nx->rb_wait);
	for (i = 0; i < NEXUS_BUCKETS; i++) {
		atomic_set(&nx->pending[i], 0);
		nx->barrier[i] = 0;
	}
	return bioset_init(&nx->split_bs, NEXUS_BUCKETS / 16, 0, 0);
}

void nexus_region_exit(struct nexus_dev *nx)
{
	bioset_exit(&nx->split_bs);
}
