// SPDX-License-Identifier: GPL-2.0
/*
 * Scrub: compare the ONLINE children of a nexus region by region while IO
 * continues (NEXUS_CMD_NEXUS_CHECK), and on request make the others match
 * the first ONLINE child where they differ (md's "check" and "repair").
 *
 * Each region is compared under its barrier (nexus_copy_enter(), as the
 * rebuild copies): writes already in the region drain first and new ones
 * wait, so every child is read with no write half done and a write in
 * flight is never counted as a mismatch.  A repair writes the first
 * child's data to the others before the barrier drops, so no foreground
 * write to the region can be overtaken by it.
 *
 * Only ONLINE children take part: the others do not hold every write.  A
 * rebuild interrupts a scrub (nexus_scrub_stop() from nexus_rebuild_start())
 * and a scrub is refused while a rebuild runs, as md does: the two would
 * otherwise be inside the same region at once, and a rebuild could copy a
 * stale copy that the repair is rewriting.  That also means the set of
 * ONLINE children can only shrink while a scrub runs, which bounds its
 * buffers: one chunk per child ONLINE when it started.
 *
 * One work item per nexus, on a workqueue of its own made at the first
 * check.  WQ_UNBOUND: it sleeps on IO for long stretches and should not
 * occupy a per-CPU pool.  Not WQ_MEM_RECLAIM: nothing that frees memory
 * waits for a scrub, so it needs no rescuer thread.  The worker never
 * takes the configuration locks: netlink handlers hold the nexus's cfg_lock
 * while they wait for it.  nx->scrub is set under cfg_lock and read by
 * replies and events under RCU.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/highmem.h>
#include <linux/math64.h>
#include <linux/sched/mm.h>
#include <linux/timekeeping.h>

#include "nexus.h"

static unsigned int scrub_rate_mib;
module_param(scrub_rate_mib, uint, 0644);
MODULE_PARM_DESC(scrub_rate_mib,
		 "scrub rate limit in MiB/s of the nexus when its rebuild rate is 0; 0 = unlimited");

#define NEXUS_SCRUB_CHUNK	(256U << 10)
#define NEXUS_SCRUB_PAGES	(NEXUS_SCRUB_CHUNK >> PAGE_SHIFT)

/* One child's chunk: a bio over pages of its own. */
struct nexus_scrub_buf {
	struct nexus_scrub *sc;
	struct nexus_child *child;	/* with an inflight reference */
	struct bio bio;
	struct bio_vec bvecs[NEXUS_SCRUB_PAGES];
	struct page *pages[NEXUS_SCRUB_PAGES];
	blk_status_t status;
	bool differs;			/* this chunk, from bufs[0]'s */
};

struct nexus_scrub {
	struct nexus_dev *nx;
	struct workqueue_struct *wq;
	struct work_struct work;
	wait_queue_head_t wait;		/* IO completions, stop */
	atomic_t in_flight;
	unsigned long rate_base_jiffies;
	u64 rate_base_done;
	unsigned long last_event;

	/* Written by the worker (or start), read by netlink without a lock. */
	enum nexus_scrub_state state;
	enum nexus_scrub_mode mode;
	u64 done, total, mismatches, repaired;
	u64 listed[NEXUS_SCRUB_MAX_LISTED];
	unsigned int nr_listed;		/* published after listed[] */
	bool truncated;
	time64_t started, ended;

	bool stop;			/* request, read between regions */
	unsigned int nr_bufs;
	struct nexus_scrub_buf *bufs[NEXUS_MAX_CHILDREN];
};

enum nexus_scrub_result { SCRUB_SAME, SCRUB_DIFFERS, SCRUB_TOO_FEW };

static void nexus_scrub_free_bufs(struct nexus_scrub *sc)
{
	unsigned int i, p;

	for (i = 0; i < sc->nr_bufs; i++) {
		for (p = 0; p < NEXUS_SCRUB_PAGES; p++)
			if (sc->bufs[i]->pages[p])
				__free_page(sc->bufs[i]->pages[p]);
		kfree(sc->bufs[i]);
		sc->bufs[i] = NULL;
	}
	sc->nr_bufs = 0;
}

static int nexus_scrub_alloc_bufs(struct nexus_scrub *sc, unsigned int n)
{
	struct nexus_scrub_buf *buf;
	unsigned int p;

	while (sc->nr_bufs < n) {
		buf = kzalloc(sizeof(*buf), GFP_KERNEL);
		if (!buf)
			goto fail;
		buf->sc = sc;
		sc->bufs[sc->nr_bufs++] = buf;
		for (p = 0; p < NEXUS_SCRUB_PAGES; p++) {
			buf->pages[p] = alloc_page(GFP_KERNEL);
			if (!buf->pages[p])
				goto fail;
		}
	}
	return 0;
fail:
	nexus_scrub_free_bufs(sc);
	return -ENOMEM;
}

static void nexus_scrub_endio(struct bio *bio)
{
	struct nexus_scrub_buf *buf = container_of(bio, struct nexus_scrub_buf, bio);
	struct nexus_scrub *sc = buf->sc;

	buf->status = bio->bi_status;
	if (atomic_dec_and_test(&sc->in_flight))
		wake_up_all(&sc->wait);
}

/* Submit @buf's bio to its child, over the pages of @data. */
static void nexus_scrub_submit(struct nexus_scrub_buf *buf,
			       struct nexus_scrub_buf *data, blk_opf_t opf,
			       sector_t sector, unsigned int bytes)
{
	unsigned int p;

	bio_init(&buf->bio, nexus_child_bdev(buf->child), buf->bvecs,
		 NEXUS_SCRUB_PAGES, opf);
	buf->bio.bi_iter.bi_sector = sector;
	buf->bio.bi_end_io = nexus_scrub_endio;
	buf->status = BLK_STS_OK;
	for (p = 0; bytes; p++) {
		unsigned int len = min_t(unsigned int, bytes, PAGE_SIZE);

		__bio_add_page(&buf->bio, data->pages[p], len, 0);
		bytes -= len;
	}
	atomic_inc(&buf->sc->in_flight);
	submit_bio(&buf->bio);
}

static void nexus_scrub_wait(struct nexus_scrub *sc)
{
	wait_event(sc->wait, !atomic_read(&sc->in_flight));
}

/*
 * Take the ONLINE children, up to one per buffer, each with an inflight
 * reference so that a remove waits for this region.  Returns how many.
 */
static unsigned int nexus_scrub_get_children(struct nexus_scrub *sc)
{
	struct nexus_dev *nx = sc->nx;
	unsigned int i, n = 0;
	struct nexus_child *c;

	rcu_read_lock();
	for (i = 0; i < NEXUS_MAX_CHILDREN && n < sc->nr_bufs; i++) {
		c = READ_ONCE(nx->children[i]);
		if (c && nexus_child_readable(c)) {
			nexus_child_get(c);
			sc->bufs[n++]->child = c;
		}
	}
	rcu_read_unlock();
	return n;
}

static void nexus_scrub_put_children(struct nexus_scrub *sc, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		nexus_child_put(sc->bufs[i]->child);
		sc->bufs[i]->child = NULL;
	}
}

/*
 * A failed scrub IO faults its child, as the IO path does: a read error
 * not the last ONLINE child (nexus_child_fault_read()).
 */
static bool nexus_scrub_fault_failed(struct nexus_scrub *sc, unsigned int n,
				     bool write)
{
	bool failed = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nexus_child *c = sc->bufs[i]->child;

		if (!sc->bufs[i]->status)
			continue;
		failed = true;
		atomic64_inc(&c->errors);
		pr_err_ratelimited("%s: scrub: %s error on child %s\n",
				   sc->nx->name, write ? "write" : "read", c->path);
		if (write)
			nexus_child_set_state(c, NEXUS_CHILD_FAULTED,
					      NEXUS_REASON_IO_ERROR);
		else
			nexus_child_fault_read(c);
	}
	return failed;
}

/* Compare every chunk with bufs[0]'s, page by page. */
static bool nexus_scrub_compare(struct nexus_scrub *sc, unsigned int n,
				unsigned int bytes)
{
	unsigned int i, p, pages = DIV_ROUND_UP(bytes, PAGE_SIZE);
	bool any = false;

	for (i = 1; i < n; i++) {
		struct nexus_scrub_buf *buf = sc->bufs[i];

		buf->differs = false;
		for (p = 0; p < pages && !buf->differs; p++) {
			unsigned int len = min_t(unsigned int,
						 bytes - p * PAGE_SIZE, PAGE_SIZE);
			void *a = kmap_local_page(sc->bufs[0]->pages[p]);
			void *b = kmap_local_page(buf->pages[p]);

			buf->differs = memcmp(a, b, len) != 0;
			kunmap_local(b);
			kunmap_local(a);
		}
		any |= buf->differs;
	}
	return any;
}

/* Write bufs[0]'s chunk to every child whose chunk differed. */
static void nexus_scrub_rewrite(struct nexus_scrub *sc, unsigned int n,
				sector_t sector, unsigned int bytes)
{
	unsigned int i;

	for (i = 1; i < n; i++) {
		sc->bufs[i]->status = BLK_STS_OK;
		if (sc->bufs[i]->differs)
			nexus_scrub_submit(sc->bufs[i], sc->bufs[0], REQ_OP_WRITE,
					   sector, bytes);
	}
	nexus_scrub_wait(sc);
	for (i = 1; i < n; i++)
		if (sc->bufs[i]->differs)
			bio_uninit(&sc->bufs[i]->bio);
	nexus_scrub_fault_failed(sc, n, true);
}

enum nexus_chunk_result { CHUNK_SAME, CHUNK_DIFFERS, CHUNK_READ_FAILED };

static enum nexus_chunk_result nexus_scrub_chunk(struct nexus_scrub *sc,
						 unsigned int n, sector_t sector,
						 unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		nexus_scrub_submit(sc->bufs[i], sc->bufs[i], REQ_OP_READ,
				   sector, bytes);
	nexus_scrub_wait(sc);
	for (i = 0; i < n; i++)
		bio_uninit(&sc->bufs[i]->bio);
	if (nexus_scrub_fault_failed(sc, n, false))
		return CHUNK_READ_FAILED;
	if (!nexus_scrub_compare(sc, n, bytes))
		return CHUNK_SAME;
	if (sc->mode == NEXUS_SCRUB_REPAIR)
		nexus_scrub_rewrite(sc, n, sector, bytes);
	return CHUNK_DIFFERS;
}

/*
 * Compare (and repair) sectors [@start, @end) of the children now ONLINE.
 * A read error faults the child and starts the region over without it.
 */
static enum nexus_scrub_result nexus_scrub_range(struct nexus_scrub *sc,
						 sector_t start, sector_t end)
{
	enum nexus_scrub_result res;
	sector_t sector;
	unsigned int n;

again:
	n = nexus_scrub_get_children(sc);
	res = n < 2 ? SCRUB_TOO_FEW : SCRUB_SAME;
	for (sector = start; sector < end && res != SCRUB_TOO_FEW; ) {
		unsigned int bytes = min_t(u64, NEXUS_SCRUB_CHUNK,
					   (u64)(end - sector) << SECTOR_SHIFT);

		switch (nexus_scrub_chunk(sc, n, sector, bytes)) {
		case CHUNK_READ_FAILED:
			nexus_scrub_put_children(sc, n);
			goto again;
		case CHUNK_DIFFERS:
			res = SCRUB_DIFFERS;
			break;
		case CHUNK_SAME:
			break;
		}
		sector += bytes >> SECTOR_SHIFT;
	}
	nexus_scrub_put_children(sc, n);
	return res;
}

/*
 * The children that are catching up or OFFLINE missed the repair: mark the
 * region for their catch-up (in memory only; members away, FAULTED ones
 * and, after a crash, these keep their own copy: docs/netlink.md).
 */
static void nexus_scrub_mark_others(struct nexus_dev *nx, unsigned long region)
{
	struct nexus_child *c;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < NEXUS_MAX_CHILDREN; i++) {
		c = READ_ONCE(nx->children[i]);
		if (c && c->dirty && (READ_ONCE(c->state) == NEXUS_CHILD_OFFLINE ||
				      READ_ONCE(c->state) == NEXUS_CHILD_OUT_OF_SYNC))
			nexus_mark_dirty(c, region);
	}
	rcu_read_unlock();
}

static enum nexus_scrub_result nexus_scrub_region(struct nexus_scrub *sc,
						  unsigned long region)
{
	struct nexus_dev *nx = sc->nx;
	sector_t start = (sector_t)region * nexus_region_sectors(nx);
	sector_t end = min(nx->sectors, start + nexus_region_sectors(nx));
	enum nexus_scrub_result res;

	nexus_copy_enter(nx, region);
	res = nexus_scrub_range(sc, start, end);
	if (res == SCRUB_DIFFERS && sc->mode == NEXUS_SCRUB_REPAIR)
		nexus_scrub_mark_others(nx, region);
	nexus_copy_exit(nx, region);
	return res;
}

static void nexus_scrub_note_mismatch(struct nexus_scrub *sc,
				      unsigned long region)
{
	unsigned int nr = sc->nr_listed;

	WRITE_ONCE(sc->mismatches, sc->mismatches + 1);
	if (sc->mode == NEXUS_SCRUB_REPAIR)
		WRITE_ONCE(sc->repaired, sc->repaired + 1);
	if (nr == NEXUS_SCRUB_MAX_LISTED) {
		WRITE_ONCE(sc->truncated, true);
		return;
	}
	sc->listed[nr] = region;
	/* Pairs with smp_rmb() in nexus_scrub_fill(). */
	smp_wmb();
	WRITE_ONCE(sc->nr_listed, nr + 1);
}

/* The nexus's rebuild rate, else the module's scrub rate; MiB/s. */
static u32 nexus_scrub_rate(struct nexus_dev *nx)
{
	return READ_ONCE(nx->rebuild_rate) ?: READ_ONCE(scrub_rate_mib);
}

/* Sleep while ahead of the rate limit; false when asked to stop. */
static bool nexus_scrub_throttle(struct nexus_scrub *sc)
{
	u32 rate = nexus_scrub_rate(sc->nx);
	unsigned long wake;
	u64 due;

	if (rate) {
		/* A u64 divisor: MiB/s in bytes outgrows div_u64()'s u32. */
		due = div64_u64((u64)(sc->done - sc->rate_base_done) *
				sc->nx->region_size * HZ, (u64)rate << 20);
		wake = sc->rate_base_jiffies + (unsigned long)due;
		if (time_before(jiffies, wake))
			wait_event_timeout(sc->wait, READ_ONCE(sc->stop),
					   wake - jiffies);
	}
	return !READ_ONCE(sc->stop);
}

static void nexus_scrub_progress(struct nexus_scrub *sc)
{
	WRITE_ONCE(sc->done, sc->done + 1);
	if (time_after_eq(jiffies, sc->last_event + HZ)) {
		sc->last_event = jiffies;
		nexus_event_nexus(sc->nx, NEXUS_EVENT_SCRUB_PROGRESS);
	}
}

static enum nexus_scrub_state nexus_scrub_walk(struct nexus_scrub *sc)
{
	unsigned long region;

	for (region = 0; region < sc->total; region++) {
		if (!nexus_scrub_throttle(sc))
			return NEXUS_SCRUB_STOPPED;
		switch (nexus_scrub_region(sc, region)) {
		case SCRUB_TOO_FEW:
			pr_err("%s: scrub failed at region %lu: fewer than two ONLINE children\n",
			       sc->nx->name, region);
			return NEXUS_SCRUB_FAILED;
		case SCRUB_DIFFERS:
			nexus_scrub_note_mismatch(sc, region);
			break;
		case SCRUB_SAME:
			break;
		}
		nexus_scrub_progress(sc);
	}
	return NEXUS_SCRUB_DONE;
}

/*
 * Make the repaired regions durable, as a rebuild flushes its target: the
 * children that were rewritten may hold them only in a volatile cache.
 */
static void nexus_scrub_flush(struct nexus_scrub *sc)
{
	unsigned int i, n = nexus_scrub_get_children(sc);

	for (i = 0; i < n; i++) {
		struct nexus_child *c = sc->bufs[i]->child;

		if (blkdev_issue_flush(nexus_child_bdev(c))) {
			atomic64_inc(&c->errors);
			pr_err_ratelimited("%s: repair: flush error on child %s\n",
					   sc->nx->name, c->path);
			nexus_child_set_state(c, NEXUS_CHILD_FAULTED,
					      NEXUS_REASON_IO_ERROR);
		}
	}
	nexus_scrub_put_children(sc, n);
}

static const enum nexus_event_type nexus_scrub_end_event[] = {
	[NEXUS_SCRUB_DONE] = NEXUS_EVENT_SCRUB_DONE,
	[NEXUS_SCRUB_STOPPED] = NEXUS_EVENT_SCRUB_STOPPED,
	[NEXUS_SCRUB_FAILED] = NEXUS_EVENT_SCRUB_FAILED,
};

static void nexus_scrub_work(struct work_struct *work)
{
	struct nexus_scrub *sc = container_of(work, struct nexus_scrub, work);
	/* Writes wait on our barriers: reclaim must not write to the nexus. */
	unsigned int noio = memalloc_noio_save();
	enum nexus_scrub_state end;

	pr_info("%s: %s started, %llu regions\n", sc->nx->name,
		sc->mode == NEXUS_SCRUB_REPAIR ? "repair" : "check",
		(unsigned long long)sc->total);
	nexus_event_nexus(sc->nx, NEXUS_EVENT_SCRUB_STARTED);
	end = nexus_scrub_walk(sc);
	if (sc->repaired)
		nexus_scrub_flush(sc);
	nexus_scrub_free_bufs(sc);
	WRITE_ONCE(sc->ended, ktime_get_real_seconds());
	WRITE_ONCE(sc->state, end);
	pr_info("%s: %s %s: %llu of %llu regions, %llu mismatched\n",
		sc->nx->name, sc->mode == NEXUS_SCRUB_REPAIR ? "repair" : "check",
		end == NEXUS_SCRUB_DONE ? "done" :
		end == NEXUS_SCRUB_STOPPED ? "stopped" : "failed",
		(unsigned long long)sc->done, (unsigned long long)sc->total,
		(unsigned long long)sc->mismatches);
	nexus_event_nexus(sc->nx, nexus_scrub_end_event[end]);
	memalloc_noio_restore(noio);
}

/* @nx's scrub.  Context: nx->cfg_lock held. */
static struct nexus_scrub *nexus_scrub_of(struct nexus_dev *nx)
{
	return rcu_dereference_protected(nx->scrub,
					 lockdep_is_held(&nx->cfg_lock));
}

static struct nexus_scrub *nexus_scrub_get(struct nexus_dev *nx)
{
	struct nexus_scrub *sc = nexus_scrub_of(nx);

	if (sc)
		return sc;
	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return NULL;
	sc->wq = alloc_workqueue("nexus_scrub_%s", WQ_UNBOUND, 1, nx->name);
	if (!sc->wq) {
		kfree(sc);
		return NULL;
	}
	sc->nx = nx;
	INIT_WORK(&sc->work, nexus_scrub_work);
	init_waitqueue_head(&sc->wait);
	rcu_assign_pointer(nx->scrub, sc);
	return sc;
}

static bool nexus_scrub_running(struct nexus_dev *nx)
{
	struct nexus_scrub *sc = nexus_scrub_of(nx);

	return sc && READ_ONCE(sc->state) == NEXUS_SCRUB_RUNNING;
}

/* Refusals: a scrub or a rebuild running, too few ONLINE children. */
static int nexus_scrub_may_start(struct nexus_dev *nx,
				 struct netlink_ext_ack *extack)
{
	if (nexus_scrub_running(nx)) {
		NL_SET_ERR_MSG_MOD(extack, "a check is already running on the nexus");
		return -EBUSY;
	}
	if (atomic_read(&nx->nr_rebuilds)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a rebuild is running; check when it has finished");
		return -EBUSY;
	}
	if (nexus_healthy_children(nx) < 2) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a check needs at least two ONLINE children");
		return -EINVAL;
	}
	return 0;
}

/* Reset the results and counters of @sc for a new run in @mode. */
static void nexus_scrub_reset(struct nexus_scrub *sc, enum nexus_scrub_mode mode)
{
	sc->mode = mode;
	sc->done = 0;
	sc->total = nexus_nr_regions(sc->nx);
	sc->mismatches = 0;
	sc->repaired = 0;
	sc->nr_listed = 0;
	sc->truncated = false;
	sc->stop = false;
	sc->started = ktime_get_real_seconds();
	sc->ended = 0;
	sc->rate_base_jiffies = jiffies;
	sc->rate_base_done = 0;
	sc->last_event = jiffies;
}

/**
 * nexus_scrub_start() - compare (and with @repair, repair) @nx's children
 * @nx: the nexus
 * @repair: rewrite the regions that differ from the first ONLINE child
 * @extack: where to say why not
 *
 * Context: process, nx->cfg_lock held.
 */
int nexus_scrub_start(struct nexus_dev *nx, bool repair,
		      struct netlink_ext_ack *extack)
{
	struct nexus_scrub *sc;
	int ret;

	lockdep_assert_held(&nx->cfg_lock);
	ret = nexus_scrub_may_start(nx, extack);
	if (ret)
		return ret;
	sc = nexus_scrub_get(nx);
	if (!sc)
		return -ENOMEM;
	/* The last run may still be sending its final event. */
	flush_work(&sc->work);
	if (nexus_scrub_alloc_bufs(sc, nexus_healthy_children(nx)))
		return -ENOMEM;
	nexus_scrub_reset(sc, repair ? NEXUS_SCRUB_REPAIR : NEXUS_SCRUB_CHECK);
	WRITE_ONCE(sc->state, NEXUS_SCRUB_RUNNING);
	queue_work(sc->wq, &sc->work);
	return 0;
}

/**
 * nexus_scrub_stop() - stop @nx's scrub, if one runs, and wait for it
 * @nx: the nexus
 *
 * Context: process, nx->cfg_lock held.  Return: whether one was running.
 */
bool nexus_scrub_stop(struct nexus_dev *nx)
{
	struct nexus_scrub *sc = nexus_scrub_of(nx);

	if (!sc)
		return false;
	WRITE_ONCE(sc->stop, true);
	wake_up_all(&sc->wait);
	flush_work(&sc->work);
	return true;
}

int nexus_scrub_stop_cmd(struct nexus_dev *nx, struct netlink_ext_ack *extack)
{
	if (!nexus_scrub_running(nx)) {
		NL_SET_ERR_MSG_MOD(extack, "no check is running on the nexus");
		return -EINVAL;
	}
	nexus_scrub_stop(nx);
	return 0;
}

/*
 * Stop and free @nx's scrub; replies read it under RCU, so it goes after a
 * grace period.  Context: process, nx->cfg_lock held.
 */
void nexus_scrub_destroy(struct nexus_dev *nx)
{
	struct nexus_scrub *sc = nexus_scrub_of(nx);

	if (!sc)
		return;
	nexus_scrub_stop(nx);
	RCU_INIT_POINTER(nx->scrub, NULL);
	synchronize_rcu();
	destroy_workqueue(sc->wq);
	nexus_scrub_free_bufs(sc);
	kfree(sc);
}

static int nexus_scrub_fill_regions(struct sk_buff *skb, struct nexus_scrub *sc)
{
	unsigned int i, nr = READ_ONCE(sc->nr_listed);
	struct nlattr *nest;

	/* Pairs with smp_wmb() in nexus_scrub_note_mismatch(). */
	smp_rmb();
	nest = nla_nest_start(skb, NEXUS_SCRUB_A_REGIONS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < nr; i++) {
		if (nla_put_u64_64bit(skb, NEXUS_SCRUB_A_REGION, sc->listed[i],
				      NEXUS_SCRUB_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int nexus_scrub_put_u64(struct sk_buff *skb, int attr, u64 value)
{
	return nla_put_u64_64bit(skb, attr, value, NEXUS_SCRUB_A_PAD);
}

/*
 * The NEXUS_A_SCRUB nest of @nx, once a scrub has been started.
 * Context: rcu_read_lock().
 */
int nexus_scrub_fill(struct sk_buff *skb, struct nexus_dev *nx)
{
	struct nexus_scrub *sc = rcu_dereference(nx->scrub);
	struct nlattr *nest;

	if (!sc)
		return 0;
	nest = nla_nest_start(skb, NEXUS_A_SCRUB);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NEXUS_SCRUB_A_STATE, READ_ONCE(sc->state)) ||
	    nla_put_u32(skb, NEXUS_SCRUB_A_MODE, READ_ONCE(sc->mode)) ||
	    nexus_scrub_put_u64(skb, NEXUS_SCRUB_A_DONE, READ_ONCE(sc->done)) ||
	    nexus_scrub_put_u64(skb, NEXUS_SCRUB_A_TOTAL, READ_ONCE(sc->total)) ||
	    nexus_scrub_put_u64(skb, NEXUS_SCRUB_A_MISMATCHES,
				READ_ONCE(sc->mismatches)) ||
	    nexus_scrub_put_u64(skb, NEXUS_SCRUB_A_REPAIRED,
				READ_ONCE(sc->repaired)) ||
	    nla_put_u32(skb, NEXUS_SCRUB_A_TRUNCATED, READ_ONCE(sc->truncated)) ||
	    nexus_scrub_put_u64(skb, NEXUS_SCRUB_A_START, READ_ONCE(sc->started)) ||
	    nexus_scrub_put_u64(skb, NEXUS_SCRUB_A_END, READ_ONCE(sc->ended)) ||
	    nexus_scrub_fill_regions(skb, sc)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Scrub events carry the scrub nest. */
int nexus_scrub_fill_event(struct sk_buff *skb, struct nexus_dev *nx,
			   enum nexus_event_type event)
{
	int ret;

	if (event < NEXUS_EVENT_SCRUB_STARTED || event > NEXUS_EVENT_SCRUB_FAILED)
		return 0;
	rcu_read_lock();
	ret = nexus_scrub_fill(skb, nx);
	rcu_read_unlock();
	return ret;
}
