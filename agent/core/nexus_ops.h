/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Creating and destroying a nexus from what the user calls its children
 * (paths and URIs, uri.h): the one implementation behind
 * `mayastor-client nexus create|destroy` (agent/cli/cmd_nexus.c) and the
 * public API for programs (agent/include/mayastor.h).  Nothing here
 * prints: every failure is -errno plus a reason without a prefix, which
 * the CLI puts after "mayastor-client: nexus create NAME: " and the API
 * hands to its caller.
 */
#ifndef AGENT_NEXUS_OPS_H
#define AGENT_NEXUS_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include <libnexus.h>

#include "child.h"

/*
 * Every scheme: lvol:// (pools), nvmf:// (nvmf_host.h), iscsi://
 * (iscsi_host.h), besides the local paths child_resolve() handles itself.
 */
extern const struct child_resolvers child_resolvers_all;

/*
 * A nexus name as the kernel takes it: -EINVAL "invalid nexus name 'X'
 * (1-31 characters of A-Z a-z 0-9 . _ -, starting with a letter or
 * digit)".
 */
int nexus_name_check(const char *name, char *why, size_t len);

/*
 * Why nexus_open() failed with err: "the nexus kernel module is not
 * loaded (modprobe nexus)" for -ENOENT, else "cannot talk to the nexus
 * kernel module: strerror".
 */
const char *nexus_open_error_text(int err, char *buf, size_t size);

/*
 * The child texts of a create, before anything is touched: 1 to
 * NEXUS_MAX_CHILDREN of them (-EINVAL "a nexus needs at least one child",
 * -E2BIG "too many children (at most 32)"), each one a valid path or URI
 * (-EINVAL "child 'TEXT': WHY"), none given twice (-EINVAL "child 'TEXT'
 * given twice").
 */
int nexus_children_check(const char *const *children, int n, char *why,
			 size_t len);

/*
 * The same file or device under two spellings (a path and its URI, a
 * loop device and its file): -EINVAL "child 'A' given twice: it is the
 * same file as 'B'".  Looks at the file system (stat), changes nothing.
 */
int nexus_children_distinct(const char *const *children, int n, char *why,
			    size_t len);

/*
 * Resolves every child (a file is attached to a loop device, nvmf://
 * connected, iscsi:// logged in), adds its path to req (its name, size,
 * uuid and flags set by the caller) and asks the kernel to create the
 * nexus.  Then lets go of what resolving attached: on success the nexus
 * holds its children, on failure everything is released (autoclear
 * detaches the loop devices, a controller or session this call connected
 * is disconnected).  t (NEXUS_MAX_CHILDREN entries) tells the caller what
 * each child became (t[i].path, .via_loop, .loop.direct_io) for the
 * *n_resolved first ones.  On failure returns -errno and why: "child
 * TEXT: WHY" when a child could not be resolved, "out of memory", or the
 * kernel's refusal as nexus_error_text() has it (the child it blamed in
 * the user's words).
 */
int nexus_create_children(struct nexus_handle *h,
			  const struct child_resolvers *resolvers,
			  struct nexus_create_req *req,
			  const char *const *children, int n,
			  struct child_target *t, int *n_resolved, char *why,
			  size_t len);

/* "TEXT (/dev/loop3)" when the kernel knows the child by another path. */
const char *child_label(const char *text, const char *kernel_path, char *buf,
			size_t size);

/*
 * The child the kernel blamed for a failed create, in the user's words
 * (child_label()), or its kernel path when it is none of children, or
 * NULL when the kernel blamed no child.
 */
const char *nexus_create_blamed(struct nexus_handle *h,
				const char *const *children,
				const struct child_target *t, int n, char *buf,
				size_t size);

/*
 * A failed libnexus call err as one phrase: "[child CHILD: ]strerror
 * (kernel extack text)", with a hint when the kernel said nothing (not
 * root).  child names the child concerned, or NULL; it is dropped when
 * the kernel blamed another attribute.  h may be NULL.
 */
const char *nexus_error_text(struct nexus_handle *h, int err, const char *child,
			     char *buf, size_t size);

/*
 * Before destroying nexus name: 0 when it is not published (or there is
 * no state_file); -EBUSY "nexus NAME is published (PROTO at SOCKET):
 * unpublish it first" unless force, which unpublishes it first
 * (*unpublished set) or fails with "cannot unpublish: WHY".
 */
int nexus_unpublish_for_destroy(const char *state_file, const char *name,
				bool force, bool *unpublished, char *why,
				size_t len);

/*
 * Destroys nexus name (flags: NEXUS_F_FORCE), waiting up to 5 s while
 * /dev/NAME is open without force (udev probes a new device for a
 * moment), then releases its remote children's controllers and sessions
 * unless something else holds them.  0 or the libnexus error (the
 * handle's last error says more).
 */
int nexus_destroy_release(struct nexus_handle *h, const char *name,
			  uint32_t flags);

#endif /* AGENT_NEXUS_OPS_H */
