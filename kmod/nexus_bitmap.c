// SPDX-License-Identifier: GPL-2.0
/*
 * The write-intent bitmap: one bit per region, kept on every writable
 * child at NEXUS_BITMAP_OFFSET of its metadata area, in the on-disk
 * (little-endian) bit order in memory too, so a block is written as is.
 *
 * Protocol.  A write to region r holds pending[] of r's bucket (from
 * nexus_write_enter()) from submit to completion.  Before it is sent to any
 * child, nexus_bitmap_defer() looks at @ondisk, the bits known durable:
 *  - set: the write goes straight on (the fast path, no lock);
 *  - clear: the bit is set in @bits, its block marked dirty, and the write
 *    queued on @deferred for the bitmap worker, which writes every dirty
 *    block (FUA) to every writable child, copies what it wrote into
 *    @ondisk and then sends on the writes whose bits are now durable.
 *    Every writer that arrives during one block write shares the next one,
 *    and a sequential writer pays once per region.
 * "Durable" is on the writable children whose block write succeeded: a
 * round counts what it wrote as on disk even where a child's write failed
 * (that child is faulted after the round, and fast-path writes reach it
 * until then), and a child that joins is sent the whole bitmap in the
 * background (nexus_bitmap_kick_all()) while it already takes writes.
 * Assembly resyncs the union of the sources' bitmaps, which covers both
 * as long as one of the children that have the bit is still a source; a
 * block write that failed on every child leaves the bit durable nowhere.
 * The sweeper runs every bitmap_grace_ms: a set bit whose region was not
 * written since the previous sweep (@touched) and has no write in flight
 * (pending[] of its bucket is zero) is cleared in @bits and @ondisk, and
 * the block goes out with PREFLUSH first, so the data the clear vouches for
 * is durable before it.  The sweep and the writer's lock-free test of
 * @ondisk are ordered like the region barrier: the writer raises pending,
 * then (after a full barrier, in nexus_write_enter()) tests @ondisk; the
 * sweep clears the bit in @ondisk, then (after a full barrier) looks at
 * pending again and puts the bit back if a write is in flight.  At least
 * one of them sees the other; a writer that saw the bit clear takes @lock
 * and looks again.
 * Nothing is cleared while any member is behind by the bitmap (OFFLINE,
 * catching up, missing, faulted by an IO error): the bitmap then records
 * what that member missed.
 *
 * Faulted members.  A child that faults on an IO error may have lost with
 * its volatile cache writes it had acknowledged: a clear bit vouches for
 * its data only if it flushed after the bit was cleared.  Each sweep that
 * clears bits takes a new @clear_gen first; a child whose PREFLUSH block
 * write then succeeds has flushed for it (c->bm_vouched).  A faulted child
 * that vouched for every clear is behind by the bitmap only; one that did
 * not needs a full copy (nexus_member_state_of()).  A sweep looks at the
 * members again after taking its generation, and a faulting child at the
 * generation after publishing its state (both with a full barrier), so a
 * fault is either seen by the sweep, which then clears nothing, or sees
 * the new generation.
 *
 * Putting bits back.  A target lost under steady writes usually misses the
 * flush of a sweep's clears (the block write that carries it fails, or
 * hangs until the transport gives up), and would then need a full copy.
 * So the sweeps note what they clear in @cleared[@cur]; the round that
 * writes those blocks with PREFLUSH takes that map as the one its flush
 * vouches for and turns @cur to the other.  After the round the map is
 * emptied, its bits first put back into @bits when the round failed on a
 * child, a child awaits its fault (c->bm_excluded), or a child faulted
 * and its member state is not decided yet: some child did not flush for
 * them.  When a child faults on an IO error without having vouched for
 * every clear, nexus_bitmap_settle_fault() puts back what the sweeps
 * cleared since the last round and writes every dirty block to the
 * children left, before its member state goes to the labels; it then
 * vouches for the current generation and is behind by the bitmap only.
 * (Clears wait meanwhile: nexus_bm_may_clear().)  A child whose block write
 * fails is left out of later rounds and faulted by the worker between
 * rounds, never inside one, so no round runs within another.
 *
 * Locks: @write_mutex serialises rounds (the worker's and the fault
 * path's) and is taken outside @lock; a round never waits for a state
 * change, and nothing that holds @write_mutex is waited for by a round.
 *
 * No allocation on the IO path: bios come from @bs (GFP_NOIO cannot fail)
 * and the block buffers are preallocated.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "nexus.h"

static unsigned int bitmap_grace_ms = 5000;
module_param(bitmap_grace_ms, uint, 0644);
MODULE_PARM_DESC(bitmap_grace_ms,
		 "idle time before a region's write-intent bit is cleared, ms (>= 100)");

#define NEXUS_BM_BLOCK_BITS	(NEXUS_BITMAP_BLOCK * 8)
#define NEXUS_BM_BUFS		8	/* blocks written per round */
#define NEXUS_BM_POOL		64

static struct workqueue_struct *nexus_bm_wq;

struct nexus_bitmap {
	struct nexus_dev *nx;
	unsigned long nr_regions;
	unsigned int nr_blocks;

	spinlock_t lock;		/* everything up to @deferred */
	void *bits;			/* LE: bits wanted on disk */
	void *ondisk;			/* LE: bits known durable */
	unsigned long *touched;		/* regions written since the last sweep */
	unsigned long *blk_dirty;	/* blocks of @bits not yet written */
	bool flush_first;		/* a dirty block clears bits */
	unsigned long clear_gen;	/* sweeps that cleared bits, so far */
	unsigned long weight;		/* bits set in @bits */
	struct bio_list deferred;	/* writes waiting for their bit */
	unsigned long *cleared[2];	/* native: regions the sweeps cleared */
	unsigned long nr_cleared[2];	/* bits set in each */
	unsigned int cur;		/* @cleared[@cur] takes new clears */
	unsigned long clears;		/* bits the sweeps cleared, so far */
	struct list_head to_fault;	/* children whose block write failed */

	struct work_struct work;	/* writes dirty blocks */
	struct delayed_work sweep;	/* clears idle bits */
	bool stopping;

	/* Under @write_mutex: one round at a time. */
	struct mutex write_mutex;
	struct bio_set bs;
	struct page *pages[NEXUS_BM_BUFS];
	unsigned int page_block[NEXUS_BM_BUFS];
	atomic_t in_flight;
	struct completion done;
	unsigned long failed;		/* slots whose block write failed */
	unsigned long snap_gen;		/* @clear_gen when the blocks were taken */
};

/*
 * Regions one step of a long walk over the bitmap looks at, with @lock
 * held: the lock is dropped between steps, so that no writer that needs it
 * waits for a walk over millions of regions.
 */
#define NEXUS_BM_STEP		8192UL

static unsigned long nexus_bm_grace(void)
{
	return msecs_to_jiffies(max(READ_ONCE(bitmap_grace_ms), 100U));
}

u32 nexus_bitmap_bytes(struct nexus_dev *nx)
{
	return nx->bitmap ? nx->bitmap->nr_blocks * NEXUS_BITMAP_BLOCK : 0;
}

static unsigned int nexus_bm_blocks_for(unsigned long regions)
{
	return DIV_ROUND_UP(regions, NEXUS_BM_BLOCK_BITS);
}

/**
 * nexus_bitmap_check_fit() - bound the number of regions
 * @nx: the nexus, size known
 * @grow: the region size was not asked for: double it until it fits
 * @extack: why not
 *
 * With or without a bitmap: its area on disk bounds the regions, and so
 * the dirty map each child keeps in memory.
 */
int nexus_bitmap_check_fit(struct nexus_dev *nx, bool grow,
			   struct netlink_ext_ack *extack)
{
	while ((u64)nexus_bm_blocks_for(nexus_nr_regions(nx)) * NEXUS_BITMAP_BLOCK >
	       NEXUS_BITMAP_MAX_BYTES) {
		if (!grow || nx->region_size >= (1U << 30)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "region size too small for a nexus of this size (too many regions)");
			return -EINVAL;
		}
		nx->region_size <<= 1;
	}
	return 0;
}

static void nexus_bm_free(struct nexus_bitmap *bm)
{
	unsigned int i;

	for (i = 0; i < NEXUS_BM_BUFS; i++)
		if (bm->pages[i])
			__free_page(bm->pages[i]);
	bioset_exit(&bm->bs);
	kvfree(bm->bits);
	kvfree(bm->ondisk);
	bitmap_free(bm->touched);
	bitmap_free(bm->blk_dirty);
	bitmap_free(bm->cleared[0]);
	bitmap_free(bm->cleared[1]);
	kfree(bm);
}

static int nexus_bm_alloc_maps(struct nexus_bitmap *bm)
{
	size_t bytes = (size_t)bm->nr_blocks * NEXUS_BITMAP_BLOCK;
	unsigned int i;

	bm->bits = kvzalloc(bytes, GFP_KERNEL);
	bm->ondisk = kvzalloc(bytes, GFP_KERNEL);
	bm->touched = bitmap_zalloc(bm->nr_regions, GFP_KERNEL);
	bm->blk_dirty = bitmap_zalloc(bm->nr_blocks, GFP_KERNEL);
	bm->cleared[0] = bitmap_zalloc(bm->nr_regions, GFP_KERNEL);
	bm->cleared[1] = bitmap_zalloc(bm->nr_regions, GFP_KERNEL);
	if (!bm->bits || !bm->ondisk || !bm->touched || !bm->blk_dirty ||
	    !bm->cleared[0] || !bm->cleared[1])
		return -ENOMEM;
	for (i = 0; i < NEXUS_BM_BUFS; i++) {
		bm->pages[i] = alloc_page(GFP_KERNEL);
		if (!bm->pages[i])
			return -ENOMEM;
	}
	return bioset_init(&bm->bs, NEXUS_BM_POOL, 0, BIOSET_NEED_BVECS);
}

static void nexus_bm_work(struct work_struct *work);
static void nexus_bm_sweep(struct work_struct *work);

/**
 * nexus_bitmap_create() - an all-clear bitmap for @nx, its size known
 * @nx: the nexus
 *
 * Context: process.  Return: 0 or -ENOMEM.
 */
int nexus_bitmap_create(struct nexus_dev *nx)
{
	struct nexus_bitmap *bm;
	int ret;

	bm = kzalloc(sizeof(*bm), GFP_KERNEL);
	if (!bm)
		return -ENOMEM;
	bm->nx = nx;
	bm->nr_regions = nexus_nr_regions(nx);
	bm->nr_blocks = nexus_bm_blocks_for(bm->nr_regions);
	spin_lock_init(&bm->lock);
	mutex_init(&bm->write_mutex);
	bio_list_init(&bm->deferred);
	INIT_LIST_HEAD(&bm->to_fault);
	INIT_WORK(&bm->work, nexus_bm_work);
	INIT_DELAYED_WORK(&bm->sweep, nexus_bm_sweep);
	init_completion(&bm->done);
	ret = nexus_bm_alloc_maps(bm);
	if (ret) {
		nexus_bm_free(bm);
		return ret;
	}
	nx->bitmap = bm;
	queue_delayed_work(system_wq, &bm->sweep, nexus_bm_grace());
	return 0;
}

/* Context: process; no write of @nx is in flight any more. */
void nexus_bitmap_destroy(struct nexus_dev *nx)
{
	struct nexus_bitmap *bm = nx->bitmap;

	if (!bm)
		return;
	WRITE_ONCE(bm->stopping, true);
	cancel_delayed_work_sync(&bm->sweep);
	flush_work(&bm->work);
	WARN_ON_ONCE(!bio_list_empty(&bm->deferred));
	WARN_ON_ONCE(!list_empty(&bm->to_fault));
	WRITE_ONCE(nx->bitmap, NULL);
	/* Replies read the bitmap's weight under RCU. */
	synchronize_rcu();
	nexus_bm_free(bm);
}

/**
 * nexus_bitmap_defer() - hold a write until its region's bit is durable
 * @nx: the nexus
 * @region: the region the write lies in (its pending[] is held)
 * @bio: the write
 *
 * Context: process (submit_bio).  Return: true if @bio was queued; the
 * bitmap worker sends it on with nexus_write_dispatch().
 */
bool nexus_bitmap_defer(struct nexus_dev *nx, unsigned long region,
			struct bio *bio)
{
	struct nexus_bitmap *bm = nx->bitmap;

	if (!bm)
		return false;
	if (!test_bit(region, bm->touched))
		set_bit(region, bm->touched);
	if (likely(test_bit_le(region, bm->ondisk)))
		return false;

	spin_lock(&bm->lock);
	if (test_bit_le(region, bm->ondisk)) {
		spin_unlock(&bm->lock);
		return false;
	}
	if (!test_bit_le(region, bm->bits)) {
		__set_bit_le(region, bm->bits);
		__set_bit(region / NEXUS_BM_BLOCK_BITS, bm->blk_dirty);
		WRITE_ONCE(bm->weight, bm->weight + 1);
	}
	bio_list_add(&bm->deferred, bio);
	spin_unlock(&bm->lock);
	queue_work(nexus_bm_wq, &bm->work);
	return true;
}

/* Copy up to NEXUS_BM_BUFS dirty blocks into the buffers.  Under @lock. */
static unsigned int nexus_bm_snapshot(struct nexus_bitmap *bm, bool *flush)
{
	unsigned int n = 0, b = 0;

	while (n < NEXUS_BM_BUFS &&
	       (b = find_next_bit(bm->blk_dirty, bm->nr_blocks, b)) < bm->nr_blocks) {
		memcpy(page_address(bm->pages[n]),
		       bm->bits + (size_t)b * NEXUS_BITMAP_BLOCK,
		       NEXUS_BITMAP_BLOCK);
		bm->page_block[n++] = b;
		__clear_bit(b, bm->blk_dirty);
		b++;
	}
	*flush = bm->flush_first;
	bm->snap_gen = bm->clear_gen;
	if (bitmap_empty(bm->blk_dirty, bm->nr_blocks))
		bm->flush_first = false;
	return n;
}

static void nexus_bm_endio(struct bio *bio)
{
	struct nexus_child *c = bio->bi_private;
	struct nexus_bitmap *bm = c->nx->bitmap;

	if (bio->bi_status)
		set_bit(c->slot, &bm->failed);
	bio_put(bio);
	if (atomic_dec_and_test(&bm->in_flight))
		complete(&bm->done);
}

static void nexus_bm_submit(struct nexus_bitmap *bm, struct nexus_child *c,
			    unsigned int n, blk_opf_t opf)
{
	struct block_device *bdev = nexus_child_bdev(c);
	sector_t md = READ_ONCE(c->md_sector);
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 byte = NEXUS_BITMAP_OFFSET +
			   (u64)bm->page_block[i] * NEXUS_BITMAP_BLOCK;
		struct bio *bio = bio_alloc_bioset(bdev, 1, opf, GFP_NOIO, &bm->bs);

		bio->bi_iter.bi_sector = md + (byte >> SECTOR_SHIFT);
		bio->bi_private = c;
		bio->bi_end_io = nexus_bm_endio;
		__bio_add_page(bio, bm->pages[i], NEXUS_BITMAP_BLOCK, 0);
		atomic_inc(&bm->in_flight);
		submit_bio(bio);
	}
}

/*
 * A child's block write failed: leave it out of later rounds and have the
 * worker fault it after this round (nexus_bm_fault_failed()).  Takes over
 * the caller's reference.
 */
static void nexus_bm_child_failed(struct nexus_bitmap *bm, struct nexus_child *c)
{
	atomic64_inc(&c->errors);
	pr_err_ratelimited("%s: child %s: bitmap write error\n", bm->nx->name,
			   c->path);
	spin_lock(&bm->lock);
	WRITE_ONCE(c->bm_excluded, true);
	list_add_tail(&c->bm_fault_node, &bm->to_fault);
	spin_unlock(&bm->lock);
}

/*
 * Write the @n buffered blocks to every writable child not left out, and
 * wait.  Return: how many children failed.
 */
static unsigned int nexus_bm_write_blocks(struct nexus_bitmap *bm, unsigned int n,
					  bool flush)
{
	blk_opf_t opf = REQ_OP_WRITE | REQ_SYNC | REQ_META | REQ_FUA |
			(flush ? REQ_PREFLUSH : 0);
	struct nexus_child *used[NEXUS_MAX_CHILDREN];
	struct nexus_dev *nx = bm->nx;
	unsigned int s, nr = 0, failed = 0;

	rcu_read_lock();
	for (s = 0; s < NEXUS_MAX_CHILDREN; s++) {
		struct nexus_child *c = READ_ONCE(nx->children[s]);

		if (c && nexus_child_writable(c) && !READ_ONCE(c->bm_excluded)) {
			nexus_child_get(c);
			used[nr++] = c;
		}
	}
	rcu_read_unlock();

	bm->failed = 0;
	atomic_set(&bm->in_flight, 1);
	reinit_completion(&bm->done);
	for (s = 0; s < nr; s++)
		nexus_bm_submit(bm, used[s], n, opf);
	if (atomic_dec_and_test(&bm->in_flight))
		complete(&bm->done);
	wait_for_completion(&bm->done);

	for (s = 0; s < nr; s++) {
		struct nexus_child *c = used[s];

		if (test_bit(c->slot, &bm->failed)) {
			nexus_bm_child_failed(bm, c);
			failed++;
			continue;
		}
		/* What it acknowledged before is durable on it now. */
		if (flush)
			WRITE_ONCE(c->bm_vouched, bm->snap_gen);
		nexus_child_put(c);
	}
	return failed;
}

/*
 * What was written is on disk now.  A bit is durable only if it is both in
 * the block written and still wanted: the sweep may have cleared it since
 * the snapshot, and the block that clears it on disk is already due, so a
 * write must not count on it.  (@ondisk never holds a bit @bits lacks.)
 */
static void nexus_bm_commit(struct nexus_bitmap *bm, unsigned int n)
{
	unsigned int i, w;

	spin_lock(&bm->lock);
	for (i = 0; i < n; i++) {
		size_t off = (size_t)bm->page_block[i] * NEXUS_BITMAP_BLOCK;
		const unsigned long *written = page_address(bm->pages[i]);
		const unsigned long *wanted = bm->bits + off;
		unsigned long *ondisk = bm->ondisk + off;

		for (w = 0; w < NEXUS_BITMAP_BLOCK / sizeof(long); w++)
			WRITE_ONCE(ondisk[w], written[w] & wanted[w]);
	}
	spin_unlock(&bm->lock);
}

/* Send on every deferred write whose bit is durable now. */
static void nexus_bm_release(struct nexus_bitmap *bm)
{
	struct nexus_dev *nx = bm->nx;
	struct bio_list ready, wait;
	struct bio *bio;

	bio_list_init(&ready);
	bio_list_init(&wait);
	spin_lock(&bm->lock);
	while ((bio = bio_list_pop(&bm->deferred))) {
		unsigned long r = nexus_region_of(nx, bio->bi_iter.bi_sector);

		bio_list_add(test_bit_le(r, bm->ondisk) ? &ready : &wait, bio);
	}
	bio_list_merge(&bm->deferred, &wait);
	spin_unlock(&bm->lock);

	while ((bio = bio_list_pop(&ready)))
		nexus_write_dispatch(nx, bio,
				     nexus_region_of(nx, bio->bi_iter.bi_sector));
}

/* Has @c faulted, its member state (@m) not yet decided by the labels? */
static bool nexus_bm_fault_undecided(struct nexus_child *c,
				     enum nexus_member_state m)
{
	return READ_ONCE(c->state) == NEXUS_CHILD_FAULTED &&
	       m != NEXUS_MEMBER_FAULTED;
}

/* Did some child not flush for the clears a round's flush vouched for? */
static bool nexus_bm_someone_missed(struct nexus_bitmap *bm, bool failed)
{
	struct nexus_dev *nx = bm->nx;
	bool missed = failed;
	unsigned int s;

	rcu_read_lock();
	for (s = 0; s < NEXUS_MAX_CHILDREN && !missed; s++) {
		struct nexus_child *c = READ_ONCE(nx->children[s]);

		missed = c && (READ_ONCE(c->bm_excluded) ||
			       nexus_bm_fault_undecided(c, READ_ONCE(nx->members[s].state)));
	}
	rcu_read_unlock();
	return missed;
}

/*
 * Put the regions of @cleared[@map] back into @bits if @put_back, and
 * empty the map if @empty; a step of regions per hold of @lock.
 */
static void nexus_bm_fold(struct nexus_bitmap *bm, unsigned int map,
			  bool put_back, bool empty)
{
	unsigned long *cleared = bm->cleared[map];
	unsigned long r, from, to;

	if (!READ_ONCE(bm->nr_cleared[map]))
		return;
	for (from = 0; from < bm->nr_regions; from = to) {
		to = min(from + NEXUS_BM_STEP, bm->nr_regions);
		spin_lock(&bm->lock);
		for (r = find_next_bit(cleared, to, from); put_back && r < to;
		     r = find_next_bit(cleared, to, r + 1)) {
			if (test_bit_le(r, bm->bits))
				continue;
			__set_bit_le(r, bm->bits);
			__set_bit(r / NEXUS_BM_BLOCK_BITS, bm->blk_dirty);
			WRITE_ONCE(bm->weight, bm->weight + 1);
		}
		if (empty)
			bitmap_clear(cleared, from, to - from);
		spin_unlock(&bm->lock);
		cond_resched();
	}
	if (empty) {
		spin_lock(&bm->lock);
		bm->nr_cleared[map] = 0;
		spin_unlock(&bm->lock);
	}
}

/*
 * One round: write up to NEXUS_BM_BUFS dirty blocks to the children and
 * note what is durable.  Under @write_mutex.  Return: blocks written.
 */
static unsigned int nexus_bm_round(struct nexus_bitmap *bm)
{
	unsigned int n, failed;
	int covering = -1;
	bool flush;

	lockdep_assert_held(&bm->write_mutex);
	spin_lock(&bm->lock);
	n = nexus_bm_snapshot(bm, &flush);
	if (n && flush) {
		/* This flush vouches for the clears so far, not later ones. */
		covering = bm->cur;
		bm->cur ^= 1;
	}
	spin_unlock(&bm->lock);
	if (!n)
		return 0;
	failed = nexus_bm_write_blocks(bm, n, flush);
	nexus_bm_commit(bm, n);
	if (covering >= 0)
		nexus_bm_fold(bm, covering, nexus_bm_someone_missed(bm, failed), true);
	return n;
}

/* Fault the children whose block write failed.  Outside any round. */
static void nexus_bm_fault_failed(struct nexus_bitmap *bm)
{
	struct nexus_child *c;

	for (;;) {
		spin_lock(&bm->lock);
		c = list_first_entry_or_null(&bm->to_fault, struct nexus_child,
					     bm_fault_node);
		if (c)
			list_del_init(&c->bm_fault_node);
		spin_unlock(&bm->lock);
		if (!c)
			return;
		nexus_child_set_state(c, NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR);
		/* Faulted (or gone) now: it takes no block writes anyway. */
		WRITE_ONCE(c->bm_excluded, false);
		nexus_child_put(c);
	}
}

static void nexus_bm_work(struct work_struct *work)
{
	struct nexus_bitmap *bm = container_of(work, struct nexus_bitmap, work);
	unsigned int noio = memalloc_noio_save();
	unsigned int n;

	do {
		mutex_lock(&bm->write_mutex);
		n = nexus_bm_round(bm);
		mutex_unlock(&bm->write_mutex);
		nexus_bm_fault_failed(bm);
		nexus_bm_release(bm);
	} while (n);
	memalloc_noio_restore(noio);
}

/*
 * Is every member either in sync or beyond help from the bitmap?  A
 * faulted child is beyond help once the labels say it needs a full copy;
 * until they have said what it needs (nexus_member_state_of()), and while
 * they call it behind by the bitmap, nothing is cleared.
 */
static bool nexus_bm_may_clear(struct nexus_dev *nx)
{
	bool ok = true;
	unsigned int s;

	rcu_read_lock();
	for (s = 0; s < NEXUS_MAX_CHILDREN && ok; s++) {
		struct nexus_child *c = READ_ONCE(nx->children[s]);
		enum nexus_member_state m = READ_ONCE(nx->members[s].state);

		if (!c)
			ok = m != NEXUS_MEMBER_BITMAP;
		else if (READ_ONCE(c->state) == NEXUS_CHILD_FAULTED)
			ok = m == NEXUS_MEMBER_FAULTED;
		else
			ok = READ_ONCE(c->state) == NEXUS_CHILD_ONLINE &&
			     !READ_ONCE(c->bm_excluded);
	}
	rcu_read_unlock();
	return ok;
}

/*
 * Before a sweep clears its first bit: a new clear generation, then the
 * members looked at again.  A child that faults meanwhile either is seen
 * here (nothing is cleared) or sees the new generation when its member
 * state is decided (it has not flushed for it: a full copy).  Under @lock.
 */
static bool nexus_bm_begin_clear(struct nexus_bitmap *bm)
{
	WRITE_ONCE(bm->clear_gen, bm->clear_gen + 1);
	/* Pairs with smp_mb() in nexus_bitmap_vouched(). */
	smp_mb();
	if (nexus_bm_may_clear(bm->nx))
		return true;
	/*
	 * Nothing was cleared in it: take it back, or a child that faulted
	 * just now would not vouch for it (nexus_bitmap_settle_fault()).
	 * Readers of the generation hold @lock, as this does.
	 */
	WRITE_ONCE(bm->clear_gen, bm->clear_gen - 1);
	return false;
}

/*
 * Clear the idle bits of regions [@from, @to).  Under @lock.  *@begun
 * once this sweep has its clear generation.  Return: how many, or -1 when
 * the members say to stop.
 */
static long nexus_bm_clear_idle(struct nexus_bitmap *bm, unsigned long from,
				unsigned long to, bool *begun)
{
	struct nexus_dev *nx = bm->nx;
	unsigned long r;
	long cleared = 0;

	for (r = find_next_bit_le(bm->bits, to, from); r < to;
	     r = find_next_bit_le(bm->bits, to, r + 1)) {
		if (test_bit(r, bm->touched) || nexus_region_busy(nx, r))
			continue;
		if (!*begun) {
			if (!nexus_bm_begin_clear(bm))
				return -1;
			*begun = true;
		}
		/* Writers test @ondisk without the lock: see the top. */
		clear_bit_le(r, bm->ondisk);
		/* Pairs with smp_mb__after_atomic() in nexus_write_enter(). */
		smp_mb__after_atomic();
		if (nexus_region_busy(nx, r)) {
			set_bit_le(r, bm->ondisk);
			continue;
		}
		__clear_bit_le(r, bm->bits);
		__set_bit(r / NEXUS_BM_BLOCK_BITS, bm->blk_dirty);
		__set_bit(r, bm->cleared[bm->cur]);
		cleared++;
	}
	bitmap_clear(bm->touched, from, to - from);
	if (cleared) {
		bm->flush_first = true;
		WRITE_ONCE(bm->weight, bm->weight - cleared);
		bm->nr_cleared[bm->cur] += cleared;
		bm->clears += cleared;
	}
	return cleared;
}

static void nexus_bm_sweep(struct work_struct *work)
{
	struct nexus_bitmap *bm = container_of(to_delayed_work(work),
					       struct nexus_bitmap, sweep);
	unsigned long cleared = 0, from, to;
	bool begun = false;
	long n = 0;

	nexus_meta_follow_growth(bm->nx);
	for (from = 0; from < bm->nr_regions && n >= 0 &&
	     nexus_bm_may_clear(bm->nx); from = to) {
		to = min(from + NEXUS_BM_STEP, bm->nr_regions);
		spin_lock(&bm->lock);
		n = nexus_bm_clear_idle(bm, from, to, &begun);
		spin_unlock(&bm->lock);
		if (n > 0)
			cleared += n;
		cond_resched();
	}
	if (cleared)
		queue_work(nexus_bm_wq, &bm->work);
	if (!READ_ONCE(bm->stopping))
		queue_delayed_work(system_wq, &bm->sweep, nexus_bm_grace());
}

/* Rewrite every block (new members, assembly), in the background. */
void nexus_bitmap_kick_all(struct nexus_dev *nx)
{
	struct nexus_bitmap *bm = nx->bitmap;

	spin_lock(&bm->lock);
	bitmap_fill(bm->blk_dirty, bm->nr_blocks);
	spin_unlock(&bm->lock);
	queue_work(nexus_bm_wq, &bm->work);
}

/* Write whatever is dirty now and wait for it.  Context: process. */
void nexus_bitmap_flush(struct nexus_dev *nx)
{
	if (!nx->bitmap)
		return;
	queue_work(nexus_bm_wq, &nx->bitmap->work);
	flush_work(&nx->bitmap->work);
}

/* Write the whole bitmap to every writable child now. */
void nexus_bitmap_write_all(struct nexus_dev *nx)
{
	if (!nx->bitmap)
		return;
	nexus_bitmap_kick_all(nx);
	flush_work(&nx->bitmap->work);
}

/**
 * nexus_bitmap_load() - add @c's on-disk bits to the bitmap
 * @nx: the nexus being assembled, no IO yet
 * @c: a child in sync
 *
 * Bits past the last region are dropped.  Context: process.
 */
int nexus_bitmap_load(struct nexus_dev *nx, struct nexus_child *c)
{
	struct nexus_bitmap *bm = nx->bitmap;
	struct page *page = bm->pages[0];
	unsigned int b, i;
	unsigned long r;
	int ret;

	for (b = 0; b < bm->nr_blocks; b++) {
		const unsigned long *src = page_address(page);
		unsigned long *dst = bm->bits + (size_t)b * NEXUS_BITMAP_BLOCK;

		ret = nexus_md_io(c, NEXUS_BITMAP_OFFSET + (u64)b * NEXUS_BITMAP_BLOCK,
				  page, NEXUS_BITMAP_BLOCK, REQ_OP_READ | REQ_META);
		if (ret)
			return ret;
		for (i = 0; i < NEXUS_BITMAP_BLOCK / sizeof(long); i++)
			dst[i] |= src[i];
	}
	for (r = bm->nr_regions; r < (unsigned long)bm->nr_blocks * NEXUS_BM_BLOCK_BITS; r++)
		__clear_bit_le(r, bm->bits);
	memcpy(bm->ondisk, bm->bits, (size_t)bm->nr_blocks * NEXUS_BITMAP_BLOCK);
	bm->weight = 0;
	for (r = find_next_bit_le(bm->bits, bm->nr_regions, 0); r < bm->nr_regions;
	     r = find_next_bit_le(bm->bits, bm->nr_regions, r + 1))
		bm->weight++;
	return 0;
}

/*
 * Set in @dirty (a native bitmap of regions) every bit of the bitmap.
 * Context: process; no bit is cleared meanwhile (a member is behind).
 */
void nexus_bitmap_to_dirty(struct nexus_dev *nx, unsigned long *dirty)
{
	struct nexus_bitmap *bm = nx->bitmap;
	unsigned long r, from, to;

	for (from = 0; from < bm->nr_regions; from = to) {
		to = min(from + NEXUS_BM_STEP, bm->nr_regions);
		spin_lock(&bm->lock);
		for (r = find_next_bit_le(bm->bits, to, from); r < to;
		     r = find_next_bit_le(bm->bits, to, r + 1))
			set_bit(r, dirty);
		spin_unlock(&bm->lock);
		cond_resched();
	}
}

/*
 * A child joins (added, back, assembled): the bits cleared before it came
 * are none of its concern.  Context: before it is published.
 */
void nexus_bitmap_vouch_new(struct nexus_child *c)
{
	struct nexus_bitmap *bm = c->nx->bitmap;

	if (!bm)
		return;
	spin_lock(&bm->lock);
	c->bm_vouched = bm->clear_gen;
	spin_unlock(&bm->lock);
}

/*
 * Did @c flush, successfully, after every sweep that cleared bits?  If so
 * the data of every region whose bit is clear is durable on it, and a @c
 * that faulted or went offline needs only the bitmap's regions when it
 * returns.
 * Context: once @c's FAULTED or OFFLINE state is published.
 */
bool nexus_bitmap_vouched(struct nexus_child *c)
{
	struct nexus_bitmap *bm = c->nx->bitmap;
	bool vouched;

	if (!bm)
		return false;
	/* Pairs with smp_mb() in nexus_bm_begin_clear(). */
	smp_mb();
	spin_lock(&bm->lock);
	vouched = READ_ONCE(c->bm_vouched) == bm->clear_gen;
	spin_unlock(&bm->lock);
	return vouched;
}

/*
 * Does the bitmap hold every region that @c, back after a fault or an
 * offline, may be missing?  Not without a bitmap, nor if @c was taken out
 * before its first copy from scratch was done, nor if it does not vouch
 * for the clears (above): then it needs a full copy, as md re-adds a
 * device without a bitmap.  The labels (nexus_member_state_of()) and
 * `child online` (nexus_child_offline_dirty()) decide by this alone.
 * Context: as nexus_bitmap_vouched().
 */
bool nexus_bitmap_covers(struct nexus_child *c)
{
	return !c->needs_full && nexus_bitmap_vouched(c);
}

/**
 * nexus_bitmap_settle_fault() - keep a faulted child behind by the bitmap
 * @c: a child whose FAULTED state is published, its member state not yet
 *
 * If @c faulted on an IO error and did not flush for every clear, the bits
 * the sweeps cleared since the last round are put back (the rounds put
 * back their own when a child missed them) and every dirty block is
 * written to the children left; then @c vouches for the current clear
 * generation, and its member state says it is behind by the bitmap only.
 * Clears wait meanwhile (nexus_bm_may_clear()); if a sweep that was under
 * way cleared a bit all the same, @c is left needing a full copy.
 * Context: process, outside the bitmap's rounds (they never fault a child).
 */
void nexus_bitmap_settle_fault(struct nexus_child *c)
{
	struct nexus_bitmap *bm = c->nx->bitmap;
	unsigned long clears;

	if (!bm || !nexus_child_fault_is_io(c) || c->needs_full ||
	    nexus_bitmap_vouched(c))
		return;
	mutex_lock(&bm->write_mutex);
	spin_lock(&bm->lock);
	clears = bm->clears;
	spin_unlock(&bm->lock);
	nexus_bm_fold(bm, 0, true, false);
	nexus_bm_fold(bm, 1, true, false);
	while (nexus_bm_round(bm))
		;
	spin_lock(&bm->lock);
	if (bm->clears == clears)
		WRITE_ONCE(c->bm_vouched, bm->clear_gen);
	spin_unlock(&bm->lock);
	mutex_unlock(&bm->write_mutex);
	/* Writes whose bits those rounds made durable; children they failed. */
	queue_work(nexus_bm_wq, &bm->work);
}

/**
 * nexus_bitmap_pause() - hold off the bitmap's rounds
 * @nx: the nexus
 *
 * A round reads a child's metadata place once and writes its blocks there.
 * While nexus_md_follow_growth() moves that place, a round at the old one
 * could write over the new one (they overlap after a growth smaller than
 * the area) after the move had set it all, or over the label just written
 * there.  Writes waiting for their bits wait meanwhile: the move writes
 * every bitmap block (up to 1008) one after the other.
 * Context: process, meta_mutex held (taken before @write_mutex).
 * Return: what to give nexus_bitmap_resume(); NULL without a bitmap.
 */
struct nexus_bitmap *nexus_bitmap_pause(struct nexus_dev *nx)
{
	struct nexus_bitmap *bm = nx->bitmap;

	if (bm)
		mutex_lock(&bm->write_mutex);
	return bm;
}

void nexus_bitmap_resume(struct nexus_bitmap *bm)
{
	if (bm)
		mutex_unlock(&bm->write_mutex);
}

/* Regions whose bit is set; for replies (under RCU), so asking costs nothing. */
unsigned long nexus_bitmap_weight(struct nexus_dev *nx)
{
	struct nexus_bitmap *bm = READ_ONCE(nx->bitmap);

	return bm ? READ_ONCE(bm->weight) : 0;
}

int nexus_bitmap_module_init(void)
{
	/* Writes wait for it: it must make progress under reclaim. */
	nexus_bm_wq = alloc_workqueue("nexus_bitmap", WQ_MEM_RECLAIM, 0);
	return nexus_bm_wq ? 0 : -ENOMEM;
}

void nexus_bitmap_module_exit(void)
{
	destroy_workqueue(nexus_bm_wq);
}
