// SPDX-License-Identifier: GPL-2.0
/*
 * The IO path: every bio that reaches a nexus is split to the stacked limits
 * and then either sent to one readable child (reads) or cloned to every
 * writable child (writes, flushes, FUA, discards, write-zeroes).
 *
 * Clones come from the nexus's bio_set, allocated with GFP_NOIO, so the IO
 * path cannot fail for want of memory; a write's context lives in the front
 * pad of its first clone.  Completion runs in whatever context the child
 * completes in; a failed clone is never handled there but queued to
 * fail_work, which faults the child (and retries a read elsewhere) in
 * process context.
 *
 * References: each parent bio holds one nx->io_ref from submit to
 * completion, and each clone holds one child->inflight.  Both are taken
 * before the clone is built and dropped only after it is freed, which is
 * what lets destroy and remove wait for IO to drain.
 */
#include <linux/slab.h>
#include <linux/log2.h>
#include <linux/sched/mm.h>

#include "nexus.h"

#define NEXUS_POOL_SIZE		64

static struct workqueue_struct *nexus_wq;

/* Complete a parent bio and drop its nexus reference: nx may go after. */
static void nexus_parent_done(struct nexus_dev *nx, struct bio *parent,
			      unsigned long start_time)
{
	bio_end_io_acct(parent, start_time);
	bio_endio(parent);
	percpu_ref_put(&nx->io_ref);
}

static void nexus_queue_failed(struct bio *clone)
{
	struct nexus_dev *nx = nexus_clone_of(clone)->child->nx;
	unsigned long flags;

	spin_lock_irqsave(&nx->fail_lock, flags);
	bio_list_add(&nx->failed_clones, clone);
	spin_unlock_irqrestore(&nx->fail_lock, flags);
	queue_work(nexus_wq, &nx->fail_work);
}

static void nexus_clone_init(struct bio *clone, struct nexus_child *c,
			     void *owner, bio_end_io_t *end_io)
{
	struct nexus_clone *nc = nexus_clone_of(clone);

	nc->child = c;
	nc->owner = owner;
	clone->bi_end_io = end_io;
}

static struct bio *nexus_clone_alloc(struct nexus_dev *nx,
				     struct nexus_child *c, struct bio *parent,
				     void *owner, bio_end_io_t *end_io)
{
	struct bio *clone = bio_alloc_clone(nexus_child_bdev(c), parent,
					    GFP_NOIO, &nx->bs);

	nexus_clone_init(clone, c, owner, end_io);
	return clone;
}

/*
 * Read balancing.
 *
 * Each child keeps an estimate of the time it takes to serve a read: a
 * moving average of its reads' service times in which a new sample weighs
 * 1/8 (kept in ns << NEXUS_EST_SHIFT, as TCP keeps its srtt, so the shift
 * loses no precision).  A read's service time runs from its submission, or
 * from the child's previous read completion if that came later: a child
 * serving many reads at once is charged the gaps between their completions,
 * not the time each one spent queued (dm's historical-service-time selector
 * does the same), so that a read's cost, (inflight + 1) * estimate,
 * predicts when a new read sent there would complete, at any queue depth.
 * A sample counts for at most 8 times the mean: one stall at most nearly
 * doubles an estimate, as each read of a child that really slowed down does.
 *
 * A read goes to the readable child of least cost.  Costs within a quarter
 * of the least count as equal and go round-robin from the child after the
 * last one chosen: children alike keep sharing reads despite the noise in
 * their estimates, while a child much faster than the others (a local disk
 * next to a remote namespace) takes every read until its queue makes it as
 * slow as they are.  md raid1 reads the first idle mirror, DRBD its local
 * disk; neither measures.
 *
 * A child that is not chosen takes no new samples, so an estimate from a
 * slow moment could keep it out for good.  A child whose last sample is
 * older than both NEXUS_PROBE_AGE times its estimate (or a second, if less)
 * and NEXUS_PROBE_READS reads of the nexus is therefore probed: the next
 * read goes to it, whatever it costs.  A probe faster than the estimate
 * replaces it: the estimate was too old to trust, and one that is too low
 * corrects itself, as the child then takes reads and samples.  A slower
 * probe counts as any sample does, at most nearly doubling the estimate:
 * an estimate too high is corrected only by the next probe, so one stall
 * during a probe must not set it (a 16 ms stall would keep a 100 us child
 * out for a second).  So probing a slow child takes at most about 1/64 of
 * the time (of a child slower than 16 ms, its estimate per second) and 1
 * read in 256.  Only the read that claims a probe (a cmpxchg on the stamp)
 * sends it, so a burst sends one.  A child without an estimate (new, or
 * back ONLINE: nexus_read_est_reset()) costs as much as the slowest
 * measured one can, is probed by the next read, and takes its sample.
 *
 * A read's cost does not depend on its size: the estimates assume that the
 * children see the same mix of sizes.
 */
#define NEXUS_EST_SHIFT		3	/* a new sample weighs 1/8 */
/* Longer service times count as this (~4.3 s), so that costs fit a u64. */
#define NEXUS_SAMPLE_MAX	BIT_ULL(32)
/* An unmeasured child's: as slow as a measured one can be. */
#define NEXUS_EST_UNKNOWN	(NEXUS_SAMPLE_MAX << NEXUS_EST_SHIFT)
/* A higher inflight count costs as much: (load + 1) * estimate < 2^64. */
#define NEXUS_LOAD_MAX		((1U << 28) - 1)
#define NEXUS_TIE_SHIFT		2	/* costs within a quarter tie */
#define NEXUS_PROBE_AGE		64	/* times the estimate, ... */
#define NEXUS_PROBE_MAX_NS	NSEC_PER_SEC	/* ... or this if less, */
#define NEXUS_PROBE_READS	256	/* ... and this many reads ago */
/* A cost, and the tie bound a quarter above it, fit a u64. */
static_assert(ilog2(NEXUS_LOAD_MAX + 1ULL) + ilog2(NEXUS_EST_UNKNOWN) <= 63);

/* What nexus_choose_read_child() found. */
struct nexus_read_ctl {
	u64 now;			/* ns (ktime_get_ns()), at submission */
	unsigned long seq;		/* nx->read_seq, this read's */
	struct nexus_child *best;	/* returned, with an inflight reference */
	u64 best_cost;
	u64 least;			/* the least cost scanned */
	bool probe;			/* @best is read to measure it afresh */
};

static u64 nexus_read_stamp(struct nexus_child *c)
{
	return (u64)atomic64_read(&c->read_stamp);
}

/* Is the sample @c took at @stamp too old to trust? */
static bool nexus_read_stale(struct nexus_child *c, u64 stamp,
			     const struct nexus_read_ctl *ctl)
{
	u64 est = READ_ONCE(c->read_est);
	u64 age = NEXUS_PROBE_MAX_NS;

	/* Unmeasured: a probe under way, or lost (a readahead that failed). */
	if (est)
		age = min((est >> NEXUS_EST_SHIFT) * NEXUS_PROBE_AGE, age);
	return ctl->seq - READ_ONCE(c->read_mark) >= NEXUS_PROBE_READS &&
	       ctl->now > stamp + age;
}

/* Should this read measure @c afresh?  Then it claims the probe. */
static bool nexus_read_probe(struct nexus_child *c,
			     const struct nexus_read_ctl *ctl)
{
	u64 stamp = nexus_read_stamp(c);

	/* A zero stamp: not read since it was reset (or created). */
	if (stamp && !nexus_read_stale(c, stamp, ctl))
		return false;
	return atomic64_cmpxchg(&c->read_stamp, stamp, ctl->now) == (s64)stamp;
}

/* The time a read sent to @c now is expected to take, in ns << shift. */
static u64 nexus_read_cost(struct nexus_child *c)
{
	unsigned int load = min_t(unsigned int, atomic_read(&c->inflight),
				  NEXUS_LOAD_MAX);
	u64 est = READ_ONCE(c->read_est);

	return (u64)(load + 1) * (est ?: NEXUS_EST_UNKNOWN);
}

/*
 * Children come in round-robin order: the first stays chosen while its cost
 * is within a quarter of the least seen so far.  With two children that is
 * exactly a tie going to the first; with more, a child in the tie may be
 * passed over for the cheapest, which is as good.
 */
static void nexus_read_consider(struct nexus_read_ctl *ctl,
				struct nexus_child *c)
{
	u64 cost = nexus_read_cost(c);

	if (!ctl->best) {
		ctl->best = c;
		ctl->best_cost = cost;
		ctl->least = cost;
		return;
	}
	if (cost >= ctl->least)
		return;
	ctl->least = cost;
	if (ctl->best_cost > cost + (cost >> NEXUS_TIE_SHIFT)) {
		ctl->best = c;
		ctl->best_cost = cost;
	}
}

/*
 * Choose the ONLINE child to read from (see "Read balancing" above), in
 * ctl->best with an inflight reference; NULL if there is none.
 */
static struct nexus_child *nexus_choose_read_child(struct nexus_dev *nx,
						   struct nexus_read_ctl *ctl)
{
	unsigned int slots = READ_ONCE(nx->nr_slots);
	unsigned int s = READ_ONCE(nx->read_cursor);
	unsigned int i;

	ctl->seq = READ_ONCE(nx->read_seq) + 1;
	WRITE_ONCE(nx->read_seq, ctl->seq);
	rcu_read_lock();
	for (i = 0; i < slots; i++, s++) {
		struct nexus_child *c;

		if (s >= slots)
			s = 0;
		c = READ_ONCE(nx->children[s]);
		if (!c || !nexus_child_readable(c))
			continue;
		if (nexus_read_probe(c, ctl)) {
			ctl->best = c;
			ctl->probe = true;
			break;
		}
		nexus_read_consider(ctl, c);
	}
	if (ctl->best) {
		nexus_child_get(ctl->best);
		WRITE_ONCE(nx->read_cursor, ctl->best->slot + 1);
	}
	rcu_read_unlock();
	return ctl->best;
}

/*
 * Fold the service time of a read @c served into its estimate; a probe's
 * replaces the estimate if lower (see "Read balancing").
 */
static void nexus_read_sample(struct nexus_child *c,
			      const struct nexus_clone *nc)
{
	u64 now = ktime_get_ns();
	u64 from = max(nc->submit_ns, nexus_read_stamp(c));
	u64 sample = now > from ? min(now - from, NEXUS_SAMPLE_MAX) : 1;
	u64 est = READ_ONCE(c->read_est);

	if (!est || (nc->probe && sample < est >> NEXUS_EST_SHIFT))
		est = sample << NEXUS_EST_SHIFT;
	else	/* The sample counts for at most 8 times the mean. */
		est = est - (est >> NEXUS_EST_SHIFT) + min(sample, est);
	WRITE_ONCE(c->read_est, est);
	WRITE_ONCE(c->read_mark, READ_ONCE(c->nx->read_seq));
	atomic64_set(&c->read_stamp, now);
}

/**
 * nexus_read_est_reset() - measure @c's reads afresh
 * @c: a child about to be published ONLINE
 *
 * A child that comes back (rebuilt, or online again) may not serve reads
 * as fast or as slowly as it did: the next read probes it.
 * Context: under nx->excl_lock.
 */
void nexus_read_est_reset(struct nexus_child *c)
{
	WRITE_ONCE(c->read_est, 0);
	WRITE_ONCE(c->read_mark, 0);
	atomic64_set(&c->read_stamp, 0);
}

static void nexus_read_endio(struct bio *clone)
{
	struct nexus_clone *nc = nexus_clone_of(clone);
	struct nexus_child *c = nc->child;
	struct nexus_dev *nx = c->nx;
	struct bio *parent = nc->owner;
	unsigned long start_time = nc->start_time;

	if (unlikely(clone->bi_status)) {
		nexus_queue_failed(clone);
		return;
	}
	nexus_read_sample(c, nc);
	atomic64_inc(&c->reads);
	bio_put(clone);
	/* @c may be freed by a remove from here on: @nx was read before. */
	nexus_child_put(c);
	nexus_parent_done(nx, parent, start_time);
}

static void nexus_submit_read(struct nexus_dev *nx, struct bio *bio,
			      unsigned long start_time)
{
	struct nexus_read_ctl ctl = { .now = ktime_get_ns() };
	struct nexus_child *c = nexus_choose_read_child(nx, &ctl);
	struct nexus_clone *nc;
	struct bio *clone;

	if (unlikely(!c)) {
		bio->bi_status = BLK_STS_IOERR;
		nexus_parent_done(nx, bio, start_time);
		return;
	}
	clone = nexus_clone_alloc(nx, c, bio, bio, nexus_read_endio);
	nc = nexus_clone_of(clone);
	nc->start_time = start_time;
	nc->submit_ns = ctl.now;
	nc->probe = ctl.probe;
	submit_bio_noacct(clone);
}

/* Clones that refused a discard or write-zeroes nobody applied. */
static void nexus_put_refused(struct nexus_io *io)
{
	struct bio *clone;

	while ((clone = bio_list_pop(&io->refused))) {
		struct nexus_child *c = nexus_clone_of(clone)->child;

		bio_put(clone);
		nexus_child_put(c);
	}
}

/* Acknowledge a write whose every clone is accounted for. */
static void nexus_write_finish(struct nexus_io *io)
{
	struct nexus_dev *nx = io->nx;
	struct bio *parent = io->parent;
	unsigned long start_time = io->start_time;
	struct nexus_child *c = nexus_clone_of(io->holder)->child;

	if (io->in_region)
		nexus_write_exit(nx, io->region);
	/*
	 * Only a copy in sync makes a write good (md: In_sync devices).  An
	 * error is only ever set: @parent may be the remainder of a split
	 * whose front part failed and put its error here already.
	 */
	if (!atomic_read(&io->succeeded))
		parent->bi_status = io->status ?: BLK_STS_IOERR;
	nexus_put_refused(io);
	/* Freed before its child's reference goes, like any other clone. */
	bio_put(io->holder);
	nexus_child_put(c);
	nexus_parent_done(nx, parent, start_time);
}

static bool nexus_excl_durable(struct nexus_dev *nx, unsigned int seq)
{
	return (int)(READ_ONCE(nx->excl_durable) - seq) >= 0;
}

/*
 * A write that may have left out a child being excluded waits for the
 * label that says so (nexus_release_held()): acknowledged before it, a
 * crash could bring the excluded child back as a resync source.
 */
static void nexus_write_settle(struct nexus_io *io)
{
	struct nexus_dev *nx = io->nx;
	unsigned long flags;

	if (likely(nexus_excl_durable(nx, io->excl_seq))) {
		nexus_write_finish(io);
		return;
	}
	spin_lock_irqsave(&nx->hold_lock, flags);
	if (nexus_excl_durable(nx, io->excl_seq)) {
		spin_unlock_irqrestore(&nx->hold_lock, flags);
		nexus_write_finish(io);
		return;
	}
	bio_list_add(&nx->held, io->holder);
	spin_unlock_irqrestore(&nx->hold_lock, flags);
}

/**
 * nexus_release_held() - acknowledge the writes an exclusion held
 * @nx: the nexus
 * @seq: the nx->excl_seq that a label write began after and made durable
 * @healthy: a child in sync is left; if not, the held writes fail
 *
 * Context: process (the label writer).
 */
void nexus_release_held(struct nexus_dev *nx, unsigned int seq, bool healthy)
{
	struct bio_list ready, wait;
	struct bio *holder;

	bio_list_init(&ready);
	bio_list_init(&wait);
	spin_lock_irq(&nx->hold_lock);
	if ((int)(seq - nx->excl_durable) > 0)
		WRITE_ONCE(nx->excl_durable, seq);
	while ((holder = bio_list_pop(&nx->held))) {
		struct nexus_io *io = &nexus_clone_of(holder)->io;

		bio_list_add(nexus_excl_durable(nx, io->excl_seq) ? &ready : &wait,
			     holder);
	}
	bio_list_merge(&nx->held, &wait);
	spin_unlock_irq(&nx->hold_lock);

	while ((holder = bio_list_pop(&ready))) {
		struct nexus_io *io = &nexus_clone_of(holder)->io;

		if (!healthy)
			atomic_set(&io->succeeded, 0);
		nexus_write_finish(io);
	}
}

static void nexus_write_complete(struct nexus_io *io)
{
	struct nexus_dev *nx = io->nx;
	unsigned long flags;

	/* On every child now: the writes that overlap it may go. */
	if (io->ordered && nexus_order_exit(nx, io))
		queue_work(nexus_wq, &nx->order_work);

	/* Some children refused what others applied: the fail worker decides. */
	if (unlikely(io->refusals && atomic_read(&io->applied))) {
		spin_lock_irqsave(&nx->fail_lock, flags);
		bio_list_add(&nx->fixups, io->holder);
		spin_unlock_irqrestore(&nx->fail_lock, flags);
		queue_work(nexus_wq, &nx->fail_work);
		return;
	}
	nexus_write_settle(io);
}

/* Account for one finished clone; the write's holder goes last. */
static void nexus_write_put(struct nexus_io *io, struct bio *clone)
{
	struct nexus_child *c = nexus_clone_of(clone)->child;

	if (clone != io->holder) {
		bio_put(clone);
		nexus_child_put(c);
	}
	if (atomic_dec_and_test(&io->remaining))
		nexus_write_complete(io);
}

static void nexus_write_endio(struct bio *clone)
{
	struct nexus_clone *nc = nexus_clone_of(clone);
	struct nexus_child *c = nc->child;
	struct nexus_io *io = nc->owner;

	if (unlikely(clone->bi_status)) {
		nexus_queue_failed(clone);
		return;
	}
	atomic64_inc(&c->writes);
	atomic_inc(&io->applied);
	/*
	 * In sync now, not when the clone was built (md checks In_sync at
	 * completion too): a write that waited behind an overlapping one may
	 * go out after its only in-sync child faulted, and must then fail.
	 */
	if (nexus_child_readable(c))
		atomic_inc(&io->succeeded);
	nexus_write_put(io, clone);
}

/* Send a write's clones; the holder goes last: @io may be gone after. */
static void nexus_write_send(struct nexus_io *io)
{
	struct bio *holder = io->holder;
	struct bio *clone;

	while ((clone = bio_list_pop(&io->queued)) != holder)
		submit_bio_noacct(clone);
	submit_bio_noacct(holder);
}

/*
 * Send the writes that waited behind an overlapping one (nexus_region.c):
 * not from the completion that released them, since a child's submit may
 * sleep.  Each still holds its nx->io_ref, so destroy waits for them.
 */
static void nexus_order_work(struct work_struct *work)
{
	struct nexus_dev *nx = container_of(work, struct nexus_dev, order_work);
	struct llist_node *ready = llist_del_all(&nx->order_ready);
	struct nexus_io *io, *next;
	unsigned int noio;

	noio = memalloc_noio_save();
	ready = llist_reverse_order(ready);
	llist_for_each_entry_safe(io, next, ready, ready_node)
		nexus_write_send(io);
	memalloc_noio_restore(noio);
}

/* Clones of @bio for @targets[0..@n), in that order; false if one failed. */
static bool nexus_write_clones_try(struct nexus_dev *nx, struct bio *bio,
				   struct nexus_child **targets, unsigned int n,
				   struct bio_list *clones, gfp_t gfp)
{
	struct bio *clone;
	unsigned int i;

	for (i = 0; i < n; i++) {
		clone = bio_alloc_clone(nexus_child_bdev(targets[i]), bio, gfp,
					&nx->bs);
		if (!clone) {
			while ((clone = bio_list_pop(clones)))
				bio_put(clone);
			return false;
		}
		nexus_clone_init(clone, targets[i], NULL, nexus_write_endio);
		bio_list_add(clones, clone);
	}
	return true;
}

/*
 * A write's clones, one per target, from nx->bs.  Each write takes several
 * from the same pool before it sends any: writers blocked half way could
 * hold the whole pool between them under memory pressure and wait for one
 * another for ever.  As dm does (alloc_multiple_bios()), try without
 * blocking; block only under clone_mutex, so that one writer at a time
 * waits for the pool, which holds clones for NEXUS_MAX_CHILDREN children.
 * Blocking, it cannot fail: a bio_set allocation with GFP_NOIO does not,
 * nor does cloning a bio without an integrity payload (the nexus has no
 * integrity profile, so none of its bios carries one).
 */
static void nexus_write_clones(struct nexus_dev *nx, struct bio *bio,
			       struct nexus_child **targets, unsigned int n,
			       struct bio_list *clones)
{
	bio_list_init(clones);
	if (nexus_write_clones_try(nx, bio, targets, n, clones, GFP_NOWAIT))
		return;
	mutex_lock(&nx->clone_mutex);
	nexus_write_clones_try(nx, bio, targets, n, clones, GFP_NOIO);
	mutex_unlock(&nx->clone_mutex);
}

/**
 * nexus_write_dispatch() - send a write to the children
 * @nx: the nexus
 * @bio: a write; one with data lies in @region and holds it
 * @region: its region (ignored for a flush without data)
 *
 * Clones the write to every writable child and notes it in the dirty
 * bitmap of every OFFLINE child.  Called from submit, or by the bitmap
 * worker once the region's write-intent bit is durable.  A write with data
 * that overlaps one in flight is held back, clones built, until that one
 * has completed on every child (see "Ordering" in nexus_region.c).
 */
void nexus_write_dispatch(struct nexus_dev *nx, struct bio *bio,
			  unsigned long region)
{
	struct nexus_child *targets[NEXUS_MAX_CHILDREN];
	unsigned int slots = READ_ONCE(nx->nr_slots);
	bool in_region = bio_sectors(bio) != 0;
	unsigned int n = 0, i, seq;
	struct bio_list clones;
	struct bio *holder, *clone;
	struct nexus_io *io;

	rcu_read_lock();
	for (i = 0; i < slots; i++) {
		struct nexus_child *c = READ_ONCE(nx->children[i]);

		if (!c)
			continue;
		if (nexus_child_writable(c)) {
			nexus_child_get(c);
			targets[n++] = c;
		} else if (in_region && READ_ONCE(c->state) == NEXUS_CHILD_OFFLINE) {
			nexus_mark_dirty(c, region);
		}
	}
	rcu_read_unlock();
	/* Pairs with the barrier in nexus_child_transition(). */
	smp_rmb();
	seq = atomic_read(&nx->excl_seq);

	if (unlikely(!n)) {
		if (in_region)
			nexus_write_exit(nx, region);
		bio_io_error(bio);
		percpu_ref_put(&nx->io_ref);
		return;
	}

	nexus_write_clones(nx, bio, targets, n, &clones);
	holder = bio_list_pop(&clones);
	io = &nexus_clone_of(holder)->io;
	io->nx = nx;
	io->parent = bio;
	io->holder = holder;
	io->status = BLK_STS_OK;
	io->in_region = in_region;
	io->region = region;
	io->excl_seq = seq;
	io->refusals = 0;
	bio_list_init(&io->refused);
	atomic_set(&io->remaining, n);
	atomic_set(&io->succeeded, 0);
	atomic_set(&io->applied, 0);
	io->start_time = bio_start_io_acct(bio);
	bio_list_init(&io->queued);
	while ((clone = bio_list_pop(&clones))) {
		nexus_clone_of(clone)->owner = io;
		bio_list_add(&io->queued, clone);
	}
	nexus_clone_of(holder)->owner = io;
	bio_list_add(&io->queued, holder);
	/*
	 * One child needs no ordering: it orders its own queue, and a child
	 * left out is OFFLINE (the region is marked dirty above) or out of the
	 * mirror, so it gets the region copied from this one before it serves
	 * it again.  Saves a nexus of one child the ordering's cost.
	 */
	io->ordered = in_region && n > 1;
	if (io->ordered) {
		io->start = bio->bi_iter.bi_sector;
		io->end = bio_end_sector(bio);
		if (!nexus_order_enter(nx, io))
			return;		/* sent by nexus_order_work() */
	}
	nexus_write_send(io);
}

/*
 * A write with data lies in one region (split here) and holds that region
 * against a rebuild copy until it completes; its region's write-intent bit
 * must be on disk before any child sees it.
 */
static void nexus_submit_write(struct nexus_dev *nx, struct bio *bio)
{
	unsigned long region = 0;

	if (bio_sectors(bio)) {
		bio = nexus_split_to_region(nx, bio);
		region = nexus_region_of(nx, bio->bi_iter.bi_sector);
		nexus_write_enter(nx, region);
		if (nexus_bitmap_defer(nx, region, bio))
			return;
	}
	nexus_write_dispatch(nx, bio, region);
}

/* A child that cannot discard or zero is not broken: tell the caller. */
static bool nexus_error_is_unsupported(struct bio *clone)
{
	return clone->bi_status == BLK_STS_NOTSUPP &&
	       (bio_op(clone) == REQ_OP_DISCARD ||
		bio_op(clone) == REQ_OP_WRITE_ZEROES);
}

static void nexus_count_error(struct nexus_child *c, struct bio *clone)
{
	atomic64_inc(&c->errors);
	pr_err_ratelimited("%s: child %s: %s error %d at sector %llu\n",
			   c->nx->name, c->path,
			   op_is_write(bio_op(clone)) ? "write" : "read",
			   blk_status_to_errno(clone->bi_status),
			   (unsigned long long)clone->bi_iter.bi_sector);
}

static void nexus_fault_child(struct nexus_child *c, struct bio *clone)
{
	nexus_count_error(c, clone);
	nexus_child_set_state(c, NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR);
}

static void nexus_write_failed(struct bio *clone)
{
	struct nexus_clone *nc = nexus_clone_of(clone);
	struct nexus_child *c = nc->child;
	struct nexus_io *io = nc->owner;

	if (nexus_error_is_unsupported(clone)) {
		io->status = BLK_STS_NOTSUPP;
		io->refusals++;
		/* Kept, with its child, until the others are done. */
		if (clone != io->holder) {
			bio_list_add(&io->refused, clone);
			if (atomic_dec_and_test(&io->remaining))
				nexus_write_complete(io);
			return;
		}
	} else {
		if (!io->status)
			io->status = clone->bi_status;
		nexus_fault_child(c, clone);
		/*
		 * Another path (the bitmap worker, a rebuild, `child fault`)
		 * may have faulted @c first and still be writing the label
		 * that says so: then the fault above returned at once.  The
		 * write waits for that label too, not only for the exclusions
		 * it saw at dispatch (the bump came before the state, under
		 * excl_lock, which the fault above took).
		 */
		io->excl_seq = atomic_read(&c->nx->excl_seq);
	}
	nexus_write_put(io, clone);
}

/* Fault the children catching up: they applied what no copy in sync did. */
static void nexus_fault_catching_up(struct nexus_dev *nx, struct bio *clone)
{
	unsigned int slots = READ_ONCE(nx->nr_slots), i;

	for (i = 0; i < slots; i++) {
		struct nexus_child *c;

		rcu_read_lock();
		c = READ_ONCE(nx->children[i]);
		if (c && nexus_child_writable(c) && !nexus_child_readable(c))
			nexus_child_get(c);
		else
			c = NULL;
		rcu_read_unlock();
		if (c) {
			nexus_fault_child(c, clone);
			nexus_child_put(c);
		}
	}
}

/*
 * A discard or write-zeroes that some children applied and others refused
 * leaves copies that differ.  If a child in sync applied it, the ones that
 * refused are faulted; if none in sync did, the children catching up that
 * applied it are.  Either way the write waits for that to be durable like
 * any other exclusion.  Refused by every child, nothing differs.  The
 * children faulted here are faulted as for an IO error (IO_ERROR), so
 * `child online` brings them back by copying the bitmap's regions (this
 * write's among them: its bit went on disk before the write went out, and
 * stays while they are behind by the bitmap) when the bitmap vouches for
 * them and they were not owed a full copy, else in full
 * (nexus_member_state_of()).
 */
static void nexus_write_fixup(struct bio *holder)
{
	struct nexus_io *io = &nexus_clone_of(holder)->io;
	bool applied = atomic_read(&io->applied);
	bool in_sync = atomic_read(&io->succeeded);
	struct bio *clone;

	while ((clone = bio_list_pop(&io->refused))) {
		struct nexus_child *c = nexus_clone_of(clone)->child;

		if (in_sync)
			nexus_fault_child(c, clone);
		bio_put(clone);
		nexus_child_put(c);
	}
	if (in_sync && holder->bi_status == BLK_STS_NOTSUPP)
		nexus_fault_child(nexus_clone_of(holder)->child, holder);
	if (applied && !in_sync)
		nexus_fault_catching_up(io->nx, holder);
	io->excl_seq = atomic_read(&io->nx->excl_seq);
	nexus_write_settle(io);
}

/*
 * A failed read faults its child and is tried again on another ONLINE
 * child; on the last ONLINE child, which is not faulted for it
 * (nexus_child_fault_read()), it fails.  Readahead may fail for reasons of
 * its own: it is not retried and does not fault the child.
 */
static void nexus_read_failed(struct bio *clone)
{
	struct nexus_clone *nc = nexus_clone_of(clone);
	struct nexus_child *c = nc->child;
	struct nexus_dev *nx = c->nx;
	struct bio *parent = nc->owner;
	unsigned long start_time = nc->start_time;
	blk_status_t status = clone->bi_status;
	bool retry = false;

	if (!(clone->bi_opf & REQ_RAHEAD)) {
		nexus_count_error(c, clone);
		retry = nexus_child_fault_read(c);
	}
	bio_put(clone);
	nexus_child_put(c);
	if (!retry) {
		parent->bi_status = status;
		nexus_parent_done(nx, parent, start_time);
		return;
	}
	nexus_submit_read(nx, parent, start_time);
}

static void nexus_fail_work(struct work_struct *work)
{
	struct nexus_dev *nx = container_of(work, struct nexus_dev, fail_work);
	struct bio_list failed, fixups;
	unsigned int noio;
	struct bio *clone;

	/* Events allocate memory; reclaim must not wait on this nexus's IO. */
	noio = memalloc_noio_save();
	spin_lock_irq(&nx->fail_lock);
	failed = nx->failed_clones;
	bio_list_init(&nx->failed_clones);
	fixups = nx->fixups;
	bio_list_init(&nx->fixups);
	spin_unlock_irq(&nx->fail_lock);

	while ((clone = bio_list_pop(&failed))) {
		if (bio_op(clone) == REQ_OP_READ)
			nexus_read_failed(clone);
		else
			nexus_write_failed(clone);
	}
	while ((clone = bio_list_pop(&fixups)))
		nexus_write_fixup(clone);
	memalloc_noio_restore(noio);
}

/**
 * nexus_submit_bio() - the nexus's submit_bio entry point
 * @bio: a bio for the nexus block device
 */
void nexus_submit_bio(struct bio *bio)
{
	struct nexus_dev *nx = bio->bi_bdev->bd_disk->private_data;

	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	if (unlikely(!percpu_ref_tryget_live(&nx->io_ref))) {
		bio_io_error(bio);
		return;
	}
	/* A rebuild steps aside while foreground IO is about. */
	if (atomic_read(&nx->nr_rebuilds))
		WRITE_ONCE(nx->last_fg_io, jiffies);
	if (bio_op(bio) == REQ_OP_READ)
		nexus_submit_read(nx, bio, bio_start_io_acct(bio));
	else
		nexus_submit_write(nx, bio);
}

int nexus_io_init(struct nexus_dev *nx)
{
	int ret;

	spin_lock_init(&nx->fail_lock);
	bio_list_init(&nx->failed_clones);
	bio_list_init(&nx->fixups);
	spin_lock_init(&nx->excl_lock);
	spin_lock_init(&nx->hold_lock);
	bio_list_init(&nx->held);
	atomic_set(&nx->excl_seq, 0);
	nx->excl_durable = 0;
	INIT_WORK(&nx->fail_work, nexus_fail_work);
	INIT_WORK(&nx->order_work, nexus_order_work);

	ret = nexus_region_init(nx);
	if (ret)
		return ret;
	BUILD_BUG_ON(NEXUS_POOL_SIZE < NEXUS_MAX_CHILDREN);
	mutex_init(&nx->clone_mutex);
	ret = bioset_init(&nx->bs, NEXUS_POOL_SIZE,
			  offsetof(struct nexus_clone, bio), BIOSET_NEED_RESCUER);
	if (ret)
		goto exit_region;
	return 0;

exit_region:
	nexus_region_exit(nx);
	return ret;
}

/* Context: process; no bio of @nx is in flight any more. */
void nexus_io_exit(struct nexus_dev *nx)
{
	flush_work(&nx->fail_work);
	flush_work(&nx->order_work);
	bioset_exit(&nx->bs);
	nexus_region_exit(nx);
}

int nexus_io_module_init(void)
{
	/* Faulting a child is part of completing IO: it must run under reclaim. */
	nexus_wq = alloc_workqueue("nexus", WQ_MEM_RECLAIM, 0);
	return nexus_wq ? 0 : -ENOMEM;
}

void nexus_io_module_exit(void)
{
	destroy_workqueue(nexus_wq);
}
