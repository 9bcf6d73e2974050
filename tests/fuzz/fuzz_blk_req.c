// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the guest's side of the data path.  The input becomes
 * guest memory (rings, descriptors, headers, indirect tables) in two
 * adjacent regions; every chain is popped (vu_ring.c), parsed (blk_req.c)
 * and completed the way blk_io.c would, touching every byte of its data.
 * ASan knows the regions' exact bounds: any access outside them is caught.
 *   input[0]  bit 0 INDIRECT_DESC, bit 1 EVENT_IDX, bit 2 an inflight area
 *             from input too, bit 3 read-only device
 *   input[1]  log2 of the queue size (mod 9)
 *   input[2..] guest memory from guest address 0 (desc table at 0,
 *             avail ring at 0x1000, used ring at 0x2000)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blk_req.h"
#include "vu_ring.h"

#define MEM (64u << 10)
#define HALF (MEM / 2)
#define UVA 0x7f0000000000ull

/* What blk_io.c does to a request: data moved, status written, chain pushed. */
static void complete(struct vu_vq *vq, struct vu_chain *c, const struct blk_geom *g)
{
	uint16_t head = c->head;
	struct blk_req r;
	uint8_t sink[512];

	switch (blk_req_parse(g, c, &r)) {
	case BLK_NO_STATUS:
		return;
	case BLK_DONE:
		*r.status = r.status_code;
		break;
	case BLK_SUBMIT:
		for (unsigned int i = 0; i < r.niov; i++) {
			uint8_t *p = r.iov[i].iov_base;

			for (size_t k = 0; k < r.iov[i].iov_len; k += sizeof(sink)) {
				size_t n = r.iov[i].iov_len - k < sizeof(sink) ?
					   r.iov[i].iov_len - k : sizeof(sink);

				if (r.op == BLK_OP_READ)
					memset(p + k, 0x5a, n);
				else
					memcpy(sink, p + k, n);
			}
		}
		*r.status = VIRTIO_BLK_S_OK;
		break;
	}
	vq_push(vq, head, r.used_len);
	vq_should_call(vq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Two separate allocations: the regions are adjacent in guest space only. */
	uint8_t *lo = calloc(1, HALF), *hi = calloc(1, HALF);
	struct vu_mem_region_msg r0 = { 0, HALF, UVA, 0 }, r1 = { HALF, HALF, UVA + HALF, 0 };
	struct blk_geom g = { .sectors = 4096, .blk_size = 512, .phys_block_size = 512,
			      .serial = "fuzz" };
	struct vu_inflight_queue *inf = NULL;
	struct vu_mem mem = { 0 };
	struct vu_vq vq = { 0 };
	struct vu_chain *c = malloc(sizeof(*c));

	if (size < 2)
		goto out;
	size -= 2;
	memcpy(lo, data + 2, size < HALF ? size : HALF);
	if (size > HALF)
		memcpy(hi, data + 2 + HALF, size - HALF < HALF ? size - HALF : HALF);
	vu_mem_add_mapped(&mem, &r0, lo);
	vu_mem_add_mapped(&mem, &r1, hi);
	vq.num = (uint16_t)(1u << (data[1] % 9));
	vq.indirect = data[0] & 1;
	vq.event_idx = data[0] & 2;
	g.ro = data[0] & 8;
	if (vq_map(&vq, &mem, UVA, UVA + 0x1000, UVA + 0x2000))
		goto out;
	if (data[0] & 4) {
		/* The inflight area a crashed server left: taken from the high region. */
		inf = malloc(vu_inflight_queue_bytes(vq.num));
		memcpy(inf, hi, vu_inflight_queue_bytes(vq.num));
		inf->desc_num = vq.num;
		if (vq_inflight_restore(&vq, inf))
			goto out;
	}
	for (int i = 0; i < 64; i++) {
		enum vq_pop_result res = vq_pop(&vq, &mem, c);

		if (res == VQ_CHAIN)
			complete(&vq, c, &g);
		else if (res == VQ_BROKEN || !vq_enable_kick(&vq))
			break;
	}
out:
	vq_reset(&vq);
	free(inf);
	free(c);
	free(lo);
	free(hi);
	return 0;
}
