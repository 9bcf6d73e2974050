/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Aligned text tables whose cells are read out of JSON objects.  Rendering
 * tables from the same json_object that -o json prints keeps the two
 * outputs in parity: a table can only show what the JSON carries.
 */
#ifndef AGENT_TABLE_H
#define AGENT_TABLE_H

#include <stdbool.h>
#include <stdio.h>
#include <json.h>

#define CELL_MAX 300

/* Formats value (NULL when the key is absent or null) into buf. */
typedef void (*cell_fn)(json_object *value, char *buf, size_t size);

struct column {
	const char *header;
	const char *key;	/* member of each row object */
	cell_fn cell;
	bool right;		/* right-align (numbers) */
};

/*
 * Prints a header line and one line per object of rows (a JSON array),
 * columns separated by two spaces, each line starting with indent.
 * Returns 0, or -EIO when f reports a write error.
 */
int table_print(FILE *f, const char *indent, const struct column *cols,
		size_t ncols, json_object *rows);

/* Cell formatters; all print "-" for a missing value. */
void cell_text(json_object *value, char *buf, size_t size);	/* as is */
void cell_size(json_object *value, char *buf, size_t size);	/* 96.0MiB */
void cell_count(json_object *value, char *buf, size_t size);	/* array length */
void cell_reason(json_object *value, char *buf, size_t size);	/* "none" -> "-" */
void cell_percent(json_object *value, char *buf, size_t size);	/* rebuild -> 50.0% */

#endif /* AGENT_TABLE_H */
