/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client events [-o json]: follow the kernel's events live. */
#include <errno.h>

#include "cli.h"

/* Prints events until reading fails; a lost-events overrun is only noted. */
static int follow(struct cli_ctx *ctx)
{
	for (;;) {
		struct nexus_event event;
		int err = nexus_event_read(ctx->h, &event);

		if (err == -ENOBUFS) {
			fprintf(ctx->err, "note: events were lost (receive buffer "
				"overrun); list the nexuses to resynchronise\n");
			continue;
		}
		if (err == -EINTR)
			continue;
		if (err)
			return cli_nexus_error(ctx, err, NULL);
		err = render_event(ctx->out, ctx->format, &event);
		nexus_event_free(&event);
		if (cli_output_done(ctx, err))	/* flushes: one line, live */
			return 1;
	}
}

static int events_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_args args;
	int err;

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 0, 0, "") || cli_connect(ctx))
		return 1;
	err = nexus_subscribe(ctx->h);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	return follow(ctx);
}

static const struct cli_command events_command = {
	"events", events_cmd, "[-o json]",
	"Print every nexus event as it happens, one line each",
	"Runs until interrupted.  Text lines look like\n"
	"  SEQ EVENT NEXUS [state=S] [child=PATH child_state=S reason=R rebuild=P%]\n"
	"With -o json each line is one JSON object: seq, event, nexus, uuid,\n"
	"state and child (see docs/cli.md).  Output is flushed after every\n"
	"line, so it can be piped.\n",
};

const struct cli_object cli_events_object = {
	.name = "events",
	.summary = "follow nexus events live",
	.only = &events_command,
};
