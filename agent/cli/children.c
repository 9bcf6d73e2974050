/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the commands that name a nexus and a child. */
#include <errno.h>
#include <string.h>

#include "cli.h"

int cli_attach_child(struct cli_ctx *ctx, const char *text, struct child_target *t)
{
	char why[300];

	if (child_resolve(text, CHILD_ATTACH, ctx->resolvers, t, why, sizeof(why)))
		return cli_error(ctx, "child %s: %s", text, why);
	if (t->loop.fd >= 0 && !t->loop.direct_io)
		fprintf(ctx->err, "note: %s: filesystem has no direct IO; "
			"using buffered IO\n", text);
	return 0;
}

int cli_find_child(struct cli_ctx *ctx, const char *text, struct child_target *t)
{
	char why[300];

	if (child_resolve(text, CHILD_LOOKUP, ctx->resolvers, t, why, sizeof(why)))
		return cli_error(ctx, "child %s: %s", text, why);
	return 0;
}

int cli_parse_name(struct cli_ctx *ctx, int argc, char **argv,
		   const struct cli_option *opts, const char **name)
{
	struct cli_args args;

	if (cli_parse(ctx, argc, argv, opts, &args) ||
	    cli_expect(ctx, &args, 1, 1, "NAME") ||
	    cli_check_name(ctx, args.pos[0]))
		return 1;
	*name = args.pos[0];
	cli_what_add(ctx, *name);
	return 0;
}

int cli_parse_name_child(struct cli_ctx *ctx, int argc, char **argv,
			 const struct cli_option *opts, const char **name,
			 const char **child)
{
	struct cli_args args;

	if (cli_parse(ctx, argc, argv, opts, &args) ||
	    cli_expect(ctx, &args, 2, 2, args.n_pos ? "CHILD" : "NAME and CHILD") ||
	    cli_check_name(ctx, args.pos[0]))
		return 1;
	*name = args.pos[0];
	cli_what_add(ctx, *name);
	*child = args.pos[1];
	return cli_check_child(ctx, *child);
}

static int report_json(struct cli_ctx *ctx, const char *action, const char *name,
		       const char *child, const char *path)
{
	json_object *obj = json_object_new_object();
	int err;

	json_object_object_add(obj, "action", json_object_new_string(action));
	json_object_object_add(obj, "nexus", json_object_new_string(name));
	json_object_object_add(obj, "child", child ? json_object_new_string(child) : NULL);
	json_object_object_add(obj, "path", path ? json_object_new_string(path) : NULL);
	err = output_json(ctx->out, obj, false);
	json_object_put(obj);
	return err;
}

int cli_report(struct cli_ctx *ctx, const char *action, const char *name,
	       const char *child, const char *path)
{
	char label[600];

	if (ctx->format == OUTPUT_JSON)
		return cli_output_done(ctx, report_json(ctx, action, name, child, path));
	if (child)
		fprintf(ctx->out, "%s child %s of nexus %s\n", action,
			child_label(child, path, label, sizeof(label)), name);
	else
		fprintf(ctx->out, "%s nexus %s\n", action, name);
	return cli_output_done(ctx, 0);
}

int cli_run_child_op(struct cli_ctx *ctx, int argc, char **argv,
		     cli_child_op_fn op, const char *action)
{
	const char *name, *child;

	if (cli_parse_name_child(ctx, argc, argv, NULL, &name, &child))
		return 1;
	return cli_child_op(ctx, name, child, op, action);
}

int cli_child_op(struct cli_ctx *ctx, const char *name, const char *child,
		 cli_child_op_fn op, const char *action)
{
	struct child_target t;
	char label[600];
	int err;

	if (cli_find_child(ctx, child, &t) || cli_connect(ctx))
		return 1;
	err = op(ctx->h, name, t.path);
	if (err)
		return cli_nexus_error(ctx, err,
				       child_label(child, t.path, label, sizeof(label)));
	return cli_report(ctx, action, name, child, t.path);
}
