/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"
#include "table.h"

void cell_text(json_object *value, char *buf, size_t size)
{
	if (!value)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s", json_object_get_string(value));
}

void cell_size(json_object *value, char *buf, size_t size)
{
	char human[SIZE_STR_MAX];

	if (!value)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s",
			 size_format((uint64_t)json_object_get_uint64(value), human));
}

void cell_count(json_object *value, char *buf, size_t size)
{
	if (!value)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%zu", json_object_array_length(value));
}

void cell_reason(json_object *value, char *buf, size_t size)
{
	if (value && strcmp(json_object_get_string(value), "none") == 0)
		value = NULL;
	cell_text(value, buf, size);
}

/* value is a rebuild object ({"percent": 50.0, ...}) or null. */
void cell_percent(json_object *value, char *buf, size_t size)
{
	json_object *percent = NULL;

	if (!value || !json_object_object_get_ex(value, "percent", &percent) ||
	    !percent)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", json_object_get_double(percent));
}

/* Cells of one row, formatted, and the widths they need. */
static void format_row(const struct column *cols, size_t ncols, json_object *row,
		       char (*cells)[CELL_MAX], size_t *widths)
{
	for (size_t c = 0; c < ncols; c++) {
		json_object *value = NULL;
		size_t len;

		json_object_object_get_ex(row, cols[c].key, &value);
		cols[c].cell(value, cells[c], CELL_MAX);
		len = strlen(cells[c]);
		if (len > widths[c])
			widths[c] = len;
	}
}

static void print_line(FILE *f, const char *indent, const struct column *cols,
		       size_t ncols, char (*cells)[CELL_MAX], const size_t *widths)
{
	fputs(indent, f);
	for (size_t c = 0; c < ncols; c++) {
		bool last = c + 1 == ncols;
		int w = (int)widths[c];

		if (cols[c].right)
			fprintf(f, "%*s", w, cells[c]);
		else if (last)	/* no trailing blanks */
			fputs(cells[c], f);
		else
			fprintf(f, "%-*s", w, cells[c]);
		fputs(last ? "\n" : "  ", f);
	}
}

int table_print(FILE *f, const char *indent, const struct column *cols,
		size_t ncols, json_object *rows)
{
	size_t nrows = json_object_array_length(rows);
	char (*cells)[CELL_MAX] = calloc((nrows + 1) * ncols, CELL_MAX);
	size_t *widths = calloc(ncols, sizeof(*widths));

	if (!cells || !widths) {
		free(cells);
		free(widths);
		return -ENOMEM;
	}
	for (size_t c = 0; c < ncols; c++) {
		snprintf(cells[c], CELL_MAX, "%s", cols[c].header);
		widths[c] = strlen(cols[c].header);
	}
	for (size_t r = 0; r < nrows; r++)
		format_row(cols, ncols, json_object_array_get_idx(rows, r),
			   cells + (r + 1) * ncols, widths);
	for (size_t r = 0; r <= nrows; r++)
		print_line(f, indent, cols, ncols, cells + r * ncols, widths);
	free(cells);
	free(widths);
	return ferror(f) ? -EIO : 0;
}
