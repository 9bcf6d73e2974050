// SPDX-License-Identifier: Apache-2.0
/*
 * The client's load generator (vhost-client bench, idle): keeps a fixed
 * number of requests in flight per queue at random aligned offsets, as
 * fast as the server completes them, and waits on the call eventfds the
 * way a guest driver waits for interrupts (nothing polls).  Figures go to
 * stdout as one JSON object.  See vc_bench.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vc_bench.h"

#define LAT_BUCKETS 100000u	/* 1 us each; the last one holds the rest */
#define VRING_USED_F_NO_NOTIFY 1	/* the device asks for no kicks (virtio 1.1, 2.6.8) */

struct bench {
	struct vc *c;
	const struct bench_opts *o;
	struct vc_req *req;	/* [queue * iodepth + slot] */
	uint64_t rng, nblocks, ios, errors, lat_sum_ns;
	uint64_t inflight;
	uint64_t qios[VC_MAX_Q];	/* per queue: a starved queue shows here */
	uint32_t *lat;		/* histogram, LAT_BUCKETS */
	uint64_t *sent_ns;	/* [queue * 1024 + head]: submission time */
	bool counting, stopping;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* utime + stime of a process, all its threads, in clock ticks; -1 if gone. */
long vc_proc_ticks(int pid)
{
	char path[64], buf[1024];
	unsigned long ut, st;
	const char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* The command name may hold spaces and parentheses: count from its end. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

static double self_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* xorshift64*: cheap, so the client's share of each IO stays small. */
static uint64_t next_sector(struct bench *b)
{
	b->rng ^= b->rng >> 12;
	b->rng ^= b->rng << 25;
	b->rng ^= b->rng >> 27;
	return (b->rng * 2685821657736338717ull >> 11) % b->nblocks * (b->o->bs / 512);
}

/* Points an idle slot's request at a new random offset and makes it available. */
static void requeue(struct bench *b, unsigned int qi, const struct vc_req *r, uint64_t t)
{
	struct vc_queue *q = &b->c->q[qi];
	uint64_t sector = next_sector(b);

	memcpy(vc_ptr(b->c, r->hdr_gpa + 8), &sector, 8);
	vc_ptr(b->c, r->status_gpa)[0] = 0xff;
	memcpy(vc_ptr(b->c, q->avail_gpa + 4 + 2 * (q->avail_idx % q->num)), &r->head, 2);
	q->avail_idx++;
	b->sent_ns[qi * 1024u + r->head] = t;
	b->inflight++;
}

static uint16_t load16(struct vc *c, uint64_t gpa)
{
	return __atomic_load_n((uint16_t *)(void *)vc_ptr(c, gpa), __ATOMIC_ACQUIRE);
}

/*
 * Publishes what requeue() queued and kicks only when the device asked for
 * it (avail_event with EVENT_IDX, else the used ring's NO_NOTIFY flag), as
 * Linux's virtqueue_kick_prepare() does.
 */
static void publish(struct bench *b, unsigned int qi, uint16_t old)
{
	struct vc_queue *q = &b->c->q[qi];
	uint16_t ev;

	if (q->avail_idx == old)
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n((uint16_t *)(void *)vc_ptr(b->c, q->avail_gpa + 2), q->avail_idx,
			 __ATOMIC_RELAXED);
	/* Our idx store before our read of the device's avail_event or flags. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (b->c->features & BIT64(VIRTIO_RING_F_EVENT_IDX)) {
		ev = load16(b->c, q->used_gpa + 4 + 8u * q->num);
		if ((uint16_t)(q->avail_idx - ev - 1) >= (uint16_t)(q->avail_idx - old))
			return;
	} else if (load16(b->c, q->used_gpa) & VRING_USED_F_NO_NOTIFY) {
		return;
	}
	eventfd_write(q->kick, 1);
}

static void account(struct bench *b, unsigned int qi, uint16_t head, uint64_t t)
{
	uint64_t lat = t - b->sent_ns[qi * 1024u + head];
	uint64_t us = lat / 1000;

	b->ios++;
	b->qios[qi]++;
	b->lat_sum_ns += lat;
	b->lat[us < LAT_BUCKETS ? us : LAT_BUCKETS - 1]++;
}

/* Takes every new used entry of a queue, requeues its slot; how many were done. */
static unsigned int reap(struct bench *b, unsigned int qi, uint64_t t)
{
	struct vc_queue *q = &b->c->q[qi];
	uint16_t idx = load16(b->c, q->used_gpa + 2), old = q->avail_idx;
	unsigned int n = 0;

	for (; q->used_seen != idx; q->used_seen++, n++) {
		struct vring_used_elem_le e;
		const struct vc_req *r;

		memcpy(&e, vc_ptr(b->c, q->used_gpa + 4 + 8u * (q->used_seen % q->num)),
		       sizeof(e));
		if (e.id >= q->num || e.id % 4 || e.id / 4 >= b->o->iodepth) {
			b->errors++;	/* not a head we made available */
			continue;
		}
		r = &b->req[qi * b->o->iodepth + e.id / 4];
		b->inflight--;
		if (vc_ptr(b->c, r->status_gpa)[0] != VIRTIO_BLK_S_OK)
			b->errors++;
		else if (b->counting)
			account(b, qi, r->head, t);
		if (!b->stopping)
			requeue(b, qi, r, t);
	}
	publish(b, qi, old);
	/* EVENT_IDX: an interrupt at the next completion (virtqueue_enable_cb()). */
	memcpy(vc_ptr(b->c, q->avail_gpa + 4 + 2u * q->num), &q->used_seen, 2);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return n;
}

/* Sleeps on the call eventfds until one fires (or ms pass), then drains them. */
static void wait_calls(struct bench *b, int ms)
{
	struct pollfd pfd[VC_MAX_Q];
	eventfd_t v;

	for (unsigned int i = 0; i < b->c->nq; i++)
		pfd[i] = (struct pollfd){ .fd = b->c->q[i].call, .events = POLLIN };
	if (poll(pfd, b->c->nq, ms) <= 0)
		return;
	for (unsigned int i = 0; i < b->c->nq; i++)
		if (pfd[i].revents & POLLIN)
			eventfd_read(pfd[i].fd, &v);
}

/* Reaps every queue until nothing new is used, then sleeps for a call. */
static void run_until(struct bench *b, uint64_t end)
{
	for (;;) {
		uint64_t t = now_ns();
		unsigned int n = 0;

		if (t >= end || (b->stopping && !b->inflight))
			return;
		for (unsigned int qi = 0; qi < b->c->nq; qi++)
			n += reap(b, qi, t);
		/* Re-checked after used_event moved: a completion may have raced it. */
		if (!n)
			wait_calls(b, 100);
	}
}

/* Lays out iodepth requests per queue, each with its own buffer, all in flight. */
static int start(struct bench *b)
{
	uint32_t type = b->o->write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	uint64_t t = now_ns();

	for (unsigned int qi = 0; qi < b->c->nq; qi++) {
		uint16_t old = b->c->q[qi].avail_idx;

		for (unsigned int s = 0; s < b->o->iodepth; s++) {
			struct vc_req *r = &b->req[qi * b->o->iodepth + s];
			uint64_t gpa = vc_alloc(b->c, b->o->bs, 4096);

			memset(vc_ptr(b->c, gpa), 0x5a, b->o->bs);
			if (vc_prepare(b->c, qi, type, 0, gpa, b->o->bs, r) < 0)
				return -1;
			requeue(b, qi, r, t);
		}
		publish(b, qi, old);
	}
	return 0;
}

static double p99_us(const struct bench *b)
{
	uint64_t want = b->ios - b->ios / 100, seen = 0;

	for (unsigned int i = 0; i < LAT_BUCKETS; i++) {
		seen += b->lat[i];
		if (seen >= want && seen)
			return i + 0.5;
	}
	return 0;
}

static void report(const struct bench *b, double secs, long ticks, double client_cpu)
{
	double hz = (double)sysconf(_SC_CLK_TCK), iops = b->ios / secs;

	printf("{\"rw\":\"%s\",\"bs\":%u,\"iodepth\":%u,\"queues\":%u,\"seconds\":%.3f,"
	       "\"ios\":%llu,\"errors\":%llu,\"iops\":%.1f,\"mib_s\":%.2f,"
	       "\"lat_mean_us\":%.1f,\"lat_p99_us\":%.1f,\"client_cpu_us_per_io\":%.2f",
	       b->o->write ? "randwrite" : "randread", b->o->bs, b->o->iodepth, b->c->nq, secs,
	       (unsigned long long)b->ios, (unsigned long long)b->errors, iops,
	       iops * b->o->bs / 1048576.0, b->ios ? b->lat_sum_ns / 1e3 / b->ios : 0.0,
	       p99_us(b), b->ios ? client_cpu * 1e6 / b->ios : 0.0);
	printf(",\"ios_per_queue\":[");
	for (unsigned int i = 0; i < b->c->nq; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)b->qios[i]);
	printf("]");
	if (b->o->pid > 0)
		printf(",\"server_pid\":%d,\"server_ticks\":%ld,\"server_cpu_us_per_io\":%.2f",
		       b->o->pid, ticks, b->ios && ticks >= 0 ? ticks / hz * 1e6 / b->ios : -1.0);
	printf("}\n");
}

static int check_opts(const struct vc *c, const struct bench_opts *o, uint64_t *nblocks)
{
	uint64_t bytes = c->cfg.capacity * 512;

	if (o->bs < 512 || o->bs % 512 || o->bs > (1u << 20) || !o->iodepth ||
	    o->iodepth > c->q[0].num / 4u || o->seconds <= 0 ||
	    (uint64_t)o->bs * o->iodepth * c->nq > VC_MEM_SIZE - (4u << 20) || bytes < o->bs) {
		fprintf(stderr, "vhost-client: bench: bad --bs, --iodepth (at most qsize/4 = %u), "
			"--seconds or device size\n", c->q[0].num / 4u);
		return -1;
	}
	*nblocks = bytes / o->bs;
	return 0;
}

int vc_bench(struct vc *c, const struct bench_opts *o)
{
	struct bench b = { .c = c, .o = o, .rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() };
	uint64_t t0, t1;
	long k0, k1;
	double cpu0;
	int ret = 1;

	if (check_opts(c, o, &b.nblocks) < 0)
		return 2;
	b.req = calloc((size_t)c->nq * o->iodepth, sizeof(*b.req));
	b.lat = calloc(LAT_BUCKETS, sizeof(*b.lat));
	b.sent_ns = calloc((size_t)c->nq * 1024, sizeof(*b.sent_ns));
	if (!b.req || !b.lat || !b.sent_ns || start(&b) < 0)
		goto out;
	run_until(&b, now_ns() + (uint64_t)(o->ramp * 1e9));
	b.counting = true;
	k0 = o->pid > 0 ? vc_proc_ticks(o->pid) : 0;
	cpu0 = self_cpu_s();
	t0 = now_ns();
	run_until(&b, t0 + (uint64_t)(o->seconds * 1e9));
	t1 = now_ns();
	k1 = o->pid > 0 ? vc_proc_ticks(o->pid) : 0;
	report(&b, (t1 - t0) / 1e9, k0 < 0 || k1 < 0 ? -1 : k1 - k0, self_cpu_s() - cpu0);
	/* Let what is in flight finish, so the next job starts on a quiet server. */
	b.counting = false;
	b.stopping = true;
	run_until(&b, now_ns() + 10 * 1000000000ull);
	if (b.inflight)
		fprintf(stderr, "vhost-client: bench: %llu requests never completed\n",
			(unsigned long long)b.inflight);
	ret = b.errors || !b.ios || b.inflight ? 1 : 0;
	if (b.errors)
		fprintf(stderr, "vhost-client: bench: %llu requests failed\n",
			(unsigned long long)b.errors);
out:
	free(b.req);
	free(b.lat);
	free(b.sent_ns);
	return ret;
}

int vc_idle(struct vc *c, const struct bench_opts *o)
{
	struct timespec ts = { (time_t)o->seconds,
			       (long)((o->seconds - (double)(time_t)o->seconds) * 1e9) };
	double hz = (double)sysconf(_SC_CLK_TCK);
	uint64_t t0, gpa = vc_alloc(c, 4096, 4096);
	long k0, k1;

	/* One request per queue first, so that every queue is live. */
	for (unsigned int qi = 0; qi < c->nq; qi++)
		if (vc_do(c, qi, VIRTIO_BLK_T_IN, 0, gpa, 4096) != 0) {
			fprintf(stderr, "vhost-client: idle: a read on queue %u failed\n", qi);
			return 1;
		}
	k0 = vc_proc_ticks(o->pid);
	t0 = now_ns();
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	k1 = vc_proc_ticks(o->pid);
	if (k0 < 0 || k1 < 0) {
		fprintf(stderr, "vhost-client: idle: cannot read /proc/%d/stat\n", o->pid);
		return 1;
	}
	printf("{\"idle_seconds\":%.3f,\"server_pid\":%d,\"server_ticks\":%ld,"
	       "\"server_cpu_pct\":%.3f}\n", (now_ns() - t0) / 1e9, o->pid, k1 - k0,
	       (k1 - k0) / hz / ((now_ns() - t0) / 1e9) * 100);
	return 0;
}
