/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel interfaces nexus.ko uses that change between releases, behind
 * small helpers.  Only Linux 6.1 (Debian 12) is built and tested today; a newer
 * kernel gets its branch here, and nowhere else.
 */
#ifndef _NEXUS_COMPAT_H
#define _NEXUS_COMPAT_H

#include <linux/blkdev.h>
#include <linux/blk-mq.h>

/* blk_mode_t (6.5) changed how block devices are opened and released. */
#ifdef BLK_OPEN_READ
#error "nexus.ko is written for Linux 6.1 to 6.4; add the newer interfaces to nexus_compat.h"
#endif

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

/* A bio-based gendisk with its own queue. */
static inline struct gendisk *nexus_alloc_disk(void)
{
	return blk_alloc_disk(NUMA_NO_NODE);
}

/*
 * New limits for a live queue: no submitter may be splitting a bio by the
 * old ones meanwhile, so the queue is frozen around the change (a
 * bio-based queue's usage count covers submit_bio only).
 */
static inline void nexus_queue_set_limits(struct request_queue *q,
					  const struct queue_limits *lim,
					  bool write_cache, bool fua)
{
	blk_mq_freeze_queue(q);
	q->limits = *lim;
	blk_queue_write_cache(q, write_cache, fua);
	blk_mq_unfreeze_queue(q);
}

#endif /* _NEXUS_COMPAT_H */
