/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vc: the test suite's own vhost-user-blk front-end.  It plays the
 * hypervisor's part: shares memfd memory as two adjacent regions, lays out
 * split rings in it, negotiates as QEMU, Firecracker or Cloud Hypervisor do,
 * and submits virtio-blk requests the way a guest driver would, or broken
 * ones when asked.  Used by vhost-client (tests/vhost/run).
 */
#ifndef VC_H
#define VC_H

#include <stdbool.h>
#include <stdint.h>

#include "vu_proto.h"

#define VC_MEM_SIZE (64u << 20)		/* two regions of 32 MiB */
#define VC_REGION (32u << 20)
#define VC_RING_AREA (1u << 20)		/* rings live below 1 MiB */
#define VC_MAX_Q 16

enum vc_profile { VC_QEMU, VC_FIRECRACKER, VC_CLOUD_HYPERVISOR };

struct vc_queue {
	uint16_t num;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t avail_idx;	/* next avail index we publish */
	uint16_t used_seen;	/* used entries consumed */
	int kick, call;
	uint8_t *slot_busy;	/* [num / 4]: four descriptors a request */
	uint8_t done[1024];	/* heads seen on the used ring, not yet waited for */
	uint32_t len[1024];	/* their used lengths */
};

struct vc {
	int sock;
	enum vc_profile profile;
	uint64_t features, pfeatures;	/* acked */
	bool need_reply;		/* REPLY_ACK acked: ask for acks */
	int memfd;
	uint8_t *mem;
	uint64_t bump;			/* next free guest address for buffers */
	unsigned int nq;
	struct vc_queue q[VC_MAX_Q];
	int inflight_fd;
	struct vu_inflight_msg inflight;
	bool keep_inflight;		/* reuse inflight_fd on the next setup */
	struct virtio_blk_cfg cfg;	/* from GET_CONFIG */
};

/* One request: where its parts are in guest memory. */
struct vc_req {
	uint16_t head;
	uint64_t hdr_gpa, data_gpa, status_gpa;
	uint32_t data_len;
};

uint8_t *vc_ptr(struct vc *c, uint64_t gpa);
int vc_connect(struct vc *c, const char *path);
void vc_close(struct vc *c);	/* the connection; memory and inflight stay */
void vc_free(struct vc *c);
/* Sets up memory (once) and negotiates like profile; 0 or -1 (message on stderr). */
int vc_setup(struct vc *c, enum vc_profile p, unsigned int nq, uint16_t qsize);

/* Raw messages.  Returns the ack (0 ok, else error) or -1 when the socket failed. */
int vc_msg(struct vc *c, uint32_t req, const void *payload, uint32_t size,
	   const int *fds, unsigned int nfds, bool need_reply);
/* A request with a reply payload; returns its size, -1 on failure. */
int vc_get(struct vc *c, uint32_t req, const void *payload, uint32_t size, void *reply,
	   uint32_t reply_max, int *fd_out);

int vc_send_mem_table(struct vc *c);
const char *vu_req_name(uint32_t req);
uint64_t vc_alloc(struct vc *c, uint64_t len, uint64_t align);
/* A request of type on queue qi with data [data_gpa, +len) (device-written when in). */
int vc_submit(struct vc *c, unsigned int qi, uint32_t type, uint64_t sector,
	      uint64_t data_gpa, uint32_t len, struct vc_req *r);
/* vc_submit() without the publishing: the chain is laid out in a free slot. */
int vc_prepare(struct vc *c, unsigned int qi, uint32_t type, uint64_t sector,
	       uint64_t data_gpa, uint32_t len, struct vc_req *r);
/* Publishes a head built by hand. */
void vc_publish(struct vc *c, unsigned int qi, uint16_t head);
void vc_kick(struct vc *c, unsigned int qi);
/* Waits up to ms for head on the used ring; its status, or -1 on timeout. */
int vc_wait(struct vc *c, unsigned int qi, const struct vc_req *r, int ms, uint32_t *used_len);
/* Submits, kicks, waits: the status or -1. */
int vc_do(struct vc *c, unsigned int qi, uint32_t type, uint64_t sector, uint64_t gpa,
	  uint32_t len);
struct vring_desc_le *vc_desc(struct vc *c, unsigned int qi, unsigned int i);

#endif
