/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Child URIs, as MayaStor spells them:
 *   /dev/sdb  or  ./disk.img           plain path (block device or file)
 *   aio:///path?blk_size=512           file or block device
 *   file:///path                       same as aio
 *   bdev:///dev/...                    block device only
 *   nvmf://host[:port]/nqn[?ctrl_loss_tmo=S&reconnect_delay=S&
 *          fast_io_fail_tmo=S&keep_alive_tmo=S]   NVMe/TCP (port 4420)
 *   iscsi://host[:port]/iqn/lun[?replacement_timeout=S&noop_out_interval=S&
 *          noop_out_timeout=S]          iSCSI (port 3260)
 *   lvol://pool/replica                a replica of a local pool
 */
#ifndef AGENT_URI_H
#define AGENT_URI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum child_scheme {
	CHILD_SCHEME_PATH,
	CHILD_SCHEME_AIO,
	CHILD_SCHEME_FILE,
	CHILD_SCHEME_BDEV,
	CHILD_SCHEME_NVMF,
	CHILD_SCHEME_ISCSI,
	CHILD_SCHEME_LVOL,
};

#define URI_MAX_PARAMS 8

struct uri_param {
	char key[32];
	char value[128];
};

struct child_uri {
	enum child_scheme scheme;
	char host[256];		/* nvmf/iscsi host; lvol pool */
	uint16_t port;		/* nvmf/iscsi, defaulted when absent */
	bool port_present;
	/*
	 * path/aio/file/bdev: the file system path; nvmf: the NQN;
	 * iscsi: the IQN; lvol: the replica name.  Percent-decoded.
	 */
	char path[PATH_MAX];
	uint32_t lun;		/* iscsi */
	struct uri_param params[URI_MAX_PARAMS];
	size_t n_params;
};

/* NULL on success, else why text is not a valid child. */
const char *child_uri_parse(const char *text, struct child_uri *out);

/* Value of query parameter key, or NULL. */
const char *child_uri_param(const struct child_uri *uri, const char *key);

/*
 * A timeout parameter of an nvmf:// (ctrl_loss_tmo, reconnect_delay,
 * fast_io_fail_tmo, keep_alive_tmo) or iscsi:// URI (replacement_timeout,
 * noop_out_interval, noop_out_timeout): seconds, checked by the parser; or
 * -1 when the URI does not set it.
 */
long child_uri_tmo_param(const struct child_uri *uri, const char *key);

/* "path", "aio", "file", ... */
const char *child_scheme_str(enum child_scheme scheme);

#endif /* AGENT_URI_H */
