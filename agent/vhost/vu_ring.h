/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split virtqueues (virtio 1.2, 2.7) as the device side sees them: popping
 * descriptor chains from the available ring with every check a hostile
 * driver needs, returning them on the used ring, deciding when to interrupt
 * (EVENT_IDX), and the INFLIGHT_SHMFD bookkeeping that lets a restarted
 * server resubmit what it had popped but not completed.
 */
#ifndef VU_RING_H
#define VU_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vu_mem.h"

/* The largest queue we accept (libvhost-user's limit too). */
#define VQ_MAX_SIZE 1024
/* Host pieces one chain may translate to. */
#define VQ_MAX_IOV (VQ_MAX_SIZE + 16)

/* INFLIGHT_SHMFD: one of these per queue in the shared region. */
struct vu_inflight_desc {
	uint8_t inflight;	/* popped and not yet on the used ring */
	uint8_t padding[5];
	uint16_t next;
	uint64_t counter;	/* pop order, for resubmission */
};

struct vu_inflight_queue {
	uint64_t features;
	uint16_t version;
	uint16_t desc_num;
	uint16_t last_batch_head;	/* the head being pushed */
	uint16_t used_idx;		/* used->idx after that push */
	struct vu_inflight_desc desc[];
};

/* Bytes of one queue's inflight area; the same whatever wrote it. */
uint64_t vu_inflight_queue_bytes(uint16_t queue_size);

struct vu_vq {
	uint16_t num;			/* queue size, 0 until SET_VRING_NUM */
	uint16_t last_avail_idx;	/* next available entry to pop */
	uint16_t used_idx;		/* our copy of used->idx */
	uint16_t signalled_used;	/* used_idx at the last interrupt */
	bool signalled_valid;
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX acked */
	bool indirect;			/* VIRTIO_RING_F_INDIRECT_DESC acked */
	bool broken;			/* the driver broke the ring: stopped */
	/* The ring in our address space, set by vq_map(). */
	uint8_t *desc;
	uint8_t *avail;
	uint8_t *used;
	/* INFLIGHT_SHMFD, NULL without. */
	struct vu_inflight_queue *inflight;
	uint64_t counter;		/* next inflight counter */
	uint16_t *resubmit;		/* heads to process before the ring */
	unsigned int nresubmit;
	const char *why;		/* why broken */
};

/* One popped chain: iov[0..nread) readable, then nwrite writable pieces. */
struct vu_chain {
	uint16_t head;
	unsigned int nread;
	unsigned int nwrite;
	struct iovec iov[VQ_MAX_IOV];
};

enum vq_pop_result { VQ_EMPTY = 0, VQ_CHAIN = 1, VQ_BROKEN = -1 };

/*
 * Points the queue at its rings: desc, avail and used are the front-end's
 * user addresses (SET_VRING_ADDR).  NULL or why not.
 */
const char *vq_map(struct vu_vq *vq, const struct vu_mem *mem, uint64_t desc,
		   uint64_t avail, uint64_t used);
/* Pops the next chain (a resubmitted one first).  VQ_BROKEN stops the queue. */
enum vq_pop_result vq_pop(struct vu_vq *vq, const struct vu_mem *mem, struct vu_chain *c);
/* Puts head on the used ring, len bytes written into the guest. */
void vq_push(struct vu_vq *vq, uint16_t head, uint32_t len);
/* After pushes: whether the driver wants an interrupt now. */
bool vq_should_call(struct vu_vq *vq);
/*
 * With EVENT_IDX, asks for a kick at the next available entry; true when
 * more entries arrived meanwhile (pop again).  Without, false.
 */
bool vq_enable_kick(struct vu_vq *vq);
/*
 * Takes the queue's inflight area: what was popped and never completed is
 * queued for resubmission, and last_avail_idx moves past it.  NULL or why not.
 */
const char *vq_inflight_restore(struct vu_vq *vq, struct vu_inflight_queue *q);
/* Forgets the rings, the inflight area and the resubmission list. */
void vq_reset(struct vu_vq *vq);

#endif
