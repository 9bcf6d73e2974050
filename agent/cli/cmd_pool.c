/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client pool create|list|destroy|import: pools on LVM-thin. */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "pool.h"
#include "pool_output.h"
#include "replica.h"

#define ERR_MAX 1024

int cli_check_pool(struct cli_ctx *ctx, const char *name)
{
	if (pool_name_valid(name))
		return 0;
	return cli_usage_error(ctx, "invalid pool name '%s' (1-31 characters of "
			       "A-Z a-z 0-9 . _ -, not starting with -)", name);
}

int cli_storage_report(struct cli_ctx *ctx, const char *action, const char *kind,
		       const char *pool, const char *name)
{
	json_object *obj;
	int err;

	if (ctx->format != OUTPUT_JSON) {
		if (name)
			fprintf(ctx->out, "%s %s %s/%s\n", action, kind, pool, name);
		else
			fprintf(ctx->out, "%s %s %s\n", action, kind, pool);
		return cli_output_done(ctx, 0);
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "action", json_object_new_string(action));
	json_object_object_add(obj, "pool", json_object_new_string(pool));
	if (name)
		json_object_object_add(obj, kind, json_object_new_string(name));
	err = output_json(ctx->out, obj, false);
	json_object_put(obj);
	return cli_output_done(ctx, err);
}

/* Text: "created pool NAME"; JSON: the pool as `pool list` shows it. */
static int report_pool(struct cli_ctx *ctx, const char *action, const char *name)
{
	struct pool_list l;
	char err[ERR_MAX];
	int rc;

	if (ctx->format != OUTPUT_JSON)
		return cli_storage_report(ctx, action, "pool", name, NULL);
	rc = pool_list_get(name, &l, err, sizeof(err));
	if (rc)
		return cli_error(ctx, "%s", err);
	rc = l.count ? output_json(ctx->out, pool_to_json(&l.items[0]), false) : 0;
	pool_list_free(&l);
	return cli_output_done(ctx, rc);
}

static int pool_create_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	bool no_autoextend = false;
	const struct cli_option opts[] = {
		{ .name = "no-autoextend", .flag = &no_autoextend }, { 0 },
	};
	struct pool_create_req req = { 0 };
	struct cli_args args;
	char err[ERR_MAX];

	if (cli_parse(ctx, argc, argv, opts, &args) ||
	    cli_expect(ctx, &args, 1, -1, "NAME and DISK") ||
	    cli_check_pool(ctx, args.pos[0]))
		return 1;
	cli_what_add(ctx, args.pos[0]);
	if (cli_expect(ctx, &args, 2, POOL_MAX_DISKS + 1, "DISK"))
		return 1;
	for (int i = 1; i < args.n_pos; i++)
		if (cli_check_child(ctx, args.pos[i]))
			return 1;
	req.name = args.pos[0];
	req.disks = (const char *const *)args.pos + 1;
	req.n_disks = (size_t)args.n_pos - 1;
	req.autoextend = !no_autoextend;
	if (pool_create(&req, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	cli_record_pool(ctx, req.name);
	return report_pool(ctx, "created", req.name);
}

static int pool_list_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_args args;
	struct pool_list l;
	char err[ERR_MAX];
	int rc;

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 0, 1, "") ||
	    (args.n_pos && cli_check_pool(ctx, args.pos[0])))
		return 1;
	if (pool_list_get(args.n_pos ? args.pos[0] : NULL, &l, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	rc = render_pool_list(ctx->out, ctx->format, &l);
	pool_list_free(&l);
	return cli_output_done(ctx, rc);
}

static int pool_destroy_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	bool force = false;
	const struct cli_option opts[] = { { .name = "force", .flag = &force }, { 0 } };
	struct cli_args args;
	char err[ERR_MAX], ignored[ERR_MAX];

	if (cli_parse(ctx, argc, argv, opts, &args) ||
	    cli_expect(ctx, &args, 1, 1, "NAME") || cli_check_pool(ctx, args.pos[0]))
		return 1;
	cli_what_add(ctx, args.pos[0]);
	if (force && pool_check_ours(args.pos[0], err, sizeof(err)) == 0 &&
	    replica_unshare_pool(args.pos[0], err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	if (pool_destroy(args.pos[0], force, err, sizeof(err))) {
		/* Nothing was removed: share again what was shared (the tags say). */
		if (force)
			replica_reshare_pool(args.pos[0], ignored, sizeof(ignored));
		return cli_error(ctx, "%s", err);
	}
	cli_forget_pool(ctx, args.pos[0]);
	return cli_storage_report(ctx, "destroyed", "pool", args.pos[0], NULL);
}

static int pool_import_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_args args;
	char err[ERR_MAX];

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 1, POOL_MAX_DISKS + 1, "NAME") ||
	    cli_check_pool(ctx, args.pos[0]))
		return 1;
	cli_what_add(ctx, args.pos[0]);
	for (int i = 1; i < args.n_pos; i++)
		if (cli_check_child(ctx, args.pos[i]))
			return 1;
	if (pool_import(args.pos[0], (const char *const *)args.pos + 1,
			(size_t)args.n_pos - 1, err, sizeof(err)) ||
	    replica_reshare_pool(args.pos[0], err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	cli_record_pool(ctx, args.pos[0]);
	return report_pool(ctx, "imported", args.pos[0]);
}

#define DISK_HELP \
	"DISK is a block device path, a file (attached to a loop device), or a\n" \
	"URI: aio:///path/file.img[?blk_size=512|4096], file:///path,\n" \
	"bdev:///dev/NAME.  A disk in use (mounted, a PV of another VG, with a\n" \
	"file system signature) is refused by LVM, whose message is shown.\n"

static const struct cli_command pool_commands[] = {
	{ "create", pool_create_cmd, "NAME DISK... [--no-autoextend]",
	  "Make pool NAME on the disks: an LVM volume group with a thin pool",
	  "The VG is tagged mayastor_pool; other VGs are never touched.  Half of\n"
	  "the space starts as the thin pool (thin replicas), the rest is for thick\n"
	  "replicas; the thin pool grows into it when it is 70% full, unless\n"
	  "--no-autoextend.  If any step fails, everything done is undone.\n\n"
	  DISK_HELP },
	{ "list", pool_list_cmd, "[NAME] [-o json]",
	  "List the pools: state, capacity, use, thin pool data/metadata use, disks",
	  "" },
	{ "destroy", pool_destroy_cmd, "NAME [--force]",
	  "Remove pool NAME and free its disks",
	  "Refused while the pool has replicas or snapshots, unless --force (which\n"
	  "also unshares them).\n" },
	{ "import", pool_import_cmd, "NAME [DISK...]",
	  "Find pool NAME again after a reboot, activate it and share again what was shared",
	  "Disks that are files must be given (they are attached to loop devices\n"
	  "again); block devices are found by LVM.\n" },
	{ 0 },
};

const struct cli_object cli_pool_object = {
	.name = "pool",
	.summary = "pools of local storage (LVM thin pools)",
	.commands = pool_commands,
};
