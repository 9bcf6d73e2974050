/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces nexus.ko uses that differ between the two kernel
 * lines it is built and tested on, Debian 12's 6.1 and its 6.12, behind
 * small helpers.  Which interfaces the target kernel has is probed at build
 * time (kmod/Makefile, probes/NAME.c -> NEXUS_HAVE_NAME); this header is
 * the only user of the probes.  A kernel with only some of the newer
 * interfaces (6.5 to 6.11) gets an explicit error rather than a module
 * built on untested guesses.
 */
#ifndef _NEXUS_COMPAT_H
#define _NEXUS_COMPAT_H

#include <linux/blkdev.h>
#include <linux/blk-mq.h>

#if defined(NEXUS_HAVE_BDEV_FILE_OPEN) && defined(NEXUS_HAVE_DISK_OPEN_GENDISK) && \
	defined(NEXUS_HAVE_ALLOC_DISK_LIMITS) && defined(NEXUS_HAVE_BLK_FEATURES) && \
	defined(NEXUS_HAVE_LIMITS_COMMIT_FROZEN)
/* File-based bdev opens, gendisk open/release, atomic queue limits. */
#define NEXUS_BLK_612 1
#elif !defined(NEXUS_HAVE_BDEV_FILE_OPEN) && !defined(NEXUS_HAVE_DISK_OPEN_GENDISK) && \
	!defined(NEXUS_HAVE_ALLOC_DISK_LIMITS) && !defined(NEXUS_HAVE_BLK_FEATURES) && \
	!defined(NEXUS_HAVE_LIMITS_COMMIT_FROZEN)
#define NEXUS_BLK_612 0
#else
#error "only some of 6.12's block interfaces (kmod/probes): not a 6.1 or 6.12 kernel"
#endif

#if NEXUS_BLK_612

/* An exclusively opened child block device: the file holds the claim. */
struct nexus_bdev_handle {
	struct file *file;
};

static inline int nexus_bdev_open(struct nexus_bdev_handle *h, const char *path,
				  void *holder)
{
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						holder, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	h->file = f;
	return 0;
}

static inline void nexus_bdev_close(struct nexus_bdev_handle *h)
{
	bdev_fput(h->file);
	h->file = NULL;
}

static inline struct block_device *nexus_handle_bdev(struct nexus_bdev_handle *h)
{
	return file_bdev(h->file);
}

/*
 * block_device_operations' open and release, calling the driver's
 * open_fn(disk) and release_fn(disk): the driver uses neither the mode nor
 * the block_device, whose place in the prototypes moved in 6.5.
 */
#define NEXUS_DISK_OPS_GLUE(open_fn, release_fn)			\
static int open_fn##_glue(struct gendisk *disk, blk_mode_t mode)	\
{									\
	return open_fn(disk);						\
}									\
static void release_fn##_glue(struct gendisk *disk)			\
{									\
	release_fn(disk);						\
}

static inline void nexus_limits_set_cache(struct queue_limits *lim,
					  bool write_cache, bool fua)
{
	lim->features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA);
	if (write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	if (fua)
		lim->features |= BLK_FEAT_FUA;
}

/* A bio-based gendisk with its own queue, born with @lim. */
static inline struct gendisk *nexus_alloc_disk(struct queue_limits *lim,
					       bool write_cache, bool fua)
{
	nexus_limits_set_cache(lim, write_cache, fua);
	return blk_alloc_disk(lim, NUMA_NO_NODE);
}

/*
 * New limits for a live queue, as one atomic update under the queue's
 * limits lock, the queue frozen so no submitter splits a bio by the old
 * ones meanwhile.  What the administrator set through sysfs (max_sectors_kb,
 * discard_max_bytes, write_cache, iostats, add_random) is kept; what the
 * children decide is replaced.
 */
static inline int nexus_queue_set_limits(struct request_queue *q,
					 struct queue_limits *lim,
					 bool write_cache, bool fua)
{
	struct queue_limits cur = queue_limits_start_update(q);

	nexus_limits_set_cache(lim, write_cache, fua);
	lim->features = (lim->features & BLK_FEAT_INHERIT_MASK) |
			(cur.features & ~BLK_FEAT_INHERIT_MASK);
	lim->flags = (lim->flags & BLK_FLAG_MISALIGNED) |
		     (cur.flags & ~BLK_FLAG_MISALIGNED);
	lim->max_user_sectors = cur.max_user_sectors;
	lim->max_user_discard_sectors = cur.max_user_discard_sectors;
	return queue_limits_commit_update_frozen(q, lim);
}

/* The discard limit a stacking driver sets; the block layer derives the rest. */
static inline void nexus_limits_set_discard(struct queue_limits *lim,
					    unsigned int sectors)
{
	lim->max_hw_discard_sectors = sectors;
}

#else /* 6.1 - 6.4 */

/* An exclusively opened child block device. */
struct nexus_bdev_handle {
	struct block_device *bdev;
};

#define NEXUS_OPEN_MODE	(FMODE_READ | FMODE_WRITE | FMODE_EXCL)

static inline int nexus_bdev_open(struct nexus_bdev_handle *h, const char *path,
				  void *holder)
{
	struct block_device *bdev = blkdev_get_by_path(path, NEXUS_OPEN_MODE,
						       holder);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	h->bdev = bdev;
	return 0;
}

static inline void nexus_bdev_close(struct nexus_bdev_handle *h)
{
	blkdev_put(h->bdev, NEXUS_OPEN_MODE);
	h->bdev = NULL;
}

static inline struct block_device *nexus_handle_bdev(struct nexus_bdev_handle *h)
{
	return h->bdev;
}

/* See the 6.12 branch. */
#define NEXUS_DISK_OPS_GLUE(open_fn, release_fn)			\
static int open_fn##_glue(struct block_device *bdev, fmode_t mode)	\
{									\
	return open_fn(bdev->bd_disk);					\
}									\
static void release_fn##_glue(struct gendisk *disk, fmode_t mode)	\
{									\
	release_fn(disk);						\
}

/* A bio-based gendisk with its own queue, born with @lim. */
static inline struct gendisk *nexus_alloc_disk(struct queue_limits *lim,
					       bool write_cache, bool fua)
{
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	disk->queue->limits = *lim;
	blk_queue_write_cache(disk->queue, write_cache, fua);
	return disk;
}

/*
 * New limits for a live queue: no submitter may be splitting a bio by the
 * old ones meanwhile, so the queue is frozen around the change (a
 * bio-based queue's usage count covers submit_bio only).
 */
static inline int nexus_queue_set_limits(struct request_queue *q,
					 struct queue_limits *lim,
					 bool write_cache, bool fua)
{
	blk_mq_freeze_queue(q);
	q->limits = *lim;
	blk_queue_write_cache(q, write_cache, fua);
	blk_mq_unfreeze_queue(q);
	return 0;
}

static inline void nexus_limits_set_discard(struct queue_limits *lim,
					    unsigned int sectors)
{
	lim->max_discard_sectors = sectors;
	lim->max_hw_discard_sectors = sectors;
}

#endif /* NEXUS_BLK_612 */

/*
 * 6.1's nla_policy points to a non-const range: the const ranges of the
 * generated policies (nexus_nl_gen.c) are only ever read through it.
 */
#ifndef NEXUS_HAVE_NLA_RANGE_CONST
#include <net/netlink.h>
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

#endif /* _NEXUS_COMPAT_H */
