/* SPDX-License-Identifier: Apache-2.0 */
/* LVM command lines, and running them. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm.h"

#define REPORT_OPTS "--reportformat", "json", "--units", "b", "--nosuffix"

static const char *const VG_FIELDS =
	"vg_name,vg_uuid,vg_size,vg_free,vg_extent_size,vg_tags,pv_name";
static const char *const PV_FIELDS = "pv_name,vg_name,pv_size,pv_free";
static const char *const LV_FIELDS =
	"vg_name,lv_name,lv_uuid,lv_size,lv_tags,lv_attr,segtype,pool_lv,"
	"origin,data_percent,metadata_percent,lv_path,lv_kernel_major,"
	"lv_kernel_minor,lv_health_status,lv_active,lv_time,lv_metadata_size,"
	/* The VG's fields too: one report says all a replica command needs. */
	"vg_uuid,vg_size,vg_free,vg_tags";

void lvm_cmd_init(struct lvm_cmd *c, const char *sub)
{
	memset(c, 0, sizeof(*c));
	lvm_cmd_add(c, "lvm");
	lvm_cmd_add(c, sub);
}

void lvm_cmd_add(struct lvm_cmd *c, const char *arg)
{
	if (c->argc >= LVM_ARGV_MAX) {
		c->overflow = true;
		return;
	}
	c->argv[c->argc++] = arg;
	c->argv[c->argc] = NULL;
}

void lvm_cmd_addf(struct lvm_cmd *c, const char *fmt, ...)
{
	size_t room = sizeof(c->buf) - c->used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->buf + c->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		c->overflow = true;
		return;
	}
	lvm_cmd_add(c, c->buf + c->used);
	c->used += (size_t)n + 1;
}

void lvm_cmd_tag(struct lvm_cmd *c, const char *op, const char *prefix,
		 const char *value)
{
	lvm_cmd_add(c, op);
	lvm_cmd_addf(c, "%s%s", prefix, value ? value : "");
}

char *lvm_cmd_str(const struct lvm_cmd *c, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->argc && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "",
					c->argv[i]);
	return buf;
}

/* ---- reports ---------------------------------------------------------- */

static void report(struct lvm_cmd *c, const char *sub, const char *fields,
		   const char *vg)
{
	const char *opts[] = { REPORT_OPTS };

	lvm_cmd_init(c, sub);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		lvm_cmd_add(c, opts[i]);
	lvm_cmd_add(c, "-o");
	lvm_cmd_add(c, fields);
	if (vg)
		lvm_cmd_add(c, vg);
}

void lvm_cmd_vgs(struct lvm_cmd *c, const char *vg)
{
	report(c, "vgs", VG_FIELDS, vg);
}

void lvm_cmd_lvs(struct lvm_cmd *c, const char *vg)
{
	report(c, "lvs", LV_FIELDS, vg);
}

void lvm_cmd_pvs(struct lvm_cmd *c)
{
	report(c, "pvs", PV_FIELDS, NULL);
}

/* ---- changes ---------------------------------------------------------- */

static void add_tags(struct lvm_cmd *c, const char *const *tags)
{
	for (size_t i = 0; tags && tags[i]; i++)
		lvm_cmd_tag(c, "--addtag", tags[i], NULL);
}


void lvm_cmd_pvcreate(struct lvm_cmd *c, const char *disk)
{
	/*
	 * No -y and no -ff: stdin is /dev/null, so LVM's question about an
	 * existing signature or another VG is answered "no" and the disk,
	 * which is in use, is refused.
	 */
	lvm_cmd_init(c, "pvcreate");
	lvm_cmd_add(c, disk);
}

void lvm_cmd_pvremove(struct lvm_cmd *c, const char *disk)
{
	lvm_cmd_init(c, "pvremove");
	lvm_cmd_add(c, "-y");
	lvm_cmd_add(c, disk);
}

void lvm_cmd_vgcreate(struct lvm_cmd *c, const char *vg, const char *const *disks,
		      size_t n_disks, const char *const *tags)
{
	lvm_cmd_init(c, "vgcreate");
	lvm_cmd_add(c, "-s");
	lvm_cmd_addf(c, "%" PRIu64 "b", (uint64_t)LVM_EXTENT_SIZE);
	lvm_cmd_tag(c, "--addtag", LVM_TAG_POOL, NULL);
	add_tags(c, tags);
	lvm_cmd_add(c, vg);
	for (size_t i = 0; i < n_disks; i++)
		lvm_cmd_add(c, disks[i]);
}

void lvm_cmd_thin_pool(struct lvm_cmd *c, const char *vg)
{
	lvm_cmd_init(c, "lvcreate");
	lvm_cmd_add(c, "-y");
	lvm_cmd_add(c, "--type");
	lvm_cmd_add(c, "thin-pool");
	/*
	 * Half of the VG starts as the thin pool (its metadata and spare
	 * come on top); the other half is for thick replicas, and
	 * autoextend moves the line as thin replicas fill up.
	 */
	lvm_cmd_add(c, "-l");
	lvm_cmd_add(c, "50%FREE");
	/* New blocks are zeroed so no stale data is ever read. */
	lvm_cmd_add(c, "--zero");
	lvm_cmd_add(c, "y");
	lvm_cmd_add(c, "-n");
	lvm_cmd_add(c, LVM_THIN_POOL);
	lvm_cmd_add(c, vg);
}

void lvm_cmd_error_when_full(struct lvm_cmd *c, const char *vg)
{
	/*
	 * A full pool fails writes at once instead of queueing them for 60 s:
	 * the nexus sees an IO error and faults the child, nothing is lost
	 * silently.  (lvcreate of LVM 2.03.16 refuses this option.)
	 */
	lvm_cmd_init(c, "lvchange");
	lvm_cmd_add(c, "--errorwhenfull");
	lvm_cmd_add(c, "y");
	lvm_cmd_addf(c, "%s/%s", vg, LVM_THIN_POOL);
}

void lvm_cmd_vgremove(struct lvm_cmd *c, const char *vg)
{
	lvm_cmd_init(c, "vgremove");
	lvm_cmd_add(c, "-ff");
	lvm_cmd_add(c, "-y");
	lvm_cmd_add(c, vg);
}

void lvm_cmd_lvremove(struct lvm_cmd *c, const char *vg, const char *lv)
{
	lvm_cmd_init(c, "lvremove");
	lvm_cmd_add(c, "-y");
	lvm_cmd_addf(c, "%s/%s", vg, lv);
}

void lvm_cmd_lv_create(struct lvm_cmd *c, const char *vg, const char *lv,
		       uint64_t size, bool thin, const char *const *tags)
{
	lvm_cmd_init(c, "lvcreate");
	lvm_cmd_add(c, "-y");
	/* Old file system or PV signatures must not reappear in a new replica. */
	lvm_cmd_add(c, "-Wy");
	lvm_cmd_add(c, thin ? "-V" : "-L");
	lvm_cmd_addf(c, "%" PRIu64 "b", size);
	if (thin) {
		lvm_cmd_add(c, "-T");
		lvm_cmd_addf(c, "%s/%s", vg, LVM_THIN_POOL);
	}
	lvm_cmd_add(c, "-n");
	lvm_cmd_add(c, lv);
	add_tags(c, tags);
	if (!thin)
		lvm_cmd_add(c, vg);
}

void lvm_cmd_snapshot(struct lvm_cmd *c, const char *vg, const char *origin,
		      const char *name, bool writable, const char *const *tags)
{
	lvm_cmd_init(c, "lvcreate");
	lvm_cmd_add(c, "-y");
	lvm_cmd_add(c, "-s");
	/* Active at once (thin snapshots are skipped by default): we read them. */
	lvm_cmd_add(c, "-kn");
	lvm_cmd_add(c, writable ? "-prw" : "-pr");
	lvm_cmd_add(c, "-n");
	lvm_cmd_add(c, name);
	add_tags(c, tags);
	lvm_cmd_addf(c, "%s/%s", vg, origin);
}

void lvm_cmd_lvextend(struct lvm_cmd *c, const char *vg, const char *lv,
		      uint64_t size)
{
	lvm_cmd_init(c, "lvextend");
	lvm_cmd_add(c, "-L");
	lvm_cmd_addf(c, "%" PRIu64 "b", size);
	lvm_cmd_addf(c, "%s/%s", vg, lv);
}

void lvm_cmd_extend_metadata(struct lvm_cmd *c, const char *vg, uint64_t size)
{
	lvm_cmd_init(c, "lvextend");
	lvm_cmd_add(c, "--poolmetadatasize");
	lvm_cmd_addf(c, "%" PRIu64 "b", size);
	lvm_cmd_addf(c, "%s/%s", vg, LVM_THIN_POOL);
}

void lvm_cmd_vgchange(struct lvm_cmd *c, const char *vg, const char *op,
		      const char *value)
{
	lvm_cmd_init(c, "vgchange");
	lvm_cmd_add(c, op);
	if (value)
		lvm_cmd_add(c, value);
	lvm_cmd_add(c, vg);
}

void lvm_cmd_lvchange_tag(struct lvm_cmd *c, const char *vg, const char *lv,
			  const char *op, const char *tag)
{
	lvm_cmd_init(c, "lvchange");
	lvm_cmd_add(c, op);
	lvm_cmd_add(c, tag);
	lvm_cmd_addf(c, "%s/%s", vg, lv);
}

/* ---- running ---------------------------------------------------------- */

/* LVM warns on stderr about every fd it inherits; ours are O_CLOEXEC. */
static const char *const lvm_env[] = { "LVM_SUPPRESS_FD_WARNINGS=1", NULL };

int lvm_run(const struct lvm_cmd *c, char **out, char *err, size_t errlen)
{
	struct exec_result res;
	int rc;

	if (out)
		*out = NULL;
	if (c->overflow) {
		snprintf(err, errlen, "LVM command line too long");
		return -E2BIG;
	}
	rc = exec_capture(c->argv, lvm_env, &res);
	if (rc) {
		snprintf(err, errlen, "cannot run lvm: %s", strerror(-rc));
		return rc;
	}
	if (res.status != 0) {
		exec_error_text(&res, err, errlen);
		exec_result_free(&res);
		return -EIO;
	}
	if (out) {
		*out = res.out;
		res.out = NULL;
	}
	exec_result_free(&res);
	return 0;
}
