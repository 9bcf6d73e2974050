/* SPDX-License-Identifier: Apache-2.0 */
/* What `pool list` and `pool create` show: JSON, and tables made from it. */
#include <errno.h>
#include <string.h>

#include "pool.h"
#include "pool_output.h"
#include "table.h"

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

/* One decimal, serialised as written ("12.7", not 12.699999). */
static json_object *percent_json(double percent)
{
	char text[16];

	snprintf(text, sizeof(text), "%.1f", percent);
	return json_object_new_double_s(percent, text);
}

json_object *pool_to_json(const struct pool_info *p)
{
	json_object *obj = json_object_new_object();
	json_object *disks = json_object_new_array();

	for (size_t i = 0; i < p->n_disks; i++)
		json_object_array_add(disks, json_object_new_string(p->disks[i]));
	add(obj, "name", json_object_new_string(p->name));
	add(obj, "uuid", json_object_new_string(p->uuid));
	add(obj, "state", json_object_new_string(p->state));
	add(obj, "capacity", json_object_new_uint64(p->capacity));
	add(obj, "used", json_object_new_uint64(p->used));
	add(obj, "free", json_object_new_uint64(p->free));
	add(obj, "thin_pool_size", p->thin_present ? json_object_new_uint64(p->thin_size) : NULL);
	add(obj, "data_percent", p->thin_present ? percent_json(p->data_percent) : NULL);
	add(obj, "metadata_size", p->thin_present ?
	    json_object_new_uint64(p->metadata_size) : NULL);
	add(obj, "metadata_percent", p->thin_present ?
	    percent_json(p->metadata_percent) : NULL);
	add(obj, "autoextend", json_object_new_boolean(p->autoextend));
	add(obj, "replicas", json_object_new_uint64(p->n_replicas));
	add(obj, "snapshots", json_object_new_uint64(p->n_snapshots));
	add(obj, "disks", disks);
	return obj;
}

/* 12.5% */
void cell_pct(json_object *value, char *buf, size_t size)
{
	if (!value)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", json_object_get_double(value));
}

/* An array of strings, comma-separated. */
void cell_list(json_object *value, char *buf, size_t size)
{
	size_t len = 0, n = value ? json_object_array_length(value) : 0;

	snprintf(buf, size, "-");
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
					json_object_get_string(json_object_array_get_idx(value, i)));
}

static const struct column pool_columns[] = {
	{ "NAME", "name", cell_text, false },
	{ "STATE", "state", cell_text, false },
	{ "CAPACITY", "capacity", cell_size, true },
	{ "USED", "used", cell_size, true },
	{ "DATA%", "data_percent", cell_pct, true },
	{ "META%", "metadata_percent", cell_pct, true },
	{ "DISKS", "disks", cell_list, false },
};

int output_list(FILE *f, enum output_format fmt, json_object *array,
		const struct column *cols, size_t ncols, const char *empty)
{
	int err;

	if (!array)
		return -ENOMEM;
	if (fmt == OUTPUT_JSON)
		err = output_json(f, array, false);
	else if (json_object_array_length(array) == 0)
		err = fprintf(f, "%s\n", empty) < 0 ? -EIO : 0;
	else
		err = table_print(f, "", cols, ncols, array);
	json_object_put(array);
	return err;
}

int render_pool_list(FILE *f, enum output_format fmt, const struct pool_list *l)
{
	json_object *array = json_object_new_array();

	for (size_t i = 0; i < l->count; i++)
		json_object_array_add(array, pool_to_json(&l->items[i]));
	return output_list(f, fmt, array, pool_columns,
			   sizeof(pool_columns) / sizeof(pool_columns[0]),
			   "No pools have been created");
}
