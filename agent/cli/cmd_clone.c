/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client clone create|list: writable replicas made from a snapshot. */
#include <string.h>

#include "cli.h"
#include "pool_output.h"
#include "replica.h"

#define ERR_MAX 1024

static int clone_create_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_info snap, clone;
	struct cli_args args;
	char err[ERR_MAX];

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 2, 2, args.n_pos ? "NAME" : "SNAPSHOT and NAME"))
		return 1;
	if (!replica_name_valid(args.pos[1]))
		return cli_usage_error(ctx, "invalid clone name '%s' (1-31 characters "
				       "of A-Z a-z 0-9 . _ -)", args.pos[1]);
	if (cli_find_replica(ctx, args.pos, 1, true, &snap))
		return 1;
	if (clone_create(&snap, args.pos[1], &clone, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	if (ctx->format == OUTPUT_JSON)
		return cli_output_done(ctx, render_replica(ctx->out, OUTPUT_JSON, &clone));
	fprintf(ctx->out, "created clone %s/%s of snapshot %s\n", clone.pool, clone.name,
		snap.name);
	return cli_output_done(ctx, 0);
}

/* Clones are replicas with an origin: the replica list, filtered. */
static int clone_list_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_list l;
	struct cli_args args;
	char err[ERR_MAX];
	size_t n = 0;
	int rc;

	if (cli_parse(ctx, argc, argv, NULL, &args) || cli_expect(ctx, &args, 0, 1, "") ||
	    (args.n_pos && cli_check_pool(ctx, args.pos[0])))
		return 1;
	if (replica_list_get(args.n_pos ? args.pos[0] : NULL, false, &l, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	for (size_t i = 0; i < l.count; i++)
		if (l.items[i].origin[0])
			l.items[n++] = l.items[i];
	l.count = n;
	rc = render_replica_list(ctx->out, ctx->format, &l);
	replica_list_free(&l);
	return cli_output_done(ctx, rc);
}

static const struct cli_command clone_commands[] = {
	{ "create", clone_create_cmd, "SNAPSHOT NAME",
	  "Make a writable thin replica NAME from a snapshot (NAME or POOL/NAME)",
	  "The clone is a replica like any other (list, share, resize, destroy);\n"
	  "its blocks are shared with the snapshot until written.\n" },
	{ "list", clone_list_cmd, "[POOL] [-o json]",
	  "List the replicas that are clones (the replica table)", "" },
	{ 0 },
};

const struct cli_object cli_clone_object = {
	.name = "clone",
	.summary = "writable replicas made from snapshots",
	.commands = clone_commands,
};
