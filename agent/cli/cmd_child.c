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

/* An nvmf:// or iscsi:// child is reconnected first (child_online.c). */
static int child_online_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *name, *child;

	if (cli_parse_name_child(ctx, argc, argv, NULL, &name, &child))
		return 1;
	return cli_child_online(ctx, name, child);
}

static const struct cli_command child_commands[] = {
	{ "fault", child_fault_cmd, "NAME CHILD",
	  "Mark CHILD of nexus NAME faulted: it gets no more IO",
	  "A faulted child stays faulted until 'child online' brings it back\n"
	  "(copied in full: what it holds is no longer trusted) or it is\n"
	  "removed.  mayastor-agent never brings back a child faulted this way.\n\n"
	  CLI_CHILD_HELP },
	{ "offline", child_offline_cmd, "NAME CHILD",
	  "Take CHILD of nexus NAME offline for maintenance",
	  "Writes made while it is offline are tracked, so 'child online'\n"
	  "only rebuilds what changed.\n\n" CLI_CHILD_HELP },
	{ "online", child_online_cmd, "NAME CHILD",
	  "Bring CHILD of nexus NAME back (offline, faulted, or missing since assembly)",
	  "An nvmf:// or iscsi:// CHILD is reconnected first (a controller or\n"
	  "session this host has is reused).  Its device may come back under\n"
	  "another name: the member is found by its path, else by the member\n"
	  "UUID in the device's label.  What is copied: only the regions written\n"
	  "while it was away (the write-intent bitmap) for a child that was\n"
	  "offline, faulted on an IO error (a lost target) or missing since\n"
	  "assembly; everything for a child faulted with 'child fault'.  A\n"
	  "missing member rejoins its slot.\n\n" CLI_CHILD_HELP },
	{ 0 },
};

const struct cli_object cli_child_object = {
	.name = "child",
	.summary = "fault, offline and online the children of a nexus",
	.commands = child_commands,
};
