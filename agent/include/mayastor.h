/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libmayastor: the nexus for programs, as mayastor-client gives it to
 * people.  A program creates a nexus from the names of its children
 * (paths and URIs: aio:///disk1.img?blk_size=512, nvmf://HOST/NQN,
 * iscsi://HOST/IQN/0, lvol://POOL/REPLICA, /dev/sdc ...), uses /dev/NAME,
 * and destroys it, with exactly what `mayastor-client nexus create` and
 * `nexus destroy` do: the same resolving (files attached to loop devices,
 * NVMe-oF controllers connected, iSCSI sessions logged in), the same
 * checks, the same record in mayastor-agent's state file, the same
 * release of remote children, and the same messages.
 *
 * Build with -I agent/include; link agent/libmayastor.a and
 * $(pkg-config --libs libnl-genl-3.0 json-c libnvme).  See docs/api.md
 * and tools/examples/nexus-example.c.
 *
 * Every call returns 0 or a negative errno and, when given a buffer
 * (msg, msglen; NULL/0 for none), a human message in it: on failure one
 * line saying what was wrong ("child iscsi://10.0.0.5/iqn.x/0: login to
 * target iqn.x at 10.0.0.5:3260 failed: ..."), on success "" or a note
 * the caller may show (a file without direct IO, a state file that could
 * not be written).  MAYASTOR_MSG_MAX bytes always hold the whole message.
 * The library never prints, never exits and keeps no global state: all
 * it has is in the context; use one context per thread.  It needs what
 * mayastor-client needs: root (CAP_SYS_ADMIN, CAP_NET_ADMIN), nexus.ko
 * loaded, open-iscsi for iscsi:// children.
 */
#ifndef MAYASTOR_H
#define MAYASTOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Children of one nexus, at most. */
#define MAYASTOR_MAX_CHILDREN 32
/* Longest nexus name. */
#define MAYASTOR_NAME_MAX 31
/* A message buffer this large is never truncated. */
#define MAYASTOR_MSG_MAX 16384

/* A context: the netlink handle to nexus.ko and the options. */
struct mayastor;

struct mayastor_options {
	/*
	 * mayastor-agent's state file, where create and destroy record the
	 * nexus as mayastor-client does (docs/agent.md), so that the agent
	 * brings it back after a reboot.  NULL: $MAYASTOR_STATE_FILE, else
	 * /var/lib/mayastor/agent.json.  "": keep no record.
	 */
	const char *state_file;
};

/*
 * Makes a context; opts NULL takes the defaults.  Nothing of the system
 * is touched: the netlink handle is opened by the first call that needs
 * the kernel, once its arguments are checked (so bad arguments never
 * reach the kernel).  -ENOMEM, or -ENAMETOOLONG for a state file path.
 */
int mayastor_open(struct mayastor **out, const struct mayastor_options *opts,
		  char *msg, size_t msglen);

/* Closes the netlink handle and frees the context; NULL is fine. */
void mayastor_close(struct mayastor *ms);

/*
 * Creates nexus name (1-31 characters of A-Z a-z 0-9 . _ -, starting with
 * a letter or digit; the device is /dev/NAME) mirroring to the
 * n_children (1 to 32) children, each a path or URI as
 * `mayastor-client nexus create` takes them (docs/cli.md).  size is in
 * bytes; 0 makes the nexus as large as the smallest child allows.
 *
 * The arguments are checked first, without touching the system
 * (-EINVAL: a bad name, no child, a child that is no valid path or URI,
 * one given twice; -E2BIG: more than 32); then the same storage under two
 * spellings is refused (-EINVAL); then every child is resolved and the
 * kernel asked.  On failure whatever resolving attached is released (loop
 * devices, controllers and sessions this call connected): nothing is
 * left behind.  On success the nexus is recorded in the state file; a
 * failure to record is a note in msg, not an error.
 */
int mayastor_nexus_create(struct mayastor *ms, const char *name, uint64_t size,
			  const char *const *children, int n_children,
			  char *msg, size_t msglen);

/*
 * Destroys nexus name, leaving the data on its children (their labels
 * marked clean): waits up to 5 s while /dev/NAME is open (udev's probe of
 * a new device), then fails with -EBUSY.  Loop devices go with it; the
 * NVMe-oF controllers and iSCSI sessions of its remote children are
 * disconnected unless something else uses them; the nexus is forgotten
 * in the state file.  A published nexus (mayastor-client nexus publish)
 * is refused with -EBUSY.  -ENOENT: no such nexus.
 */
int mayastor_nexus_destroy(struct mayastor *ms, const char *name, char *msg,
			   size_t msglen);

/*
 * The block device of nexus name, "/dev/NAME", into path (size bytes).
 * -EINVAL for a bad name, -ENAMETOOLONG if size is too small.  Pure: it
 * does not check that the nexus exists.
 */
int mayastor_nexus_device(const char *name, char *path, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* MAYASTOR_H */
