// SPDX-License-Identifier: Apache-2.0
/* Device state: what is offered, the config space, reset; see vu_dev.h. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vu_dev.h"

void vu_dev_init(struct vu_dev *d, const struct vu_dev_ops *ops, void *io,
		 const struct blk_geom *g, unsigned int num_queues)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->io = io;
	d->geom = *g;
	d->num_queues = num_queues;
	d->wce = 1;
	for (unsigned int i = 0; i < VU_MAX_QUEUES; i++)
		d->q[i].kick_fd = d->q[i].call_fd = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vu_dev_reset(struct vu_dev *d)
{
	if (d->ops->drain)
		d->ops->drain(d);
	for (unsigned int i = 0; i < VU_MAX_QUEUES; i++) {
		struct vu_queue *q = &d->q[i];

		if (q->running && d->ops->queue_stop)
			d->ops->queue_stop(d, i);
		close_fd(&q->kick_fd);
		close_fd(&q->call_fd);
		vq_reset(&q->vq);
		memset(q, 0, sizeof(*q));
		q->kick_fd = q->call_fd = -1;
	}
	vu_mem_clear(&d->mem);
	if (d->inflight)
		munmap(d->inflight, d->inflight_size);
	d->inflight = NULL;
	d->inflight_size = 0;
	d->features = d->protocol_features = 0;
	d->wce = 1;
}

uint64_t vu_dev_features(const struct vu_dev *d)
{
	uint64_t f = BIT64(VIRTIO_F_VERSION_1) | BIT64(VIRTIO_BLK_F_SIZE_MAX) |
		     BIT64(VIRTIO_BLK_F_SEG_MAX) | BIT64(VIRTIO_BLK_F_BLK_SIZE) |
		     BIT64(VIRTIO_BLK_F_TOPOLOGY) | BIT64(VIRTIO_BLK_F_FLUSH) |
		     BIT64(VIRTIO_BLK_F_CONFIG_WCE) | BIT64(VIRTIO_BLK_F_MQ) |
		     BIT64(VIRTIO_RING_F_EVENT_IDX) | BIT64(VIRTIO_RING_F_INDIRECT_DESC) |
		     BIT64(VHOST_USER_F_PROTOCOL_FEATURES);

	if (d->geom.ro)
		f |= BIT64(VIRTIO_BLK_F_RO);
	else
		f |= BIT64(VIRTIO_BLK_F_DISCARD) | BIT64(VIRTIO_BLK_F_WRITE_ZEROES);
	return f;
}

uint64_t vu_dev_protocol_features(void)
{
	return BIT64(VHOST_USER_PROTOCOL_F_MQ) | BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK) |
	       BIT64(VHOST_USER_PROTOCOL_F_CONFIG) |
	       BIT64(VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD) |
	       BIT64(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS);
}

/* log2(x) for a power of two. */
static uint8_t ilog2(uint32_t x)
{
	uint8_t n = 0;

	while (x >>= 1)
		n++;
	return n;
}

void vu_dev_config(const struct vu_dev *d, struct virtio_blk_cfg *cfg)
{
	const struct blk_geom *g = &d->geom;

	memset(cfg, 0, sizeof(*cfg));
	cfg->capacity = g->sectors;
	cfg->size_max = BLK_SIZE_MAX;
	/* QEMU's default queue of 128 must hold a chain: data + header + status. */
	cfg->seg_max = 128 - 2;
	cfg->blk_size = g->blk_size;
	cfg->physical_block_exp = ilog2(g->phys_block_size / g->blk_size);
	cfg->min_io_size = 1;
	cfg->opt_io_size = g->opt_io_size / g->blk_size;
	cfg->wce = d->wce;
	cfg->num_queues = (uint16_t)d->num_queues;
	cfg->max_discard_sectors = BLK_MAX_DWZ_SECTORS;
	cfg->max_discard_seg = 1;
	cfg->discard_sector_alignment = g->blk_size / 512;
	cfg->max_write_zeroes_sectors = BLK_MAX_DWZ_SECTORS;
	cfg->max_write_zeroes_seg = 1;
	cfg->write_zeroes_may_unmap = 1;
}
