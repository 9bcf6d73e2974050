/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output of pools, replicas and snapshots (the JSON objects are the single
 * source of every field; docs/pools.md lists them).  Like output.h, for
 * the objects of pool.h and replica.h.
 */
#ifndef AGENT_POOL_OUTPUT_H
#define AGENT_POOL_OUTPUT_H

#include <stdio.h>
#include <json.h>

#include "output.h"
#include "pool.h"
#include "replica.h"
#include "table.h"

json_object *pool_to_json(const struct pool_info *pool);
json_object *replica_to_json(const struct replica_info *replica);
json_object *snapshot_to_json(const struct replica_info *snapshot);

/* Tables, or JSON arrays; an empty table prints one sentence instead. */
int render_pool_list(FILE *f, enum output_format fmt, const struct pool_list *l);
int render_replica_list(FILE *f, enum output_format fmt, const struct replica_list *l);
int render_snapshot_list(FILE *f, enum output_format fmt, const struct replica_list *l);
/* One replica or snapshot as a one-row table, or one JSON object. */
int render_replica(FILE *f, enum output_format fmt, const struct replica_info *r);
int render_snapshot(FILE *f, enum output_format fmt, const struct replica_info *s);

/* Shared by the renderers: consumes array. */
int output_list(FILE *f, enum output_format fmt, json_object *array,
		const struct column *cols, size_t ncols, const char *empty);
void cell_pct(json_object *value, char *buf, size_t size);
void cell_list(json_object *value, char *buf, size_t size);

#endif /* AGENT_POOL_OUTPUT_H */
