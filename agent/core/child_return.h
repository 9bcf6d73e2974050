/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bringing a member of a nexus back from a path or URI: the one
 * implementation behind `mayastor-client child online` and mayastor-agent's
 * reconnects (reconnect.h).  A remote child (nvmf://, iscsi://) is
 * connected (logged in) first and may come back as another device, so the
 * member is recognised by its path, else by the member UUID in the
 * device's label, never by a guess from device names.  Then the kernel is
 * asked in the one way that copies only what the member missed:
 *
 *   OFFLINE at the same device      nexus_child_online()
 *   OFFLINE elsewhere, or FAULTED   nexus_child_online_member(uuid, device)
 *   MISSING (assembled without it)  nexus_child_add() (rejoins by its label)
 *
 * The kernel decides what is copied: the write-intent bitmap's regions
 * when the labels kept the member behind by the bitmap (offline, faulted
 * on an IO error, missing), everything otherwise (faulted by `child fault`).
 *
 * Three steps, so that a caller can hold the state file's lock for the
 * kernel call only (connecting can take seconds): child_return_find(),
 * child_return_apply(), child_return_release().  Nothing here prints:
 * every failure is -errno plus a reason without a prefix, as nexus_ops.h.
 */
#ifndef AGENT_CHILD_RETURN_H
#define AGENT_CHILD_RETURN_H

#include <stdbool.h>
#include <stddef.h>

#include <libnexus.h>

#include "child.h"
#include "label.h"

enum child_return_how {
	CHILD_RETURN_ONLINE,	/* nexus_child_online(): OFFLINE, same device */
	CHILD_RETURN_MEMBER,	/* nexus_child_online_member() */
	CHILD_RETURN_ADD,	/* nexus_child_add() of a MISSING member */
};

/* The device found for the text, and its label, read before any lock. */
struct child_return_dev {
	char text[PATH_MAX];		/* as the caller named it */
	struct child_target t;		/* t.path: the device */
	struct label label;		/* valid when labelled */
	bool labelled;
};

/* What child_return_apply() did. */
struct child_return_done {
	struct nexus_uuid member;
	bool member_present;
	enum nexus_child_state was;	/* OFFLINE, FAULTED or MISSING */
	enum nexus_child_reason reason;	/* why it was FAULTED */
	enum child_return_how how;
	char old_path[NEXUS_PATH_MAX + 1];	/* "" for a MISSING member */
	char path[NEXUS_PATH_MAX + 1];	/* the device it is back on */
};

/*
 * Which child of info the device at path is: the child of that path, else
 * the member whose UUID label (NULL when none could be read) carries, if
 * label is of this nexus.  NULL when it is none of them.
 */
const struct nexus_child_info *child_return_member(const struct nexus_info *info,
						   const char *path,
						   const struct label *label);

/*
 * How member c, found on the device at path, comes back.  A member in a
 * state with nothing to come back from (online, rebuilding) is asked of
 * the kernel by its path all the same, which refuses it ("the child is
 * not offline or faulted") after checking the caller's rights.  -EINVAL
 * and why when the kernel knows no member UUID and the path differs.
 */
int child_return_plan(const struct nexus_child_info *c, const char *path,
		      enum child_return_how *how, char *why, size_t len);

/*
 * Finds the device text names: a remote child is connected (a controller
 * or session that is there already is reused), a file is found on the
 * loop device the nexus holds, or attached to a new one when it has none
 * (a missing member); then its label is read.  On failure ("child TEXT:
 * WHY") nothing is left attached.
 */
int child_return_find(const struct child_resolvers *resolvers, const char *text,
		      struct child_return_dev *dev, char *why, size_t len);

/* May member c be brought back?  NULL: any member with a state to leave. */
typedef bool (*child_return_filter)(const struct nexus_child_info *c);

/*
 * Brings the member that dev is back into nexus name (see the table at the
 * top), when filter accepts it.  On failure, -errno and why: "child TEXT
 * (DEVICE): not a child of nexus NAME (...)", "...: member UUID is STATE (REASON): not
 * one to bring back automatically" (refused by filter), or the kernel's
 * refusal as nexus_error_text() words it.
 */
int child_return_apply(struct nexus_handle *h, const char *name,
		       const struct child_return_dev *dev,
		       child_return_filter filter, struct child_return_done *done,
		       char *why, size_t len);

/*
 * Lets go of what child_return_find() attached: the nexus holds the device
 * now if it came back; else a controller or session connected for it is
 * disconnected again, a loop device detached.
 */
void child_return_release(struct child_return_dev *dev);

/* "TEXT (DEVICE)" or "TEXT" when they are the same, for messages. */
const char *child_return_label(const struct child_return_dev *dev, char *buf,
			       size_t size);

#endif /* AGENT_CHILD_RETURN_H */
