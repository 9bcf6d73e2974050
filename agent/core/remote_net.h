/* SPDX-License-Identifier: Apache-2.0 */
/* Reaching the target of a remote child (nvmf://, iscsi://). */
#ifndef AGENT_REMOTE_NET_H
#define AGENT_REMOTE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_MS 3000		/* a TCP connect to the target */

/* HOST as the numeric address the kernel shows.  0, or -EHOSTUNREACH and why. */
int remote_numeric_addr(const char *host, char *out, size_t size, char *err,
			size_t errlen);

/*
 * A plain TCP connect to addr:port, for at most PROBE_MS: an unreachable
 * host or a closed port is said as such before anything is set up.
 */
int remote_probe(const char *addr, uint16_t port, char *err, size_t errlen);

/* "/dev/NAME" -> "NAME" (any other path as it is). */
const char *remote_dev_name(const char *path);

#endif /* AGENT_REMOTE_NET_H */
