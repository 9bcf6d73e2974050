// SPDX-License-Identifier: GPL-2.0
/* Probe: cache flags are queue-limit features (6.11), not queue flags. */
#include <linux/blkdev.h>

void nexus_probe(struct queue_limits *lim);
void nexus_probe(struct queue_limits *lim)
{
	lim->features |= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
	lim->max_user_discard_sectors = 0;
}
