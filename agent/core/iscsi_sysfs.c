// SPDX-License-Identifier: Apache-2.0
/* iSCSI sessions, their portals and their LUNs as sysfs shows them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iscsi_host.h"
#include "sysfs_attr.h"

#define SESSION_CLASS "class/iscsi_session"
#define CONN_CLASS "class/iscsi_connection"

/* "sessionN" -> N, else -1. */
static long session_id(const char *name)
{
	const char *p = name + strlen("session");

	if (strncmp(name, "session", 7) != 0 || !*p || strspn(p, "0123456789") != strlen(p))
		return -1;
	return strtol(p, NULL, 10);
}

/* The portal of session sid (its first connection). */
static int session_portal(const char *sysfs, long sid, char *addr, size_t size,
			  uint16_t *port)
{
	char path[PATH_MAX], text[16];
	int rc;

	snprintf(path, sizeof(path), "%s/%s/connection%ld:0/persistent_address",
		 sysfs, CONN_CLASS, sid);
	rc = sysfs_read_attr(path, addr, size);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/%s/connection%ld:0/persistent_port",
		 sysfs, CONN_CLASS, sid);
	rc = sysfs_read_attr(path, text, sizeof(text));
	if (!rc)
		*port = (uint16_t)strtoul(text, NULL, 10);
	return rc;
}

typedef int (*session_fn)(const char *sysfs, const char *session, long sid,
			  void *arg);

static int each_session(const char *sysfs, session_fn fn, void *arg)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s", sysfs, SESSION_CLASS);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!rc && (e = readdir(d)))
		if (session_id(e->d_name) >= 0)
			rc = fn(sysfs, e->d_name, session_id(e->d_name), arg);
	closedir(d);
	return rc;
}

struct find_session {
	const char *iqn, *addr;
	uint16_t port;
	char *session;
	size_t size;
};

static int match_session(const char *sysfs, const char *session, long sid, void *arg)
{
	struct find_session *f = arg;
	char path[PATH_MAX], iqn[ISCSI_NAME_MAX], addr[64];
	uint16_t port = 0;

	snprintf(path, sizeof(path), "%s/%s/%s/targetname", sysfs, SESSION_CLASS, session);
	if (sysfs_read_attr(path, iqn, sizeof(iqn)) || strcmp(iqn, f->iqn) != 0 ||
	    session_portal(sysfs, sid, addr, sizeof(addr), &port) ||
	    strcmp(addr, f->addr) != 0 || port != f->port)
		return 0;
	snprintf(f->session, f->size, "%s", session);
	return 1;
}

int iscsi_sysfs_find_session(const char *sysfs, const char *iqn, const char *addr,
			     uint16_t port, char *session, size_t size)
{
	struct find_session f = { iqn, addr, port, session, size };
	int rc = each_session(sysfs, match_session, &f);

	return rc < 0 ? rc : rc ? 0 : -ENOENT;
}

int iscsi_sysfs_session_state(const char *sysfs, const char *session, char *state,
			      size_t size)
{
	char path[PATH_MAX];

	if (session_id(session) < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s/%s/state", sysfs, SESSION_CLASS, session);
	return sysfs_read_attr(path, state, size);
}

/* "H:C:T:L" -> L, else -1. */
static long lun_of(const char *name)
{
	const char *p = strrchr(name, ':');
	int colons = 0;

	for (const char *c = name; *c; c++) {
		if (*c == ':')
			colons++;
		else if (*c < '0' || *c > '9')
			return -1;
	}
	return colons == 3 && p[1] ? strtol(p + 1, NULL, 10) : -1;
}

/* The block device under a SCSI device directory (its block/ entry). */
static int block_of(const char *sdev, char *dev, size_t size)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = -ENOENT;

	snprintf(path, sizeof(path), "%s/block", sdev);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while (rc && (e = readdir(d)))
		if (e->d_name[0] != '.' && strlen(e->d_name) < size) {
			memcpy(dev, e->d_name, strlen(e->d_name) + 1);
			rc = 0;
		}
	closedir(d);
	return rc;
}

/* Calls fn(sdev dir, lun, arg) for every SCSI device of session. */
typedef int (*lun_fn)(const char *sdev, long lun, void *arg);

static int each_lun_in(const char *tdir, lun_fn fn, void *arg)
{
	char sdev[2 * PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(tdir);
	int rc = 0;

	if (!d)
		return 0;
	while (!rc && (e = readdir(d)))
		if (lun_of(e->d_name) >= 0) {
			snprintf(sdev, sizeof(sdev), "%s/%s", tdir, e->d_name);
			rc = fn(sdev, lun_of(e->d_name), arg);
		}
	closedir(d);
	return rc;
}

static int each_lun(const char *sysfs, const char *session, lun_fn fn, void *arg)
{
	char dir[PATH_MAX], tdir[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s/%s/device", sysfs, SESSION_CLASS, session);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!rc && (e = readdir(d)))
		if (strncmp(e->d_name, "target", 6) == 0) {
			snprintf(tdir, sizeof(tdir), "%s/%s", dir, e->d_name);
			rc = each_lun_in(tdir, fn, arg);
		}
	closedir(d);
	return rc;
}

struct lun_dev {
	long lun;
	char *dev;
	size_t size;
};

static int match_lun(const char *sdev, long lun, void *arg)
{
	struct lun_dev *l = arg;

	return lun == l->lun && block_of(sdev, l->dev, l->size) == 0;
}

int iscsi_sysfs_lun_dev(const char *sysfs, const char *session, uint32_t lun,
			char *dev, size_t size)
{
	struct lun_dev l = { (long)lun, dev, size };
	int rc = session_id(session) >= 0 ? each_lun(sysfs, session, match_lun, &l) :
					    -EINVAL;

	return rc < 0 ? (rc == -EINVAL ? rc : -ENOENT) : rc ? 0 : -ENOENT;
}

struct devs {
	char (*devs)[ISCSI_DEV_MAX];
	size_t n, max;
};

static int add_dev(const char *sdev, long lun, void *arg)
{
	struct devs *d = arg;
	char dev[ISCSI_DEV_MAX];

	(void)lun;
	if (block_of(sdev, dev, sizeof(dev)) == 0 && d->n < d->max)
		memcpy(d->devs[d->n++], dev, sizeof(dev));
	return 0;
}

int iscsi_sysfs_session_devs(const char *sysfs, const char *session,
			     char devs[][ISCSI_DEV_MAX], size_t max)
{
	struct devs d = { devs, 0, max };
	int rc = each_lun(sysfs, session, add_dev, &d);

	return rc < 0 ? rc : (int)d.n;
}

struct of_dev {
	const char *dev;
	long lun;
};

static int has_dev(const char *sdev, long lun, void *arg)
{
	struct of_dev *o = arg;
	char dev[ISCSI_DEV_MAX];

	if (block_of(sdev, dev, sizeof(dev)) || strcmp(dev, o->dev) != 0)
		return 0;
	o->lun = lun;
	return 1;
}

struct find_dev {
	const char *dev;
	struct iscsi_remote *out;
};

static int session_has_dev(const char *sysfs, const char *session, long sid,
			   void *arg)
{
	struct find_dev *f = arg;
	struct iscsi_remote *out = f->out;
	struct of_dev o = { f->dev, -1 };
	char path[PATH_MAX];

	if (each_lun(sysfs, session, has_dev, &o) <= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s/%s/targetname", sysfs, SESSION_CLASS, session);
	if (sysfs_read_attr(path, out->iqn, sizeof(out->iqn)) ||
	    session_portal(sysfs, sid, out->addr, sizeof(out->addr), &out->port))
		return 0;
	out->lun = (uint32_t)o.lun;
	snprintf(out->session, sizeof(out->session), "%s", session);
	return 1;
}

int iscsi_sysfs_of_dev(const char *sysfs, const char *dev, struct iscsi_remote *out)
{
	struct find_dev f = { dev, out };
	int rc;

	memset(out, 0, sizeof(*out));
	if (strncmp(dev, "sd", 2) != 0)
		return -ENOENT;
	rc = each_session(sysfs, session_has_dev, &f);
	if (rc <= 0)
		memset(out, 0, sizeof(*out));
	return rc < 0 ? rc : rc ? 0 : -ENOENT;
}
