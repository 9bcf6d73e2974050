/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-vhost processes: starting one detached from its starter (a new
 * session, reparented to init, so that neither a CLI that exits nor a
 * daemon that restarts takes it along), telling whether a recorded one is
 * still running, and stopping one.  A process is named by its pid and its
 * start time (share.h), never by its pid alone.
 */
#ifndef AGENT_VHOST_PROC_H
#define AGENT_VHOST_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "share.h"

/* How long a new server gets to create its socket. */
#define VHOST_READY_MS 5000
/* How long a server gets to exit after SIGTERM before SIGKILL. */
#define VHOST_STOP_MS 5000

/* Start time of pid (clock ticks after boot); -ESRCH when it is gone or a zombie. */
int proc_start_time(pid_t pid, uint64_t *start);
/* pid runs, is no zombie, and started at start. */
bool proc_alive(pid_t pid, uint64_t start);

/*
 * Starts mayastor-vhost for nexus name (/dev/NAME) as sh says, its stderr
 * appended to share_log_path(), and waits until its socket exists.  Fills
 * sh->pid and sh->pid_start.  On failure nothing is left running and err
 * says why (the server's own last line when it exited).
 */
int vhost_start(const char *name, struct state_share *sh, char *err,
		size_t errlen);

/* SIGTERM, then SIGKILL after VHOST_STOP_MS; 0 once it is gone. */
int vhost_stop(pid_t pid, uint64_t start);

/* The server binary: $MAYASTOR_VHOST, else next to this program, else PATH. */
void vhost_binary(char *out, size_t size);

#endif /* AGENT_VHOST_PROC_H */
