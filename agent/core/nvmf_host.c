// SPDX-License-Identifier: Apache-2.0
/*
 * nvmf:// children: connecting through the kernel's nvme-tcp initiator
 * with libnvme, finding the namespace, disconnecting when unused.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nvme/fabrics.h>
#include <nvme/tree.h>

#include "nvmf_host.h"
#include "loop.h"		/* blockdev_claimed */
#include "remote_net.h"

#define NAMESPACE_WAIT_MS 10000	/* for the namespace of a new controller */
#define LIVE_WAIT_MS 10000	/* for a reconnecting controller */
#define POLL_MS 100

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---- host NQN and ID ---- */

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f))
		rc = -ENODATA;
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return rc ? rc : buf[0] ? 0 : -ENODATA;
}

static int write_line(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	int rc = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%s\n", text) < 0)
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}

static int random_uuid(char *buf, size_t size)
{
	return read_line("/proc/sys/kernel/random/uuid", buf, size);
}

/* As `nvme gen-hostnqn`: libnvme's (from the machine's DMI UUID), else random. */
static int gen_hostnqn(char *buf, size_t size)
{
	char *gen = nvmf_hostnqn_generate();
	char uuid[64];
	int rc = 0;

	if (gen) {
		snprintf(buf, size, "%s", gen);
		free(gen);
		return 0;
	}
	rc = random_uuid(uuid, sizeof(uuid));
	if (!rc)
		snprintf(buf, size, "nqn.2014-08.org.nvmexpress:uuid:%s", uuid);
	return rc;
}

/* The host ID: the UUID of a uuid: host NQN, else a random one. */
static int gen_hostid(const char *nqn, char *buf, size_t size)
{
	const char *u = strstr(nqn, ":uuid:");

	if (u && strlen(u + 6) == 36) {
		snprintf(buf, size, "%s", u + 6);
		return 0;
	}
	return random_uuid(buf, size);
}

/* dir/name, made by gen (with arg) when missing. */
static int host_file(const char *dir, const char *name, char *buf, size_t size,
		     int (*gen)(const char *arg, char *buf, size_t size),
		     const char *arg, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = read_line(path, buf, size);
	if (rc != -ENOENT && rc != -ENODATA) {
		if (rc)
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = gen(arg, buf, size);
	if (!rc && mkdir(dir, 0755) && errno != EEXIST)
		rc = -errno;
	if (!rc)
		rc = write_line(path, buf);
	if (rc)
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(-rc));
	return rc;
}

static int gen_nqn_file(const char *arg, char *buf, size_t size)
{
	(void)arg;
	return gen_hostnqn(buf, size);
}

int nvmf_host_ids(const char *dir, char *nqn, size_t nqn_size, char *id,
		  size_t id_size, char *err, size_t errlen)
{
	int rc = host_file(dir, "hostnqn", nqn, nqn_size, gen_nqn_file, NULL,
			   err, errlen);

	return rc ? rc : host_file(dir, "hostid", id, id_size, gen_hostid, nqn,
				   err, errlen);
}

/* ---- reaching the target ---- */

static int param_or(const struct child_uri *uri, const char *key, int def)
{
	long v = child_uri_tmo_param(uri, key);

	return v >= 0 ? (int)v : def;
}

static void fill_config(const struct child_uri *uri, struct nvme_fabrics_config *cfg)
{
	nvmf_default_config(cfg);
	cfg->ctrl_loss_tmo = param_or(uri, "ctrl_loss_tmo", NVMF_HOST_CTRL_LOSS_TMO);
	cfg->reconnect_delay = param_or(uri, "reconnect_delay",
					NVMF_HOST_RECONNECT_DELAY);
	cfg->fast_io_fail_tmo = param_or(uri, "fast_io_fail_tmo",
					 NVMF_HOST_FAST_IO_FAIL_TMO);
	cfg->keep_alive_tmo = param_or(uri, "keep_alive_tmo", NVMF_HOST_KEEP_ALIVE_TMO);
}

/* nvmf_add_ctrl with libnvme's messages sent nowhere (the core never prints). */
static int add_ctrl(const struct child_uri *uri, const char *traddr,
		    const char *hostnqn, const char *hostid, char *ctrl, size_t size)
{
	struct nvme_fabrics_config cfg;
	char service[8];
	FILE *quiet = fopen("/dev/null", "we");
	nvme_root_t r = nvme_create_root(quiet, 0);
	nvme_host_t h = r ? nvme_lookup_host(r, hostnqn, hostid) : NULL;
	nvme_ctrl_t c;
	int rc = -ENOMEM;

	snprintf(service, sizeof(service), "%u", uri->port);
	c = h ? nvme_create_ctrl(r, uri->path, "tcp", traddr, NULL, NULL, service) : NULL;
	if (c) {
		fill_config(uri, &cfg);
		rc = nvmf_add_ctrl(h, c, &cfg) ? -errno : 0;
		if (!rc)
			snprintf(ctrl, size, "%s", nvme_ctrl_get_name(c));
		else
			nvme_free_ctrl(c);	/* not in the tree: freed alone */
	}
	if (r)
		nvme_free_tree(r);
	if (quiet)
		fclose(quiet);
	return rc;
}

static int connect_ctrl(const struct child_uri *uri, const char *traddr,
			char *ctrl, size_t size, char *err, size_t errlen)
{
	char hostnqn[NVMF_NQN_MAX + 1], hostid[64];
	int rc = nvmf_host_ids(NVMF_HOST_DIR, hostnqn, sizeof(hostnqn), hostid,
			       sizeof(hostid), err, errlen);

	if (!rc)
		rc = remote_probe(traddr, uri->port, err, errlen);
	if (rc)
		return rc;
	rc = add_ctrl(uri, traddr, hostnqn, hostid, ctrl, size);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (rc)
		snprintf(err, errlen, "the target at %s port %u refused to connect: "
			 "it exports no subsystem %s, or this host (%s) is not "
			 "allowed to use it", traddr, uri->port, uri->path, hostnqn);
	return rc ? -ECONNREFUSED : 0;
}

/* ---- the resolver ---- */

/* Waits for an existing controller (reconnecting, resetting) to be live. */
static int wait_live(const char *ctrl, const char *traddr, uint16_t port,
		     char *err, size_t errlen)
{
	char state[32] = "";

	for (int waited = 0;; waited += POLL_MS) {
		int rc = nvmf_sysfs_ctrl_state(NVMF_SYSFS, ctrl, state, sizeof(state));

		if (rc == -ENOENT)
			return -EAGAIN;		/* deleted meanwhile */
		if (!rc && strcmp(state, "live") == 0)
			return 0;
		if (waited >= LIVE_WAIT_MS)
			break;
		sleep_ms(POLL_MS);
	}
	snprintf(err, errlen, "controller %s to %s port %u is %s, not live, after %d s "
		 "(is the target up?)", ctrl, traddr, port, state, LIVE_WAIT_MS / 1000);
	return -EHOSTDOWN;
}

/* Waits for ctrl's namespace and its /dev node; its path into out->path. */
static int wait_namespace(const struct child_uri *uri, const char *ctrl,
			  int wait_ms, struct child_target *out, char *err,
			  size_t errlen)
{
	char dev[NVMF_CTRL_NAME_MAX];
	struct stat st;

	for (int waited = 0;; waited += POLL_MS) {
		if (!nvmf_sysfs_namespace(NVMF_SYSFS, ctrl, dev, sizeof(dev))) {
			snprintf(out->path, sizeof(out->path), "/dev/%s", dev);
			if (stat(out->path, &st) == 0 && S_ISBLK(st.st_mode))
				return 0;
		}
		if (waited >= wait_ms)
			break;
		sleep_ms(POLL_MS);
	}
	out->path[0] = '\0';
	snprintf(err, errlen, "subsystem %s (controller %s) has no namespace",
		 uri->path, ctrl);
	return -ENODEV;
}

/* The existing controller, live, or a new one; 0 or -errno. */
static int attach_ctrl(const struct child_uri *uri, const char *traddr,
		       struct child_target *out, char *err, size_t errlen)
{
	char *ctrl = out->nvmf_ctrl;
	size_t size = sizeof(out->nvmf_ctrl);
	int rc = -EAGAIN;

	for (int tries = 0; rc == -EAGAIN && tries < 3; tries++) {
		if (nvmf_sysfs_find_ctrl(NVMF_SYSFS, uri->path, traddr, uri->port,
					 ctrl, size) == 0) {
			rc = wait_live(ctrl, traddr, uri->port, err, errlen);
			continue;
		}
		rc = connect_ctrl(uri, traddr, ctrl, size, err, errlen);
		out->remote_connected = !rc;
	}
	return rc;
}

int nvmf_host_resolve(const struct child_uri *uri, enum child_mode mode,
		      struct child_target *out, char *err, size_t errlen)
{
	char traddr[NVMF_ADDR_MAX];
	int rc = remote_numeric_addr(uri->host, traddr, sizeof(traddr), err, errlen);

	if (rc)
		return rc;
	if (mode == CHILD_LOOKUP) {
		if (nvmf_sysfs_find_ctrl(NVMF_SYSFS, uri->path, traddr, uri->port,
					 out->nvmf_ctrl, sizeof(out->nvmf_ctrl))) {
			snprintf(err, errlen, "not connected: this host has no "
				 "controller of %s at %s port %u", uri->path,
				 traddr, uri->port);
			return -ENOENT;
		}
		return wait_namespace(uri, out->nvmf_ctrl, 0, out, err, errlen);
	}
	rc = attach_ctrl(uri, traddr, out, err, errlen);
	if (!rc)
		rc = wait_namespace(uri, out->nvmf_ctrl, NAMESPACE_WAIT_MS, out,
				    err, errlen);
	if (rc && out->remote_connected) {
		nvmf_sysfs_delete_ctrl(NVMF_SYSFS, out->nvmf_ctrl);
		out->remote_connected = false;
	}
	return rc;
}

/* ---- letting go ---- */

int nvmf_host_release_unused(const char *sysfs, const char *path)
{
	char devs[64][NVMF_CTRL_NAME_MAX];
	struct nvmf_remote r;
	int n;

	if (nvmf_sysfs_of_namespace(sysfs, remote_dev_name(path), &r))
		return 0;
	n = nvmf_sysfs_namespaces(sysfs, r.ctrl, devs, 64);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (blockdev_claimed(devs[i]))
			return 0;
	n = nvmf_sysfs_delete_ctrl(sysfs, r.ctrl);
	return n ? n : 1;
}

/* The controller's timeouts that differ from the defaults, as a query. */
static void query_of(const char *sysfs, const char *ctrl, char *q, size_t size)
{
	static const struct { const char *attr, *param; long def; } t[] = {
		{ "ctrl_loss_tmo", "ctrl_loss_tmo", NVMF_HOST_CTRL_LOSS_TMO },
		{ "reconnect_delay", "reconnect_delay", NVMF_HOST_RECONNECT_DELAY },
		{ "fast_io_fail_tmo", "fast_io_fail_tmo", NVMF_HOST_FAST_IO_FAIL_TMO },
		{ "kato", "keep_alive_tmo", NVMF_HOST_KEEP_ALIVE_TMO },
	};
	size_t n = 0;

	q[0] = '\0';
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]) && n < size; i++) {
		char v[32], *end;
		long sec;

		if (nvmf_sysfs_ctrl_attr(sysfs, ctrl, t[i].attr, v, sizeof(v)))
			continue;
		sec = strtol(v, &end, 10);
		if (end == v || *end || sec < 1 || sec == t[i].def)
			continue;	/* "off" cannot be asked for in a URI */
		n += (size_t)snprintf(q + n, size - n, "%c%s=%ld", n ? '&' : '?',
				      t[i].param, sec);
	}
}

int nvmf_host_uri_of(const char *sysfs, const char *path, char *out, size_t size)
{
	struct nvmf_remote r;
	char query[160];
	bool v6;
	int rc = nvmf_sysfs_of_namespace(sysfs, remote_dev_name(path), &r);

	if (rc)
		return rc;
	query_of(sysfs, r.ctrl, query, sizeof(query));
	v6 = strchr(r.traddr, ':') != NULL;
	rc = snprintf(out, size, "nvmf://%s%s%s:%u/%s%s", v6 ? "[" : "", r.traddr,
		      v6 ? "]" : "", r.port, r.nqn, query);
	return rc < (int)size ? 0 : -ENAMETOOLONG;
}
