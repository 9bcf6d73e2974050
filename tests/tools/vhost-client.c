// SPDX-License-Identifier: Apache-2.0
/*
 * vhost-client: drives mayastor-vhost the way a hypervisor and its guest
 * would, for tests/vhost/run.  Each command prints "ok - WHAT" or
 * "not ok - WHAT: why" per check and exits non-zero if any failed.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vc.h"
#include "vc_bench.h"
#define BUF_AREA_TEST (2u << 20)
#include "vu_ring.h"	/* the inflight layout, to fake a crashed server's */

static const char usage_text[] =
"Usage: vhost-client --socket PATH [--profile P] [--queues N] [--qsize N] COMMAND [CASE]\n"
"\n"
"A vhost-user-blk front-end for tests.  P is qemu (default), firecracker or\n"
"cloud-hypervisor: the negotiation each performs (docs/vhost-user.md).\n"
"\n"
"Commands:\n"
"  negotiate           negotiate, check what was agreed, one IO per queue\n"
"  io                  writes, reads, flush, discard, write-zeroes, GET_ID, indirect,\n"
"                      straddling and unaligned buffers, a full queue; bytes verified\n"
"  ro                  against a --read-only server: RO agreed, writes refused\n"
"  io-loop             writes and reads until killed\n"
"  malformed-msg CASE  a bad message is refused; good IO works afterwards\n"
"  malformed-ring CASE a bad ring stops its queue or fails its request; other\n"
"                      queues and the next connection work\n"
"  inflight-sim        publish writes, wait for a line on stdin (the server is\n"
"                      restarted meanwhile), mark them in flight, reconnect: the\n"
"                      server must resubmit them (INFLIGHT_SHMFD)\n"
"  inflight-live       submit a full queue, wait for a line on stdin, reconnect:\n"
"                      every request completes exactly once\n"
"  list-msg, list-ring the CASE names\n"
"\n"
"Benchmark (one JSON object on stdout; exit 1 if a request failed):\n"
"  bench --rw randread|randwrite [--bs B] [--iodepth N] [--seconds S] [--ramp S] [--pid P]\n"
"                      N requests of B bytes (default 4096) in flight on each of\n"
"                      --queues queues (N <= qsize / 4; default 1), at random\n"
"                      B-aligned offsets over the whole device, for S seconds\n"
"                      (default 8) after S of ramp (default 0).  Waits on the call\n"
"                      eventfds, never polls.  Prints iops, mib_s, lat_mean_us,\n"
"                      lat_p99_us, client_cpu_us_per_io and, with --pid, the\n"
"                      server's ticks (utime + stime of all its threads) and\n"
"                      server_cpu_us_per_io over the measured seconds\n"
"  idle --pid P [--seconds S]\n"
"                      one read per queue, then connected and idle for S seconds:\n"
"                      server_ticks and server_cpu_pct of P meanwhile\n";

struct opts {
	const char *socket;
	enum vc_profile profile;
	unsigned int queues;
	uint16_t qsize;
	struct bench_opts bench;
};

static int failures;

static void check(bool ok, const char *what, const char *fmt, long a, long b)
{
	if (ok) {
		printf("ok - %s\n", what);
		return;
	}
	printf("not ok - %s: ", what);
	printf(fmt, a, b);
	printf("\n");
	failures++;
}

/* The byte at offset i of sector s, written with seed. */
static uint8_t pattern(uint64_t s, uint64_t i, unsigned int seed)
{
	return (uint8_t)(s * 131 + i * 7 + seed);
}

static void fill(uint8_t *p, uint64_t sector, uint32_t len, unsigned int seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = pattern(sector + i / 512, i % 512, seed);
}

static long mismatch(const uint8_t *p, uint64_t sector, uint32_t len, unsigned int seed)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i] != pattern(sector + i / 512, i % 512, seed))
			return i;
	return -1;
}

/* Writes len bytes at sector from gpa, reads them back through another buffer. */
static void write_read(struct vc *c, unsigned int qi, const char *what, uint64_t sector,
		       uint64_t wgpa, uint32_t len, unsigned int seed)
{
	uint64_t rgpa = vc_alloc(c, len, 4096);
	int w, r;

	fill(vc_ptr(c, wgpa), sector, len, seed);
	memset(vc_ptr(c, rgpa), 0, len);
	w = vc_do(c, qi, VIRTIO_BLK_T_OUT, sector, wgpa, len);
	r = vc_do(c, qi, VIRTIO_BLK_T_IN, sector, rgpa, len);
	check(w == 0 && r == 0 && mismatch(vc_ptr(c, rgpa), sector, len, seed) < 0, what,
	      "write status %ld, read status %ld or data differs", w, r);
}

static bool all_zero(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void zeroing(struct vc *c, const char *what, uint32_t type, uint32_t flags)
{
	uint64_t sector = 2048, seg = vc_alloc(c, 16, 16), rgpa = vc_alloc(c, 8192, 4096);
	struct virtio_blk_dwz_le d = { sector, 16, flags };
	int st, r;

	write_read(c, 0, "write before zeroing", sector, vc_alloc(c, 8192, 4096), 8192, 9);
	memcpy(vc_ptr(c, seg), &d, sizeof(d));
	st = vc_do(c, 0, type, 0, seg, 16);
	memset(vc_ptr(c, rgpa), 0xaa, 8192);
	r = vc_do(c, 0, VIRTIO_BLK_T_IN, sector, rgpa, 8192);
	check(st == 0 && r == 0 && all_zero(vc_ptr(c, rgpa), 8192), what,
	      "status %ld, read %ld or not zeroes", st, r);
}

/* A write whose data comes through a three-entry indirect table. */
static void indirect_write(struct vc *c)
{
	uint64_t table = vc_alloc(c, 48, 16), hdr = vc_alloc(c, 16, 16);
	uint64_t data = vc_alloc(c, 4096, 4096), status = vc_alloc(c, 1, 1);
	struct virtio_blk_outhdr_le h = { .type = VIRTIO_BLK_T_OUT, .sector = 4096 };
	struct vring_desc_le t[3] = {
		{ hdr, 16, VRING_DESC_F_NEXT, 1 },
		{ data, 4096, VRING_DESC_F_NEXT, 2 },
		{ status, 1, VRING_DESC_F_WRITE, 0 },
	};
	struct vc_req r = { .head = 0, .status_gpa = status };
	struct vring_desc_le d = { table, sizeof(t), VRING_DESC_F_INDIRECT, 0 };
	uint64_t rgpa = vc_alloc(c, 4096, 4096);
	int st;

	memcpy(vc_ptr(c, hdr), &h, 16);
	memcpy(vc_ptr(c, table), t, sizeof(t));
	fill(vc_ptr(c, data), 4096, 4096, 5);
	c->q[0].slot_busy[0] = 1;	/* descriptor 0 is ours */
	memcpy(vc_desc(c, 0, 0), &d, sizeof(d));
	vc_publish(c, 0, 0);
	vc_kick(c, 0);
	st = vc_wait(c, 0, &r, 5000, NULL);
	check(st == 0 && vc_do(c, 0, VIRTIO_BLK_T_IN, 4096, rgpa, 4096) == 0 &&
	      mismatch(vc_ptr(c, rgpa), 4096, 4096, 5) < 0, "indirect descriptor write",
	      "status %ld%ld", st, 0);
}

/* A quarter queue of writes in flight at once, then read back. */
static void full_queue(struct vc *c, unsigned int qi)
{
	unsigned int n = c->q[qi].num / 4;
	struct vc_req r[256];
	int bad = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t gpa = vc_alloc(c, 4096, 4096);

		fill(vc_ptr(c, gpa), 8192 + 8 * i, 4096, qi);
		vc_submit(c, qi, VIRTIO_BLK_T_OUT, 8192 + 8 * i, gpa, 4096, &r[i]);
	}
	vc_kick(c, qi);
	for (unsigned int i = 0; i < n; i++)
		bad += vc_wait(c, qi, &r[i], 5000, NULL) != 0;
	check(bad == 0, "a quarter queue of writes in flight at once", "%ld of %ld failed",
	      bad, n);
}

/*
 * Three unaligned 24 MiB reads in one kick: the server bounces at most
 * 64 MiB per queue at once, so the third fails with IOERR, the others work.
 */
static void bounce_bound(struct vc *c)
{
	uint64_t gpa = BUF_AREA_TEST + 1;
	struct vc_req r[3];
	int ok = 0, ioerr = 0;

	for (int i = 0; i < 3; i++)
		vc_submit(c, 0, VIRTIO_BLK_T_IN, 0, gpa, 24u << 20, &r[i]);
	vc_kick(c, 0);
	for (int i = 0; i < 3; i++) {
		int st = vc_wait(c, 0, &r[i], 10000, NULL);

		ok += st == 0;
		ioerr += st == VIRTIO_BLK_S_IOERR;
	}
	check(ok == 2 && ioerr == 1, "unaligned requests bounce at most 64 MiB at once",
	      "%ld OK, %ld IOERR", ok, ioerr);
}

static void cmd_io(struct vc *c)
{
	uint64_t cap = c->cfg.capacity, gpa;
	uint32_t used = 0;
	struct vc_req r;
	int st;

	for (unsigned int qi = 0; qi < c->nq; qi++) {
		char what[64];

		snprintf(what, sizeof(what), "64 KiB write and read on queue %u", qi);
		write_read(c, qi, what, 64 * qi, vc_alloc(c, 65536, 4096), 65536, qi + 1);
	}
	write_read(c, 0, "buffer straddling two memory regions", 512, VC_REGION - 4096, 8192, 3);
	write_read(c, 0, "unaligned buffer (bounced)", 600, vc_alloc(c, 8192, 4096) + 1, 4096, 4);
	check(vc_do(c, 0, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == 0, "flush", "%ld%ld", 0, 0);
	gpa = vc_alloc(c, 20, 4);
	vc_submit(c, 0, VIRTIO_BLK_T_GET_ID, 0, gpa, 20, &r);
	vc_kick(c, 0);
	st = vc_wait(c, 0, &r, 5000, &used);
	check(st == 0 && used >= 2 && vc_ptr(c, gpa)[0], "GET_ID", "status %ld, used %ld", st, used);
	if (c->features & BIT64(VIRTIO_BLK_F_DISCARD))
		zeroing(c, "discard of a file reads back zeroes", VIRTIO_BLK_T_DISCARD, 0);
	if (c->features & BIT64(VIRTIO_BLK_F_WRITE_ZEROES)) {
		zeroing(c, "write-zeroes", VIRTIO_BLK_T_WRITE_ZEROES, 0);
		zeroing(c, "write-zeroes with unmap", VIRTIO_BLK_T_WRITE_ZEROES, VIRTIO_BLK_WZ_F_UNMAP);
	}
	if (c->features & BIT64(VIRTIO_RING_F_INDIRECT_DESC))
		indirect_write(c);
	st = vc_do(c, 0, VIRTIO_BLK_T_IN, cap - 4, vc_alloc(c, 4096, 4096), 4096);
	check(st == VIRTIO_BLK_S_IOERR, "read past the device end is IOERR", "status %ld%ld", st, 0);
	st = vc_do(c, 0, 99, 0, 0, 0);
	check(st == VIRTIO_BLK_S_UNSUPP, "unknown request type is UNSUPP", "status %ld%ld", st, 0);
	gpa = vc_alloc(c, 4096, 4096);
	write_read(c, 0, "last sectors of the device", cap - 8, gpa, 4096, 6);
	for (unsigned int qi = 0; qi < c->nq; qi++)
		full_queue(c, qi);
	bounce_bound(c);
}

/* ---- malformed messages ---- */

/* One bad message; VU_FATAL-like cases end the connection instead of a refusal. */
struct msg_case {
	const char *name;
	bool fatal;		/* the server drops the connection */
	int (*send)(struct vc *c);	/* the ack (non-zero: refused) */
	bool accepted;		/* legal, but must not hurt the server */
};

static int region_table(struct vc *c, const struct vu_mem_region_msg *r, unsigned int n,
			unsigned int nfds, uint32_t size)
{
	struct vu_mem_table_msg t = { .nregions = n };
	int fds[8];

	for (unsigned int i = 0; i < 8; i++)
		fds[i] = c->memfd;
	memcpy(t.regions, r, (n < 8 ? n : 8) * sizeof(*r));
	return vc_msg(c, VHOST_USER_SET_MEM_TABLE, &t, size, fds, nfds, true);
}

static int m_mem_overlap(struct vc *c)
{
	struct vu_mem_region_msg r[2] = {
		{ 0, VC_REGION, (uintptr_t)c->mem, 0 },
		{ VC_REGION / 2, VC_REGION, (uintptr_t)c->mem + VC_REGION, VC_REGION },
	};
	return region_table(c, r, 2, 2, 8 + 64);
}

static int m_mem_wrap(struct vc *c)
{
	struct vu_mem_region_msg r[1] = { { UINT64_MAX - 4095, 8192, (uintptr_t)c->mem, 0 } };
	return region_table(c, r, 1, 1, 8 + 32);
}

static int m_mem_fd_count(struct vc *c)
{
	struct vu_mem_region_msg r[2] = {
		{ 0, VC_REGION, (uintptr_t)c->mem, 0 },
		{ VC_REGION, VC_REGION, (uintptr_t)c->mem + VC_REGION, VC_REGION },
	};
	return region_table(c, r, 2, 1, 8 + 64);
}

static int m_mem_size_mismatch(struct vc *c)
{
	struct vu_mem_region_msg r[2] = {
		{ 0, VC_REGION, (uintptr_t)c->mem, 0 },
		{ VC_REGION, VC_REGION, (uintptr_t)c->mem + VC_REGION, VC_REGION },
	};
	return region_table(c, r, 2, 2, 8 + 32);
}

static int m_mem_too_many(struct vc *c)
{
	struct vu_mem_region_msg r[8] = { { 0 } };
	return region_table(c, r, 9, 8, 8 + 8 * 32);
}

static int m_mem_offset_beyond(struct vc *c)
{
	/* mmap_offset + size wraps: cannot be mapped. */
	struct vu_mem_region_msg r[1] = { { 0, VC_REGION, (uintptr_t)c->mem, UINT64_MAX - 10 } };
	return region_table(c, r, 1, 1, 8 + 32);
}

static int m_mem_beyond_file(struct vc *c)
{
	/* The memfd holds 64 MiB; a region claiming 64 MiB from offset 32 MiB runs past it. */
	struct vu_mem_region_msg r[1] = { { 0, VC_MEM_SIZE, (uintptr_t)c->mem, VC_REGION } };
	return region_table(c, r, 1, 1, 8 + 32);
}

static int m_unexpected_fd(struct vc *c)
{
	uint64_t f = c->features;
	return vc_msg(c, VHOST_USER_SET_FEATURES, &f, 8, &c->memfd, 1, true);
}

static int m_bad_size(struct vc *c)
{
	uint32_t x = 0;
	return vc_msg(c, VHOST_USER_SET_VRING_NUM, &x, 4, NULL, 0, true);
}

static int m_vring_index(struct vc *c)
{
	struct vu_vring_state s = { 200, 128 };
	return vc_msg(c, VHOST_USER_SET_VRING_NUM, &s, 8, NULL, 0, true);
}

/* Queue 1 is stopped first (GET_VRING_BASE) so that only the value is wrong. */
static int stop_q1(struct vc *c)
{
	struct vu_vring_state s = { 1, 0 }, r;

	return vc_get(c, VHOST_USER_GET_VRING_BASE, &s, 8, &r, sizeof(r), NULL) == 8 ? 0 : -1;
}

static int m_vring_num(struct vc *c)
{
	struct vu_vring_state s = { 1, 1000 };
	return stop_q1(c) ? -1 : vc_msg(c, VHOST_USER_SET_VRING_NUM, &s, 8, NULL, 0, true);
}

static int m_vring_addr_outside(struct vc *c)
{
	struct vu_vring_addr a = { .index = 1, .desc = 0x7000000000ull,
				   .avail = (uintptr_t)c->mem + 0x20000,
				   .used = (uintptr_t)c->mem + 0x21000 };
	return stop_q1(c) ? -1 : vc_msg(c, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0, true);
}

static int m_vring_addr_straddles(struct vc *c)
{
	/* The used ring would run past the end of the last region. */
	struct vu_vring_addr a = { .index = 1, .desc = (uintptr_t)c->mem + 0x10000,
				   .avail = (uintptr_t)c->mem + 0x18000,
				   .used = (uintptr_t)c->mem + VC_MEM_SIZE - 64 };
	return stop_q1(c) ? -1 : vc_msg(c, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0, true);
}

static int m_features_unoffered(struct vc *c)
{
	uint64_t f = c->features | (1ull << 63);
	return vc_msg(c, VHOST_USER_SET_FEATURES, &f, 8, NULL, 0, true);
}

static int m_config_window(struct vc *c)
{
	struct vu_config_msg m = { .offset = 250, .size = 100 }, r;

	/* The refusal is an 8-byte error where 112 bytes of config were asked for. */
	return vc_get(c, VHOST_USER_GET_CONFIG, &m, 12 + 100, &r, sizeof(r), NULL) == 8 ? 1 : 0;
}

static int m_config_write_ro(struct vc *c)
{
	struct vu_config_msg m = { .offset = 0, .size = 8 };
	return vc_msg(c, VHOST_USER_SET_CONFIG, &m, 12 + 8, NULL, 0, true);
}

static int m_unknown_request(struct vc *c)
{
	return vc_msg(c, 99, NULL, 0, NULL, 0, true);
}

static int m_add_mem_overlap(struct vc *c)
{
	struct vu_mem_reg_msg r = { 0, { 4096, 4096, (uintptr_t)c->mem + (1ull << 40), 0 } };
	return vc_msg(c, VHOST_USER_ADD_MEM_REG, &r, sizeof(r), &c->memfd, 1, true);
}

static int m_rem_mem_unknown(struct vc *c)
{
	struct vu_mem_reg_msg r = { 0, { 1ull << 40, 4096, 0, 0 } };
	return vc_msg(c, VHOST_USER_REM_MEM_REG, &r, sizeof(r), NULL, 0, true);
}

static int m_inflight_bad(struct vc *c)
{
	struct vu_inflight_msg m = { 4096, 0, 1, 3 };
	return vc_msg(c, VHOST_USER_SET_INFLIGHT_FD, &m, sizeof(m), &c->memfd, 1, true);
}

static int m_inflight_small(struct vc *c)
{
	struct vu_inflight_msg m = { 64, 0, 1, 128 };
	return vc_msg(c, VHOST_USER_SET_INFLIGHT_FD, &m, sizeof(m), &c->memfd, 1, true);
}

static int m_kick_no_fd(struct vc *c)
{
	uint64_t idx = 1;
	return vc_msg(c, VHOST_USER_SET_VRING_KICK, &idx, 8, NULL, 0, true);
}

/* A call fd that is a pipe whose reader is gone (SIGPIPE on the first interrupt). */
static int m_call_broken_pipe(struct vc *c)
{
	uint64_t idx = 0;
	int p[2], r;

	if (pipe(p) < 0)
		return -1;
	close(p[0]);
	r = vc_msg(c, VHOST_USER_SET_VRING_CALL, &idx, 8, &p[1], 1, true);
	close(p[1]);
	return r;
}

/* A kick fd that is a memfd: epoll cannot watch it. */
static int m_kick_memfd(struct vc *c)
{
	uint64_t idx = 1;

	return vc_msg(c, VHOST_USER_SET_VRING_KICK, &idx, 8, &c->memfd, 1, true);
}

static int m_bad_version(struct vc *c)
{
	struct vu_hdr h = { VHOST_USER_GET_QUEUE_NUM, 0x2 | VHOST_USER_NEED_REPLY, 0 };
	uint64_t ack = 0;

	if (write(c->sock, &h, sizeof(h)) != sizeof(h) || read(c->sock, &h, sizeof(h)) != sizeof(h) ||
	    read(c->sock, &ack, 8) != 8)
		return -1;
	return ack ? 1 : 0;
}

static int m_huge_size(struct vc *c)
{
	struct vu_hdr h = { VHOST_USER_SET_FEATURES, VHOST_USER_VERSION, 100000 };

	return write(c->sock, &h, sizeof(h)) == sizeof(h) ? 1 : -1;
}

static int m_truncated(struct vc *c)
{
	struct vu_hdr h = { VHOST_USER_SET_VRING_ADDR, VHOST_USER_VERSION, 40 };
	uint64_t part = 0;

	if (write(c->sock, &h, sizeof(h)) != sizeof(h) || write(c->sock, &part, 8) != 8)
		return -1;
	shutdown(c->sock, SHUT_WR);
	return 1;
}

static const struct msg_case msg_cases[] = {
	{ "mem-overlap", false, m_mem_overlap, false },
	{ "mem-wrap", false, m_mem_wrap, false },
	{ "mem-fd-count", false, m_mem_fd_count, false },
	{ "mem-size-mismatch", false, m_mem_size_mismatch, false },
	{ "mem-too-many", false, m_mem_too_many, false },
	{ "mem-offset-beyond", false, m_mem_offset_beyond, false },
	{ "mem-beyond-file", false, m_mem_beyond_file, false },
	{ "unexpected-fd", false, m_unexpected_fd, false },
	{ "bad-size", false, m_bad_size, false },
	{ "vring-index", false, m_vring_index, false },
	{ "vring-num", false, m_vring_num, false },
	{ "vring-addr-outside", false, m_vring_addr_outside, false },
	{ "vring-addr-straddles", false, m_vring_addr_straddles, false },
	{ "features-unoffered", false, m_features_unoffered, false },
	{ "config-window", false, m_config_window, false },
	{ "config-write-ro", false, m_config_write_ro, false },
	{ "unknown-request", false, m_unknown_request, false },
	{ "add-mem-overlap", false, m_add_mem_overlap, false },
	{ "rem-mem-unknown", false, m_rem_mem_unknown, false },
	{ "inflight-bad-size", false, m_inflight_bad, false },
	{ "inflight-too-small", false, m_inflight_small, false },
	{ "kick-no-fd", false, m_kick_no_fd, false },
	{ "call-fd-broken-pipe", false, m_call_broken_pipe, false },
	{ "kick-fd-not-eventfd", false, m_kick_memfd, false },
	{ "bad-version", false, m_bad_version, false },
	{ "huge-size", true, m_huge_size, false },
	{ "truncated", true, m_truncated, false },
};
#define N_MSG_CASES (sizeof(msg_cases) / sizeof(msg_cases[0]))

/* Connects afresh and negotiates as Cloud Hypervisor (REPLY_ACK, two queues). */
static int fresh(struct vc *c, const struct opts *o)
{
	vc_close(c);
	if (vc_connect(c, o->socket) < 0)
		return -1;
	return vc_setup(c, o->profile, o->queues, o->qsize);
}

static void good_io(struct vc *c, unsigned int qi, const char *what)
{
	write_read(c, qi, what, 100 + qi * 8, vc_alloc(c, 4096, 4096), 4096, 42);
}

static int cmd_malformed_msg(struct vc *c, const struct opts *o, const char *name)
{
	for (size_t i = 0; i < N_MSG_CASES; i++) {
		const struct msg_case *m = &msg_cases[i];
		char what[96];
		int ack;

		if (strcmp(name, m->name) && strcmp(name, "all"))
			continue;
		if (fresh(c, o) < 0)
			return 1;
		ack = m->send(c);
		snprintf(what, sizeof(what), "%s: %s", m->name, m->accepted ? "accepted" : "refused");
		check(m->accepted ? ack == 0 : ack > 0, what, "ack %ld%ld", ack, 0);
		if (m->fatal) {
			char buf[1];
			bool closed = read(c->sock, buf, 1) <= 0;

			snprintf(what, sizeof(what), "%s: connection dropped", m->name);
			check(closed, what, "%ld%ld", 0, 0);
			fresh(c, o);
		}
		snprintf(what, sizeof(what), "%s: good request afterwards", m->name);
		good_io(c, 0, what);
	}
	return 0;
}

/* ---- malformed rings (queue 0) ---- */

/* STOPPED_AFTER_ONE: the first of two identical heads completes, then the queue stops. */
enum ring_outcome { STOPPED, STOPPED_AFTER_ONE, STATUS_IOERR, STATUS_UNSUPP };

struct ring_case {
	const char *name;
	enum ring_outcome expect;
	/* Writes descriptors from index 0 on and returns the head to publish. */
	uint16_t (*build)(struct vc *c, uint64_t hdr, uint64_t data, uint64_t status);
};

static void desc(struct vc *c, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	struct vring_desc_le d = { addr, len, flags, next };

	memcpy(vc_desc(c, 0, i), &d, sizeof(d));
}

/* A well-formed write chain from index i: header, 4 KiB data, status. */
static void chain(struct vc *c, unsigned int i, uint64_t hdr, uint64_t data, uint64_t status)
{
	desc(c, i, hdr, 16, VRING_DESC_F_NEXT, (uint16_t)(i + 1));
	desc(c, i + 1, data, 4096, VRING_DESC_F_NEXT, (uint16_t)(i + 2));
	desc(c, i + 2, status, 1, VRING_DESC_F_WRITE, 0);
}

static uint16_t r_head_range(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	return (uint16_t)(c->q[0].num + 5);
}

static uint16_t r_loop(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 1, d, 4096, VRING_DESC_F_NEXT, 0);	/* back to the header */
	return 0;
}

static uint16_t r_next_range(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 1, d, 4096, VRING_DESC_F_NEXT, (uint16_t)(c->q[0].num + 1));
	return 0;
}

/* An indirect table at t holding a good chain; n entries claimed. */
static uint16_t indirect(struct vc *c, uint64_t h, uint64_t d, uint64_t s, uint32_t bytes,
			 uint16_t flags, bool nested)
{
	uint64_t t = vc_alloc(c, 16 * 2048, 16);
	struct vring_desc_le tab[3] = {
		{ h, 16, VRING_DESC_F_NEXT, 1 },
		{ d, 4096, VRING_DESC_F_NEXT, 2 },
		{ s, 1, VRING_DESC_F_WRITE, 0 },
	};

	if (nested)
		tab[1].flags |= VRING_DESC_F_INDIRECT;
	memcpy(vc_ptr(c, t), tab, sizeof(tab));
	desc(c, 0, t, bytes, VRING_DESC_F_INDIRECT | flags, 1);
	desc(c, 1, s, 1, VRING_DESC_F_WRITE, 0);
	return 0;
}

static uint16_t r_nested_indirect(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return indirect(c, h, d, s, 48, 0, true);
}

static uint16_t r_indirect_next(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return indirect(c, h, d, s, 48, VRING_DESC_F_NEXT, false);
}

static uint16_t r_indirect_len(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return indirect(c, h, d, s, 40, 0, false);
}

static uint16_t r_indirect_too_big(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return indirect(c, h, d, s, 16u * (c->q[0].num + 1), 0, false);
}

static uint16_t r_write_before_read(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 0, h, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	return 0;
}

static uint16_t r_status_readonly(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 2, s, 1, 0, 0);
	return 0;
}

static uint16_t r_outside(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 1, 100ull << 30, 4096, VRING_DESC_F_NEXT, 2);
	return 0;
}

static uint16_t r_wraps(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 1, UINT64_MAX - 10, 4096, VRING_DESC_F_NEXT, 2);
	return 0;
}

static uint16_t r_straddles_end(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 1, VC_MEM_SIZE - 100, 4096, VRING_DESC_F_NEXT, 2);
	return 0;
}

/* The header's type or sector made bad; the chain itself is fine. */
static uint16_t bad_header(struct vc *c, uint64_t h, uint64_t d, uint64_t s, uint32_t type,
			   uint64_t sector)
{
	struct virtio_blk_outhdr_le hdr = { .type = type, .sector = sector };

	memcpy(vc_ptr(c, h), &hdr, sizeof(hdr));
	chain(c, 0, h, d, s);
	return 0;
}

/* Head 0 made available twice in one kick: the second pop finds it in flight. */
static uint16_t r_head_twice(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	vc_publish(c, 0, 0);
	return 0;
}

static uint16_t r_past_end(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return bad_header(c, h, d, s, VIRTIO_BLK_T_OUT, c->cfg.capacity);
}

static uint16_t r_sector_overflow(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return bad_header(c, h, d, s, VIRTIO_BLK_T_OUT, UINT64_MAX - 2);
}

static uint16_t r_bad_type(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return bad_header(c, h, d, s, 77, 0);
}

static uint16_t r_short_header(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	chain(c, 0, h, d, s);
	desc(c, 0, h, 8, VRING_DESC_F_NEXT, 2);
	return 0;
}

static uint16_t r_in_readable(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	return bad_header(c, h, d, s, VIRTIO_BLK_T_IN, 0);	/* data descriptor readable */
}

static uint16_t r_odd_length(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	bad_header(c, h, d, s, VIRTIO_BLK_T_OUT, 0);
	desc(c, 1, d, 100, VRING_DESC_F_NEXT, 2);
	return 0;
}

static uint16_t r_discard_flags(struct vc *c, uint64_t h, uint64_t d, uint64_t s)
{
	struct virtio_blk_dwz_le seg = { 0, 8, 1 };

	memcpy(vc_ptr(c, d), &seg, sizeof(seg));
	bad_header(c, h, d, s, VIRTIO_BLK_T_DISCARD, 0);
	desc(c, 1, d, 16, VRING_DESC_F_NEXT, 2);
	return 0;
}

static const struct ring_case ring_cases[] = {
	{ "head-out-of-range", STOPPED, r_head_range },
	{ "loop", STOPPED, r_loop },
	{ "next-out-of-range", STOPPED, r_next_range },
	{ "nested-indirect", STOPPED, r_nested_indirect },
	{ "indirect-with-next", STOPPED, r_indirect_next },
	{ "indirect-bad-length", STOPPED, r_indirect_len },
	{ "indirect-longer-than-queue", STOPPED, r_indirect_too_big },
	{ "writable-before-readable", STOPPED, r_write_before_read },
	{ "status-not-writable", STOPPED, r_status_readonly },
	{ "outside-guest-memory", STOPPED, r_outside },
	{ "address-wraps", STOPPED, r_wraps },
	{ "straddles-memory-end", STOPPED, r_straddles_end },
	{ "avail-index-jump", STOPPED, NULL },
	{ "head-twice-in-flight", STOPPED_AFTER_ONE, r_head_twice },
	{ "past-device-end", STATUS_IOERR, r_past_end },
	{ "sector-overflow", STATUS_IOERR, r_sector_overflow },
	{ "bad-type", STATUS_UNSUPP, r_bad_type },
	{ "short-header", STATUS_IOERR, r_short_header },
	{ "in-with-readable-data", STATUS_IOERR, r_in_readable },
	{ "odd-length", STATUS_IOERR, r_odd_length },
	{ "discard-bad-flags", STATUS_UNSUPP, r_discard_flags },
};
#define N_RING_CASES (sizeof(ring_cases) / sizeof(ring_cases[0]))

/* Publishes the case on queue 0 and says whether the server did what it should. */
static void run_ring_case(struct vc *c, const struct ring_case *rc)
{
	uint64_t h = vc_alloc(c, 16, 16), d = vc_alloc(c, 4096, 4096), s = vc_alloc(c, 1, 1);
	struct virtio_blk_outhdr_le hdr = { .type = VIRTIO_BLK_T_OUT, .sector = 0 };
	struct vc_req r = { .head = 0, .status_gpa = s };
	uint8_t *used = vc_ptr(c, c->q[0].used_gpa);
	char what[96];
	int st;

	memcpy(vc_ptr(c, h), &hdr, sizeof(hdr));
	vc_ptr(c, s)[0] = 0xff;
	c->q[0].slot_busy[0] = 1;
	if (rc->build) {
		vc_publish(c, 0, rc->build(c, h, d, s));
	} else {
		uint16_t jump = (uint16_t)(c->q[0].avail_idx + c->q[0].num + 10);

		__atomic_store_n((uint16_t *)(void *)vc_ptr(c, c->q[0].avail_gpa + 2), jump,
				 __ATOMIC_RELEASE);
	}
	vc_kick(c, 0);
	st = vc_wait(c, 0, &r, rc->expect == STOPPED ? 300 : 5000, NULL);
	if (rc->expect == STOPPED_AFTER_ONE)
		c->q[0].slot_busy[0] = 1;	/* vc_wait freed it; the second is ours too */
	snprintf(what, sizeof(what), "%s: %s", rc->name,
		 rc->expect == STOPPED ? "queue stopped, nothing completed" :
		 rc->expect == STATUS_IOERR ? "IOERR" : "UNSUPP");
	if (rc->expect == STOPPED_AFTER_ONE) {
		int again = vc_wait(c, 0, &r, 300, NULL);

		snprintf(what, sizeof(what), "%s: one completion, then the queue stopped", rc->name);
		check(st == 0 && again < 0, what, "first %ld, second %ld", st, again);
	} else if (rc->expect == STOPPED)
		check(st < 0 && vc_ptr(c, s)[0] == 0xff &&
		      *(uint16_t *)(void *)(used + 2) == c->q[0].used_seen, what,
		      "status %ld%ld", st, 0);
	else
		check(st == (rc->expect == STATUS_IOERR ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_UNSUPP),
		      what, "status %ld%ld", st, 0);
}

static int cmd_malformed_ring(struct vc *c, const struct opts *o, const char *name)
{
	for (size_t i = 0; i < N_RING_CASES; i++) {
		const struct ring_case *rc = &ring_cases[i];
		char what[96];

		if (strcmp(name, rc->name) && strcmp(name, "all"))
			continue;
		if (fresh(c, o) < 0)
			return 1;
		run_ring_case(c, rc);
		snprintf(what, sizeof(what), "%s: queue %u still served", rc->name, c->nq - 1);
		if (c->nq > 1)
			good_io(c, c->nq - 1, what);
		if (rc->expect == STATUS_IOERR || rc->expect == STATUS_UNSUPP) {
			snprintf(what, sizeof(what), "%s: queue 0 still served", rc->name);
			good_io(c, 0, what);
		}
		if (fresh(c, o) < 0)
			return 1;
		snprintf(what, sizeof(what), "%s: next connection served", rc->name);
		good_io(c, 0, what);
	}
	return 0;
}

/* ---- INFLIGHT_SHMFD ---- */

static void wait_line(void)
{
	char line[64];

	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		exit(1);
}

/* Reconnects to the restarted server with the same memory, rings and inflight area. */
static int reconnect(struct vc *c, const struct opts *o)
{
	vc_close(c);
	if (vc_connect(c, o->socket) < 0)
		return -1;
	c->keep_inflight = true;
	return vc_setup(c, o->profile, o->queues, o->qsize);
}

/* Each of n writes completed once with OK, and reads back. */
static void verify_writes(struct vc *c, struct vc_req *r, unsigned int n, const char *what)
{
	int bad = 0, st;

	for (unsigned int i = 0; i < n; i++) {
		st = vc_wait(c, 0, &r[i], 5000, NULL);
		bad += st != 0;
	}
	usleep(300000);
	for (unsigned int i = 0; i < n; i++) {
		struct vc_req x = r[i];

		/* A second completion of the same head would be a duplicate. */
		bad += vc_wait(c, 0, &x, 0, NULL) >= 0;
	}
	check(bad == 0, what, "%ld of %ld requests lost, failed or completed twice", bad, n);
	bad = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t g = vc_alloc(c, 4096, 4096);

		st = vc_do(c, 0, VIRTIO_BLK_T_IN, 16384 + 8 * i, g, 4096);
		bad += st != 0 || mismatch(vc_ptr(c, g), 16384 + 8 * i, 4096, 77) >= 0;
	}
	check(bad == 0, "the data of every request is on the device", "%ld of %ld differ", bad, n);
}

static unsigned int submit_writes(struct vc *c, struct vc_req *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t g = vc_alloc(c, 4096, 4096);

		fill(vc_ptr(c, g), 16384 + 8 * i, 4096, 77);
		if (vc_submit(c, 0, VIRTIO_BLK_T_OUT, 16384 + 8 * i, g, 4096, &r[i]) < 0)
			return i;
	}
	return n;
}

static int cmd_inflight_sim(struct vc *c, const struct opts *o)
{
	struct vu_inflight_queue *q;
	struct vc_req r[8];
	unsigned int n = submit_writes(c, r, 8);	/* published, never kicked */
	uint8_t *map;

	wait_line();
	map = mmap(NULL, c->inflight.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   c->inflight_fd, (off_t)c->inflight.mmap_offset);
	if (map == MAP_FAILED)
		return 1;
	/* What a server killed after popping them would have left behind. */
	q = (struct vu_inflight_queue *)(void *)map;
	for (unsigned int i = 0; i < n; i++) {
		q->desc[r[i].head].counter = 100 + i;
		q->desc[r[i].head].inflight = 1;
	}
	munmap(map, c->inflight.mmap_size);
	if (reconnect(c, o) < 0)
		return 1;
	verify_writes(c, r, n, "requests in flight at the crash resubmitted, once each");
	return 0;
}

static int cmd_inflight_live(struct vc *c, const struct opts *o)
{
	struct vc_req r[64];
	unsigned int n = submit_writes(c, r, 64);

	vc_kick(c, 0);
	wait_line();
	if (reconnect(c, o) < 0)
		return 1;
	verify_writes(c, r, n, "writes across a server crash complete once each");
	return 0;
}

/* ---- negotiation ---- */

static void cmd_negotiate(struct vc *c, const struct opts *o)
{
	uint64_t pf = c->pfeatures, f = c->features;
	uint64_t want_pf = o->profile == VC_FIRECRACKER ? BIT64(VHOST_USER_PROTOCOL_F_CONFIG) :
		BIT64(VHOST_USER_PROTOCOL_F_CONFIG) | BIT64(VHOST_USER_PROTOCOL_F_MQ) |
		BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK) |
		BIT64(VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD) |
		BIT64(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS);

	printf("# features 0x%llx protocol features 0x%llx capacity %llu queues %u\n",
	       (unsigned long long)f, (unsigned long long)pf,
	       (unsigned long long)c->cfg.capacity, c->cfg.num_queues);
	check(pf == want_pf, "protocol features as the front-end negotiates them",
	      "got 0x%lx, want 0x%lx", (long)pf, (long)want_pf);
	check((f & BIT64(VIRTIO_F_VERSION_1)) && (f & BIT64(VIRTIO_RING_F_EVENT_IDX)),
	      "VERSION_1 and EVENT_IDX agreed", "features 0x%lx%ld", (long)f, 0);
	check(c->cfg.capacity > 0 && c->cfg.blk_size >= 512, "config space read",
	      "capacity %ld blk_size %ld", (long)c->cfg.capacity, c->cfg.blk_size);
	for (unsigned int qi = 0; qi < c->nq; qi++) {
		char what[64];

		snprintf(what, sizeof(what), "IO on queue %u", qi);
		good_io(c, qi, what);
	}
	if (pf & BIT64(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)) {
		/* Hotplug as Cloud Hypervisor does it: a region added, used, removed. */
		struct vu_mem_reg_msg m = { 0, { VC_MEM_SIZE, VC_REGION, 0, 0 } };
		uint64_t slots = 0;
		int fd = memfd_create("hotplug", MFD_CLOEXEC);
		uint8_t *p;

		if (fd < 0 || ftruncate(fd, VC_REGION) < 0)
			return;
		p = mmap(NULL, VC_REGION, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		m.region.userspace_addr = (uintptr_t)p;
		check(vc_get(c, VHOST_USER_GET_MAX_MEM_SLOTS, NULL, 0, &slots, 8, NULL) == 8 &&
		      slots >= 8, "GET_MAX_MEM_SLOTS", "slots %ld%ld", (long)slots, 0);
		check(vc_msg(c, VHOST_USER_ADD_MEM_REG, &m, sizeof(m), &fd, 1, true) == 0,
		      "ADD_MEM_REG", "%ld%ld", 0, 0);
		fill(p, 300, 4096, 8);
		check(vc_do(c, 0, VIRTIO_BLK_T_OUT, 300, VC_MEM_SIZE, 4096) == 0,
		      "IO from the added region", "%ld%ld", 0, 0);
		check(vc_msg(c, VHOST_USER_REM_MEM_REG, &m, sizeof(m), NULL, 0, true) == 0,
		      "REM_MEM_REG", "%ld%ld", 0, 0);
		munmap(p, VC_REGION);
		close(fd);
		good_io(c, 0, "IO after the region went");
	}
}

/* A read-only server: RO offered, writes and zeroing refused, reads served. */
static void cmd_ro(struct vc *c)
{
	uint64_t g = vc_alloc(c, 4096, 4096);
	int st;

	check(c->features & BIT64(VIRTIO_BLK_F_RO), "VIRTIO_BLK_F_RO agreed", "%ld%ld", 0, 0);
	st = vc_do(c, 0, VIRTIO_BLK_T_OUT, 0, g, 4096);
	check(st == VIRTIO_BLK_S_IOERR, "write to a read-only device is IOERR", "status %ld%ld",
	      st, 0);
	st = vc_do(c, 0, VIRTIO_BLK_T_IN, 0, g, 4096);
	check(st == 0, "read from a read-only device", "status %ld%ld", st, 0);
}

static void cmd_io_loop(struct vc *c)
{
	for (unsigned int i = 0;; i++) {
		struct vc_req r[16];
		unsigned int n = 0;

		for (; n < 16 && n < c->q[0].num / 4u; n++) {
			uint64_t g = vc_alloc(c, 65536, 4096);

			vc_submit(c, 0, i % 2 ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT, 128 * n, g,
				  65536, &r[n]);
		}
		vc_kick(c, 0);
		for (unsigned int k = 0; k < n; k++)
			vc_wait(c, 0, &r[k], 5000, NULL);
	}
}

static void list(bool msg)
{
	for (size_t i = 0; msg && i < N_MSG_CASES; i++)
		printf("%s\n", msg_cases[i].name);
	for (size_t i = 0; !msg && i < N_RING_CASES; i++)
		printf("%s\n", ring_cases[i].name);
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "qsize", required_argument, NULL, 'n' },
		{ "rw", required_argument, NULL, 'r' },
		{ "bs", required_argument, NULL, 'b' },
		{ "iodepth", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 't' },
		{ "ramp", required_argument, NULL, 'R' },
		{ "pid", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int ch;

	*o = (struct opts){ .profile = VC_QEMU, .queues = 1, .qsize = 128,
			    .bench = { .bs = 4096, .iodepth = 1, .seconds = 8 } };
	while ((ch = getopt_long(argc, argv, "s:p:q:n:h", lo, NULL)) != -1) {
		switch (ch) {
		case 's': o->socket = optarg; break;
		case 'q': o->queues = (unsigned int)atoi(optarg); break;
		case 'n': o->qsize = (uint16_t)atoi(optarg); break;
		case 'p':
			o->profile = !strcmp(optarg, "firecracker") ? VC_FIRECRACKER :
				     !strcmp(optarg, "cloud-hypervisor") ? VC_CLOUD_HYPERVISOR :
				     VC_QEMU;
			break;
		case 'r':
			if (strcmp(optarg, "randread") && strcmp(optarg, "randwrite"))
				return -1;
			o->bench.write = !strcmp(optarg, "randwrite");
			break;
		case 'b': o->bench.bs = (unsigned int)atoi(optarg); break;
		case 'd': o->bench.iodepth = (unsigned int)atoi(optarg); break;
		case 't': o->bench.seconds = atof(optarg); break;
		case 'R': o->bench.ramp = atof(optarg); break;
		case 'P': o->bench.pid = atoi(optarg); break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: return -1;
		}
	}
	if (o->queues < 1 || o->queues > VC_MAX_Q || o->qsize < 4 || o->qsize > 1024 ||
	    (o->qsize & (o->qsize - 1)))
		return -1;
	return optind < argc ? optind : -1;
}

int main(int argc, char **argv)
{
	struct vc c = { .sock = -1 };
	struct opts o;
	int i = parse(argc, argv, &o), ret = 0;
	const char *cmd, *arg;

	if (i < 0) {
		fprintf(stderr, "vhost-client: bad arguments (see --help)\n");
		return 2;
	}
	cmd = argv[i];
	arg = i + 1 < argc ? argv[i + 1] : "all";
	if (!strcmp(cmd, "list-msg") || !strcmp(cmd, "list-ring")) {
		list(!strcmp(cmd, "list-msg"));
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!o.socket || fresh(&c, &o) < 0) {
		vc_free(&c);
		return 1;
	}
	if (!strcmp(cmd, "negotiate"))
		cmd_negotiate(&c, &o);
	else if (!strcmp(cmd, "io"))
		cmd_io(&c);
	else if (!strcmp(cmd, "ro"))
		cmd_ro(&c);
	else if (!strcmp(cmd, "io-loop"))
		cmd_io_loop(&c);
	else if (!strcmp(cmd, "malformed-msg"))
		ret = cmd_malformed_msg(&c, &o, arg);
	else if (!strcmp(cmd, "malformed-ring"))
		ret = cmd_malformed_ring(&c, &o, arg);
	else if (!strcmp(cmd, "inflight-sim"))
		ret = cmd_inflight_sim(&c, &o);
	else if (!strcmp(cmd, "inflight-live"))
		ret = cmd_inflight_live(&c, &o);
	else if (!strcmp(cmd, "bench"))
		ret = vc_bench(&c, &o.bench);
	else if (!strcmp(cmd, "idle"))
		ret = o.bench.pid > 0 ? vc_idle(&c, &o.bench) : 2;
	else
		ret = 2;
	vc_free(&c);
	return ret ? ret : failures ? 1 : 0;
}
