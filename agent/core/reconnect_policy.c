// SPDX-License-Identifier: Apache-2.0
/*
 * The reconnect policy (reconnect.h): options, backoff, which recorded
 * children are candidates, and each candidate's life.  Pure functions of
 * their arguments (time is given), so that they are tested without a
 * kernel or a clock.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reconnect.h"
#include "size.h"

void reconnect_policy_default(struct reconnect_policy *p)
{
	*p = (struct reconnect_policy){
		.enabled = true,
		.delay_s = RECONNECT_DEFAULT_DELAY,
		.max_delay_s = RECONNECT_DEFAULT_MAX_DELAY,
		.give_up_s = RECONNECT_DEFAULT_GIVE_UP,
	};
}

static int seconds(const char *option, const char *value, unsigned int min,
		   unsigned int max, unsigned int *out, char *why, size_t len)
{
	uint32_t v;

	if (u32_parse(value, &v) || v < min || v > max) {
		snprintf(why, len, "--%s '%s': expected %u to %u seconds", option,
			 value, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int reconnect_policy_set(struct reconnect_policy *p, const char *option,
			 const char *value, char *why, size_t len)
{
	if (strcmp(option, "reconnect") == 0) {
		if (strcmp(value, "on") && strcmp(value, "off")) {
			snprintf(why, len, "--reconnect '%s': expected on or off", value);
			return -EINVAL;
		}
		p->enabled = strcmp(value, "on") == 0;
		return 0;
	}
	if (strcmp(option, "reconnect-delay") == 0)
		return seconds(option, value, 1, RECONNECT_DELAY_MAX, &p->delay_s,
			       why, len);
	if (strcmp(option, "reconnect-max-delay") == 0)
		return seconds(option, value, 1, RECONNECT_MAX_DELAY_MAX,
			       &p->max_delay_s, why, len);
	if (strcmp(option, "reconnect-give-up") == 0)
		return seconds(option, value, 0, UINT32_MAX, &p->give_up_s, why, len);
	snprintf(why, len, "unknown option '--%s'", option);
	return -EINVAL;
}

int reconnect_policy_check(const struct reconnect_policy *p, char *why,
			   size_t len)
{
	if (p->max_delay_s >= p->delay_s)
		return 0;
	snprintf(why, len, "--reconnect-max-delay (%u s) is shorter than "
		 "--reconnect-delay (%u s)", p->max_delay_s, p->delay_s);
	return -EINVAL;
}

unsigned int reconnect_backoff(const struct reconnect_policy *p,
			       unsigned int failed)
{
	unsigned long long d = p->delay_s;

	/* Doubling past the cap would overflow; stop at it. */
	for (unsigned int i = 1; i < failed && d < p->max_delay_s; i++)
		d *= 2;
	return d < p->max_delay_s ? (unsigned int)d : p->max_delay_s;
}

bool reconnect_candidate(const struct nexus_child_info *c)
{
	if (c->state == NEXUS_CHILD_MISSING)
		return true;
	return c->state == NEXUS_CHILD_FAULTED && c->reason_present &&
	       (c->reason == NEXUS_REASON_IO_ERROR ||
		c->reason == NEXUS_REASON_REBUILD_FAILED);
}

/* ---- candidates ------------------------------------------------------- */

static bool remote_spec(const char *spec)
{
	return strncmp(spec, "nvmf://", 7) == 0 || strncmp(spec, "iscsi://", 8) == 0;
}

static const struct nexus_child_info *member_of(const struct nexus_info *info,
						const char *uuid)
{
	struct nexus_uuid u;

	if (nexus_uuid_parse(uuid, &u))
		return NULL;
	for (size_t i = 0; i < info->n_children; i++)
		if (info->children[i].uuid_present &&
		    !memcmp(info->children[i].uuid.bytes, u.bytes, NEXUS_UUID_LEN))
			return &info->children[i];
	return NULL;
}

/* A candidate member that no child of rec is recorded as. */
static bool unrecorded_candidate(const struct nexus_info *info,
				 const struct state_nexus *rec)
{
	char uuid[NEXUS_UUID_STRLEN + 1];
	bool recorded;

	for (size_t i = 0; i < info->n_children; i++) {
		if (!reconnect_candidate(&info->children[i]))
			continue;
		if (!info->children[i].uuid_present)
			return true;
		nexus_uuid_format(&info->children[i].uuid, uuid);
		recorded = false;
		for (size_t k = 0; k < rec->n_children; k++)
			recorded |= strcmp(rec->members[k], uuid) == 0;
		if (!recorded)
			return true;
	}
	return false;
}

size_t reconnect_select(const struct nexus_info *info,
			const struct state_nexus *rec,
			struct reconnect_want *want, size_t max)
{
	char uuid[NEXUS_UUID_STRLEN + 1];
	const struct nexus_child_info *c;
	bool unrecorded;
	size_t n = 0;

	if (!info->uuid_present ||
	    strcmp(nexus_uuid_format(&info->uuid, uuid), rec->uuid) != 0)
		return 0;
	unrecorded = unrecorded_candidate(info, rec);
	for (size_t i = 0; i < rec->n_children && n < max; i++) {
		if (!remote_spec(rec->children[i]))
			continue;
		if (!rec->members[i][0]) {
			if (unrecorded)
				want[n++] = (struct reconnect_want){ .child = i };
			continue;
		}
		c = member_of(info, rec->members[i]);
		if (!c || !reconnect_candidate(c))
			continue;
		want[n++] = (struct reconnect_want){
			.child = i, .member = c->uuid, .member_known = true,
			.state = c->state, .reason = c->reason,
		};
	}
	return n;
}

/* ---- one recorded child's life ---------------------------------------- */

static long long after_s(long long now, unsigned int s)
{
	return now + 1000LL * s;
}

bool reconnect_unit_lost(struct reconnect_unit *u,
			 const struct reconnect_policy *p, long long now)
{
	bool fresh = !u->since_ms ||
		     (u->back_ms && now - u->back_ms >= 1000LL * RECONNECT_STABLE_S);

	u->seen = true;
	if (u->since_ms && !u->back_ms)
		return false;		/* lost all along */
	if (fresh) {
		u->attempts = u->failed = 0;
		u->since_ms = now;
		u->gave_up = false;
		u->next_ms = after_s(now, p->delay_s);
	} else {
		/* Back only briefly: a flapping target waits longer each time. */
		u->failed++;
		u->next_ms = after_s(now, reconnect_backoff(p, u->failed));
	}
	u->back_ms = 0;
	return true;
}

void reconnect_unit_failed(struct reconnect_unit *u,
			   const struct reconnect_policy *p, long long now)
{
	u->failed++;
	if (p->give_up_s && now - u->since_ms >= 1000LL * p->give_up_s) {
		u->gave_up = true;
		return;
	}
	u->next_ms = after_s(now, reconnect_backoff(p, u->failed));
}

void reconnect_unit_back(struct reconnect_unit *u, long long now)
{
	u->back_ms = now;
}

bool reconnect_unit_due(const struct reconnect_unit *u, long long now)
{
	return !u->gave_up && !u->back_ms && now >= u->next_ms;
}

bool reconnect_unit_keep(const struct reconnect_unit *u, long long now)
{
	return u->back_ms && now - u->back_ms < 1000LL * RECONNECT_STABLE_S;
}
