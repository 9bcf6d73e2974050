/* LVM through its tools: command lines, error lines, JSON reports. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures_lvm.h"
#include "lvm.h"

static void cmd_is(const struct lvm_cmd *c, const char *want)
{
	char buf[LVM_ARGBUF];

	assert_false(c->overflow);
	assert_string_equal(lvm_cmd_str(c, buf, sizeof(buf)), want);
}

static void command_lines(void **state)
{
	const char *disks[] = { "/dev/loop0", "/dev/vdb" };
	const char *no_ae[] = { LVM_TAG_NO_AUTOEXTEND, NULL };
	const char *tags[] = { LVM_TAG_REPLICA, "mayastor_uuid:u1", NULL };
	struct lvm_cmd c;

	(void)state;
	lvm_cmd_pvcreate(&c, "/dev/loop0");
	cmd_is(&c, "lvm pvcreate /dev/loop0");
	lvm_cmd_vgcreate(&c, "tpool", disks, 2, NULL);
	cmd_is(&c, "lvm vgcreate -s 1048576b --addtag mayastor_pool tpool /dev/loop0 /dev/vdb");
	lvm_cmd_vgcreate(&c, "tpool", disks, 1, no_ae);
	cmd_is(&c, "lvm vgcreate -s 1048576b --addtag mayastor_pool --addtag "
		   "mayastor_autoextend:0 tpool /dev/loop0");
	lvm_cmd_thin_pool(&c, "tpool");
	cmd_is(&c, "lvm lvcreate -y --type thin-pool -l 50%FREE --zero y -n "
		   "mayastor_thinpool tpool");
	lvm_cmd_error_when_full(&c, "tpool");
	cmd_is(&c, "lvm lvchange --errorwhenfull y tpool/mayastor_thinpool");
	lvm_cmd_lv_create(&c, "tpool", "r1", 10 << 20, false, tags);
	cmd_is(&c, "lvm lvcreate -y -Wy -L 10485760b -n r1 --addtag mayastor_replica "
		   "--addtag mayastor_uuid:u1 tpool");
	lvm_cmd_lv_create(&c, "tpool", "r2", 1ULL << 30, true, NULL);
	cmd_is(&c, "lvm lvcreate -y -Wy -V 1073741824b -T tpool/mayastor_thinpool -n r2");
	lvm_cmd_snapshot(&c, "tpool", "r2", "s1", false, NULL);
	cmd_is(&c, "lvm lvcreate -y -s -kn -pr -n s1 tpool/r2");
	lvm_cmd_snapshot(&c, "tpool", "s1", "c1", true, NULL);
	cmd_is(&c, "lvm lvcreate -y -s -kn -prw -n c1 tpool/s1");
	lvm_cmd_lvextend(&c, "tpool", "r1", 20 << 20);
	cmd_is(&c, "lvm lvextend -L 20971520b tpool/r1");
	lvm_cmd_lvremove(&c, "tpool", "r1");
	cmd_is(&c, "lvm lvremove -y tpool/r1");
	lvm_cmd_vgremove(&c, "tpool");
	cmd_is(&c, "lvm vgremove -ff -y tpool");
	lvm_cmd_vgs(&c, NULL);
	assert_int_equal(strncmp(c.argv[2], "--reportformat", 14), 0);
	assert_string_equal(c.argv[3], "json");
	assert_string_equal(c.argv[5], "b");
	assert_string_equal(c.argv[6], "--nosuffix");
	assert_null(c.argv[c.argc]);
}

static void command_overflow(void **state)
{
	struct lvm_cmd c;
	char err[128];

	(void)state;
	lvm_cmd_init(&c, "lvs");
	for (int i = 0; i < LVM_ARGV_MAX + 5; i++)
		lvm_cmd_add(&c, "x");
	assert_true(c.overflow);
	assert_int_equal(lvm_run(&c, NULL, err, sizeof(err)), -E2BIG);
}

static void error_text(const char *fixture, const char *want)
{
	struct exec_result res = { .status = 5, .err = fixture_read(fixture) };
	char buf[512];

	assert_non_null(res.err);
	exec_error_text(&res, buf, sizeof(buf));
	free(res.err);
	assert_string_equal(buf, want);
}

static void error_lines(void **state)
{
	struct exec_result res = { .status = 3, .err = (char *)"" };
	char buf[512];

	(void)state;
	error_text("vgs_missing.stderr", "Volume group \"nosuch\" not found");
	error_text("lvcreate_nospace.stderr",
		   "Volume group \"tpool\" has insufficient free space (41 extents): "
		   "1000 required");
	error_text("pvcreate_inuse.stderr", "Can't initialize physical volume "
		   "\"/dev/loop0\" of volume group \"tpool\" without -ff");
	/* The question LVM asked (stdin is /dev/null: no) is the reason. */
	error_text("pvcreate_signature.stderr", "ext4 signature detected on /dev/loop0 "
		   "at offset 1080 (LVM asked \"Wipe it?\"; the answer is no)");
	/* Only a warning: it is still the best there is. */
	error_text("lvcreate_thin_warning.stderr", "WARNING: Sum of all thin volume "
		   "sizes (1000.00 MiB) exceeds the size of thin pool "
		   "tpool/mayastor_thinpool and the size of whole volume group (99.00 MiB)");
	assert_string_equal(exec_error_text(&res, buf, sizeof(buf)),
			    "failed with exit status 3");
}

static void exec_runs_tools(void **state)
{
	const char *argv[] = { "sh", "-c", "echo out; echo \"$X\" >&2; exit 3", NULL };
	const char *env[] = { "X=from env", NULL };
	const char *missing[] = { "no-such-tool-here", NULL };
	struct exec_result res;

	(void)state;
	assert_int_equal(exec_capture(argv, env, &res), 0);
	assert_int_equal(res.status, 3);
	assert_string_equal(res.out, "out\n");
	assert_string_equal(res.err, "from env\n");
	exec_result_free(&res);
	assert_int_equal(exec_capture(missing, NULL, &res), -ENOENT);
}

static void parse_vgs(void **state)
{
	char *json = fixture_read("vgs.json"), err[256];
	struct lvm_vg_list l;
	bool ours = false, other = false;

	(void)state;
	assert_non_null(json);
	assert_int_equal(lvm_parse_vgs(json, &l, err, sizeof(err)), 0);
	assert_int_equal(l.count, 2);
	for (size_t i = 0; i < l.count; i++) {
		if (strcmp(l.items[i].name, "tpool") == 0) {
			ours = true;
			assert_true(lvm_tags_has(l.items[i].tags, LVM_TAG_POOL));
			assert_int_equal(l.items[i].size, 103809024);
			assert_int_equal(l.items[i].extent_size, 1 << 20);
			assert_int_equal(strncmp(l.items[i].pv, "/dev/loop", 9), 0);
		} else {
			other = true;
			assert_string_equal(l.items[i].name, "other");
			assert_false(lvm_tags_has(l.items[i].tags, LVM_TAG_POOL));
		}
	}
	assert_true(ours && other);
	lvm_vg_list_free(&l);
	free(json);
}

static void parse_lvs(void **state)
{
	char *json = fixture_read("lvs.json"), err[256], value[64];
	const struct lvm_lv *lv;
	struct lvm_lv_list l;

	(void)state;
	assert_non_null(json);
	assert_int_equal(lvm_parse_lvs(json, &l, err, sizeof(err)), 0);
	lv = lvm_lv_find(&l, "tpool", LVM_THIN_POOL);
	assert_non_null(lv);
	assert_string_equal(lv->segtype, "thin-pool");
	assert_true(lv->data_percent_present && lv->metadata_percent_present);
	assert_true(lv->metadata_size > 0);
	assert_true(lv->active);
	lv = lvm_lv_find(&l, "tpool", "replica1");
	assert_non_null(lv);
	assert_string_equal(lv->segtype, "linear");
	assert_false(lv->data_percent_present);
	assert_int_equal(lv->size, 10 << 20);
	assert_string_equal(lv->path, "/dev/tpool/replica1");
	assert_string_equal(lvm_tag_value(lv->tags, LVM_TAG_UUID, value, sizeof(value)),
			    "123e4567-e89b-42d3-a456-426614174000");
	assert_true(lv->major > 0);
	assert_true(lvm_tags_has(lv->vgi.tags, LVM_TAG_POOL));
	assert_int_equal(lv->vgi.size, 103809024);
	lv = lvm_lv_find(&l, "tpool", "snap1");
	assert_non_null(lv);
	assert_string_equal(lv->origin, "replica2");
	assert_string_equal(lv->attr, "Vri-a-tz--");
	assert_non_null(lvm_lv_find(&l, "other", "foreign"));
	assert_null(lvm_lv_find(&l, "tpool", "foreign"));
	lvm_lv_list_free(&l);
	free(json);
}

static void parse_bad_reports(void **state)
{
	struct lvm_vg_list l;
	char err[256];

	(void)state;
	assert_int_equal(lvm_parse_vgs("not json", &l, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "LVM printed a report that is not JSON");
	assert_int_equal(lvm_parse_vgs("{\"report\": [{\"lv\": []}]}", &l, err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(lvm_parse_vgs("{\"report\": [{\"vg\": []}]}", &l, err,
				       sizeof(err)), 0);
	assert_int_equal(l.count, 0);
}

static void tags(void **state)
{
	char buf[64];

	(void)state;
	assert_true(lvm_tags_has("a,mayastor_pool,b", "mayastor_pool"));
	assert_false(lvm_tags_has("mayastor_pool2", "mayastor_pool"));
	assert_false(lvm_tags_has("", "mayastor_pool"));
	assert_string_equal(lvm_tag_value("x,mayastor_thin:1", LVM_TAG_THIN, buf,
					  sizeof(buf)), "1");
	assert_null(lvm_tag_value("x", LVM_TAG_THIN, buf, sizeof(buf)));
	assert_true(lvm_tag_chars_ok("nqn.2014-08.org.nvmexpress:uuid:1-2"));
	assert_true(lvm_tag_chars_ok("127.0.0.1:4420"));
	assert_false(lvm_tag_chars_ok("a b"));
	assert_false(lvm_tag_chars_ok(""));
	assert_false(lvm_tag_chars_ok("a,b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(command_lines),
		cmocka_unit_test(command_overflow),
		cmocka_unit_test(error_lines),
		cmocka_unit_test(exec_runs_tools),
		cmocka_unit_test(parse_vgs),
		cmocka_unit_test(parse_lvs),
		cmocka_unit_test(parse_bad_reports),
		cmocka_unit_test(tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
