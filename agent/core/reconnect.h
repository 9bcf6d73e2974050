/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-agent's reconnects.  A remote child (nvmf://, iscsi://) that a
 * nexus lost to its transport, FAULTED on an IO error or a failed rebuild,
 * or MISSING since assembly (its target was down at boot), is brought
 * back by the agent itself as `mayastor-client child online` would
 * (child_return.h), so that only the regions written meanwhile are copied
 * as soon as its target is back.  Attempts follow an exponential backoff
 * per recorded child (one member each).  Never a child removed on purpose:
 * neither the kernel nor the state file has it any more; nor one faulted
 * with `child fault` (reason admin) or taken offline.
 *
 * Candidates come from the state file (which URI each member was, by the
 * "members" UUIDs, agent_state.h) and the kernel (which members are lost);
 * a device is taken for a member only when its label carries that
 * member's UUID.  The daemon looks again at every CHILD_STATE event and on
 * a timer, so a lost event or a restart misses nothing.
 *
 * The policy (options, backoff, candidates, a candidate's life) is pure
 * and tested without a kernel (reconnect_policy.c); the daemon's side,
 * which connects and asks the kernel under the state file's lock, is
 * reconnect.c.
 */
#ifndef AGENT_RECONNECT_H
#define AGENT_RECONNECT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <libnexus.h>

#include "agent_restore.h"
#include "agent_state.h"
#include "child.h"

/* ---- policy ----------------------------------------------------------- */

struct reconnect_policy {
	bool enabled;
	unsigned int delay_s;		/* before the first attempt; first backoff */
	unsigned int max_delay_s;	/* the longest wait between attempts */
	unsigned int give_up_s;		/* stop trying after this long; 0: never */
};

#define RECONNECT_DEFAULT_DELAY 1
#define RECONNECT_DEFAULT_MAX_DELAY 60
#define RECONNECT_DEFAULT_GIVE_UP 0
#define RECONNECT_DELAY_MAX 3600	/* the largest --reconnect-delay */
#define RECONNECT_MAX_DELAY_MAX 86400	/* the largest --reconnect-max-delay */
/* Candidates are looked for again this often, events or not (s). */
#define RECONNECT_RESCAN_S 30
/*
 * A member lost again within this long of coming back goes on with the
 * backoff it had (a target that flaps), instead of starting afresh (s).
 */
#define RECONNECT_STABLE_S 60

/* on, 1 s, 60 s, never. */
void reconnect_policy_default(struct reconnect_policy *p);

/*
 * Sets one option, named without its dashes: "reconnect" (on|off),
 * "reconnect-delay" (1-3600 s), "reconnect-max-delay" (1-86400 s),
 * "reconnect-give-up" (seconds, 0 = never).  0, or -EINVAL and why:
 * "--reconnect-delay '0': expected 1 to 3600 seconds".
 */
int reconnect_policy_set(struct reconnect_policy *p, const char *option,
			 const char *value, char *why, size_t len);

/* The options together: -EINVAL and why when max delay < delay. */
int reconnect_policy_check(const struct reconnect_policy *p, char *why,
			   size_t len);

/*
 * Seconds to wait after the failed-th failed attempt in a row (1 for the
 * first): delay, 2 x delay, 4 x delay ... at most max delay.
 */
unsigned int reconnect_backoff(const struct reconnect_policy *p,
			       unsigned int failed);

/*
 * Is member c one the agent brings back by itself: FAULTED on an IO error
 * or a failed rebuild, or MISSING since assembly.
 */
bool reconnect_candidate(const struct nexus_child_info *c);

/* ---- candidates ------------------------------------------------------- */

/* A recorded child to try to bring back. */
struct reconnect_want {
	size_t child;			/* index in the record's children */
	struct nexus_uuid member;	/* the member it was, when recorded */
	bool member_known;
	enum nexus_child_state state;	/* the member's, when known */
	enum nexus_child_reason reason;
};

/*
 * The remote children of rec (nexus info as the state file has it) to
 * bring back into info (the same nexus as the kernel has it): those whose
 * recorded member is a candidate (reconnect_candidate()); and, in an entry
 * of an older agent that names no member, a remote child when some
 * candidate member is recorded for no child (its label will tell).
 * Nothing when rec is of another nexus of that name.  Writes at most max
 * and returns the count.
 */
size_t reconnect_select(const struct nexus_info *info,
			const struct state_nexus *rec,
			struct reconnect_want *want, size_t max);

/* ---- one recorded child's life ---------------------------------------- */

struct reconnect_unit {
	char nexus[NEXUS_NAME_MAX + 1];
	char child[PATH_MAX];		/* the recorded URI */
	struct nexus_uuid member;
	bool member_known;
	enum nexus_child_state state;	/* as last seen lost */
	enum nexus_child_reason reason;
	unsigned int attempts;		/* made since it was lost */
	unsigned int failed;		/* in a row: the backoff's step */
	long long since_ms;		/* lost since (monotonic) */
	long long next_ms;		/* the next attempt is due */
	long long back_ms;		/* brought back then; 0: not back */
	bool seen;			/* a candidate in the last scan */
	bool gave_up;
};

/*
 * u is (again) a candidate at now: a new one is tried after the delay; one
 * back for less than RECONNECT_STABLE_S goes on with its backoff; one back
 * for longer starts afresh.  Returns true when it is newly lost (say so).
 */
bool reconnect_unit_lost(struct reconnect_unit *u,
			 const struct reconnect_policy *p, long long now);

/*
 * An attempt failed at now: the next one after the backoff, or none when
 * the give-up time has passed since it was lost (u->gave_up).
 */
void reconnect_unit_failed(struct reconnect_unit *u,
			   const struct reconnect_policy *p, long long now);

/* An attempt brought it back at now. */
void reconnect_unit_back(struct reconnect_unit *u, long long now);

/* Is an attempt due at now? */
bool reconnect_unit_due(const struct reconnect_unit *u, long long now);

/*
 * Should u, no candidate in the last scan, be kept at now?  Only one back
 * for less than RECONNECT_STABLE_S (it may be lost again).
 */
bool reconnect_unit_keep(const struct reconnect_unit *u, long long now);

/* ---- the daemon's side (reconnect.c) ---------------------------------- */

struct reconnector {
	struct reconnect_policy policy;
	const char *state_file;
	struct nexus_handle *h;		/* requests */
	const struct child_resolvers *resolvers;
	struct restore_log log;
	struct reconnect_unit *units;	/* owned */
	size_t n_units;
	long long next_scan_ms;		/* monotonic; 0: at once */
};

/* Looks for candidates at the next reconnect_run() (an event came). */
void reconnect_rescan(struct reconnector *r);

/*
 * Does what is due at now (monotonic ms): a scan for candidates when one
 * is due, then every attempt that is due, one at a time (each connects,
 * then asks the kernel and records under the state file's lock), each a
 * line through r->log.  Nothing when the policy is off.
 */
void reconnect_run(struct reconnector *r, long long now);

/* When reconnect_run() next has something to do (monotonic ms); -1: never. */
long long reconnect_next_due(const struct reconnector *r);

/* Forgets every candidate and its backoff (SIGHUP: try again what gave up). */
void reconnect_reset(struct reconnector *r);
void reconnector_free(struct reconnector *r);

#endif /* AGENT_RECONNECT_H */
