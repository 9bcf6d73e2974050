/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client rebuild start|stop|pause|resume|progress NAME CHILD */
#include "cli.h"

static int rebuild_start_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_run_child_op(ctx, argc, argv, nexus_rebuild_start, "started rebuild of");
}

static int rebuild_stop_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_run_child_op(ctx, argc, argv, nexus_rebuild_stop, "stopped rebuild of");
}

static int rebuild_pause_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_run_child_op(ctx, argc, argv, nexus_rebuild_pause, "paused rebuild of");
}

static int rebuild_resume_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_run_child_op(ctx, argc, argv, nexus_rebuild_resume, "resumed rebuild of");
}

static int rebuild_progress_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct nexus_child_info *found;
	struct nexus_info info;
	struct child_target t;
	const char *name, *child;
	char label[600];
	int err;

	if (cli_parse_name_child(ctx, argc, argv, NULL, &name, &child) ||
	    cli_find_child(ctx, child, &t) || cli_connect(ctx))
		return 1;
	err = nexus_get(ctx->h, name, &info);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	found = nexus_info_find_child(&info, t.path);
	if (!found) {
		nexus_info_free(&info);
		return cli_error(ctx, "child %s: not a child of this nexus",
				 child_label(child, t.path, label, sizeof(label)));
	}
	err = render_rebuild_progress(ctx->out, ctx->format, name, found);
	nexus_info_free(&info);
	return cli_output_done(ctx, err);
}

static const struct cli_command rebuild_commands[] = {
	{ "start", rebuild_start_cmd, "NAME CHILD",
	  "Start rebuilding CHILD of nexus NAME from its healthy children",
	  CLI_CHILD_HELP },
	{ "stop", rebuild_stop_cmd, "NAME CHILD",
	  "Stop the rebuild of CHILD; it stays out of sync", CLI_CHILD_HELP },
	{ "pause", rebuild_pause_cmd, "NAME CHILD",
	  "Pause the rebuild of CHILD, keeping its progress", CLI_CHILD_HELP },
	{ "resume", rebuild_resume_cmd, "NAME CHILD",
	  "Resume a paused rebuild of CHILD", CLI_CHILD_HELP },
	{ "progress", rebuild_progress_cmd, "NAME CHILD [-o json]",
	  "Show how far the rebuild of CHILD has got",
	  "Prints one line:\n"
	  "  NAME PATH: STATE, DONE of TOTAL (PERCENT), RATE/s, ETA H:MM:SS\n"
	  "or 'NAME PATH: no rebuild'.  With -o json: an object with nexus,\n"
	  "child, state, done, total, percent, rate, source_slot, eta_seconds.\n\n"
	  CLI_CHILD_HELP },
	{ 0 },
};

const struct cli_object cli_rebuild_object = {
	.name = "rebuild",
	.summary = "start, stop, pause, resume and follow child rebuilds",
	.commands = rebuild_commands,
};
