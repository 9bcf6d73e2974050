/* SPDX-License-Identifier: Apache-2.0 */
/* NVMe-oF/TCP shares in nvmet's configfs. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lvm.h"
#include "nvmf.h"
#include "sysfs_attr.h"

/* ---- names and paths ------------------------------------------------------- */

int nvmf_nqn(const char *uuid, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", NVMF_NQN_PREFIX, uuid);

	return n < 0 || (size_t)n >= size || n > NVMF_NQN_MAX ? -ENAMETOOLONG : 0;
}

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

bool nvmf_nqn_valid(const char *nqn)
{
	size_t len = strlen(nqn);

	/* nqn.2014-08.org.example[:...]: a date, then a reversed domain. */
	if (len > NVMF_NQN_MAX || len < 13 || strncmp(nqn, "nqn.", 4) != 0 ||
	    !all_digits(nqn + 4, 4) || nqn[8] != '-' || !all_digits(nqn + 9, 2) ||
	    nqn[11] != '.' || !nqn[12] || nqn[12] == ':' || nqn[12] == '.')
		return false;
	/* configfs names: no '/' (and nothing unprintable). */
	for (const char *p = nqn; *p; p++)
		if (*p == '/' || *p <= ' ' || *p > '~')
			return false;
	return true;
}

static int path_fmt(size_t size, int n)
{
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int nvmf_subsys_path(char *buf, size_t size, const char *root, const char *nqn,
		     const char *sub)
{
	return path_fmt(size, snprintf(buf, size, "%s/subsystems/%s%s%s", root,
					    nqn, sub ? "/" : "", sub ? sub : ""));
}

int nvmf_port_path(char *buf, size_t size, const char *root, unsigned id,
		   const char *sub)
{
	return path_fmt(size, snprintf(buf, size, "%s/ports/%u%s%s", root, id,
					    sub ? "/" : "", sub ? sub : ""));
}

int nvmf_host_path(char *buf, size_t size, const char *root, const char *host)
{
	return path_fmt(size, snprintf(buf, size, "%s/hosts/%s", root, host));
}

int nvmf_uri(const struct nvmf_share *s, char *buf, size_t size)
{
	bool v6 = strchr(s->addr, ':') != NULL;

	return path_fmt(size, snprintf(buf, size, "nvmf://%s%s%s:%u/%s",
					    v6 ? "[" : "", s->addr, v6 ? "]" : "",
					    s->port, s->nqn));
}

void nvmf_default_address(char *buf, size_t size)
{
	struct ifaddrs *ifs, *i;

	snprintf(buf, size, "127.0.0.1");
	if (getifaddrs(&ifs))
		return;
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
			continue;
		inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
			  buf, (socklen_t)size);
		break;
	}
	freeifaddrs(ifs);
}

/* ---- configfs files ------------------------------------------------------------ */

static int write_attr(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int rc = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* nvmet and its TCP transport, loaded on first use. */
static int load_modules(const char *root, char *err, size_t errlen)
{
	static const char *const mods[] = { "nvmet", "nvmet-tcp" };
	char path[PATH_MAX];

	for (size_t i = 0; i < 2; i++) {
		const char *argv[] = { "modprobe", mods[i], NULL };
		struct exec_result res;

		snprintf(path, sizeof(path), "/sys/module/%s",
			 i ? "nvmet_tcp" : "nvmet");
		if (exists(path))
			continue;
		if (exec_capture(argv, NULL, &res) == 0) {
			if (res.status)
				exec_error_text(&res, err, errlen);
			exec_result_free(&res);
		}
	}
	if (!exists(root)) {
		snprintf(err, errlen, "%s is missing: nvmet is not available (%s)",
			 root, err[0] ? err : "is configfs mounted?");
		return -ENOENT;
	}
	return 0;
}

/* ---- finding ports ---------------------------------------------------------------- */

static bool port_matches(const char *root, unsigned id, const char *addr,
			 uint16_t port)
{
	char path[PATH_MAX], value[128], want[16];

	snprintf(want, sizeof(want), "%u", port);
	return nvmf_port_path(path, sizeof(path), root, id, "addr_trtype") == 0 &&
	       sysfs_read_attr(path, value, sizeof(value)) == 0 && strcmp(value, "tcp") == 0 &&
	       nvmf_port_path(path, sizeof(path), root, id, "addr_traddr") == 0 &&
	       sysfs_read_attr(path, value, sizeof(value)) == 0 && strcmp(value, addr) == 0 &&
	       nvmf_port_path(path, sizeof(path), root, id, "addr_trsvcid") == 0 &&
	       sysfs_read_attr(path, value, sizeof(value)) == 0 && strcmp(value, want) == 0;
}

/* Calls fn for each port id; stops at the first non-zero return. */
static int each_port(const char *root, int (*fn)(const char *root, unsigned id,
						 void *arg), void *arg)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/ports", root);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!rc && (d = readdir(dir)))
		if (d->d_name[0] >= '0' && d->d_name[0] <= '9')
			rc = fn(root, (unsigned)strtoul(d->d_name, NULL, 10), arg);
	closedir(dir);
	return rc;
}

struct port_search {
	const char *addr;
	uint16_t port;
	unsigned found, max_id;
	const char *nqn;	/* find: the port that links nqn */
};

static int match_addr(const char *root, unsigned id, void *arg)
{
	struct port_search *s = arg;

	if (id > s->max_id)
		s->max_id = id;
	if (!s->found && port_matches(root, id, s->addr, s->port))
		s->found = id;
	return 0;
}

static int match_link(const char *root, unsigned id, void *arg)
{
	struct port_search *s = arg;
	char path[PATH_MAX];

	if (nvmf_port_path(path, sizeof(path), root, id, "subsystems") == 0 &&
	    strlen(path) + strlen(s->nqn) + 2 < sizeof(path)) {
		strcat(path, "/");
		strcat(path, s->nqn);
		if (exists(path)) {
			s->found = id;
			return 1;
		}
	}
	return 0;
}

/* ---- share ----------------------------------------------------------------------- */

struct undo {
	char subsys[PATH_MAX];		/* created subsystem, "" if none */
	char port[PATH_MAX];		/* created port, "" if none */
	char link[PATH_MAX];		/* port -> subsystem link */
	size_t n_hosts;
	char hosts[NVMF_MAX_HOSTS][PATH_MAX];	/* created hosts/H */
};

static int make_subsys(const char *root, const struct nvmf_share *w,
		       struct undo *u, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	if (nvmf_subsys_path(u->subsys, sizeof(u->subsys), root, w->nqn, NULL))
		return -ENAMETOOLONG;
	if (mkdir(u->subsys, 0755)) {
		rc = -errno;
		snprintf(err, errlen, rc == -EEXIST ? "already shared as %s" :
			 "cannot create nvmet subsystem %s: %s", w->nqn, strerror(-rc));
		u->subsys[0] = '\0';
		return rc;
	}
	nvmf_subsys_path(path, sizeof(path), root, w->nqn, "attr_allow_any_host");
	rc = write_attr(path, w->any_host ? "1" : "0");
	if (rc)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
	return rc;
}

static int allow_host(const char *root, const struct nvmf_share *w, const char *host,
		      struct undo *u, char *err, size_t errlen)
{
	char hpath[PATH_MAX], link[PATH_MAX + 300];
	int rc = 0;

	nvmf_host_path(hpath, sizeof(hpath), root, host);
	if (mkdir(hpath, 0755) == 0)
		snprintf(u->hosts[u->n_hosts++], PATH_MAX, "%s", hpath);
	else if (errno != EEXIST)
		rc = -errno;
	snprintf(link, sizeof(link), "%s/allowed_hosts/%s", u->subsys, host);
	if (!rc && symlink(hpath, link))
		rc = -errno;
	if (rc)
		snprintf(err, errlen, "cannot allow host %s: %s", host, strerror(-rc));
	(void)w;
	return rc;
}

static int make_namespace(const char *root, const struct nvmf_share *w,
			  char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	nvmf_subsys_path(path, sizeof(path), root, w->nqn, "namespaces/1");
	if (mkdir(path, 0755))
		rc = -errno;
	else if (nvmf_subsys_path(path, sizeof(path), root, w->nqn,
				  "namespaces/1/device_path") ||
		 (rc = write_attr(path, w->device)) == 0) {
		/* Before enable: nvmet refuses it on an enabled namespace. */
		if (w->ns_uuid[0]) {
			nvmf_subsys_path(path, sizeof(path), root, w->nqn,
					 "namespaces/1/device_uuid");
			rc = write_attr(path, w->ns_uuid);
			if (rc) {
				snprintf(err, errlen, "cannot give the namespace of %s "
					 "the UUID %s: %s", w->device, w->ns_uuid,
					 strerror(-rc));
				return rc;
			}
		}
		nvmf_subsys_path(path, sizeof(path), root, w->nqn, "namespaces/1/enable");
		rc = write_attr(path, "1");
	}
	if (rc)
		snprintf(err, errlen, "cannot export %s as a namespace: %s", w->device,
			 strerror(-rc));
	return rc;
}

static int make_port(const char *root, const struct nvmf_share *w, unsigned id,
		     struct undo *u, char *err, size_t errlen)
{
	const char *attrs[][2] = {
		{ "addr_trtype", "tcp" },
		{ "addr_adrfam", strchr(w->addr, ':') ? "ipv6" : "ipv4" },
		{ "addr_traddr", w->addr },
		{ "addr_trsvcid", NULL },
	};
	char path[PATH_MAX], port[16];
	int rc = 0;

	snprintf(port, sizeof(port), "%u", w->port);
	attrs[3][1] = port;
	nvmf_port_path(u->port, sizeof(u->port), root, id, NULL);
	if (mkdir(u->port, 0755)) {
		rc = -errno;
		u->port[0] = '\0';
	}
	/* The address goes in before any subsystem link enables the port. */
	for (size_t i = 0; !rc && i < 4; i++) {
		nvmf_port_path(path, sizeof(path), root, id, attrs[i][0]);
		rc = write_attr(path, attrs[i][1]);
	}
	if (rc)
		snprintf(err, errlen, "cannot create nvmet port %u: %s", id, strerror(-rc));
	return rc;
}

static int link_port(const char *root, const struct nvmf_share *w, struct undo *u,
		     char *err, size_t errlen)
{
	struct port_search s = { .addr = w->addr, .port = w->port };
	unsigned id;
	int rc;

	each_port(root, match_addr, &s);
	id = s.found ? s.found : s.max_id + 1;
	if (!s.found) {
		rc = make_port(root, w, id, u, err, errlen);
		if (rc)
			return rc;
	}
	nvmf_port_path(u->link, sizeof(u->link), root, id, "subsystems");
	if (strlen(u->link) + strlen(w->nqn) + 2 > sizeof(u->link))
		return -ENAMETOOLONG;
	strcat(u->link, "/");
	strcat(u->link, w->nqn);
	if (symlink(u->subsys, u->link)) {
		rc = -errno;
		u->link[0] = '\0';
		snprintf(err, errlen, "cannot listen on %s:%u (nvmet port %u): %s",
			 w->addr, w->port, id, strerror(-rc));
		return rc;
	}
	return 0;
}

static void undo_share(const char *root, const char *nqn, struct undo *u)
{
	char ignored[256];

	if (u->link[0])
		unlink(u->link);
	if (u->port[0])
		rmdir(u->port);
	if (u->subsys[0])
		nvmf_share_remove(root, nqn, ignored, sizeof(ignored));
	for (size_t i = 0; i < u->n_hosts; i++)
		rmdir(u->hosts[i]);
}

int nvmf_share_create(const char *root, const struct nvmf_share *want,
		      char *err, size_t errlen)
{
	struct undo u;
	int rc;

	memset(&u, 0, sizeof(u));
	err[0] = '\0';
	rc = load_modules(root, err, errlen);
	if (!rc)
		rc = make_subsys(root, want, &u, err, errlen);
	for (size_t i = 0; !rc && i < want->n_hosts; i++)
		rc = allow_host(root, want, want->hosts[i], &u, err, errlen);
	if (!rc)
		rc = make_namespace(root, want, err, errlen);
	if (!rc)
		rc = link_port(root, want, &u, err, errlen);
	if (rc)
		undo_share(root, want->nqn, &u);
	return rc;
}

/* ---- unshare ------------------------------------------------------------------------- */

static bool dir_empty(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *d;
	bool empty = true;

	if (!dir)
		return true;
	while (empty && (d = readdir(dir)))
		empty = d->d_name[0] == '.';
	closedir(dir);
	return empty;
}

static int unlink_ports(const char *root, unsigned id, void *arg)
{
	const char *nqn = arg;
	char path[PATH_MAX], link[PATH_MAX + 300];

	nvmf_port_path(path, sizeof(path), root, id, "subsystems");
	snprintf(link, sizeof(link), "%s/%s", path, nqn);
	if (unlink(link) == 0 && dir_empty(path)) {
		nvmf_port_path(path, sizeof(path), root, id, NULL);
		rmdir(path);	/* the last subsystem of this port went */
	}
	return 0;
}

/* Does any subsystem still allow host? */
static bool host_in_use(const char *root, const char *host)
{
	char path[PATH_MAX], link[PATH_MAX * 2];
	struct dirent *d;
	bool used = false;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/subsystems", root);
	dir = opendir(path);
	while (dir && !used && (d = readdir(dir))) {
		snprintf(link, sizeof(link), "%s/%s/allowed_hosts/%s", path, d->d_name, host);
		used = d->d_name[0] != '.' && exists(link);
	}
	if (dir)
		closedir(dir);
	return used;
}

static void remove_hosts(const char *root, const char *subsys)
{
	char path[PATH_MAX + 20], link[PATH_MAX * 2], hpath[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/allowed_hosts", subsys);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, d->d_name);
		unlink(link);
		if (!host_in_use(root, d->d_name) &&
		    nvmf_host_path(hpath, sizeof(hpath), root, d->d_name) == 0)
			rmdir(hpath);
	}
	if (dir)
		closedir(dir);
}

static void remove_namespaces(const char *subsys)
{
	char path[PATH_MAX + 20], ns[PATH_MAX * 2];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/namespaces", subsys);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(ns, sizeof(ns), "%s/%s/enable", path, d->d_name);
		write_attr(ns, "0");
		snprintf(ns, sizeof(ns), "%s/%s", path, d->d_name);
		rmdir(ns);
	}
	if (dir)
		closedir(dir);
}

int nvmf_share_remove(const char *root, const char *nqn, char *err, size_t errlen)
{
	char subsys[PATH_MAX];

	if (nvmf_subsys_path(subsys, sizeof(subsys), root, nqn, NULL))
		return -ENAMETOOLONG;
	if (!exists(subsys)) {
		snprintf(err, errlen, "not shared");
		return -ENOENT;
	}
	/* Reverse order of creation: stop serving, then take it apart. */
	each_port(root, unlink_ports, (void *)nqn);
	remove_namespaces(subsys);
	remove_hosts(root, subsys);
	if (rmdir(subsys)) {
		int rc = -errno;

		snprintf(err, errlen, "cannot remove nvmet subsystem %s: %s", nqn,
			 strerror(-rc));
		return rc;
	}
	return 0;
}

/* ---- reading back -------------------------------------------------------------------- */

static void read_hosts(const char *subsys, struct nvmf_share *out)
{
	char path[PATH_MAX + 20];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/allowed_hosts", subsys);
	dir = opendir(path);
	while (dir && (d = readdir(dir)) && out->n_hosts < NVMF_MAX_HOSTS)
		if (d->d_name[0] != '.')
			snprintf(out->hosts[out->n_hosts++], sizeof(out->hosts[0]),
				 "%.*s", NVMF_NQN_MAX, d->d_name);
	if (dir)
		closedir(dir);
}

static void read_port(const char *root, struct nvmf_share *out)
{
	struct port_search s = { .nqn = out->nqn };
	char path[PATH_MAX], value[64];

	each_port(root, match_link, &s);
	out->port_id = s.found;
	if (!s.found)
		return;
	nvmf_port_path(path, sizeof(path), root, s.found, "addr_traddr");
	sysfs_read_attr(path, out->addr, sizeof(out->addr));
	nvmf_port_path(path, sizeof(path), root, s.found, "addr_trsvcid");
	if (sysfs_read_attr(path, value, sizeof(value)) == 0)
		out->port = (uint16_t)strtoul(value, NULL, 10);
}

int nvmf_share_find(const char *root, const char *nqn, struct nvmf_share *out)
{
	char path[PATH_MAX], value[8];

	memset(out, 0, sizeof(*out));
	if (nvmf_subsys_path(path, sizeof(path), root, nqn, NULL) || !exists(path))
		return -ENOENT;
	snprintf(out->nqn, sizeof(out->nqn), "%s", nqn);
	read_hosts(path, out);
	nvmf_subsys_path(path, sizeof(path), root, nqn, "attr_allow_any_host");
	out->any_host = sysfs_read_attr(path, value, sizeof(value)) == 0 && value[0] == '1';
	nvmf_subsys_path(path, sizeof(path), root, nqn, "namespaces/1/device_path");
	sysfs_read_attr(path, out->device, sizeof(out->device));
	read_port(root, out);
	return 0;
}
