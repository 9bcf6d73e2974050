/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmf:// children: the initiator side of NVMe-oF/TCP (nvmf.h is the
 * target side).  A child nvmf://HOST[:PORT]/NQN is connected through the
 * kernel's nvme-tcp (with libnvme), or a controller this host already has
 * to that subsystem at that address is reused; its namespace's block
 * device is found in sysfs, never guessed from names.  The controller is
 * disconnected when no namespace of its subsystem is held any more (the
 * last nexus child using it went).
 *
 * Every sysfs lookup takes the sysfs root ("/sys", NVMF_SYSFS) so that the
 * unit tests run them on a fake tree:
 *   class/nvme-subsystem/nvme-subsysN/{subsysnqn, nvmeC -> ctrl, nvmeXnY/}
 *   class/nvme/nvmeC/{transport, address, state, delete_controller, nvmeCnY/}
 * (a namespace is nvmeXnY in its subsystem with native multipath, in its
 * controller's directory without).
 */
#ifndef AGENT_NVMF_HOST_H
#define AGENT_NVMF_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "nvmf.h"
#include "uri.h"

#define NVMF_SYSFS "/sys"
#define NVMF_HOST_DIR "/etc/nvme"	/* hostnqn, hostid */
#define NVMF_CTRL_NAME_MAX 32

/*
 * The defaults of an nvmf:// child (seconds), each overridable by the
 * query parameter of the same name.  With them a child whose target dies
 * fails its IO, and so is FAULTED by the nexus, fast_io_fail_tmo after
 * the connection is torn down: at once when the target closes it (about
 * 5 s in all), after about 4 x keep_alive_tmo + 2 s when the target falls
 * silent (about 16 s): docs/remote-children.md.
 */
#define NVMF_HOST_CTRL_LOSS_TMO 30
#define NVMF_HOST_RECONNECT_DELAY 2
#define NVMF_HOST_FAST_IO_FAIL_TMO 2
#define NVMF_HOST_KEEP_ALIVE_TMO 3

struct nvmf_remote {
	char ctrl[NVMF_CTRL_NAME_MAX];	/* nvmeC */
	char nqn[NVMF_NQN_MAX + 1];
	char traddr[NVMF_ADDR_MAX];
	uint16_t port;
};

/* ---- sysfs (nvmf_sysfs.c) ---- */

/*
 * The nvme-tcp controller of subsystem nqn at traddr:port (numeric address,
 * as the kernel shows it): its name into ctrl.  0 or -ENOENT.  One that is
 * being deleted does not count.
 */
int nvmf_sysfs_find_ctrl(const char *sysfs, const char *nqn, const char *traddr,
			 uint16_t port, char *ctrl, size_t size);

/* Attribute attr of controller ctrl (kato, ctrl_loss_tmo...).  0 or -errno. */
int nvmf_sysfs_ctrl_attr(const char *sysfs, const char *ctrl, const char *attr,
			 char *buf, size_t size);

/* ctrl's state ("live", "connecting", ...).  0 or -errno. */
int nvmf_sysfs_ctrl_state(const char *sysfs, const char *ctrl, char *state,
			  size_t size);

/*
 * The block device (nvmeXnY) of the namespace of ctrl's subsystem with the
 * lowest namespace ID.  0, or -ENOENT while there is none.
 */
int nvmf_sysfs_namespace(const char *sysfs, const char *ctrl, char *dev,
			 size_t size);

/*
 * The nvme-tcp controller behind block device dev (nvmeXnY, no /dev/), its
 * subsystem's NQN and its address.  -ENOENT when dev is not a namespace of
 * an nvme-tcp controller.
 */
int nvmf_sysfs_of_namespace(const char *sysfs, const char *dev,
			    struct nvmf_remote *out);

/*
 * Every namespace block device of ctrl's subsystem (nvmeXnY), into
 * devs[max]; the number found, or -errno.
 */
int nvmf_sysfs_namespaces(const char *sysfs, const char *ctrl,
			  char devs[][NVMF_CTRL_NAME_MAX], size_t max);

/* Asks the kernel to disconnect ctrl (delete_controller). */
int nvmf_sysfs_delete_ctrl(const char *sysfs, const char *ctrl);

/* ---- host identity and connections (nvmf_host.c) ---- */

/*
 * This host's NQN and ID from dir/hostnqn and dir/hostid, made as
 * `nvme gen-hostnqn` would (and the ID from the NQN's UUID) when missing.
 */
int nvmf_host_ids(const char *dir, char *nqn, size_t nqn_size, char *id,
		  size_t id_size, char *err, size_t errlen);

/*
 * The child_resolvers.nvmf hook: CHILD_ATTACH connects (or reuses a
 * connected controller) and waits for the namespace; CHILD_LOOKUP only
 * finds it.  out->path is /dev/nvmeXnY; out->nvmf_ctrl names the
 * controller and out->remote_connected says whether this call connected it.
 */
int nvmf_host_resolve(const struct child_uri *uri, enum child_mode mode,
		      struct child_target *out, char *err, size_t errlen);

/*
 * Disconnects the nvme-tcp controller behind block device path (a
 * /dev/nvmeXnY that was a nexus child) if no namespace of its subsystem
 * is held open exclusively any more.  1 if it did, 0 if not (not an nvmf
 * namespace, or still used), -errno.
 */
int nvmf_host_release_unused(const char *sysfs, const char *path);

/*
 * nvmf://TRADDR:PORT/NQN of a namespace block device path, for the record,
 * with the controller's timeouts as query parameters where they differ
 * from the defaults.
 */
int nvmf_host_uri_of(const char *sysfs, const char *path, char *out, size_t size);

#endif /* AGENT_NVMF_HOST_H */
