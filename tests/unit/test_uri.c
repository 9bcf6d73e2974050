/* Child URI parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "uri.h"

static struct child_uri uri;

static void ok(const char *text)
{
	const char *why = child_uri_parse(text, &uri);

	if (why)
		fail_msg("%s: %s", text, why);
}

static void refused(const char *text, const char *reason_part)
{
	const char *why = child_uri_parse(text, &uri);

	assert_non_null(why);
	if (!strstr(why, reason_part))
		fail_msg("%s: got '%s', wanted '%s'", text, why, reason_part);
}

static void plain_paths(void **state)
{
	(void)state;
	ok("/dev/sdb");
	assert_int_equal(uri.scheme, CHILD_SCHEME_PATH);
	assert_string_equal(uri.path, "/dev/sdb");
	ok("disk.img");
	assert_string_equal(uri.path, "disk.img");
	refused("", "empty path");
}

static void local_schemes(void **state)
{
	(void)state;
	ok("aio:///tmp/a.img?blk_size=512");
	assert_int_equal(uri.scheme, CHILD_SCHEME_AIO);
	assert_string_equal(uri.path, "/tmp/a.img");
	assert_string_equal(child_uri_param(&uri, "blk_size"), "512");
	ok("file:///tmp/my%20disk.img");
	assert_int_equal(uri.scheme, CHILD_SCHEME_FILE);
	assert_string_equal(uri.path, "/tmp/my disk.img");
	ok("BDEV:///dev/nvme0n1");
	assert_int_equal(uri.scheme, CHILD_SCHEME_BDEV);
	assert_null(child_uri_param(&uri, "blk_size"));
}

static void local_scheme_errors(void **state)
{
	(void)state;
	refused("aio://host/tmp/a", "takes no host");
	refused("aio://", "missing absolute path");
	refused("aio:///a?blk_size=1000", "512 or 4096");
	refused("aio:///a?colour=red", "unknown query parameter");
	refused("aio:///a?blk_size=512&blk_size=512", "given twice");
	refused("aio:///a?=1", "without a name");
	refused("file:///a%2", "incomplete");
	refused("file:///a%zz", "bad %-escape");
	refused("file:///a%00b", "%00");
	refused("ftp://x/y", "unknown scheme");
	refused("://x", "unknown scheme");
}

static void nvmf(void **state)
{
	(void)state;
	ok("nvmf://10.0.0.1:4421/nqn.2019-05.io.openebs:disk1");
	assert_int_equal(uri.scheme, CHILD_SCHEME_NVMF);
	assert_string_equal(uri.host, "10.0.0.1");
	assert_int_equal(uri.port, 4421);
	assert_true(uri.port_present);
	assert_string_equal(uri.path, "nqn.2019-05.io.openebs:disk1");
	ok("nvmf://[fe80::1]/nqn.x");
	assert_string_equal(uri.host, "fe80::1");
	assert_int_equal(uri.port, 4420);
	assert_false(uri.port_present);
	refused("nvmf://host", "missing NQN");
	refused("nvmf:///nqn.x", "missing host");
	refused("nvmf://host:0/nqn", "port out of range");
	refused("nvmf://host:65536/nqn", "port out of range");
	refused("nvmf://host:ab/nqn", "not a number");
	refused("nvmf://host:/nqn", "empty port");
	refused("nvmf://[fe80::1/nqn", "missing ']'");
}

static void nvmf_params(void **state)
{
	(void)state;
	ok("nvmf://h/nqn.x?ctrl_loss_tmo=30&reconnect_delay=2&fast_io_fail_tmo=1&keep_alive_tmo=5");
	assert_int_equal(child_uri_tmo_param(&uri, "ctrl_loss_tmo"), 30);
	assert_int_equal(child_uri_tmo_param(&uri, "reconnect_delay"), 2);
	assert_int_equal(child_uri_tmo_param(&uri, "fast_io_fail_tmo"), 1);
	assert_int_equal(child_uri_tmo_param(&uri, "keep_alive_tmo"), 5);
	ok("nvmf://h:4421/nqn.x?keep_alive_tmo=600");
	assert_int_equal(child_uri_tmo_param(&uri, "ctrl_loss_tmo"), -1);
	assert_int_equal(child_uri_tmo_param(&uri, "keep_alive_tmo"), 600);
	assert_int_equal(child_uri_tmo_param(&uri, "blk_size"), -1);
	refused("nvmf://h/nqn.x?blk_size=512", "unknown query parameter");
	refused("nvmf://h/nqn.x?replacement_timeout=5", "unknown query parameter (known: ctrl_loss_tmo");
	refused("nvmf://h/nqn.x?ctrl_loss_tmo", "ctrl_loss_tmo must be 1-3600");
	refused("nvmf://h/nqn.x?ctrl_loss_tmo=0", "ctrl_loss_tmo must be 1-3600");
	refused("nvmf://h/nqn.x?ctrl_loss_tmo=-1", "ctrl_loss_tmo must be 1-3600");
	refused("nvmf://h/nqn.x?ctrl_loss_tmo=3601", "ctrl_loss_tmo must be 1-3600");
	refused("nvmf://h/nqn.x?reconnect_delay=1x", "reconnect_delay must be 1-600");
	refused("nvmf://h/nqn.x?fast_io_fail_tmo=99999999999", "fast_io_fail_tmo must be 1-600");
	refused("nvmf://h/nqn.x?fast_io_fail_tmo=0", "fast_io_fail_tmo must be 1-600");
	refused("nvmf://h/nqn.x?keep_alive_tmo=+5", "keep_alive_tmo must be 1-600");
	refused("nvmf://h/nqn.x?keep_alive_tmo=5&keep_alive_tmo=6", "given twice");
	refused("nvmf://h/nqn.x?ctrl_loss_tmo=5&reconnect_delay=10",
		"reconnect_delay must not be longer than ctrl_loss_tmo");
	refused("nvmf://h/nqn.x?ctrl_loss_tmo=5&fast_io_fail_tmo=10",
		"fast_io_fail_tmo must not be longer than ctrl_loss_tmo");
	refused("nvmf://h/nqn.x/more", "must not contain '/'");
	refused("nvmf://h/nqn,x", "must not contain '/' or ','");
	refused("nvmf://h%2Cx/nqn", "host must not contain ','");
}

static void iscsi(void **state)
{
	(void)state;
	ok("iscsi://192.168.1.5:3261/iqn.2016-06.io.example:tgt/7");
	assert_int_equal(uri.scheme, CHILD_SCHEME_ISCSI);
	assert_string_equal(uri.host, "192.168.1.5");
	assert_int_equal(uri.port, 3261);
	assert_string_equal(uri.path, "iqn.2016-06.io.example:tgt");
	assert_int_equal(uri.lun, 7);
	ok("iscsi://h/iqn.x/0");
	assert_int_equal(uri.port, 3260);
	refused("iscsi://h/iqn.x", "missing target IQN or LUN");
	refused("iscsi://h/iqn.x/", "LUN must be a number");
	refused("iscsi://h/iqn.x/a", "LUN must be a number");
	refused("iscsi://h/iqn.x/16384", "LUN out of range");
	refused("iscsi://h/iqn.x/y/0", "IQN must not contain '/'");
	ok("iscsi://h/iqn.x/1?replacement_timeout=7&noop_out_interval=2&noop_out_timeout=3");
	assert_int_equal(child_uri_tmo_param(&uri, "replacement_timeout"), 7);
	assert_int_equal(child_uri_tmo_param(&uri, "noop_out_interval"), 2);
	assert_int_equal(child_uri_tmo_param(&uri, "noop_out_timeout"), 3);
	/* An nvmf parameter is not an iscsi one. */
	assert_int_equal(child_uri_tmo_param(&uri, "keep_alive_tmo"), -1);
	refused("iscsi://h/iqn.x/1?keep_alive_tmo=5", "unknown query parameter (known: replacement_timeout");
	refused("iscsi://h/iqn.x/1?replacement_timeout=0", "replacement_timeout must be 1-600");
	refused("iscsi://h/iqn.x/1?noop_out_interval=61", "noop_out_interval must be 1-60");
	refused("iscsi://h/iqn.x/1?noop_out_timeout=x", "noop_out_timeout must be 1-60");
}

static void lvol(void **state)
{
	(void)state;
	ok("lvol://pool1/replica-a");
	assert_int_equal(uri.scheme, CHILD_SCHEME_LVOL);
	assert_string_equal(uri.host, "pool1");
	assert_string_equal(uri.path, "replica-a");
	refused("lvol:///r", "missing pool");
	refused("lvol://pool", "missing replica name");
	refused("lvol://pool/a/b", "must not contain '/'");
	refused("lvol://pool:1/r", "no port");
}

static void scheme_names(void **state)
{
	(void)state;
	assert_string_equal(child_scheme_str(CHILD_SCHEME_LVOL), "lvol");
	assert_string_equal(child_scheme_str((enum child_scheme)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_paths),
		cmocka_unit_test(local_schemes),
		cmocka_unit_test(local_scheme_errors),
		cmocka_unit_test(nvmf),
		cmocka_unit_test(nvmf_params),
		cmocka_unit_test(iscsi),
		cmocka_unit_test(lvol),
		cmocka_unit_test(scheme_names),
	};

	return cmocka_run_group_tests_name("uri", tests, NULL, NULL);
}
