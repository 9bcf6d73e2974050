// SPDX-License-Identifier: Apache-2.0
/*
 * mayastor-agent: the node daemon.  At start it brings back the pools and
 * nexuses of its configuration (agent_restore.h), then follows the kernel's
 * events and keeps the configuration in step with what the node has
 * (agent_record.h), until SIGTERM or SIGINT.  SIGHUP re-reads the node.
 * Meanwhile it brings lost remote children back (reconnect.h) and keeps
 * published nexuses served (publish.h).  It sleeps in poll() until an
 * event, a signal or the next thing due.  It logs one line per action to
 * stderr (the journal, under systemd).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <libnexus.h>

#include "agent_record.h"
#include "agent_restore.h"
#include "iscsi_host.h"
#include "nvmf_host.h"
#include "publish.h"
#include "reconnect.h"
#include "replica.h"

#define PROG "mayastor-agent"

struct daemon {
	const char *state_file;
	bool restore, follow;
	struct nexus_handle *req;	/* requests */
	struct nexus_handle *ev;	/* events only */
	struct supervisor sv;		/* the published nexuses' servers */
	long long last_pass_ms;		/* of supervise_shares(), monotonic */
	struct reconnector rc;		/* lost remote children */
};

/* How often the servers of published nexuses are looked at (ms). */
#define SUPERVISE_INTERVAL_MS 1000

static const struct child_resolvers daemon_resolvers = {
	.lvol = replica_resolve_lvol,
	.nvmf = nvmf_host_resolve,
	.iscsi = iscsi_host_resolve,
};

static void logf_(const char *level, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s", PROG, level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void restore_say(void *ctx, enum restore_level level, const char *msg)
{
	static const char *const prefix[] = {
		[RESTORE_INFO] = "", [RESTORE_WARNING] = "warning: ",
		[RESTORE_ERROR] = "error: ",
	};

	(void)ctx;
	logf_(prefix[level], "%s", msg);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [--state-file FILE] [--restore-only | --no-restore]\n"
		"       [--reconnect on|off] [--reconnect-delay S]\n"
		"       [--reconnect-max-delay S] [--reconnect-give-up S]\n"
		"\n"
		"The mayastor node daemon.  At start it restores the pools and nexuses\n"
		"recorded in its state file: pools are imported (image files attached\n"
		"to loop devices again) and their replicas' NVMe-oF shares re-created;\n"
		"every recorded nexus that is not running is assembled again from the\n"
		"children that can be found (nvmf:// children connected and iscsi://\n"
		"children logged in first).  It then follows nexus.ko's events and\n"
		"records every nexus created, changed or destroyed, until SIGTERM.\n"
		"SIGHUP records the whole node again and tries again the lost\n"
		"children it gave up on.\n"
		"\n"
		"Lost remote children: an nvmf:// or iscsi:// child that faulted on an\n"
		"IO error (its target went) or is missing since assembly (its target\n"
		"was down at boot) is reconnected and brought back, as 'mayastor-client\n"
		"child online' does, with a backoff; only the regions written while it\n"
		"was away are copied.  Never a child removed on purpose, nor one\n"
		"faulted with 'child fault'.  One line per attempt:\n"
		"  reconnect NEXUS member UUID (URI): attempt N failed: WHY; next in S s\n"
		"\n"
		"Published nexuses (mayastor-client nexus publish): after restoring\n"
		"the nexuses it starts a mayastor-vhost server for every publication\n"
		"whose server is not running (after a reboot), and then looks every\n"
		"second for servers that died, starting them again after 0, 1, 2, 4\n"
		"... 60 s (the delay resets once a server has run 60 s).  Servers run\n"
		"detached: stopping the agent leaves them serving.\n"
		"\n"
		"Options:\n"
		"  --state-file FILE  the state file (default $MAYASTOR_STATE_FILE or\n"
		"                     " AGENT_STATE_FILE "); mayastor-client records\n"
		"                     into the same file\n"
		"  --restore-only     restore, record the node, and exit\n"
		"  --no-restore       only follow events\n"
		"  --reconnect on|off bring lost remote children back (default on)\n"
		"  --reconnect-delay S\n"
		"                     the first attempt S seconds after the child is\n"
		"                     lost, then after 2 S, 4 S ... (default %d, 1-%d)\n"
		"  --reconnect-max-delay S\n"
		"                     at most S seconds between attempts (default %d)\n"
		"  --reconnect-give-up S\n"
		"                     stop trying S seconds after it was lost\n"
		"                     (default %d: never)\n"
		"  -h, --help         this text\n"
		"\n"
		"Exit status: 0 after SIGTERM/SIGINT (or a complete --restore-only),\n"
		"1 when something could not be restored (--restore-only) or the\n"
		"kernel module is not loaded, 2 on bad usage.\n",
		RECONNECT_DEFAULT_DELAY, RECONNECT_DELAY_MAX,
		RECONNECT_DEFAULT_MAX_DELAY, RECONNECT_DEFAULT_GIVE_UP);
}

/* --reconnect*: the long option's name says which. */
static int reconnect_option(struct daemon *d, const char *option,
			    const char *value)
{
	char why[200];

	if (!reconnect_policy_set(&d->rc.policy, option, value, why, sizeof(why)))
		return 0;
	fprintf(stderr, PROG ": %s\n", why);
	return 2;
}

static int parse_args(struct daemon *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-file", required_argument, NULL, 's' },
		{ "restore-only", no_argument, NULL, 'r' },
		{ "no-restore", no_argument, NULL, 'n' },
		{ "reconnect", required_argument, NULL, 'R' },
		{ "reconnect-delay", required_argument, NULL, 'R' },
		{ "reconnect-max-delay", required_argument, NULL, 'R' },
		{ "reconnect-give-up", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char why[200];
	int c, i;

	while ((c = getopt_long(argc, argv, "h", opts, &i)) != -1) {
		switch (c) {
		case 's': d->state_file = optarg; break;
		case 'r': d->follow = false; break;
		case 'n': d->restore = false; break;
		case 'R':
			if (reconnect_option(d, opts[i].name, optarg))
				return 2;
			break;
		case 'h': usage(stdout); exit(0);
		default:
			fprintf(stderr, "Try '" PROG " --help'.\n");
			return 2;
		}
	}
	if (reconnect_policy_check(&d->rc.policy, why, sizeof(why))) {
		fprintf(stderr, PROG ": %s\n", why);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!d->restore && !d->follow) {
		fprintf(stderr, PROG ": --restore-only and --no-restore exclude each other\n");
		return 2;
	}
	return 0;
}

static int open_handles(struct daemon *d)
{
	int rc = nexus_open(&d->req);

	if (!rc && d->follow) {
		rc = nexus_open(&d->ev);
		if (!rc)
			rc = nexus_subscribe(d->ev);
	}
	if (rc == -ENOENT)
		logf_("error: ", "nexus.ko is not loaded (modprobe nexus)");
	else if (rc)
		logf_("error: ", "cannot open the nexus netlink family: %s",
		      strerror(-rc));
	return rc;
}

static void record_node(struct daemon *d)
{
	char err[1024];

	if (record_all(d->req, d->state_file, err, sizeof(err)))
		logf_("error: ", "recording the node in %s: %s", d->state_file, err);
}

static unsigned int restore(struct daemon *d)
{
	const struct restore_log log = { .say = restore_say };
	struct agent_state s;
	unsigned int failed;
	char err[1024];

	if (agent_state_load(d->state_file, &s, err, sizeof(err))) {
		logf_("error: ", "%s", err);
		return 1;
	}
	logf_("", "restoring %zu pools and %zu nexuses from %s", s.n_pools,
	      s.n_nexuses, d->state_file);
	failed = restore_pools(&s, &log);
	failed += restore_nexuses(d->req, &s, &daemon_resolvers, &log);
	agent_state_free(&s);
	return failed;
}

/*
 * A nexus destroyed behind the CLI's back (netlink, with force) while
 * published: its server serves nothing any more.
 */
static void unpublish_destroyed(struct daemon *d, const char *name)
{
	char err[1024];
	int rc = unpublish_nexus(d->state_file, name, err, sizeof(err));

	if (rc == 0)
		logf_("warning: ", "nexus %s was destroyed while published: "
		      "stopped its mayastor-vhost", name);
	else if (rc != -ENOENT)
		logf_("error: ", "unpublishing destroyed nexus %s: %s", name, err);
}

static void on_event(struct daemon *d, const struct nexus_event *e)
{
	char err[1024];
	int rc;

	switch (e->type) {
	case NEXUS_EVENT_NEXUS_CREATED:
	case NEXUS_EVENT_CHILD_ADDED:
	case NEXUS_EVENT_CHILD_REMOVED:
		rc = record_nexus(d->req, d->state_file, e->name, err, sizeof(err));
		/* Gone again already: its DESTROYED event follows. */
		if (rc && rc != -ENOENT)
			logf_("error: ", "recording nexus %s: %s", e->name, err);
		break;
	case NEXUS_EVENT_NEXUS_DESTROYED:
		unpublish_destroyed(d, e->name);
		if (forget_nexus(d->state_file, e->name, err, sizeof(err)))
			logf_("error: ", "forgetting nexus %s: %s", e->name, err);
		break;
	default:
		break;
	}
	/* A child lost, back or gone: which ones to reconnect may change. */
	if (e->type == NEXUS_EVENT_CHILD_STATE || e->type == NEXUS_EVENT_CHILD_ADDED ||
	    e->type == NEXUS_EVENT_CHILD_REMOVED || e->type == NEXUS_EVENT_NEXUS_CREATED ||
	    e->type == NEXUS_EVENT_NEXUS_DESTROYED)
		reconnect_rescan(&d->rc);
}

static void read_events(struct daemon *d)
{
	struct nexus_event e;
	int rc;

	while ((rc = nexus_event_read(d->ev, &e)) == 0) {
		on_event(d, &e);
		nexus_event_free(&e);
	}
	if (rc == -ENOBUFS) {
		logf_("warning: ", "events were lost: recording the whole node");
		record_node(d);
		reconnect_rescan(&d->rc);
	} else if (rc != -EAGAIN) {
		logf_("error: ", "reading events: %s", strerror(-rc));
	}
}

static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A supervision pass at most every SUPERVISE_INTERVAL_MS, events or not. */
static void supervise_due(struct daemon *d)
{
	long long now = now_ms();

	if (now - d->last_pass_ms < SUPERVISE_INTERVAL_MS)
		return;
	d->last_pass_ms = now;
	supervise_shares(&d->sv);
}

/* How long poll() may sleep: until the next supervision pass or reconnect. */
static int poll_timeout(const struct daemon *d)
{
	long long now = now_ms();
	long long next = d->last_pass_ms + SUPERVISE_INTERVAL_MS;
	long long rc_next = reconnect_next_due(&d->rc);

	if (rc_next >= 0 && rc_next < next)
		next = rc_next;
	return next <= now ? 0 : (int)(next - now);
}

static void log_policy(const struct daemon *d)
{
	const struct reconnect_policy *p = &d->rc.policy;
	char give_up[48] = "never giving up";

	if (!p->enabled) {
		logf_("", "reconnecting lost remote children: off");
		return;
	}
	if (p->give_up_s)
		snprintf(give_up, sizeof(give_up), "giving up after %u s", p->give_up_s);
	logf_("", "reconnecting lost remote children: first attempt after %u s, "
	      "then up to every %u s, %s", p->delay_s, p->max_delay_s, give_up);
}

/* SIGHUP: the whole node recorded again, and every lost child tried again. */
static void on_sighup(struct daemon *d)
{
	record_node(d);
	reconnect_reset(&d->rc);
}

/* Until SIGTERM/SIGINT; returns 0. */
static int follow(struct daemon *d)
{
	struct pollfd fds[2] = {
		{ .fd = signal_fd(), .events = POLLIN },
		{ .fd = nexus_event_fd(d->ev), .events = POLLIN },
	};
	struct signalfd_siginfo si;
	int n;

	if (fds[0].fd < 0 || fcntl(fds[1].fd, F_SETFL, O_NONBLOCK)) {
		logf_("error: ", "cannot set up signals and events: %s", strerror(errno));
		return 1;
	}
	logf_("", "following nexus events");
	log_policy(d);
	for (;;) {
		reconnect_run(&d->rc, now_ms());
		n = poll(fds, 2, poll_timeout(d));
		if (n < 0 && errno != EINTR)
			break;
		supervise_due(d);
		if (n <= 0)
			continue;
		if (fds[1].revents)
			read_events(d);
		if (fds[0].revents && read(fds[0].fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGHUP)
				break;
			on_sighup(d);
		}
	}
	close(fds[0].fd);
	logf_("", "exiting");
	return 0;
}

int main(int argc, char **argv)
{
	struct daemon d = { .restore = true, .follow = true };
	unsigned int failed = 0;
	int rc;

	reconnect_policy_default(&d.rc.policy);
	rc = parse_args(&d, argc, argv);
	if (rc)
		return rc;
	if (!d.state_file)
		d.state_file = record_default_file();
	d.sv.state_file = d.state_file;
	d.sv.log.say = restore_say;
	d.rc.state_file = d.state_file;
	d.rc.resolvers = &daemon_resolvers;
	d.rc.log.say = restore_say;
	if (open_handles(&d)) {
		rc = 1;
	} else {
		d.rc.h = d.req;
		if (d.restore)
			failed = restore(&d);
		record_node(&d);
		supervise_shares(&d.sv);	/* publications after a reboot */
		rc = d.follow ? follow(&d) : failed != 0;
	}
	supervisor_free(&d.sv);
	reconnector_free(&d.rc);
	nexus_close(d.ev);
	nexus_close(d.req);
	return rc;
}
