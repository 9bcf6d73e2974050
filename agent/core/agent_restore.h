/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bringing the node's pools and nexuses back after a reboot, from the
 * agent's configuration (agent_state.h): pools are imported (their image
 * files attached to loop devices again) and their replicas' NVMe-oF shares
 * made again from the LV tags; then every nexus that the kernel does not
 * have is made again from the children that can be found.  One failure
 * does not stop the rest: each outcome is reported through the log hook.
 */
#ifndef AGENT_RESTORE_H
#define AGENT_RESTORE_H

#include <libnexus.h>

#include "agent_state.h"
#include "child.h"

enum restore_level { RESTORE_INFO, RESTORE_WARNING, RESTORE_ERROR };

struct restore_log {
	void (*say)(void *ctx, enum restore_level level, const char *msg);
	void *ctx;
};

/* One line to log->say (nothing when log or its say is NULL). */
void restore_log_say(const struct restore_log *log, enum restore_level level,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Returns the number of pools that could not be restored. */
unsigned int restore_pools(const struct agent_state *s,
			   const struct restore_log *log);

/* Returns the number of nexuses that could not be restored. */
unsigned int restore_nexuses(struct nexus_handle *h, const struct agent_state *s,
			     const struct child_resolvers *resolvers,
			     const struct restore_log *log);

#endif /* AGENT_RESTORE_H */
