/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Publishing a nexus over vhost-user: one mayastor-vhost process per
 * published nexus, serving /dev/NAME on its socket, so that a crash or a
 * hostile guest takes one volume down, not the node.
 *
 * The state file is the one source of truth (share.h): publish records
 * the share and the pid of the server it started, unpublish stops that
 * server and drops the share, and both do so under the state file's lock
 * (agent_record.h), so a CLI and mayastor-agent never race each other
 * into two servers or a server nobody knows of.  The CLI starts the
 * server itself (detached), whether or not the daemon runs; the daemon,
 * when it runs, restarts a server that is not running (after a crash, or
 * after a reboot once the nexus is back) with a backoff.
 */
#ifndef AGENT_PUBLISH_H
#define AGENT_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <libnexus.h>

#include "agent_restore.h"
#include "share.h"

/*
 * Publishes nexus name (recorded in state_file already) as want says,
 * after checking it is not published yet and that want->socket does not
 * exist and its directory can be made.  On success out is the recorded
 * share (with the server's pid).  Nothing is left changed on failure.
 */
int publish_nexus(const char *state_file, const char *name,
		  const struct state_share *want, struct state_share *out,
		  char *err, size_t errlen);

/* Stops the server of nexus name and forgets the share; -ENOENT if none. */
int unpublish_nexus(const char *state_file, const char *name, char *err,
		    size_t errlen);

/* The recorded share of nexus name, if any (out->present). */
int published_share(const char *state_file, const char *name,
		    struct state_share *out, char *err, size_t errlen);

/* ---- supervision (mayastor-agent) ----------------------------------- */

/* Restart delays: 0, 1, 2, 4 ... SUPERVISE_MAX_DELAY s; reset after STABLE. */
#define SUPERVISE_MAX_DELAY 60
#define SUPERVISE_STABLE 60

struct share_watch {
	char name[NEXUS_NAME_MAX + 1];
	unsigned int restarts;		/* since it last ran STABLE seconds */
	long long next_try;		/* monotonic ms */
	long long started;		/* monotonic ms, 0: not by us */
	bool seen;			/* in the last pass's state */
	bool was_running;		/* seen running: a restart, not a restore */
};

struct supervisor {
	const char *state_file;
	struct restore_log log;
	struct share_watch *watches;	/* owned */
	size_t n_watches;
};

/*
 * One pass: every published nexus whose server is not running gets a new
 * one, unless its backoff delay has not passed.  Each start, failure and
 * delay is a line through sv->log.
 */
void supervise_shares(struct supervisor *sv);
void supervisor_free(struct supervisor *sv);

/* The delay before restart number restarts (0 for the first). */
unsigned int supervise_delay(unsigned int restarts);

#endif /* AGENT_PUBLISH_H */
