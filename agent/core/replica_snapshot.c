/* SPDX-License-Identifier: Apache-2.0 */
/* Snapshots (read-only thin snapshots) and clones (writable ones). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "replica.h"

static int take(const struct replica_info *src, const char *name, bool writable,
		const char *const *tags, struct replica_info *out, char *err,
		size_t errlen)
{
	struct lvm_cmd c;
	int rc;

	/* A name taken already: LVM says so ("Logical Volume ... already exists"). */
	lvm_cmd_snapshot(&c, src->pool, src->name, name, writable, tags);
	rc = lvm_run(&c, NULL, err, errlen);
	if (rc || !out)
		return rc;
	return replica_find(src->pool, name, !writable, out, err, errlen);
}

int snapshot_create(const struct replica_info *r, const char *name,
		    struct replica_info *out, char *err, size_t errlen)
{
	char uuid[64], tag_uuid[100], tag_origin[200];
	const char *tags[] = { LVM_TAG_SNAPSHOT, tag_uuid, tag_origin, NULL };

	if (!r->thin) {
		/*
		 * A thin snapshot of a thick LV would make the LV read-only
		 * (an external origin), and an old-style snapshot needs its
		 * own space: only thin replicas have snapshots.
		 */
		snprintf(err, errlen, "replica %s is thick: only thin replicas have "
			 "snapshots", r->name);
		return -EOPNOTSUPP;
	}
	if (replica_new_uuid(uuid))
		return snprintf(err, errlen, "cannot make a UUID"), -EIO;
	snprintf(tag_uuid, sizeof(tag_uuid), "%s%s", LVM_TAG_UUID, uuid);
	snprintf(tag_origin, sizeof(tag_origin), "%s%s", LVM_TAG_ORIGIN, r->name);
	return take(r, name, false, tags, out, err, errlen);
}

int clone_create(const struct replica_info *snap, const char *name,
		 struct replica_info *out, char *err, size_t errlen)
{
	char uuid[64], tag_uuid[100], tag_origin[200];
	const char *tags[] = { LVM_TAG_REPLICA, LVM_TAG_THIN "1", tag_uuid,
			       tag_origin, NULL };

	if (replica_new_uuid(uuid))
		return snprintf(err, errlen, "cannot make a UUID"), -EIO;
	snprintf(tag_uuid, sizeof(tag_uuid), "%s%s", LVM_TAG_UUID, uuid);
	snprintf(tag_origin, sizeof(tag_origin), "%s%s", LVM_TAG_ORIGIN, snap->name);
	return take(snap, name, true, tags, out, err, errlen);
}
