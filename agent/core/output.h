/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the agent shows: one JSON builder per object (the single source of
 * every field, documented in docs/cli.md) and one renderer per object that
 * prints either that JSON or a text form made from it.  The only printing
 * the core does, always to a FILE* it is given.
 */
#ifndef AGENT_OUTPUT_H
#define AGENT_OUTPUT_H

#include <stdio.h>
#include <json.h>
#include <libnexus.h>

enum output_format {
	OUTPUT_TABLE,
	OUTPUT_JSON,
};

/* "table" or "json"; -EINVAL otherwise. */
int output_format_parse(const char *text, enum output_format *out);

/* New JSON objects (caller puts them); absent fields are null. */
json_object *nexus_to_json(const struct nexus_info *nexus);
json_object *child_to_json(const struct nexus_child_info *child);
json_object *rebuild_to_json(const struct nexus_child_info *child);
json_object *rebuild_progress_to_json(const char *nexus,
				      const struct nexus_child_info *child);
json_object *event_to_json(const struct nexus_event *event);
json_object *scrub_to_json(const struct nexus_scrub_info *scrub);
/* nexus, then the check fields flattened; state "none" if never checked. */
json_object *scrub_progress_to_json(const struct nexus_info *nexus);

struct agent_state;

/*
 * A nexus with its "share": the publication state records for it (share.h;
 * null when unpublished, or when state is NULL).
 */
json_object *nexus_to_json_shared(const struct nexus_info *nexus,
				  const struct agent_state *state);

/* Renderers: 0, or a negative errno (-EIO on a write error). */
int render_nexus_list(FILE *f, enum output_format fmt, const struct nexus_list *list,
		      const struct agent_state *state);
int render_nexus_children(FILE *f, enum output_format fmt, const struct nexus_info *nexus);
int render_nexus_show(FILE *f, enum output_format fmt, const struct nexus_info *nexus,
		      const struct agent_state *state);
int render_rebuild_progress(FILE *f, enum output_format fmt, const char *nexus,
			    const struct nexus_child_info *child);
/* "NAME: MODE STATE, DONE of TOTAL regions (PCT), N mismatched: R..." */
int render_scrub_progress(FILE *f, enum output_format fmt,
			  const struct nexus_info *nexus);
/* One line per event (one JSON object per line with OUTPUT_JSON). */
int render_event(FILE *f, enum output_format fmt, const struct nexus_event *event);

/* Prints obj followed by a newline; pretty unless one_line. */
int output_json(FILE *f, json_object *obj, bool one_line);

#endif /* AGENT_OUTPUT_H */
