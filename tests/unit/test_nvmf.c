/* NVMe-oF shares: NQNs, configfs paths, URIs, reading a share back. */
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

#include "nvmf.h"

static void nqns(void **state)
{
	char buf[NVMF_NQN_MAX + 1], small[16], long_uuid[300];

	(void)state;
	assert_int_equal(nvmf_nqn("123e4567-e89b-42d3-a456-426614174000", buf,
				  sizeof(buf)), 0);
	assert_string_equal(buf, "nqn.2019-05.io.openebs:123e4567-e89b-42d3-a456-426614174000");
	assert_true(nvmf_nqn_valid(buf));
	assert_int_equal(nvmf_nqn("x", small, sizeof(small)), -ENAMETOOLONG);
	memset(long_uuid, 'a', sizeof(long_uuid) - 1);
	long_uuid[sizeof(long_uuid) - 1] = '\0';
	assert_int_equal(nvmf_nqn(long_uuid, buf, sizeof(buf)), -ENAMETOOLONG);
	assert_true(nvmf_nqn_valid("nqn.2014-08.org.nvmexpress:uuid:"
				   "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
	assert_true(nvmf_nqn_valid("nqn.2024-01.io.nexus:host1"));
	assert_false(nvmf_nqn_valid("host1"));
	assert_false(nvmf_nqn_valid("nqn.24-01.io.x"));
	assert_false(nvmf_nqn_valid("nqn.2024-1.io.x"));
	assert_false(nvmf_nqn_valid("nqn.2024-01."));
	assert_false(nvmf_nqn_valid("nqn.2024-01.io/x"));
	assert_false(nvmf_nqn_valid("nqn.2024-01.io x"));
}

static void paths(void **state)
{
	const char *nqn = "nqn.2019-05.io.openebs:u";
	char buf[PATH_MAX], tiny[20];

	(void)state;
	assert_int_equal(nvmf_subsys_path(buf, sizeof(buf), NVMF_CONFIGFS, nqn, NULL), 0);
	assert_string_equal(buf, "/sys/kernel/config/nvmet/subsystems/nqn.2019-05.io.openebs:u");
	assert_int_equal(nvmf_subsys_path(buf, sizeof(buf), NVMF_CONFIGFS, nqn,
					  "namespaces/1/device_path"), 0);
	assert_string_equal(buf, "/sys/kernel/config/nvmet/subsystems/"
			    "nqn.2019-05.io.openebs:u/namespaces/1/device_path");
	assert_int_equal(nvmf_port_path(buf, sizeof(buf), NVMF_CONFIGFS, 3, "addr_traddr"), 0);
	assert_string_equal(buf, "/sys/kernel/config/nvmet/ports/3/addr_traddr");
	assert_int_equal(nvmf_port_path(buf, sizeof(buf), "/r", 1, NULL), 0);
	assert_string_equal(buf, "/r/ports/1");
	assert_int_equal(nvmf_host_path(buf, sizeof(buf), "/r", "nqn.h"), 0);
	assert_string_equal(buf, "/r/hosts/nqn.h");
	assert_int_equal(nvmf_subsys_path(tiny, sizeof(tiny), NVMF_CONFIGFS, nqn, NULL),
			 -ENAMETOOLONG);
}

static void uris(void **state)
{
	struct nvmf_share s = { .nqn = "nqn.2019-05.io.openebs:u", .addr = "10.0.0.1",
				.port = 4420 };
	char buf[512];

	(void)state;
	assert_int_equal(nvmf_uri(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "nvmf://10.0.0.1:4420/nqn.2019-05.io.openebs:u");
	strcpy(s.addr, "fd00::1");
	s.port = 8420;
	assert_int_equal(nvmf_uri(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "nvmf://[fd00::1]:8420/nqn.2019-05.io.openebs:u");
	nvmf_default_address(buf, sizeof(buf));
	assert_true(strchr(buf, '.') != NULL);
}

/* A tree laid out as nvmet's configfs, made of plain files and links. */
static void put(const char *root, const char *rel, const char *value)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", value);
	fclose(f);
}

static void dir(const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void make_tree(const char *root, const char *nqn)
{
	char path[PATH_MAX], target[PATH_MAX], rel[512];

	dir(root, "subsystems");
	dir(root, "ports");
	dir(root, "hosts");
	snprintf(rel, sizeof(rel), "subsystems/%s", nqn);
	dir(root, rel);
	snprintf(rel, sizeof(rel), "subsystems/%s/allowed_hosts", nqn);
	dir(root, rel);
	snprintf(rel, sizeof(rel), "subsystems/%s/namespaces", nqn);
	dir(root, rel);
	snprintf(rel, sizeof(rel), "subsystems/%s/namespaces/1", nqn);
	dir(root, rel);
	snprintf(rel, sizeof(rel), "subsystems/%s/namespaces/1/device_path", nqn);
	put(root, rel, "/dev/tpool/r1");
	snprintf(rel, sizeof(rel), "subsystems/%s/attr_allow_any_host", nqn);
	put(root, rel, "0");
	dir(root, "hosts/nqn.2024-01.io.test:h1");
	snprintf(path, sizeof(path), "%s/subsystems/%s/allowed_hosts/nqn.2024-01.io.test:h1",
		 root, nqn);
	snprintf(target, sizeof(target), "%s/hosts/nqn.2024-01.io.test:h1", root);
	assert_int_equal(symlink(target, path), 0);
	dir(root, "ports/1");
	dir(root, "ports/2");
	put(root, "ports/2/addr_traddr", "127.0.0.1");
	put(root, "ports/2/addr_trsvcid", "4421");
	dir(root, "ports/2/subsystems");
	snprintf(path, sizeof(path), "%s/ports/2/subsystems/%s", root, nqn);
	snprintf(target, sizeof(target), "%s/subsystems/%s", root, nqn);
	assert_int_equal(symlink(target, path), 0);
}

static void find_share(void **state)
{
	char root[] = "/tmp/test_nvmf.XXXXXX", cmd[PATH_MAX];
	const char *nqn = "nqn.2019-05.io.openebs:u1";
	struct nvmf_share s;

	(void)state;
	assert_non_null(mkdtemp(root));
	make_tree(root, nqn);
	assert_int_equal(nvmf_share_find(root, nqn, &s), 0);
	assert_string_equal(s.nqn, nqn);
	assert_string_equal(s.device, "/dev/tpool/r1");
	assert_false(s.any_host);
	assert_int_equal(s.n_hosts, 1);
	assert_string_equal(s.hosts[0], "nqn.2024-01.io.test:h1");
	assert_int_equal(s.port_id, 2);
	assert_string_equal(s.addr, "127.0.0.1");
	assert_int_equal(s.port, 4421);
	assert_int_equal(nvmf_share_find(root, "nqn.2019-05.io.openebs:none", &s), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nqns),
		cmocka_unit_test(paths),
		cmocka_unit_test(uris),
		cmocka_unit_test(find_share),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
