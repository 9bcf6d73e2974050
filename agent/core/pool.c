/* SPDX-License-Identifier: Apache-2.0 */
/* Pools: what they are made of (LVM reports) and their lifecycle. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "pool.h"

#define POOL_NAME_MAX 31

bool pool_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > POOL_NAME_MAX || name[0] == '-' ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._-", *p)))
			return false;
	return true;
}

bool pool_vg_is_ours(const struct lvm_vg *vg)
{
	return lvm_tags_has(vg->tags, LVM_TAG_POOL);
}

/* ---- what a pool is ------------------------------------------------------ */

static const char *thin_state(const struct lvm_lv *tp)
{
	if (!tp->active)
		return "offline";
	if (strcmp(tp->health, "out_of_data") == 0 ||
	    (tp->data_percent_present && tp->data_percent >= 100.0))
		return "full";
	if (strcmp(tp->health, "partial") == 0)
		return "degraded";
	if (tp->health[0])
		return "faulted";	/* metadata_read_only, failed */
	return "online";
}

static void add_lv(struct pool_info *info, const struct lvm_lv *lv)
{
	if (strcmp(lv->name, LVM_THIN_POOL) == 0) {
		info->thin_present = true;
		info->thin_size = lv->size;
		info->metadata_size = lv->metadata_size;
		info->data_percent = lv->data_percent;
		info->metadata_percent = lv->metadata_percent;
		info->used += (uint64_t)((double)lv->size * lv->data_percent / 100.0);
		info->state = thin_state(lv);
		return;
	}
	if (lvm_tags_has(lv->tags, LVM_TAG_SNAPSHOT))
		info->n_snapshots++;
	else if (lvm_tags_has(lv->tags, LVM_TAG_REPLICA))
		info->n_replicas++;
	if (strcmp(lv->segtype, "thin") != 0)
		info->used += lv->size;	/* thick: all of it is allocated */
}

static void info_init(const struct lvm_vg *vg, struct pool_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", vg->name);
	snprintf(info->uuid, sizeof(info->uuid), "%s", vg->uuid);
	info->capacity = vg->size;
	info->free = vg->free;
	info->autoextend = !lvm_tags_has(vg->tags, LVM_TAG_NO_AUTOEXTEND);
	info->state = "faulted";	/* unless the thin pool is found */
}

static void add_lvs(const struct lvm_lv_list *lvs, struct pool_info *info)
{
	for (size_t i = 0; i < lvs->count; i++)
		if (strcmp(lvs->items[i].vg, info->name) == 0)
			add_lv(info, &lvs->items[i]);
}

bool pool_info_from(const struct lvm_vg_list *vgs, const char *name,
		    const struct lvm_lv_list *lvs, struct pool_info *info)
{
	bool found = false;

	for (size_t i = 0; i < vgs->count; i++) {
		const struct lvm_vg *vg = &vgs->items[i];

		if (strcmp(vg->name, name) != 0)
			continue;
		if (!found)
			info_init(vg, info);
		found = true;
		if (vg->pv[0] && info->n_disks < POOL_MAX_DISKS)
			snprintf(info->disks[info->n_disks++], sizeof(info->disks[0]),
				 "%s", vg->pv);
	}
	if (found)
		add_lvs(lvs, info);
	return found;
}

bool pool_info_from_lvs(const struct lvm_lv_list *lvs, const char *name,
			struct pool_info *info)
{
	for (size_t i = 0; i < lvs->count; i++) {
		if (strcmp(lvs->items[i].vg, name) != 0)
			continue;
		info_init(&lvs->items[i].vgi, info);
		snprintf(info->name, sizeof(info->name), "%s", name);
		add_lvs(lvs, info);
		return true;
	}
	return false;
}

/* ---- reading -------------------------------------------------------------- */

/* Is name among vgs, and ours?  0, -ENOENT or -EPERM with err filled. */
static int find_ours(const struct lvm_vg_list *vgs, const char *name, char *err,
		     size_t errlen)
{
	for (size_t i = 0; i < vgs->count; i++) {
		if (strcmp(vgs->items[i].name, name) != 0)
			continue;
		if (pool_vg_is_ours(&vgs->items[i]))
			return 0;
		snprintf(err, errlen, "volume group %s is not a mayastor pool (it has "
			 "no %s tag); leaving it alone", name, LVM_TAG_POOL);
		return -EPERM;
	}
	snprintf(err, errlen, "no pool named %s", name);
	return -ENOENT;
}

int pool_check_ours(const char *name, char *err, size_t errlen)
{
	struct lvm_vg_list vgs;
	int rc;

	/* All VGs: "vgs NAME" fails with a less helpful message. */
	rc = lvm_report_vgs(NULL, &vgs, err, errlen);
	if (!rc)
		rc = find_ours(&vgs, name, err, errlen);
	lvm_vg_list_free(&vgs);
	return rc;
}

static bool seen(const struct pool_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return true;
	return false;
}

static int fill_list(const struct lvm_vg_list *vgs, const struct lvm_lv_list *lvs,
		     const char *name, struct pool_list *out)
{
	out->items = calloc(vgs->count ? vgs->count : 1, sizeof(*out->items));
	out->count = 0;
	if (!out->items)
		return -ENOMEM;
	for (size_t i = 0; i < vgs->count; i++) {
		const struct lvm_vg *vg = &vgs->items[i];

		if (!pool_vg_is_ours(vg) || (name && strcmp(vg->name, name) != 0) ||
		    seen(out, vg->name))
			continue;
		pool_info_from(vgs, vg->name, lvs, &out->items[out->count++]);
	}
	return 0;
}

/* Extends what needs it; true if anything changed (reports are stale). */
static bool maintain_all(const struct pool_list *l)
{
	bool any = false;

	for (size_t i = 0; i < l->count; i++) {
		char ignored[256];
		bool extended = false;

		/* A pool that cannot grow stays full: its state says so. */
		pool_maintain(&l->items[i], &extended, ignored, sizeof(ignored));
		any |= extended;
	}
	return any;
}

static int list_once(const char *name, struct pool_list *out, char *err, size_t errlen)
{
	struct lvm_vg_list vgs;
	struct lvm_lv_list lvs = { 0 };
	int rc;

	out->items = NULL;
	out->count = 0;
	rc = lvm_report_vgs(NULL, &vgs, err, errlen);
	if (!rc && name)
		rc = find_ours(&vgs, name, err, errlen);
	if (!rc)
		rc = lvm_report_lvs(name, &lvs, err, errlen);
	if (!rc && fill_list(&vgs, &lvs, name, out)) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	}
	lvm_vg_list_free(&vgs);
	lvm_lv_list_free(&lvs);
	return rc;
}

int pool_list_get(const char *name, struct pool_list *out, char *err, size_t errlen)
{
	int rc = list_once(name, out, err, errlen);

	if (rc || !maintain_all(out))
		return rc;
	pool_list_free(out);
	return list_once(name, out, err, errlen);
}

void pool_list_free(struct pool_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

/* ---- autoextend ------------------------------------------------------------ */

static uint64_t round_extents(uint64_t bytes)
{
	return bytes / LVM_EXTENT_SIZE * LVM_EXTENT_SIZE;
}

static int grow_data(const struct pool_info *info, bool *extended, char *err,
		     size_t errlen)
{
	uint64_t grow = round_extents(info->thin_size / 5);
	struct lvm_cmd c;
	int rc;

	if (grow < LVM_EXTENT_SIZE)
		grow = LVM_EXTENT_SIZE;
	if (grow > round_extents(info->free))
		grow = round_extents(info->free);
	if (!grow)
		return 0;	/* no room left in the VG */
	lvm_cmd_lvextend(&c, info->name, LVM_THIN_POOL, info->thin_size + grow);
	rc = lvm_run(&c, NULL, err, errlen);
	*extended |= rc == 0;
	return rc;
}

static int grow_metadata(const struct pool_info *info, bool *extended, char *err,
			 size_t errlen)
{
	uint64_t grow = info->metadata_size;	/* double it: it is small */
	struct lvm_cmd c;
	int rc;

	/* The spare grows along with the metadata: twice the room. */
	if (!grow || 2 * grow > round_extents(info->free))
		return 0;
	lvm_cmd_extend_metadata(&c, info->name, info->metadata_size + grow);
	rc = lvm_run(&c, NULL, err, errlen);
	*extended |= rc == 0;
	return rc;
}

int pool_maintain(const struct pool_info *info, bool *extended, char *err,
		  size_t errlen)
{
	int rc = 0;

	*extended = false;
	if (!info->autoextend || !info->thin_present)
		return 0;
	if (info->metadata_percent >= POOL_EXTEND_PERCENT)
		rc = grow_metadata(info, extended, err, errlen);
	if (!rc && (info->data_percent >= POOL_EXTEND_PERCENT ||
		    strcmp(info->state, "full") == 0))
		rc = grow_data(info, extended, err, errlen);
	return rc;
}

/* ---- create ---------------------------------------------------------------- */

struct create_state {
	struct child_target targets[POOL_MAX_DISKS];
	const char *paths[POOL_MAX_DISKS];
	size_t n_targets;	/* resolved (loop devices held) */
	size_t n_pvs;		/* pvcreate'd */
	bool vg, thin_pool;
};

/*
 * mode CHILD_ATTACH attaches files to new loop devices; CHILD_LOOKUP (for
 * import) takes the loop device a file has already, if any, and attaches
 * one only if not: two loop devices of one file would be duplicate PVs.
 */
static int resolve_disks(const struct pool_create_req *req, enum child_mode mode,
			 struct create_state *s, char *err, size_t errlen)
{
	char why[512];

	for (size_t i = 0; i < req->n_disks; i++) {
		/* No hooks: lvol and nvmf disks make no sense under a pool. */
		int rc = child_resolve(req->disks[i], mode, NULL, &s->targets[i],
				       why, sizeof(why));

		if (rc && mode == CHILD_LOOKUP && s->targets[i].via_loop)
			rc = child_resolve(req->disks[i], CHILD_ATTACH, NULL,
					   &s->targets[i], why, sizeof(why));

		if (rc) {
			snprintf(err, errlen, "disk %s: %s", req->disks[i], why);
			return rc;
		}
		s->paths[i] = s->targets[i].path;
		s->n_targets = i + 1;
	}
	return 0;
}

static int make_pvs(const struct pool_create_req *req, struct create_state *s,
		    char *err, size_t errlen)
{
	char why[512];

	for (size_t i = 0; i < s->n_targets; i++) {
		struct lvm_cmd c;
		int rc;

		lvm_cmd_pvcreate(&c, s->paths[i]);
		rc = lvm_run(&c, NULL, why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "disk %s: %s", req->disks[i], why);
			return rc;
		}
		s->n_pvs = i + 1;
	}
	return 0;
}

static int make_vg(const struct pool_create_req *req, struct create_state *s,
		   char *err, size_t errlen)
{
	const char *tags[] = { req->autoextend ? NULL : LVM_TAG_NO_AUTOEXTEND, NULL };
	struct lvm_cmd c;
	int rc;

	lvm_cmd_vgcreate(&c, req->name, s->paths, s->n_targets, tags);
	rc = lvm_run(&c, NULL, err, errlen);
	if (rc)
		return rc;
	s->vg = true;
	lvm_cmd_thin_pool(&c, req->name);
	rc = lvm_run(&c, NULL, err, errlen);
	if (rc)
		return rc;
	s->thin_pool = true;
	lvm_cmd_error_when_full(&c, req->name);
	return lvm_run(&c, NULL, err, errlen);
}

/* Undoes what was done, newest first; errors here cannot be helped. */
static void rollback(const struct pool_create_req *req, struct create_state *s)
{
	char ignored[512];
	struct lvm_cmd c;

	if (s->vg) {
		lvm_cmd_vgremove(&c, req->name);
		lvm_run(&c, NULL, ignored, sizeof(ignored));
	}
	for (size_t i = s->n_pvs; i-- > 0;) {
		lvm_cmd_pvremove(&c, s->paths[i]);
		lvm_run(&c, NULL, ignored, sizeof(ignored));
	}
}

static int check_new_name(const char *name, char *err, size_t errlen)
{
	int rc = pool_check_ours(name, err, errlen);

	if (rc == 0 || rc == -EPERM) {
		snprintf(err, errlen, rc ? "a volume group named %s exists already "
			 "(not a mayastor pool)" : "pool %s exists already", name);
		return -EEXIST;
	}
	return rc == -ENOENT ? 0 : rc;
}

int pool_create(const struct pool_create_req *req, char *err, size_t errlen)
{
	struct create_state s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (req->n_disks > POOL_MAX_DISKS) {
		snprintf(err, errlen, "too many disks (at most %d)", POOL_MAX_DISKS);
		return -E2BIG;
	}
	rc = check_new_name(req->name, err, errlen);
	if (!rc)
		rc = resolve_disks(req, CHILD_ATTACH, &s, err, errlen);
	if (!rc)
		rc = make_pvs(req, &s, err, errlen);
	if (!rc)
		rc = make_vg(req, &s, err, errlen);
	if (rc)
		rollback(req, &s);
	/* The thin pool's devices hold the loop devices open from now on. */
	for (size_t i = 0; i < s.n_targets; i++)
		child_target_release(&s.targets[i]);
	return rc;
}

/* ---- destroy, import --------------------------------------------------------- */

/* lv_attr's sixth character: the device is open. */
static bool lv_is_open(const struct lvm_lv *lv)
{
	return strlen(lv->attr) > 5 && lv->attr[5] == 'o';
}

/*
 * Without force the pool must have no replicas or snapshots; with force
 * none may be open.  vgremove refuses that too ("Logical volume tpool/r1
 * in use"), removing nothing, but saying who uses it helps more.
 */
static int check_volumes(const char *name, bool force, char *err, size_t errlen)
{
	struct lvm_lv_list lvs;
	size_t n = 0;
	int rc = lvm_report_lvs(name, &lvs, err, errlen);

	for (size_t i = 0; !rc && i < lvs.count; i++) {
		const struct lvm_lv *lv = &lvs.items[i];

		if (strcmp(lv->name, LVM_THIN_POOL) == 0)
			continue;
		n++;
		if (force && lv_is_open(lv)) {
			snprintf(err, errlen, "%s %s is open (in use by a nexus or another "
				 "program); nothing was removed", lvm_tags_has(lv->tags,
				 LVM_TAG_SNAPSHOT) ? "snapshot" : "replica", lv->name);
			rc = -EBUSY;
		}
	}
	if (!rc && n && !force) {
		snprintf(err, errlen, "pool has %zu replica(s) or snapshot(s); destroy "
			 "them first, or use --force", n);
		rc = -EBUSY;
	}
	lvm_lv_list_free(&lvs);
	return rc;
}

static bool is_pv_of(const struct lvm_vg *vg, const char *name)
{
	return strcmp(vg->name, name) == 0 && vg->pv[0];
}

/*
 * A file disk's loop device has autoclear: it goes away when the thin
 * pool's devices close it, before pvremove could wipe its label.  An open
 * descriptor (not O_EXCL: LVM claims the device itself) keeps it there.
 */
static void hold_disks(const char *name, const struct lvm_vg_list *vgs, int *fds)
{
	for (size_t i = 0; i < vgs->count; i++)
		fds[i] = is_pv_of(&vgs->items[i], name) ?
			 open(vgs->items[i].pv, O_RDONLY | O_CLOEXEC) : -1;
}

static void release_disks(const struct lvm_vg_list *vgs, int *fds)
{
	for (size_t i = 0; i < vgs->count; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void remove_pvs(const char *name, const struct lvm_vg_list *vgs,
		       char *err, size_t errlen)
{
	for (size_t i = 0; i < vgs->count; i++) {
		struct lvm_cmd c;
		char why[512];

		if (!is_pv_of(&vgs->items[i], name))
			continue;
		lvm_cmd_pvremove(&c, vgs->items[i].pv);
		if (lvm_run(&c, NULL, why, sizeof(why)) && !err[0])
			snprintf(err, errlen, "pool destroyed, but disk %s: %s",
				 vgs->items[i].pv, why);
	}
}

static int remove_vg(const char *name, const struct lvm_vg_list *vgs, char *err,
		     size_t errlen)
{
	int *fds = calloc(vgs->count ? vgs->count : 1, sizeof(*fds));
	struct lvm_cmd c;
	int rc;

	if (!fds) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	hold_disks(name, vgs, fds);
	lvm_cmd_vgremove(&c, name);
	rc = lvm_run(&c, NULL, err, errlen);
	if (!rc) {
		err[0] = '\0';
		remove_pvs(name, vgs, err, errlen);
		rc = err[0] ? -EIO : 0;
	}
	release_disks(vgs, fds);
	free(fds);
	return rc;
}

int pool_destroy(const char *name, bool force, char *err, size_t errlen)
{
	struct lvm_vg_list vgs;
	int rc;

	rc = lvm_report_vgs(NULL, &vgs, err, errlen);
	if (!rc)
		rc = find_ours(&vgs, name, err, errlen);
	if (!rc)
		rc = check_volumes(name, force, err, errlen);
	if (!rc)
		rc = remove_vg(name, &vgs, err, errlen);
	lvm_vg_list_free(&vgs);
	return rc;
}

int pool_import(const char *name, const char *const *disks, size_t n_disks,
		char *err, size_t errlen)
{
	struct pool_create_req req = { .name = name, .disks = disks, .n_disks = n_disks };
	struct create_state s;
	struct lvm_cmd c;
	int rc;

	memset(&s, 0, sizeof(s));
	if (n_disks > POOL_MAX_DISKS) {
		snprintf(err, errlen, "too many disks (at most %d)", POOL_MAX_DISKS);
		return -E2BIG;
	}
	/* Files are attached again: a reboot forgot their loop devices. */
	rc = resolve_disks(&req, CHILD_LOOKUP, &s, err, errlen);
	if (!rc) {
		/* Make LVM look at devices that appeared since it last did. */
		lvm_cmd_init(&c, "pvscan");
		lvm_cmd_add(&c, "--cache");
		lvm_run(&c, NULL, err, errlen);
		rc = pool_check_ours(name, err, errlen);
	}
	if (!rc) {
		lvm_cmd_vgchange(&c, name, "-ay", NULL);
		rc = lvm_run(&c, NULL, err, errlen);
	}
	/* Active LVs hold the loop devices now (or autoclear drops them). */
	for (size_t i = 0; i < s.n_targets; i++)
		child_target_release(&s.targets[i]);
	return rc;
}
