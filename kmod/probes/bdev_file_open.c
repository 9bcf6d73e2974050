// SPDX-License-Identifier: GPL-2.0
/* Probe: block devices are opened as files (6.9), released with bdev_fput(). */
#include <linux/blkdev.h>

struct file *nexus_probe(const char *path, void *holder);
struct file *nexus_probe(const char *path, void *holder)
{
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						holder, NULL);

	bdev_fput(f);
	return file_bdev(f) ? f : NULL;
}
