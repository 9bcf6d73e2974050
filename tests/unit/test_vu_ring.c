/*
 * Split-ring walking and descriptor validation against crafted tables
 * (agent/vhost/vu_ring.c): every chain a hostile driver could build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vu_fixture.h"

#define HDR GPA(0x10000)
#define DATA GPA(0x11000)
#define STATUS GPA(0x12000)
#define TABLE GPA(0x13000)

static int setup(void **state)
{
	struct guest *g = malloc(sizeof(*g));

	guest_init(g);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	guest_free(*state);
	free(*state);
	return 0;
}

/* header (readable), data, status (writable) at descriptors i, i+1, i+2 */
static void good_chain(struct guest *g, unsigned int i, uint16_t data_flags)
{
	set_desc(g, i, HDR, 16, VRING_DESC_F_NEXT, (uint16_t)(i + 1));
	set_desc(g, i + 1, DATA, 4096, VRING_DESC_F_NEXT | data_flags, (uint16_t)(i + 2));
	set_desc(g, i + 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
}

static enum vq_pop_result pop(struct guest *g, struct vu_chain *c)
{
	return vq_pop(&g->vq, &g->mem, c);
}

static void pops_a_good_chain(void **state)
{
	struct guest *g = *state;
	struct vu_chain c;

	good_chain(g, 0, VRING_DESC_F_WRITE);
	assert_int_equal(pop(g, &c), VQ_EMPTY);
	publish(g, 0);
	assert_int_equal(pop(g, &c), VQ_CHAIN);
	assert_int_equal(c.head, 0);
	assert_int_equal(c.nread, 1);
	assert_int_equal(c.nwrite, 2);
	assert_ptr_equal(c.iov[0].iov_base, g->buf + 0x10000);
	assert_ptr_equal(c.iov[1].iov_base, g->buf + 0x11000);
	assert_int_equal(c.iov[1].iov_len, 4096);
	assert_ptr_equal(c.iov[2].iov_base, g->buf + 0x12000);
	assert_int_equal(pop(g, &c), VQ_EMPTY);
	assert_false(g->vq.broken);
}

static void expect_broken(struct guest *g, uint16_t head, const char *why)
{
	struct vu_chain c;

	publish(g, head);
	assert_int_equal(pop(g, &c), VQ_BROKEN);
	assert_true(g->vq.broken);
	assert_non_null(strstr(g->vq.why, why));
	/* Stopped for good: nothing more is popped. */
	good_chain(g, 3, 0);
	publish(g, 3);
	assert_int_equal(pop(g, &c), VQ_BROKEN);
}

static void head_out_of_range(void **state)
{
	expect_broken(*state, QNUM, "head index");
}

static void loop_is_too_long(void **state)
{
	struct guest *g = *state;

	set_desc(g, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	set_desc(g, 1, DATA, 16, VRING_DESC_F_NEXT, 0);
	expect_broken(g, 0, "longer");
}

static void self_loop_is_too_long(void **state)
{
	struct guest *g = *state;

	set_desc(g, 5, HDR, 16, VRING_DESC_F_NEXT, 5);
	expect_broken(g, 5, "longer");
}

static void next_out_of_range(void **state)
{
	struct guest *g = *state;

	set_desc(g, 0, HDR, 16, VRING_DESC_F_NEXT, QNUM);
	expect_broken(g, 0, "next index");
}

static void writable_before_readable(void **state)
{
	struct guest *g = *state;

	good_chain(g, 0, 0);
	set_desc(g, 0, HDR, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	expect_broken(g, 0, "readable descriptor after");
}

static void outside_memory(void **state)
{
	struct guest *g = *state;

	good_chain(g, 0, 0);
	set_desc(g, 1, GUEST_BASE + GUEST_SIZE - 100, 4096, VRING_DESC_F_NEXT, 2);
	expect_broken(g, 0, "outside guest memory");
}

static void address_wraps(void **state)
{
	struct guest *g = *state;

	good_chain(g, 0, 0);
	set_desc(g, 1, UINT64_MAX - 16, 4096, VRING_DESC_F_NEXT, 2);
	expect_broken(g, 0, "outside guest memory");
}

static void below_memory(void **state)
{
	struct guest *g = *state;

	good_chain(g, 0, 0);
	set_desc(g, 1, 0, 512, VRING_DESC_F_NEXT, 2);
	expect_broken(g, 0, "outside guest memory");
}

static void avail_index_jumps(void **state)
{
	struct guest *g = *state;
	struct vu_chain c;
	uint16_t idx = QNUM + 1;

	memcpy(g->buf + AVAIL_OFF + 2, &idx, 2);
	assert_int_equal(pop(g, &c), VQ_BROKEN);
	assert_non_null(strstr(g->vq.why, "available index"));
}

/* An indirect table of n entries at TABLE holding a good chain. */
static void indirect(struct guest *g, uint32_t bytes, uint16_t flags)
{
	struct vring_desc_le t[3] = {
		{ HDR, 16, VRING_DESC_F_NEXT, 1 },
		{ DATA, 4096, VRING_DESC_F_NEXT, 2 },
		{ STATUS, 1, VRING_DESC_F_WRITE, 0 },
	};

	memcpy(g->buf + 0x13000, t, sizeof(t));
	set_desc(g, 0, TABLE, bytes, VRING_DESC_F_INDIRECT | flags, 0);
}

static void indirect_table_walked(void **state)
{
	struct guest *g = *state;
	struct vu_chain c;

	g->vq.indirect = true;
	indirect(g, 48, 0);
	publish(g, 0);
	assert_int_equal(pop(g, &c), VQ_CHAIN);
	assert_int_equal(c.nread, 2);
	assert_int_equal(c.nwrite, 1);
	assert_ptr_equal(c.iov[2].iov_base, g->buf + 0x12000);
}

static void indirect_not_negotiated(void **state)
{
	struct guest *g = *state;

	indirect(g, 48, 0);
	expect_broken(g, 0, "not negotiated");
}

static void indirect_inside_indirect(void **state)
{
	struct guest *g = *state;
	uint16_t f = VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT;

	g->vq.indirect = true;
	indirect(g, 48, 0);
	memcpy(g->buf + 0x13000 + 16 + 12, &f, 2);
	expect_broken(g, 0, "inside an indirect");
}

static void indirect_with_next(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	indirect(g, 48, VRING_DESC_F_NEXT);
	expect_broken(g, 0, "with NEXT");
}

static void indirect_bad_sizes(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	indirect(g, 40, 0);
	expect_broken(g, 0, "size invalid");
}

static void indirect_longer_than_queue(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	indirect(g, 16 * (QNUM + 1), 0);
	expect_broken(g, 0, "size invalid");
}

static void indirect_empty(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	indirect(g, 0, 0);
	expect_broken(g, 0, "size invalid");
}

static void indirect_loop(void **state)
{
	struct guest *g = *state;
	struct vring_desc_le t[2] = {
		{ HDR, 16, VRING_DESC_F_NEXT, 1 },
		{ DATA, 16, VRING_DESC_F_NEXT, 0 },
	};

	g->vq.indirect = true;
	memcpy(g->buf + 0x13000, t, sizeof(t));
	set_desc(g, 0, TABLE, sizeof(t), VRING_DESC_F_INDIRECT, 0);
	expect_broken(g, 0, "longer");
}

static void indirect_table_outside(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	set_desc(g, 0, GUEST_BASE + GUEST_SIZE - 16, 48, VRING_DESC_F_INDIRECT, 0);
	expect_broken(g, 0, "outside guest memory");
}

static void push_and_used_ring(void **state)
{
	struct guest *g = *state;
	struct vring_used_elem_le e;

	vq_push(&g->vq, 3, 4097);
	assert_int_equal(used_idx(g), 1);
	memcpy(&e, g->buf + USED_OFF + 4, sizeof(e));
	assert_int_equal(e.id, 3);
	assert_int_equal(e.len, 4097);
}

static void interrupts_without_event_idx(void **state)
{
	struct guest *g = *state;
	uint16_t no_interrupt = VRING_AVAIL_F_NO_INTERRUPT;

	vq_push(&g->vq, 0, 1);
	assert_true(vq_should_call(&g->vq));
	memcpy(g->buf + AVAIL_OFF, &no_interrupt, 2);
	vq_push(&g->vq, 1, 1);
	assert_false(vq_should_call(&g->vq));
}

static void interrupts_with_event_idx(void **state)
{
	struct guest *g = *state;
	uint16_t used_event = 2;

	g->vq.event_idx = true;
	memcpy(g->buf + AVAIL_OFF + 4 + 2 * QNUM, &used_event, 2);
	vq_push(&g->vq, 0, 1);		/* used 0 -> 1: the first call always goes */
	assert_true(vq_should_call(&g->vq));
	vq_push(&g->vq, 1, 1);		/* 1 -> 2: used_event 2 not passed yet */
	assert_false(vq_should_call(&g->vq));
	vq_push(&g->vq, 2, 1);		/* 2 -> 3: passes used_event 2 */
	assert_true(vq_should_call(&g->vq));
	vq_push(&g->vq, 3, 1);
	assert_false(vq_should_call(&g->vq));
}

static void asks_for_the_next_kick(void **state)
{
	struct guest *g = *state;
	struct vu_chain c;
	uint16_t avail_event;

	g->vq.event_idx = true;
	good_chain(g, 0, 0);
	publish(g, 0);
	assert_int_equal(pop(g, &c), VQ_CHAIN);
	assert_false(vq_enable_kick(&g->vq));
	memcpy(&avail_event, g->buf + USED_OFF + 4 + 8 * QNUM, 2);
	assert_int_equal(avail_event, 1);
	publish(g, 0);		/* arrived meanwhile: pop again */
	assert_true(vq_enable_kick(&g->vq));
}

static void map_refuses_bad_rings(void **state)
{
	struct guest *g = *state;
	struct vu_vq vq = { .num = QNUM };

	assert_non_null(vq_map(&vq, &g->mem, UVA_BASE + 8, UVA_BASE + AVAIL_OFF,
			       UVA_BASE + USED_OFF));				/* misaligned */
	assert_non_null(vq_map(&vq, &g->mem, UVA_BASE, UVA_BASE + AVAIL_OFF,
			       UVA_BASE + GUEST_SIZE - 8));			/* used past the end */
	assert_non_null(vq_map(&vq, &g->mem, 0x1000, UVA_BASE + AVAIL_OFF,
			       UVA_BASE + USED_OFF));				/* desc outside */
	vq.num = 0;
	assert_non_null(vq_map(&vq, &g->mem, UVA_BASE, UVA_BASE + AVAIL_OFF,
			       UVA_BASE + USED_OFF));				/* no size */
}

/* The inflight area of one queue of QNUM descriptors. */
static struct vu_inflight_queue *inflight_area(void)
{
	struct vu_inflight_queue *q = calloc(1, vu_inflight_queue_bytes(QNUM));

	q->version = 1;
	q->desc_num = QNUM;
	return q;
}

static void inflight_tracks_pop_and_push(void **state)
{
	struct guest *g = *state;
	struct vu_inflight_queue *q = inflight_area();
	struct vu_chain c;

	assert_null(vq_inflight_restore(&g->vq, q));
	good_chain(g, 0, 0);
	publish(g, 0);
	assert_int_equal(pop(g, &c), VQ_CHAIN);
	assert_int_equal(q->desc[0].inflight, 1);
	vq_push(&g->vq, 0, 1);
	assert_int_equal(q->desc[0].inflight, 0);
	assert_int_equal(q->used_idx, 1);
	vq_reset(&g->vq);
	free(q);
}

static void inflight_resubmits_in_pop_order(void **state)
{
	struct guest *g = *state;
	struct vu_inflight_queue *q = inflight_area();
	struct vu_chain c;

	/* A dead server popped heads 0, 3, 6 (in the order 3, 6, 0) and completed none. */
	for (unsigned int h = 0; h < 9; h += 3) {
		good_chain(g, h % QNUM == 6 ? 5 : h, 0);
		publish(g, (uint16_t)(h % QNUM == 6 ? 5 : h));
	}
	q->desc[3].inflight = q->desc[5].inflight = q->desc[0].inflight = 1;
	q->desc[3].counter = 10;
	q->desc[5].counter = 11;
	q->desc[0].counter = 12;
	assert_null(vq_inflight_restore(&g->vq, q));
	assert_int_equal(g->vq.last_avail_idx, 3);
	assert_int_equal(pop(g, &c), VQ_CHAIN);
	assert_int_equal(c.head, 3);
	assert_int_equal(pop(g, &c), VQ_CHAIN);
	assert_int_equal(c.head, 5);
	assert_int_equal(pop(g, &c), VQ_CHAIN);
	assert_int_equal(c.head, 0);
	assert_int_equal(pop(g, &c), VQ_EMPTY);
	assert_true(g->vq.counter > 12);
	vq_reset(&g->vq);
	free(q);
}

static void inflight_finishes_a_torn_push(void **state)
{
	struct guest *g = *state;
	struct vu_inflight_queue *q = inflight_area();
	uint16_t one = 1;

	/* Crashed after used->idx moved to 1 but before head 2 was cleared. */
	memcpy(g->buf + USED_OFF + 2, &one, 2);
	q->desc[2].inflight = 1;
	q->last_batch_head = 2;
	q->used_idx = 0;
	assert_null(vq_inflight_restore(&g->vq, q));
	assert_int_equal(q->desc[2].inflight, 0);
	assert_int_equal(g->vq.nresubmit, 0);
	assert_int_equal(g->vq.last_avail_idx, 1);
	q->desc_num = 4;
	assert_non_null(vq_inflight_restore(&g->vq, q));
	vq_reset(&g->vq);
	free(q);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(pops_a_good_chain), T(head_out_of_range), T(loop_is_too_long),
		T(self_loop_is_too_long), T(next_out_of_range), T(writable_before_readable),
		T(outside_memory), T(address_wraps), T(below_memory), T(avail_index_jumps),
		T(indirect_table_walked), T(indirect_not_negotiated), T(indirect_inside_indirect),
		T(indirect_with_next), T(indirect_bad_sizes), T(indirect_longer_than_queue),
		T(indirect_empty), T(indirect_loop), T(indirect_table_outside),
		T(push_and_used_ring), T(interrupts_without_event_idx),
		T(interrupts_with_event_idx), T(asks_for_the_next_kick), T(map_refuses_bad_rings),
		T(inflight_tracks_pop_and_push), T(inflight_resubmits_in_pop_order),
		T(inflight_finishes_a_torn_push),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
