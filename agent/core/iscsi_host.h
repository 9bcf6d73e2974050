/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iscsi:// children: the initiator side of iSCSI through open-iscsi.  A
 * child iscsi://HOST[:PORT]/IQN/LUN is logged in with iscsiadm (a node
 * record with finite timeouts, then --login), or a session this host
 * already has to that target at that portal is reused; the LUN's block
 * device is found in sysfs.  The session is logged out and its node
 * record deleted when no LUN of it is held any more.
 *
 * The sysfs lookups take the sysfs root ("/sys") so that the unit tests
 * run them on a fake tree:
 *   class/iscsi_session/sessionN/{targetname, recovery_tmo,
 *       device/targetH:C:T/H:C:T:LUN/block/sdX/}
 *   class/iscsi_connection/connectionN:0/{persistent_address, persistent_port}
 */
#ifndef AGENT_ISCSI_HOST_H
#define AGENT_ISCSI_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "uri.h"

#define ISCSI_SYSFS "/sys"
#define ISCSI_NAME_MAX 224
#define ISCSI_DEV_MAX 32

/*
 * Defaults of an iscsi:// child (seconds), each overridable by the query
 * parameter of the same name.  A silent target is noticed within
 * noop_out_interval + noop_out_timeout, a closed connection at once; IO
 * fails replacement_timeout later (open-iscsi's default is 120 s).
 */
#define ISCSI_HOST_REPLACEMENT_TIMEOUT 5
#define ISCSI_HOST_NOOP_OUT_INTERVAL 2
#define ISCSI_HOST_NOOP_OUT_TIMEOUT 2

struct iscsi_remote {
	char session[ISCSI_DEV_MAX];	/* sessionN */
	char iqn[ISCSI_NAME_MAX];
	char addr[64];
	uint16_t port;
	uint32_t lun;
};

/* ---- sysfs (iscsi_sysfs.c) ---- */

/* The session to target iqn at addr:port: its name.  0 or -ENOENT. */
int iscsi_sysfs_find_session(const char *sysfs, const char *iqn, const char *addr,
			     uint16_t port, char *session, size_t size);

/* session's state ("LOGGED_IN", "FAILED", "FREE").  0 or -errno. */
int iscsi_sysfs_session_state(const char *sysfs, const char *session, char *state,
			      size_t size);

/* The block device (sdX) of LUN lun of session.  0 or -ENOENT. */
int iscsi_sysfs_lun_dev(const char *sysfs, const char *session, uint32_t lun,
			char *dev, size_t size);

/* Every LUN block device of session, into devs[max]; how many, or -errno. */
int iscsi_sysfs_session_devs(const char *sysfs, const char *session,
			     char devs[][ISCSI_DEV_MAX], size_t max);

/* The session, target, portal and LUN of block device dev (sdX). */
int iscsi_sysfs_of_dev(const char *sysfs, const char *dev, struct iscsi_remote *out);

/* ---- open-iscsi (iscsi_host.c) ---- */

/* The child_resolvers.iscsi hook (as nvmf_host_resolve). */
int iscsi_host_resolve(const struct child_uri *uri, enum child_mode mode,
		       struct child_target *out, char *err, size_t errlen);

/*
 * Logs out of the session behind block device path (and deletes its node
 * record) if none of its LUNs is held open exclusively.  1 if it did, 0 if
 * not (not an iSCSI LUN, or still used), -errno.
 */
int iscsi_host_release_unused(const char *sysfs, const char *path);

/* iscsi://ADDR:PORT/IQN/LUN of a LUN's block device path, for the record. */
int iscsi_host_uri_of(const char *sysfs, const char *path, char *out, size_t size);

#endif /* AGENT_ISCSI_HOST_H */
