// SPDX-License-Identifier: Apache-2.0
/*
 * mayastor-vhost: serves one block device or file to one vhost-user-blk
 * front-end at a time over a unix socket.  One thread waits in epoll on the
 * listening or connected socket, each running queue's kick fd and io_uring
 * fd, and a signalfd; it does nothing else while nothing happens.  When a
 * front-end goes away, everything of its connection is dropped and the next
 * one is accepted.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "blk_io.h"
#include "vu_dev.h"

static const char usage_text[] =
"Usage: mayastor-vhost --socket PATH --device DEV [--queues N] [--read-only]\n"
"                      [--serial ID] [--sched auto|batch|normal]\n"
"\n"
"Serve the block device or regular file DEV as a vhost-user-blk device on the\n"
"unix socket PATH, to one front-end (QEMU, Firecracker, Cloud Hypervisor) at a\n"
"time.  DEV is opened with O_DIRECT; IO goes through io_uring, one ring per\n"
"virtqueue.  When the front-end disconnects, the next connection is served.\n"
"\n"
"Options:\n"
"  -s, --socket PATH   listen on PATH (a stale socket there is replaced)\n"
"  -d, --device DEV    the block device or file to serve\n"
"  -q, --queues N      virtqueues offered, 1 to 16 (default 1)\n"
"  -r, --read-only     open DEV read-only and offer VIRTIO_BLK_F_RO\n"
"  -i, --serial ID     the GET_ID answer, up to 20 bytes (default: DEV's name)\n"
"      --sched POLICY  auto (default): SCHED_BATCH while a queue is kept 4 or\n"
"                      more requests deep, SCHED_OTHER otherwise; batch or\n"
"                      normal: always that policy (see docs/vhost-user.md)\n"
"  -h, --help          this text\n"
"\n"
"Offered: VERSION_1 SIZE_MAX SEG_MAX BLK_SIZE TOPOLOGY FLUSH CONFIG_WCE MQ\n"
"EVENT_IDX INDIRECT_DESC, DISCARD WRITE_ZEROES (or RO); protocol features MQ\n"
"REPLY_ACK CONFIG CONFIGURE_MEM_SLOTS INFLIGHT_SHMFD.  See docs/vhost-user.md.\n"
"\n"
"Exit status: 0 after SIGTERM or SIGINT, 1 on an error, 2 on a usage error.\n";

struct options {
	const char *socket;
	const char *device;
	const char *serial;
	unsigned int queues;
	int policy;		/* SCHED_BATCH, SCHED_OTHER or SCHED_AUTO */
	bool ro;
};

/* --sched auto: the server follows its queues' depth (see follow_depth()). */
#define SCHED_AUTO		(-1)
#define SCHED_DEEP		4	/* in flight on a queue after a kick */
#define SCHED_SHALLOW_RUN	64	/* shallow events before SCHED_OTHER again */

struct sched_ctl {
	int mode;		/* the option */
	int policy;		/* the one set */
	unsigned int shallow;	/* events since a queue was SCHED_DEEP */
};

/* Everything of one server process; main() owns it. */
struct server {
	int epfd, lfd, sfd, cfd;
	struct blk_io io;
	struct vu_dev dev;
	struct vu_msg msg, reply;
	struct sched_ctl sched;
};

/* epoll tags: what fired, and for which queue. */
enum { EV_LISTEN, EV_SIGNAL, EV_CONN, EV_KICK, EV_RING };
#define TAG(kind, q) ((uint64_t)(kind) << 32 | (q))

static void logmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mayastor-vhost: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "mayastor-vhost: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see --help)\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "queues", required_argument, NULL, 'q' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "serial", required_argument, NULL, 'i' },
		{ "sched", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	*o = (struct options){ .queues = 1, .policy = SCHED_AUTO };
	while ((c = getopt_long(argc, argv, "s:d:q:ri:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'd': o->device = optarg; break;
		case 'r': o->ro = true; break;
		case 'i': o->serial = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'P':
			if (!strcmp(optarg, "auto"))
				o->policy = SCHED_AUTO;
			else if (!strcmp(optarg, "batch"))
				o->policy = SCHED_BATCH;
			else if (!strcmp(optarg, "normal"))
				o->policy = SCHED_OTHER;
			else
				return usage_error("--sched %s: not 'auto', 'batch' or 'normal'", optarg);
			break;
		case 'q':
			o->queues = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || o->queues < 1 || o->queues > VU_MAX_QUEUES)
				return usage_error("--queues %s: not a number from 1 to 16", optarg);
			break;
		default:
			return usage_error("%s", "unknown option");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument %s", argv[optind]);
	if (!o->socket || !o->device)
		return usage_error("%s", "--socket and --device are required");
	if (strlen(o->socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return usage_error("--socket %s: path too long", o->socket);
	if (o->serial && strlen(o->serial) > VIRTIO_BLK_ID_BYTES)
		return usage_error("--serial %s: longer than 20 bytes", o->serial);
	return -1;
}

/*
 * The scheduling policy.  Under SCHED_OTHER a wakeup of the server (a
 * completion an io-wq worker posts, a kick) may preempt the task that made
 * it; under SCHED_BATCH it does not (sched(7)), so on a busy CPU
 * completions gather while the worker runs and go back with one interrupt.
 * Measured on one vCPU (docs/benchmarks.md, the vhost suite): at QD32
 * SCHED_BATCH serves 1.5x the reads on 6.1 and 1.5x the writes on 6.12,
 * while at QD1 on 6.1 it serves 10% fewer.  So --sched auto runs
 * SCHED_BATCH while a kick leaves a queue SCHED_DEEP requests deep, and
 * SCHED_OTHER again after SCHED_SHALLOW_RUN kicks and completions without
 * that: a steady workload costs no system call.  It is the server
 * thread's: io-wq workers are not changed with it (the benchmark logs
 * theirs).  Failing to set it costs speed only.
 */
static void set_policy(struct sched_ctl *sc, int policy)
{
	struct sched_param sp = { 0 };

	if (sc->policy == policy)
		return;
	if (sched_setscheduler(0, policy, &sp) < 0) {
		logmsg("cannot run as %s: %s; going on as it is",
		       policy == SCHED_BATCH ? "SCHED_BATCH" : "SCHED_OTHER", strerror(errno));
		sc->mode = policy;	/* not auto: never tried again */
		return;
	}
	sc->policy = policy;
}

static void follow_depth(struct sched_ctl *sc, unsigned int depth)
{
	if (sc->mode != SCHED_AUTO)
		return;
	if (depth >= SCHED_DEEP) {
		sc->shallow = 0;
		set_policy(sc, SCHED_BATCH);
	} else if (sc->policy == SCHED_BATCH && ++sc->shallow >= SCHED_SHALLOW_RUN) {
		set_policy(sc, SCHED_OTHER);
	}
}

static void epoll_add_events(struct server *s, int fd, uint64_t tag, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void epoll_add(struct server *s, int fd, uint64_t tag)
{
	epoll_add_events(s, fd, tag, EPOLLIN);
}

static void epoll_del(struct server *s, int fd)
{
	if (fd >= 0)
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* vu_dev_ops: a running queue is watched on its kick and ring fds. */
static int op_queue_start(struct vu_dev *d, unsigned int qi)
{
	struct server *s = d->io;
	int ring_fd = blk_io_queue_start(&s->io, qi);

	if (ring_fd < 0) {
		logmsg("queue %u: io_uring setup failed: %s", qi, strerror(-ring_fd));
		return ring_fd;
	}
	/*
	 * Edge-triggered: every write to an eventfd wakes its waiters, so each
	 * kick is reported once without a read() to reset the counter (one
	 * syscall less per kick; 2^64 kicks would be needed to fill it).
	 */
	epoll_add_events(s, d->q[qi].kick_fd, TAG(EV_KICK, qi), EPOLLIN | EPOLLET);
	epoll_add(s, ring_fd, TAG(EV_RING, qi));
	/* INFLIGHT_SHMFD at work: worth a line (tests look for it). */
	if (d->q[qi].vq.nresubmit)
		logmsg("queue %u: resubmitting %u requests left in flight", qi,
		       d->q[qi].vq.nresubmit);
	/* The driver may have queued requests before the kick fd came. */
	blk_io_kick(&s->io, qi);
	return 0;
}

static void op_queue_stop(struct vu_dev *d, unsigned int qi)
{
	struct server *s = d->io;
	epoll_del(s, d->q[qi].kick_fd);
	epoll_del(s, blk_io_ring_fd(&s->io, qi));
	blk_io_queue_stop(&s->io, qi);
}

static void op_drain(struct vu_dev *d)
{
	blk_io_drain(&((struct server *)d->io)->io);
}

static const struct vu_dev_ops server_ops = {
	.queue_start = op_queue_start,
	.queue_stop = op_queue_stop,
	.drain = op_drain,
};

/* A stale socket file is replaced; anything else at PATH is left alone. */
static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void conn_close(struct server *s)
{
	vu_dev_reset(&s->dev);
	epoll_del(s, s->cfd);
	close(s->cfd);
	s->cfd = -1;
	epoll_add(s, s->lfd, TAG(EV_LISTEN, 0));
	logmsg("front-end disconnected; waiting for the next");
}

static void conn_accept(struct server *s)
{
	s->cfd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s->cfd < 0)
		return;
	/* One front-end at a time: others wait in the backlog. */
	epoll_del(s, s->lfd);
	epoll_add(s, s->cfd, TAG(EV_CONN, 0));
	logmsg("front-end connected");
}

/* One message from the front-end; false when the connection must end. */
static bool conn_message(struct server *s)
{
	enum vu_handled h;
	int ret = 0;

	if (vu_msg_recv(s->cfd, &s->msg) < 0)
		return false;
	h = vu_msg_handle(&s->dev, &s->msg, &s->reply);
	if (s->dev.err[0])
		logmsg("refused %s: %s", vu_msg_name(s->msg.hdr.request), s->dev.err);
	if (h == VU_FATAL)
		return false;
	if (h == VU_REPLY)
		ret = vu_msg_send(s->cfd, &s->reply);
	vu_msg_close_fds(&s->reply);
	return ret == 0;
}

/* Handles one epoll event; false when the server should exit. */
static bool dispatch(struct server *s, uint64_t tag)
{
	unsigned int qi = (uint32_t)tag;

	switch (tag >> 32) {
	case EV_SIGNAL:
		return false;
	case EV_LISTEN:
		if (s->cfd < 0)
			conn_accept(s);
		break;
	case EV_CONN:
		if (s->cfd >= 0 && !conn_message(s))
			conn_close(s);
		break;
	case EV_KICK:
		if (s->dev.q[qi].running)
			follow_depth(&s->sched, blk_io_kick(&s->io, qi));
		break;
	case EV_RING:
		if (s->dev.q[qi].running)
			blk_io_complete(&s->io, qi);
		follow_depth(&s->sched, 0);
		break;
	}
	return true;
}

static int serve(struct server *s)
{
	for (;;) {
		struct epoll_event ev[16];
		int n = epoll_wait(s->epfd, ev, 16, -1);
		int cfd = s->cfd;

		if (n < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < n; i++) {
			if (!dispatch(s, ev[i].data.u64))
				return 0;
			/* A new or closed connection makes the rest of ev stale. */
			if (s->cfd != cfd)
				break;
		}
	}
}

static int setup(struct server *s, const struct options *o)
{
	sigset_t mask;

	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->lfd = listen_on(o->socket);
	if (s->epfd < 0 || s->lfd < 0) {
		logmsg("%s: cannot listen: %s", o->socket, strerror(errno));
		return -1;
	}
	/* A call fd may be a pipe without a reader: EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	epoll_add(s, s->sfd, TAG(EV_SIGNAL, 0));
	epoll_add(s, s->lfd, TAG(EV_LISTEN, 0));
	return 0;
}

int main(int argc, char **argv)
{
	struct server *s;
	struct options o;
	struct blk_geom g = { 0 };
	const char *why, *base;
	int ret = parse_args(argc, argv, &o);

	if (ret >= 0)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return 1;
	s->cfd = s->lfd = s->epfd = s->sfd = -1;
	why = blk_io_open(&s->io, o.device, o.ro, &g);
	if (why) {
		if (errno)
			logmsg("%s: %s: %s", o.device, why, strerror(errno));
		else
			logmsg("%s: %s", o.device, why);
		free(s);
		return 1;
	}
	base = strrchr(o.device, '/');
	base = o.serial ? o.serial : base ? base + 1 : o.device;
	/* NUL-padded, not terminated: 20 bytes is a full serial. */
	memcpy(g.serial, base, strnlen(base, sizeof(g.serial)));
	vu_dev_init(&s->dev, &server_ops, s, &g, o.queues);
	s->io.dev = &s->dev;
	s->io.log = logmsg;
	/* Set once whatever the policy inherited: none is "already set". */
	s->sched = (struct sched_ctl){ .mode = o.policy, .policy = SCHED_AUTO };
	set_policy(&s->sched, o.policy == SCHED_AUTO ? SCHED_OTHER : o.policy);
	ret = setup(s, &o) < 0 ? 1 : serve(s);
	if (s->cfd >= 0)
		vu_dev_reset(&s->dev);
	blk_io_close(&s->io);
	for (int *fd = &s->epfd; fd <= &s->cfd; fd++)
		if (*fd >= 0)
			close(*fd);
	if (s->lfd >= 0 || ret == 0)
		unlink(o.socket);
	free(s);
	return ret;
}
