/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keeping the agent's persisted configuration (agent_state.h) in step with
 * the node.  The CLI records each pool and nexus it creates or changes and
 * forgets each one it destroys; mayastor-agent does the same for changes it
 * learns of from kernel events (a CSI plugin may drive netlink directly).
 * Every update is a read-modify-write of the file under an flock() of
 * "FILE.lock", so the CLI and the daemon never lose each other's changes.
 */
#ifndef AGENT_RECORD_H
#define AGENT_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include <libnexus.h>

#include "agent_state.h"

/*
 * What to call child device path in the configuration: the image file
 * behind a loop device (as aio:///FILE?blk_size=4096 when the loop device
 * has 4 KiB blocks), lvol://POOL/REPLICA for /dev/POOL/REPLICA of one of
 * our pools, else the path itself.
 */
int record_child_spec(const char *path, char *out, size_t size);

/* The configuration entry of a running nexus, from the kernel's view. */
int record_nexus_entry(const struct nexus_info *info, struct state_nexus *out,
		       char *err, size_t errlen);

/* Adds or replaces the entry of nexus name (as the kernel has it now). */
int record_nexus(struct nexus_handle *h, const char *state_file,
		 const char *name, char *err, size_t errlen);
/*
 * The same from a nexus_info the caller has.  The entry's share (share.h)
 * stays as recorded: the kernel knows nothing of it.
 */
int record_nexus_info(const char *state_file, const struct nexus_info *info,
		      char *err, size_t errlen);
int forget_nexus(const char *state_file, const char *name, char *err,
		 size_t errlen);

/*
 * The entry of nexus info put into s, as record_nexus_info() does it, for
 * a caller that holds the lock (record_update()): 1 if s changed, 0 if
 * not, -errno and err.
 */
int record_put_nexus(struct agent_state *s, const struct nexus_info *info,
		     char *err, size_t errlen);

/*
 * A change to a nexus made with the state file's lock held, and recorded
 * in the same read-modify-write: nothing else that takes the lock (the
 * CLI, mayastor-agent's reconnects) comes between what op saw, what it
 * did and its record.  op gets the state file's content (NULL when the
 * lock or the file could not be had: op runs all the same, as the change
 * does not depend on its record) and returns 0 or -errno, keeping its
 * reason in arg.
 */
struct record_change {
	int (*op)(const struct agent_state *s, void *arg);
	void *arg;
	int op_rc;	/* what op returned */
	bool ran;	/* op ran under the lock */
};

/*
 * Runs ch->op under the lock, then, when op succeeded, records nexus name
 * as the kernel has it (nothing when it is gone).  op's result is
 * ch->op_rc; returns 0, or the record's failure (-errno and err).
 * state_file NULL: op runs without a lock or a record.
 */
int record_nexus_change(struct nexus_handle *h, const char *state_file,
			const char *name, struct record_change *ch, char *err,
			size_t errlen);

/* Adds or replaces the entry of pool name (as LVM has it now). */
int record_pool(const char *state_file, const char *name, char *err,
		size_t errlen);
int forget_pool(const char *state_file, const char *name, char *err,
		size_t errlen);

/*
 * Records every nexus the kernel has and every pool of ours LVM has,
 * keeping the entries of those that are absent (not restored yet: a disk
 * may be missing).  h may be NULL when nexus.ko is not loaded.
 */
int record_all(struct nexus_handle *h, const char *state_file, char *err,
	       size_t errlen);

/* Applies a change to s: 1 if s changed (save it), 0 if not, -errno. */
typedef int (*state_change_fn)(struct agent_state *s, void *arg);

/*
 * Loads state_file under its lock, applies change and saves the result
 * if it changed.  A change that fails puts its reason in err itself.
 */
int record_update(const char *state_file, state_change_fn change, void *arg,
		  char *err, size_t errlen);

/* The entry of nexus name in s, or NULL. */
struct state_nexus *record_find_nexus(struct agent_state *s, const char *name);

/* The configuration file: $MAYASTOR_STATE_FILE, else AGENT_STATE_FILE. */
const char *record_default_file(void);

#endif /* AGENT_RECORD_H */
