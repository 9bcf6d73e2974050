/* SPDX-License-Identifier: Apache-2.0 */
/* Replicas: identity from LV tags, list, create, destroy, resize. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <libnexus.h>

#include "pool.h"
#include "replica.h"
#include "size.h"

bool replica_name_valid(const char *name)
{
	/* mayastor_* names are ours (the thin pool); LVM has its own rules. */
	return pool_name_valid(name) && strncmp(name, "mayastor_", 9) != 0;
}

int replica_new_uuid(char buf[64])
{
	struct nexus_uuid u;
	char text[NEXUS_UUID_STRLEN + 1];

	if (getrandom(u.bytes, sizeof(u.bytes), 0) != (ssize_t)sizeof(u.bytes))
		return -EIO;
	u.bytes[6] = (uint8_t)((u.bytes[6] & 0x0f) | 0x40);	/* version 4 */
	u.bytes[8] = (uint8_t)((u.bytes[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(buf, 64, "%s", nexus_uuid_format(&u, text));
	return 0;
}

bool replica_from_lv(const struct lvm_lv *lv, struct replica_info *r)
{
	char value[16];

	memset(r, 0, sizeof(*r));
	r->snapshot = lvm_tags_has(lv->tags, LVM_TAG_SNAPSHOT);
	if (!r->snapshot && !lvm_tags_has(lv->tags, LVM_TAG_REPLICA))
		return false;
	snprintf(r->pool, sizeof(r->pool), "%s", lv->vg);
	snprintf(r->name, sizeof(r->name), "%s", lv->name);
	snprintf(r->path, sizeof(r->path), "/dev/%s/%s", lv->vg, lv->name);
	snprintf(r->time, sizeof(r->time), "%s", lv->time);
	lvm_tag_value(lv->tags, LVM_TAG_UUID, r->uuid, sizeof(r->uuid));
	lvm_tag_value(lv->tags, LVM_TAG_NEXUS, r->nexus, sizeof(r->nexus));
	lvm_tag_value(lv->tags, LVM_TAG_ORIGIN, r->origin, sizeof(r->origin));
	r->thin = strcmp(lv->segtype, "thin") == 0 ||
		  (lvm_tag_value(lv->tags, LVM_TAG_THIN, value, sizeof(value)) &&
		   strcmp(value, "1") == 0);
	r->active = lv->active;
	r->major = lv->major;
	r->minor = lv->minor;
	r->size = lv->size;
	r->used = r->thin ? (uint64_t)((double)lv->size * lv->data_percent / 100.0)
			  : lv->size;
	return true;
}

/* configfs says whether it is shared (the tags only say what to restore). */
static void add_share(struct replica_info *r)
{
	char nqn[NVMF_NQN_MAX + 1];

	r->shared = r->uuid[0] && nvmf_nqn(r->uuid, nqn, sizeof(nqn)) == 0 &&
		    nvmf_share_find(NVMF_CONFIGFS, nqn, &r->share) == 0;
}

void replica_uri(const struct replica_info *r, char *buf, size_t size)
{
	if (!r->shared || nvmf_uri(&r->share, buf, size))
		snprintf(buf, size, "bdev://%s", r->path);
}

/* Runs lvs for pool (NULL: all); a pool must exist and be ours. */
static int pool_lvs(const char *pool, struct lvm_lv_list *lvs, char *err, size_t errlen)
{
	int rc = lvm_report_lvs(pool, lvs, err, errlen);

	if (rc == -EIO && pool && strstr(err, "not found")) {
		snprintf(err, errlen, "no pool named %s", pool);
		return -ENOENT;
	}
	/* Every pool has its thin pool LV: no row means not a pool. */
	if (!rc && pool && (!lvs->count || !pool_vg_is_ours(&lvs->items[0].vgi))) {
		bool exists = lvs->count > 0;

		snprintf(err, errlen, exists ? "volume group %s is not a mayastor "
			 "pool; leaving it alone" : "no pool named %s", pool);
		lvm_lv_list_free(lvs);
		return exists ? -EPERM : -ENOENT;
	}
	return rc;
}

static int fill_replicas(const struct lvm_lv_list *lvs, bool snapshots,
			 struct replica_list *out, char *err, size_t errlen)
{
	out->items = calloc(lvs->count ? lvs->count : 1, sizeof(*out->items));
	out->count = 0;
	if (!out->items) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < lvs->count; i++) {
		struct replica_info *r = &out->items[out->count];

		if (pool_vg_is_ours(&lvs->items[i].vgi) &&
		    replica_from_lv(&lvs->items[i], r) && r->snapshot == snapshots) {
			add_share(r);
			out->count++;
		}
	}
	return 0;
}

int replica_list_get(const char *pool, bool snapshots, struct replica_list *out,
		     char *err, size_t errlen)
{
	struct lvm_lv_list lvs;
	int rc;

	out->items = NULL;
	out->count = 0;
	rc = pool_lvs(pool, &lvs, err, errlen);
	if (!rc)
		rc = fill_replicas(&lvs, snapshots, out, err, errlen);
	lvm_lv_list_free(&lvs);
	return rc;
}

void replica_list_free(struct replica_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

int replica_find(const char *pool, const char *name, bool snapshot,
		 struct replica_info *out, char *err, size_t errlen)
{
	const char *what = snapshot ? "snapshot" : "replica";
	struct replica_list l;
	size_t found = 0;
	int rc = replica_list_get(pool, snapshot, &l, err, errlen);

	for (size_t i = 0; !rc && i < l.count; i++) {
		if (strcmp(l.items[i].name, name) != 0)
			continue;
		if (!found++)
			*out = l.items[i];
	}
	replica_list_free(&l);
	if (rc)
		return rc;
	if (found > 1) {
		snprintf(err, errlen, "%s %s exists in %zu pools: name the pool too "
			 "(POOL/%s)", what, name, found, name);
		return -ENOTUNIQ;
	}
	if (!found) {
		if (pool)
			snprintf(err, errlen, "no %s %s in pool %s", what, name, pool);
		else
			snprintf(err, errlen, "no %s named %s", what, name);
		return -ENOENT;
	}
	return 0;
}

/* ---- create ----------------------------------------------------------------- */

static uint64_t round_up_extent(uint64_t size)
{
	return (size + LVM_EXTENT_SIZE - 1) / LVM_EXTENT_SIZE * LVM_EXTENT_SIZE;
}

/* What check_pool() checks room for: a new LV, or r growing to size. */
struct space_need {
	const char *pool;
	const char *name;		/* new LV: must be free */
	const struct replica_info *grow;	/* or this LV, growing */
	uint64_t size;
	bool thin;
};

static int no_space(const struct space_need *n, uint64_t free, char *err,
		    size_t errlen)
{
	char want[SIZE_STR_MAX], have[SIZE_STR_MAX];

	size_format(n->size, want);
	size_format(free, have);
	if (n->grow)
		snprintf(err, errlen, "not enough space to grow thick replica %s to %s: "
			 "pool %s has %s free", n->grow->name, want, n->pool, have);
	else
		snprintf(err, errlen, "not enough space for a thick replica of %s: "
			 "pool %s has %s free", want, n->pool, have);
	return -ENOSPC;
}

/*
 * Checks a new or growing LV fits the pool, extending the thin pool first
 * if the policy says so: the pool's lvs report, one call, says everything.
 */
static int check_pool(const struct space_need *n, char *err, size_t errlen)
{
	uint64_t more = round_up_extent(n->size) - (n->grow ? n->grow->size : 0);
	struct lvm_lv_list lvs;
	struct pool_info info;
	char ignored[256];
	bool extended;
	int rc = pool_lvs(n->pool, &lvs, err, errlen);

	if (!rc && n->name && lvm_lv_find(&lvs, n->pool, n->name)) {
		snprintf(err, errlen, "pool %s already has a volume named %s", n->pool,
			 n->name);
		rc = -EEXIST;
	}
	if (!rc && pool_info_from_lvs(&lvs, n->pool, &info)) {
		if (!n->thin && info.free < more) {
			rc = no_space(n, info.free, err, errlen);
		} else if (n->thin) {
			/* A pool that cannot grow still takes thin replicas. */
			pool_maintain(&info, &extended, ignored, sizeof(ignored));
		}
	}
	lvm_lv_list_free(&lvs);
	return rc;
}

static int created(const char *pool, const char *name, bool snapshot,
		   struct replica_info *out, char *err, size_t errlen)
{
	return out ? replica_find(pool, name, snapshot, out, err, errlen) : 0;
}

int replica_create(const struct replica_create_req *req, struct replica_info *out,
		   char *err, size_t errlen)
{
	char uuid[64], tag_uuid[100], tag_nexus[200];
	const char *tags[] = { LVM_TAG_REPLICA, tag_uuid,
			       req->thin ? LVM_TAG_THIN "1" : LVM_TAG_THIN "0",
			       req->nexus ? tag_nexus : NULL, NULL };
	struct lvm_cmd c;
	int rc;

	if (req->uuid)
		snprintf(uuid, sizeof(uuid), "%s", req->uuid);
	else if (replica_new_uuid(uuid))
		return snprintf(err, errlen, "cannot make a UUID"), -EIO;
	snprintf(tag_uuid, sizeof(tag_uuid), "%s%s", LVM_TAG_UUID, uuid);
	snprintf(tag_nexus, sizeof(tag_nexus), "%s%s", LVM_TAG_NEXUS,
		 req->nexus ? req->nexus : "");
	rc = check_pool(&(struct space_need){ .pool = req->pool, .name = req->name,
					     .size = req->size, .thin = req->thin },
			err, errlen);
	if (rc)
		return rc;
	lvm_cmd_lv_create(&c, req->pool, req->name, req->size, req->thin, tags);
	rc = lvm_run(&c, NULL, err, errlen);
	return rc ? rc : created(req->pool, req->name, false, out, err, errlen);
}

/* ---- destroy, resize ----------------------------------------------------------- */

int replica_destroy(const struct replica_info *r, char *err, size_t errlen)
{
	struct lvm_cmd c;

	if (r->shared) {
		int rc = nvmf_share_remove(NVMF_CONFIGFS, r->share.nqn, err, errlen);

		if (rc && rc != -ENOENT)
			return rc;
	}
	lvm_cmd_lvremove(&c, r->pool, r->name);
	return lvm_run(&c, NULL, err, errlen);
}

/* Tells nvmet the namespace grew, so hosts see the new size. */
static void revalidate_share(const struct replica_info *r)
{
	char path[PATH_MAX];
	FILE *f;

	if (!r->shared ||
	    nvmf_subsys_path(path, sizeof(path), NVMF_CONFIGFS, r->share.nqn,
			     "namespaces/1/revalidate_size"))
		return;
	f = fopen(path, "we");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

int replica_resize(const struct replica_info *r, uint64_t size, char *err,
		   size_t errlen)
{
	char have[SIZE_STR_MAX];
	struct lvm_cmd c;
	int rc;

	if (r->snapshot) {
		snprintf(err, errlen, "snapshots cannot be resized");
		return -EINVAL;
	}
	if (round_up_extent(size) <= r->size) {
		snprintf(err, errlen, "replica is %s already: it can only grow",
			 size_format(r->size, have));
		return -EINVAL;
	}
	rc = check_pool(&(struct space_need){ .pool = r->pool, .grow = r, .size = size,
					     .thin = r->thin },
			err, errlen);
	if (rc)
		return rc;
	lvm_cmd_lvextend(&c, r->pool, r->name, size);
	rc = lvm_run(&c, NULL, err, errlen);
	if (!rc)
		revalidate_share(r);
	return rc;
}

/* ---- lvol:// children --------------------------------------------------------------- */

int replica_resolve_lvol(const struct child_uri *uri, enum child_mode mode,
			 struct child_target *out, char *err, size_t errlen)
{
	struct replica_info r;
	int rc = replica_find(uri->host, uri->path, false, &r, err, errlen);

	(void)mode;	/* an LV is there or not: nothing to attach */
	if (rc)
		return rc;
	if (!r.active) {
		snprintf(err, errlen, "replica %s/%s is not active (pool import %s)",
			 r.pool, r.name, r.pool);
		return -ENODEV;
	}
	if (strlen(r.path) > NEXUS_PATH_MAX) {
		snprintf(err, errlen, "path longer than %d characters", NEXUS_PATH_MAX);
		return -ENAMETOOLONG;
	}
	memcpy(out->path, r.path, strlen(r.path) + 1);	/* length checked above */
	return 0;
}
