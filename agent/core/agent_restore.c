// SPDX-License-Identifier: Apache-2.0
/* Restoring pools and nexuses from the agent's configuration. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent_restore.h"
#include "assemble.h"
#include "pool.h"
#include "replica.h"

#define MSG_MAX 2048

void restore_log_say(const struct restore_log *log, enum restore_level level,
		     const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	if (!log || !log->say)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->say(log->ctx, level, msg);
}

/* ---- pools ---------------------------------------------------------------- */

static int restore_pool(const struct state_pool *p, const struct restore_log *log)
{
	const char *disks[POOL_MAX_DISKS];
	char err[1024];
	int rc;

	for (size_t i = 0; i < p->n_disks; i++)
		disks[i] = p->disks[i];
	if (pool_check_ours(p->name, err, sizeof(err)) == 0) {
		restore_log_say(log, RESTORE_INFO, "pool %s: present", p->name);
	} else {
		rc = pool_import(p->name, disks, p->n_disks, err, sizeof(err));
		if (rc) {
			restore_log_say(log, RESTORE_ERROR, "pool %s: import failed: %s", p->name, err);
			return rc;
		}
		restore_log_say(log, RESTORE_INFO, "pool %s: imported", p->name);
	}
	rc = replica_reshare_pool(p->name, err, sizeof(err));
	if (rc)
		restore_log_say(log, RESTORE_ERROR, "pool %s: shares: %s", p->name, err);
	return rc;
}

unsigned int restore_pools(const struct agent_state *s,
			   const struct restore_log *log)
{
	unsigned int failed = 0;

	for (size_t i = 0; i < s->n_pools; i++)
		failed += restore_pool(&s->pools[i], log) != 0;
	return failed;
}

/* ---- nexuses -------------------------------------------------------------- */

struct restore_targets {
	struct child_target t[NEXUS_MAX_CHILDREN];
	const char *paths[NEXUS_MAX_CHILDREN];
	size_t n;		/* resolved: t[0..n) */
	size_t n_assembled;	/* paths[0..n_assembled): members still */
};

struct dropped_ctx {
	const struct restore_log *log;
	const char *name;
};

static void say_dropped(const char *device, void *arg)
{
	const struct dropped_ctx *d = arg;

	restore_log_say(d->log, RESTORE_WARNING,
	    "nexus %s: child %s left out: no longer a member (removed)", d->name,
	    device);
}

/* Resolves the children that can be found; the others are left out. */
static void resolve_children(const struct state_nexus *n,
			     const struct child_resolvers *resolvers,
			     struct restore_targets *rt, const struct restore_log *log)
{
	char why[1024];

	rt->n = 0;
	for (size_t i = 0; i < n->n_children; i++) {
		struct child_target *t = &rt->t[rt->n];

		if (child_resolve(n->children[i], CHILD_ATTACH, resolvers, t, why,
				  sizeof(why))) {
			restore_log_say(log, RESTORE_WARNING, "nexus %s: child %s left out: %s",
			    n->name, n->children[i], why);
			continue;
		}
		rt->paths[rt->n++] = t->path;
	}
}

/*
 * Assembled from the children's labels, never created afresh: the labels
 * say which child is in sync and what a crash left to resync.
 */
static int restore_nexus(struct nexus_handle *h, const struct state_nexus *n,
			 const struct child_resolvers *resolvers,
			 const struct restore_log *log)
{
	struct restore_targets rt;
	struct nexus_info info;
	int rc;

	if (nexus_get(h, n->name, &info) == 0) {
		nexus_info_free(&info);
		restore_log_say(log, RESTORE_INFO, "nexus %s: present", n->name);
		return 0;
	}
	resolve_children(n, resolvers, &rt, log);
	if (!rt.n) {
		restore_log_say(log, RESTORE_ERROR, "nexus %s: none of its %zu children found",
		    n->name, n->n_children);
		return -ENODEV;
	}
	rt.n_assembled = assemble_drop_removed(rt.paths, rt.n, say_dropped,
					       &(struct dropped_ctx){ log, n->name });
	rc = assemble_devices(h, n->name, rt.paths, rt.n_assembled, 0);
	if (rc)
		restore_log_say(log, RESTORE_ERROR, "nexus %s: %s", n->name,
		    nexus_last_error(h)[0] ? nexus_last_error(h) : strerror(-rc));
	else
		restore_log_say(log, RESTORE_INFO, "nexus %s: restored with %zu of %zu children",
		    n->name, rt.n_assembled, n->n_children);
	/* The nexus holds the loop devices now (or autoclear drops them). */
	for (size_t i = 0; i < rt.n; i++)
		child_target_release(&rt.t[i]);
	return rc;
}

unsigned int restore_nexuses(struct nexus_handle *h, const struct agent_state *s,
			     const struct child_resolvers *resolvers,
			     const struct restore_log *log)
{
	unsigned int failed = 0;

	for (size_t i = 0; i < s->n_nexuses; i++)
		failed += restore_nexus(h, &s->nexuses[i], resolvers, log) != 0;
	return failed;
}
