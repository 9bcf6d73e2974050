// SPDX-License-Identifier: Apache-2.0
/* nvme-tcp controllers, subsystems and namespaces as sysfs shows them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvmf_host.h"
#include "sysfs_attr.h"

#define SUBSYS_CLASS "class/nvme-subsystem"
#define CTRL_CLASS "class/nvme"

static int read_attr_at(const char *dir, const char *name, const char *attr,
			char *buf, size_t size)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return sysfs_read_attr(path, buf, size);
}

/* "nvme" followed by digits, then (namespace) "n" and digits. */
static const char *digits_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) != 0 || s[n] < '0' || s[n] > '9')
		return NULL;
	s += n;
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

static bool is_ctrl_name(const char *s)
{
	const char *end = digits_after(s, "nvme");

	return end && !*end;
}

/* nvmeXnY: the namespace ID Y, else 0 (hidden paths nvmeXcYnZ are not). */
static unsigned long ns_id(const char *s)
{
	const char *end = digits_after(s, "nvme");

	if (!end || *end != 'n' || end[1] < '0' || end[1] > '9')
		return 0;
	end = digits_after(end, "n");
	return end && !*end ? strtoul(strrchr(s, 'n') + 1, NULL, 10) : 0;
}

/* "traddr=A,trsvcid=P[,src_addr=...]": does it name traddr:port? */
static bool address_is(const char *address, const char *traddr, uint16_t port)
{
	char want[NVMF_ADDR_MAX + 40];
	size_t n;

	n = (size_t)snprintf(want, sizeof(want), "traddr=%s,trsvcid=%u", traddr, port);
	return strncmp(address, want, n) == 0 &&
	       (address[n] == '\0' || address[n] == ',');
}

static void parse_address(const char *address, struct nvmf_remote *out)
{
	const char *a = strstr(address, "traddr=");
	const char *p = strstr(address, "trsvcid=");

	if (a) {
		a += strlen("traddr=");
		snprintf(out->traddr, sizeof(out->traddr), "%.*s",
			 (int)strcspn(a, ","), a);
	}
	if (p)
		out->port = (uint16_t)strtoul(p + strlen("trsvcid="), NULL, 10);
}

static int class_dir(const char *sysfs, const char *class, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/%s", sysfs, class) < (int)size ? 0 : -ENAMETOOLONG;
}

/* An nvme-tcp controller not on its way out? */
static bool tcp_ctrl(const char *dir, const char *ctrl)
{
	char transport[16], state[32];

	if (read_attr_at(dir, ctrl, "transport", transport, sizeof(transport)) ||
	    strcmp(transport, "tcp") != 0)
		return false;
	return read_attr_at(dir, ctrl, "state", state, sizeof(state)) ||
	       (strcmp(state, "deleting") != 0 && strcmp(state, "deleting (no IO)") != 0 &&
		strcmp(state, "dead") != 0);
}

/* Calls fn on each controller of subsystem dir sub; stops at its non-zero. */
typedef int (*ctrl_fn)(const char *sub, const char *ctrl, void *arg);

static int each_ctrl(const char *sub, ctrl_fn fn, void *arg)
{
	DIR *d = opendir(sub);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -errno;
	while (!rc && (e = readdir(d)))
		if (is_ctrl_name(e->d_name) && tcp_ctrl(sub, e->d_name))
			rc = fn(sub, e->d_name, arg);
	closedir(d);
	return rc;
}

/* Calls fn on each subsystem directory; stops at its non-zero. */
typedef int (*subsys_fn)(const char *sub, void *arg);

static int each_subsys(const char *sysfs, subsys_fn fn, void *arg)
{
	char dir[PATH_MAX], sub[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;
	int rc = class_dir(sysfs, SUBSYS_CLASS, dir, sizeof(dir));

	if (rc)
		return rc;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!rc && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			rc = fn(sub, arg);
		}
	closedir(d);
	return rc;
}

struct find_ctrl {
	const char *nqn, *traddr;
	uint16_t port;
	char *ctrl;
	size_t size;
};

static int match_ctrl(const char *sub, const char *ctrl, void *arg)
{
	struct find_ctrl *f = arg;
	char address[256];

	if (read_attr_at(sub, ctrl, "address", address, sizeof(address)) ||
	    !address_is(address, f->traddr, f->port))
		return 0;
	snprintf(f->ctrl, f->size, "%s", ctrl);
	return 1;
}

static int match_subsys(const char *sub, void *arg)
{
	struct find_ctrl *f = arg;
	char nqn[NVMF_NQN_MAX + 2];

	if (read_attr_at(sub, ".", "subsysnqn", nqn, sizeof(nqn)) ||
	    strcmp(nqn, f->nqn) != 0)
		return 0;
	return each_ctrl(sub, match_ctrl, f);
}

int nvmf_sysfs_find_ctrl(const char *sysfs, const char *nqn, const char *traddr,
			 uint16_t port, char *ctrl, size_t size)
{
	struct find_ctrl f = { nqn, traddr, port, ctrl, size };
	int rc = each_subsys(sysfs, match_subsys, &f);

	return rc < 0 ? rc : rc ? 0 : -ENOENT;
}

int nvmf_sysfs_ctrl_attr(const char *sysfs, const char *ctrl, const char *attr,
			 char *buf, size_t size)
{
	char dir[PATH_MAX];
	int rc = class_dir(sysfs, CTRL_CLASS, dir, sizeof(dir));

	if (!rc && (!is_ctrl_name(ctrl) || strchr(attr, '/')))
		rc = -EINVAL;
	return rc ? rc : read_attr_at(dir, ctrl, attr, buf, size);
}

int nvmf_sysfs_ctrl_state(const char *sysfs, const char *ctrl, char *state,
			  size_t size)
{
	return nvmf_sysfs_ctrl_attr(sysfs, ctrl, "state", state, size);
}

/* Adds the namespaces of directory dir to devs (n of max so far). */
static size_t add_namespaces(const char *dir, char devs[][NVMF_CTRL_NAME_MAX],
			     size_t n, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return n;
	while ((e = readdir(d)))
		if (ns_id(e->d_name) && strlen(e->d_name) < NVMF_CTRL_NAME_MAX) {
			if (n < max)
				memcpy(devs[n], e->d_name, strlen(e->d_name) + 1);
			n++;
		}
	closedir(d);
	return n;
}

/* The subsystem directory holding controller ctrl, into sub. */
struct subsys_of {
	const char *ctrl;
	char *sub;
	size_t size;
};

static int holds_ctrl(const char *sub, void *arg)
{
	struct subsys_of *s = arg;
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", sub, s->ctrl);
	if (access(path, F_OK))
		return 0;
	snprintf(s->sub, s->size, "%s", sub);
	return 1;
}

int nvmf_sysfs_namespaces(const char *sysfs, const char *ctrl,
			  char devs[][NVMF_CTRL_NAME_MAX], size_t max)
{
	char sub[PATH_MAX + 256] = "", dir[PATH_MAX + 64];
	struct subsys_of s = { ctrl, sub, sizeof(sub) };
	int rc = each_subsys(sysfs, holds_ctrl, &s);
	size_t n = 0;

	if (rc < 0)
		return rc;
	if (rc)
		n = add_namespaces(sub, devs, n, max);	/* multipath heads */
	snprintf(dir, sizeof(dir), "%s/%s/%s", sysfs, CTRL_CLASS, ctrl);
	n = add_namespaces(dir, devs, n, max);
	return (int)(n < max ? n : max);
}

int nvmf_sysfs_namespace(const char *sysfs, const char *ctrl, char *dev,
			 size_t size)
{
	char devs[64][NVMF_CTRL_NAME_MAX];
	int n = nvmf_sysfs_namespaces(sysfs, ctrl, devs, 64);
	int best = -1;

	for (int i = 0; i < n; i++)
		if (best < 0 || ns_id(devs[i]) < ns_id(devs[best]))
			best = i;
	if (n < 0)
		return n;
	if (best < 0)
		return -ENOENT;
	snprintf(dev, size, "%s", devs[best]);
	return 0;
}

struct of_ns {
	const char *sysfs, *dev;
	struct nvmf_remote *out;
};

/* Is of->dev a namespace of controller ctrl (its own or its subsystem's)? */
static int ctrl_has_ns(const char *sub, const char *ctrl, void *arg)
{
	struct of_ns *o = arg;
	char path[PATH_MAX + 64], address[256];

	snprintf(path, sizeof(path), "%s/%s", sub, o->dev);
	if (access(path, F_OK)) {
		snprintf(path, sizeof(path), "%s/%s/%s/%s", o->sysfs, CTRL_CLASS,
			 ctrl, o->dev);
		if (access(path, F_OK))
			return 0;
	}
	if (read_attr_at(sub, ctrl, "address", address, sizeof(address)) ||
	    read_attr_at(sub, ".", "subsysnqn", o->out->nqn, sizeof(o->out->nqn)))
		return 0;
	snprintf(o->out->ctrl, sizeof(o->out->ctrl), "%s", ctrl);
	parse_address(address, o->out);
	return 1;
}

static int subsys_has_ns(const char *sub, void *arg)
{
	return each_ctrl(sub, ctrl_has_ns, arg);
}

int nvmf_sysfs_of_namespace(const char *sysfs, const char *dev,
			    struct nvmf_remote *out)
{
	struct of_ns o = { sysfs, dev, out };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!ns_id(dev))
		return -ENOENT;
	rc = each_subsys(sysfs, subsys_has_ns, &o);
	return rc < 0 ? rc : rc ? 0 : -ENOENT;
}

int nvmf_sysfs_delete_ctrl(const char *sysfs, const char *ctrl)
{
	char path[PATH_MAX];
	int fd, rc = 0;

	if (!is_ctrl_name(ctrl))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s/%s/delete_controller", sysfs,
		 CTRL_CLASS, ctrl);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		rc = -errno;
	close(fd);
	return rc;
}
