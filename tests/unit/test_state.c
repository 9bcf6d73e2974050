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

#define NX_WITH(share) \
	"{ \"version\": 1, \"nexuses\": [ { \"name\": \"nx0\", \"uuid\": \"" UUID1 \
	"\", \"children\": [ \"/dev/a\" ], \"share\": " share " } ] }"
#define GOOD_SHARE \
	"{ \"protocol\": \"vhost-user\", \"socket\": \"/run/v/nx0.sock\", " \
	"\"queues\": 4, \"read_only\": true, \"pid\": 77, \"pid_start\": 123456789 }"

static void share_round_trip(void **state)
{
	struct agent_state s, again;
	const struct state_share *sh;
	char err[256], *text;

	(void)state;
	assert_int_equal(agent_state_parse(NX_WITH(GOOD_SHARE), &s, err, sizeof(err)), 0);
	sh = &s.nexuses[0].share;
	assert_true(sh->present);
	assert_string_equal(sh->protocol, "vhost-user");
	assert_string_equal(sh->socket, "/run/v/nx0.sock");
	assert_int_equal(sh->queues, 4);
	assert_true(sh->read_only);
	assert_int_equal(sh->pid, 77);
	assert_int_equal(sh->pid_start, 123456789);
	text = agent_state_format(&s);
	assert_non_null(strstr(text, "\"share\": {"));
	assert_int_equal(agent_state_parse(text, &again, err, sizeof(err)), 0);
	assert_memory_equal(&again.nexuses[0].share, sh, sizeof(*sh));
	free(text);
	agent_state_free(&again);
	/* Unpublished: no "share" key at all; null reads as unpublished. */
	s.nexuses[0].share.present = false;
	text = agent_state_format(&s);
	assert_null(strstr(text, "share"));
	free(text);
	agent_state_free(&s);
	assert_int_equal(agent_state_parse(NX_WITH("null"), &s, err, sizeof(err)), 0);
	assert_false(s.nexuses[0].share.present);
	agent_state_free(&s);
}

static void bad_shares_say_why(void **state)
{
	(void)state;
	refused(NX_WITH("[]"), "nexus nx0: share: expected an object");
	refused(NX_WITH("{ \"protocol\": \"nvmf\", \"socket\": \"/s\", \"queues\": 1, "
			"\"read_only\": false }"), "nexus nx0: share: missing or unknown \"protocol\"");
	refused(NX_WITH("{ \"protocol\": \"vhost-user\", \"socket\": \"s.sock\", "
			"\"queues\": 1, \"read_only\": false }"),
		"nexus nx0: share: missing or invalid \"socket\"");
	refused(NX_WITH("{ \"protocol\": \"vhost-user\", \"queues\": 1, "
			"\"read_only\": false }"), "missing or invalid \"socket\"");
	refused(NX_WITH("{ \"protocol\": \"vhost-user\", \"socket\": \"/s\", "
			"\"queues\": 0, \"read_only\": false }"), "\"queues\": expected 1 to 16");
	refused(NX_WITH("{ \"protocol\": \"vhost-user\", \"socket\": \"/s\", "
			"\"queues\": 17, \"read_only\": false }"), "\"queues\": expected 1 to 16");
	refused(NX_WITH("{ \"protocol\": \"vhost-user\", \"socket\": \"/s\", "
			"\"queues\": 1, \"read_only\": false, \"pid\": \"x\", \"pid_start\": 1 }"),
		"\"pid\", \"pid_start\": expected numbers");
	refused(NX_WITH("{ \"protocol\": \"vhost-user\", \"socket\": \"/s\", "
			"\"queues\": 1, \"read_only\": false, \"pid\": -1, \"pid_start\": 1 }"),
		"\"pid\", \"pid_start\": expected numbers");
	refused(NX_WITH("{ \"protocol\": \"vhost-user\", \"socket\": \"/s\", "
			"\"queues\": 1, \"pid\": 1, \"pid_start\": 1 }"),
		"\"read_only\": expected true or false");
}

/* Recording a nexus from the kernel's view keeps its share, same nexus only. */
static void record_keeps_the_share(void **state)
{
	char dir[] = "/var/tmp/nexus-share-test.XXXXXX", path[256], lock[300];
	struct agent_state s, back;
	struct nexus_info info;
	struct state_nexus *n;
	char err[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/agent.json", dir);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	memset(&s, 0, sizeof(s));
	n = agent_state_add_nexus(&s);
	assert_non_null(n);
	strcpy(n->name, "nx0");
	strcpy(n->uuid, "123e4567-e89b-12d3-a456-426614174000");	/* fixture_nexus's */
	n->n_children = 1;
	strcpy(n->children[0], "/dev/old");
	n->share = (struct state_share){ .present = true, .protocol = "vhost-user",
					 .socket = "/run/v/nx0.sock", .queues = 2,
					 .pid = 42, .pid_start = 7 };
	assert_int_equal(agent_state_save(path, &s, err, sizeof(err)), 0);
	fixture_nexus(&info);
	strcpy(info.children[0].path, "/dev/vdb");
	strcpy(info.children[1].path, "/dev/vdc");
	assert_int_equal(record_nexus_info(path, &info, err, sizeof(err)), 0);
	assert_int_equal(agent_state_load(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.nexuses[0].n_children, 2);
	assert_string_equal(back.nexuses[0].children[0], "/dev/vdb");
	assert_memory_equal(&back.nexuses[0].share, &n->share, sizeof(n->share));
	agent_state_free(&back);
	/* Another nexus under the same name: not published. */
	nexus_uuid_parse(UUID1, &info.uuid);
	assert_int_equal(record_nexus_info(path, &info, err, sizeof(err)), 0);
	assert_int_equal(agent_state_load(path, &back, err, sizeof(err)), 0);
	assert_false(back.nexuses[0].share.present);
	agent_state_free(&back);
	nexus_info_free(&info);
	agent_state_free(&s);
	unlink(path);
	unlink(lock);
	rmdir(dir);
}

#define M1 "0a1b2c3d-0000-4000-8000-000000000001"
#define M2 "0a1b2c3d-0000-4000-8000-000000000002"
#define NX_MEMBERS(members) \
	"{ \"version\": 1, \"nexuses\": [ { \"name\": \"nx0\", \"uuid\": \"" UUID1 \
	"\", \"children\": [ \"/dev/a\", \"nvmf://h/nqn.x\" ], \"members\": " \
	members " } ] }"

static void members_round_trip(void **state)
{
	struct agent_state s, again;
	char err[256], *text;

	(void)state;
	assert_int_equal(agent_state_parse(NX_MEMBERS("[ null, \"" M2 "\" ]"), &s,
					   err, sizeof(err)), 0);
	assert_string_equal(s.nexuses[0].members[0], "");
	assert_string_equal(s.nexuses[0].members[1], M2);
	text = agent_state_format(&s);
	assert_int_equal(agent_state_parse(text, &again, err, sizeof(err)), 0);
	assert_memory_equal(again.nexuses[0].members, s.nexuses[0].members,
			    sizeof(s.nexuses[0].members));
	free(text);
	agent_state_free(&again);
	/* No member known (an older agent's entry): no key at all. */
	s.nexuses[0].members[1][0] = '\0';
	text = agent_state_format(&s);
	assert_null(strstr(text, "members"));
	free(text);
	agent_state_free(&s);
	refused(NX_MEMBERS("[ \"" M1 "\" ]"),
		"nexus nx0: \"members\": expected one member UUID (or null) per child");
	refused(NX_MEMBERS("[ \"" M1 "\", \"x\" ]"), "\"members\": expected");
	refused(NX_MEMBERS("{}"), "\"members\": expected");
}

/* A state file under a fresh directory, holding nexus nx0 as entry. */
struct tmp_state {
	char dir[64], path[128], lock[140];
};

static void tmp_state_make(struct tmp_state *t, const struct state_nexus *entry)
{
	struct agent_state s = { 0 };
	char err[256];

	strcpy(t->dir, "/var/tmp/nexus-members-test.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/agent.json", t->dir);
	snprintf(t->lock, sizeof(t->lock), "%s.lock", t->path);
	*agent_state_add_nexus(&s) = *entry;
	assert_int_equal(agent_state_save(t->path, &s, err, sizeof(err)), 0);
	agent_state_free(&s);
}

static void tmp_state_drop(struct tmp_state *t)
{
	unlink(t->path);
	unlink(t->lock);
	rmdir(t->dir);
}

/* fixture_nexus's nx0 as recorded: /dev/vdb (M1) and a remote child (M2). */
static struct state_nexus *recorded_nx0(const char *remote, const char *member)
{
	struct state_nexus *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	strcpy(n->name, "nx0");
	strcpy(n->uuid, "123e4567-e89b-12d3-a456-426614174000");
	n->n_children = 2;
	strcpy(n->children[0], "/dev/vdb");
	strcpy(n->members[0], M1);
	strcpy(n->children[1], remote);
	strcpy(n->members[1], member);
	return n;
}

/* The kernel's nx0: /dev/vdb (M1) online, the remote member M2 as state. */
static void kernel_nx0(struct nexus_info *info, enum nexus_child_state state,
		       const char *path)
{
	fixture_nexus(info);
	strcpy(info->children[0].path, "/dev/vdb");
	nexus_uuid_parse(M1, &info->children[0].uuid);
	info->children[0].uuid_present = true;
	info->children[1].state = state;
	info->children[1].rebuild_present = false;
	strcpy(info->children[1].path, path);
	nexus_uuid_parse(M2, &info->children[1].uuid);
	info->children[1].uuid_present = true;
}

static void record_and_load(struct tmp_state *t, const struct nexus_info *info,
			    struct agent_state *back)
{
	char err[256];

	assert_int_equal(record_nexus_info(t->path, info, err, sizeof(err)), 0);
	assert_int_equal(agent_state_load(t->path, back, err, sizeof(err)), 0);
	assert_int_equal(back->n_nexuses, 1);
}

#define URI "nvmf://10.0.0.5:4420/nqn.2019-05.io.openebs:r1"

/*
 * A remote member missing since assembly (its target was down at boot)
 * keeps its URI, found by its member UUID, so that the daemon reconnects
 * it; once forgotten or removed (not missing any more) it goes.
 */
static void missing_member_keeps_its_uri(void **state)
{
	struct state_nexus *n = recorded_nx0(URI, M2);
	struct nexus_info info;
	struct agent_state back;
	struct tmp_state t;

	(void)state;
	tmp_state_make(&t, n);
	kernel_nx0(&info, NEXUS_CHILD_MISSING, "");
	record_and_load(&t, &info, &back);
	assert_int_equal(back.nexuses[0].n_children, 2);
	assert_string_equal(back.nexuses[0].children[1], URI);
	assert_string_equal(back.nexuses[0].members[1], M2);
	agent_state_free(&back);
	/* Forgotten: the kernel has only /dev/vdb now. */
	info.n_children = 1;
	record_and_load(&t, &info, &back);
	assert_int_equal(back.nexuses[0].n_children, 1);
	assert_string_equal(back.nexuses[0].members[0], M1);
	agent_state_free(&back);
	info.n_children = 2;
	nexus_info_free(&info);
	tmp_state_drop(&t);
	free(n);
}

/* An older record names no member: a missing remote URI stays all the same. */
static void older_record_keeps_a_missing_uri(void **state)
{
	struct state_nexus *n = recorded_nx0(URI, "");
	struct nexus_info info;
	struct agent_state back;
	struct tmp_state t;

	(void)state;
	n->members[0][0] = '\0';
	tmp_state_make(&t, n);
	kernel_nx0(&info, NEXUS_CHILD_MISSING, "");
	record_and_load(&t, &info, &back);
	assert_int_equal(back.nexuses[0].n_children, 2);
	assert_string_equal(back.nexuses[0].children[1], URI);
	assert_string_equal(back.nexuses[0].members[0], M1);	/* learnt */
	assert_string_equal(back.nexuses[0].members[1], "");
	agent_state_free(&back);
	nexus_info_free(&info);
	tmp_state_drop(&t);
	free(n);
}

/*
 * A faulted remote child whose namespace vanished (the controller was
 * given up) keeps the URI recorded for its member, not the dead path.
 */
static void vanished_namespace_keeps_its_uri(void **state)
{
	struct state_nexus *n = recorded_nx0(URI, M2);
	struct nexus_info info;
	struct agent_state back;
	struct tmp_state t;

	(void)state;
	tmp_state_make(&t, n);
	kernel_nx0(&info, NEXUS_CHILD_FAULTED, "/dev/nvme97n1");
	record_and_load(&t, &info, &back);
	assert_int_equal(back.nexuses[0].n_children, 2);
	assert_string_equal(back.nexuses[0].children[1], URI);
	assert_string_equal(back.nexuses[0].members[1], M2);
	agent_state_free(&back);
	nexus_info_free(&info);
	tmp_state_drop(&t);
	free(n);
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
		cmocka_unit_test(share_round_trip),
		cmocka_unit_test(bad_shares_say_why),
		cmocka_unit_test(record_keeps_the_share),
		cmocka_unit_test(members_round_trip),
		cmocka_unit_test(missing_member_keeps_its_uri),
		cmocka_unit_test(older_record_keeps_a_missing_uri),
		cmocka_unit_test(vanished_namespace_keeps_its_uri),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
