// SPDX-License-Identifier: Apache-2.0
/*
 * vhost-user messages: receiving them with their fds, checking each against
 * what its request allows (payload size, fd count) before any handler runs,
 * and the handlers.  The front-end is as untrusted as the guest: a message
 * that is wrong gets an error (a REPLY_ACK of 1 when asked for) and changes
 * nothing; only a message we cannot even frame ends the connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vu_dev.h"

enum h_result { H_OK, H_ERR, H_REPLY, H_FATAL };

typedef enum h_result (*handler_fn)(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r);

struct handler {
	const char *name;
	uint32_t min_size, max_size;	/* payload bytes allowed */
	unsigned int max_fds;
	handler_fn fn;
};

static enum h_result fail(struct vu_dev *d, const char *why)
{
	snprintf(d->err, sizeof(d->err), "%s", why);
	return H_ERR;
}

static enum h_result reply_u64(struct vu_msg *r, uint64_t v)
{
	r->hdr.size = sizeof(r->p.u64);
	r->p.u64 = v;
	return H_REPLY;
}

/* Takes fd number i of m: the handler owns it now. */
static int take_fd(struct vu_msg *m, unsigned int i)
{
	int fd = m->fds[i];

	m->fds[i] = -1;
	return fd;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The queue a vring message names, or NULL. */
static struct vu_queue *queue_of(struct vu_dev *d, uint32_t index)
{
	return index < d->num_queues ? &d->q[index] : NULL;
}

static enum h_result get_features(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	(void)m;
	return reply_u64(r, vu_dev_features(d));
}

static enum h_result set_features(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	(void)r;
	if (m->p.u64 & ~vu_dev_features(d))
		return fail(d, "features acked that were not offered");
	d->features = m->p.u64;
	for (unsigned int i = 0; i < VU_MAX_QUEUES; i++) {
		d->q[i].vq.event_idx = m->p.u64 & BIT64(VIRTIO_RING_F_EVENT_IDX);
		d->q[i].vq.indirect = m->p.u64 & BIT64(VIRTIO_RING_F_INDIRECT_DESC);
	}
	return H_OK;
}

static enum h_result get_protocol_features(struct vu_dev *d, struct vu_msg *m,
					   struct vu_msg *r)
{
	(void)d, (void)m;
	return reply_u64(r, vu_dev_protocol_features());
}

static enum h_result set_protocol_features(struct vu_dev *d, struct vu_msg *m,
					   struct vu_msg *r)
{
	(void)r;
	if (m->p.u64 & ~vu_dev_protocol_features())
		return fail(d, "protocol features acked that were not offered");
	d->protocol_features = m->p.u64;
	return H_OK;
}

static enum h_result nothing(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	(void)d, (void)m, (void)r;
	return H_OK;
}

static enum h_result reset(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	(void)m, (void)r;
	vu_dev_reset(d);
	return H_OK;
}

static enum h_result get_queue_num(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	(void)m;
	return reply_u64(r, d->num_queues);
}

static enum h_result get_max_mem_slots(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	(void)d, (void)m;
	return reply_u64(r, VU_MAX_MEM_SLOTS);
}

/* Re-points started queues after the memory changed; a lost ring stops its queue. */
static void remap_queues(struct vu_dev *d)
{
	for (unsigned int i = 0; i < d->num_queues; i++) {
		struct vu_queue *q = &d->q[i];
		const char *why;

		if (!q->started)
			continue;
		why = vq_map(&q->vq, &d->mem, q->addr.desc, q->addr.avail, q->addr.used);
		if (why) {
			q->vq.broken = true;
			q->vq.why = why;
		}
	}
}

static void drain(struct vu_dev *d)
{
	if (d->ops->drain)
		d->ops->drain(d);
}

static enum h_result set_mem_table(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_mem check = { 0 };
	uint32_t n = m->p.mem.nregions;
	const char *why = NULL;

	(void)r;
	if (n > VHOST_MEMORY_BASELINE_NREGIONS || m->hdr.size != 8 + 32 * n)
		return fail(d, "memory table size does not match its region count");
	if (m->nfds != n)
		return fail(d, "memory table needs one fd per region");
	/* All regions are checked before the old table goes. */
	for (uint32_t i = 0; i < n && !why; i++) {
		why = vu_mem_check(&check, &m->p.mem.regions[i]);
		if (!why)
			why = vu_mem_check_fd(m->fds[i], &m->p.mem.regions[i]);
		if (!why)
			vu_mem_add_mapped(&check, &m->p.mem.regions[i], NULL);
	}
	if (why)
		return fail(d, why);
	drain(d);
	vu_mem_clear(&d->mem);
	for (uint32_t i = 0; i < n; i++) {
		why = vu_mem_add_fd(&d->mem, &m->p.mem.regions[i], take_fd(m, i));
		if (why) {
			vu_mem_clear(&d->mem);
			break;
		}
	}
	remap_queues(d);
	return why ? fail(d, why) : H_OK;
}

static enum h_result add_mem_reg(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	const char *why;

	(void)r;
	if (m->nfds != 1)
		return fail(d, "ADD_MEM_REG needs one fd");
	why = vu_mem_add_fd(&d->mem, &m->p.reg.region, take_fd(m, 0));
	return why ? fail(d, why) : H_OK;
}

static enum h_result rem_mem_reg(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	const char *why;

	(void)r;
	drain(d);
	why = vu_mem_remove(&d->mem, &m->p.reg.region);
	remap_queues(d);
	return why ? fail(d, why) : H_OK;
}

/* Ring settings change only while the queue is stopped. */
static struct vu_queue *stopped_queue(struct vu_dev *d, uint32_t index)
{
	struct vu_queue *q = queue_of(d, index);

	if (!q)
		fail(d, "vring index out of range");
	else if (q->started)
		fail(d, "vring is running");
	return q && !q->started ? q : NULL;
}

static enum h_result set_vring_num(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_queue *q = stopped_queue(d, m->p.state.index);
	uint32_t num = m->p.state.num;

	(void)r;
	if (!q)
		return H_ERR;
	/* Indices wrap at 2^16: a ring size must divide it. */
	if (!num || num > VQ_MAX_SIZE || (num & (num - 1)))
		return fail(d, "vring size not a power of two up to 1024");
	q->vq.num = (uint16_t)num;
	return H_OK;
}

static enum h_result set_vring_addr(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_queue *q = stopped_queue(d, m->p.addr.index);
	const char *why;

	(void)r;
	if (!q)
		return H_ERR;
	why = vq_map(&q->vq, &d->mem, m->p.addr.desc, m->p.addr.avail, m->p.addr.used);
	if (why)
		return fail(d, why);
	q->addr = m->p.addr;
	q->addr_set = true;
	return H_OK;
}

static enum h_result set_vring_base(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_queue *q = stopped_queue(d, m->p.state.index);

	(void)r;
	if (!q)
		return H_ERR;
	if (m->p.state.num > 0xffff)
		return fail(d, "vring base beyond 16 bits");
	q->vq.last_avail_idx = (uint16_t)m->p.state.num;
	return H_OK;
}

static void stop_queue(struct vu_dev *d, unsigned int i)
{
	struct vu_queue *q = &d->q[i];

	if (q->running && d->ops->queue_stop)
		d->ops->queue_stop(d, i);
	q->running = false;
	q->started = false;
	close_fd(&q->kick_fd);
	free(q->vq.resubmit);
	q->vq.resubmit = NULL;
	q->vq.nresubmit = 0;
	q->vq.inflight = NULL;
}

static enum h_result get_vring_base(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_queue *q = queue_of(d, m->p.state.index);

	if (!q)
		return fail(d, "vring index out of range");
	stop_queue(d, m->p.state.index);
	r->hdr.size = sizeof(r->p.state);
	r->p.state.index = m->p.state.index;
	r->p.state.num = q->vq.last_avail_idx;
	return H_REPLY;
}

/* Runs queue i when it is both started and enabled. */
static enum h_result maybe_run(struct vu_dev *d, unsigned int i)
{
	struct vu_queue *q = &d->q[i];

	if (!q->started || !q->enabled || q->running)
		return H_OK;
	if (d->ops->queue_start && d->ops->queue_start(d, i) < 0)
		return fail(d, "cannot start the queue's IO");
	q->running = true;
	return H_OK;
}

/* The queue's slice of the inflight area, if there is one for it. */
static struct vu_inflight_queue *inflight_of(struct vu_dev *d, unsigned int i)
{
	uint64_t bytes = vu_inflight_queue_bytes(d->inflight_queue_size);

	if (!d->inflight || i >= d->inflight_queues)
		return NULL;
	return (struct vu_inflight_queue *)((uint8_t *)d->inflight + i * bytes);
}

static enum h_result start_queue(struct vu_dev *d, unsigned int i)
{
	struct vu_queue *q = &d->q[i];
	struct vu_inflight_queue *inf = inflight_of(d, i);
	const char *why;

	if (!q->addr_set)
		return fail(d, "kick before the vring address");
	/*
	 * The area's desc_num lives in shared memory; only the size it was
	 * mapped for (checked against mmap_size) bounds the entries we touch.
	 */
	if (inf && d->inflight_queue_size != q->vq.num)
		return fail(d, "inflight area is for another queue size");
	why = vq_map(&q->vq, &d->mem, q->addr.desc, q->addr.avail, q->addr.used);
	if (!why && inf)
		why = vq_inflight_restore(&q->vq, inf);
	if (why)
		return fail(d, why);
	q->vq.broken = false;
	q->started = true;
	if (!(d->features & BIT64(VHOST_USER_F_PROTOCOL_FEATURES)))
		q->enabled = true;
	return maybe_run(d, i);
}

/*
 * Kick and call fds must be eventfds: a pipe or socket could block the
 * server, raise SIGPIPE, or stay readable forever (a busy loop).  Without
 * /proc to ask, the fd is taken on trust.
 */
static bool is_eventfd(int fd)
{
	char path[32], target[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return true;
	target[n] = 0;
	return strcmp(target, "anon_inode:[eventfd]") == 0;
}

/* KICK, CALL, ERR: the index and "no fd" bit, and the fd unless that bit. */
static int vring_fd(struct vu_dev *d, struct vu_msg *m, unsigned int *index)
{
	bool nofd = m->p.u64 & VHOST_USER_VRING_NOFD_MASK;

	*index = m->p.u64 & VHOST_USER_VRING_IDX_MASK;
	if (*index >= d->num_queues) {
		fail(d, "vring index out of range");
		return -2;
	}
	if (m->nfds != (nofd ? 0u : 1u)) {
		fail(d, "vring fd missing or unexpected");
		return -2;
	}
	if (nofd)
		return -1;
	if (!is_eventfd(m->fds[0])) {
		fail(d, "vring fd is not an eventfd");
		return -2;
	}
	/* A front-end's odd fd must not block the server when read or written. */
	fcntl(m->fds[0], F_SETFL, fcntl(m->fds[0], F_GETFL) | O_NONBLOCK);
	return take_fd(m, 0);
}

static enum h_result set_vring_kick(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	unsigned int i;
	int fd = vring_fd(d, m, &i);

	(void)r;
	if (fd == -2)
		return H_ERR;
	/* Without a kick fd the back-end would have to poll: not offered. */
	if (fd < 0)
		return fail(d, "polling without a kick fd is not supported");
	stop_queue(d, i);
	d->q[i].kick_fd = fd;
	return start_queue(d, i);
}

static enum h_result set_vring_call(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	unsigned int i;
	int fd = vring_fd(d, m, &i);

	(void)r;
	if (fd == -2)
		return H_ERR;
	close_fd(&d->q[i].call_fd);
	d->q[i].call_fd = fd;
	return H_OK;
}

static enum h_result set_vring_err(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	unsigned int i;
	int fd = vring_fd(d, m, &i);

	(void)r;
	if (fd == -2)
		return H_ERR;
	close_fd(&fd);
	return H_OK;
}

static enum h_result set_vring_enable(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_queue *q = queue_of(d, m->p.state.index);

	(void)r;
	if (!q)
		return fail(d, "vring index out of range");
	if (m->p.state.num > 1)
		return fail(d, "vring enable is neither 0 nor 1");
	q->enabled = m->p.state.num;
	if (!q->enabled && q->running) {
		if (d->ops->queue_stop)
			d->ops->queue_stop(d, m->p.state.index);
		q->running = false;
	}
	return maybe_run(d, m->p.state.index);
}

/*
 * GET/SET_CONFIG name the window [offset, offset + size) of the config
 * space.  Older rust-vmm front-ends (Cloud Hypervisor before the vhost
 * crate dropped VHOST_USER_CONFIG_OFFSET) count from 0x100, the virtio-pci
 * device-specific area; both conventions are accepted.
 */
#define LEGACY_CONFIG_OFFSET 0x100u
static bool config_window(const struct vu_msg *m, uint32_t *offset)
{
	const struct vu_config_msg *c = &m->p.config;

	*offset = c->offset >= LEGACY_CONFIG_OFFSET ? c->offset - LEGACY_CONFIG_OFFSET : c->offset;
	return m->hdr.size == 12 + c->size && c->size <= VU_CONFIG_MAX &&
	       *offset <= VU_CONFIG_MAX - c->size;
}

static enum h_result get_config(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	uint8_t space[VU_CONFIG_MAX] = { 0 };
	struct virtio_blk_cfg cfg;
	uint32_t offset;

	if (!config_window(m, &offset))
		return fail(d, "config window out of range");
	vu_dev_config(d, &cfg);
	memcpy(space, &cfg, sizeof(cfg));
	r->p.config = m->p.config;
	memcpy(r->p.config.region, space + offset, m->p.config.size);
	r->hdr.size = m->hdr.size;
	return H_REPLY;
}

static enum h_result set_config(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	const struct vu_config_msg *c = &m->p.config;
	uint32_t offset;

	(void)r;
	if (!config_window(m, &offset))
		return fail(d, "config window out of range");
	/* Only the writeback byte is the driver's to write. */
	if (offset != offsetof(struct virtio_blk_cfg, wce) || c->size != 1 ||
	    !(d->features & BIT64(VIRTIO_BLK_F_CONFIG_WCE)))
		return fail(d, "config field is read-only");
	d->wce = c->region[0] ? 1 : 0;
	return H_OK;
}

/* An inflight area's shape: queue count and size the device can have. */
static const char *inflight_shape(const struct vu_dev *d, const struct vu_inflight_msg *in)
{
	uint16_t qs = in->queue_size;

	if (!in->num_queues || in->num_queues > d->num_queues)
		return "inflight queue count out of range";
	if (!qs || qs > VQ_MAX_SIZE || (qs & (qs - 1)))
		return "inflight queue size invalid";
	return NULL;
}

static void set_inflight(struct vu_dev *d, void *map, uint64_t size, const struct vu_inflight_msg *in)
{
	if (d->inflight)
		munmap(d->inflight, d->inflight_size);
	d->inflight = map;
	d->inflight_size = size;
	d->inflight_queues = in->num_queues;
	d->inflight_queue_size = in->queue_size;
}

static enum h_result get_inflight_fd(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	const char *why = inflight_shape(d, &m->p.inflight);
	uint64_t qbytes, size;
	void *map;
	int fd;

	if (why)
		return fail(d, why);
	qbytes = vu_inflight_queue_bytes(m->p.inflight.queue_size);
	size = qbytes * m->p.inflight.num_queues;
	fd = memfd_create("mayastor-vhost-inflight", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		close_fd(&fd);
		return fail(d, "cannot create the inflight area");
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return fail(d, "cannot map the inflight area");
	}
	for (unsigned int i = 0; i < m->p.inflight.num_queues; i++) {
		struct vu_inflight_queue *q = (void *)((uint8_t *)map + i * qbytes);

		q->version = 1;
		q->desc_num = m->p.inflight.queue_size;
	}
	set_inflight(d, map, size, &m->p.inflight);
	r->hdr.size = sizeof(r->p.inflight);
	r->p.inflight = m->p.inflight;
	r->p.inflight.mmap_size = size;
	r->p.inflight.mmap_offset = 0;
	r->fds[0] = fd;
	r->nfds = 1;
	return H_REPLY;
}

static enum h_result set_inflight_fd(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	const struct vu_inflight_msg *in = &m->p.inflight;
	const char *why = inflight_shape(d, in);
	void *map;
	int fd;

	(void)r;
	if (m->nfds != 1)
		return fail(d, "SET_INFLIGHT_FD needs one fd");
	if (why)
		return fail(d, why);
	if (in->mmap_size < vu_inflight_queue_bytes(in->queue_size) * in->num_queues ||
	    in->mmap_size > (1u << 30) || in->mmap_offset > (1ULL << 40))
		return fail(d, "inflight area size does not fit its queues");
	fd = take_fd(m, 0);
	map = mmap(NULL, in->mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)in->mmap_offset);
	close(fd);
	if (map == MAP_FAILED)
		return fail(d, "cannot map the inflight area");
	set_inflight(d, map, in->mmap_size, in);
	return H_OK;
}

static enum h_result unsupported(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	(void)m, (void)r;
	return fail(d, "request not supported");
}

#define H(req, lo, hi, fds, f) [VHOST_USER_##req] = { #req, lo, hi, fds, f }
static const struct handler handlers[VHOST_USER_MAX_REQUEST] = {
	H(GET_FEATURES, 0, 8, 0, get_features),
	H(SET_FEATURES, 8, 8, 0, set_features),
	H(SET_OWNER, 0, 8, 0, nothing),
	H(RESET_OWNER, 0, 8, 0, reset),
	H(RESET_DEVICE, 0, 8, 0, reset),
	H(SET_MEM_TABLE, 8, sizeof(struct vu_mem_table_msg), VHOST_MEMORY_BASELINE_NREGIONS,
	  set_mem_table),
	H(SET_LOG_BASE, 0, VU_MAX_PAYLOAD, 1, unsupported),
	H(SET_LOG_FD, 0, VU_MAX_PAYLOAD, 1, unsupported),
	H(SET_VRING_NUM, 8, 8, 0, set_vring_num),
	H(SET_VRING_ADDR, 40, 40, 0, set_vring_addr),
	H(SET_VRING_BASE, 8, 8, 0, set_vring_base),
	H(GET_VRING_BASE, 8, 8, 0, get_vring_base),
	H(SET_VRING_KICK, 8, 8, 1, set_vring_kick),
	H(SET_VRING_CALL, 8, 8, 1, set_vring_call),
	H(SET_VRING_ERR, 8, 8, 1, set_vring_err),
	H(GET_PROTOCOL_FEATURES, 0, 8, 0, get_protocol_features),
	H(SET_PROTOCOL_FEATURES, 8, 8, 0, set_protocol_features),
	H(GET_QUEUE_NUM, 0, 8, 0, get_queue_num),
	H(SET_VRING_ENABLE, 8, 8, 0, set_vring_enable),
	H(SET_BACKEND_REQ_FD, 0, 8, 1, unsupported),
	H(GET_CONFIG, 12, 12 + VU_CONFIG_MAX, 0, get_config),
	H(SET_CONFIG, 12, 12 + VU_CONFIG_MAX, 0, set_config),
	H(GET_INFLIGHT_FD, 24, 24, 0, get_inflight_fd),
	H(SET_INFLIGHT_FD, 24, 24, 1, set_inflight_fd),
	H(GET_MAX_MEM_SLOTS, 0, 8, 0, get_max_mem_slots),
	H(ADD_MEM_REG, 40, 40, 1, add_mem_reg),
	/* QEMU has sent the region's fd along; it is closed unused. */
	H(REM_MEM_REG, 40, 40, 1, rem_mem_reg),
};

const char *vu_msg_name(uint32_t request)
{
	if (request < VHOST_USER_MAX_REQUEST && handlers[request].name)
		return handlers[request].name;
	return "unknown request";
}

/* Requests whose handler answers with a payload of its own. */
static bool has_reply(uint32_t req)
{
	return req == VHOST_USER_GET_FEATURES || req == VHOST_USER_GET_PROTOCOL_FEATURES ||
	       req == VHOST_USER_GET_VRING_BASE || req == VHOST_USER_GET_QUEUE_NUM ||
	       req == VHOST_USER_GET_CONFIG || req == VHOST_USER_GET_INFLIGHT_FD ||
	       req == VHOST_USER_GET_MAX_MEM_SLOTS;
}

/* Runs the handler if the message is shaped as its request allows. */
static enum h_result dispatch(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	const struct handler *h = m->hdr.request < VHOST_USER_MAX_REQUEST ?
				  &handlers[m->hdr.request] : NULL;

	if ((m->hdr.flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
	    (m->hdr.flags & VHOST_USER_REPLY))
		return fail(d, "bad header flags");
	if (!h || !h->fn)
		return fail(d, "unknown request");
	if (m->hdr.size < h->min_size || m->hdr.size > h->max_size)
		return fail(d, "payload size wrong for the request");
	if (m->nfds > h->max_fds)
		return fail(d, "fds where none are expected");
	return h->fn(d, m, r);
}

enum vu_handled vu_msg_handle(struct vu_dev *d, struct vu_msg *m, struct vu_msg *r)
{
	enum h_result res;
	bool ack;

	memset(&r->hdr, 0, sizeof(r->hdr));
	r->nfds = 0;
	d->err[0] = 0;
	/* Bytes beyond the payload read as zero, never as an older message. */
	if (m->hdr.size < sizeof(m->p))
		memset(m->p.bytes + m->hdr.size, 0, sizeof(m->p) - m->hdr.size);
	res = dispatch(d, m, r);
	vu_msg_close_fds(m);
	if (res == H_FATAL)
		return VU_FATAL;
	r->hdr.request = m->hdr.request;
	r->hdr.flags = VHOST_USER_VERSION | VHOST_USER_REPLY;
	if (res == H_REPLY)
		return VU_REPLY;
	ack = (d->protocol_features & BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK)) &&
	      (m->hdr.flags & VHOST_USER_NEED_REPLY);
	/* A failed GET must still answer: the front-end is waiting for it. */
	if (!ack && !(res == H_ERR && has_reply(m->hdr.request)))
		return VU_NO_REPLY;
	reply_u64(r, res == H_OK ? 0 : 1);
	return VU_REPLY;
}

void vu_msg_close_fds(struct vu_msg *m)
{
	for (unsigned int i = 0; i < m->nfds; i++)
		close_fd(&m->fds[i]);
	m->nfds = 0;
}

/* The fds riding on a received header. */
static int collect_fds(struct msghdr *mh, struct vu_msg *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (m->nfds < VHOST_MEMORY_BASELINE_NREGIONS)
				m->fds[m->nfds++] = fd;
			else
				close(fd);
		}
	}
	return (mh->msg_flags & MSG_CTRUNC) ? -1 : 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (uint8_t *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int vu_msg_recv(int fd, struct vu_msg *m)
{
	char control[CMSG_SPACE(VHOST_MEMORY_BASELINE_NREGIONS * sizeof(int))];
	struct iovec iov = { &m->hdr, sizeof(m->hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control) };
	ssize_t n;

	m->nfds = 0;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m->hdr) || collect_fds(&mh, m) < 0 ||
	    m->hdr.size > VU_MAX_PAYLOAD || (m->hdr.size && read_full(fd, &m->p, m->hdr.size))) {
		/* A header we cannot trust: the stream cannot be re-framed. */
		vu_msg_close_fds(m);
		return -1;
	}
	return 0;
}

int vu_msg_send(int fd, const struct vu_msg *m)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov[2] = { { (void *)&m->hdr, sizeof(m->hdr) },
				{ (void *)&m->p, m->hdr.size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	if (m->nfds) {
		struct cmsghdr *c;

		mh.msg_control = control;
		mh.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &m->fds[0], sizeof(int));
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)(sizeof(m->hdr) + m->hdr.size) ? 0 : -1;
}
