/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Crafted guest memory for the vhost unit tests: one buffer registered as
 * a region at guest address GUEST_BASE, the front-end seeing it at
 * UVA_BASE, and helpers that write rings and descriptors into it.
 */
#ifndef VU_FIXTURE_H
#define VU_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "vu_ring.h"

#define GUEST_BASE 0x100000ull
#define GUEST_SIZE (1u << 20)
#define UVA_BASE 0x7f0000000000ull
#define QNUM 8
/* Where the rings sit in the region (offsets). */
#define DESC_OFF 0x0
#define AVAIL_OFF 0x1000
#define USED_OFF 0x2000

struct guest {
	struct vu_mem mem;
	uint8_t *buf;
	struct vu_vq vq;
};

static inline void guest_init(struct guest *g)
{
	struct vu_mem_region_msg r = { GUEST_BASE, GUEST_SIZE, UVA_BASE, 0 };

	memset(g, 0, sizeof(*g));
	g->buf = aligned_alloc(4096, GUEST_SIZE);
	memset(g->buf, 0, GUEST_SIZE);
	vu_mem_add_mapped(&g->mem, &r, g->buf);
	g->vq.num = QNUM;
	vq_map(&g->vq, &g->mem, UVA_BASE + DESC_OFF, UVA_BASE + AVAIL_OFF, UVA_BASE + USED_OFF);
}

static inline void guest_free(struct guest *g)
{
	vq_reset(&g->vq);
	free(g->buf);
}

static inline void set_desc(struct guest *g, unsigned int i, uint64_t addr, uint32_t len,
			    uint16_t flags, uint16_t next)
{
	struct vring_desc_le d = { addr, len, flags, next };

	memcpy(g->buf + DESC_OFF + 16 * i, &d, sizeof(d));
}

/* Puts head in the next available slot and bumps avail->idx. */
static inline void publish(struct guest *g, uint16_t head)
{
	uint16_t idx;

	memcpy(&idx, g->buf + AVAIL_OFF + 2, 2);
	memcpy(g->buf + AVAIL_OFF + 4 + 2 * (idx % QNUM), &head, 2);
	idx++;
	memcpy(g->buf + AVAIL_OFF + 2, &idx, 2);
}

static inline uint16_t used_idx(struct guest *g)
{
	uint16_t v;

	memcpy(&v, g->buf + USED_OFF + 2, 2);
	return v;
}

/* Guest address of offset off in the region. */
#define GPA(off) (GUEST_BASE + (off))

#endif
