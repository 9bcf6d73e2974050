/* The agent's state file: JSON form, errors, atomic save, recorded entries. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent_record.h"
#include "agent_state.h"
#include "fixtures.h"

#define UUID1 "6f1c8e0e-5a3b-4d0e-9a8e-0c4b1f2d3e4f"

static const char *const sample =
	"{ \"version\": 1,\n"
	"  \"pools\": [ { \"name\": \"p0\", \"disks\": [ \"/var/lib/p0.img\" ] } ],\n"
	"  \"nexuses\": [ { \"name\": \"nx0\", \"uuid\": \"" UUID1 "\",\n"
	"                 \"size\": 1048576, \"region_size\": 4194304,\n"
	"                 \"children\": [ \"/var/lib/a.img\", \"lvol://p0/r1\" ],\n"
	"                 \"future\": true } ] }\n";

static void parses_pools_and_nexuses(void **state)
{
	struct agent_state s;
	char err[256];

	(void)state;
	assert_int_equal(agent_state_parse(sample, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n_pools, 1);
	assert_string_equal(s.pools[0].name, "p0");
	assert_int_equal(s.pools[0].n_disks, 1);
	assert_string_equal(s.pools[0].disks[0], "/var/lib/p0.img");
	assert_int_equal(s.n_nexuses, 1);
	assert_string_equal(s.nexuses[0].name, "nx0");
	assert_string_equal(s.nexuses[0].uuid, UUID1);
	assert_int_equal(s.nexuses[0].size, 1048576);
	assert_int_equal(s.nexuses[0].region_size, 4194304);
	assert_int_equal(s.nexuses[0].n_children, 2);
	assert_string_equal(s.nexuses[0].children[1], "lvol://p0/r1");
	agent_state_free(&s);
}

static void format_parses_back(void **state)
{
	struct agent_state s, again;
	char err[256], *text, *text2;

	(void)state;
	assert_int_equal(agent_state_parse(sample, &s, err, sizeof(err)), 0);
	text = agent_state_format(&s);
	assert_non_null(text);
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(agent_state_parse(text, &again, err, sizeof(err)), 0);
	text2 = agent_state_format(&again);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	agent_state_free(&s);
	agent_state_free(&again);
}

static void refused(const char *text, const char *want)
{
	struct agent_state s;
	char err[256];

	assert_int_equal(agent_state_parse(text, &s, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("'%s': got '%s', want '%s'", text, err, want);
	assert_null(s.pools);
	assert_null(s.nexuses);
}

static void bad_files_say_why(void **state)
{
	(void)state;
	refused("[]", "not a JSON object");
	refused("{ \"version\": 2 }", "unsupported \"version\"");
	refused("{ \"pools\": [] }", "unsupported \"version\"");
	refused("{ \"version\": 1, \"pools\": [ { \"disks\": [] } ] }",
		"pool without a \"name\"");
	refused("{ \"version\": 1, \"pools\": [ { \"name\": \"a/b\", \"disks\": [] } ] }",
		"invalid pool name 'a/b'");
	refused("{ \"version\": 1, \"pools\": [ { \"name\": \"p\" } ] }",
		"missing array \"disks\"");
	refused("{ \"version\": 1, \"nexuses\": [ { \"name\": \"nx\", \"uuid\": \"x\","
		" \"children\": [ \"/dev/a\" ] } ] }", "nexus nx: missing or invalid \"uuid\"");
	refused("{ \"version\": 1, \"nexuses\": [ { \"name\": \"nx\", \"uuid\": \"" UUID1
		"\", \"size\": -1, \"children\": [ \"/dev/a\" ] } ] }",
		"\"size\": expected a number of bytes");
	refused("{ \"version\": 1, \"nexuses\": [ { \"name\": \"nx\", \"uuid\": \"" UUID1
		"\", \"children\": [] } ] }", "nexus nx: no children");
	refused("{ \"version\": 1, \"nexuses\": [ { \"name\": \"nx\", \"uuid\": \"" UUID1
		"\", \"children\": [ \"\" ] } ] }", "children: expected a non-empty string");
}

static void missing_file_is_empty_and_save_is_atomic(void **state)
{
	char dir[] = "/var/tmp/nexus-state-test.XXXXXX", path[256], tmp[300];
	struct agent_state s, back;
	struct state_nexus *n;
	char err[256];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/dir/agent.json", dir);
	assert_int_equal(agent_state_load(path, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n_pools + s.n_nexuses, 0);
	n = agent_state_add_nexus(&s);
	assert_non_null(n);
	strcpy(n->name, "nx1");
	strcpy(n->uuid, UUID1);
	n->n_children = 1;
	strcpy(n->children[0], "/dev/vdb");
	assert_int_equal(agent_state_save(path, &s, err, sizeof(err)), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(stat(tmp, &st), -1);	/* renamed away */
	assert_int_equal(agent_state_load(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n_nexuses, 1);
	assert_string_equal(back.nexuses[0].children[0], "/dev/vdb");
	agent_state_free(&s);
	agent_state_free(&back);
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s/sub/dir", dir);
	rmdir(tmp);
	snprintf(tmp, sizeof(tmp), "%s/sub", dir);
	rmdir(tmp);
	rmdir(dir);
}

static void corrupt_file_is_an_error(void **state)
{
	char path[] = "/var/tmp/nexus-state-bad.XXXXXX";
	struct agent_state s;
	char err[512];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{ \"version\": 1, ", 16), 16);
	close(fd);
	assert_int_equal(agent_state_load(path, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a JSON object"));
	unlink(path);
}

static void entries_from_the_kernel_view(void **state)
{
	struct nexus_info info;
	struct state_nexus *entry = calloc(1, sizeof(*entry));
	char err[256];

	(void)state;
	assert_non_null(entry);
	fixture_nexus(&info);
	/* Paths that are neither loop devices nor /dev/POOL/LV stay as they are. */
	strcpy(info.children[0].path, "/dev/vdb");
	strcpy(info.children[1].path, "/dev/mapper/c1");
	assert_int_equal(record_nexus_entry(&info, entry, err, sizeof(err)), 0);
	assert_string_equal(entry->name, info.name);
	assert_int_equal(entry->size, info.size);
	assert_int_equal(entry->region_size, info.region_size);
	assert_int_equal(entry->n_children, info.n_children);
	assert_string_equal(entry->children[0], "/dev/vdb");
	assert_string_equal(entry->children[1], "/dev/mapper/c1");
	nexus_info_free(&info);
	free(entry);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_pools_and_nexuses),
		cmocka_unit_test(format_parses_back),
		cmocka_unit_test(bad_files_say_why),
		cmocka_unit_test(missing_file_is_empty_and_save_is_atomic),
		cmocka_unit_test(corrupt_file_is_an_error),
		cmocka_unit_test(entries_from_the_kernel_view),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
