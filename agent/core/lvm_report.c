/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing LVM's JSON reports ({"report": [{"vg": [{...}]}]}).  With
 * --reportformat json every value is a string, numbers included; with
 * --units b --nosuffix sizes are plain byte counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json.h>

#include "lvm.h"

static const char *field(json_object *row, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(row, key, &v) || !v)
		return "";
	return json_object_get_string(v);
}

static void copy(char *dst, size_t size, json_object *row, const char *key)
{
	snprintf(dst, size, "%s", field(row, key));
}

static uint64_t u64_field(json_object *row, const char *key)
{
	return strtoull(field(row, key), NULL, 10);
}

/* "12.50" or "" (not a thin LV, or not active). */
static double percent_field(json_object *row, const char *key, bool *present)
{
	const char *text = field(row, key);

	*present = text[0] != '\0';
	return *present ? strtod(text, NULL) : 0.0;
}

static int int_field(json_object *row, const char *key)
{
	const char *text = field(row, key);

	return text[0] ? atoi(text) : -1;
}

/* The array of rows under report[0][kind]; NULL with err filled. */
static json_object *rows_of(json_object *root, const char *kind, char *err,
			    size_t errlen)
{
	json_object *report = NULL, *rows = NULL;

	if (!json_object_object_get_ex(root, "report", &report) ||
	    !json_object_is_type(report, json_type_array) ||
	    json_object_array_length(report) < 1 ||
	    !json_object_object_get_ex(json_object_array_get_idx(report, 0),
				       kind, &rows) ||
	    !json_object_is_type(rows, json_type_array)) {
		snprintf(err, errlen, "unexpected LVM report (no report[0].%s array)",
			 kind);
		return NULL;
	}
	return rows;
}

typedef void (*row_fn)(json_object *row, void *item);

/* Parses json into a calloc'ed array of item_size items, one per row. */
static int parse_rows(const char *json, const char *kind, size_t item_size,
		      row_fn fill, void **items, size_t *count, char *err,
		      size_t errlen)
{
	json_object *root = json_tokener_parse(json ? json : "");
	json_object *rows;
	size_t n;

	*items = NULL;
	*count = 0;
	if (!root) {
		snprintf(err, errlen, "LVM printed a report that is not JSON");
		return -EINVAL;
	}
	rows = rows_of(root, kind, err, errlen);
	n = rows ? json_object_array_length(rows) : 0;
	if (rows && n) {
		*items = calloc(n, item_size);
		if (!*items) {
			json_object_put(root);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			fill(json_object_array_get_idx(rows, i),
			     (char *)*items + i * item_size);
		*count = n;
	}
	json_object_put(root);
	return rows ? 0 : -EINVAL;
}

static void fill_vg(json_object *row, void *item)
{
	struct lvm_vg *vg = item;

	copy(vg->name, sizeof(vg->name), row, "vg_name");
	copy(vg->uuid, sizeof(vg->uuid), row, "vg_uuid");
	copy(vg->tags, sizeof(vg->tags), row, "vg_tags");
	copy(vg->pv, sizeof(vg->pv), row, "pv_name");
	vg->size = u64_field(row, "vg_size");
	vg->free = u64_field(row, "vg_free");
	vg->extent_size = u64_field(row, "vg_extent_size");
}

static void fill_pv(json_object *row, void *item)
{
	struct lvm_pv *pv = item;

	copy(pv->name, sizeof(pv->name), row, "pv_name");
	copy(pv->vg, sizeof(pv->vg), row, "vg_name");
	pv->size = u64_field(row, "pv_size");
	pv->free = u64_field(row, "pv_free");
}

static void fill_lv(json_object *row, void *item)
{
	struct lvm_lv *lv = item;

	copy(lv->vg, sizeof(lv->vg), row, "vg_name");
	copy(lv->name, sizeof(lv->name), row, "lv_name");
	copy(lv->uuid, sizeof(lv->uuid), row, "lv_uuid");
	copy(lv->attr, sizeof(lv->attr), row, "lv_attr");
	copy(lv->segtype, sizeof(lv->segtype), row, "segtype");
	copy(lv->pool, sizeof(lv->pool), row, "pool_lv");
	copy(lv->origin, sizeof(lv->origin), row, "origin");
	copy(lv->path, sizeof(lv->path), row, "lv_path");
	copy(lv->health, sizeof(lv->health), row, "lv_health_status");
	copy(lv->time, sizeof(lv->time), row, "lv_time");
	copy(lv->tags, sizeof(lv->tags), row, "lv_tags");
	lv->size = u64_field(row, "lv_size");
	lv->metadata_size = u64_field(row, "lv_metadata_size");
	lv->data_percent = percent_field(row, "data_percent", &lv->data_percent_present);
	lv->metadata_percent = percent_field(row, "metadata_percent",
					     &lv->metadata_percent_present);
	lv->major = int_field(row, "lv_kernel_major");
	lv->minor = int_field(row, "lv_kernel_minor");
	lv->active = strcmp(field(row, "lv_active"), "active") == 0;
	fill_vg(row, &lv->vgi);
}

int lvm_parse_vgs(const char *json, struct lvm_vg_list *out, char *err, size_t errlen)
{
	return parse_rows(json, "vg", sizeof(struct lvm_vg), fill_vg,
			  (void **)&out->items, &out->count, err, errlen);
}

int lvm_parse_pvs(const char *json, struct lvm_pv_list *out, char *err, size_t errlen)
{
	return parse_rows(json, "pv", sizeof(struct lvm_pv), fill_pv,
			  (void **)&out->items, &out->count, err, errlen);
}

int lvm_parse_lvs(const char *json, struct lvm_lv_list *out, char *err, size_t errlen)
{
	return parse_rows(json, "lv", sizeof(struct lvm_lv), fill_lv,
			  (void **)&out->items, &out->count, err, errlen);
}

void lvm_vg_list_free(struct lvm_vg_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void lvm_pv_list_free(struct lvm_pv_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void lvm_lv_list_free(struct lvm_lv_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

int lvm_report_vgs(const char *vg, struct lvm_vg_list *out, char *err, size_t errlen)
{
	struct lvm_cmd c;
	char *json;
	int rc;

	out->items = NULL;
	out->count = 0;
	lvm_cmd_vgs(&c, vg);
	rc = lvm_run(&c, &json, err, errlen);
	if (!rc)
		rc = lvm_parse_vgs(json, out, err, errlen);
	free(json);
	return rc;
}

int lvm_report_pvs(struct lvm_pv_list *out, char *err, size_t errlen)
{
	struct lvm_cmd c;
	char *json;
	int rc;

	out->items = NULL;
	out->count = 0;
	lvm_cmd_pvs(&c);
	rc = lvm_run(&c, &json, err, errlen);
	if (!rc)
		rc = lvm_parse_pvs(json, out, err, errlen);
	free(json);
	return rc;
}

int lvm_report_lvs(const char *vg, struct lvm_lv_list *out, char *err, size_t errlen)
{
	struct lvm_cmd c;
	char *json;
	int rc;

	out->items = NULL;
	out->count = 0;
	lvm_cmd_lvs(&c, vg);
	rc = lvm_run(&c, &json, err, errlen);
	if (!rc)
		rc = lvm_parse_lvs(json, out, err, errlen);
	free(json);
	return rc;
}

/* ---- tags --------------------------------------------------------------- */

/* The tag of "a,b,c" equal to want (or starting with it), or NULL. */
static const char *find_tag(const char *tags, const char *want, size_t want_len,
			    bool prefix, size_t *len_out)
{
	for (const char *p = tags; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if ((prefix ? len >= want_len : len == want_len) &&
		    strncmp(p, want, want_len) == 0) {
			*len_out = len;
			return p;
		}
		p += len + (comma ? 1 : 0);
	}
	return NULL;
}

bool lvm_tags_has(const char *tags, const char *tag)
{
	size_t len;

	return find_tag(tags, tag, strlen(tag), false, &len) != NULL;
}

const char *lvm_tag_value(const char *tags, const char *prefix, char *buf, size_t size)
{
	size_t plen = strlen(prefix), len;
	const char *t = find_tag(tags, prefix, plen, true, &len);

	if (!t)
		return NULL;
	snprintf(buf, size, "%.*s", (int)(len - plen), t + plen);
	return buf;
}

bool lvm_tag_chars_ok(const char *text)
{
	static const char extra[] = "_+.-/=!:&#";

	if (!*text)
		return false;
	for (const char *p = text; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(extra, *p)))
			return false;
	return true;
}

const struct lvm_lv *lvm_lv_find(const struct lvm_lv_list *l, const char *vg,
				 const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].vg, vg) == 0 && strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}
