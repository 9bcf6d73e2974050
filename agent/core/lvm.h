/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LVM through its command-line tools: running a tool with its output
 * captured (lvm_exec.c), building the command lines (lvm.c) and parsing
 * the JSON reports of vgs/lvs/pvs (lvm_report.c).  Nothing here knows
 * about pools or replicas; pool.c and replica.c give the meaning.
 *
 * Why the command line and not liblvm: liblvm2app is gone from LVM 2.03,
 * and the tools' JSON reports are the stable, documented interface.
 */
#ifndef AGENT_LVM_H
#define AGENT_LVM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- running a tool (lvm_exec.c) ------------------------------------ */

struct exec_result {
	int status;	/* exit status, or 128 + signal */
	char *out;	/* stdout, NUL-terminated (never NULL after success) */
	char *err;	/* stderr, NUL-terminated */
};

/*
 * Runs argv[0] (searched in PATH, then /usr/sbin and /sbin, because a
 * plain user's PATH often lacks sbin) with stdin on /dev/null and its
 * stdout and stderr captured.  extra_env ("K=V" strings, NULL-terminated,
 * may be NULL) is added to the environment.  Returns 0 once the tool ran
 * (whatever its exit status), or -errno if it could not be started.
 */
int exec_capture(const char *const argv[], const char *const extra_env[],
		 struct exec_result *res);
void exec_result_free(struct exec_result *res);

/*
 * The message a failed tool printed: its last stderr line that is not a
 * warning, stripped of LVM's indentation.  Falls back to the exit status.
 */
const char *exec_error_text(const struct exec_result *res, char *buf, size_t size);

/* ---- command lines (lvm.c) -------------------------------------------- */

#define LVM_ARGV_MAX 64
#define LVM_ARGBUF 4096

struct lvm_cmd {
	const char *argv[LVM_ARGV_MAX + 1];	/* NULL-terminated */
	int argc;
	char buf[LVM_ARGBUF];			/* copies of formatted args */
	size_t used;
	bool overflow;				/* an argument did not fit */
};

/* Our marks (LV tags may use [A-Za-z0-9_+.-/=!:&#]). */
#define LVM_TAG_POOL		"mayastor_pool"
#define LVM_TAG_NO_AUTOEXTEND	"mayastor_autoextend:0"
#define LVM_TAG_REPLICA		"mayastor_replica"
#define LVM_TAG_SNAPSHOT	"mayastor_snapshot"
#define LVM_TAG_UUID		"mayastor_uuid:"
#define LVM_TAG_THIN		"mayastor_thin:"	/* + 1 or 0 */
#define LVM_TAG_NEXUS		"mayastor_nexus:"	/* + owning nexus */
#define LVM_TAG_ORIGIN		"mayastor_origin:"	/* + snapshot/clone source */
#define LVM_TAG_SHARE		"mayastor_share:"	/* + protocol */
#define LVM_TAG_SHARE_ADDR	"mayastor_share_addr:"	/* + ip:port */
#define LVM_TAG_SHARE_HOST	"mayastor_share_host:"	/* + host NQN */
#define LVM_TAG_SHARE_ANY	"mayastor_share_any_host"

/* The thin pool LV every pool has (a name users cannot take: see lvm.c). */
#define LVM_THIN_POOL "mayastor_thinpool"

/* Extent size of our VGs: 1 MiB keeps small replicas at the size asked. */
#define LVM_EXTENT_SIZE (1ULL << 20)

/* "lvm SUB"; the arguments follow with lvm_cmd_add(). */
void lvm_cmd_init(struct lvm_cmd *c, const char *sub);
void lvm_cmd_add(struct lvm_cmd *c, const char *arg);
void lvm_cmd_addf(struct lvm_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "--addtag TAG" */
void lvm_cmd_tag(struct lvm_cmd *c, const char *op, const char *prefix,
		 const char *value);
/* The command line as one string (for logs and tests). */
char *lvm_cmd_str(const struct lvm_cmd *c, char *buf, size_t size);

/*
 * Reports: JSON, sizes in bytes without suffix; vg NULL for all.  vgs has
 * a row per PV of each VG; lvs carries each LV's VG fields.
 */
void lvm_cmd_vgs(struct lvm_cmd *c, const char *vg);
void lvm_cmd_lvs(struct lvm_cmd *c, const char *vg);
void lvm_cmd_pvs(struct lvm_cmd *c);

void lvm_cmd_pvcreate(struct lvm_cmd *c, const char *disk);
void lvm_cmd_pvremove(struct lvm_cmd *c, const char *disk);
/* Tagged LVM_TAG_POOL plus tags (NULL-terminated, may be NULL). */
void lvm_cmd_vgcreate(struct lvm_cmd *c, const char *vg, const char *const *disks,
		      size_t n_disks, const char *const *tags);
/* The thin pool LVM_THIN_POOL, on half of the VG's free space. */
void lvm_cmd_thin_pool(struct lvm_cmd *c, const char *vg);
/* Writes to a full thin pool fail at once (lvchange --errorwhenfull y). */
void lvm_cmd_error_when_full(struct lvm_cmd *c, const char *vg);
void lvm_cmd_vgremove(struct lvm_cmd *c, const char *vg);
void lvm_cmd_lvremove(struct lvm_cmd *c, const char *vg, const char *lv);
/* Thick (linear, fully allocated) or thin LV; tags: NULL-terminated. */
void lvm_cmd_lv_create(struct lvm_cmd *c, const char *vg, const char *lv,
		       uint64_t size, bool thin, const char *const *tags);
/* A thin snapshot of vg/origin; writable for a clone. */
void lvm_cmd_snapshot(struct lvm_cmd *c, const char *vg, const char *origin,
		      const char *name, bool writable, const char *const *tags);
/* Grows vg/lv to size bytes (lvextend -L). */
void lvm_cmd_lvextend(struct lvm_cmd *c, const char *vg, const char *lv,
		      uint64_t size);
/* Grows the thin pool's metadata to size bytes. */
void lvm_cmd_extend_metadata(struct lvm_cmd *c, const char *vg, uint64_t size);
void lvm_cmd_vgchange(struct lvm_cmd *c, const char *vg, const char *op,
		      const char *value);
void lvm_cmd_lvchange_tag(struct lvm_cmd *c, const char *vg, const char *lv,
			  const char *op, const char *tag);

/*
 * Runs c; 0 on exit status 0.  Otherwise -EIO (or -errno if it could not
 * run) with LVM's own message in err.  out (may be NULL) receives stdout,
 * to be freed by the caller.
 */
int lvm_run(const struct lvm_cmd *c, char **out, char *err, size_t errlen);

/* ---- reports (lvm_report.c) ------------------------------------------- */

#define LVM_NAME_MAX 128
#define LVM_TAGS_MAX 2048

struct lvm_vg {
	char name[LVM_NAME_MAX];
	char uuid[64];
	uint64_t size, free, extent_size;
	char tags[LVM_TAGS_MAX];	/* "a,b,c" as LVM prints them */
	char pv[PATH_MAX];		/* one row per PV of the VG */
};

struct lvm_pv {
	char name[PATH_MAX];
	char vg[LVM_NAME_MAX];		/* "" for an orphan */
	uint64_t size, free;
};

struct lvm_lv {
	char vg[LVM_NAME_MAX];
	char name[LVM_NAME_MAX];
	char uuid[64];
	char attr[16];
	char segtype[32];		/* "linear", "thin", "thin-pool", ... */
	char pool[LVM_NAME_MAX];	/* thin LVs: their pool */
	char origin[LVM_NAME_MAX];	/* snapshots: what they were taken of */
	char path[PATH_MAX];		/* /dev/VG/LV, "" for hidden LVs */
	char health[32];		/* "", "out_of_data", "partial", ... */
	char time[40];			/* creation time as LVM prints it */
	char tags[LVM_TAGS_MAX];
	uint64_t size;
	uint64_t metadata_size;		/* thin pools */
	double data_percent, metadata_percent;
	bool data_percent_present, metadata_percent_present;
	int major, minor;		/* -1 when not active */
	bool active;
	struct lvm_vg vgi;		/* its VG (vgi.pv is empty) */
};

struct lvm_vg_list { struct lvm_vg *items; size_t count; };
struct lvm_pv_list { struct lvm_pv *items; size_t count; };
struct lvm_lv_list { struct lvm_lv *items; size_t count; };

/* Parse the JSON of lvm_cmd_vgs/pvs/lvs; 0 or -EINVAL (reason in err). */
int lvm_parse_vgs(const char *json, struct lvm_vg_list *out, char *err, size_t errlen);
int lvm_parse_pvs(const char *json, struct lvm_pv_list *out, char *err, size_t errlen);
int lvm_parse_lvs(const char *json, struct lvm_lv_list *out, char *err, size_t errlen);
void lvm_vg_list_free(struct lvm_vg_list *l);
void lvm_pv_list_free(struct lvm_pv_list *l);
void lvm_lv_list_free(struct lvm_lv_list *l);

/* Run and parse in one go; vg NULL for all, errors as lvm_run(). */
int lvm_report_vgs(const char *vg, struct lvm_vg_list *out, char *err, size_t errlen);
int lvm_report_pvs(struct lvm_pv_list *out, char *err, size_t errlen);
int lvm_report_lvs(const char *vg, struct lvm_lv_list *out, char *err, size_t errlen);

/* Tags: whole-tag test, and the rest of the first tag starting with prefix. */
bool lvm_tags_has(const char *tags, const char *tag);
const char *lvm_tag_value(const char *tags, const char *prefix, char *buf, size_t size);
/* true if every character may be in an LVM tag. */
bool lvm_tag_chars_ok(const char *text);

/* The LV of list named vg/name, or NULL. */
const struct lvm_lv *lvm_lv_find(const struct lvm_lv_list *l, const char *vg,
				 const char *name);

#endif /* AGENT_LVM_H */
