// SPDX-License-Identifier: Apache-2.0
/* Reaching a remote target: its numeric address, a bounded TCP probe. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "remote_net.h"

/* HOST as the numeric address the kernel shows (traddr). */
int remote_numeric_addr(const char *host, char *out, size_t size, char *err,
			size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int rc = getaddrinfo(host, NULL, &hints, &ai);

	if (rc) {
		snprintf(err, errlen, "cannot resolve host '%s': %s", host,
			 gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	rc = getnameinfo(ai->ai_addr, ai->ai_addrlen, out, (socklen_t)size, NULL, 0,
			 NI_NUMERICHOST);
	freeaddrinfo(ai);
	if (rc) {
		snprintf(err, errlen, "cannot resolve host '%s': %s", host,
			 gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	return 0;
}

static int wait_connected(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int soerr = 0, n;
	socklen_t len = sizeof(soerr);

	n = poll(&p, 1, PROBE_MS);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		return -errno;
	return -soerr;
}

/*
 * A plain TCP connect first, bounded: an unreachable host or a closed port
 * is said as such, and no controller is created for it.
 */
int remote_probe(const char *traddr, uint16_t port, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV }, *ai;
	char service[8];
	int fd, rc;

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(traddr, service, &hints, &ai))
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	rc = fd < 0 ? -errno : 0;
	if (!rc && connect(fd, ai->ai_addr, ai->ai_addrlen))
		rc = errno == EINPROGRESS ? wait_connected(fd) : -errno;
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	if (rc == -ECONNREFUSED)
		snprintf(err, errlen, "nothing listens on %s port %u (connection refused)",
			 traddr, port);
	else if (rc == -ETIMEDOUT)
		snprintf(err, errlen, "host %s does not answer on port %u (no reply within %d s)",
			 traddr, port, PROBE_MS / 1000);
	else if (rc)
		snprintf(err, errlen, "cannot reach %s port %u: %s", traddr, port,
			 strerror(-rc));
	return rc;
}

const char *remote_dev_name(const char *path)
{
	return strncmp(path, "/dev/", 5) == 0 ? path + 5 : path;
}
