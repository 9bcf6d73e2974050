/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include "child.h"
#include "iscsi_host.h"
#include "nvmf_host.h"

static int set_path(struct child_target *out, const char *path,
		    char *err, size_t errlen)
{
	if (!nexus_path_valid(path)) {
		snprintf(err, errlen, "path longer than %d characters", NEXUS_PATH_MAX);
		return -ENAMETOOLONG;
	}
	memcpy(out->path, path, strlen(path) + 1);	/* length checked above */
	return 0;
}

static uint32_t blk_size_of(const struct child_uri *uri)
{
	const char *bs = child_uri_param(uri, "blk_size");

	return bs ? (uint32_t)strtoul(bs, NULL, 10) : 0;	/* checked by the parser */
}

/* A block device cannot change its block size: refuse a mismatch. */
static int check_block_size(const char *path, uint32_t want, char *err, size_t errlen)
{
	int fd, have = 0;

	if (!want)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, BLKSSZGET, &have) < 0) {
		int rc = -errno;

		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "cannot read its block size: %s", strerror(-rc));
		return rc;
	}
	close(fd);
	if ((uint32_t)have != want) {
		snprintf(err, errlen, "blk_size=%u but the device has %d-byte blocks",
			 want, have);
		return -EINVAL;
	}
	return 0;
}

static int resolve_file(const char *path, const struct child_uri *uri,
			enum child_mode mode, struct child_target *out,
			char *err, size_t errlen)
{
	char real[PATH_MAX];
	int rc;

	if (!realpath(path, real)) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	out->via_loop = true;
	if (mode == CHILD_LOOKUP) {
		rc = loop_find_backing(real, out->path, sizeof(out->path));
		if (rc)
			snprintf(err, errlen, "no loop device is attached to %s", real);
		return rc;
	}
	if (loop_find_busy(real, out->path, sizeof(out->path))) {
		snprintf(err, errlen, "in use: %s is attached to %s, which is "
			 "open exclusively (a nexus child, a mount?)", real, out->path);
		out->path[0] = '\0';
		return -EBUSY;
	}
	rc = loop_attach(real, blk_size_of(uri), &out->loop, err, errlen);
	if (!rc)
		snprintf(out->path, sizeof(out->path), "%s", out->loop.device);
	return rc;
}

static int resolve_local(const struct child_uri *uri, enum child_mode mode,
			 struct child_target *out, char *err, size_t errlen)
{
	struct stat st;
	int rc;

	if (stat(uri->path, &st) < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	if (S_ISBLK(st.st_mode)) {
		rc = check_block_size(uri->path, blk_size_of(uri), err, errlen);
		return rc ? rc : set_path(out, uri->path, err, errlen);
	}
	if (uri->scheme == CHILD_SCHEME_BDEV) {
		snprintf(err, errlen, "not a block device");
		return -ENOTBLK;
	}
	if (S_ISREG(st.st_mode))
		return resolve_file(uri->path, uri, mode, out, err, errlen);
	snprintf(err, errlen, "not a block device or regular file");
	return -EINVAL;
}

/* A path on this machine: a file or a block device. */
static bool scheme_is_local(enum child_scheme scheme)
{
	return scheme == CHILD_SCHEME_PATH || scheme == CHILD_SCHEME_AIO ||
	       scheme == CHILD_SCHEME_FILE || scheme == CHILD_SCHEME_BDEV;
}

static child_resolve_fn hook_for(const struct child_resolvers *hooks,
				 enum child_scheme scheme)
{
	if (!hooks)
		return NULL;
	switch (scheme) {
	case CHILD_SCHEME_LVOL:		return hooks->lvol;
	case CHILD_SCHEME_NVMF:		return hooks->nvmf;
	case CHILD_SCHEME_ISCSI:	return hooks->iscsi;
	default:			return NULL;
	}
}

int child_resolve(const char *text, enum child_mode mode,
		  const struct child_resolvers *hooks,
		  struct child_target *out, char *err, size_t errlen)
{
	struct child_uri uri;
	const char *why = child_uri_parse(text, &uri);
	child_resolve_fn hook;

	memset(out, 0, sizeof(*out));
	out->loop.fd = -1;
	if (why) {
		snprintf(err, errlen, "%s", why);
		return -EINVAL;
	}
	if (scheme_is_local(uri.scheme))
		return resolve_local(&uri, mode, out, err, errlen);
	hook = hook_for(hooks, uri.scheme);
	if (hook)
		return hook(&uri, mode, out, err, errlen);
	snprintf(err, errlen, "%s children are not supported yet",
		 child_scheme_str(uri.scheme));
	return -EOPNOTSUPP;
}

void child_target_release(struct child_target *target)
{
	loop_release(&target->loop);
	if (target->remote_connected && target->path[0])
		child_release_remote(target->path);
	target->remote_connected = false;
}

void child_release_remote(const char *path)
{
	if (strncmp(path, "/dev/nvme", 9) == 0)
		nvmf_host_release_unused(NVMF_SYSFS, path);
	else if (strncmp(path, "/dev/sd", 7) == 0)
		iscsi_host_release_unused(ISCSI_SYSFS, path);
}

/* A loop device stands for its backing file. */
static void identity_of_stat(const char *path, const struct stat *st,
			     struct child_identity *id)
{
	char file[PATH_MAX];
	struct stat fst;
	uint32_t bs;

	if (S_ISBLK(st->st_mode) &&
	    loop_backing_file(path, file, sizeof(file), &bs) == 0 &&
	    stat(file, &fst) == 0 && S_ISREG(fst.st_mode))
		st = &fst;
	id->file = S_ISREG(st->st_mode);
	id->dev = id->file ? st->st_dev : st->st_rdev;
	id->ino = id->file ? st->st_ino : 0;
}

int child_identity_of(const char *text, struct child_identity *id)
{
	struct child_uri uri;
	struct stat st;

	if (child_uri_parse(text, &uri))
		return -EINVAL;
	if (!scheme_is_local(uri.scheme))
		return -ENOENT;
	if (stat(uri.path, &st) < 0)
		return -errno;
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return -ENOENT;
	identity_of_stat(uri.path, &st, id);
	return 0;
}

bool child_identity_eq(const struct child_identity *a,
		       const struct child_identity *b)
{
	return a->file == b->file && a->dev == b->dev && a->ino == b->ino;
}
