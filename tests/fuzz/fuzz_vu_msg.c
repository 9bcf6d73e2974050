// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the front-end's side.  The input is a stream of
 * vhost-user messages, each preceded by a byte giving how many fds ride on
 * it (memfds of 1 MiB standing in for guest memory; eventfds on the
 * kick, call and err messages);
 * they go through vu_msg_handle() as the server's loop would pass them,
 * then every queue that ended up running is drained once (vu_ring.c,
 * blk_req.c) against whatever memory was mapped.  A crash, a leak of an
 * fd or mapping (LeakSanitizer, the fd check below) or an access outside
 * the mappings is a finding.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vu_dev.h"

#define GUEST (1u << 20)

static int ops_start(struct vu_dev *d, unsigned int q)
{
	(void)d, (void)q;
	return 0;
}

static const struct vu_dev_ops ops = { .queue_start = ops_start };

/* One memfd for every run: created once, dup()ed into each message. */
static int guest_fd(void)
{
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("fuzz-guest", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, GUEST) < 0)
			abort();
	}
	return fd;
}

/* Which of fds 0-63 are open. */
static uint64_t open_fds(void)
{
	uint64_t set = 0;

	for (int fd = 0; fd < 64; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			set |= 1ull << fd;
	return set;
}

static void drain_queues(struct vu_dev *d)
{
	static struct vu_chain c;

	for (unsigned int i = 0; i < d->num_queues; i++) {
		struct vu_queue *q = &d->q[i];

		for (int k = 0; q->running && k < 16; k++) {
			struct blk_req r;

			if (vq_pop(&q->vq, &d->mem, &c) != VQ_CHAIN)
				break;
			if (blk_req_parse(&d->geom, &c, &r) != BLK_NO_STATUS) {
				*r.status = VIRTIO_BLK_S_OK;
				vq_push(&q->vq, c.head, r.used_len);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vu_msg m, reply;
	struct blk_geom g = { .sectors = 2048, .blk_size = 512, .phys_block_size = 512 };
	struct vu_dev *d = malloc(sizeof(*d));
	uint64_t open_before = open_fds();

	vu_dev_init(d, &ops, NULL, &g, 2);
	while (size >= 1 + sizeof(struct vu_hdr)) {
		unsigned int nfds = data[0] % (VHOST_MEMORY_BASELINE_NREGIONS + 1);

		memcpy(&m.hdr, data + 1, sizeof(m.hdr));
		data += 1 + sizeof(m.hdr);
		size -= 1 + sizeof(m.hdr);
		/* What vu_msg_recv() would refuse never reaches the handler. */
		if (m.hdr.size > VU_MAX_PAYLOAD || m.hdr.size > size)
			break;
		memcpy(&m.p, data, m.hdr.size);
		data += m.hdr.size;
		size -= m.hdr.size;
		m.nfds = nfds;
		/* Vring fds must be eventfds (the server checks); others memfds. */
		for (unsigned int i = 0; i < nfds; i++)
			m.fds[i] = m.hdr.request >= VHOST_USER_SET_VRING_KICK &&
				   m.hdr.request <= VHOST_USER_SET_VRING_ERR ?
				   eventfd(0, EFD_NONBLOCK) : dup(guest_fd());
		if (vu_msg_handle(d, &m, &reply) == VU_FATAL)
			break;
		vu_msg_close_fds(&reply);
	}
	drain_queues(d);
	vu_dev_reset(d);
	free(d);
	/* Every fd a message brought was closed, or owned by the device and closed by the reset. */
	if (open_fds() & ~open_before & ~(1ull << guest_fd()))
		abort();
	return 0;
}
