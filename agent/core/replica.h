/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replicas, snapshots and clones: LVs of a pool, known by their tags
 * (lvm.h: mayastor_replica or mayastor_snapshot, mayastor_uuid:,
 * mayastor_thin:, mayastor_nexus:, mayastor_origin:).  A thin replica is
 * a thin LV of the pool's thin pool, a thick one a linear LV; snapshots
 * are read-only thin snapshots, clones writable thin snapshots of a
 * snapshot (and replicas themselves).  Shares: nvmf.h, with the share's
 * settings mirrored in mayastor_share* tags so it can be made again after
 * a reboot (replica_reshare_pool()).
 */
#ifndef AGENT_REPLICA_H
#define AGENT_REPLICA_H

#include "child.h"
#include "lvm.h"
#include "nvmf.h"

struct replica_info {
	char pool[LVM_NAME_MAX];
	char name[LVM_NAME_MAX];
	char uuid[64];
	char path[PATH_MAX];		/* /dev/POOL/NAME */
	char nexus[LVM_NAME_MAX];	/* owning nexus, "" if none */
	char origin[LVM_NAME_MAX];	/* snapshot: replica; clone: snapshot */
	char time[40];
	bool thin, snapshot, active;
	int major, minor;		/* of the active LV, else -1 */
	uint64_t size, used;
	bool shared;			/* share is valid */
	struct nvmf_share share;
};

struct replica_list {
	struct replica_info *items;
	size_t count;
};

/* Names of replicas and snapshots: like pool names, not mayastor_*. */
bool replica_name_valid(const char *name);

/* Fills r from an LV of ours (pure); false if the LV is not ours. */
bool replica_from_lv(const struct lvm_lv *lv, struct replica_info *r);

/* Replicas (snapshots false) or snapshots of pool (NULL: all pools). */
int replica_list_get(const char *pool, bool snapshots, struct replica_list *out,
		     char *err, size_t errlen);
void replica_list_free(struct replica_list *l);

/*
 * Finds NAME (pool NULL: in any pool, -ENOTUNIQ if several have it).
 * -ENOENT when there is none.
 */
int replica_find(const char *pool, const char *name, bool snapshot,
		 struct replica_info *out, char *err, size_t errlen);

struct replica_create_req {
	const char *pool, *name;
	uint64_t size;
	bool thin;
	const char *uuid;	/* NULL: a random one */
	const char *nexus;	/* owner, or NULL */
};

int replica_create(const struct replica_create_req *req, struct replica_info *out,
		   char *err, size_t errlen);
/* Unshares first. */
int replica_destroy(const struct replica_info *r, char *err, size_t errlen);
/* Grow only, online. */
int replica_resize(const struct replica_info *r, uint64_t size, char *err,
		   size_t errlen);

/* A read-only thin snapshot NAME of a thin replica. */
int snapshot_create(const struct replica_info *r, const char *name,
		    struct replica_info *out, char *err, size_t errlen);
/* A writable thin snapshot NAME of a snapshot: a new thin replica. */
int clone_create(const struct replica_info *snap, const char *name,
		 struct replica_info *out, char *err, size_t errlen);

struct replica_share_req {
	const char *addr;		/* NULL: nvmf_default_address() */
	uint16_t port;			/* 0: NVMF_PORT_DEFAULT */
	const char *const *hosts;
	size_t n_hosts;
	bool any_host;
};

int replica_share(const struct replica_info *r, const struct replica_share_req *req,
		  struct replica_info *out, char *err, size_t errlen);
int replica_unshare(const struct replica_info *r, char *err, size_t errlen);
/* Unshares every replica of pool (before a forced destroy). */
int replica_unshare_pool(const char *pool, char *err, size_t errlen);
/*
 * Shares pool/name again as its mayastor_share* tags say it was shared,
 * unless configfs has the share already (after a reboot: for the daemon).
 * 0 also when the tags record no share; -ENOENT if there is no such LV.
 */
int replica_reshare(const char *pool, const char *name, char *err, size_t errlen);
/* replica_reshare() of every replica of pool; the first error is returned. */
int replica_reshare_pool(const char *pool, char *err, size_t errlen);

/* "nvmf://..." when shared, else "bdev:///dev/POOL/NAME". */
void replica_uri(const struct replica_info *r, char *buf, size_t size);

/* The lvol://POOL/REPLICA resolver (child_resolvers.lvol). */
int replica_resolve_lvol(const struct child_uri *uri, enum child_mode mode,
			 struct child_target *out, char *err, size_t errlen);

/*
 * Quiescing a device before snapshots (snapshot_quiesce.c): a mounted
 * file system is frozen (FIFREEZE) until quiesce_end(); a raw device is
 * only flushed (fsync, BLKFLSBUF), as there is nobody to hold off.
 */
struct quiesce {
	int fd;
	bool frozen;
	char mountpoint[PATH_MAX];
};

int quiesce_start(const char *device, struct quiesce *q, char *err, size_t errlen);
void quiesce_end(struct quiesce *q);

/* Random version 4 UUID, 36 characters. */
int replica_new_uuid(char buf[64]);

#endif /* AGENT_REPLICA_H */
