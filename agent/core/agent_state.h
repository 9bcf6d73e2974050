/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's persisted configuration: which pools and nexuses this node
 * had, and what each was made of, in the user's terms (image files rather
 * than the loop devices they happened to get, lvol:// URIs rather than
 * /dev/mapper paths), so that mayastor-agent can bring them back after a
 * reboot.  It is a small JSON file written atomically (temp file, fsync,
 * rename, fsync of the directory).  It only says what to look for: the
 * on-disk labels of the children, and LVM, remain the authority on data.
 *
 *	{ "version": 1,
 *	  "pools":   [ { "name": "p0", "disks": [ "/var/lib/p0.img" ] } ],
 *	  "nexuses": [ { "name": "nx0", "uuid": "...", "size": 1048576,
 *			 "region_size": 4194304,
 *			 "children": [ "/var/lib/a.img", "lvol://p0/r1" ],
 *			 "members": [ "UUID", "UUID" ],
 *			 "share": { "protocol": "vhost-user", ... } } ] }
 *
 * "members" holds the member UUID each child's label carries (null when
 * unknown), one per child: it ties a recorded child to the kernel's
 * member, even while the child's device is gone, so that a missing member
 * keeps its place in the record and mayastor-agent knows which URI to
 * reconnect (reconnect.h).  Files without it (older agents) still load.
 * "share" (share.h) is there only while the nexus is published.
 */
#ifndef AGENT_STATE_H
#define AGENT_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libnexus.h>

#include "pool.h"
#include "share.h"

#define AGENT_STATE_VERSION 1
#define AGENT_STATE_FILE "/var/lib/mayastor/agent.json"

struct state_pool {
	char name[LVM_NAME_MAX];
	size_t n_disks;
	char disks[POOL_MAX_DISKS][PATH_MAX];
};

struct state_nexus {
	char name[NEXUS_NAME_MAX + 1];
	char uuid[40];			/* 36-character text form */
	uint64_t size;			/* bytes of the data region */
	uint32_t region_size;		/* bytes, 0: the kernel's default */
	size_t n_children;
	char children[NEXUS_MAX_CHILDREN][PATH_MAX];
	/* children[i]'s member UUID (36-character form), "" when unknown */
	char members[NEXUS_MAX_CHILDREN][NEXUS_UUID_STRLEN + 1];
	struct state_share share;	/* .present while published */
};

struct agent_state {
	struct state_pool *pools;	/* owned */
	size_t n_pools;
	struct state_nexus *nexuses;	/* owned */
	size_t n_nexuses;
};

void agent_state_free(struct agent_state *s);

/* Appends a zeroed entry; NULL when out of memory. */
struct state_pool *agent_state_add_pool(struct agent_state *s);
struct state_nexus *agent_state_add_nexus(struct agent_state *s);

/*
 * Parses the JSON form.  Unknown keys are ignored (a newer agent may add
 * some); a missing or wrong-typed required key, a name that is not valid,
 * or too many disks or children is an error: -EINVAL and a reason in err.
 */
int agent_state_parse(const char *text, struct agent_state *out, char *err,
		      size_t errlen);

/* The JSON form (pretty printed, ends with a newline); NULL on ENOMEM. */
char *agent_state_format(const struct agent_state *s);

/* Reads path; a file that does not exist is an empty state. */
int agent_state_load(const char *path, struct agent_state *out, char *err,
		     size_t errlen);

/*
 * Replaces path atomically with the JSON form of s, creating its directory
 * if needed: after a crash the file holds either the old or the new state.
 */
int agent_state_save(const char *path, const struct agent_state *s, char *err,
		     size_t errlen);

/* mkdir -p dir (mode 0755); 0 or -errno. */
int agent_state_mkdirs(const char *dir);

#endif /* AGENT_STATE_H */
