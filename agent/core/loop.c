/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/loop.h>

#include "loop.h"

/* LOOP_CTL_GET_FREE can race with another user; try a few devices. */
#define LOOP_ATTEMPTS 8

static int configure(int loop_fd, int file_fd, const char *file,
		     uint32_t block_size, uint32_t flags)
{
	struct loop_config config = {
		.fd = (uint32_t)file_fd,
		.block_size = block_size,
		.info.lo_flags = flags,
	};

	snprintf((char *)config.info.lo_file_name,
		 sizeof(config.info.lo_file_name), "%s", file);
	return ioctl(loop_fd, LOOP_CONFIGURE, &config) < 0 ? -errno : 0;
}

/*
 * Direct IO first: the page cache of the file would hide what the disk
 * really holds.  tmpfs and some others refuse it with EINVAL.
 */
static int configure_best(int loop_fd, int file_fd, const char *file,
			  uint32_t block_size)
{
	int err = configure(loop_fd, file_fd, file, block_size,
			    LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO);

	if (err == -EINVAL)
		err = configure(loop_fd, file_fd, file, block_size,
				LO_FLAGS_AUTOCLEAR);
	return err;
}

/* Older kernels fall back to buffered IO silently: ask what we got. */
static bool uses_direct_io(int loop_fd)
{
	/* Zeroed: valgrind does not know that the kernel fills it. */
	struct loop_info64 info = { 0 };

	if (ioctl(loop_fd, LOOP_GET_STATUS64, &info) < 0)
		return false;
	return info.lo_flags & LO_FLAGS_DIRECT_IO;
}

static int try_free_device(int ctl, int file_fd, const char *file,
			   uint32_t block_size, struct loop_attachment *out)
{
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);
	int fd, err;

	if (n < 0)
		return -errno;
	snprintf(out->device, sizeof(out->device), "/dev/loop%d", n);
	/* Not O_EXCL: the nexus must still be able to claim it exclusively. */
	fd = open(out->device, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = configure_best(fd, file_fd, file, block_size);
	if (err) {
		close(fd);
		return err;
	}
	out->fd = fd;
	out->direct_io = uses_direct_io(fd);
	return 0;
}

static int attach_with(int ctl, int file_fd, const char *file,
		       uint32_t block_size, struct loop_attachment *out,
		       char *err, size_t errlen)
{
	int rc = -EBUSY;

	for (int i = 0; i < LOOP_ATTEMPTS && (rc == -EBUSY || rc == -ENOENT); i++)
		rc = try_free_device(ctl, file_fd, file, block_size, out);
	if (rc)
		snprintf(err, errlen, "cannot attach a loop device: %s",
			 strerror(-rc));
	return rc;
}

int loop_attach(const char *file, uint32_t block_size,
		struct loop_attachment *out, char *err, size_t errlen)
{
	int file_fd, ctl, rc;

	out->fd = -1;
	out->device[0] = '\0';
	file_fd = open(file, O_RDWR | O_CLOEXEC);
	if (file_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open /dev/loop-control: %s",
			 strerror(-rc));
	} else {
		rc = attach_with(ctl, file_fd, file, block_size, out, err, errlen);
		close(ctl);
	}
	/* The loop device holds its own reference to the file. */
	close(file_fd);
	return rc;
}

void loop_release(struct loop_attachment *loop)
{
	if (loop->fd >= 0)
		close(loop->fd);
	loop->fd = -1;
}

/* The backing file of loop device name ("loopN"); false if it has none. */
static bool read_backing_file(const char *name, char *file, size_t size)
{
	char path[300];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(file, (int)size, f)) {
		file[strcspn(file, "\n")] = '\0';
		found = file[0] != '\0';
	}
	fclose(f);
	return found;
}

static bool backing_file_is(const char *name, const char *file)
{
	char line[PATH_MAX];

	return read_backing_file(name, line, sizeof(line)) && strcmp(line, file) == 0;
}

int loop_backing_file(const char *device, char *file, size_t size,
		      uint32_t *block_size)
{
	const char *name = strncmp(device, "/dev/", 5) == 0 ? device + 5 : device;
	char path[300];
	FILE *f;

	if (strncmp(name, "loop", 4) != 0 || strchr(name, '/') ||
	    !read_backing_file(name, file, size))
		return -ENOENT;
	*block_size = 512;
	snprintf(path, sizeof(path), "/sys/block/%s/queue/logical_block_size", name);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%u", block_size) != 1)
			*block_size = 512;
		fclose(f);
	}
	return 0;
}

/*
 * The first loop device backed by file for which want (NULL: any) holds,
 * as /dev/loopN in device.  0, -ENOENT, or -errno of opening /sys/block.
 */
static int find_loop(const char *file, bool (*want)(const char *name),
		     char *device, size_t size)
{
	DIR *dir = opendir("/sys/block");
	struct dirent *de;
	int rc = -ENOENT;

	if (!dir)
		return -errno;
	while (rc && (de = readdir(dir))) {
		if (strncmp(de->d_name, "loop", 4) != 0 ||
		    !backing_file_is(de->d_name, file) || (want && !want(de->d_name)))
			continue;
		snprintf(device, size, "/dev/%s", de->d_name);
		rc = 0;
	}
	closedir(dir);
	return rc;
}

int loop_find_backing(const char *file, char *device, size_t size)
{
	return find_loop(file, NULL, device, size);
}

/* An O_EXCL open of a block device fails with EBUSY while it is claimed. */
bool blockdev_claimed(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EBUSY;
}

int loop_find_busy(const char *file, char *device, size_t size)
{
	return find_loop(file, blockdev_claimed, device, size) == 0;
}
