/* SPDX-License-Identifier: Apache-2.0 */
/* One-line sysfs (or configfs) attributes. */
#ifndef NEXUS_SYSFS_ATTR_H
#define NEXUS_SYSFS_ATTR_H

#include <stddef.h>

/*
 * Reads the attribute at path into buf (size bytes, NUL-terminated) without
 * its newline.  0, or -errno with buf empty.
 */
int sysfs_read_attr(const char *path, char *buf, size_t size);

#endif
