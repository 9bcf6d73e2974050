/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Turning what the user calls a child (path or URI, see uri.h) into the
 * block device path the kernel opens.
 */
#ifndef AGENT_CHILD_H
#define AGENT_CHILD_H

#include <libnexus.h>
#include "loop.h"
#include "uri.h"

enum child_mode {
	CHILD_ATTACH,	/* create/add: set a file up on a new loop device */
	CHILD_LOOKUP,	/* other commands: find the existing device */
};

struct child_target {
	char path[NEXUS_PATH_MAX + 1];	/* what the kernel gets and shows */
	struct loop_attachment loop;	/* loop.fd >= 0 when we attached one */
	bool via_loop;			/* path is a loop device over a file */
};

typedef int (*child_resolve_fn)(const struct child_uri *uri,
				enum child_mode mode, struct child_target *out,
				char *err, size_t errlen);

/*
 * Resolvers of the schemes the core does not handle itself.  NULL means
 * "not supported yet".  lvol is for the pool/replica code: set .lvol in
 * cli_child_resolvers (agent/cli/cli.c).
 */
struct child_resolvers {
	child_resolve_fn lvol;
	child_resolve_fn nvmf;
	child_resolve_fn iscsi;
};

/*
 * Resolves text; hooks may be NULL.  On failure returns -errno and writes
 * the reason into err (without the child's name: the caller adds it).
 */
int child_resolve(const char *text, enum child_mode mode,
		  const struct child_resolvers *hooks,
		  struct child_target *out, char *err, size_t errlen);

/* Releases the agent's hold of an attached loop device (if any). */
void child_target_release(struct child_target *target);

#endif /* AGENT_CHILD_H */
