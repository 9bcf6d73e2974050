// SPDX-License-Identifier: Apache-2.0
/*
 * child online NAME CHILD: the glue between the command line and
 * child_return.h, which finds the member CHILD is (a remote child
 * reconnected first, recognised by the member UUID in its label) and asks
 * the kernel to bring it back copying only what it missed.  The kernel
 * call and its record happen under the state file's lock, so that
 * mayastor-agent's reconnects never interleave with it.
 */
#include "agent_record.h"
#include "child_return.h"
#include "cli.h"

struct online {
	struct nexus_handle *h;
	const char *name;
	const struct child_return_dev *dev;
	struct child_return_done done;
	char why[1024];
};

static int online_op(const struct agent_state *s, void *arg)
{
	struct online *o = arg;

	(void)s;
	return child_return_apply(o->h, o->name, o->dev, NULL, &o->done, o->why,
				  sizeof(o->why));
}

int cli_child_online(struct cli_ctx *ctx, const char *name, const char *child)
{
	struct child_return_dev dev;
	struct online o = { .name = name, .dev = &dev };
	struct record_change ch = { .op = online_op, .arg = &o };
	char why[1024];
	int rc;

	if (child_return_find(ctx->resolvers, child, &dev, why, sizeof(why)))
		return cli_error(ctx, "%s", why);
	if (dev.t.loop.fd >= 0 && !dev.t.loop.direct_io)
		fprintf(ctx->err, "note: %s: filesystem has no direct IO; "
			"using buffered IO\n", child);
	if (cli_connect(ctx)) {
		child_return_release(&dev);
		return 1;
	}
	o.h = ctx->h;
	cli_record_change(ctx, name, &ch);
	rc = ch.op_rc ? cli_error(ctx, "%s", o.why) :
			cli_report(ctx, "onlined", name, child, dev.t.path);
	/* The nexus holds the device now, or what was connected for it goes. */
	child_return_release(&dev);
	return rc;
}
