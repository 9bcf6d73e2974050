/*
 * nvmf:// children, initiator side: the sysfs lookups on a fake sysfs tree
 * (multipath heads and per-controller namespaces, several subsystems and
 * addresses, controllers being deleted, other transports), the record's
 * URI of a namespace, delete_controller, and the host NQN/ID files.
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
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_sysfs.h"

#include "nvmf_host.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	fake_sysfs_put(root, rel, text);
}

static void link_ctrl(const char *subsys, const char *ctrl)
{
	char target[128], path[PATH_MAX];

	snprintf(target, sizeof(target), "../../nvme/%s", ctrl);
	snprintf(path, sizeof(path), "%s/class/nvme-subsystem/%s/%s", root, subsys, ctrl);
	assert_int_equal(symlink(target, path), 0);
}

static void ctrl(const char *name, const char *transport, const char *address,
		 const char *state)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "class/nvme/%s/transport", name);
	put(rel, transport);
	snprintf(rel, sizeof(rel), "class/nvme/%s/address", name);
	put(rel, address);
	snprintf(rel, sizeof(rel), "class/nvme/%s/state", name);
	put(rel, state);
	snprintf(rel, sizeof(rel), "class/nvme/%s/delete_controller", name);
	put(rel, "");
}

/*
 * subsys0: nqn.a over tcp, nvme0 at 10.0.0.1:4420 (live) and nvme1 at
 *          10.0.0.2:4420 (deleting); multipath heads nvme0n2, nvme0n1
 *          (hidden paths nvme0c0n1 ...).
 * subsys1: nqn.b, nvme2 at 10.0.0.1:4421, no multipath: nvme2/nvme2n1.
 * subsys2: nqn.c, nvme3 over pcie (not ours).
 * subsys3: nqn.d, nvme4 at fe80::1 port 4420, no namespace yet.
 */
static int setup(void **state)
{
	(void)state;
	fake_sysfs_make(root, sizeof(root), "nvmf-host-test");
	put("class/nvme-subsystem/nvme-subsys0/subsysnqn", "nqn.a");
	put("class/nvme-subsystem/nvme-subsys0/nvme0n2/size", "8");
	put("class/nvme-subsystem/nvme-subsys0/nvme0n1/size", "8");
	ctrl("nvme0", "tcp", "traddr=10.0.0.1,trsvcid=4420,src_addr=10.0.0.9", "live");
	put("class/nvme/nvme0/nvme0c0n1/size", "8");
	ctrl("nvme1", "tcp", "traddr=10.0.0.2,trsvcid=4420", "deleting");
	link_ctrl("nvme-subsys0", "nvme0");
	link_ctrl("nvme-subsys0", "nvme1");
	put("class/nvme-subsystem/nvme-subsys1/subsysnqn", "nqn.b");
	ctrl("nvme2", "tcp", "traddr=10.0.0.1,trsvcid=4421", "connecting");
	put("class/nvme/nvme2/nvme2n1/size", "8");
	put("class/nvme/nvme2/nvme2n1p1/size", "4");
	/* Timeouts: defaults, or not, or off (not in a URI). */
	put("class/nvme/nvme0/ctrl_loss_tmo", "30");
	put("class/nvme/nvme0/kato", "3");
	put("class/nvme/nvme0/fast_io_fail_tmo", "off");
	put("class/nvme/nvme2/ctrl_loss_tmo", "120");
	put("class/nvme/nvme2/reconnect_delay", "2");
	put("class/nvme/nvme2/fast_io_fail_tmo", "off");
	put("class/nvme/nvme2/kato", "10");
	link_ctrl("nvme-subsys1", "nvme2");
	put("class/nvme-subsystem/nvme-subsys2/subsysnqn", "nqn.c");
	ctrl("nvme3", "pcie", "0000:00:04.0", "live");
	put("class/nvme-subsystem/nvme-subsys2/nvme3n1/size", "8");
	link_ctrl("nvme-subsys2", "nvme3");
	put("class/nvme-subsystem/nvme-subsys3/subsysnqn", "nqn.d");
	ctrl("nvme4", "tcp", "traddr=fe80::1,trsvcid=4420", "live");
	link_ctrl("nvme-subsys3", "nvme4");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return fake_sysfs_remove(root);
}

static void find_ctrl(void **state)
{
	char c[NVMF_CTRL_NAME_MAX], st[32];

	(void)state;
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.a", "10.0.0.1", 4420, c, sizeof(c)), 0);
	assert_string_equal(c, "nvme0");
	/* Being deleted: does not count. */
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.a", "10.0.0.2", 4420, c, sizeof(c)),
			 -ENOENT);
	/* Same address, other port or other subsystem. */
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.a", "10.0.0.1", 4421, c, sizeof(c)),
			 -ENOENT);
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.b", "10.0.0.1", 4421, c, sizeof(c)), 0);
	assert_string_equal(c, "nvme2");
	/* A prefix of the address is not the address. */
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.a", "10.0.0.", 4420, c, sizeof(c)),
			 -ENOENT);
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.c", "0000:00:04.0", 4420, c,
					      sizeof(c)), -ENOENT);
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.zz", "10.0.0.1", 4420, c, sizeof(c)),
			 -ENOENT);
	assert_int_equal(nvmf_sysfs_find_ctrl(root, "nqn.d", "fe80::1", 4420, c, sizeof(c)), 0);
	assert_string_equal(c, "nvme4");
	assert_int_equal(nvmf_sysfs_ctrl_state(root, "nvme2", st, sizeof(st)), 0);
	assert_string_equal(st, "connecting");
	assert_int_equal(nvmf_sysfs_ctrl_state(root, "nvme9", st, sizeof(st)), -ENOENT);
	assert_int_equal(nvmf_sysfs_ctrl_attr(root, "nvme2", "kato", st, sizeof(st)), 0);
	assert_string_equal(st, "10");
	assert_int_equal(nvmf_sysfs_ctrl_attr(root, "..", "kato", st, sizeof(st)), -EINVAL);
	assert_int_equal(nvmf_sysfs_ctrl_attr(root, "nvme2", "../x", st, sizeof(st)), -EINVAL);
}

static void namespaces(void **state)
{
	char dev[NVMF_CTRL_NAME_MAX], devs[4][NVMF_CTRL_NAME_MAX];

	(void)state;
	/* The multipath head with the lowest namespace ID, not a hidden path. */
	assert_int_equal(nvmf_sysfs_namespace(root, "nvme0", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "nvme0n1");
	assert_int_equal(nvmf_sysfs_namespaces(root, "nvme0", devs, 4), 2);
	/* Without multipath: in the controller's directory, no partitions. */
	assert_int_equal(nvmf_sysfs_namespace(root, "nvme2", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "nvme2n1");
	assert_int_equal(nvmf_sysfs_namespaces(root, "nvme2", devs, 4), 1);
	assert_int_equal(nvmf_sysfs_namespace(root, "nvme4", dev, sizeof(dev)), -ENOENT);
	assert_int_equal(nvmf_sysfs_namespace(root, "nvme9", dev, sizeof(dev)), -ENOENT);
}

static void of_namespace(void **state)
{
	struct nvmf_remote r;
	char uri[512];

	(void)state;
	assert_int_equal(nvmf_sysfs_of_namespace(root, "nvme0n2", &r), 0);
	assert_string_equal(r.ctrl, "nvme0");
	assert_string_equal(r.nqn, "nqn.a");
	assert_string_equal(r.traddr, "10.0.0.1");
	assert_int_equal(r.port, 4420);
	assert_int_equal(nvmf_sysfs_of_namespace(root, "nvme2n1", &r), 0);
	assert_string_equal(r.ctrl, "nvme2");
	assert_int_equal(r.port, 4421);
	assert_int_equal(nvmf_sysfs_of_namespace(root, "nvme3n1", &r), -ENOENT);
	assert_int_equal(nvmf_sysfs_of_namespace(root, "nvme2n1p1", &r), -ENOENT);
	assert_int_equal(nvmf_sysfs_of_namespace(root, "nvme0c0n1", &r), -ENOENT);
	assert_int_equal(nvmf_sysfs_of_namespace(root, "sda", &r), -ENOENT);
	assert_int_equal(nvmf_host_uri_of(root, "/dev/nvme0n1", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "nvmf://10.0.0.1:4420/nqn.a");
	assert_int_equal(nvmf_host_uri_of(root, "/dev/nvme2n1", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "nvmf://10.0.0.1:4421/nqn.b?ctrl_loss_tmo=120&keep_alive_tmo=10");
	assert_int_equal(nvmf_host_uri_of(root, "/dev/nvme4n1", uri, sizeof(uri)), -ENOENT);
	assert_int_equal(nvmf_host_uri_of(root, "/dev/loop0", uri, sizeof(uri)), -ENOENT);
	assert_int_equal(nvmf_host_uri_of(root, "/dev/nvme0n1", uri, 10), -ENAMETOOLONG);
}

static void delete_ctrl(void **state)
{
	char path[PATH_MAX], buf[8] = "";
	FILE *f;

	(void)state;
	assert_int_equal(nvmf_sysfs_delete_ctrl(root, "nvme2"), 0);
	snprintf(path, sizeof(path), "%s/class/nvme/nvme2/delete_controller", root);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "1");
	assert_int_equal(nvmf_sysfs_delete_ctrl(root, "nvme9"), -ENOENT);
	assert_int_equal(nvmf_sysfs_delete_ctrl(root, "../x"), -EINVAL);
	/* Not an nvmf namespace: nothing to release. */
	assert_int_equal(nvmf_host_release_unused(root, "/dev/sda"), 0);
}

static void empty_sysfs(void **state)
{
	char c[NVMF_CTRL_NAME_MAX];
	struct nvmf_remote r;

	(void)state;
	assert_int_equal(nvmf_sysfs_find_ctrl("/nonexistent", "nqn.a", "10.0.0.1", 4420,
					      c, sizeof(c)), -ENOENT);
	assert_int_equal(nvmf_sysfs_of_namespace("/nonexistent", "nvme0n1", &r), -ENOENT);
}

static void host_ids(void **state)
{
	char dir[PATH_MAX], nqn[256], id[64], nqn2[256], id2[64], err[256];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/etc-nvme", root);
	/* Missing: both made, the ID from the NQN's UUID when it has one. */
	assert_int_equal(nvmf_host_ids(dir, nqn, sizeof(nqn), id, sizeof(id), err,
				       sizeof(err)), 0);
	assert_true(strncmp(nqn, "nqn.2014-08.org.nvmexpress:uuid:", 32) == 0);
	assert_int_equal(strlen(id), 36);
	assert_string_equal(nqn + 32, id);
	/* Then read back, unchanged. */
	assert_int_equal(nvmf_host_ids(dir, nqn2, sizeof(nqn2), id2, sizeof(id2), err,
				       sizeof(err)), 0);
	assert_string_equal(nqn, nqn2);
	assert_string_equal(id, id2);
	/* A given NQN without a UUID: a random host ID. */
	{
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/hostnqn", dir);
		remove(path);
		snprintf(path, sizeof(path), "%s/hostid", dir);
		remove(path);
	}
	put("etc-nvme/hostnqn", "nqn.2024-01.io.nexus:node-b");
	assert_int_equal(nvmf_host_ids(dir, nqn, sizeof(nqn), id, sizeof(id), err,
				       sizeof(err)), 0);
	assert_string_equal(nqn, "nqn.2024-01.io.nexus:node-b");
	assert_int_equal(strlen(id), 36);
	/* An unwritable place is an error that names the file. */
	assert_int_equal(nvmf_host_ids("/proc/no/such", nqn, sizeof(nqn), id, sizeof(id),
				       err, sizeof(err)) < 0, 1);
	assert_non_null(strstr(err, "/proc/no/such/hostnqn"));
}

/*
 * The connect path up to the kernel: a listener passes the TCP probe, then
 * libnvme cannot connect (no nvme-fabrics here): one reason, nothing
 * leaked (ASan), no controller.  Skipped where nvme-fabrics exists (the
 * listener speaks no NVMe) or this host has no host NQN file to use.
 */
static void connect_refused(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct child_target t = { 0 };
	struct child_uri uri;
	char text[128], err[512] = "";
	int fd;

	(void)state;
	if (access("/dev/nvme-fabrics", F_OK) == 0 ||
	    access(NVMF_HOST_DIR "/hostnqn", R_OK) || access(NVMF_HOST_DIR "/hostid", R_OK))
		skip();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(text, sizeof(text), "nvmf://127.0.0.1:%u/nqn.2024-01.io.nexus:x",
		 ntohs(a.sin_port));
	assert_null(child_uri_parse(text, &uri));
	assert_int_equal(nvmf_host_resolve(&uri, CHILD_ATTACH, &t, err, sizeof(err)),
			 -ECONNREFUSED);
	assert_non_null(strstr(err, "refused to connect: it exports no subsystem "
			       "nqn.2024-01.io.nexus:x, or this host ("));
	assert_false(t.remote_connected);
	close(fd);
	/* A closed port is said before libnvme is asked anything. */
	assert_int_equal(nvmf_host_resolve(&uri, CHILD_ATTACH, &t, err, sizeof(err)),
			 -ECONNREFUSED);
	assert_non_null(strstr(err, "(connection refused)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_ctrl),
		cmocka_unit_test(namespaces),
		cmocka_unit_test(of_namespace),
		cmocka_unit_test(delete_ctrl),
		cmocka_unit_test(empty_sysfs),
		cmocka_unit_test(host_ids),
		cmocka_unit_test(connect_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
