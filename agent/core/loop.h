/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loop devices for children that are regular files.  The device is set up
 * with LO_FLAGS_AUTOCLEAR: it detaches itself when its last opener closes
 * it.  While the agent holds out->fd that is the agent; once the nexus has
 * opened the device, it is the nexus (at destroy or child remove).  So the
 * caller keeps the fd open until the kernel has answered, then releases it.
 */
#ifndef AGENT_LOOP_H
#define AGENT_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOOP_DEV_MAX 32

struct loop_attachment {
	int fd;				/* -1 when not attached */
	char device[LOOP_DEV_MAX];	/* "/dev/loopN" */
	bool direct_io;			/* false: the file system refused O_DIRECT */
};

/*
 * Attaches file to a free loop device; block_size 0 keeps the default.
 * On failure returns -errno and writes the reason into err.
 */
int loop_attach(const char *file, uint32_t block_size,
		struct loop_attachment *out, char *err, size_t errlen);

/* Closes the agent's fd; autoclear detaches the device if unused. */
void loop_release(struct loop_attachment *loop);

/*
 * Finds the loop device backed by file (an absolute, canonical path), by
 * reading /sys/block/loop* /loop/backing_file.  -ENOENT if there is none.
 */
int loop_find_backing(const char *file, char *device, size_t size);

/*
 * The other way round: the file behind loop device ("/dev/loopN"), and the
 * device's logical block size.  -ENOENT if device is not a bound loop device.
 */
int loop_backing_file(const char *device, char *file, size_t size,
		      uint32_t *block_size);

/*
 * A loop device backed by file (canonical path) that someone holds
 * exclusively (a nexus, a mount, md, dm): writes through a second loop
 * device would go behind that user's back.  Returns 1 and its name in
 * device, 0 if there is none.
 */
int loop_find_busy(const char *file, char *device, size_t size);

/*
 * Is /dev/NAME open exclusively (a nexus child, a mount, md, dm)?  Also
 * what a remote child's host asks before it lets its target go.
 */
bool blockdev_claimed(const char *name);

#endif /* AGENT_LOOP_H */
