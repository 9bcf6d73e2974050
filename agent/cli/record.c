// SPDX-License-Identifier: Apache-2.0
/*
 * Keeping mayastor-agent's state file in step with what the CLI changes,
 * so that the daemon brings the node back after a reboot even when it was
 * not running at the time.  A failure to record does not undo the change:
 * it is reported as a warning.
 */
#include "agent_record.h"
#include "cli.h"

static void warn_unrecorded(struct cli_ctx *ctx, const char *what,
			    const char *name, const char *why)
{
	fprintf(ctx->err, "%s: warning: %s %s is not recorded in %s: %s\n",
		CLI_PROG, what, name, ctx->state_file, why);
}

void cli_record_nexus(struct cli_ctx *ctx, const char *name)
{
	char err[1024];

	if (ctx->state_file && record_nexus(ctx->h, ctx->state_file, name, err,
					    sizeof(err)))
		warn_unrecorded(ctx, "nexus", name, err);
}

void cli_record_change(struct cli_ctx *ctx, const char *name,
		       struct record_change *ch)
{
	char err[1024];

	/* A change that failed changed nothing: no record to miss. */
	if (record_nexus_change(ctx->h, ctx->state_file, name, ch, err,
				sizeof(err)) && !ch->op_rc)
		warn_unrecorded(ctx, "nexus", name, err);
}

void cli_forget_nexus(struct cli_ctx *ctx, const char *name)
{
	char err[1024];

	if (ctx->state_file && forget_nexus(ctx->state_file, name, err, sizeof(err)))
		warn_unrecorded(ctx, "the destroyed nexus", name, err);
}

void cli_record_pool(struct cli_ctx *ctx, const char *name)
{
	char err[1024];

	if (ctx->state_file && record_pool(ctx->state_file, name, err, sizeof(err)))
		warn_unrecorded(ctx, "pool", name, err);
}

void cli_forget_pool(struct cli_ctx *ctx, const char *name)
{
	char err[1024];

	if (ctx->state_file && forget_pool(ctx->state_file, name, err, sizeof(err)))
		warn_unrecorded(ctx, "the destroyed pool", name, err);
}
