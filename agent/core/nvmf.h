/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NVMe-oF/TCP shares through the kernel's nvmet, configured in configfs
 * (root is normally NVMF_CONFIGFS; tests pass another).  configfs is the
 * only record of what is shared: nothing is kept anywhere else.
 *
 * Layout: subsystems/NQN (attr_allow_any_host, allowed_hosts/H -> hosts/H,
 * namespaces/1/{device_path,enable}), ports/ID (addr_*, subsystems/NQN ->
 * the subsystem).  One port per address:port, shared by every subsystem.
 */
#ifndef AGENT_NVMF_H
#define AGENT_NVMF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NVMF_CONFIGFS "/sys/kernel/config/nvmet"
/* As the original MayaStor named its replicas' subsystems. */
#define NVMF_NQN_PREFIX "nqn.2019-05.io.openebs:"
#define NVMF_PORT_DEFAULT 4420
#define NVMF_NQN_MAX 223	/* NVMe base spec: NQNs are at most 223 bytes */
#define NVMF_MAX_HOSTS 16
#define NVMF_ADDR_MAX 64

struct nvmf_share {
	char nqn[NVMF_NQN_MAX + 1];
	char device[PATH_MAX];
	/*
	 * The namespace's UUID (device_uuid), the replica's: the same every
	 * time it is shared, so that a host reconnecting after the target's
	 * node rebooted finds the namespace it had.  Empty: nvmet's own
	 * (random, new at every share).
	 */
	char ns_uuid[37];
	char addr[NVMF_ADDR_MAX];
	uint16_t port;
	unsigned port_id;
	bool any_host;
	size_t n_hosts;
	char hosts[NVMF_MAX_HOSTS][NVMF_NQN_MAX + 1];
};

/* NVMF_NQN_PREFIX + uuid; -ENAMETOOLONG if it does not fit. */
int nvmf_nqn(const char *uuid, char *buf, size_t size);

/* "nqn.YYYY-MM.reverse.domain[:anything]" of at most 223 bytes. */
bool nvmf_nqn_valid(const char *nqn);

/* configfs paths; -ENAMETOOLONG if buf is too small. */
int nvmf_subsys_path(char *buf, size_t size, const char *root, const char *nqn,
		     const char *sub);
int nvmf_port_path(char *buf, size_t size, const char *root, unsigned id,
		   const char *sub);
int nvmf_host_path(char *buf, size_t size, const char *root, const char *host);

/* "nvmf://ADDR:PORT/NQN" ([ADDR] for IPv6). */
int nvmf_uri(const struct nvmf_share *s, char *buf, size_t size);

/* The first non-loopback IPv4 address of this host, else 127.0.0.1. */
void nvmf_default_address(char *buf, size_t size);

/*
 * Exports want->device as namespace 1 of subsystem want->nqn on a TCP
 * port at want->addr:want->port (created if needed, reused otherwise),
 * for want->hosts or, if want->any_host, everyone.  Loads nvmet and
 * nvmet-tcp if needed.  Everything done is undone on failure.
 */
int nvmf_share_create(const char *root, const struct nvmf_share *want,
		      char *err, size_t errlen);

/* Undoes nvmf_share_create(); a port still used by others is kept. */
int nvmf_share_remove(const char *root, const char *nqn, char *err, size_t errlen);

/* What configfs says of nqn; -ENOENT if it is not shared. */
int nvmf_share_find(const char *root, const char *nqn, struct nvmf_share *out);

#endif /* AGENT_NVMF_H */
