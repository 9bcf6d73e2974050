// SPDX-License-Identifier: Apache-2.0
/*
 * mayastor-agent's supervision of the mayastor-vhost servers (publish.h).
 * Each pass reads the state file (the CLI may have published or
 * unpublished meanwhile); a server that is not running is started again
 * under the state file's lock, after checking once more that the share is
 * still recorded and its server still gone.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent_record.h"
#include "publish.h"
#include "vhost_proc.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

unsigned int supervise_delay(unsigned int restarts)
{
	if (restarts == 0)
		return 0;
	if (restarts > 6)
		return SUPERVISE_MAX_DELAY;
	return 1U << (restarts - 1) < SUPERVISE_MAX_DELAY ?
	       1U << (restarts - 1) : SUPERVISE_MAX_DELAY;
}

static struct share_watch *watch_of(struct supervisor *sv, const char *name)
{
	struct share_watch *w;

	for (size_t i = 0; i < sv->n_watches; i++)
		if (strcmp(sv->watches[i].name, name) == 0)
			return &sv->watches[i];
	w = realloc(sv->watches, (sv->n_watches + 1) * sizeof(*w));
	if (!w)
		return NULL;
	sv->watches = w;
	w = &w[sv->n_watches++];
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	return w;
}

/* Drops the watches of nexuses no longer published. */
static void prune_watches(struct supervisor *sv)
{
	size_t kept = 0;

	for (size_t i = 0; i < sv->n_watches; i++)
		if (sv->watches[i].seen)
			sv->watches[kept++] = sv->watches[i];
	sv->n_watches = kept;
}

struct restart {
	const char *name;
	struct state_share old, now;	/* old: as seen before the lock */
	char err[1024];
	bool started;
};

static int restart_change(struct agent_state *s, void *arg)
{
	struct restart *r = arg;
	struct state_nexus *n = record_find_nexus(s, r->name);
	struct stat st;
	int rc;

	/* Unpublished, or restarted by someone else, meanwhile. */
	if (!n || !n->share.present || proc_alive(n->share.pid, n->share.pid_start))
		return 0;
	/* A nexus not (yet) assembled: the server says so and exits. */
	r->now = n->share;
	if (lstat(r->now.socket, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(r->now.socket);	/* left by the server that died */
	rc = vhost_start(r->name, &r->now, r->err, sizeof(r->err));
	if (rc)
		return rc;
	n->share = r->now;
	r->started = true;
	return 1;
}

static void report_restart(struct supervisor *sv, struct share_watch *w,
			   const struct restart *r, int rc)
{
	unsigned int delay = supervise_delay(w->restarts);

	if (rc && !r->started) {
		restore_log_say(&sv->log, RESTORE_ERROR, "nexus %s: cannot start mayastor-vhost: %s; "
		    "trying again in %u s", r->name, r->err, delay);
	} else if (r->started && w->was_running) {
		restore_log_say(&sv->log, RESTORE_WARNING, "nexus %s: mayastor-vhost (pid %d) is gone; "
		    "restarted it (pid %d, restart %u, next delay %u s)",
		    r->name, (int)r->old.pid, (int)r->now.pid, w->restarts, delay);
	} else if (r->started) {
		restore_log_say(&sv->log, RESTORE_INFO, "nexus %s: published over %s at %s (pid %d)",
		    r->name, r->now.protocol, r->now.socket, (int)r->now.pid);
	}
	if (rc && r->started)	/* running, but not recorded */
		restore_log_say(&sv->log, RESTORE_ERROR, "nexus %s: recording the new server: %s",
		    r->name, r->err);
}

static void restart_one(struct supervisor *sv, struct share_watch *w,
			const struct state_nexus *n)
{
	struct restart r = { .name = n->name, .old = n->share };
	long long now = now_ms();
	int rc;

	if (now < w->next_try)
		return;
	w->restarts++;
	rc = record_update(sv->state_file, restart_change, &r, r.err, sizeof(r.err));
	w->next_try = now + 1000LL * supervise_delay(w->restarts);
	w->started = r.started ? now : 0;
	report_restart(sv, w, &r, rc);
}

static void check_one(struct supervisor *sv, const struct state_nexus *n)
{
	struct share_watch *w = watch_of(sv, n->name);

	if (!w)
		return;
	w->seen = true;
	if (!proc_alive(n->share.pid, n->share.pid_start)) {
		restart_one(sv, w, n);
		return;
	}
	w->was_running = true;
	if (w->restarts && w->started &&
	    now_ms() - w->started >= 1000LL * SUPERVISE_STABLE)
		w->restarts = 0;	/* ran long enough: the next crash is new */
}

void supervise_shares(struct supervisor *sv)
{
	struct agent_state s;
	char err[1024];

	if (agent_state_load(sv->state_file, &s, err, sizeof(err))) {
		restore_log_say(&sv->log, RESTORE_ERROR, "%s", err);
		return;
	}
	for (size_t i = 0; i < sv->n_watches; i++)
		sv->watches[i].seen = false;
	for (size_t i = 0; i < s.n_nexuses; i++)
		if (s.nexuses[i].share.present)
			check_one(sv, &s.nexuses[i]);
	prune_watches(sv);
	agent_state_free(&s);
}

void supervisor_free(struct supervisor *sv)
{
	free(sv->watches);
	sv->watches = NULL;
	sv->n_watches = 0;
}
