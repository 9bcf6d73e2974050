/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Turning what the user calls a child (path or URI, see uri.h) into the
 * block device path the kernel opens.
 */
#ifndef AGENT_CHILD_H
#define AGENT_CHILD_H

#include <sys/types.h>

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
	char nvmf_ctrl[32];		/* nvmf://: the controller (nvmeC) */
	bool remote_connected;		/* nvmf://, iscsi://: connected (logged
					 * in) by this resolve */
};

typedef int (*child_resolve_fn)(const struct child_uri *uri,
				enum child_mode mode, struct child_target *out,
				char *err, size_t errlen);

/*
 * Resolvers of the schemes the core does not handle itself.  NULL means
 * "not supported yet".  child_resolvers_all (nexus_ops.h) has every
 * scheme.
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

/*
 * Lets go of what resolving attached, once the kernel has answered: the
 * agent's hold of a loop device (autoclear detaches it when the nexus does
 * not hold it), and an nvmf controller this resolve connected is
 * disconnected again unless something (the nexus) holds its namespace.
 */
void child_target_release(struct child_target *target);

/*
 * After a remote child (nvmf://, iscsi://) left its nexus (remove,
 * destroy): disconnects its controller or logs out of its session unless
 * something still holds it.  Nothing for other paths.
 */
void child_release_remote(const char *path);

/*
 * The storage a local child names, however it is spelled: a regular file
 * (device and inode; a loop device counts as its backing file) or a block
 * device (its number).  -ENOENT for remote schemes and for paths that are
 * neither (child_resolve explains those), another -errno if stat fails.
 */
struct child_identity {
	bool file;
	dev_t dev;
	ino_t ino;
};

int child_identity_of(const char *text, struct child_identity *id);
bool child_identity_eq(const struct child_identity *a,
		       const struct child_identity *b);

#endif /* AGENT_CHILD_H */
