// SPDX-License-Identifier: GPL-2.0
/*
 * Rebuild: bring an OUT_OF_SYNC child back in sync while IO continues.
 *
 * The child receives every new write from the moment it joins (it is
 * writable), and its dirty bitmap says which regions still hold stale data:
 * all of them after an add, only those written meanwhile after an offline.
 * One work item per rebuilding child walks the set bits; for each region it
 * raises the region's barrier (nexus_region.c), copies the region from an
 * ONLINE source in chunks, several in flight, clears the bit and drops the
 * barrier.  When no bit is left it flushes the child and makes it ONLINE.
 *
 * A source that fails is faulted and the region is copied again from another
 * ONLINE child; with none left, or when the target fails, the rebuild fails
 * and the target is faulted.  An incompletely copied child never becomes
 * ONLINE: only the worker makes that transition, and only from REBUILDING.
 *
 * Foreground IO comes first: while it is about, the worker copies one chunk
 * at a time and pauses after each region (nexus_rebuild_yield()).
 *
 * Stop, pause and resume are requests the worker reads between chunks.  The
 * worker never takes the configuration locks: the netlink handlers hold the
 * nexus's cfg_lock while they wait for a stopping worker.  c->rebuild is
 * replaced under cfg_lock and read by replies and events under RCU.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/sched/mm.h>

#include "nexus.h"

static unsigned int rebuild_rate_mib;
module_param(rebuild_rate_mib, uint, 0644);
MODULE_PARM_DESC(rebuild_rate_mib,
		 "default rebuild rate limit per child in MiB/s, 0 = unlimited");

static unsigned int rebuild_depth = 8;
module_param(rebuild_depth, uint, 0644);
MODULE_PARM_DESC(rebuild_depth, "copy IOs in flight per rebuild (1-32)");

static unsigned int rebuild_chunk_kib = 256;
module_param(rebuild_chunk_kib, uint, 0644);
MODULE_PARM_DESC(rebuild_chunk_kib, "size of one copy IO in KiB (4-1024)");

static unsigned int rebuild_fg_busy_pct = 50;
module_param(rebuild_fg_busy_pct, uint, 0644);
MODULE_PARM_DESC(rebuild_fg_busy_pct,
		 "share of time a rebuild may copy while foreground IO is about (1-100 %)");

static struct workqueue_struct *nexus_rebuild_wq;

#define NEXUS_RB_MAX_DEPTH	32
#define NEXUS_RB_MAX_CHUNK	(1024U << 10)
#define NEXUS_RB_CHUNK_PAGES	(NEXUS_RB_MAX_CHUNK >> PAGE_SHIFT)
/* Foreground IO seen this recently makes the rebuild step aside. */
#define NEXUS_RB_FG_WINDOW	(HZ / 50)
/* The longest a rebuild steps aside after one region. */
#define NEXUS_RB_MAX_YIELD_NS	(100 * NSEC_PER_MSEC)

/* One copy IO: a bio over its own pages, read from source then written. */
struct nexus_copy_slot {
	struct nexus_rebuild *rb;
	struct bio bio;
	struct bio_vec bvecs[NEXUS_RB_CHUNK_PAGES];
	struct page *pages[NEXUS_RB_CHUNK_PAGES];
	blk_status_t status;
};

struct nexus_rebuild {
	struct nexus_child *target;
	struct work_struct work;
	wait_queue_head_t wait;		/* pause, stop, copy completions */
	atomic_t copies_in_flight;
	unsigned long rate_base_jiffies;	/* rate limit: since when */
	u64 rate_base_done;		/* rate limit: bytes done by then */
	unsigned long last_event;	/* jiffies of the last progress event */
	u64 rate_window_bytes;		/* for the rate shown in progress */
	unsigned long rate_window_start;

	/* Written by the worker, read by netlink without a lock. */
	enum nexus_rebuild_state state;
	u64 done;			/* bytes copied */
	u64 total;			/* bytes to copy when it started */
	u64 rate;			/* bytes/s over the last second */
	unsigned int source_slot;

	/* Requests, read by the worker between chunks. */
	bool stop;
	bool pause;

	unsigned int nr_slots;
	struct nexus_copy_slot *slots[NEXUS_RB_MAX_DEPTH];
};

static unsigned int nexus_rb_depth(void)
{
	return clamp(READ_ONCE(rebuild_depth), 1U, (unsigned int)NEXUS_RB_MAX_DEPTH);
}

static unsigned int nexus_rb_chunk(void)
{
	unsigned int kib = clamp(READ_ONCE(rebuild_chunk_kib), 4U,
				 NEXUS_RB_MAX_CHUNK >> 10);

	return round_down(kib << 10, PAGE_SIZE);
}

static void nexus_slot_free(struct nexus_copy_slot *slot)
{
	unsigned int i;

	for (i = 0; i < NEXUS_RB_CHUNK_PAGES; i++)
		if (slot->pages[i])
			__free_page(slot->pages[i]);
	kfree(slot);
}

static struct nexus_copy_slot *nexus_slot_alloc(struct nexus_rebuild *rb)
{
	struct nexus_copy_slot *slot;
	unsigned int i;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return NULL;
	slot->rb = rb;
	for (i = 0; i < NEXUS_RB_CHUNK_PAGES; i++) {
		slot->pages[i] = alloc_page(GFP_KERNEL);
		if (!slot->pages[i]) {
			nexus_slot_free(slot);
			return NULL;
		}
	}
	return slot;
}

static void nexus_rebuild_free(struct nexus_rebuild *rb)
{
	unsigned int i;

	for (i = 0; i < rb->nr_slots; i++)
		nexus_slot_free(rb->slots[i]);
	kfree(rb);
}

static void nexus_copy_endio(struct bio *bio)
{
	struct nexus_copy_slot *slot = container_of(bio, struct nexus_copy_slot, bio);
	struct nexus_rebuild *rb = slot->rb;

	slot->status = bio->bi_status;
	if (atomic_dec_and_test(&rb->copies_in_flight))
		wake_up_all(&rb->wait);
}

static void nexus_copy_submit(struct nexus_copy_slot *slot,
			      struct block_device *bdev, blk_opf_t opf,
			      sector_t sector, unsigned int bytes)
{
	unsigned int i;

	bio_init(&slot->bio, bdev, slot->bvecs, NEXUS_RB_CHUNK_PAGES, opf);
	slot->bio.bi_iter.bi_sector = sector;
	slot->bio.bi_end_io = nexus_copy_endio;
	slot->status = BLK_STS_OK;
	for (i = 0; bytes; i++) {
		unsigned int len = min_t(unsigned int, bytes, PAGE_SIZE);

		__bio_add_page(&slot->bio, slot->pages[i], len, 0);
		bytes -= len;
	}
	atomic_inc(&slot->rb->copies_in_flight);
	submit_bio(&slot->bio);
}

/* Submit one chunk per slot starting at @sector; wait; first error. */
static blk_status_t nexus_copy_batch(struct nexus_rebuild *rb,
				     struct block_device *bdev, blk_opf_t opf,
				     sector_t sector, sector_t end,
				     unsigned int depth, unsigned int chunk)
{
	blk_status_t status = BLK_STS_OK;
	unsigned int i;

	for (i = 0; i < depth && sector < end; i++) {
		unsigned int bytes = min_t(u64, chunk,
					   (u64)(end - sector) << SECTOR_SHIFT);

		nexus_copy_submit(rb->slots[i], bdev, opf, sector, bytes);
		sector += bytes >> SECTOR_SHIFT;
	}
	wait_event(rb->wait, !atomic_read(&rb->copies_in_flight));
	while (i--) {
		if (rb->slots[i]->status && !status)
			status = rb->slots[i]->status;
		bio_uninit(&rb->slots[i]->bio);
	}
	return status;
}

/* An ONLINE child other than the target, with an inflight reference. */
static struct nexus_child *nexus_rebuild_source(struct nexus_rebuild *rb)
{
	struct nexus_dev *nx = rb->target->nx;
	struct nexus_child *c;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < NEXUS_MAX_CHILDREN; i++) {
		c = READ_ONCE(nx->children[i]);
		if (c && c != rb->target && nexus_child_readable(c)) {
			atomic_inc(&c->inflight);
			rcu_read_unlock();
			return c;
		}
	}
	rcu_read_unlock();
	return NULL;
}

static bool nexus_fg_active(struct nexus_dev *nx)
{
	return time_before(jiffies, READ_ONCE(nx->last_fg_io) + NEXUS_RB_FG_WINDOW);
}

enum nexus_copy_result { COPY_OK, COPY_SOURCE_FAILED, COPY_TARGET_FAILED };

/*
 * Copy sectors [@start, @end) from @src to the target, in batches of up to
 * rebuild_depth chunks; with foreground IO about, one chunk at a time.
 */
static enum nexus_copy_result nexus_copy_range(struct nexus_rebuild *rb,
					       struct nexus_child *src,
					       sector_t start, sector_t end)
{
	struct block_device *dst = nexus_child_bdev(rb->target);
	unsigned int chunk = nexus_rb_chunk();
	sector_t sector = start;

	while (sector < end) {
		unsigned int depth = nexus_fg_active(rb->target->nx) ? 1 :
				     min(nexus_rb_depth(), rb->nr_slots);
		sector_t batch = (sector_t)depth * (chunk >> SECTOR_SHIFT);
		sector_t stop = min(end, sector + batch);

		if (nexus_copy_batch(rb, nexus_child_bdev(src), REQ_OP_READ,
				     sector, stop, depth, chunk))
			return COPY_SOURCE_FAILED;
		if (nexus_copy_batch(rb, dst, REQ_OP_WRITE, sector, stop,
				     depth, chunk))
			return COPY_TARGET_FAILED;
		sector = stop;
	}
	return COPY_OK;
}

/*
 * Copy one region under its barrier; a source that fails a read is faulted
 * and the next one tried, but the last ONLINE child is not faulted for it
 * (nexus_child_fault_read()): then the copy fails.
 */
static enum nexus_copy_result nexus_rebuild_region(struct nexus_rebuild *rb,
						   unsigned long region)
{
	struct nexus_dev *nx = rb->target->nx;
	sector_t start = (sector_t)region * nexus_region_sectors(nx);
	sector_t end = min(nx->sectors, start + nexus_region_sectors(nx));
	enum nexus_copy_result res = COPY_SOURCE_FAILED;
	struct nexus_child *src;
	bool next = true;

	nexus_copy_enter(nx, region);
	while (res == COPY_SOURCE_FAILED && next) {
		src = nexus_rebuild_source(rb);
		if (!src)
			break;
		WRITE_ONCE(rb->source_slot, src->slot);
		res = nexus_copy_range(rb, src, start, end);
		if (res == COPY_SOURCE_FAILED) {
			atomic64_inc(&src->errors);
			pr_err_ratelimited("%s: rebuild of %s: read error on source %s\n",
					   nx->name, rb->target->path, src->path);
			next = nexus_child_fault_read(src);
		}
		nexus_child_put(src);
	}
	nexus_copy_exit(nx, region);
	return res;
}

static void nexus_rebuild_account(struct nexus_rebuild *rb, u64 bytes)
{
	unsigned long now = jiffies;

	WRITE_ONCE(rb->done, rb->done + bytes);
	rb->rate_window_bytes += bytes;
	if (time_after_eq(now, rb->rate_window_start + HZ)) {
		WRITE_ONCE(rb->rate, div_u64(rb->rate_window_bytes * HZ,
					     now - rb->rate_window_start));
		rb->rate_window_bytes = 0;
		rb->rate_window_start = now;
	}
	if (time_after_eq(now, rb->last_event + HZ)) {
		rb->last_event = now;
		nexus_event_child(rb->target, NEXUS_EVENT_REBUILD_PROGRESS);
	}
}

/* Per-nexus rate, else the module default; MiB/s, 0 = unlimited. */
static u32 nexus_rb_rate(struct nexus_dev *nx)
{
	return READ_ONCE(nx->rebuild_rate) ?: READ_ONCE(rebuild_rate_mib);
}

static bool nexus_rebuild_should_stop(struct nexus_rebuild *rb)
{
	return READ_ONCE(rb->stop) ||
	       READ_ONCE(rb->target->state) != NEXUS_CHILD_REBUILDING;
}

/*
 * Sleep while paused, or while ahead of the rate limit.  Returns false when
 * the rebuild is to stop.
 */
static bool nexus_rebuild_throttle(struct nexus_rebuild *rb)
{
	u32 rate = nexus_rb_rate(rb->target->nx);

	if (READ_ONCE(rb->pause)) {
		WRITE_ONCE(rb->state, NEXUS_REBUILD_PAUSED);
		/* A target that faults meanwhile ends it (nexus_rebuild_wake()). */
		wait_event(rb->wait, !READ_ONCE(rb->pause) ||
			   nexus_rebuild_should_stop(rb));
		WRITE_ONCE(rb->state, NEXUS_REBUILD_RUNNING);
		rb->rate_base_jiffies = jiffies;
		rb->rate_base_done = rb->done;
	}
	if (rate) {
		/* A u64 divisor: MiB/s in bytes outgrows div_u64()'s u32. */
		u64 due = div64_u64((rb->done - rb->rate_base_done) * HZ,
				    (u64)rate << 20);
		unsigned long wake = rb->rate_base_jiffies + (unsigned long)due;

		if (time_before(jiffies, wake))
			wait_event_timeout(rb->wait, READ_ONCE(rb->stop),
					   wake - jiffies);
	}
	return !nexus_rebuild_should_stop(rb);
}

/*
 * Foreground first.  While foreground IO is about, a rebuild copies one
 * chunk at a time (nexus_copy_range()), and after each region it sleeps so
 * that it is busy for at most rebuild_fg_busy_pct of the time: copying a
 * region for @busy earns a pause of busy * (100 - pct) / pct.  This is what
 * leaves the foreground its share when the children are fast and the CPU
 * is what both compete for (a lower depth alone gives nothing back to a
 * synchronous device).  The pause is taken outside the region's barrier, so
 * no foreground write waits for it, and ends early on stop or pause.
 */
static void nexus_rebuild_yield(struct nexus_rebuild *rb, ktime_t busy)
{
	unsigned int pct = clamp(READ_ONCE(rebuild_fg_busy_pct), 1U, 100U);
	u64 idle;

	if (pct == 100 || !nexus_fg_active(rb->target->nx))
		return;
	idle = div_u64((u64)ktime_to_ns(busy) * (100 - pct), pct);
	idle = min_t(u64, idle, NEXUS_RB_MAX_YIELD_NS);
	wait_event_timeout(rb->wait, READ_ONCE(rb->stop) || READ_ONCE(rb->pause),
			   max_t(unsigned long, nsecs_to_jiffies(idle), 1));
}

/* Walk the dirty regions; returns the state the rebuild ends in. */
static enum nexus_rebuild_state nexus_rebuild_walk(struct nexus_rebuild *rb)
{
	struct nexus_child *c = rb->target;
	unsigned long nr = nexus_nr_regions(c->nx), region = 0;
	u64 region_bytes = c->nx->region_size;

	while ((region = find_next_bit(c->dirty, nr, region)) < nr) {
		ktime_t start;

		if (!nexus_rebuild_throttle(rb))
			return READ_ONCE(rb->stop) ? NEXUS_REBUILD_STOPPED :
						     NEXUS_REBUILD_FAILED;
		start = ktime_get();
		switch (nexus_rebuild_region(rb, region)) {
		case COPY_OK:
			clear_bit(region, c->dirty);
			nexus_rebuild_account(rb, region_bytes);
			nexus_rebuild_yield(rb, ktime_sub(ktime_get(), start));
			region++;
			break;
		case COPY_SOURCE_FAILED:
			pr_err("%s: rebuild of %s failed: no source could be read\n",
			       c->nx->name, c->path);
			nexus_child_set_state(c, NEXUS_CHILD_FAULTED,
					      NEXUS_REASON_REBUILD_FAILED);
			return NEXUS_REBUILD_FAILED;
		case COPY_TARGET_FAILED:
			atomic64_inc(&c->errors);
			pr_err("%s: rebuild of %s failed: write error on the child\n",
			       c->nx->name, c->path);
			nexus_child_set_state(c, NEXUS_CHILD_FAULTED,
					      NEXUS_REASON_IO_ERROR);
			return NEXUS_REBUILD_FAILED;
		}
	}
	if (blkdev_issue_flush(nexus_child_bdev(c))) {
		nexus_child_set_state(c, NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR);
		return NEXUS_REBUILD_FAILED;
	}
	return NEXUS_REBUILD_DONE;
}

static void nexus_rebuild_work(struct work_struct *work)
{
	struct nexus_rebuild *rb = container_of(work, struct nexus_rebuild, work);
	struct nexus_child *c = rb->target;
	enum nexus_rebuild_state end;
	unsigned int noio = memalloc_noio_save();

	pr_info("%s: rebuild of %s started, %llu bytes\n", c->nx->name,
		c->path, (unsigned long long)rb->total);
	nexus_event_child(c, NEXUS_EVENT_REBUILD_STARTED);
	end = nexus_rebuild_walk(rb);
	WRITE_ONCE(rb->state, end);

	switch (end) {
	case NEXUS_REBUILD_DONE:
		pr_info("%s: rebuild of %s done, %llu bytes copied\n",
			c->nx->name, c->path, (unsigned long long)rb->done);
		nexus_child_change_state(c, NEXUS_CHILD_REBUILDING,
					 NEXUS_CHILD_ONLINE, NEXUS_REASON_NONE);
		nexus_event_child(c, NEXUS_EVENT_REBUILD_DONE);
		break;
	case NEXUS_REBUILD_STOPPED:
		nexus_child_change_state(c, NEXUS_CHILD_REBUILDING,
					 NEXUS_CHILD_OUT_OF_SYNC,
					 NEXUS_REASON_NONE);
		nexus_event_child(c, NEXUS_EVENT_REBUILD_STOPPED);
		break;
	default:
		nexus_event_child(c, NEXUS_EVENT_REBUILD_FAILED);
	}
	atomic_dec(&c->nx->nr_rebuilds);
	memalloc_noio_restore(noio);
}

static struct nexus_rebuild *nexus_rebuild_alloc(struct nexus_child *c)
{
	unsigned int depth = nexus_rb_depth();
	struct nexus_rebuild *rb;

	rb = kzalloc(sizeof(*rb), GFP_KERNEL);
	if (!rb)
		return NULL;
	rb->target = c;
	INIT_WORK(&rb->work, nexus_rebuild_work);
	init_waitqueue_head(&rb->wait);
	/* Slots for the largest depth the tunable allows now. */
	for (rb->nr_slots = 0; rb->nr_slots < depth; rb->nr_slots++) {
		rb->slots[rb->nr_slots] = nexus_slot_alloc(rb);
		if (!rb->slots[rb->nr_slots])
			break;
	}
	if (!rb->nr_slots) {
		kfree(rb);
		return NULL;
	}
	return rb;
}

/**
 * nexus_rebuild_start() - start copying @c's dirty regions
 * @c: an OUT_OF_SYNC child
 * @extack: where to say why not
 *
 * Context: process, the nexus's configuration lock held.
 */
int nexus_rebuild_start(struct nexus_child *c, struct netlink_ext_ack *extack)
{
	struct nexus_dev *nx = c->nx;
	struct nexus_rebuild *rb;
	unsigned long dirty;

	lockdep_assert_held(&nx->cfg_lock);
	if (READ_ONCE(c->state) != NEXUS_CHILD_OUT_OF_SYNC) {
		NL_SET_ERR_MSG_MOD(extack, "the child is not out of sync");
		return -EINVAL;
	}
	/* A check must not share regions with a copy (nexus_scrub.c). */
	nexus_scrub_stop(nx);
	dirty = bitmap_weight(c->dirty, nexus_nr_regions(nx));
	if (!dirty) {
		nexus_child_change_state(c, NEXUS_CHILD_OUT_OF_SYNC,
					 NEXUS_CHILD_ONLINE, NEXUS_REASON_NONE);
		return 0;
	}
	if (!nexus_healthy_children(nx)) {
		NL_SET_ERR_MSG_MOD(extack, "no healthy child to rebuild from");
		return -ENODEV;
	}
	rb = nexus_rebuild_alloc(c);
	if (!rb)
		return -ENOMEM;
	nexus_rebuild_release(c);
	rb->state = NEXUS_REBUILD_RUNNING;
	rb->total = (u64)dirty * nx->region_size;
	rb->rate_base_jiffies = jiffies;
	rb->rate_window_start = jiffies;
	rb->last_event = jiffies;
	/*
	 * The IO path notes foreground IO only while a rebuild runs: with none
	 * running the stamp is stale, and may even look recent (jiffies start
	 * at -5 min and the nexus at 0).  Age it so that only IO from now on
	 * counts.
	 */
	if (!atomic_read(&nx->nr_rebuilds))
		WRITE_ONCE(nx->last_fg_io, jiffies - NEXUS_RB_FG_WINDOW - 1);
	atomic_inc(&nx->nr_rebuilds);
	rcu_assign_pointer(c->rebuild, rb);
	nexus_child_change_state(c, NEXUS_CHILD_OUT_OF_SYNC,
				 NEXUS_CHILD_REBUILDING, NEXUS_REASON_NONE);
	queue_work(nexus_rebuild_wq, &rb->work);
	return 0;
}

/* @c's rebuild.  Context: the nexus's configuration lock held. */
static struct nexus_rebuild *nexus_rebuild_of(struct nexus_child *c)
{
	return rcu_dereference_protected(c->rebuild,
					 lockdep_is_held(&c->nx->cfg_lock));
}

static bool nexus_rebuild_running(struct nexus_child *c)
{
	struct nexus_rebuild *rb = nexus_rebuild_of(c);

	return rb && (READ_ONCE(rb->state) == NEXUS_REBUILD_RUNNING ||
		      READ_ONCE(rb->state) == NEXUS_REBUILD_PAUSED);
}

/**
 * nexus_rebuild_stop() - stop @c's rebuild and wait for the worker
 * @c: the child
 *
 * The child stays OUT_OF_SYNC with the regions not yet copied still dirty.
 * Context: process, the nexus's configuration lock held.  Returns false if none was running.
 */
bool nexus_rebuild_stop(struct nexus_child *c)
{
	struct nexus_rebuild *rb = nexus_rebuild_of(c);

	if (!rb)
		return false;
	WRITE_ONCE(rb->stop, true);
	wake_up_all(&rb->wait);
	flush_work(&rb->work);
	return true;
}

int nexus_rebuild_stop_cmd(struct nexus_child *c, struct netlink_ext_ack *extack)
{
	if (!nexus_rebuild_running(c)) {
		NL_SET_ERR_MSG_MOD(extack, "no rebuild is running for the child");
		return -EINVAL;
	}
	nexus_rebuild_stop(c);
	return 0;
}

int nexus_rebuild_pause(struct nexus_child *c, bool pause,
			struct netlink_ext_ack *extack)
{
	struct nexus_rebuild *rb;

	if (!nexus_rebuild_running(c)) {
		NL_SET_ERR_MSG_MOD(extack, "no rebuild is running for the child");
		return -EINVAL;
	}
	rb = nexus_rebuild_of(c);
	if (READ_ONCE(rb->pause) == pause) {
		if (pause)
			NL_SET_ERR_MSG_MOD(extack, "the rebuild is already paused");
		else
			NL_SET_ERR_MSG_MOD(extack, "the rebuild is not paused");
		return -EINVAL;
	}
	WRITE_ONCE(rb->pause, pause);
	wake_up_all(&rb->wait);
	return 0;
}

/*
 * Stop and free @c's rebuild, if any.  Replies and events read it under
 * RCU, so it is freed only after a grace period.
 * Context: process, the nexus's configuration lock held.
 */
void nexus_rebuild_release(struct nexus_child *c)
{
	struct nexus_rebuild *rb = nexus_rebuild_of(c);

	if (!nexus_rebuild_stop(c))
		return;
	RCU_INIT_POINTER(c->rebuild, NULL);
	synchronize_rcu();
	nexus_rebuild_free(rb);
}

/* @c changed state: a paused rebuild of it must look.  Context: any. */
void nexus_rebuild_wake(struct nexus_child *c)
{
	struct nexus_rebuild *rb;

	rcu_read_lock();
	rb = rcu_dereference(c->rebuild);
	if (rb)
		wake_up_all(&rb->wait);
	rcu_read_unlock();
}

/* The rebuild nest of @c's NEXUS_CHILD_A_REBUILD, if it has had one. */
int nexus_rebuild_module_init(void)
{
	nexus_rebuild_wq = alloc_workqueue("nexus_rebuild", WQ_UNBOUND, 0);
	return nexus_rebuild_wq ? 0 : -ENOMEM;
}

void nexus_rebuild_module_exit(void)
{
	destroy_workqueue(nexus_rebuild_wq);
}

/* Context: under rcu_read_lock(). */
int nexus_rebuild_fill(struct sk_buff *skb, struct nexus_child *c)
{
	struct nexus_rebuild *rb = rcu_dereference(c->rebuild);
	struct nlattr *nest;

	if (!rb)
		return 0;
	nest = nla_nest_start(skb, NEXUS_CHILD_A_REBUILD);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NEXUS_REBUILD_A_STATE, READ_ONCE(rb->state)) ||
	    nla_put_u64_64bit(skb, NEXUS_REBUILD_A_DONE, READ_ONCE(rb->done),
			      NEXUS_REBUILD_A_PAD) ||
	    nla_put_u64_64bit(skb, NEXUS_REBUILD_A_TOTAL, READ_ONCE(rb->total),
			      NEXUS_REBUILD_A_PAD) ||
	    nla_put_u64_64bit(skb, NEXUS_REBUILD_A_RATE, READ_ONCE(rb->rate),
			      NEXUS_REBUILD_A_PAD) ||
	    nla_put_u32(skb, NEXUS_REBUILD_A_SOURCE, READ_ONCE(rb->source_slot))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
