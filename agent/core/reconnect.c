// SPDX-License-Identifier: Apache-2.0
/*
 * mayastor-agent's reconnects (reconnect.h): finding the candidates in the
 * state file and the kernel, and the attempts.  An attempt connects first
 * (seconds, without the lock), then, under the state file's lock, checks
 * that the child is still recorded and its member still lost, asks the
 * kernel (child_return_apply()) and records the nexus; so a CLI that
 * removes the child meanwhile is either before (the attempt finds nothing
 * to do) or after (it removes the child back), never in between.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_record.h"
#include "child_return.h"
#include "reconnect.h"
#include "size.h"

/* "reconnect nx0 member UUID (URI)", or "reconnect nx0 URI" when unknown. */
static const char *subject(const struct reconnect_unit *u, char *buf, size_t size)
{
	char uuid[NEXUS_UUID_STRLEN + 1];

	if (u->member_known)
		snprintf(buf, size, "reconnect %s member %s (%s)", u->nexus,
			 nexus_uuid_format(&u->member, uuid), u->child);
	else
		snprintf(buf, size, "reconnect %s %s", u->nexus, u->child);
	return buf;
}

/* "faulted, io-error", "missing since assembly". */
static const char *how_lost(enum nexus_child_state state,
			    enum nexus_child_reason reason, char *buf, size_t size)
{
	if (state == NEXUS_CHILD_MISSING)
		snprintf(buf, size, "missing since assembly");
	else
		snprintf(buf, size, "%s, %s", nexus_child_state_str(state),
			 nexus_child_reason_str(reason));
	return buf;
}

/* ---- scanning --------------------------------------------------------- */

static struct reconnect_unit *unit_of(struct reconnector *r, const char *nexus,
				      const char *child)
{
	struct reconnect_unit *u;

	for (size_t i = 0; i < r->n_units; i++)
		if (!strcmp(r->units[i].nexus, nexus) && !strcmp(r->units[i].child, child))
			return &r->units[i];
	u = realloc(r->units, (r->n_units + 1) * sizeof(*u));
	if (!u)
		return NULL;
	r->units = u;
	u = &u[r->n_units++];
	memset(u, 0, sizeof(*u));
	snprintf(u->nexus, sizeof(u->nexus), "%s", nexus);
	snprintf(u->child, sizeof(u->child), "%s", child);
	return u;
}

static void found(struct reconnector *r, const struct state_nexus *rec,
		  const struct reconnect_want *w, long long now)
{
	struct reconnect_unit *u = unit_of(r, rec->name, rec->children[w->child]);
	char subj[PATH_MAX + 128], lost[64];

	if (!u) {
		restore_log_say(&r->log, RESTORE_ERROR, "reconnect %s %s: out of memory", rec->name,
		    rec->children[w->child]);
		return;
	}
	u->member = w->member;
	u->member_known = w->member_known;
	if (w->member_known) {
		u->state = w->state;
		u->reason = w->reason;
	}
	if (!reconnect_unit_lost(u, &r->policy, now))
		return;
	if (u->attempts)
		restore_log_say(&r->log, RESTORE_INFO, "%s: lost again (%s); next attempt in %lld s",
		    subject(u, subj, sizeof(subj)),
		    how_lost(u->state, u->reason, lost, sizeof(lost)),
		    (u->next_ms - now + 999) / 1000);
	else
		restore_log_say(&r->log, RESTORE_INFO, "%s: lost (%s); first attempt in %lld s",
		    subject(u, subj, sizeof(subj)),
		    u->member_known ? how_lost(u->state, u->reason, lost, sizeof(lost)) :
				      "a member of the nexus is lost",
		    (u->next_ms - now + 999) / 1000);
}

/* The candidates of one recorded nexus, as the kernel has it now. */
static void scan_nexus(struct reconnector *r, const struct state_nexus *rec,
		       long long now)
{
	struct reconnect_want want[NEXUS_MAX_CHILDREN];
	struct nexus_info info;
	size_t n;

	if (nexus_get(r->h, rec->name, &info))
		return;		/* not assembled: restoring it is not ours */
	n = reconnect_select(&info, rec, want, NEXUS_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++)
		found(r, rec, &want[i], now);
	nexus_info_free(&info);
}

/* Drops the candidates that are not any more, saying so. */
static void prune(struct reconnector *r, long long now)
{
	char subj[PATH_MAX + 128];
	size_t kept = 0;

	for (size_t i = 0; i < r->n_units; i++) {
		struct reconnect_unit *u = &r->units[i];

		if (!u->seen && !reconnect_unit_keep(u, now)) {
			if (!u->back_ms)
				restore_log_say(&r->log, RESTORE_INFO, "%s: stopped: no longer lost "
				    "(brought back otherwise, or removed)",
				    subject(u, subj, sizeof(subj)));
			continue;
		}
		r->units[kept++] = *u;
	}
	r->n_units = kept;
}

static void scan(struct reconnector *r, long long now)
{
	struct agent_state s;
	char err[1024];

	r->next_scan_ms = now + 1000LL * RECONNECT_RESCAN_S;
	if (agent_state_load(r->state_file, &s, err, sizeof(err))) {
		restore_log_say(&r->log, RESTORE_ERROR, "reconnect: %s", err);
		return;
	}
	for (size_t i = 0; i < r->n_units; i++)
		r->units[i].seen = false;
	for (size_t i = 0; i < s.n_nexuses; i++)
		scan_nexus(r, &s.nexuses[i], now);
	prune(r, now);
	agent_state_free(&s);
}

/* ---- attempts --------------------------------------------------------- */

struct attempt {
	struct reconnector *r;
	const struct reconnect_unit *u;
	const struct child_return_dev *dev;
	struct child_return_done done;
	bool stale;		/* nothing to do any more: not an attempt */
	char why[1024];
};

static bool recorded(const struct agent_state *s, const struct reconnect_unit *u)
{
	const struct state_nexus *n = NULL;

	for (size_t i = 0; s && i < s->n_nexuses && !n; i++)
		if (!strcmp(s->nexuses[i].name, u->nexus))
			n = &s->nexuses[i];
	for (size_t i = 0; n && i < n->n_children; i++)
		if (!strcmp(n->children[i], u->child))
			return true;
	return false;
}

/* The member, known, is no longer lost (back by the CLI, removed). */
static bool member_settled(struct reconnector *r, const struct reconnect_unit *u,
			   char *why, size_t len)
{
	struct nexus_info info;
	bool settled = true;

	if (!u->member_known)
		return false;
	if (nexus_get(r->h, u->nexus, &info)) {
		snprintf(why, len, "nexus %s is gone", u->nexus);
		return true;
	}
	snprintf(why, len, "no longer a member of nexus %s (removed)", u->nexus);
	for (size_t i = 0; i < info.n_children; i++) {
		const struct nexus_child_info *c = &info.children[i];

		if (!c->uuid_present ||
		    memcmp(c->uuid.bytes, u->member.bytes, NEXUS_UUID_LEN))
			continue;
		settled = !reconnect_candidate(c);
		snprintf(why, len, "it is %s (%s) now", nexus_child_state_str(c->state),
			 nexus_child_reason_str(c->reason));
	}
	nexus_info_free(&info);
	return settled;
}

/* Under the state file's lock: still to do?  Then the kernel call. */
static int attempt_op(const struct agent_state *s, void *arg)
{
	struct attempt *a = arg;

	if (!s) {
		snprintf(a->why, sizeof(a->why), "the state file cannot be locked");
		return -ENOLCK;
	}
	if (!recorded(s, a->u)) {
		a->stale = true;
		snprintf(a->why, sizeof(a->why), "no longer recorded in %s (removed)",
			 a->r->state_file);
		return -ESTALE;
	}
	if (member_settled(a->r, a->u, a->why, sizeof(a->why))) {
		a->stale = true;
		return -ESTALE;
	}
	return child_return_apply(a->r->h, a->u->nexus, a->dev, reconnect_candidate,
				  &a->done, a->why, sizeof(a->why));
}

/* "copying 3 of 63 regions (12.0MiB)" from the kernel's rebuild figures. */
static void copy_text(struct reconnector *r, const struct reconnect_unit *u,
		      const struct child_return_done *done, char *buf, size_t size)
{
	char sz[SIZE_STR_MAX];
	struct nexus_info info;
	uint64_t regions, of;

	snprintf(buf, size, "catching up");
	if (nexus_get(r->h, u->nexus, &info))
		return;
	for (size_t i = 0; i < info.n_children; i++) {
		const struct nexus_child_info *c = &info.children[i];

		if (strcmp(c->path, done->path) || !c->rebuild_present ||
		    !c->rebuild.total_present || !info.region_size)
			continue;
		regions = c->rebuild.total / info.region_size;
		of = (info.size + info.region_size - 1) / info.region_size;
		snprintf(buf, size, "copying %llu of %llu regions (%s)%s",
			 (unsigned long long)regions, (unsigned long long)of,
			 size_format(c->rebuild.total, sz),
			 regions >= of ? ", a full copy" : " written while it was away");
	}
	nexus_info_free(&info);
}

static void report_back(struct reconnector *r, struct reconnect_unit *u,
			const struct attempt *a)
{
	char subj[PATH_MAX + 128], lost[64], copy[160];

	/* The label told who it is: the line names the member from now on. */
	u->member = a->done.member;
	u->member_known = a->done.member_present;
	copy_text(r, u, &a->done, copy, sizeof(copy));
	restore_log_say(&r->log, RESTORE_INFO, "%s: attempt %u succeeded: back on %s (was %s), %s",
	    subject(u, subj, sizeof(subj)), u->attempts, a->done.path,
	    how_lost(a->done.was, a->done.reason, lost, sizeof(lost)), copy);
}

static void report_failed(struct reconnector *r, const struct reconnect_unit *u,
			  const char *why, long long now)
{
	char subj[PATH_MAX + 128];

	if (u->gave_up)
		restore_log_say(&r->log, RESTORE_WARNING, "%s: attempt %u failed: %s; giving up after "
		    "%lld s (bring it back with: mayastor-client child online %s %s)",
		    subject(u, subj, sizeof(subj)), u->attempts, why,
		    (now - u->since_ms) / 1000, u->nexus, u->child);
	else
		restore_log_say(&r->log, RESTORE_INFO, "%s: attempt %u failed: %s; next in %lld s",
		    subject(u, subj, sizeof(subj)), u->attempts, why,
		    (u->next_ms - now + 999) / 1000);
}

/* Returns false when u is to be dropped (nothing to do any more). */
static bool attempt(struct reconnector *r, struct reconnect_unit *u, long long now)
{
	struct child_return_dev dev;
	struct attempt a = { .r = r, .u = u, .dev = &dev };
	struct record_change ch = { .op = attempt_op, .arg = &a };
	char subj[PATH_MAX + 128], err[1024];
	int rc;

	u->attempts++;
	rc = child_return_find(r->resolvers, u->child, &dev, a.why, sizeof(a.why));
	if (!rc) {
		if (record_nexus_change(r->h, r->state_file, u->nexus, &ch, err,
					sizeof(err)) && !ch.ran)
			snprintf(a.why, sizeof(a.why), "%s", err);
		rc = ch.ran ? ch.op_rc : -ENOLCK;
		/* The nexus holds the device now, or what was connected goes. */
		child_return_release(&dev);
	}
	if (a.stale) {
		restore_log_say(&r->log, RESTORE_INFO, "%s: stopped: %s", subject(u, subj, sizeof(subj)),
		    a.why);
		return false;
	}
	if (!rc) {
		reconnect_unit_back(u, now);
		report_back(r, u, &a);
		return true;
	}
	reconnect_unit_failed(u, &r->policy, now);
	report_failed(r, u, a.why, now);
	return true;
}

static void attempt_due(struct reconnector *r, long long now)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->n_units; i++) {
		if (reconnect_unit_due(&r->units[i], now) &&
		    !attempt(r, &r->units[i], now))
			continue;
		r->units[kept++] = r->units[i];
	}
	r->n_units = kept;
}

void reconnect_run(struct reconnector *r, long long now)
{
	if (!r->policy.enabled)
		return;
	if (now >= r->next_scan_ms)
		scan(r, now);
	attempt_due(r, now);
}

long long reconnect_next_due(const struct reconnector *r)
{
	long long next = r->next_scan_ms;

	if (!r->policy.enabled)
		return -1;
	for (size_t i = 0; i < r->n_units; i++) {
		const struct reconnect_unit *u = &r->units[i];

		if (!u->gave_up && !u->back_ms && u->next_ms < next)
			next = u->next_ms;
	}
	return next;
}

void reconnect_rescan(struct reconnector *r)
{
	r->next_scan_ms = 0;
}

void reconnect_reset(struct reconnector *r)
{
	free(r->units);
	r->units = NULL;
	r->n_units = 0;
	r->next_scan_ms = 0;
}

void reconnector_free(struct reconnector *r)
{
	reconnect_reset(r);
}
