/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IO side: requests popped from a virtqueue go to the device through
 * io_uring, one ring per virtqueue.  A kick pops everything available and
 * submits it in one io_uring_enter(); a ring's completions are reaped as a
 * batch and the guest gets one interrupt for them (when it wants one).
 * Nothing polls: the caller waits in epoll for kick fds and ring fds.
 */
#ifndef BLK_IO_H
#define BLK_IO_H

#include <stdbool.h>

#include "vu_dev.h"

struct blk_ioq;

struct blk_io {
	int fd;			/* the device, O_DIRECT */
	bool blockdev;		/* a block device, not a regular file */
	struct vu_dev *dev;
	struct blk_ioq *q[VU_MAX_QUEUES];
	void (*log)(const char *fmt, ...);	/* broken queues are reported here */
};

/* Opens path O_DIRECT and fills g; NULL or why not (with errno, or errno 0). */
const char *blk_io_open(struct blk_io *io, const char *path, bool ro, struct blk_geom *g);
void blk_io_close(struct blk_io *io);

/* Sets up queue qi's ring; returns its fd to wait on, or -errno. */
int blk_io_queue_start(struct blk_io *io, unsigned int qi);
/* Queue qi's ring fd, -1 when it has none. */
int blk_io_ring_fd(const struct blk_io *io, unsigned int qi);
/* Waits for queue qi's IO, then frees its ring. */
void blk_io_queue_stop(struct blk_io *io, unsigned int qi);
/*
 * The queue's kick fd fired (the caller watches it edge-triggered and does
 * not read it): pop and submit everything available.  Returns the queue's
 * requests in flight once submitted: the depth the front-end keeps.
 */
unsigned int blk_io_kick(struct blk_io *io, unsigned int qi);
/* The queue's ring fd fired: complete what finished. */
void blk_io_complete(struct blk_io *io, unsigned int qi);
/* Waits until no queue has IO in flight. */
void blk_io_drain(struct blk_io *io);

#endif
