// SPDX-License-Identifier: Apache-2.0
/* io_uring backend of the virtio-blk queues; see blk_io.h. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blk_io.h"

/* Data pieces kept in the request itself; more are allocated. */
#define INLINE_IOV 4
/*
 * Bounce buffers one queue may hold at once: without a bound a guest could
 * make the server allocate queue size x 32 MiB.  Beyond it, an unaligned
 * request fails with IOERR (Linux guests align their buffers).
 */
#define BOUNCE_LIMIT (64u << 20)

/* One request in flight, indexed by its chain's head. */
struct io_req {
	bool busy;
	enum blk_op op;
	uint16_t head;
	uint8_t *status;
	uint32_t used_len;
	uint64_t offset, len;
	struct iovec *iov;	/* the guest's data pieces */
	unsigned int niov;
	struct iovec inline_iov[INLINE_IOV];
	void *bounce;		/* aligned copy when the guest's pieces are not */
	struct iovec bounce_iov;
};

struct blk_ioq {
	struct io_uring ring;
	unsigned int inflight;
	bool need_call;		/* used entries pushed since the last interrupt */
	bool reported;		/* a broken ring was logged */
	uint64_t bounce_bytes;	/* held by requests in flight */
	struct io_req *reqs;	/* [queue size] */
	struct vu_chain chain;	/* scratch for the chain being parsed */
};

static void noop_log(const char *fmt, ...)
{
	(void)fmt;
}

/* Geometry of a block device: sizes from the kernel's queue limits. */
static const char *geom_blockdev(int fd, struct blk_geom *g)
{
	uint64_t bytes;
	int lbs = 512;
	unsigned int pbs = 0, opt = 0;

	if (ioctl(fd, BLKGETSIZE64, &bytes) < 0 || ioctl(fd, BLKSSZGET, &lbs) < 0)
		return "cannot read the block device's size";
	ioctl(fd, BLKPBSZGET, &pbs);
	ioctl(fd, BLKIOOPT, &opt);
	g->sectors = bytes / 512;
	g->blk_size = (uint32_t)lbs;
	g->phys_block_size = pbs >= (unsigned int)lbs ? pbs : (uint32_t)lbs;
	g->opt_io_size = opt;
	return NULL;
}

const char *blk_io_open(struct blk_io *io, const char *path, bool ro, struct blk_geom *g)
{
	struct stat st;
	const char *why = NULL;

	memset(io, 0, sizeof(*io));
	io->log = noop_log;
	io->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_DIRECT | O_CLOEXEC);
	if (io->fd < 0)
		return "cannot open the device";
	if (fstat(io->fd, &st) < 0)
		why = "cannot stat the device";
	else if (S_ISBLK(st.st_mode)) {
		io->blockdev = true;
		why = geom_blockdev(io->fd, g);
	} else if (S_ISREG(st.st_mode)) {
		g->sectors = (uint64_t)st.st_size / 512;
		g->blk_size = g->phys_block_size = 512;
		g->opt_io_size = 0;
	} else {
		errno = 0;
		why = "not a block device or regular file";
	}
	if (!why && g->sectors == 0) {
		errno = 0;
		why = "device is empty";
	}
	if (why) {
		int e = errno;

		close(io->fd);
		errno = e;
		return why;
	}
	g->ro = ro;
	return NULL;
}

void blk_io_close(struct blk_io *io)
{
	for (unsigned int i = 0; i < VU_MAX_QUEUES; i++)
		blk_io_queue_stop(io, i);
	if (io->fd >= 0)
		close(io->fd);
	io->fd = -1;
}

int blk_io_queue_start(struct blk_io *io, unsigned int qi)
{
	unsigned int num = io->dev->q[qi].vq.num;
	struct blk_ioq *q;
	int ret;

	blk_io_queue_stop(io, qi);
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->reqs = calloc(num, sizeof(*q->reqs));
	ret = q->reqs ? io_uring_queue_init(num, &q->ring, 0) : -ENOMEM;
	if (ret < 0) {
		free(q->reqs);
		free(q);
		return ret;
	}
	io->q[qi] = q;
	return q->ring.ring_fd;
}

int blk_io_ring_fd(const struct blk_io *io, unsigned int qi)
{
	return io->q[qi] ? io->q[qi]->ring.ring_fd : -1;
}

static void free_req(struct blk_ioq *q, struct io_req *r)
{
	if (r->iov != r->inline_iov)
		free(r->iov);
	if (r->bounce)
		q->bounce_bytes -= r->len;
	free(r->bounce);
	r->iov = NULL;
	r->bounce = NULL;
	r->busy = false;
}

/* Writes the status, returns the chain, and frees the slot. */
static void finish(struct blk_ioq *q, struct vu_vq *vq, struct io_req *r, uint8_t status)
{
	if (status == VIRTIO_BLK_S_OK && r->op == BLK_OP_READ && r->bounce)
		buf_to_iov(r->iov, r->niov, r->bounce, r->len);
	__atomic_store_n(r->status, status, __ATOMIC_RELAXED);
	vq_push(vq, r->head, r->used_len);
	q->need_call = true;
	free_req(q, r);
}

/* Interrupts the guest if it wants one for what was pushed. */
static void maybe_call(struct vu_queue *vqs, struct blk_ioq *q)
{
	if (!q->need_call)
		return;
	q->need_call = false;
	if (vq_should_call(&vqs->vq) && vqs->call_fd >= 0)
		eventfd_write(vqs->call_fd, 1);
}

static uint8_t result_status(const struct io_req *r, int res)
{
	if (r->op == BLK_OP_READ || r->op == BLK_OP_WRITE)
		return res >= 0 && (uint64_t)res == r->len ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	return res == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

/* Reaps every completion the ring holds; true when any was reaped. */
static bool reap(struct blk_io *io, unsigned int qi)
{
	struct blk_ioq *q = io->q[qi];
	struct io_uring_cqe *cqes[64];
	unsigned int n, total = 0;

	while ((n = io_uring_peek_batch_cqe(&q->ring, cqes, 64)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct io_req *r = io_uring_cqe_get_data(cqes[i]);

			finish(q, &io->dev->q[qi].vq, r, result_status(r, cqes[i]->res));
		}
		io_uring_cq_advance(&q->ring, n);
		q->inflight -= n;
		total += n;
	}
	return total > 0;
}

void blk_io_complete(struct blk_io *io, unsigned int qi)
{
	if (!io->q[qi])
		return;
	reap(io, qi);
	maybe_call(&io->dev->q[qi], io->q[qi]);
}

/* Waits for queue qi's IO in flight to complete. */
static void drain_queue(struct blk_io *io, unsigned int qi)
{
	struct blk_ioq *q = io->q[qi];

	while (q && q->inflight) {
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe(&q->ring, &cqe) < 0 && q->inflight)
			continue;
		reap(io, qi);
	}
	if (q)
		maybe_call(&io->dev->q[qi], q);
}

void blk_io_drain(struct blk_io *io)
{
	for (unsigned int i = 0; i < VU_MAX_QUEUES; i++)
		drain_queue(io, i);
}

void blk_io_queue_stop(struct blk_io *io, unsigned int qi)
{
	struct blk_ioq *q = io->q[qi];

	if (!q)
		return;
	drain_queue(io, qi);
	io_uring_queue_exit(&q->ring);
	free(q->reqs);
	free(q);
	io->q[qi] = NULL;
}

/* O_DIRECT needs block-aligned memory and lengths, and readv at most IOV_MAX pieces. */
static bool direct_ok(const struct blk_io *io, const struct io_req *r)
{
	uint64_t mask = io->dev->geom.blk_size - 1;

	if (r->niov > 1024)
		return false;
	for (unsigned int i = 0; i < r->niov; i++)
		if (((uintptr_t)r->iov[i].iov_base | r->iov[i].iov_len) & mask)
			return false;
	return true;
}

/* Copies the parsed request into its slot; false when memory ran out. */
static bool fill_req(struct blk_io *io, struct blk_ioq *q, struct io_req *r,
		     const struct blk_req *b, uint16_t head)
{
	memset(r, 0, sizeof(*r));
	r->busy = true;
	r->op = b->op;
	r->head = head;
	r->status = b->status;
	r->used_len = b->used_len;
	r->offset = b->offset;
	r->len = b->len;
	r->niov = b->niov;
	r->iov = b->niov <= INLINE_IOV ? r->inline_iov : calloc(b->niov, sizeof(*r->iov));
	if (!r->iov)
		return false;
	memcpy(r->iov, b->iov, b->niov * sizeof(*r->iov));
	if ((r->op == BLK_OP_READ || r->op == BLK_OP_WRITE) && !direct_ok(io, r)) {
		if (q->bounce_bytes + r->len > BOUNCE_LIMIT ||
		    posix_memalign(&r->bounce, 4096, r->len ? r->len : 4096))
			return r->bounce = NULL, false;
		q->bounce_bytes += r->len;
		if (r->op == BLK_OP_WRITE)
			iov_to_buf(r->iov, r->niov, r->bounce, r->len);
		r->bounce_iov.iov_base = r->bounce;
		r->bounce_iov.iov_len = r->len;
	}
	return true;
}

static int fallocate_mode(const struct blk_io *io, enum blk_op op)
{
	if (op == BLK_OP_WRITE_ZEROES || (op == BLK_OP_WRITE_ZEROES_UNMAP && io->blockdev))
		return FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	return FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
}

static void prep(struct blk_io *io, struct io_uring_sqe *sqe, struct io_req *r)
{
	const struct iovec *iov = r->bounce ? &r->bounce_iov : r->iov;
	unsigned int n = r->bounce ? 1 : r->niov;
	/* A descriptor holds at most 4 GiB, but the length field says so too. */
	bool one = n == 1 && iov->iov_len <= UINT32_MAX;

	/*
	 * One piece (a 4 KiB guest page, the common case) as a plain READ or
	 * WRITE: the kernel then has no iovec array to copy in, nor to keep
	 * when it hands the request to an io-wq worker (a device without
	 * NOWAIT support, such as the nexus).
	 */
	switch (r->op) {
	case BLK_OP_READ:
		if (one)
			io_uring_prep_read(sqe, io->fd, iov->iov_base, (unsigned int)iov->iov_len,
					   r->offset);
		else
			io_uring_prep_readv(sqe, io->fd, iov, n, r->offset);
		break;
	case BLK_OP_WRITE:
		if (one)
			io_uring_prep_write(sqe, io->fd, iov->iov_base, (unsigned int)iov->iov_len,
					    r->offset);
		else
			io_uring_prep_writev(sqe, io->fd, iov, n, r->offset);
		/* Write-through (CONFIG_WCE off): each write is durable when done. */
		if (!io->dev->wce)
			sqe->rw_flags = RWF_DSYNC;
		break;
	case BLK_OP_FLUSH:
		io_uring_prep_fsync(sqe, io->fd, IORING_FSYNC_DATASYNC);
		break;
	default:
		io_uring_prep_fallocate(sqe, io->fd, fallocate_mode(io, r->op), r->offset, r->len);
		break;
	}
	io_uring_sqe_set_data(sqe, r);
}

/* A block device has no hole to punch: discard goes through BLKDISCARD. */
static uint8_t discard_blockdev(struct blk_io *io, const struct blk_req *b)
{
	uint64_t range[2] = { b->offset, b->len };

	return ioctl(io->fd, BLKDISCARD, range) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

static struct io_uring_sqe *get_sqe(struct blk_ioq *q)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);

	if (!sqe) {
		io_uring_submit(&q->ring);
		sqe = io_uring_get_sqe(&q->ring);
	}
	return sqe;
}

static void done_now(struct blk_ioq *q, struct vu_vq *vq, const struct blk_req *b,
		     uint16_t head, uint8_t status)
{
	__atomic_store_n(b->status, status, __ATOMIC_RELAXED);
	vq_push(vq, head, b->used_len);
	q->need_call = true;
}

/* Turns the chain just popped into IO, or answers it at once. */
static void handle_chain(struct blk_io *io, unsigned int qi)
{
	struct blk_ioq *q = io->q[qi];
	struct vu_vq *vq = &io->dev->q[qi].vq;
	uint16_t head = q->chain.head;
	struct io_uring_sqe *sqe;
	struct blk_req b;
	struct io_req *r;

	r = &q->reqs[head];
	/* The same head twice would be pushed twice and free a busy slot. */
	if (r->busy) {
		vq->broken = true;
		vq->why = "chain head made available again while in flight";
		return;
	}
	switch (blk_req_parse(&io->dev->geom, &q->chain, &b)) {
	case BLK_NO_STATUS:
		vq->broken = true;
		vq->why = "no writable status byte";
		return;
	case BLK_DONE:
		done_now(q, vq, &b, head, b.status_code);
		return;
	case BLK_SUBMIT:
		break;
	}
	if (b.op == BLK_OP_DISCARD && io->blockdev) {
		done_now(q, vq, &b, head, discard_blockdev(io, &b));
		return;
	}
	if (!fill_req(io, q, r, &b, head) || !(sqe = get_sqe(q))) {
		free_req(q, r);
		done_now(q, vq, &b, head, VIRTIO_BLK_S_IOERR);
		return;
	}
	prep(io, sqe, r);
	q->inflight++;
}

unsigned int blk_io_kick(struct blk_io *io, unsigned int qi)
{
	struct vu_queue *vqs = &io->dev->q[qi];
	struct blk_ioq *q = io->q[qi];
	unsigned int depth;

	/* The kick fd is not read: the server watches it edge-triggered. */
	if (!q)
		return 0;
	do {
		while (vq_pop(&vqs->vq, &io->dev->mem, &q->chain) == VQ_CHAIN)
			handle_chain(io, qi);
	} while (vq_enable_kick(&vqs->vq));
	if (vqs->vq.broken && !q->reported) {
		q->reported = true;
		io->log("queue %u stopped: %s", qi, vqs->vq.why);
	}
	io_uring_submit(&q->ring);
	depth = q->inflight;
	/*
	 * What completed during the submission (a synchronous device, or an
	 * io-wq worker that ran first) goes back with the same interrupt,
	 * without another trip through epoll_wait() for the ring's fd.
	 */
	reap(io, qi);
	maybe_call(vqs, q);
	return depth;
}
