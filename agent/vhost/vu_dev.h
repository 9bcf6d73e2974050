/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One vhost-user-blk device as one front-end connection sees it: what was
 * negotiated, the guest's memory, the queues.  vu_msg.c changes it from
 * socket messages; the IO side (blk_io.c, or a test's stubs) is told through
 * vu_dev_ops when a queue may run and when IO must be drained first.
 */
#ifndef VU_DEV_H
#define VU_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "blk_req.h"
#include "vu_mem.h"
#include "vu_ring.h"

#define VU_MAX_QUEUES 16

struct vu_dev;

struct vu_dev_ops {
	/* Queue q is started and enabled: watch its kick fd.  0 or -errno. */
	int (*queue_start)(struct vu_dev *d, unsigned int q);
	/* Queue q stops: no more pops; its IO is drained first. */
	void (*queue_stop)(struct vu_dev *d, unsigned int q);
	/* Waits until no IO of any queue is in flight (memory is about to go). */
	void (*drain)(struct vu_dev *d);
};

struct vu_queue {
	struct vu_vq vq;
	struct vu_vring_addr addr;
	bool addr_set;
	bool started;		/* has a kick fd, rings mapped */
	bool enabled;		/* SET_VRING_ENABLE, or no protocol features */
	bool running;		/* queue_start() succeeded */
	int kick_fd;
	int call_fd;
};

struct vu_dev {
	const struct vu_dev_ops *ops;
	void *io;		/* the IO side's own state */
	struct blk_geom geom;
	unsigned int num_queues;	/* offered (--queues) */
	uint64_t features;		/* acked */
	uint64_t protocol_features;	/* acked */
	uint8_t wce;			/* writeback cache on (CONFIG_WCE) */
	struct vu_mem mem;
	struct vu_queue q[VU_MAX_QUEUES];
	void *inflight;			/* INFLIGHT_SHMFD area, NULL without */
	uint64_t inflight_size;
	uint16_t inflight_queue_size;
	uint16_t inflight_queues;
	char err[160];			/* the last refused message, why */
};

/* A received message with its fds (closed by vu_msg_close_fds()). */
struct vu_msg {
	struct vu_hdr hdr;
	union {
		uint64_t u64;
		struct vu_vring_state state;
		struct vu_vring_addr addr;
		struct vu_mem_table_msg mem;
		struct vu_mem_reg_msg reg;
		struct vu_config_msg config;
		struct vu_inflight_msg inflight;
		uint8_t bytes[VU_MAX_PAYLOAD];
	} p;
	int fds[VHOST_MEMORY_BASELINE_NREGIONS];
	unsigned int nfds;
};

enum vu_handled { VU_NO_REPLY, VU_REPLY, VU_FATAL };

void vu_dev_init(struct vu_dev *d, const struct vu_dev_ops *ops, void *io,
		 const struct blk_geom *g, unsigned int num_queues);
/* Back to a fresh connection's state: queues stopped, memory unmapped. */
void vu_dev_reset(struct vu_dev *d);
uint64_t vu_dev_features(const struct vu_dev *d);
uint64_t vu_dev_protocol_features(void);
void vu_dev_config(const struct vu_dev *d, struct virtio_blk_cfg *cfg);

/*
 * Acts on m.  Fills reply (and reply->fds[0] when it carries one) when the
 * result is VU_REPLY; VU_FATAL: the connection cannot go on.  m's fds are
 * consumed (closed or kept) either way.  d->err says why a message failed.
 */
enum vu_handled vu_msg_handle(struct vu_dev *d, struct vu_msg *m, struct vu_msg *reply);

const char *vu_msg_name(uint32_t request);

/* Socket IO: 0, or -1 when the connection is gone or unusable. */
int vu_msg_recv(int fd, struct vu_msg *m);
int vu_msg_send(int fd, const struct vu_msg *m);
void vu_msg_close_fds(struct vu_msg *m);

#endif
