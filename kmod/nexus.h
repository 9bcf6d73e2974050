/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus.ko private definitions.
 *
 * A nexus is a bio-based block device that mirrors every write to its
 * children and reads from one healthy child.  Files:
 *   nexus_main.c   module init/exit, nexus create/destroy, gendisk lifetime
 *   nexus_child.c  opening, closing, looking up children; child state
 *   nexus_io.c     submit and completion of bios
 *   nexus_region.c regions: rebuild/write exclusion, dirty tracking
 *   nexus_rebuild.c copying stale regions to a child that is catching up
 *   nexus_nl.c     generic netlink handlers
 *   nexus_nl_gen.c netlink policies and the ops table (generated from docs/nexus.yaml)
 *   nexus_event.c  notifications on the "events" multicast group
 *   nexus_meta.c   on-disk labels: encode, check, read, write
 *   nexus_assemble.c bringing a nexus back from its children's labels
 *   nexus_bitmap.c the write-intent bitmap
 *   nexus_scrub.c  check and repair: comparing the ONLINE children
 *
 * Locks, outermost first (a lock is only taken while holding those above):
 *   nx->cfg_lock	mutex: configuration of one nexus (every command that
 *			changes it, create and destroy); may be held across that
 *			nexus's IO (label writes, drains, a stopping rebuild), so
 *			nothing that other nexuses or the netlink family need
 *			waits for it.
 *   nexus_lock		mutex: nexus_list, the names and nx->live; held only
 *			briefly, never across IO.  Dumps fill under it.
 *   disk->open_mutex	the block layer's: nx->dying against nexus_open().
 *   nx->meta_mutex	label writes; nx->members, nx->generation.
 *   bm->write_mutex	one round of bitmap block writes at a time (the
 *			bitmap worker's, and a faulting child's that puts bits
 *			back: nexus_bitmap_settle_fault()); held across that
 *			IO, never while a child's state changes.  A label
 *			write holds it while it moves a grown child's
 *			metadata (nexus_bitmap_pause()).
 *   nx->clone_mutex	the one writer that may block for the clone pool
 *			(nexus_write_clones()); taken on the IO path with no
 *			other lock held, nothing taken under it.
 *   spinlocks, innermost, never nested in one another: nx->excl_lock
 *			(child state changes, nx->excl_seq), nx->state_lock,
 *			bm->lock, nx->rb_lock, nx->fail_lock, nx->hold_lock,
 *			nx->order[b].lock (the writes in flight in bucket b).
 * Lock-free: the IO path reads slots and child states with READ_ONCE()
 * under RCU, and keeps the read balancer's estimates (nx->read_cursor,
 * nx->read_seq, child->read_*) with READ_ONCE()/WRITE_ONCE() and atomics,
 * racy on purpose; replies and events read children and their rebuilds
 * under RCU, so a child, its rebuild and the bitmap are freed only after a
 * grace period.  The workers (fail, rebuild, bitmap) never take cfg_lock or
 * nexus_lock.
 */
#ifndef _NEXUS_H
#define _NEXUS_H

#ifdef pr_fmt
#undef pr_fmt
#endif
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/spinlock.h>
#include <linux/uuid.h>
#include <linux/wait.h>
#include <linux/llist.h>
#include <net/genetlink.h>

#include <linux/nexus.h>
#include <linux/nexus_disk.h>

#include "nexus_compat.h"

struct nexus_dev;
struct nexus_rebuild;
struct nexus_bitmap;
struct nexus_scrub;

/* Buckets of the rebuild/write exclusion (nexus_region.c). */
#define NEXUS_BUCKETS		512

/*
 * Ordering of overlapping writes, one per bucket (nexus_region.c): the
 * writes with data of the bucket's regions that were dispatched and are
 * not complete on every child, and those queued behind one they overlap.
 */
struct nexus_order {
	spinlock_t lock;		/* the two lists */
	struct list_head inflight;	/* struct nexus_io, by order_node */
	struct list_head waiting;	/* in arrival order */
};

/*
 * One child of a nexus.
 *
 * Once the child can take IO, @state changes only in
 * nexus_child_transition(), under nx->excl_lock (netlink handlers and the
 * IO error, rebuild, scrub, bitmap and label workers all change it); before
 * that (open, add, return, assembly) it is set directly.  The IO path
 * reads it with READ_ONCE() and takes @inflight under rcu_read_lock(), so
 * remove can wait for the child to drain once it has published a state
 * that the IO path no longer uses.
 */
struct nexus_child {
	struct nexus_dev *nx;
	struct nexus_bdev_handle handle;	/* the opened block device */
	char path[NEXUS_PATH_MAX + 1];	/* as given by the user */
	u8 uuid[NEXUS_UUID_LEN];
	unsigned int slot;
	enum nexus_child_state state;
	enum nexus_child_reason reason;
	atomic_t inflight;		/* clones submitted, not completed */
	atomic64_t reads;
	atomic64_t writes;
	atomic64_t errors;
	/*
	 * Read balancing (nexus_io.c), without a lock: read completions write
	 * them, submitters read them (READ_ONCE(), WRITE_ONCE(), atomic64);
	 * a sample lost to a race only blurs the estimate.  All zeroed
	 * (unmeasured) by nexus_read_est_reset() under nx->excl_lock before
	 * the child is published ONLINE again.
	 */
	u64 read_est;			/* service time EWMA, ns << 3; 0: none */
	unsigned long read_mark;	/* nx->read_seq at its last sample */
	atomic64_t read_stamp;		/* ns: last sample, or probe claimed */
	/*
	 * Regions whose data on this child may be stale: set for writes it
	 * missed while OFFLINE (set_bit from the IO path), all set when it is
	 * added, cleared by its rebuild as each region is copied.
	 */
	unsigned long *dirty;
	/* The last one: replaced under nx->cfg_lock, read under RCU. */
	struct nexus_rebuild __rcu *rebuild;
	/* Catching up needs every region (added), not just the bitmap's. */
	bool needs_full;
	bool bm_source;			/* assembly: its bitmap is read */
	u64 generation;			/* of the last label it holds */
	/*
	 * The bitmap's clear generation its last flush covered (the flush
	 * before a block that clears bits, nexus_bitmap.c): behind that, bits
	 * were cleared for data it may have lost with its volatile cache.
	 */
	unsigned long bm_vouched;
	/*
	 * First sector of its metadata area: at its end when it was opened,
	 * and kept there if it shrinks (its metadata IO then fails and it
	 * faults) or grows, until the next label write moves it
	 * (nexus_md_follow_growth()).  Written under meta_mutex.
	 */
	sector_t md_sector;
	/*
	 * A bitmap block write to it failed: the bitmap writer leaves it out
	 * and faults it (@bm_fault_node, on the bitmap's list) outside its
	 * rounds.  Set and cleared by the bitmap writer, read without a lock.
	 */
	bool bm_excluded;
	struct list_head bm_fault_node;
};

/*
 * One slot of the member table as last written to the labels; under
 * nx->meta_mutex.  Slots without a child keep members that are missing
 * (BITMAP, FULL) or faulted, so that they can come back.
 */
struct nexus_member {
	u8 uuid[NEXUS_UUID_LEN];
	enum nexus_member_state state;
	u64 generation;
};

static inline struct block_device *nexus_child_bdev(struct nexus_child *c)
{
	return nexus_handle_bdev(&c->handle);
}

/*
 * A nexus.  Lifetime: created by nexus_create(), unlinked from nexus_list
 * and torn down by nexus_destroy(); the structure itself is freed by the
 * gendisk's free_disk() once the last opener of the block device is gone.
 */
struct nexus_dev {
	struct list_head node;		/* on nexus_list, under nexus_lock */
	/* Found by name: set once created, cleared as destroy begins. */
	bool live;			/* under nexus_lock */
	bool dying;			/* under disk->open_mutex */
	struct mutex cfg_lock;		/* configuration: see the top */
	char name[NEXUS_NAME_MAX + 1];
	u8 uuid[NEXUS_UUID_LEN];
	struct gendisk *disk;
	sector_t sectors;		/* data region of every child */
	unsigned int region_size;	/* bytes per dirty-tracking region */
	u32 rebuild_rate;		/* MiB/s, 0 = unlimited */
	spinlock_t state_lock;		/* computing and setting @state */
	enum nexus_state state;
	atomic_t open_count;

	/*
	 * @children: slots; a slot changes only under @cfg_lock, and the IO
	 * path reads it with READ_ONCE() while holding an IO reference
	 * (@io_ref), which remove waits out with synchronize_rcu() and the
	 * child's inflight count.
	 */
	struct nexus_child *children[NEXUS_MAX_CHILDREN];
	/* 1 + the highest slot ever used: the IO path looks no further. */
	unsigned int nr_slots;
	unsigned int read_cursor;	/* round-robin start, racy on purpose */
	unsigned long read_seq;		/* reads chosen, racy on purpose */

	struct percpu_ref io_ref;	/* one per parent bio in flight */
	struct completion io_drained;	/* io_ref released after kill */
	wait_queue_head_t child_drain_wq;	/* child inflight reached zero */

	/* Failed clones wait here for fail_work; protected by @fail_lock. */
	spinlock_t fail_lock;
	struct bio_list failed_clones;
	struct bio_list fixups;		/* holders of writes some refused */
	struct work_struct fail_work;

	/* Rebuild/write exclusion, see nexus_region.c. */
	atomic_t pending[NEXUS_BUCKETS];	/* writes in flight per bucket */
	int barrier[NEXUS_BUCKETS];	/* copies under way per bucket */
	spinlock_t rb_lock;		/* slow paths of the exclusion */
	wait_queue_head_t rb_wait;	/* barrier dropped, pending drained */
	struct bio_set split_bs;	/* splits at region boundaries */
	struct nexus_order *order;	/* [NEXUS_BUCKETS], see nexus_region.c */
	struct llist_head order_ready;	/* writes no longer waiting: to send */
	struct work_struct order_work;	/* sends them */
	atomic_t nr_rebuilds;		/* rebuild workers running */
	unsigned long last_fg_io;	/* jiffies, kept while rebuilding */

	struct bio_set bs;		/* clones, with struct nexus_clone */
	struct mutex clone_mutex;	/* one writer at a time waits for @bs */

	/* Labels (nexus_meta.c): @meta_mutex serializes label writes. */
	struct mutex meta_mutex;
	struct task_struct *meta_owner;	/* writing labels now, or NULL */
	struct page *label_page;	/* the label being written */
	u64 generation;			/* of the last label written */
	bool meta_closed;		/* clean label written: no more */
	bool clean_at_start;		/* created, or assembled from clean */
	bool use_bitmap;		/* keep a write-intent bitmap */
	struct nexus_member members[NEXUS_MAX_CHILDREN];

	struct nexus_bitmap *bitmap;	/* NULL: no write-intent bitmap */

	/*
	 * Writes held until an exclusion is durable (nexus_child.c,
	 * nexus_meta.c).  @excl_seq is bumped before a child stops taking
	 * writes (offline, fault, remove); a label write that began after the
	 * bump sets @excl_durable to it.  A write dispatched after the bump may
	 * have left that child out, so it is acknowledged only once its
	 * dispatch-time @excl_seq is durable: until then it waits on @held.
	 */
	spinlock_t excl_lock;		/* child state changes, @excl_seq */
	atomic_t excl_seq;
	unsigned int excl_durable;	/* written under @hold_lock */
	spinlock_t hold_lock;
	struct bio_list held;		/* holders of settled writes */
	/* The last check/repair (nexus_scrub.c): set under @cfg_lock, read under RCU. */
	struct nexus_scrub __rcu *scrub;
};

/*
 * Per-write context: the parent bio and how its clones fared.  The parent
 * completes when @remaining reaches zero; a failed clone is counted only
 * after the worker has faulted its child, so a write is never acknowledged
 * before the nexus has stopped trusting the child that missed it.
 *
 * It lives in the front pad of the write's first clone, @holder, which is
 * freed only when the whole write completes (dm keeps its dm_io the same
 * way): a write costs one allocation per child, as a read does.
 */
struct nexus_io {
	struct nexus_dev *nx;
	struct bio *parent;
	struct bio *holder;		/* the clone this is part of */
	unsigned long start_time;	/* for io accounting */
	atomic_t remaining;		/* clones not yet accounted for */
	/* Clones to children in sync (ONLINE at dispatch) that succeeded. */
	atomic_t succeeded;
	/* Clones that succeeded on any child: the data is on some copy. */
	atomic_t applied;
	blk_status_t status;		/* first error, for the parent */
	bool in_region;			/* holds pending[] of @region */
	unsigned long region;
	/* Ordering (nexus_region.c): on nx->order[]'s inflight or waiting. */
	bool ordered;			/* entered in nx->order[] */
	struct list_head order_node;
	sector_t start, end;		/* the sectors it writes, [start, end) */
	struct bio_list queued;		/* its clones, holder last, until sent */
	struct llist_node ready_node;	/* on nx->order_ready */
	unsigned int excl_seq;		/* nx->excl_seq when dispatched */
	/* Discards/write-zeroes children refused (fail worker only). */
	unsigned int refusals;
	struct bio_list refused;	/* those clones but the holder */
};

/* Front pad of every clone: who it belongs to. */
struct nexus_clone {
	struct nexus_child *child;
	bool probe;			/* reads: measures the child afresh */
	void *owner;			/* struct nexus_io, or the parent bio */
	unsigned long start_time;	/* reads: io accounting of the parent */
	u64 submit_ns;			/* reads: ktime_get_ns() when sent */
	struct nexus_io io;		/* a write's first clone: the write's */
	struct bio bio;			/* must be last */
};

static inline struct nexus_clone *nexus_clone_of(struct bio *bio)
{
	return container_of(bio, struct nexus_clone, bio);
}

/* nexus_main.c */
extern struct mutex nexus_lock;
struct nexus_create_args {
	const char *name;
	const u8 *uuid;			/* NULL: generate one */
	u64 size;			/* bytes, 0: as large as fits */
	u32 region_size;		/* 0: default */
	const char *paths[NEXUS_MAX_CHILDREN];
	const struct nlattr *attrs[NEXUS_MAX_CHILDREN];	/* for extack */
	unsigned int nr_children;
	u32 flags;			/* NEXUS_F_FORCE, _ASSEMBLE, _NOBITMAP */
};

struct nexus_dev *nexus_get_by_name(const char *name);
void nexus_put(struct nexus_dev *nx);
struct nexus_dev *nexus_next(struct nexus_dev *nx);
struct nexus_dev *nexus_create(const struct nexus_create_args *args,
			       struct netlink_ext_ack *extack);
int nexus_destroy(struct nexus_dev *nx, bool force,
		  struct netlink_ext_ack *extack);
void nexus_update_state(struct nexus_dev *nx);
int nexus_restack_limits(struct nexus_dev *nx, struct nexus_child *c,
			 struct netlink_ext_ack *extack);
sector_t nexus_md_offset(sector_t child_sectors);
bool nexus_name_valid(const char *name);

/*
 * The child in the first occupied slot at or after *@slot, which is set to
 * that slot; NULL when there is none.  Walk every child with
 *	for (i = 0; (c = nexus_child_next(nx, &i)); i++)
 */
static inline struct nexus_child *nexus_child_next(struct nexus_dev *nx,
						   unsigned int *slot)
{
	for (; *slot < NEXUS_MAX_CHILDREN; (*slot)++)
		if (nx->children[*slot])
			return nx->children[*slot];
	return NULL;
}

/* nexus_child.c */
struct nexus_child *nexus_child_open(struct nexus_dev *nx, const char *path,
				     unsigned int slot,
				     struct netlink_ext_ack *extack);
void nexus_child_close(struct nexus_child *c);
struct nexus_child *nexus_child_find(struct nexus_dev *nx, const char *path,
				     struct netlink_ext_ack *extack);
struct nexus_child *nexus_child_find_member(struct nexus_dev *nx, const u8 *uuid,
					    struct netlink_ext_ack *extack);
bool nexus_child_fault_read(struct nexus_child *c);
void nexus_child_set_state(struct nexus_child *c,
			   enum nexus_child_state state,
			   enum nexus_child_reason reason);
bool nexus_child_change_state(struct nexus_child *c,
			      enum nexus_child_state from,
			      enum nexus_child_state to,
			      enum nexus_child_reason reason);
int nexus_child_alloc_dirty(struct nexus_child *c);
int nexus_child_add(struct nexus_dev *nx, const char *path, u32 flags,
		    struct netlink_ext_ack *extack);
int nexus_child_remove(struct nexus_child *c, u32 flags,
		       struct netlink_ext_ack *extack);
int nexus_child_fault(struct nexus_child *c, u32 flags,
		      struct netlink_ext_ack *extack);
int nexus_child_offline(struct nexus_child *c, struct netlink_ext_ack *extack);
int nexus_child_online(struct nexus_child *c, const char *path, bool reopen,
		       u32 flags, struct netlink_ext_ack *extack);

/* nexus_region.c */
unsigned long nexus_region_of(struct nexus_dev *nx, sector_t sector);
sector_t nexus_region_sectors(struct nexus_dev *nx);
unsigned long nexus_nr_regions(struct nexus_dev *nx);
struct bio *nexus_split_to_region(struct nexus_dev *nx, struct bio *bio);
void nexus_write_enter(struct nexus_dev *nx, unsigned long region);
void nexus_write_exit(struct nexus_dev *nx, unsigned long region);
bool nexus_region_busy(struct nexus_dev *nx, unsigned long region);
void nexus_copy_enter(struct nexus_dev *nx, unsigned long region);
void nexus_copy_exit(struct nexus_dev *nx, unsigned long region);
bool nexus_order_enter(struct nexus_dev *nx, struct nexus_io *io);
bool nexus_order_exit(struct nexus_dev *nx, struct nexus_io *io);
void nexus_mark_dirty(struct nexus_child *c, unsigned long region);
int nexus_region_init(struct nexus_dev *nx);
void nexus_region_exit(struct nexus_dev *nx);

/* nexus_meta.c */
int nexus_meta_init(struct nexus_dev *nx);
void nexus_meta_exit(struct nexus_dev *nx);
bool nexus_label_self_active(const struct nexus_disk_label *l);
int nexus_label_read(struct nexus_child *c, struct nexus_disk_label *label,
		     const char **why);
int nexus_meta_check_foreign(struct nexus_dev *nx,
			     const struct nexus_create_args *args,
			     struct netlink_ext_ack *extack);
void nexus_meta_init_members(struct nexus_dev *nx);
int nexus_meta_update(struct nexus_dev *nx);
void nexus_meta_follow_growth(struct nexus_dev *nx);
void nexus_meta_shutdown(struct nexus_dev *nx);
int nexus_md_io(struct nexus_child *c, u64 md_byte, struct page *page,
		unsigned int len, blk_opf_t opf);
void nexus_extack_fmt(struct netlink_ext_ack *extack, const char *fmt, ...)
	__printf(2, 3);
bool nexus_member_slot_taken(struct nexus_dev *nx, unsigned int slot);
int nexus_missing_member_slot(struct nexus_dev *nx, const u8 *uuid);
void nexus_meta_forget(struct nexus_dev *nx, unsigned int slot);
bool nexus_is_nexus_disk(struct gendisk *disk);
int nexus_meta_forget_missing(struct nexus_dev *nx, const u8 *uuid,
			      struct netlink_ext_ack *extack);

/* nexus_assemble.c */
int nexus_assemble(struct nexus_dev *nx, const struct nexus_create_args *args,
		   struct netlink_ext_ack *extack);
int nexus_assemble_apply(struct nexus_dev *nx);
void nexus_assemble_start(struct nexus_dev *nx);
int nexus_child_rejoin(struct nexus_child *c, u32 flags,
		       struct netlink_ext_ack *extack);
int nexus_child_check_return(struct nexus_child *c, u32 flags,
			     struct netlink_ext_ack *extack);

/* nexus_bitmap.c */
int nexus_bitmap_create(struct nexus_dev *nx);
void nexus_bitmap_destroy(struct nexus_dev *nx);
int nexus_bitmap_check_fit(struct nexus_dev *nx, bool grow,
			   struct netlink_ext_ack *extack);
u32 nexus_bitmap_bytes(struct nexus_dev *nx);
int nexus_bitmap_load(struct nexus_dev *nx, struct nexus_child *c);
void nexus_bitmap_to_dirty(struct nexus_dev *nx, unsigned long *dirty);
void nexus_bitmap_vouch_new(struct nexus_child *c);
bool nexus_bitmap_vouched(struct nexus_child *c);
bool nexus_bitmap_covers(struct nexus_child *c);
void nexus_bitmap_settle_fault(struct nexus_child *c);
struct nexus_bitmap *nexus_bitmap_pause(struct nexus_dev *nx);
void nexus_bitmap_resume(struct nexus_bitmap *bm);
unsigned long nexus_bitmap_weight(struct nexus_dev *nx);
void nexus_bitmap_write_all(struct nexus_dev *nx);
void nexus_bitmap_kick_all(struct nexus_dev *nx);
bool nexus_bitmap_defer(struct nexus_dev *nx, unsigned long region,
			struct bio *bio);
void nexus_bitmap_flush(struct nexus_dev *nx);
int nexus_bitmap_module_init(void);
void nexus_bitmap_module_exit(void);

/* nexus_rebuild.c */
int nexus_rebuild_start(struct nexus_child *c, struct netlink_ext_ack *extack);
bool nexus_rebuild_stop(struct nexus_child *c);
int nexus_rebuild_stop_cmd(struct nexus_child *c,
			   struct netlink_ext_ack *extack);
int nexus_rebuild_pause(struct nexus_child *c, bool pause,
			struct netlink_ext_ack *extack);
void nexus_rebuild_release(struct nexus_child *c);
void nexus_rebuild_wake(struct nexus_child *c);
int nexus_rebuild_fill(struct sk_buff *skb, struct nexus_child *c);
int nexus_rebuild_module_init(void);
void nexus_rebuild_module_exit(void);
unsigned int nexus_healthy_children(struct nexus_dev *nx);

/*
 * Let the IO path see slot @slot: before a child is published there.
 * Context: under nx->cfg_lock, or before the disk is live.
 */
static inline void nexus_slot_cover(struct nexus_dev *nx, unsigned int slot)
{
	if (slot >= nx->nr_slots)
		WRITE_ONCE(nx->nr_slots, slot + 1);
}

/* Reads are served only by children that hold every write. */
static inline bool nexus_child_readable(const struct nexus_child *c)
{
	return READ_ONCE(c->state) == NEXUS_CHILD_ONLINE;
}

/* Writes also go to children that are catching up. */
static inline bool nexus_state_writable(enum nexus_child_state state)
{
	switch (state) {
	case NEXUS_CHILD_ONLINE:
	case NEXUS_CHILD_OUT_OF_SYNC:
	case NEXUS_CHILD_REBUILDING:
		return true;
	default:
		return false;
	}
}

static inline bool nexus_child_writable(const struct nexus_child *c)
{
	return nexus_state_writable(READ_ONCE(c->state));
}

/*
 * Faulted by the IO path (a write, a read, its rebuild), not by hand nor
 * on its way out: behind by the bitmap when its catch-up needed no more.
 */
static inline bool nexus_child_fault_is_io(const struct nexus_child *c)
{
	enum nexus_child_reason reason = READ_ONCE(c->reason);

	return reason == NEXUS_REASON_IO_ERROR ||
	       reason == NEXUS_REASON_REBUILD_FAILED;
}

static inline void nexus_child_get(struct nexus_child *c)
{
	atomic_inc(&c->inflight);
}

static inline void nexus_child_put(struct nexus_child *c)
{
	struct nexus_dev *nx = c->nx;

	/* Pairs with the full barrier in wait_event() of a draining remove. */
	if (atomic_dec_and_test(&c->inflight) &&
	    wq_has_sleeper(&nx->child_drain_wq))
		wake_up_all(&nx->child_drain_wq);
}

/* nexus_io.c */
void nexus_read_est_reset(struct nexus_child *c);
void nexus_release_held(struct nexus_dev *nx, unsigned int seq, bool healthy);
int nexus_io_init(struct nexus_dev *nx);
void nexus_io_exit(struct nexus_dev *nx);
void nexus_submit_bio(struct bio *bio);
void nexus_write_dispatch(struct nexus_dev *nx, struct bio *bio,
			  unsigned long region);
int nexus_io_module_init(void);
void nexus_io_module_exit(void);

/* nexus_scrub.c: check and repair (NEXUS_CMD_NEXUS_CHECK) */
int nexus_scrub_start(struct nexus_dev *nx, bool repair,
		      struct netlink_ext_ack *extack);
bool nexus_scrub_stop(struct nexus_dev *nx);
int nexus_scrub_stop_cmd(struct nexus_dev *nx, struct netlink_ext_ack *extack);
void nexus_scrub_destroy(struct nexus_dev *nx);
int nexus_scrub_fill(struct sk_buff *skb, struct nexus_dev *nx);
int nexus_scrub_fill_event(struct sk_buff *skb, struct nexus_dev *nx,
			   enum nexus_event_type event);

/* nexus_nl.c, nexus_nl_gen.c */
extern struct genl_family nexus_genl_family;
int nexus_nl_register(void);
void nexus_nl_unregister(void);
int nexus_nl_fill_nexus(struct sk_buff *skb, struct nexus_dev *nx);
int nexus_nl_fill_child(struct sk_buff *skb, int attr, struct nexus_child *c);
struct sk_buff *nexus_nl_build_event(struct nexus_dev *nx,
				     struct nexus_child *c,
				     enum nexus_event_type event, u64 seq);

/* nexus_event.c */
void nexus_event_nexus(struct nexus_dev *nx, enum nexus_event_type event);
void nexus_event_child(struct nexus_child *c, enum nexus_event_type event);

#endif /* _NEXUS_H */
