/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Assembling nexuses from their children's labels: used by
 * `mayastor-client nexus assemble` and by the daemon at start-up.
 *
 * The kernel applies the assembly rules (docs/on-disk-format.md) when it is
 * given the devices; userspace only finds them: it reads the labels of
 * block devices, groups them by nexus UUID and asks for each group.
 */
#ifndef AGENT_ASSEMBLE_H
#define AGENT_ASSEMBLE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "label.h"
#include "libnexus.h"

struct assemble_member {
	char path[PATH_MAX];		/* /dev/NAME */
	struct label label;
};

/* The devices labelled for one nexus. */
struct assemble_group {
	char name[NEXUS_NAME_MAX + 1];	/* from the newest label */
	uint8_t uuid[NEXUS_UUID_LEN];
	uint64_t generation;		/* newest */
	struct assemble_member *members;	/* owned */
	size_t n;
};

struct assemble_scan {
	struct assemble_group *groups;	/* owned */
	size_t n;
};

/*
 * Reads the label of the block device (or image file) at path.  0, or
 * -ENODATA (none), -EBADMSG (damaged, *why says how), -errno of open/read.
 */
int assemble_read_label(const char *path, struct label *out, const char **why);

/*
 * Reads the labels of every block device listed in sysfs_block (normally
 * "/sys/class/block"), as dev_dir/NAME (normally "/dev"), skipping devices
 * held by another (a dm or md device above them: the one on top is read)
 * and those without a valid label, and groups them by nexus UUID.
 * 0 or -errno; release with assemble_scan_free().
 */
int assemble_scan_devices(const char *sysfs_block, const char *dev_dir,
			  struct assemble_scan *out);
void assemble_scan_free(struct assemble_scan *scan);

/* Adds one labelled device to the scan (exposed for unit tests). */
int assemble_scan_add(struct assemble_scan *scan, const char *path,
		      const struct label *label);

/*
 * Asks nexus.ko to assemble nexus name from devices (block device paths).
 * flags: NEXUS_F_FORCE (split brain: keep the newest).  0 or -errno, the
 * kernel's reason in nexus_last_error(h).
 */
int assemble_devices(struct nexus_handle *h, const char *name,
		     const char *const *devices, size_t n, uint32_t flags);

/*
 * Drops from g the devices that g's newest label no longer lists as members
 * (a removed child, a member forgotten while missing, come back).
 * assemble_scan_devices() does it for every group.
 */
void assemble_group_drop_removed(struct assemble_group *g);

/*
 * Leaves out of devices (compacting it) those whose label the newest label
 * among them no longer lists as a member: children removed, or members
 * forgotten while missing, that have come back.  The kernel would refuse
 * the whole assembly for one of them.  dropped (may be NULL) is told of
 * each.  Devices without a readable label stay (the kernel says why).
 * Returns the new count.
 */
size_t assemble_drop_removed(const char **devices, size_t n,
			     void (*dropped)(const char *device, void *arg),
			     void *arg);

/* assemble_devices() for one group of a scan. */
int assemble_group(struct nexus_handle *h, const struct assemble_group *group,
		   uint32_t flags);

#endif /* AGENT_ASSEMBLE_H */
