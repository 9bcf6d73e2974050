/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pools: an LVM volume group tagged mayastor_pool holding one thin pool LV
 * (LVM_THIN_POOL).  Thin replicas live in the thin pool, thick replicas
 * are linear LVs in the VG's free space, and the thin pool grows into
 * that free space (pool_maintain()) unless autoextend is off.  LVM is the
 * only store: everything here is recomputed from its reports.
 */
#ifndef AGENT_POOL_H
#define AGENT_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lvm.h"

#define POOL_MAX_DISKS 16
/* The thin pool is extended when its data or metadata is this full. */
#define POOL_EXTEND_PERCENT 70.0

struct pool_info {
	char name[LVM_NAME_MAX];
	char uuid[64];
	const char *state;	/* "online", "full", "degraded", "faulted", "offline" */
	uint64_t capacity;	/* VG size */
	uint64_t used;		/* thick LVs + thin pool data in use */
	uint64_t free;		/* VG space no LV has (for thick replicas) */
	uint64_t thin_size;	/* data size of the thin pool */
	uint64_t metadata_size;
	double data_percent, metadata_percent;
	bool thin_present;	/* false: the thin pool LV is missing */
	bool autoextend;
	size_t n_replicas, n_snapshots;
	size_t n_disks;
	char disks[POOL_MAX_DISKS][PATH_MAX];
};

struct pool_list {
	struct pool_info *items;
	size_t count;
};

/* A pool name is a VG name we accept: 1-31 of [A-Za-z0-9._-], not "."/"..". */
bool pool_name_valid(const char *name);

/* Is vg ours (tagged mayastor_pool)? */
bool pool_vg_is_ours(const struct lvm_vg *vg);

/*
 * Fills info of VG name from LVM's reports (pure: unit-tested with real
 * reports); false if vgs has no such VG.
 */
bool pool_info_from(const struct lvm_vg_list *vgs, const char *name,
		    const struct lvm_lv_list *lvs, struct pool_info *info);
/* The same from an lvs report alone (no disks); false if no LV is in name. */
bool pool_info_from_lvs(const struct lvm_lv_list *lvs, const char *name,
			struct pool_info *info);

/*
 * Every pool of ours (name NULL) or just name.  Pools that need it are
 * extended first (pool_maintain()).  -ENOENT if name is not one of ours.
 */
int pool_list_get(const char *name, struct pool_list *out, char *err, size_t errlen);
void pool_list_free(struct pool_list *l);

struct pool_create_req {
	const char *name;
	const char *const *disks;	/* paths or URIs (aio://, bdev://) */
	size_t n_disks;
	bool autoextend;
};

/* Every step is undone if a later one fails.  err: one line. */
int pool_create(const struct pool_create_req *req, char *err, size_t errlen);
/*
 * Refuses (-EBUSY) while replicas or snapshots exist, unless force; with
 * force, while one of them is open (unshare them first: nvmet holds them).
 */
int pool_destroy(const char *name, bool force, char *err, size_t errlen);
/*
 * Finds pool name again after a reboot: attaches the given disks that are
 * files (block devices need nothing), rescans, activates the VG's LVs.
 */
int pool_import(const char *name, const char *const *disks, size_t n_disks,
		char *err, size_t errlen);

/*
 * The autoextend policy: grows the thin pool's data (or metadata) by 20%
 * (at least what is needed) when it is POOL_EXTEND_PERCENT full or out of
 * space, within the VG's free space.  *extended says whether it did.
 */
int pool_maintain(const struct pool_info *info, bool *extended, char *err,
		  size_t errlen);

/* 0 if name is one of our pools, -ENOENT/-EPERM with a message otherwise. */
int pool_check_ours(const char *name, char *err, size_t errlen);

#endif /* AGENT_POOL_H */
