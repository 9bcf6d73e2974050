/* SPDX-License-Identifier: Apache-2.0 */
/* What `replica list` and `snapshot list` show. */
#include <errno.h>
#include <string.h>

#include "pool_output.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

static json_object *str_or_null(const char *text)
{
	return text[0] ? json_object_new_string(text) : NULL;
}

static json_object *hosts_json(const struct nvmf_share *s)
{
	json_object *array = json_object_new_array();

	for (size_t i = 0; i < s->n_hosts; i++)
		json_object_array_add(array, json_object_new_string(s->hosts[i]));
	return array;
}

json_object *replica_to_json(const struct replica_info *r)
{
	json_object *obj = json_object_new_object();
	char uri[PATH_MAX + 300];

	replica_uri(r, uri, sizeof(uri));
	add(obj, "pool", json_object_new_string(r->pool));
	add(obj, "name", json_object_new_string(r->name));
	add(obj, "uuid", str_or_null(r->uuid));
	add(obj, "thin", json_object_new_boolean(r->thin));
	add(obj, "size", json_object_new_uint64(r->size));
	add(obj, "used", json_object_new_uint64(r->used));
	add(obj, "share", json_object_new_string(r->shared ? "nvmf" : "none"));
	add(obj, "uri", json_object_new_string(uri));
	add(obj, "path", json_object_new_string(r->path));
	add(obj, "active", json_object_new_boolean(r->active));
	add(obj, "nexus", str_or_null(r->nexus));
	add(obj, "origin", str_or_null(r->origin));
	add(obj, "nqn", r->shared ? json_object_new_string(r->share.nqn) : NULL);
	add(obj, "allow_any_host", r->shared ? json_object_new_boolean(r->share.any_host) : NULL);
	add(obj, "allowed_hosts", r->shared ? hosts_json(&r->share) : NULL);
	return obj;
}

json_object *snapshot_to_json(const struct replica_info *s)
{
	json_object *obj = json_object_new_object();

	add(obj, "pool", json_object_new_string(s->pool));
	add(obj, "name", json_object_new_string(s->name));
	add(obj, "uuid", str_or_null(s->uuid));
	add(obj, "replica", str_or_null(s->origin));
	add(obj, "size", json_object_new_uint64(s->size));
	add(obj, "used", json_object_new_uint64(s->used));
	add(obj, "created", str_or_null(s->time));
	add(obj, "path", json_object_new_string(s->path));
	return obj;
}

static void cell_bool(json_object *value, char *buf, size_t size)
{
	snprintf(buf, size, "%s", !value ? "-" :
		 json_object_get_boolean(value) ? "true" : "false");
}

static const struct column replica_columns[] = {
	{ "POOL", "pool", cell_text, false },
	{ "NAME", "name", cell_text, false },
	{ "UUID", "uuid", cell_text, false },
	{ "THIN", "thin", cell_bool, false },
	{ "SIZE", "size", cell_size, true },
	{ "USED", "used", cell_size, true },
	{ "SHARE", "share", cell_text, false },
	{ "URI", "uri", cell_text, false },
};

static const struct column snapshot_columns[] = {
	{ "POOL", "pool", cell_text, false },
	{ "NAME", "name", cell_text, false },
	{ "REPLICA", "replica", cell_text, false },
	{ "SIZE", "size", cell_size, true },
	{ "USED", "used", cell_size, true },
	{ "CREATED", "created", cell_text, false },
};

static int render(FILE *f, enum output_format fmt, const struct replica_list *l,
		  json_object *(*to_json)(const struct replica_info *),
		  const struct column *cols, size_t ncols, const char *empty)
{
	json_object *array = json_object_new_array();

	for (size_t i = 0; i < l->count; i++)
		json_object_array_add(array, to_json(&l->items[i]));
	return output_list(f, fmt, array, cols, ncols, empty);
}

int render_replica_list(FILE *f, enum output_format fmt, const struct replica_list *l)
{
	return render(f, fmt, l, replica_to_json, replica_columns,
		      ARRAY_SIZE(replica_columns), "No replicas have been created");
}

int render_snapshot_list(FILE *f, enum output_format fmt, const struct replica_list *l)
{
	return render(f, fmt, l, snapshot_to_json, snapshot_columns,
		      ARRAY_SIZE(snapshot_columns), "No snapshots have been created");
}

/* One object: JSON object (not an array), or a one-row table. */
static int render_one(FILE *f, enum output_format fmt, json_object *obj,
		      const struct column *cols, size_t ncols)
{
	json_object *array;
	int err;

	if (!obj)
		return -ENOMEM;
	if (fmt == OUTPUT_JSON) {
		err = output_json(f, obj, false);
		json_object_put(obj);
		return err;
	}
	array = json_object_new_array();
	json_object_array_add(array, obj);
	err = table_print(f, "", cols, ncols, array);
	json_object_put(array);
	return err;
}

int render_replica(FILE *f, enum output_format fmt, const struct replica_info *r)
{
	return render_one(f, fmt, replica_to_json(r), replica_columns,
			  ARRAY_SIZE(replica_columns));
}

int render_snapshot(FILE *f, enum output_format fmt, const struct replica_info *s)
{
	return render_one(f, fmt, snapshot_to_json(s), snapshot_columns,
			  ARRAY_SIZE(snapshot_columns));
}
