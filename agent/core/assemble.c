/* SPDX-License-Identifier: Apache-2.0 */
/* Finding labelled children and assembling nexuses from them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "assemble.h"

#define MD_READ (NEXUS_LABEL_SLOTS * NEXUS_LABEL_SIZE)

static int device_bytes(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -ENOTBLK;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

/* O_DIRECT: the kernel writes labels past the page cache. */
static int open_direct(const char *path, bool *direct)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);

	*direct = fd >= 0;
	if (fd < 0 && errno == EINVAL)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int read_md(int fd, uint64_t offset, void *buf)
{
	ssize_t n = pread(fd, buf, MD_READ, (off_t)offset);

	if (n < 0)
		return -errno;
	return n == MD_READ ? 0 : -EIO;
}

int assemble_read_label(const char *path, struct label *out, const char **why)
{
	uint64_t bytes = 0;
	void *buf = NULL;
	bool direct;
	int fd, err;

	*why = "cannot read the device";
	fd = open_direct(path, &direct);
	if (fd < 0)
		return fd;
	err = device_bytes(fd, &bytes);
	if (!err && !label_md_offset(bytes)) {
		*why = "no nexus label";
		err = -ENODATA;
	}
	if (!err && posix_memalign(&buf, 4096, MD_READ))
		err = -ENOMEM;
	if (!err)
		err = read_md(fd, label_md_offset(bytes), buf);
	if (!err)
		err = label_pick(buf, bytes, out, why);
	free(buf);
	close(fd);
	return err;
}

/* A device with holders is used by the dm/md device on top of it. */
static bool has_holders(const char *sysfs_block, const char *name)
{
	char path[PATH_MAX];
	struct dirent *e;
	bool held = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/holders", sysfs_block, name);
	d = opendir(path);
	if (!d)
		return false;
	while (!held && (e = readdir(d)))
		held = e->d_name[0] != '.';
	closedir(d);
	return held;
}

static struct assemble_group *find_group(struct assemble_scan *scan,
					 const uint8_t *uuid)
{
	for (size_t i = 0; i < scan->n; i++)
		if (!memcmp(scan->groups[i].uuid, uuid, NEXUS_UUID_LEN))
			return &scan->groups[i];
	return NULL;
}

static struct assemble_group *new_group(struct assemble_scan *scan,
					const struct label *label)
{
	struct assemble_group *g = realloc(scan->groups,
					   (scan->n + 1) * sizeof(*g));

	if (!g)
		return NULL;
	scan->groups = g;
	g = &scan->groups[scan->n++];
	memset(g, 0, sizeof(*g));
	memcpy(g->uuid, label->nexus_uuid, NEXUS_UUID_LEN);
	return g;
}

int assemble_scan_add(struct assemble_scan *scan, const char *path,
		      const struct label *label)
{
	struct assemble_group *g = find_group(scan, label->nexus_uuid);
	struct assemble_member *m;

	if (!g)
		g = new_group(scan, label);
	if (!g)
		return -ENOMEM;
	if (g->n == NEXUS_MAX_CHILDREN)
		return -E2BIG;
	m = realloc(g->members, (g->n + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	g->members = m;
	m = &g->members[g->n++];
	snprintf(m->path, sizeof(m->path), "%s", path);
	m->label = *label;
	if (g->n == 1 || label->generation > g->generation) {
		g->generation = label->generation;
		memcpy(g->name, label->name, sizeof(g->name));
	}
	return 0;
}

/* Index of the newest of labels[0..n) (NULL: none read), or n if none. */
static size_t newest_label(const struct label *const *labels, size_t n)
{
	size_t newest = n;

	for (size_t i = 0; i < n; i++)
		if (labels[i] && (newest == n ||
				  labels[i]->generation > labels[newest]->generation))
			newest = i;
	return newest;
}

/* Is labels[i] unreadable, or still a member by the newest label? */
static bool still_member(const struct label *const *labels, size_t n,
			 size_t newest, size_t i)
{
	return newest == n || !labels[i] ||
	       label_has_member(labels[newest], labels[i]);
}

void assemble_group_drop_removed(struct assemble_group *g)
{
	const struct label *labels[NEXUS_MAX_CHILDREN] = { 0 };
	size_t n = g->n < NEXUS_MAX_CHILDREN ? g->n : NEXUS_MAX_CHILDREN;
	size_t newest, kept = 0;

	for (size_t i = 0; i < n; i++)
		labels[i] = &g->members[i].label;
	newest = newest_label(labels, n);
	for (size_t i = 0; i < n; i++) {
		if (!still_member(labels, n, newest, i))
			continue;
		if (kept != i)
			g->members[kept] = g->members[i];
		kept++;
	}
	g->n = kept;
}

static int scan_one(struct assemble_scan *scan, const char *sysfs_block,
		    const char *dev_dir, const char *name)
{
	char path[PATH_MAX];
	struct label label;
	const char *why;

	if (name[0] == '.' || has_holders(sysfs_block, name))
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dev_dir, name) >= sizeof(path))
		return 0;
	if (assemble_read_label(path, &label, &why))
		return 0;	/* unlabelled, damaged or unreadable: not ours */
	return assemble_scan_add(scan, path, &label);
}

int assemble_scan_devices(const char *sysfs_block, const char *dev_dir,
			  struct assemble_scan *out)
{
	struct dirent *e;
	int err = 0;
	DIR *d;

	memset(out, 0, sizeof(*out));
	d = opendir(sysfs_block);
	if (!d)
		return -errno;
	while (!err && (e = readdir(d)))
		err = scan_one(out, sysfs_block, dev_dir, e->d_name);
	closedir(d);
	for (size_t i = 0; !err && i < out->n; i++)
		assemble_group_drop_removed(&out->groups[i]);
	if (err)
		assemble_scan_free(out);
	return err;
}

void assemble_scan_free(struct assemble_scan *scan)
{
	for (size_t i = 0; i < scan->n; i++)
		free(scan->groups[i].members);
	free(scan->groups);
	memset(scan, 0, sizeof(*scan));
}

int assemble_devices(struct nexus_handle *h, const char *name,
		     const char *const *devices, size_t n, uint32_t flags)
{
	struct nexus_create_req req;
	int err = nexus_create_req_init(&req, name);

	for (size_t i = 0; !err && i < n; i++)
		err = nexus_create_req_add_child(&req, devices[i]);
	req.flags = flags | NEXUS_F_ASSEMBLE;
	if (!err)
		err = nexus_create(h, &req);
	nexus_create_req_free(&req);
	return err;
}

size_t assemble_drop_removed(const char **devices, size_t n,
			     void (*dropped)(const char *device, void *arg),
			     void *arg)
{
	struct label read[NEXUS_MAX_CHILDREN];
	const struct label *labels[NEXUS_MAX_CHILDREN] = { 0 };
	size_t newest, kept = 0;
	const char *why;

	if (n > NEXUS_MAX_CHILDREN)
		n = NEXUS_MAX_CHILDREN;
	for (size_t i = 0; i < n; i++)
		labels[i] = assemble_read_label(devices[i], &read[i], &why) ? NULL : &read[i];
	newest = newest_label(labels, n);
	for (size_t i = 0; i < n; i++) {
		if (still_member(labels, n, newest, i))
			devices[kept++] = devices[i];
		else if (dropped)
			dropped(devices[i], arg);
	}
	return kept;
}

int assemble_group(struct nexus_handle *h, const struct assemble_group *group,
		   uint32_t flags)
{
	const char *paths[NEXUS_MAX_CHILDREN];

	for (size_t i = 0; i < group->n && i < NEXUS_MAX_CHILDREN; i++)
		paths[i] = group->members[i].path;
	return assemble_devices(h, group->name, paths, group->n, flags);
}
