/*
 * vhost-user message handling (agent/vhost/vu_msg.c) without a socket:
 * each message is built in memory and handed to vu_msg_handle() with stub
 * IO callbacks; refusals, acks, replies and fd ownership are checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "vu_dev.h"

struct world {
	struct vu_dev d;
	struct vu_msg m, r;
	int starts, stops, drains;
	int dups[8];		/* the fds the last message carried */
	int memfd;
	uint8_t *mem;
};

static int op_start(struct vu_dev *d, unsigned int q)
{
	(void)q;
	((struct world *)d->io)->starts++;
	return 0;
}

static void op_stop(struct vu_dev *d, unsigned int q)
{
	(void)q;
	((struct world *)d->io)->stops++;
}

static void op_drain(struct vu_dev *d)
{
	((struct world *)d->io)->drains++;
}

static const struct vu_dev_ops ops = { op_start, op_stop, op_drain };

#define MEM (1u << 20)

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct blk_geom g = { .sectors = 2048, .blk_size = 512, .phys_block_size = 512 };

	vu_dev_init(&w->d, &ops, w, &g, 2);
	w->memfd = memfd_create("test", 0);
	assert_int_equal(ftruncate(w->memfd, MEM), 0);
	w->mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, w->memfd, 0);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	vu_dev_reset(&w->d);
	munmap(w->mem, MEM);
	close(w->memfd);
	free(w);
	return 0;
}

/* Sends request with payload and fds (dup()ed, so the test's own stay open). */
static enum vu_handled send(struct world *w, uint32_t req, uint32_t flags, const void *p,
			    uint32_t size, const int *fds, unsigned int nfds)
{
	w->m.hdr = (struct vu_hdr){ req, VHOST_USER_VERSION | flags, size };
	if (size)
		memcpy(&w->m.p, p, size);
	w->m.nfds = nfds;
	for (unsigned int i = 0; i < nfds; i++)
		w->m.fds[i] = w->dups[i] = dup(fds[i]);
	return vu_msg_handle(&w->d, &w->m, &w->r);
}

static uint64_t get_u64(struct world *w, uint32_t req)
{
	assert_int_equal(send(w, req, 0, NULL, 0, NULL, 0), VU_REPLY);
	assert_int_equal(w->r.hdr.size, 8);
	assert_int_equal(w->r.hdr.flags, VHOST_USER_VERSION | VHOST_USER_REPLY);
	return w->r.p.u64;
}

/* The ack of a SET sent with NEED_REPLY once REPLY_ACK is on. */
static uint64_t ack(struct world *w, uint32_t req, const void *p, uint32_t size,
		    const int *fds, unsigned int nfds)
{
	assert_int_equal(send(w, req, VHOST_USER_NEED_REPLY, p, size, fds, nfds), VU_REPLY);
	assert_int_equal(w->r.hdr.size, 8);
	return w->r.p.u64;
}

static void negotiate(struct world *w)
{
	uint64_t f = get_u64(w, VHOST_USER_GET_FEATURES);
	uint64_t pf = get_u64(w, VHOST_USER_GET_PROTOCOL_FEATURES);

	assert_int_equal(send(w, VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf, 8, NULL, 0),
			 VU_NO_REPLY);
	assert_int_equal(ack(w, VHOST_USER_SET_FEATURES, &f, 8, NULL, 0), 0);
}

static void mem_table(struct world *w, uint64_t gpa)
{
	struct vu_mem_table_msg t = { .nregions = 1 };

	t.regions[0] = (struct vu_mem_region_msg){ gpa, MEM, (uintptr_t)w->mem, 0 };
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 32, &w->memfd, 1), 0);
}

static void offers_what_the_issue_lists(void **state)
{
	struct world *w = *state;
	uint64_t f = get_u64(w, VHOST_USER_GET_FEATURES);
	uint64_t pf = get_u64(w, VHOST_USER_GET_PROTOCOL_FEATURES);

	assert_true(f & BIT64(VIRTIO_F_VERSION_1));
	assert_true(f & BIT64(VIRTIO_BLK_F_MQ));
	assert_true(f & BIT64(VIRTIO_RING_F_EVENT_IDX));
	assert_true(f & BIT64(VIRTIO_RING_F_INDIRECT_DESC));
	assert_true(f & BIT64(VIRTIO_BLK_F_DISCARD));
	assert_false(f & BIT64(VIRTIO_BLK_F_RO));
	assert_int_equal(pf, BIT64(VHOST_USER_PROTOCOL_F_MQ) | BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK) |
			     BIT64(VHOST_USER_PROTOCOL_F_CONFIG) |
			     BIT64(VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD) |
			     BIT64(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS));
	assert_int_equal(get_u64(w, VHOST_USER_GET_QUEUE_NUM), 2);
	assert_int_equal(get_u64(w, VHOST_USER_GET_MAX_MEM_SLOTS), VU_MAX_MEM_SLOTS);
}

static void acks_only_when_asked_and_negotiated(void **state)
{
	struct world *w = *state;
	uint64_t f = BIT64(VIRTIO_F_VERSION_1), bad = BIT64(63);

	assert_int_equal(send(w, VHOST_USER_SET_FEATURES, VHOST_USER_NEED_REPLY, &f, 8, NULL, 0),
			 VU_NO_REPLY);
	negotiate(w);
	assert_int_equal(send(w, VHOST_USER_SET_FEATURES, 0, &f, 8, NULL, 0), VU_NO_REPLY);
	assert_int_equal(ack(w, VHOST_USER_SET_FEATURES, &bad, 8, NULL, 0), 1);
	assert_non_null(strstr(w->d.err, "not offered"));
}

static void refuses_bad_sizes_flags_and_requests(void **state)
{
	struct world *w = *state;
	uint64_t v = 0;

	negotiate(w);
	assert_int_equal(ack(w, VHOST_USER_SET_FEATURES, &v, 4, NULL, 0), 1);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_ADDR, &v, 8, NULL, 0), 1);
	assert_int_equal(ack(w, 99, NULL, 0, NULL, 0), 1);
	assert_int_equal(ack(w, 0, NULL, 0, NULL, 0), 1);
	assert_int_equal(ack(w, VHOST_USER_SET_LOG_BASE, &v, 8, NULL, 0), 1);
	/* A reply flag or a wrong version in a request. */
	assert_int_equal(send(w, VHOST_USER_GET_QUEUE_NUM, VHOST_USER_REPLY, NULL, 0, NULL, 0),
			 VU_REPLY);
	assert_int_equal(w->r.p.u64, 1);
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void unexpected_fds_are_closed(void **state)
{
	struct world *w = *state;
	int e = eventfd(0, 0);
	uint64_t f = 0;

	negotiate(w);
	assert_int_equal(ack(w, VHOST_USER_SET_FEATURES, &f, 8, &e, 1), 1);
	assert_non_null(strstr(w->d.err, "fds where none"));
	assert_false(fd_open(w->dups[0]));	/* the refused message's fd was closed */
	close(e);
}

static void memory_table_checked_before_use(void **state)
{
	struct world *w = *state;
	struct vu_mem_table_msg t = { .nregions = 2 };
	int fds[2] = { w->memfd, w->memfd };

	negotiate(w);
	mem_table(w, 0x100000);
	assert_int_equal(w->d.mem.n, 1);
	t.regions[0] = (struct vu_mem_region_msg){ 0, MEM, 0x1000000, 0 };
	t.regions[1] = (struct vu_mem_region_msg){ MEM / 2, MEM, 0x2000000, 0 };
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 64, fds, 2), 1);
	assert_non_null(strstr(w->d.err, "overlaps"));
	/* The old table stays. */
	assert_int_equal(w->d.mem.n, 1);
	assert_non_null(vu_gpa_to_va(&w->d.mem, 0x100000, 4096));
	t.regions[1].guest_phys_addr = MEM;
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 64, fds, 1), 1);
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 32, fds, 2), 1);
	t.nregions = 9;
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 64, fds, 2), 1);
	/* Larger than its file: touching the tail would raise SIGBUS (a fuzz finding). */
	t.nregions = 1;
	t.regions[0].memory_size = 2 * MEM;
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 32, fds, 1), 1);
	assert_non_null(strstr(w->d.err, "larger than its file"));
	t.regions[0].memory_size = MEM;
	t.regions[0].mmap_offset = 4096;
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 32, fds, 1), 1);
	t.regions[0].mmap_offset = 0;
	t.nregions = 2;
	assert_int_equal(ack(w, VHOST_USER_SET_MEM_TABLE, &t, 8 + 64, fds, 2), 0);
	assert_int_equal(w->d.mem.n, 2);
	assert_true(w->drains >= 2);
}

static void add_and_remove_regions(void **state)
{
	struct world *w = *state;
	struct vu_mem_reg_msg r = { 0, { 0x100000, MEM, (uintptr_t)w->mem, 0 } };

	negotiate(w);
	assert_int_equal(ack(w, VHOST_USER_ADD_MEM_REG, &r, sizeof(r), &w->memfd, 1), 0);
	assert_int_equal(ack(w, VHOST_USER_ADD_MEM_REG, &r, sizeof(r), &w->memfd, 1), 1);
	assert_int_equal(ack(w, VHOST_USER_ADD_MEM_REG, &r, sizeof(r), NULL, 0), 1);
	assert_int_equal(ack(w, VHOST_USER_REM_MEM_REG, &r, sizeof(r), NULL, 0), 0);
	assert_int_equal(ack(w, VHOST_USER_REM_MEM_REG, &r, sizeof(r), NULL, 0), 1);
	assert_int_equal(w->d.mem.n, 0);
}

/* Queue 0 of 8 entries with rings at the start of the memory. */
static void setup_queue(struct world *w, unsigned int q)
{
	struct vu_vring_state num = { q, 8 }, base = { q, 0 };
	struct vu_vring_addr a = { .index = q, .desc = (uintptr_t)w->mem + q * 0x10000,
				   .avail = (uintptr_t)w->mem + q * 0x10000 + 0x1000,
				   .used = (uintptr_t)w->mem + q * 0x10000 + 0x2000 };
	uint64_t idx = q;
	int e = eventfd(0, 0);

	assert_int_equal(ack(w, VHOST_USER_SET_VRING_NUM, &num, 8, NULL, 0), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_BASE, &base, 8, NULL, 0), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_CALL, &idx, 8, &e, 1), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_KICK, &idx, 8, &e, 1), 0);
	close(e);
}

static void vring_lifecycle(void **state)
{
	struct world *w = *state;
	struct vu_vring_state en = { 0, 1 }, num = { 0, 16 }, get = { 0, 0 };

	negotiate(w);
	mem_table(w, 0);
	setup_queue(w, 0);
	assert_true(w->d.q[0].started);
	assert_int_equal(w->starts, 0);		/* protocol features: disabled until enabled */
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_ENABLE, &en, 8, NULL, 0), 0);
	assert_int_equal(w->starts, 1);
	/* Running rings cannot be resized. */
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_NUM, &num, 8, NULL, 0), 1);
	assert_int_equal(send(w, VHOST_USER_GET_VRING_BASE, 0, &get, 8, NULL, 0), VU_REPLY);
	assert_int_equal(w->r.hdr.size, 8);
	assert_int_equal(w->stops, 1);
	assert_false(w->d.q[0].started);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_NUM, &num, 8, NULL, 0), 0);
}

static void vring_values_checked(void **state)
{
	struct world *w = *state;
	struct vu_vring_state s = { 0, 1000 }, big = { 0, 0x10000 }, far = { 7, 8 };
	struct vu_vring_addr a = { .index = 0, .desc = 0x1000, .avail = 0x2000, .used = 0x3000 };
	struct vu_vring_state en = { 0, 2 };
	uint64_t idx = 0, bad_idx = 5;

	negotiate(w);
	mem_table(w, 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_NUM, &s, 8, NULL, 0), 1);	/* not 2^n */
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_NUM, &far, 8, NULL, 0), 1);	/* index */
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_BASE, &big, 8, NULL, 0), 1);
	s.num = 8;
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_NUM, &s, 8, NULL, 0), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0), 1);
	assert_non_null(strstr(w->d.err, "outside guest memory"));
	/* A kick before any address, without an fd, or for a queue not offered. */
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_KICK, &idx, 8, &w->memfd, 1), 1);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_KICK, &idx, 8, NULL, 0), 1);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_KICK, &bad_idx, 8, &w->memfd, 1), 1);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_ENABLE, &en, 8, NULL, 0), 1);
}

static void config_windows(void **state)
{
	struct world *w = *state;
	struct vu_config_msg c = { .offset = 0, .size = 96 };
	struct virtio_blk_cfg cfg;

	negotiate(w);
	assert_int_equal(send(w, VHOST_USER_GET_CONFIG, 0, &c, 12 + 96, NULL, 0), VU_REPLY);
	assert_int_equal(w->r.hdr.size, 12 + 96);
	memcpy(&cfg, w->r.p.config.region, sizeof(cfg));
	assert_int_equal(cfg.capacity, 2048);
	assert_int_equal(cfg.num_queues, 2);
	assert_int_equal(cfg.blk_size, 512);
	/* Legacy rust-vmm offset 0x100 + 20: blk_size. */
	c = (struct vu_config_msg){ .offset = 0x100 + 20, .size = 4 };
	assert_int_equal(send(w, VHOST_USER_GET_CONFIG, 0, &c, 12 + 4, NULL, 0), VU_REPLY);
	assert_int_equal(*(uint32_t *)(void *)w->r.p.config.region, 512);
	c = (struct vu_config_msg){ .offset = 200, .size = 100 };
	assert_int_equal(send(w, VHOST_USER_GET_CONFIG, 0, &c, 12 + 100, NULL, 0), VU_REPLY);
	assert_int_equal(w->r.hdr.size, 8);
	c = (struct vu_config_msg){ .offset = 0, .size = 16 };
	assert_int_equal(send(w, VHOST_USER_GET_CONFIG, 0, &c, 12 + 8, NULL, 0), VU_REPLY);
	assert_int_equal(w->r.hdr.size, 8);	/* size disagrees with the payload */
	/* Only the writeback byte is writable. */
	c = (struct vu_config_msg){ .offset = 32, .size = 1, .region = { 0 } };
	assert_int_equal(ack(w, VHOST_USER_SET_CONFIG, &c, 12 + 1, NULL, 0), 0);
	assert_int_equal(w->d.wce, 0);
	c = (struct vu_config_msg){ .offset = 0, .size = 8 };
	assert_int_equal(ack(w, VHOST_USER_SET_CONFIG, &c, 12 + 8, NULL, 0), 1);
}

static void inflight_area(void **state)
{
	struct world *w = *state;
	struct vu_inflight_msg in = { 0, 0, 2, 128 }, bad = { 0, 0, 3, 128 };
	struct vu_inflight_queue *q;
	int fd;

	negotiate(w);
	assert_int_equal(send(w, VHOST_USER_GET_INFLIGHT_FD, 0, &in, sizeof(in), NULL, 0),
			 VU_REPLY);
	assert_int_equal(w->r.nfds, 1);
	fd = w->r.fds[0];
	in = w->r.p.inflight;
	assert_int_equal(in.mmap_size, 2 * vu_inflight_queue_bytes(128));
	q = mmap(NULL, in.mmap_size, PROT_READ, MAP_SHARED, fd, 0);
	assert_int_equal(q->desc_num, 128);
	assert_int_equal(q->version, 1);
	munmap(q, in.mmap_size);
	assert_int_equal(ack(w, VHOST_USER_SET_INFLIGHT_FD, &in, sizeof(in), &fd, 1), 0);
	assert_false(fd_open(w->dups[0]));	/* mapped, then closed */
	assert_int_equal(ack(w, VHOST_USER_SET_INFLIGHT_FD, &in, sizeof(in), NULL, 0), 1);
	bad.mmap_size = in.mmap_size;
	assert_int_equal(ack(w, VHOST_USER_SET_INFLIGHT_FD, &bad, sizeof(bad), &fd, 1), 1);
	in.mmap_size = 64;
	assert_int_equal(ack(w, VHOST_USER_SET_INFLIGHT_FD, &in, sizeof(in), &fd, 1), 1);
	close(fd);
}

/*
 * An inflight area for queues of 8 entries whose shared desc_num claims
 * 128: a queue of 128 must not start on it (its entries would lie beyond
 * the mapping).
 */
static void inflight_area_smaller_than_queue(void **state)
{
	struct world *w = *state;
	struct vu_inflight_msg in = { 0, 0, 1, 8 };
	struct vu_vring_state num = { 0, 128 };
	struct vu_vring_addr a = { .index = 0, .desc = (uintptr_t)w->mem,
				   .avail = (uintptr_t)w->mem + 0x1000,
				   .used = (uintptr_t)w->mem + 0x2000 };
	struct vu_inflight_queue *q;
	uint64_t idx = 0;
	int fd, e = eventfd(0, 0);

	negotiate(w);
	mem_table(w, 0);
	assert_int_equal(send(w, VHOST_USER_GET_INFLIGHT_FD, 0, &in, sizeof(in), NULL, 0),
			 VU_REPLY);
	fd = w->r.fds[0];
	in = w->r.p.inflight;
	q = mmap(NULL, in.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	q->desc_num = 128;
	munmap(q, in.mmap_size);
	assert_int_equal(ack(w, VHOST_USER_SET_INFLIGHT_FD, &in, sizeof(in), &fd, 1), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_NUM, &num, 8, NULL, 0), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0), 0);
	assert_int_equal(ack(w, VHOST_USER_SET_VRING_KICK, &idx, 8, &e, 1), 1);
	assert_non_null(strstr(w->d.err, "another queue size"));
	assert_false(w->d.q[0].started);
	close(e);
	close(fd);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(offers_what_the_issue_lists), T(acks_only_when_asked_and_negotiated),
		T(refuses_bad_sizes_flags_and_requests), T(unexpected_fds_are_closed),
		T(memory_table_checked_before_use), T(add_and_remove_regions),
		T(vring_lifecycle), T(vring_values_checked), T(config_windows), T(inflight_area),
		T(inflight_area_smaller_than_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
