/* Table and JSON rendering: exact text, and parity between the two. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "agent_state.h"
#include "fixtures.h"
#include "output.h"
#include "vhost_proc.h"

/* Renders into a string the test owns. */
struct capture {
	char *text;
	size_t len;
	FILE *f;
};

static FILE *open_capture(struct capture *c)
{
	c->text = NULL;
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static char *close_capture(struct capture *c)
{
	fclose(c->f);
	return c->text;
}

/* want is a part of what was rendered. */
static void check_has(struct capture *c, const char *want)
{
	char *got = close_capture(c);

	if (!strstr(got, want))
		fail_msg("'%s' not in:\n%s", want, got);
	free(got);
}

static void check(struct capture *c, const char *want)
{
	char *got = close_capture(c);

	assert_string_equal(got, want);
	free(got);
}

static void list_table(void **state)
{
	struct nexus_info n;
	struct nexus_list list = { &n, 1 };
	struct capture c;

	(void)state;
	fixture_nexus(&n);
	n.generation = 7;
	n.generation_present = true;
	n.bitmap = true;
	n.bitmap_present = true;
	assert_int_equal(render_nexus_list(open_capture(&c), OUTPUT_TABLE, &list, NULL), 0);
	check(&c,
	      "NAME  UUID                                     SIZE  STATE     CHILDREN  DEVICE    GEN  BITMAP  SHARE\n"
	      "nx0   123e4567-e89b-12d3-a456-426614174000  96.0MiB  degraded         2  /dev/nx0    7  yes     -\n");
	nexus_info_free(&n);
}

static void empty_list(void **state)
{
	struct nexus_list list = { 0 };
	struct capture c;

	(void)state;
	render_nexus_list(open_capture(&c), OUTPUT_TABLE, &list, NULL);
	check(&c, "NAME  UUID  SIZE  STATE  CHILDREN  DEVICE  GEN  BITMAP  SHARE\n");
	render_nexus_list(open_capture(&c), OUTPUT_JSON, &list, NULL);
	check(&c, "[\n]\n");
}

static void children_table(void **state)
{
	struct nexus_info n;
	struct capture c;

	(void)state;
	fixture_nexus(&n);
	n.children[0].reason = NEXUS_REASON_ADMIN;
	n.children[0].reads_present = false;	/* unknown shows as "-" */
	render_nexus_children(open_capture(&c), OUTPUT_TABLE, &n);
	check(&c,
	      "PATH        STATE       REASON      SIZE  READS  WRITES  ERRORS  REBUILD%\n"
	      "/dev/loop1  online      admin   100.0MiB      -     345       0         -\n"
	      "/dev/loop2  rebuilding  -       100.0MiB   1200      40       0     50.0%\n");
	nexus_info_free(&n);
}

static void nexus_json_fields(void **state)
{
	struct nexus_info n;
	json_object *obj, *child, *rebuild, *v;

	(void)state;
	fixture_nexus(&n);
	n.rebuild_rate_present = false;
	obj = nexus_to_json(&n);
	assert_true(json_object_object_get_ex(obj, "size", &v));
	assert_int_equal(json_object_get_uint64(v), 96ULL << 20);	/* bytes */
	assert_true(json_object_object_get_ex(obj, "state", &v));
	assert_string_equal(json_object_get_string(v), "degraded");
	assert_true(json_object_object_get_ex(obj, "rebuild_rate", &v));
	assert_null(v);		/* absent is null, not 0 */
	json_object_object_get_ex(obj, "children", &v);
	assert_int_equal(json_object_array_length(v), 2);
	child = json_object_array_get_idx(v, 1);
	assert_true(json_object_object_get_ex(child, "rebuild", &rebuild));
	assert_true(json_object_object_get_ex(rebuild, "percent", &v));
	assert_string_equal(json_object_to_json_string(v), "50.0");
	json_object_put(obj);
	nexus_info_free(&n);
}

static void children_json_matches_table(void **state)
{
	struct nexus_info n;
	struct capture c;
	char *text;

	(void)state;
	fixture_nexus(&n);
	render_nexus_children(open_capture(&c), OUTPUT_JSON, &n);
	text = close_capture(&c);
	/* Paths are not slash-escaped; every table column has its field. */
	assert_non_null(strstr(text, "\"path\": \"/dev/loop2\""));
	assert_non_null(strstr(text, "\"state\": \"rebuilding\""));
	assert_non_null(strstr(text, "\"reason\": \"none\""));
	assert_non_null(strstr(text, "\"size\": 104857600"));
	assert_non_null(strstr(text, "\"reads\": 1200"));
	assert_non_null(strstr(text, "\"writes\": 40"));
	assert_non_null(strstr(text, "\"errors\": 0"));
	assert_non_null(strstr(text, "\"percent\": 50.0"));
	free(text);
	nexus_info_free(&n);
}

static void show_text(void **state)
{
	struct nexus_info n;
	struct capture c;

	(void)state;
	fixture_nexus(&n);
	n.rebuild_rate = 25;
	n.clean_present = true;	/* present and false */
	render_nexus_show(open_capture(&c), OUTPUT_TABLE, &n, NULL);
	check(&c,
	      "name          nx0\n"
	      "uuid          123e4567-e89b-12d3-a456-426614174000\n"
	      "size          96.0MiB\n"
	      "state         degraded\n"
	      "device        /dev/nx0\n"
	      "major         252\n"
	      "minor         0\n"
	      "block_size    512\n"
	      "open_count    1\n"
	      "region_size   1.0MiB\n"
	      "rebuild_rate  25 MiB/s\n"
	      "generation    -\n"
	      "clean         no\n"
	      "bitmap        -\n"
	      "dirty_regions -\n"
	      "share         -\n"
	      "children:\n"
	      "  PATH        STATE       REASON      SIZE  READS  WRITES  ERRORS  REBUILD%\n"
	      "  /dev/loop1  online      -       100.0MiB   1200     345       0         -\n"
	      "  /dev/loop2  rebuilding  -       100.0MiB   1200      40       0     50.0%\n");
	nexus_info_free(&n);
}

/* A state whose nx0 is published; running: as this very process. */
static void fixture_shared(struct agent_state *st, bool running)
{
	struct state_nexus *e;

	memset(st, 0, sizeof(*st));
	e = agent_state_add_nexus(st);
	assert_non_null(e);
	snprintf(e->name, sizeof(e->name), "nx0");
	e->share.present = true;
	snprintf(e->share.protocol, sizeof(e->share.protocol), "vhost-user");
	snprintf(e->share.socket, sizeof(e->share.socket), "/run/x/nx0.sock");
	e->share.queues = 2;
	e->share.read_only = true;
	e->share.pid = running ? getpid() : 999999;
	if (running)
		assert_int_equal(proc_start_time(getpid(), &e->share.pid_start), 0);
}

static void share_in_list_and_show(void **state)
{
	struct nexus_info n;
	struct nexus_list list = { &n, 1 };
	struct agent_state st;
	struct capture c;
	char want[256];

	(void)state;
	fixture_nexus(&n);
	fixture_shared(&st, false);
	render_nexus_list(open_capture(&c), OUTPUT_TABLE, &list, &st);
	check(&c,
	      "NAME  UUID                                     SIZE  STATE     CHILDREN  DEVICE    GEN  BITMAP  SHARE\n"
	      "nx0   123e4567-e89b-12d3-a456-426614174000  96.0MiB  degraded         2  /dev/nx0    -  -       vhost-user:/run/x/nx0.sock(down)\n");
	render_nexus_list(open_capture(&c), OUTPUT_JSON, &list, &st);
	check_has(&c, "\"share\": {\n      \"protocol\": \"vhost-user\",\n"
		  "      \"socket\": \"/run/x/nx0.sock\",\n      \"queues\": 2,\n"
		  "      \"read_only\": true,\n      \"pid\": null,\n"
		  "      \"running\": false\n    }");
	agent_state_free(&st);
	fixture_shared(&st, true);
	render_nexus_show(open_capture(&c), OUTPUT_TABLE, &n, &st);
	snprintf(want, sizeof(want), "share         vhost-user at /run/x/nx0.sock, "
		 "queues 2, read-only, pid %d\nchildren:\n", (int)getpid());
	check_has(&c, want);
	agent_state_free(&st);
	nexus_info_free(&n);
}

static void unpublished_share_is_null(void **state)
{
	struct nexus_info n;
	struct agent_state st;
	struct capture c;

	(void)state;
	fixture_nexus(&n);
	fixture_shared(&st, false);
	st.nexuses[0].share.present = false;
	render_nexus_show(open_capture(&c), OUTPUT_JSON, &n, &st);
	check_has(&c, "\"share\": null");
	agent_state_free(&st);
	nexus_info_free(&n);
}

static void rebuild_progress(void **state)
{
	struct nexus_info n;
	struct capture c;

	(void)state;
	fixture_nexus(&n);
	render_rebuild_progress(open_capture(&c), OUTPUT_TABLE, "nx0", &n.children[1]);
	check(&c, "nx0 /dev/loop2: running, 48.0MiB of 96.0MiB (50.0%), "
		  "12.0MiB/s, ETA 0:00:04\n");
	render_rebuild_progress(open_capture(&c), OUTPUT_JSON, "nx0", &n.children[1]);
	check(&c, "{\n  \"nexus\": \"nx0\",\n  \"child\": \"/dev/loop2\",\n"
		  "  \"state\": \"running\",\n  \"done\": 50331648,\n"
		  "  \"total\": 100663296,\n  \"percent\": 50.0,\n"
		  "  \"rate\": 12582912,\n  \"source_slot\": 0,\n"
		  "  \"eta_seconds\": 4\n}\n");
	render_rebuild_progress(open_capture(&c), OUTPUT_TABLE, "nx0", &n.children[0]);
	check(&c, "nx0 /dev/loop1: no rebuild\n");
	n.children[1].rebuild.state = NEXUS_REBUILD_PAUSED;	/* no ETA when paused */
	render_rebuild_progress(open_capture(&c), OUTPUT_TABLE, "nx0", &n.children[1]);
	check(&c, "nx0 /dev/loop2: paused, 48.0MiB of 96.0MiB (50.0%), "
		  "12.0MiB/s, ETA unknown\n");
	nexus_info_free(&n);
}

static void fixture_scrub(struct nexus_info *n, enum nexus_scrub_mode mode,
			  unsigned int n_regions)
{
	struct nexus_scrub_info *s = &n->scrub;

	n->scrub_present = true;
	*s = (struct nexus_scrub_info){
		.state = NEXUS_SCRUB_DONE, .mode = mode, .done = 32, .total = 32,
		.mismatches = n_regions, .repaired = mode == NEXUS_SCRUB_REPAIR ? n_regions : 0,
		.n_regions = n_regions, .truncated = n_regions > NEXUS_SCRUB_MAX_LISTED,
		.start = 1000, .end = 1004,
		.state_present = true, .mode_present = true, .done_present = true,
		.total_present = true, .mismatches_present = true,
		.repaired_present = true, .regions_present = true,
		.truncated_present = true, .start_present = true, .end_present = true,
	};
	if (s->n_regions > NEXUS_SCRUB_MAX_LISTED)
		s->n_regions = NEXUS_SCRUB_MAX_LISTED;
	for (size_t i = 0; i < s->n_regions; i++)
		s->regions[i] = 2 + 7 * i;
}

static void scrub_progress(void **state)
{
	struct nexus_info n;
	struct capture c;

	(void)state;
	fixture_nexus(&n);
	render_scrub_progress(open_capture(&c), OUTPUT_TABLE, &n);
	check(&c, "nx0: never checked\n");
	render_scrub_progress(open_capture(&c), OUTPUT_JSON, &n);
	check(&c, "{\n  \"nexus\": \"nx0\",\n  \"state\": \"none\"\n}\n");
	fixture_scrub(&n, NEXUS_SCRUB_CHECK, 3);
	render_scrub_progress(open_capture(&c), OUTPUT_TABLE, &n);
	check(&c, "nx0: check done, 32 of 32 regions (100.0%), 3 mismatched: 2 9 16\n");
	render_scrub_progress(open_capture(&c), OUTPUT_JSON, &n);
	check(&c, "{\n  \"nexus\": \"nx0\",\n  \"mode\": \"check\",\n"
		  "  \"state\": \"done\",\n  \"done\": 32,\n  \"total\": 32,\n"
		  "  \"percent\": 100.0,\n  \"mismatches\": 3,\n  \"repaired\": 0,\n"
		  "  \"regions\": [\n    2,\n    9,\n    16\n  ],\n"
		  "  \"truncated\": false,\n  \"start\": 1000,\n  \"end\": 1004\n}\n");
	fixture_scrub(&n, NEXUS_SCRUB_REPAIR, 0);
	n.scrub.state = NEXUS_SCRUB_RUNNING;
	n.scrub.done = 8;
	n.scrub.end = 0;
	render_scrub_progress(open_capture(&c), OUTPUT_TABLE, &n);
	check(&c, "nx0: repair running, 8 of 32 regions (25.0%), 0 repaired\n");
	nexus_info_free(&n);
}

/* More than the kernel lists: the first 64, then "...". */
static void scrub_progress_truncated(void **state)
{
	struct nexus_info n;
	struct capture c;
	char *text;

	(void)state;
	fixture_nexus(&n);
	fixture_scrub(&n, NEXUS_SCRUB_CHECK, 100);
	render_scrub_progress(open_capture(&c), OUTPUT_TABLE, &n);
	text = close_capture(&c);
	assert_non_null(strstr(text, "100 mismatched: 2 9 16 "));
	assert_non_null(strstr(text, " 443 ...\n"));	/* 2 + 7 * 63 */
	assert_null(strstr(text, " 450"));
	free(text);
	nexus_info_free(&n);
}

static void event_lines(void **state)
{
	struct nexus_event e = {
		.type = NEXUS_EVENT_CHILD_STATE, .seq = 12, .seq_present = true,
		.state = NEXUS_STATE_DEGRADED, .state_present = true,
		.child_present = true,
	};
	struct capture c;

	(void)state;
	strcpy(e.name, "nx0");
	fixture_child(&e.child, "/dev/loop2", 1, NEXUS_CHILD_FAULTED);
	e.child.reason = NEXUS_REASON_IO_ERROR;
	render_event(open_capture(&c), OUTPUT_TABLE, &e);
	check(&c, "12 child-state nx0 state=degraded child=/dev/loop2 "
		  "child_state=faulted reason=io-error\n");
	render_event(open_capture(&c), OUTPUT_JSON, &e);
	check(&c, "{\"seq\":12,\"event\":\"child-state\",\"nexus\":\"nx0\",\"uuid\":null,"
		  "\"state\":\"degraded\",\"child\":{\"path\":\"/dev/loop2\",\"slot\":1,"
		  "\"state\":\"faulted\",\"reason\":\"io-error\",\"size\":104857600,"
		  "\"major\":7,\"minor\":1,\"uuid\":null,\"reads\":1200,\"writes\":345,"
		  "\"errors\":0,\"generation\":null,\"rebuild\":null}}\n");
	e.child_present = false;
	e.state_present = false;
	e.type = NEXUS_EVENT_NEXUS_DESTROYED;
	render_event(open_capture(&c), OUTPUT_TABLE, &e);
	check(&c, "12 nexus-destroyed nx0\n");
	e.type = NEXUS_EVENT_SCRUB_PROGRESS;
	e.scrub_present = true;
	e.scrub = (struct nexus_scrub_info){
		.state = NEXUS_SCRUB_RUNNING, .mode = NEXUS_SCRUB_CHECK, .done = 8,
		.total = 32, .mismatches = 1, .state_present = true,
		.mode_present = true, .done_present = true, .total_present = true,
		.mismatches_present = true,
	};
	render_event(open_capture(&c), OUTPUT_TABLE, &e);
	check(&c, "12 scrub-progress nx0 scrub=check scrub_state=running done=25.0% "
		  "mismatches=1\n");
}

static void output_formats(void **state)
{
	enum output_format f = OUTPUT_TABLE;

	(void)state;
	assert_int_equal(output_format_parse("json", &f), 0);
	assert_int_equal(f, OUTPUT_JSON);
	assert_int_equal(output_format_parse("table", &f), 0);
	assert_int_equal(f, OUTPUT_TABLE);
	assert_int_equal(output_format_parse("yaml", &f), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_table),
		cmocka_unit_test(empty_list),
		cmocka_unit_test(children_table),
		cmocka_unit_test(nexus_json_fields),
		cmocka_unit_test(children_json_matches_table),
		cmocka_unit_test(show_text),
		cmocka_unit_test(share_in_list_and_show),
		cmocka_unit_test(unpublished_share_is_null),
		cmocka_unit_test(rebuild_progress),
		cmocka_unit_test(scrub_progress),
		cmocka_unit_test(scrub_progress_truncated),
		cmocka_unit_test(event_lines),
		cmocka_unit_test(output_formats),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
