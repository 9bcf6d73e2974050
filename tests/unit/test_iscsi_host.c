/*
 * iscsi:// children, initiator side: the sysfs lookups on a fake sysfs
 * tree (two sessions to two portals, LUNs with and without a block
 * device), and the record's URI of a LUN.
 */
#include <errno.h>
#include <ftw.h>
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

#include "fake_sysfs.h"

#include "iscsi_host.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	fake_sysfs_put(root, rel, text);
}

/*
 * session1: iqn.a at 10.0.0.1:3260, LUN 0 -> sdb, LUN 3 -> sdc, LUN 4 no disk.
 * session2: iqn.a at 10.0.0.2:3261, LUN 0 -> sdd.
 * session7: iqn.b at 10.0.0.1:3260, no LUN yet.
 */
static int setup(void **state)
{
	(void)state;
	fake_sysfs_make(root, sizeof(root), "iscsi-host-test");
	put("class/iscsi_session/session1/targetname", "iqn.a");
	put("class/iscsi_session/session1/state", "LOGGED_IN");
	put("class/iscsi_session/session2/state", "FAILED");
	put("class/iscsi_session/session1/device/target2:0:0/2:0:0:0/block/sdb/size", "8");
	put("class/iscsi_session/session1/device/target2:0:0/2:0:0:3/block/sdc/size", "8");
	put("class/iscsi_session/session1/device/target2:0:0/2:0:0:4/vendor", "LIO-ORG");
	put("class/iscsi_session/session1/device/power/control", "auto");
	put("class/iscsi_connection/connection1:0/persistent_address", "10.0.0.1");
	put("class/iscsi_connection/connection1:0/persistent_port", "3260");
	put("class/iscsi_session/session2/targetname", "iqn.a");
	put("class/iscsi_session/session2/device/target3:0:0/3:0:0:0/block/sdd/size", "8");
	put("class/iscsi_connection/connection2:0/persistent_address", "10.0.0.2");
	put("class/iscsi_connection/connection2:0/persistent_port", "3261");
	put("class/iscsi_session/session7/targetname", "iqn.b");
	put("class/iscsi_session/session7/device/power/control", "auto");
	put("class/iscsi_connection/connection7:0/persistent_address", "10.0.0.1");
	put("class/iscsi_connection/connection7:0/persistent_port", "3260");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return fake_sysfs_remove(root);
}

static void find_session(void **state)
{
	char s[ISCSI_DEV_MAX], st[32];

	(void)state;
	assert_int_equal(iscsi_sysfs_find_session(root, "iqn.a", "10.0.0.1", 3260, s, sizeof(s)), 0);
	assert_string_equal(s, "session1");
	assert_int_equal(iscsi_sysfs_find_session(root, "iqn.a", "10.0.0.2", 3261, s, sizeof(s)), 0);
	assert_string_equal(s, "session2");
	assert_int_equal(iscsi_sysfs_find_session(root, "iqn.b", "10.0.0.1", 3260, s, sizeof(s)), 0);
	assert_string_equal(s, "session7");
	assert_int_equal(iscsi_sysfs_session_state(root, "session1", st, sizeof(st)), 0);
	assert_string_equal(st, "LOGGED_IN");
	assert_int_equal(iscsi_sysfs_session_state(root, "session2", st, sizeof(st)), 0);
	assert_string_equal(st, "FAILED");
	assert_int_equal(iscsi_sysfs_session_state(root, "nope", st, sizeof(st)), -EINVAL);
	assert_int_equal(iscsi_sysfs_find_session(root, "iqn.a", "10.0.0.2", 3260, s, sizeof(s)),
			 -ENOENT);
	assert_int_equal(iscsi_sysfs_find_session(root, "iqn.c", "10.0.0.1", 3260, s, sizeof(s)),
			 -ENOENT);
	assert_int_equal(iscsi_sysfs_find_session("/nonexistent", "iqn.a", "10.0.0.1", 3260,
						  s, sizeof(s)), -ENOENT);
}

static void luns(void **state)
{
	char dev[ISCSI_DEV_MAX], devs[4][ISCSI_DEV_MAX];

	(void)state;
	assert_int_equal(iscsi_sysfs_lun_dev(root, "session1", 0, dev, sizeof(dev)), 0);
	assert_string_equal(dev, "sdb");
	assert_int_equal(iscsi_sysfs_lun_dev(root, "session1", 3, dev, sizeof(dev)), 0);
	assert_string_equal(dev, "sdc");
	/* A SCSI device without a disk, a LUN that is not there. */
	assert_int_equal(iscsi_sysfs_lun_dev(root, "session1", 4, dev, sizeof(dev)), -ENOENT);
	assert_int_equal(iscsi_sysfs_lun_dev(root, "session1", 1, dev, sizeof(dev)), -ENOENT);
	assert_int_equal(iscsi_sysfs_lun_dev(root, "session7", 0, dev, sizeof(dev)), -ENOENT);
	assert_int_equal(iscsi_sysfs_lun_dev(root, "session9", 0, dev, sizeof(dev)), -ENOENT);
	assert_int_equal(iscsi_sysfs_lun_dev(root, "../x", 0, dev, sizeof(dev)), -EINVAL);
	assert_int_equal(iscsi_sysfs_session_devs(root, "session1", devs, 4), 2);
	assert_int_equal(iscsi_sysfs_session_devs(root, "session7", devs, 4), 0);
}

static void of_dev(void **state)
{
	struct iscsi_remote r;
	char uri[512];

	(void)state;
	assert_int_equal(iscsi_sysfs_of_dev(root, "sdc", &r), 0);
	assert_string_equal(r.session, "session1");
	assert_string_equal(r.iqn, "iqn.a");
	assert_string_equal(r.addr, "10.0.0.1");
	assert_int_equal(r.port, 3260);
	assert_int_equal(r.lun, 3);
	assert_int_equal(iscsi_sysfs_of_dev(root, "sdd", &r), 0);
	assert_string_equal(r.session, "session2");
	assert_int_equal(iscsi_sysfs_of_dev(root, "sda", &r), -ENOENT);
	assert_int_equal(iscsi_sysfs_of_dev(root, "nvme0n1", &r), -ENOENT);
	assert_int_equal(iscsi_host_uri_of(root, "/dev/sdc", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "iscsi://10.0.0.1:3260/iqn.a/3");
	assert_int_equal(iscsi_host_uri_of(root, "/dev/sdd", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "iscsi://10.0.0.2:3261/iqn.a/0");
	assert_int_equal(iscsi_host_uri_of(root, "/dev/sda", uri, sizeof(uri)), -ENOENT);
	assert_int_equal(iscsi_host_uri_of(root, "/dev/sdc", uri, 8), -ENAMETOOLONG);
	/* Not an iSCSI LUN: nothing to log out of. */
	assert_int_equal(iscsi_host_release_unused(root, "/dev/sda"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_session),
		cmocka_unit_test(luns),
		cmocka_unit_test(of_dev),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
