// SPDX-License-Identifier: Apache-2.0
/*
 * Split virtqueue walking; see vu_ring.h.  The ring lives in memory the
 * guest writes concurrently, so every value is read once into a local
 * (load16() / read_desc()) and checked before use: indices against the
 * queue or table size, addresses through vu_mem, chain lengths against the
 * table, so a loop ends as "too long".
 */
#include <stdlib.h>
#include <string.h>

#include "vu_ring.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

uint64_t vu_inflight_queue_bytes(uint16_t queue_size)
{
	return ALIGN_UP(sizeof(struct vu_inflight_queue) +
			(uint64_t)queue_size * sizeof(struct vu_inflight_desc), 64);
}

/* Guest-shared 16-bit fields: one atomic read or write each. */
static uint16_t load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED);
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, v, __ATOMIC_RELAXED);
}

/* avail: flags, idx, ring[num], used_event.  used: flags, idx, ring[num], avail_event. */
static uint8_t *avail_ring(const struct vu_vq *vq, unsigned int i)
{
	return vq->avail + 4 + 2 * i;
}

static uint8_t *used_event(const struct vu_vq *vq)
{
	return avail_ring(vq, vq->num);
}

static uint8_t *avail_event(const struct vu_vq *vq)
{
	return vq->used + 4 + 8 * (size_t)vq->num;
}

const char *vq_map(struct vu_vq *vq, const struct vu_mem *mem, uint64_t desc,
		   uint64_t avail, uint64_t used)
{
	uint64_t n = vq->num;
	uint8_t *d, *a, *u;

	if (!n)
		return "vring size not set";
	/* virtio 1.2, 2.7: alignment of the three parts. */
	if (desc % 16 || avail % 2 || used % 4)
		return "vring address misaligned";
	d = vu_uva_to_va(mem, desc, 16 * n);
	a = vu_uva_to_va(mem, avail, 6 + 2 * n);
	u = vu_uva_to_va(mem, used, 6 + 8 * n);
	if (!d || !a || !u)
		return "vring address outside guest memory";
	vq->desc = d;
	vq->avail = a;
	vq->used = u;
	/* Whatever a previous server returned stays returned. */
	vq->used_idx = load16(u + 2);
	vq->signalled_valid = false;
	return NULL;
}

static enum vq_pop_result broken(struct vu_vq *vq, const char *why)
{
	vq->broken = true;
	vq->why = why;
	return VQ_BROKEN;
}

/* One descriptor copied out of guest memory; the copy is what is checked. */
static struct vring_desc_le read_desc(const uint8_t *table, unsigned int i)
{
	struct vring_desc_le d;

	memcpy(&d, table + 16 * (size_t)i, sizeof(d));
	/* The compiler must not re-read the guest's copy after the checks. */
	__asm__ __volatile__("" ::: "memory");
	return d;
}

/* A chain's walk: which table, its size, and what was seen so far. */
struct walk {
	const uint8_t *table;
	unsigned int size;	/* entries in table */
	unsigned int count;	/* descriptors taken from table */
	bool indirect;		/* inside an indirect table */
};

/* Switches the walk to the indirect table d describes; NULL or why not. */
static const char *enter_indirect(const struct vu_vq *vq, const struct vu_mem *mem,
				  struct walk *w, const struct vring_desc_le *d)
{
	if (!vq->indirect)
		return "indirect descriptor not negotiated";
	if (w->indirect)
		return "indirect table inside an indirect table";
	if (d->flags & VRING_DESC_F_NEXT)
		return "indirect descriptor with NEXT";
	if (!d->len || d->len % 16 || d->len / 16 > vq->num)
		return "indirect table size invalid";
	w->table = vu_gpa_to_va(mem, d->addr, d->len);
	if (!w->table)
		return "indirect table outside guest memory";
	w->size = d->len / 16;
	w->count = 0;
	w->indirect = true;
	return NULL;
}

/* Adds one data descriptor's pieces to c; NULL or why not. */
static const char *take(const struct vu_mem *mem, struct vu_chain *c,
			const struct vring_desc_le *d)
{
	unsigned int n = c->nread + c->nwrite;

	if (d->flags & VRING_DESC_F_WRITE) {
		if (vu_gpa_to_iov(mem, d->addr, d->len, c->iov, &n, VQ_MAX_IOV))
			return "descriptor outside guest memory";
		c->nwrite = n - c->nread;
		return NULL;
	}
	if (c->nwrite)
		return "readable descriptor after a writable one";
	if (vu_gpa_to_iov(mem, d->addr, d->len, c->iov, &n, VQ_MAX_IOV))
		return "descriptor outside guest memory";
	c->nread = n;
	return NULL;
}

/* Walks the chain at head into c. */
static enum vq_pop_result walk_chain(struct vu_vq *vq, const struct vu_mem *mem,
				     uint16_t head, struct vu_chain *c)
{
	struct walk w = { .table = vq->desc, .size = vq->num };
	unsigned int i = head;
	const char *why;

	c->head = head;
	c->nread = c->nwrite = 0;
	if (head >= vq->num)
		return broken(vq, "head index out of range");
	for (;;) {
		struct vring_desc_le d = read_desc(w.table, i);

		if (++w.count > w.size)
			return broken(vq, "descriptor chain longer than its table (loop?)");
		if (d.flags & VRING_DESC_F_INDIRECT) {
			why = enter_indirect(vq, mem, &w, &d);
			if (why)
				return broken(vq, why);
			i = 0;
			continue;
		}
		why = take(mem, c, &d);
		if (why)
			return broken(vq, why);
		if (!(d.flags & VRING_DESC_F_NEXT))
			return VQ_CHAIN;
		i = d.next;
		if (i >= w.size)
			return broken(vq, "next index out of range");
	}
}

static void inflight_get(struct vu_vq *vq, uint16_t head)
{
	if (!vq->inflight)
		return;
	vq->inflight->desc[head].counter = vq->counter++;
	vq->inflight->desc[head].inflight = 1;
}

enum vq_pop_result vq_pop(struct vu_vq *vq, const struct vu_mem *mem, struct vu_chain *c)
{
	uint16_t avail_idx, head;

	if (vq->broken || !vq->avail)
		return VQ_BROKEN;
	if (vq->nresubmit)
		return walk_chain(vq, mem, vq->resubmit[--vq->nresubmit], c);
	avail_idx = load16(vq->avail + 2);
	if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num)
		return broken(vq, "available index moved more than the queue size");
	if (avail_idx == vq->last_avail_idx)
		return VQ_EMPTY;
	/* Read the entry only after the index that published it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = load16(avail_ring(vq, vq->last_avail_idx % vq->num));
	vq->last_avail_idx++;
	if (walk_chain(vq, mem, head, c) != VQ_CHAIN)
		return VQ_BROKEN;
	inflight_get(vq, head);
	return VQ_CHAIN;
}

void vq_push(struct vu_vq *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem_le e = { .id = head, .len = len };

	if (vq->inflight)
		vq->inflight->last_batch_head = head;
	memcpy(vq->used + 4 + 8 * (size_t)(vq->used_idx % vq->num), &e, sizeof(e));
	/* The element before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->used_idx++;
	store16(vq->used + 2, vq->used_idx);
	if (vq->inflight) {
		__atomic_thread_fence(__ATOMIC_RELEASE);
		vq->inflight->desc[head].inflight = 0;
		vq->inflight->used_idx = vq->used_idx;
	}
}

bool vq_should_call(struct vu_vq *vq)
{
	uint16_t old = vq->signalled_used, new = vq->used_idx, ev;
	bool valid = vq->signalled_valid;

	/* Our used->idx store before the driver's flags or used_event. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(load16(vq->avail) & VRING_AVAIL_F_NO_INTERRUPT);
	vq->signalled_used = new;
	vq->signalled_valid = true;
	if (!valid)
		return true;
	ev = load16(used_event(vq));
	/* vring_need_event(): did new pass used_event since old? */
	return (uint16_t)(new - ev - 1) < (uint16_t)(new - old);
}

bool vq_enable_kick(struct vu_vq *vq)
{
	if (!vq->event_idx || vq->broken || !vq->avail)
		return false;
	store16(avail_event(vq), vq->last_avail_idx);
	/* The driver reads avail_event after its idx store; we the reverse. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load16(vq->avail + 2) != vq->last_avail_idx;
}

static int by_counter_desc(const void *a, const void *b, void *arg)
{
	const struct vu_inflight_queue *q = arg;
	uint64_t ca = q->desc[*(const uint16_t *)a].counter;
	uint64_t cb = q->desc[*(const uint16_t *)b].counter;

	/* Descending: the list is consumed from its end, oldest first. */
	return ca < cb ? 1 : ca > cb ? -1 : 0;
}

const char *vq_inflight_restore(struct vu_vq *vq, struct vu_inflight_queue *q)
{
	uint16_t used = load16(vq->used + 2);
	unsigned int n = 0;

	if (q->desc_num != vq->num)
		return "inflight area is for another queue size";
	/* A crash between used->idx and the inflight clear: finish that push. */
	if (q->used_idx != used) {
		if (q->last_batch_head < vq->num)
			q->desc[q->last_batch_head].inflight = 0;
		q->used_idx = used;
	}
	free(vq->resubmit);
	vq->resubmit = calloc(vq->num, sizeof(*vq->resubmit));
	if (!vq->resubmit)
		return "out of memory";
	vq->counter = 0;
	for (unsigned int i = 0; i < vq->num; i++) {
		if (q->desc[i].inflight != 1)
			continue;
		vq->resubmit[n++] = i;
		if (q->desc[i].counter >= vq->counter)
			vq->counter = q->desc[i].counter + 1;
	}
	qsort_r(vq->resubmit, n, sizeof(*vq->resubmit), by_counter_desc, q);
	vq->nresubmit = n;
	vq->inflight = q;
	vq->used_idx = used;
	vq->last_avail_idx = used + n;
	return NULL;
}

void vq_reset(struct vu_vq *vq)
{
	free(vq->resubmit);
	memset(vq, 0, sizeof(*vq));
}
