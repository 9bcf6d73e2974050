// SPDX-License-Identifier: Apache-2.0
/* The test front-end; see vc.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vc.h"

#define SLOT_AREA VC_RING_AREA		/* headers and status bytes: 1-2 MiB */
#define BUF_AREA (2u << 20)

const char *vu_req_name(uint32_t req)
{
	static const char *const names[] = {
		[1] = "GET_FEATURES", [2] = "SET_FEATURES", [3] = "SET_OWNER",
		[5] = "SET_MEM_TABLE", [8] = "SET_VRING_NUM", [9] = "SET_VRING_ADDR",
		[10] = "SET_VRING_BASE", [11] = "GET_VRING_BASE", [12] = "SET_VRING_KICK",
		[13] = "SET_VRING_CALL", [15] = "GET_PROTOCOL_FEATURES",
		[16] = "SET_PROTOCOL_FEATURES", [17] = "GET_QUEUE_NUM", [18] = "SET_VRING_ENABLE",
		[24] = "GET_CONFIG", [25] = "SET_CONFIG", [31] = "GET_INFLIGHT_FD",
		[32] = "SET_INFLIGHT_FD", [36] = "GET_MAX_MEM_SLOTS", [37] = "ADD_MEM_REG",
		[38] = "REM_MEM_REG",
	};

	return req < sizeof(names) / sizeof(names[0]) && names[req] ? names[req] : "request";
}

uint8_t *vc_ptr(struct vc *c, uint64_t gpa)
{
	return c->mem + gpa;
}

int vc_connect(struct vc *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	/* A new connection starts unnegotiated. */
	c->need_reply = false;
	c->features = c->pfeatures = 0;
	c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->sock < 0 || connect(c->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "vhost-client: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

void vc_close(struct vc *c)
{
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	for (unsigned int i = 0; i < VC_MAX_Q; i++) {
		if (c->q[i].kick > 0)
			close(c->q[i].kick);
		if (c->q[i].call > 0)
			close(c->q[i].call);
		c->q[i].kick = c->q[i].call = 0;
	}
}

void vc_free(struct vc *c)
{
	vc_close(c);
	for (unsigned int i = 0; i < VC_MAX_Q; i++)
		free(c->q[i].slot_busy);
	if (c->mem)
		munmap(c->mem, VC_MEM_SIZE);
	if (c->memfd > 0)
		close(c->memfd);
	if (c->inflight_fd > 0)
		close(c->inflight_fd);
	memset(c, 0, sizeof(*c));
	c->sock = -1;
}

static int send_msg(struct vc *c, const struct vu_hdr *h, const void *payload,
		    const int *fds, unsigned int nfds)
{
	char control[CMSG_SPACE(8 * sizeof(int))] = { 0 };
	struct iovec iov[2] = { { (void *)h, sizeof(*h) }, { (void *)payload, h->size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = h->size ? 2 : 1 };

	if (nfds) {
		struct cmsghdr *cm;

		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	return sendmsg(c->sock, &mh, MSG_NOSIGNAL) == (ssize_t)(sizeof(*h) + h->size) ? 0 : -1;
}

/* Reads one reply (5 s at most); its payload size, or -1. */
static int recv_reply(struct vc *c, uint32_t req, void *payload, uint32_t max, int *fd_out)
{
	char control[CMSG_SPACE(8 * sizeof(int))];
	struct vu_hdr h;
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control) };
	struct pollfd pfd = { .fd = c->sock, .events = POLLIN };
	struct cmsghdr *cm;

	if (poll(&pfd, 1, 5000) != 1 || recvmsg(c->sock, &mh, MSG_WAITALL) != sizeof(h))
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_type == SCM_RIGHTS && fd_out)
			memcpy(fd_out, CMSG_DATA(cm), sizeof(int));
	if (h.request != req || !(h.flags & VHOST_USER_REPLY) || h.size > max)
		return -1;
	if (h.size && recv(c->sock, payload, h.size, MSG_WAITALL) != (ssize_t)h.size)
		return -1;
	return (int)h.size;
}

int vc_msg(struct vc *c, uint32_t req, const void *payload, uint32_t size,
	   const int *fds, unsigned int nfds, bool need_reply)
{
	struct vu_hdr h = { req, VHOST_USER_VERSION | (need_reply ? VHOST_USER_NEED_REPLY : 0),
			    size };
	uint64_t ack;

	if (send_msg(c, &h, payload, fds, nfds) < 0)
		return -1;
	if (!need_reply)
		return 0;
	if (recv_reply(c, req, &ack, sizeof(ack), NULL) != sizeof(ack))
		return -1;
	return ack ? 1 : 0;
}

int vc_get(struct vc *c, uint32_t req, const void *payload, uint32_t size, void *reply,
	   uint32_t reply_max, int *fd_out)
{
	struct vu_hdr h = { req, VHOST_USER_VERSION | (c->need_reply ? VHOST_USER_NEED_REPLY : 0),
			    size };

	if (send_msg(c, &h, payload, NULL, 0) < 0)
		return -1;
	return recv_reply(c, req, reply, reply_max, fd_out);
}

/* A SET message as the profile sends it (acks asked for after REPLY_ACK). */
static int set(struct vc *c, uint32_t req, const void *payload, uint32_t size,
	       const int *fds, unsigned int nfds)
{
	int r = vc_msg(c, req, payload, size, fds, nfds, c->need_reply);

	if (r)
		fprintf(stderr, "vhost-client: %s refused (%d)\n", vu_req_name(req), r);
	return r ? -1 : 0;
}

static int set_u64(struct vc *c, uint32_t req, uint64_t v)
{
	return set(c, req, &v, sizeof(v), NULL, 0);
}

static int get_u64(struct vc *c, uint32_t req, uint64_t *v)
{
	if (vc_get(c, req, NULL, 0, v, sizeof(*v), NULL) != sizeof(*v)) {
		fprintf(stderr, "vhost-client: %s failed\n", vu_req_name(req));
		return -1;
	}
	return 0;
}

static int setup_memory(struct vc *c)
{
	if (c->mem)
		return 0;
	c->memfd = memfd_create("vhost-client-guest", MFD_CLOEXEC);
	if (c->memfd < 0 || ftruncate(c->memfd, VC_MEM_SIZE) < 0)
		return -1;
	c->mem = mmap(NULL, VC_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, c->memfd, 0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		return -1;
	}
	c->bump = BUF_AREA;
	return 0;
}

/* The memory table: guest addresses 0-32 MiB and 32-64 MiB, one memfd. */
int vc_send_mem_table(struct vc *c)
{
	struct vu_mem_table_msg t = { .nregions = 2 };
	int fds[2] = { c->memfd, c->memfd };

	for (unsigned int i = 0; i < 2; i++) {
		t.regions[i].guest_phys_addr = (uint64_t)i * VC_REGION;
		t.regions[i].memory_size = VC_REGION;
		t.regions[i].userspace_addr = (uint64_t)(uintptr_t)c->mem + i * VC_REGION;
		t.regions[i].mmap_offset = (uint64_t)i * VC_REGION;
	}
	return set(c, VHOST_USER_SET_MEM_TABLE, &t, 8 + 2 * 32, fds, 2);
}

/* QEMU with CONFIGURE_MEM_SLOTS adds regions one by one instead of a table. */
static int send_memory(struct vc *c)
{
	if (c->profile != VC_QEMU ||
	    !(c->pfeatures & BIT64(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)))
		return vc_send_mem_table(c);
	for (unsigned int i = 0; i < 2; i++) {
		struct vu_mem_reg_msg r = { 0, { (uint64_t)i * VC_REGION, VC_REGION,
						 (uint64_t)(uintptr_t)c->mem + i * VC_REGION,
						 (uint64_t)i * VC_REGION } };

		if (set(c, VHOST_USER_ADD_MEM_REG, &r, sizeof(r), &c->memfd, 1) < 0)
			return -1;
	}
	return 0;
}

static void layout_queue(struct vc *c, unsigned int i, uint16_t num)
{
	struct vc_queue *q = &c->q[i];
	uint64_t base = (uint64_t)i * 0x10000;

	q->num = num;
	q->desc_gpa = base;
	q->avail_gpa = base + 16u * num;
	q->used_gpa = (q->avail_gpa + 6 + 2u * num + 4095) & ~4095ull;
	if (!c->keep_inflight) {
		memset(c->mem + base, 0, 0x10000);
		q->avail_idx = q->used_seen = 0;
		free(q->slot_busy);
		q->slot_busy = calloc(num / 4 ? num / 4 : 1, 1);
	}
}

static uint64_t uva(struct vc *c, uint64_t gpa)
{
	return (uint64_t)(uintptr_t)c->mem + gpa;
}

/* NUM, BASE, ADDR, KICK, CALL in the profile's order; ENABLE comes later. */
static int setup_vring(struct vc *c, unsigned int i)
{
	struct vc_queue *q = &c->q[i];
	struct vu_vring_state num = { i, q->num }, base = { i, q->avail_idx };
	struct vu_vring_addr a = { .index = i, .desc = uva(c, q->desc_gpa),
				   .avail = uva(c, q->avail_gpa), .used = uva(c, q->used_gpa) };
	uint64_t idx = i;

	q->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->profile == VC_QEMU)
		return set(c, VHOST_USER_SET_VRING_NUM, &num, 8, NULL, 0) ||
		       set(c, VHOST_USER_SET_VRING_BASE, &base, 8, NULL, 0) ||
		       set(c, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) ||
		       set(c, VHOST_USER_SET_VRING_KICK, &idx, 8, &q->kick, 1) ||
		       set(c, VHOST_USER_SET_VRING_CALL, &idx, 8, &q->call, 1) ? -1 : 0;
	/* Firecracker and Cloud Hypervisor: NUM went first for every queue. */
	return set(c, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) ||
	       set(c, VHOST_USER_SET_VRING_BASE, &base, 8, NULL, 0) ||
	       set(c, VHOST_USER_SET_VRING_CALL, &idx, 8, &q->call, 1) ||
	       set(c, VHOST_USER_SET_VRING_KICK, &idx, 8, &q->kick, 1) ? -1 : 0;
}

/* What each front-end asks for (docs/vhost-user.md has the sources). */
static uint64_t wanted_features(enum vc_profile p, unsigned int nq)
{
	uint64_t common = BIT64(VIRTIO_F_VERSION_1) | BIT64(VIRTIO_RING_F_EVENT_IDX) |
			  BIT64(VHOST_USER_F_PROTOCOL_FEATURES) | BIT64(VIRTIO_BLK_F_RO) |
			  BIT64(VIRTIO_BLK_F_FLUSH);
	uint64_t rich = common | BIT64(VIRTIO_BLK_F_SIZE_MAX) | BIT64(VIRTIO_BLK_F_SEG_MAX) |
			BIT64(VIRTIO_BLK_F_BLK_SIZE) | BIT64(VIRTIO_BLK_F_TOPOLOGY) |
			BIT64(VIRTIO_BLK_F_CONFIG_WCE) | BIT64(VIRTIO_BLK_F_DISCARD) |
			BIT64(VIRTIO_BLK_F_WRITE_ZEROES) | BIT64(VIRTIO_RING_F_INDIRECT_DESC);

	if (p == VC_FIRECRACKER)
		return common;
	if (p == VC_QEMU || nq > 1)
		rich |= BIT64(VIRTIO_BLK_F_MQ);
	return rich;
}

static uint64_t wanted_protocol(enum vc_profile p)
{
	if (p == VC_FIRECRACKER)
		return BIT64(VHOST_USER_PROTOCOL_F_CONFIG);
	/* Both also ask for LOG_SHMFD (migration), which the server does not offer. */
	return BIT64(VHOST_USER_PROTOCOL_F_CONFIG) | BIT64(VHOST_USER_PROTOCOL_F_MQ) |
	       BIT64(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) |
	       BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK) |
	       BIT64(VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD) | BIT64(VHOST_USER_PROTOCOL_F_LOG_SHMFD);
}

static int negotiate(struct vc *c, unsigned int nq)
{
	uint64_t f, pf, qn = 1;

	if ((c->profile != VC_QEMU && set_u64(c, VHOST_USER_SET_OWNER, 0) < 0) ||
	    get_u64(c, VHOST_USER_GET_FEATURES, &f) < 0)
		return -1;
	c->features = f & wanted_features(c->profile, nq);
	if (!(c->features & BIT64(VHOST_USER_F_PROTOCOL_FEATURES)) ||
	    get_u64(c, VHOST_USER_GET_PROTOCOL_FEATURES, &pf) < 0)
		return -1;
	c->pfeatures = pf & wanted_protocol(c->profile);
	if (set_u64(c, VHOST_USER_SET_PROTOCOL_FEATURES, c->pfeatures) < 0)
		return -1;
	c->need_reply = c->pfeatures & BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK);
	if ((c->pfeatures & BIT64(VHOST_USER_PROTOCOL_F_MQ)) &&
	    get_u64(c, VHOST_USER_GET_QUEUE_NUM, &qn) < 0)
		return -1;
	if (nq > qn) {
		fprintf(stderr, "vhost-client: backend offers %llu queues, %u wanted\n",
			(unsigned long long)qn, nq);
		return -1;
	}
	if (c->profile == VC_QEMU && (get_u64(c, VHOST_USER_GET_MAX_MEM_SLOTS, &qn) < 0 ||
				      set_u64(c, VHOST_USER_SET_OWNER, 0) < 0))
		return -1;
	return 0;
}

static int get_config_window(struct vc *c, uint32_t size, struct vu_config_msg *r)
{
	struct vu_config_msg m = { .size = size };

	if (c->profile == VC_CLOUD_HYPERVISOR)
		m.offset = 0x100;	/* the vhost crate's VHOST_USER_CONFIG_OFFSET */
	return vc_get(c, VHOST_USER_GET_CONFIG, &m, 12 + m.size, r, sizeof(*r), NULL) ==
	       (int)(12 + m.size) ? 0 : -1;
}

/*
 * GET_CONFIG as each asks: QEMU 96 bytes (with zoned fields), the others 60.
 * Backends built before the zoned fields (qemu-storage-daemon 7.2's
 * libvhost-user) refuse 96 with an empty reply: QEMU of that age asked for
 * 60, so the QEMU profile asks again for 60.
 */
static int get_config(struct vc *c, struct virtio_blk_cfg *cfg)
{
	struct vu_config_msg r;

	if (get_config_window(c, c->profile == VC_QEMU ? 96 : 60, &r) < 0 &&
	    (c->profile != VC_QEMU || get_config_window(c, 60, &r) < 0)) {
		fprintf(stderr, "vhost-client: GET_CONFIG failed\n");
		return -1;
	}
	memcpy(cfg, r.region, sizeof(*cfg));
	return 0;
}

static int inflight(struct vc *c, unsigned int nq, uint16_t qsize)
{
	struct vu_inflight_msg m = { .num_queues = (uint16_t)nq, .queue_size = qsize };

	if (!(c->pfeatures & BIT64(VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD)))
		return 0;
	if (!c->keep_inflight) {
		if (c->inflight_fd > 0)
			close(c->inflight_fd);
		c->inflight_fd = -1;
		if (vc_get(c, VHOST_USER_GET_INFLIGHT_FD, &m, sizeof(m), &c->inflight,
			   sizeof(c->inflight), &c->inflight_fd) != sizeof(m) || c->inflight_fd < 0) {
			fprintf(stderr, "vhost-client: GET_INFLIGHT_FD failed\n");
			return -1;
		}
	}
	return set(c, VHOST_USER_SET_INFLIGHT_FD, &c->inflight, sizeof(c->inflight),
		   &c->inflight_fd, 1);
}

int vc_setup(struct vc *c, enum vc_profile p, unsigned int nq, uint16_t qsize)
{
	struct virtio_blk_cfg cfg;

	c->profile = p;
	c->nq = nq;
	if (setup_memory(c) < 0 || negotiate(c, nq) < 0 || get_config(c, &cfg) < 0)
		return -1;
	c->cfg = cfg;
	for (unsigned int i = 0; i < nq; i++)
		layout_queue(c, i, qsize);
	/* QEMU sets up the inflight area before SET_FEATURES and the memory table. */
	if (p == VC_QEMU && inflight(c, nq, qsize) < 0)
		return -1;
	if (set_u64(c, VHOST_USER_SET_FEATURES, c->features) < 0 || send_memory(c) < 0)
		return -1;
	if (p != VC_QEMU) {
		for (unsigned int i = 0; i < nq; i++) {
			struct vu_vring_state num = { i, qsize };

			if (set(c, VHOST_USER_SET_VRING_NUM, &num, 8, NULL, 0) < 0)
				return -1;
		}
		if (inflight(c, nq, qsize) < 0)
			return -1;
	}
	for (unsigned int i = 0; i < nq; i++)
		if (setup_vring(c, i) < 0)
			return -1;
	for (unsigned int i = 0; i < nq; i++) {
		struct vu_vring_state en = { i, 1 };

		if (set(c, VHOST_USER_SET_VRING_ENABLE, &en, 8, NULL, 0) < 0)
			return -1;
	}
	c->keep_inflight = false;
	return 0;
}

uint64_t vc_alloc(struct vc *c, uint64_t len, uint64_t align)
{
	uint64_t gpa = (c->bump + align - 1) & ~(align - 1);

	if (gpa + len > VC_MEM_SIZE)
		gpa = BUF_AREA;		/* wrap: tests keep few buffers alive */
	c->bump = gpa + len;
	return gpa;
}

struct vring_desc_le *vc_desc(struct vc *c, unsigned int qi, unsigned int i)
{
	return (struct vring_desc_le *)(void *)(c->mem + c->q[qi].desc_gpa + 16u * i);
}

static void set_desc(struct vc *c, unsigned int qi, unsigned int i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc_le d = { addr, len, flags, next };

	memcpy(vc_desc(c, qi, i), &d, sizeof(d));
}

int vc_submit(struct vc *c, unsigned int qi, uint32_t type, uint64_t sector,
	      uint64_t data_gpa, uint32_t len, struct vc_req *r)
{
	if (vc_prepare(c, qi, type, sector, data_gpa, len, r) < 0)
		return -1;
	vc_publish(c, qi, r->head);
	return 0;
}

int vc_prepare(struct vc *c, unsigned int qi, uint32_t type, uint64_t sector,
	       uint64_t data_gpa, uint32_t len, struct vc_req *r)
{
	struct vc_queue *q = &c->q[qi];
	struct virtio_blk_outhdr_le h = { .type = type, .sector = sector };
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned int s, d;

	for (s = 0; s < q->num / 4u && q->slot_busy[s]; s++)
		;
	if (s == q->num / 4u)
		return -1;
	q->slot_busy[s] = 1;
	d = 4 * s;
	r->head = (uint16_t)d;
	r->hdr_gpa = SLOT_AREA + ((uint64_t)qi * 256 + s) * 32;
	r->status_gpa = r->hdr_gpa + 16;
	r->data_gpa = data_gpa;
	r->data_len = len;
	memcpy(c->mem + r->hdr_gpa, &h, sizeof(h));
	c->mem[r->status_gpa] = 0xff;
	set_desc(c, qi, d, r->hdr_gpa, 16, VRING_DESC_F_NEXT, (uint16_t)(len ? d + 1 : d + 2));
	if (len)
		set_desc(c, qi, d + 1, data_gpa, len,
			 VRING_DESC_F_NEXT | (in ? VRING_DESC_F_WRITE : 0), (uint16_t)(d + 2));
	set_desc(c, qi, d + 2, r->status_gpa, 1, VRING_DESC_F_WRITE, 0);
	return 0;
}

void vc_publish(struct vc *c, unsigned int qi, uint16_t head)
{
	struct vc_queue *q = &c->q[qi];
	uint8_t *avail = c->mem + q->avail_gpa;

	memcpy(avail + 4 + 2 * (q->avail_idx % q->num), &head, 2);
	q->avail_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n((uint16_t *)(void *)(avail + 2), q->avail_idx, __ATOMIC_RELAXED);
}

void vc_kick(struct vc *c, unsigned int qi)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	eventfd_write(c->q[qi].kick, 1);
}

/* Marks every newly used head done; their slots are freed by vc_wait(). */
static void scan_used(struct vc *c, unsigned int qi, uint8_t *done, uint32_t *lens)
{
	struct vc_queue *q = &c->q[qi];
	uint8_t *used = c->mem + q->used_gpa;
	uint16_t idx = __atomic_load_n((uint16_t *)(void *)(used + 2), __ATOMIC_ACQUIRE);

	while (q->used_seen != idx) {
		struct vring_used_elem_le e;

		memcpy(&e, used + 4 + 8 * (q->used_seen % q->num), sizeof(e));
		if (e.id < q->num) {
			done[e.id]++;
			lens[e.id] = e.len;
		}
		q->used_seen++;
	}
	/* EVENT_IDX: interrupt at the next completion. */
	memcpy(c->mem + q->avail_gpa + 4 + 2 * q->num, &q->used_seen, 2);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int vc_wait(struct vc *c, unsigned int qi, const struct vc_req *r, int ms, uint32_t *used_len)
{
	struct vc_queue *q = &c->q[qi];

	for (int t = 0; t <= ms; t += 10) {
		struct pollfd pfd = { .fd = q->call, .events = POLLIN };
		eventfd_t v;

		scan_used(c, qi, q->done, q->len);
		if (q->done[r->head]) {
			q->done[r->head]--;
			if (used_len)
				*used_len = q->len[r->head];
			q->slot_busy[r->head / 4] = 0;
			return c->mem[r->status_gpa];
		}
		if (q->call > 0 && poll(&pfd, 1, 10) == 1)
			eventfd_read(q->call, &v);
		else if (q->call <= 0)
			usleep(10000);
	}
	return -1;
}

int vc_do(struct vc *c, unsigned int qi, uint32_t type, uint64_t sector, uint64_t gpa,
	  uint32_t len)
{
	struct vc_req r;

	if (vc_submit(c, qi, type, sector, gpa, len, &r) < 0)
		return -1;
	vc_kick(c, qi);
	return vc_wait(c, qi, &r, 5000, NULL);
}
