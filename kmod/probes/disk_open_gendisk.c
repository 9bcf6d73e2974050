// SPDX-License-Identifier: GPL-2.0
/* Probe: block_device_operations open a gendisk with a blk_mode_t (6.5). */
#include <linux/blkdev.h>

static int nexus_probe_open(struct gendisk *disk, blk_mode_t mode)
{
	return 0;
}

static void nexus_probe_release(struct gendisk *disk)
{
}

const struct block_device_operations nexus_probe_fops = {
	.open = nexus_probe_open,
	.release = nexus_probe_release,
};
