/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "agent_state.h"
#include "output.h"
#include "size.h"
#include "table.h"
#include "vhost_proc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int output_format_parse(const char *text, enum output_format *out)
{
	if (strcmp(text, "table") == 0)
		*out = OUTPUT_TABLE;
	else if (strcmp(text, "json") == 0)
		*out = OUTPUT_JSON;
	else
		return -EINVAL;
	return 0;
}

/* ---- JSON builders: every field, null when the kernel left it out ---- */

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

static json_object *u64_or_null(uint64_t value, bool present)
{
	return present ? json_object_new_uint64(value) : NULL;
}

static json_object *str_or_null(const char *value, bool present)
{
	return present ? json_object_new_string(value) : NULL;
}

static json_object *uuid_or_null(const struct nexus_uuid *uuid, bool present)
{
	char text[NEXUS_UUID_STRLEN + 1];

	return present ? json_object_new_string(nexus_uuid_format(uuid, text)) : NULL;
}

static double percent_of(uint64_t done, uint64_t total)
{
	if (total == 0)
		return 0.0;
	return done >= total ? 100.0 : (double)done * 100.0 / (double)total;
}

/* One decimal, serialised as written ("33.3", not 33.299999999999997). */
static json_object *percent_json(double percent)
{
	char text[16];

	snprintf(text, sizeof(text), "%.1f", percent);
	return json_object_new_double_s(percent, text);
}

json_object *rebuild_to_json(const struct nexus_child_info *child)
{
	const struct nexus_rebuild_info *r = &child->rebuild;
	json_object *obj;

	if (!child->rebuild_present)
		return NULL;
	obj = json_object_new_object();
	add(obj, "state", str_or_null(nexus_rebuild_state_str(r->state), r->state_present));
	add(obj, "done", u64_or_null(r->done, r->done_present));
	add(obj, "total", u64_or_null(r->total, r->total_present));
	add(obj, "percent", r->done_present && r->total_present ?
	    percent_json(percent_of(r->done, r->total)) : NULL);
	add(obj, "rate", u64_or_null(r->rate, r->rate_present));
	add(obj, "source_slot", u64_or_null(r->source, r->source_present));
	return obj;
}

static json_object *bool_or_null(bool value, bool present)
{
	return present ? json_object_new_boolean(value) : NULL;
}

static json_object *scrub_regions_json(const struct nexus_scrub_info *s)
{
	json_object *array;

	if (!s->regions_present)
		return NULL;
	array = json_object_new_array();
	for (size_t i = 0; i < s->n_regions; i++)
		json_object_array_add(array, json_object_new_uint64(s->regions[i]));
	return array;
}

json_object *scrub_to_json(const struct nexus_scrub_info *s)
{
	json_object *obj = json_object_new_object();

	add(obj, "mode", str_or_null(nexus_scrub_mode_str(s->mode), s->mode_present));
	add(obj, "state", str_or_null(nexus_scrub_state_str(s->state), s->state_present));
	add(obj, "done", u64_or_null(s->done, s->done_present));
	add(obj, "total", u64_or_null(s->total, s->total_present));
	add(obj, "percent", s->done_present && s->total_present ?
	    percent_json(percent_of(s->done, s->total)) : NULL);
	add(obj, "mismatches", u64_or_null(s->mismatches, s->mismatches_present));
	add(obj, "repaired", u64_or_null(s->repaired, s->repaired_present));
	add(obj, "regions", scrub_regions_json(s));
	add(obj, "truncated", bool_or_null(s->truncated, s->truncated_present));
	add(obj, "start", u64_or_null(s->start, s->start_present));
	add(obj, "end", s->end_present && s->end ? json_object_new_uint64(s->end) : NULL);
	return obj;
}

json_object *child_to_json(const struct nexus_child_info *c)
{
	json_object *obj = json_object_new_object();

	add(obj, "path", c->path[0] ? json_object_new_string(c->path) : NULL);
	add(obj, "slot", u64_or_null(c->slot, c->slot_present));
	add(obj, "state", str_or_null(nexus_child_state_str(c->state), c->state_present));
	add(obj, "reason", str_or_null(nexus_child_reason_str(c->reason), c->reason_present));
	add(obj, "size", u64_or_null(c->size, c->size_present));
	add(obj, "major", u64_or_null(c->major, c->major_present));
	add(obj, "minor", u64_or_null(c->minor, c->minor_present));
	add(obj, "uuid", uuid_or_null(&c->uuid, c->uuid_present));
	add(obj, "reads", u64_or_null(c->reads, c->reads_present));
	add(obj, "writes", u64_or_null(c->writes, c->writes_present));
	add(obj, "errors", u64_or_null(c->errors, c->errors_present));
	add(obj, "generation", u64_or_null(c->generation, c->generation_present));
	add(obj, "rebuild", rebuild_to_json(c));
	return obj;
}

static json_object *children_to_json(const struct nexus_info *n)
{
	json_object *array = json_object_new_array();

	for (size_t i = 0; i < n->n_children; i++)
		json_object_array_add(array, child_to_json(&n->children[i]));
	return array;
}

json_object *nexus_to_json(const struct nexus_info *n)
{
	json_object *obj = json_object_new_object();
	char device[sizeof(n->name) + 5];

	snprintf(device, sizeof(device), "/dev/%s", n->name);
	add(obj, "name", json_object_new_string(n->name));
	add(obj, "uuid", uuid_or_null(&n->uuid, n->uuid_present));
	add(obj, "size", u64_or_null(n->size, n->size_present));
	add(obj, "state", str_or_null(nexus_state_str(n->state), n->state_present));
	add(obj, "device", json_object_new_string(device));
	add(obj, "major", u64_or_null(n->major, n->major_present));
	add(obj, "minor", u64_or_null(n->minor, n->minor_present));
	add(obj, "block_size", u64_or_null(n->block_size, n->block_size_present));
	add(obj, "open_count", u64_or_null(n->open_count, n->open_count_present));
	add(obj, "region_size", u64_or_null(n->region_size, n->region_size_present));
	add(obj, "rebuild_rate", u64_or_null(n->rebuild_rate, n->rebuild_rate_present));
	add(obj, "generation", u64_or_null(n->generation, n->generation_present));
	add(obj, "clean", n->clean_present ? json_object_new_boolean(n->clean) : NULL);
	add(obj, "bitmap", n->bitmap_present ? json_object_new_boolean(n->bitmap) : NULL);
	add(obj, "dirty_regions", u64_or_null(n->dirty_regions, n->dirty_regions_present));
	add(obj, "children", children_to_json(n));
	add(obj, "scrub", n->scrub_present ? scrub_to_json(&n->scrub) : NULL);
	return obj;
}

json_object *nexus_to_json_shared(const struct nexus_info *n,
				  const struct agent_state *state)
{
	json_object *obj = nexus_to_json(n);
	const struct state_share *sh = NULL;

	for (size_t i = 0; state && i < state->n_nexuses; i++)
		if (strcmp(state->nexuses[i].name, n->name) == 0)
			sh = &state->nexuses[i].share;
	add(obj, "share", share_to_json(sh, sh && proc_alive(sh->pid, sh->pid_start)));
	return obj;
}

/* Seconds left at the current rate; -1 when unknown (no rate yet). */
static int64_t eta_seconds(const struct nexus_rebuild_info *r)
{
	if (!r->rate_present || r->rate == 0 || !r->done_present ||
	    !r->total_present || r->state != NEXUS_REBUILD_RUNNING)
		return -1;
	if (r->done >= r->total)
		return 0;
	return (int64_t)((r->total - r->done + r->rate - 1) / r->rate);
}

json_object *rebuild_progress_to_json(const char *nexus,
				      const struct nexus_child_info *child)
{
	json_object *obj = json_object_new_object();
	json_object *rebuild = rebuild_to_json(child);
	int64_t eta = child->rebuild_present ? eta_seconds(&child->rebuild) : -1;

	add(obj, "nexus", json_object_new_string(nexus));
	add(obj, "child", json_object_new_string(child->path));
	if (!rebuild) {
		rebuild = json_object_new_object();
		add(rebuild, "state", json_object_new_string("none"));
	}
	/* Flatten the rebuild fields next to nexus/child. */
	json_object_object_foreach(rebuild, key, value)
		add(obj, key, json_object_get(value));
	json_object_put(rebuild);
	add(obj, "eta_seconds", eta >= 0 ? json_object_new_int64(eta) : NULL);
	return obj;
}

json_object *event_to_json(const struct nexus_event *e)
{
	json_object *obj = json_object_new_object();

	add(obj, "seq", u64_or_null(e->seq, e->seq_present));
	add(obj, "event", json_object_new_string(nexus_event_type_str(e->type)));
	add(obj, "nexus", json_object_new_string(e->name));
	add(obj, "uuid", uuid_or_null(&e->uuid, e->uuid_present));
	add(obj, "state", str_or_null(nexus_state_str(e->state), e->state_present));
	add(obj, "child", e->child_present ? child_to_json(&e->child) : NULL);
	if (e->scrub_present)
		add(obj, "scrub", scrub_to_json(&e->scrub));
	return obj;
}

/* ---- renderers ------------------------------------------------------ */

int output_json(FILE *f, json_object *obj, bool one_line)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (one_line ? JSON_C_TO_STRING_PLAIN :
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);

	fprintf(f, "%s\n", json_object_to_json_string_ext(obj, flags));
	return ferror(f) ? -EIO : 0;
}

/* Prints obj as JSON, or hands it to the text printer; consumes obj. */
static int emit(FILE *f, enum output_format fmt, json_object *obj,
		int (*text)(FILE *f, json_object *obj))
{
	int err;

	if (!obj)
		return -ENOMEM;
	err = fmt == OUTPUT_JSON ? output_json(f, obj, false) : text(f, obj);
	json_object_put(obj);
	return err;
}

/* true/false as yes/no; "-" when unknown. */
static void cell_yesno(json_object *value, char *buf, size_t size)
{
	snprintf(buf, size, "%s", !value ? "-" :
		 json_object_get_boolean(value) ? "yes" : "no");
}

static const char *share_member(json_object *share, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(share, key, &v);
	return v ? json_object_get_string(v) : "-";
}

/* "vhost-user:SOCKET", "(down)" after it while its server does not run. */
static void cell_share(json_object *value, char *buf, size_t size)
{
	json_object *running = NULL;

	if (!value) {
		snprintf(buf, size, "-");
		return;
	}
	json_object_object_get_ex(value, "running", &running);
	snprintf(buf, size, "%s:%s%s", share_member(value, "protocol"),
		 share_member(value, "socket"),
		 json_object_get_boolean(running) ? "" : "(down)");
}

/* "vhost-user at SOCKET, queues 2, read-only, pid 42" (or "not running"). */
static void cell_share_long(json_object *value, char *buf, size_t size)
{
	json_object *ro = NULL, *pid = NULL;

	if (!value) {
		snprintf(buf, size, "-");
		return;
	}
	json_object_object_get_ex(value, "read_only", &ro);
	json_object_object_get_ex(value, "pid", &pid);
	snprintf(buf, size, "%s at %s, queues %s, %s, %s%s",
		 share_member(value, "protocol"), share_member(value, "socket"),
		 share_member(value, "queues"),
		 json_object_get_boolean(ro) ? "read-only" : "read-write",
		 pid ? "pid " : "not running", pid ? json_object_get_string(pid) : "");
}

static const struct column nexus_columns[] = {
	{ "NAME", "name", cell_text, false },
	{ "UUID", "uuid", cell_text, false },
	{ "SIZE", "size", cell_size, true },
	{ "STATE", "state", cell_text, false },
	{ "CHILDREN", "children", cell_count, true },
	{ "DEVICE", "device", cell_text, false },
	{ "GEN", "generation", cell_text, true },
	{ "BITMAP", "bitmap", cell_yesno, false },
	{ "SHARE", "share", cell_share, false },
};

static const struct column child_columns[] = {
	{ "PATH", "path", cell_text, false },
	{ "STATE", "state", cell_text, false },
	{ "REASON", "reason", cell_reason, false },
	{ "SIZE", "size", cell_size, true },
	{ "READS", "reads", cell_text, true },
	{ "WRITES", "writes", cell_text, true },
	{ "ERRORS", "errors", cell_text, true },
	{ "REBUILD%", "rebuild", cell_percent, true },
};

static int nexus_list_text(FILE *f, json_object *array)
{
	return table_print(f, "", nexus_columns, ARRAY_SIZE(nexus_columns), array);
}

int render_nexus_list(FILE *f, enum output_format fmt, const struct nexus_list *list,
		      const struct agent_state *state)
{
	json_object *array = json_object_new_array();

	for (size_t i = 0; i < list->count; i++)
		json_object_array_add(array, nexus_to_json_shared(&list->items[i], state));
	return emit(f, fmt, array, nexus_list_text);
}

static json_object *member(json_object *obj, const char *key)
{
	json_object *value = NULL;

	json_object_object_get_ex(obj, key, &value);
	return value;
}

static int children_text(FILE *f, json_object *array)
{
	return table_print(f, "", child_columns, ARRAY_SIZE(child_columns), array);
}

int render_nexus_children(FILE *f, enum output_format fmt, const struct nexus_info *nexus)
{
	return emit(f, fmt, children_to_json(nexus), children_text);
}

/* "name: value" lines: the fields a table row has no room for. */
static void show_field(FILE *f, json_object *obj, const char *key, cell_fn cell)
{
	char buf[CELL_MAX];

	cell(member(obj, key), buf, sizeof(buf));
	fprintf(f, "%-14s%s\n", key, buf);
}

static void cell_rate(json_object *value, char *buf, size_t size)
{
	if (value && json_object_get_uint64(value) == 0)
		snprintf(buf, size, "unlimited");
	else if (value)
		snprintf(buf, size, "%" PRIu64 " MiB/s", json_object_get_uint64(value));
	else
		snprintf(buf, size, "-");
}

static int nexus_show_text(FILE *f, json_object *obj)
{
	show_field(f, obj, "name", cell_text);
	show_field(f, obj, "uuid", cell_text);
	show_field(f, obj, "size", cell_size);
	show_field(f, obj, "state", cell_text);
	show_field(f, obj, "device", cell_text);
	show_field(f, obj, "major", cell_text);
	show_field(f, obj, "minor", cell_text);
	show_field(f, obj, "block_size", cell_text);
	show_field(f, obj, "open_count", cell_text);
	show_field(f, obj, "region_size", cell_size);
	show_field(f, obj, "rebuild_rate", cell_rate);
	show_field(f, obj, "generation", cell_text);
	show_field(f, obj, "clean", cell_yesno);
	show_field(f, obj, "bitmap", cell_yesno);
	show_field(f, obj, "dirty_regions", cell_text);
	show_field(f, obj, "share", cell_share_long);
	fprintf(f, "children:\n");
	return table_print(f, "  ", child_columns, ARRAY_SIZE(child_columns),
			   member(obj, "children"));
}

int render_nexus_show(FILE *f, enum output_format fmt, const struct nexus_info *nexus,
		      const struct agent_state *state)
{
	return emit(f, fmt, nexus_to_json_shared(nexus, state), nexus_show_text);
}

static void cell_eta(json_object *value, char *buf, size_t size)
{
	int64_t s = value ? json_object_get_int64(value) : -1;

	if (s < 0)
		snprintf(buf, size, "unknown");
	else
		snprintf(buf, size, "%" PRId64 ":%02" PRId64 ":%02" PRId64,
			 s / 3600, s / 60 % 60, s % 60);
}

/* nx0 /dev/loop1: running, 48.0MiB of 96.0MiB (50.0%), 12.0MiB/s, ETA 0:00:04 */
static int rebuild_progress_text(FILE *f, json_object *obj)
{
	char done[CELL_MAX], total[CELL_MAX], pct[CELL_MAX], rate[CELL_MAX], eta[CELL_MAX];
	const char *state = json_object_get_string(member(obj, "state"));

	fprintf(f, "%s %s: ", json_object_get_string(member(obj, "nexus")),
		json_object_get_string(member(obj, "child")));
	if (strcmp(state, "none") == 0) {
		fprintf(f, "no rebuild\n");
		return ferror(f) ? -EIO : 0;
	}
	cell_size(member(obj, "done"), done, sizeof(done));
	cell_size(member(obj, "total"), total, sizeof(total));
	cell_percent(obj, pct, sizeof(pct));
	cell_size(member(obj, "rate"), rate, sizeof(rate));
	cell_eta(member(obj, "eta_seconds"), eta, sizeof(eta));
	fprintf(f, "%s, %s of %s (%s), %s/s, ETA %s\n", state, done, total, pct,
		rate, eta);
	return ferror(f) ? -EIO : 0;
}

int render_rebuild_progress(FILE *f, enum output_format fmt, const char *nexus,
			    const struct nexus_child_info *child)
{
	return emit(f, fmt, rebuild_progress_to_json(nexus, child), rebuild_progress_text);
}

static void put_kv(FILE *f, json_object *obj, const char *label, const char *key,
		   cell_fn cell)
{
	json_object *value = member(obj, key);
	char buf[CELL_MAX];

	if (!value)
		return;
	cell(value, buf, sizeof(buf));
	fprintf(f, " %s=%s", label, buf);
}

/* 12 child-state nx0 state=degraded child=/dev/loop1 child_state=faulted reason=io-error */
static int event_text(FILE *f, json_object *obj)
{
	json_object *child = member(obj, "child");
	char seq[CELL_MAX];

	cell_text(member(obj, "seq"), seq, sizeof(seq));
	fprintf(f, "%s %s %s", seq, json_object_get_string(member(obj, "event")),
		json_object_get_string(member(obj, "nexus")));
	put_kv(f, obj, "state", "state", cell_text);
	if (child) {
		put_kv(f, child, "child", "path", cell_text);
		put_kv(f, child, "child_state", "state", cell_text);
		put_kv(f, child, "reason", "reason", cell_text);
		put_kv(f, child, "rebuild", "rebuild", cell_percent);
	}
	if (member(obj, "scrub")) {
		json_object *scrub = member(obj, "scrub");

		put_kv(f, scrub, "scrub", "mode", cell_text);
		put_kv(f, scrub, "scrub_state", "state", cell_text);
		put_kv(f, obj, "done", "scrub", cell_percent);
		put_kv(f, scrub, "mismatches", "mismatches", cell_text);
	}
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

int render_event(FILE *f, enum output_format fmt, const struct nexus_event *event)
{
	json_object *obj = event_to_json(event);
	int err;

	if (!obj)
		return -ENOMEM;
	err = fmt == OUTPUT_JSON ? output_json(f, obj, true) : event_text(f, obj);
	json_object_put(obj);
	return err;
}

json_object *scrub_progress_to_json(const struct nexus_info *nexus)
{
	json_object *obj = json_object_new_object();
	json_object *scrub;

	add(obj, "nexus", json_object_new_string(nexus->name));
	if (!nexus->scrub_present) {
		add(obj, "state", json_object_new_string("none"));
		return obj;
	}
	scrub = scrub_to_json(&nexus->scrub);
	/* Flatten the scrub fields next to nexus. */
	json_object_object_foreach(scrub, key, value)
		add(obj, key, json_object_get(value));
	json_object_put(scrub);
	return obj;
}

/* ": 3 10 17" or ": 3 10 17 ..." (truncated); "" when none are listed. */
static void print_regions(FILE *f, json_object *obj)
{
	json_object *regions = member(obj, "regions");
	json_object *truncated = member(obj, "truncated");
	size_t n = regions ? json_object_array_length(regions) : 0;

	if (!n)
		return;
	fputc(':', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %" PRIu64,
			json_object_get_uint64(json_object_array_get_idx(regions, i)));
	if (truncated && json_object_get_boolean(truncated))
		fprintf(f, " ...");
}

/* nx0: check done, 256 of 256 regions (100.0%), 3 mismatched: 3 10 17 */
static int scrub_progress_text(FILE *f, json_object *obj)
{
	const char *state = json_object_get_string(member(obj, "state"));
	char done[CELL_MAX], total[CELL_MAX], pct[CELL_MAX], bad[CELL_MAX];

	fprintf(f, "%s: ", json_object_get_string(member(obj, "nexus")));
	if (strcmp(state, "none") == 0) {
		fprintf(f, "never checked\n");
		return ferror(f) ? -EIO : 0;
	}
	cell_text(member(obj, "done"), done, sizeof(done));
	cell_text(member(obj, "total"), total, sizeof(total));
	cell_percent(obj, pct, sizeof(pct));
	cell_text(member(obj, "mismatches"), bad, sizeof(bad));
	fprintf(f, "%s %s, %s of %s regions (%s), %s %s",
		json_object_get_string(member(obj, "mode")), state, done, total,
		pct, bad, strcmp(json_object_get_string(member(obj, "mode")),
				 "repair") == 0 ? "repaired" : "mismatched");
	print_regions(f, obj);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

int render_scrub_progress(FILE *f, enum output_format fmt,
			  const struct nexus_info *nexus)
{
	return emit(f, fmt, scrub_progress_to_json(nexus), scrub_progress_text);
}
