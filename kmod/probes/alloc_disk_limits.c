// SPDX-License-Identifier: GPL-2.0
/* Probe: a disk is born with its queue limits, errors as ERR_PTR (6.9). */
#include <linux/blkdev.h>

struct gendisk *nexus_probe(struct queue_limits *lim);
struct gendisk *nexus_probe(struct queue_limits *lim)
{
	return blk_alloc_disk(lim, NUMA_NO_NODE);
}
