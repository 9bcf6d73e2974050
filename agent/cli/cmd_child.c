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

/* An nvmf:// or iscsi:// child is reconnected first (child_remote.c). */
static int child_online_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *name, *child;
	struct child_uri uri;

	if (cli_parse_name_child(ctx, argc, argv, NULL, &name, &child))
		return 1;
	if (!child_uri_parse(child, &uri) && (uri.scheme == CHILD_SCHEME_NVMF ||
					      uri.scheme == CHILD_SCHEME_ISCSI))
		return cli_child_online_remote(ctx, name, child);
	return cli_child_op(ctx, name, child, nexus_child_online, "onlined");
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
	  "An nvmf:// or iscsi:// CHILD is reconnected first (its device may\n"
	  "come back under another name: the nexus's child is found by the\n"
	  "member UUID in its label).  An offline child copies only what\n"
	  "changed; a faulted one is removed and added again, and rebuilt in\n"
	  "full.\n\n" CLI_CHILD_HELP },
	{ 0 },
};

const struct cli_object cli_child_object = {
	.name = "child",
	.summary = "fault, offline and online the children of a nexus",
	.commands = child_commands,
};
