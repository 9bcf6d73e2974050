/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Quiescing a nexus for a snapshot of its children.  A file system on it
 * is frozen: writes block and its dirty data and journal are on the
 * children until it is thawed.  A raw device has no one to freeze: what
 * the page cache holds is written and dropped, and an application writing
 * at that moment gets the same crash consistency as from a power cut.
 * Each child is snapshotted in turn; the nexus completes a write once
 * every writable child has it (or has been faulted), so the snapshots of
 * the ONLINE children hold every write completed before the quiesce, and
 * a write in flight on a raw device may be in some of them only.  The
 * children that are not ONLINE are stale (docs/pools.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/fs.h>

#include "replica.h"

/* Undoes mountinfo's octal escapes ("\040" is a blank). */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Where dev is mounted (first match), or false. */
static bool find_mount(dev_t dev, char *mnt, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[PATH_MAX * 2], point[PATH_MAX];
	unsigned maj, min;
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, point) == 3 &&
		    maj == major(dev) && min == minor(dev)) {
			unescape(point);
			snprintf(mnt, size, "%s", point);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static int fail(const char *what, const char *path, char *err, size_t errlen)
{
	int rc = -errno;

	snprintf(err, errlen, "%s %s: %s", what, path, strerror(-rc));
	return rc;
}

int quiesce_start(const char *device, struct quiesce *q, char *err, size_t errlen)
{
	struct stat st;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	if (stat(device, &st))
		return fail("cannot find", device, err, errlen);
	if (find_mount(st.st_rdev, q->mountpoint, sizeof(q->mountpoint))) {
		q->fd = open(q->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (q->fd < 0)
			return fail("cannot open", q->mountpoint, err, errlen);
		if (ioctl(q->fd, FIFREEZE, 0))
			return fail("cannot freeze", q->mountpoint, err, errlen);
		q->frozen = true;
		return 0;
	}
	q->fd = open(device, O_RDONLY | O_CLOEXEC);
	if (q->fd < 0)
		return fail("cannot open", device, err, errlen);
	if (fsync(q->fd) || ioctl(q->fd, BLKFLSBUF, 0))
		return fail("cannot flush", device, err, errlen);
	return 0;
}

void quiesce_end(struct quiesce *q)
{
	if (q->frozen)
		ioctl(q->fd, FITHAW, 0);
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->frozen = false;
}
