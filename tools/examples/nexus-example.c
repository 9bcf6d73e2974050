/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nexus-example: the seed's program, in C, on libmayastor
 * (agent/include/mayastor.h, docs/api.md).  Creates a nexus from three
 * children (a local image file, an iSCSI LUN, an NVMe-oF namespace),
 * writes 1 MiB of 0xff at offset 0 of /dev/NAME with O_DIRECT, reads it
 * back, checks every byte, and destroys the nexus.
 *
 *   nexus-example [-s MiB] [NAME [CHILD...]]
 *
 * NAME defaults to nexus0; the children default to the seed's three:
 *   aio:///tmp/disk1.img?blk_size=512
 *   iscsi://127.0.0.1/iqn.2019-05.io.openebs:disk2/0
 *   nvmf://127.0.0.1/nqn.2019-05.io.openebs:disk3
 * (the file must exist, the target and the subsystem be served).  -s
 * gives the nexus's size in MiB; by default it is as large as the
 * smallest child allows.  Exit status 0 when the data read back is what
 * was written and the nexus is destroyed again, 1 on any failure (one
 * line on stderr says which), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mayastor.h>

#define PROG "nexus-example"
#define IO_BYTES (1024 * 1024)	/* written and read back at offset 0 */
#define IO_ALIGN 4096		/* O_DIRECT: any logical block size divides it */
#define PATTERN 0xff

static const char *const default_children[] = {
	"aio:///tmp/disk1.img?blk_size=512",
	"iscsi://127.0.0.1/iqn.2019-05.io.openebs:disk2/0",
	"nvmf://127.0.0.1/nqn.2019-05.io.openebs:disk3",
};

static void print_usage(FILE *f)
{
	fprintf(f, "usage: %s [-s MiB] [NAME [CHILD...]]\n"
		"Creates nexus NAME from the children, writes %d bytes of 0x%02x at\n"
		"offset 0 of /dev/NAME (O_DIRECT), reads them back, checks every\n"
		"byte and destroys the nexus.\n"
		"  -s MiB   the nexus's size (default: the largest the children allow)\n"
		"  NAME defaults to nexus0, the children to the seed's three:\n"
		"    %s\n    %s\n    %s\n", PROG, IO_BYTES, PATTERN,
		default_children[0], default_children[1], default_children[2]);
}

static int usage(const char *why)
{
	fprintf(stderr, "%s: %s\n", PROG, why);
	print_usage(stderr);
	return 2;
}

/* A positive number of MiB that fits in bytes; 0 or -1. */
static int parse_mib(const char *text, uint64_t *bytes)
{
	char *end;
	unsigned long long mib;

	errno = 0;
	mib = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || !mib ||
	    mib > UINT64_MAX / (1024 * 1024))
		return -1;
	*bytes = mib * 1024 * 1024;
	return 0;
}

/* Writes or reads all of len bytes at offset; 0, or -errno. */
static int full_io(int fd, unsigned char *buf, size_t len, off_t offset,
		   int write_it)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write_it ? pwrite(fd, buf + done, len - done, offset + done)
				     : pread(fd, buf + done, len - done, offset + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;	/* past the end of the device */
		done += (size_t)n;
	}
	return 0;
}

/* The seed's IO: write 0xff, read it back, check every byte.  0 or 1. */
static int write_and_check(const char *dev)
{
	unsigned char *buf = NULL;
	int fd, err, rc = 1;

	fd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", PROG, dev, strerror(errno));
		return 1;
	}
	err = posix_memalign((void **)&buf, IO_ALIGN, IO_BYTES);
	if (err) {
		fprintf(stderr, "%s: %d aligned bytes: %s\n", PROG, IO_BYTES,
			strerror(err));
		buf = NULL;
		goto out;
	}
	memset(buf, PATTERN, IO_BYTES);
	err = full_io(fd, buf, IO_BYTES, 0, 1);
	if (!err && fdatasync(fd) < 0)
		err = -errno;
	if (err) {
		fprintf(stderr, "%s: write %d bytes at offset 0 of %s: %s\n", PROG,
			IO_BYTES, dev, strerror(-err));
		goto out;
	}
	printf("wrote %d bytes of 0x%02x at offset 0 of %s (O_DIRECT)\n",
	       IO_BYTES, PATTERN, dev);
	memset(buf, 0, IO_BYTES);
	err = full_io(fd, buf, IO_BYTES, 0, 0);
	if (err) {
		fprintf(stderr, "%s: read %d bytes at offset 0 of %s: %s\n", PROG,
			IO_BYTES, dev, strerror(-err));
		goto out;
	}
	for (size_t i = 0; i < IO_BYTES; i++)
		if (buf[i] != PATTERN) {
			fprintf(stderr, "%s: %s: byte %zu reads 0x%02x, not 0x%02x\n",
				PROG, dev, i, buf[i], PATTERN);
			goto out;
		}
	printf("read them back: all %d bytes are 0x%02x\n", IO_BYTES, PATTERN);
	rc = 0;
out:
	free(buf);
	if (close(fd) < 0 && !rc) {
		fprintf(stderr, "%s: close %s: %s\n", PROG, dev, strerror(errno));
		rc = 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *name = "nexus0";
	const char *const *children = default_children;
	int n_children = 3, opt, rc;
	uint64_t size = 0;
	struct mayastor *ms;
	char msg[MAYASTOR_MSG_MAX], dev[64];

	while ((opt = getopt(argc, argv, "+s:h")) != -1) {
		switch (opt) {
		case 's':
			if (parse_mib(optarg, &size))
				return usage("-s needs a positive number of MiB");
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			return usage("unknown option");
		}
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind < argc) {
		children = (const char *const *)(argv + optind);
		n_children = argc - optind;
	}
	if (mayastor_open(&ms, NULL, msg, sizeof(msg))) {
		fprintf(stderr, "%s: %s\n", PROG, msg);
		return 1;
	}
	if (mayastor_nexus_create(ms, name, size, children, n_children, msg,
				  sizeof(msg))) {
		fprintf(stderr, "%s: create %s: %s\n", PROG, name, msg);
		mayastor_close(ms);
		return 1;
	}
	if (msg[0])
		fprintf(stderr, "%s: %s\n", PROG, msg);
	mayastor_nexus_device(name, dev, sizeof(dev));	/* the name is valid */
	printf("created nexus %s (%s) from %d children:\n", name, dev, n_children);
	for (int i = 0; i < n_children; i++)
		printf("  %s\n", children[i]);
	fflush(stdout);

	rc = write_and_check(dev);

	if (mayastor_nexus_destroy(ms, name, msg, sizeof(msg))) {
		fprintf(stderr, "%s: destroy %s: %s\n", PROG, name, msg);
		rc = 1;
	} else {
		if (msg[0])
			fprintf(stderr, "%s: %s\n", PROG, msg);
		printf("destroyed nexus %s\n", name);
	}
	mayastor_close(ms);
	return rc;
}
