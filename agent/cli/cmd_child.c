/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client child fault|offline|online NAME CHILD */
#include "cli.h"

static int child_fault_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_run_child_op(ctx, argc, argv, nexus_child_fault, "faulted");
}

static int child_offline_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_run_child_op(ctx, argc, argv, nexus_child_offline, "offlined");
}

static int child_online_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_run_child_op(ctx, argc, argv, nexus_child_online, "onlined");
}

static const struct cli_command child_commands[] = {
	{ "fault", child_fault_cmd, "NAME CHILD",
	  "Mark CHILD of nexus NAME faulted: it gets no more IO",
	  "A faulted child stays faulted until it is removed and added again.\n\n"
	  CLI_CHILD_HELP },
	{ "offline", child_offline_cmd, "NAME CHILD",
	  "Take CHILD of nexus NAME offline for maintenance",
	  "Writes made while it is offline are tracked, so 'child online'\n"
	  "only rebuilds what changed.\n\n" CLI_CHILD_HELP },
	{ "online", child_online_cmd, "NAME CHILD",
	  "Bring an offline CHILD of nexus NAME back, rebuilding what changed",
	  CLI_CHILD_HELP },
	{ 0 },
};

const struct cli_object cli_child_object = {
	.name = "child",
	.summary = "fault, offline and online the children of a nexus",
	.commands = child_commands,
};
