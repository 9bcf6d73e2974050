/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sharing replicas over NVMe-oF/TCP.  configfs is what is shared; LV tags
 * (mayastor_share*) only remember how, to share again after a reboot.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "replica.h"

/*
 * The namespace gets the replica's UUID when it is one (8-4-4-4-12 hex
 * digits, as nvmet's device_uuid takes it): a host that reconnects after
 * the node rebooted then finds the same namespace, where a new random one
 * made Linux drop it ("identifiers changed for nsid 1") and add it again
 * under another name.
 */
static void ns_uuid(const struct replica_info *r, struct nvmf_share *w)
{
	const char *u = r->uuid;

	if (strlen(u) != sizeof(w->ns_uuid) - 1)
		return;
	for (size_t i = 0; u[i]; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
			return;
	}
	memcpy(w->ns_uuid, u, sizeof(w->ns_uuid));
}

static void fill_want(const struct replica_info *r, const struct replica_share_req *req,
		      struct nvmf_share *w)
{
	memset(w, 0, sizeof(*w));
	nvmf_nqn(r->uuid, w->nqn, sizeof(w->nqn));
	snprintf(w->device, sizeof(w->device), "%s", r->path);
	ns_uuid(r, w);
	if (req->addr)
		snprintf(w->addr, sizeof(w->addr), "%s", req->addr);
	else
		nvmf_default_address(w->addr, sizeof(w->addr));
	w->port = req->port ? req->port : NVMF_PORT_DEFAULT;
	w->any_host = req->any_host;
	for (size_t i = 0; i < req->n_hosts && i < NVMF_MAX_HOSTS; i++)
		snprintf(w->hosts[w->n_hosts++], sizeof(w->hosts[0]), "%s", req->hosts[i]);
}

/* lvchange --addtag/--deltag of the share's tags, all in one command. */
static int share_tags(const struct replica_info *r, const struct nvmf_share *s,
		      const char *op, char *err, size_t errlen)
{
	struct lvm_cmd c;

	lvm_cmd_init(&c, "lvchange");
	lvm_cmd_tag(&c, op, LVM_TAG_SHARE, "nvmf");
	lvm_cmd_add(&c, op);
	lvm_cmd_addf(&c, "%s%s:%u", LVM_TAG_SHARE_ADDR, s->addr, s->port);
	if (s->any_host)
		lvm_cmd_tag(&c, op, LVM_TAG_SHARE_ANY, NULL);
	for (size_t i = 0; i < s->n_hosts; i++)
		lvm_cmd_tag(&c, op, LVM_TAG_SHARE_HOST, s->hosts[i]);
	lvm_cmd_addf(&c, "%s/%s", r->pool, r->name);
	return lvm_run(&c, NULL, err, errlen);
}

static bool tags_fit(const struct nvmf_share *w)
{
	for (size_t i = 0; i < w->n_hosts; i++)
		if (!lvm_tag_chars_ok(w->hosts[i]))
			return false;
	return lvm_tag_chars_ok(w->addr);
}

int replica_share(const struct replica_info *r, const struct replica_share_req *req,
		  struct replica_info *out, char *err, size_t errlen)
{
	struct nvmf_share w;
	char ignored[256];
	int rc;

	if (r->snapshot) {
		snprintf(err, errlen, "snapshots cannot be shared (clone it first)");
		return -EINVAL;
	}
	if (r->shared) {
		snprintf(err, errlen, "already shared as %s", r->share.nqn);
		return -EEXIST;
	}
	fill_want(r, req, &w);
	if (!tags_fit(&w)) {
		snprintf(err, errlen, "a host NQN or address has characters LVM tags "
			 "cannot hold");
		return -EINVAL;
	}
	rc = nvmf_share_create(NVMF_CONFIGFS, &w, err, errlen);
	if (rc)
		return rc;
	rc = share_tags(r, &w, "--addtag", err, errlen);
	if (rc) {
		nvmf_share_remove(NVMF_CONFIGFS, w.nqn, ignored, sizeof(ignored));
		return rc;
	}
	return out ? replica_find(r->pool, r->name, false, out, err, errlen) : 0;
}

int replica_unshare(const struct replica_info *r, char *err, size_t errlen)
{
	int rc;

	if (!r->shared) {
		snprintf(err, errlen, "replica %s is not shared", r->name);
		return -ENOENT;
	}
	rc = nvmf_share_remove(NVMF_CONFIGFS, r->share.nqn, err, errlen);
	if (!rc)
		rc = share_tags(r, &r->share, "--deltag", err, errlen);
	return rc;
}

int replica_unshare_pool(const char *pool, char *err, size_t errlen)
{
	struct replica_list l;
	int rc = replica_list_get(pool, false, &l, err, errlen);

	for (size_t i = 0; !rc && i < l.count; i++)
		if (l.items[i].shared)
			rc = nvmf_share_remove(NVMF_CONFIGFS, l.items[i].share.nqn,
					       err, errlen);
	replica_list_free(&l);
	return rc;
}

/* The share a replica's tags describe; false if none. */
static bool share_from_tags(const struct replica_info *r, const char *tags,
			    struct nvmf_share *w)
{
	char value[NVMF_ADDR_MAX + 16], *colon;

	memset(w, 0, sizeof(*w));
	if (!lvm_tag_value(tags, LVM_TAG_SHARE, value, sizeof(value)) ||
	    strcmp(value, "nvmf") != 0 ||
	    !lvm_tag_value(tags, LVM_TAG_SHARE_ADDR, value, sizeof(value)) ||
	    !(colon = strrchr(value, ':')))
		return false;
	*colon = '\0';
	snprintf(w->addr, sizeof(w->addr), "%.*s", NVMF_ADDR_MAX - 1, value);
	w->port = (uint16_t)strtoul(colon + 1, NULL, 10);
	nvmf_nqn(r->uuid, w->nqn, sizeof(w->nqn));
	snprintf(w->device, sizeof(w->device), "%s", r->path);
	ns_uuid(r, w);
	w->any_host = lvm_tags_has(tags, LVM_TAG_SHARE_ANY);
	for (const char *p = strstr(tags, LVM_TAG_SHARE_HOST); p && w->n_hosts < NVMF_MAX_HOSTS;
	     p = strstr(p + 1, LVM_TAG_SHARE_HOST)) {
		size_t len = strcspn(p + strlen(LVM_TAG_SHARE_HOST), ",");

		snprintf(w->hosts[w->n_hosts++], sizeof(w->hosts[0]), "%.*s", (int)len,
			 p + strlen(LVM_TAG_SHARE_HOST));
	}
	return true;
}

/* Shares lv again as its tags say, unless configfs has it already. */
static int reshare_lv(const struct lvm_lv *lv, char *err, size_t errlen)
{
	struct replica_info r;
	struct nvmf_share w, have;
	char why[512];
	int rc;

	if (!pool_vg_is_ours(&lv->vgi) || !replica_from_lv(lv, &r) ||
	    !share_from_tags(&r, lv->tags, &w) ||
	    nvmf_share_find(NVMF_CONFIGFS, w.nqn, &have) == 0)
		return 0;
	rc = nvmf_share_create(NVMF_CONFIGFS, &w, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "replica %s/%s: %s", lv->vg, lv->name, why);
	return rc;
}

int replica_reshare(const char *pool, const char *name, char *err, size_t errlen)
{
	struct lvm_lv_list lvs;
	const struct lvm_lv *lv;
	int rc = lvm_report_lvs(pool, &lvs, err, errlen);

	if (rc)
		return rc;
	lv = lvm_lv_find(&lvs, pool, name);
	if (lv) {
		rc = reshare_lv(lv, err, errlen);
	} else {
		snprintf(err, errlen, "no replica %s in pool %s", name, pool);
		rc = -ENOENT;
	}
	lvm_lv_list_free(&lvs);
	return rc;
}

int replica_reshare_pool(const char *pool, char *err, size_t errlen)
{
	struct lvm_lv_list lvs;
	char why[512];
	int rc = lvm_report_lvs(pool, &lvs, err, errlen);

	/* One share that cannot be made does not hold up the others. */
	for (size_t i = 0; i < lvs.count; i++) {
		int one = reshare_lv(&lvs.items[i], why, sizeof(why));

		if (one && !rc) {
			snprintf(err, errlen, "%s", why);
			rc = one;
		}
	}
	lvm_lv_list_free(&lvs);
	return rc;
}
