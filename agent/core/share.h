/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A nexus's publication (its "share"), as the state file records it:
 *
 *	"share": { "protocol": "vhost-user",
 *		   "socket": "/run/mayastor/vhost/nx0.sock",
 *		   "queues": 1, "read_only": false,
 *		   "pid": 4242, "pid_start": 1234567 }
 *
 * The record is the intent ("this nexus is published so"): mayastor-agent
 * restores it after a reboot and keeps a server running for it.  pid and
 * pid_start name the mayastor-vhost process last started for it; pid_start
 * is the process's start time (field 22 of /proc/PID/stat), so that a pid
 * reused by another process, or one recorded before a reboot, is not taken
 * for the server.  Both are 0 when no server was started.
 */
#ifndef AGENT_SHARE_H
#define AGENT_SHARE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json.h>

#define SHARE_PROTOCOL_VHOST "vhost-user"
#define SHARE_QUEUES_MAX 16		/* mayastor-vhost --queues */
#define SHARE_SOCKET_MAX 108		/* sizeof(sun_path), with its NUL */
#define SHARE_RUN_DIR "/run/mayastor"

struct state_share {
	bool present;
	char protocol[16];		/* SHARE_PROTOCOL_VHOST */
	char socket[SHARE_SOCKET_MAX];	/* absolute path */
	uint32_t queues;		/* 1..SHARE_QUEUES_MAX */
	bool read_only;
	pid_t pid;			/* 0: none started */
	uint64_t pid_start;		/* its start time, clock ticks after boot */
};

/* NULL when protocol is one we publish over, else why not. */
const char *share_protocol_check(const char *protocol);
/* NULL when path can be a socket path, else why not. */
const char *share_socket_check(const char *path);

/* $MAYASTOR_RUN_DIR, else SHARE_RUN_DIR. */
const char *share_run_dir(void);
/* RUN_DIR/vhost/NAME.sock; -ENAMETOOLONG when it does not fit. */
int share_default_socket(const char *name, char *out, size_t size);
/* RUN_DIR/vhost/NAME.log: the server's stderr. */
int share_log_path(const char *name, char *out, size_t size);

/*
 * The state file's form.  share_parse() fills out from obj (out->present
 * set); -EINVAL with a reason in err for a wrong or missing field.
 */
json_object *share_to_state_json(const struct state_share *sh);
int share_parse(json_object *obj, struct state_share *out, char *err,
		size_t errlen);

/*
 * What nexus list/show print: protocol, socket, queues, read_only, pid
 * (null when not running) and running.  NULL for an unpublished nexus.
 */
json_object *share_to_json(const struct state_share *sh, bool running);

#endif /* AGENT_SHARE_H */
