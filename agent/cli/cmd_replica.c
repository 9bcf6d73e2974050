/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client replica create|list|destroy|resize|share|unshare */
#include <errno.h>
#include <string.h>

#include <libnexus.h>

#include "cli.h"
#include "pool.h"
#include "pool_output.h"
#include "replica.h"
#include "size.h"

#define ERR_MAX 1024

static int check_replica_name(struct cli_ctx *ctx, const char *name)
{
	if (replica_name_valid(name))
		return 0;
	return cli_usage_error(ctx, "invalid name '%s' (1-31 characters of "
			       "A-Z a-z 0-9 . _ -, not starting with - or mayastor_)",
			       name);
}

int cli_find_replica(struct cli_ctx *ctx, char **pos, int n, bool snapshot,
		     struct replica_info *out)
{
	char spec[LVM_NAME_MAX * 2 + 2], err[ERR_MAX];
	const char *pool = NULL, *name = pos[0];
	char *slash;

	snprintf(spec, sizeof(spec), "%s", pos[0]);
	slash = strchr(spec, '/');
	if (n == 2) {
		pool = pos[0];
		name = pos[1];
	} else if (slash) {
		*slash = '\0';
		pool = spec;
		name = slash + 1;
	}
	if ((pool && cli_check_pool(ctx, pool)) || check_replica_name(ctx, name))
		return 1;
	cli_what_add(ctx, n == 2 ? name : pos[0]);
	if (replica_find(pool, name, snapshot, out, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return 0;
}

/* ---- create ------------------------------------------------------------------ */

int cli_parse_size(struct cli_ctx *ctx, const char *text, uint64_t *size)
{
	const char *why;

	if (!text)
		return cli_usage_error(ctx, "missing --size");
	why = size_parse(text, size);
	if (why)
		return cli_usage_error(ctx, "invalid --size '%s': %s", text, why);
	if (*size % 512)
		return cli_usage_error(ctx, "invalid --size '%s': not a multiple of "
				       "512 bytes", text);
	return 0;
}

static int parse_create(struct cli_ctx *ctx, int argc, char **argv,
			struct replica_create_req *req)
{
	const char *size = NULL, *uuid = NULL, *nexus = NULL;
	struct nexus_uuid parsed;
	const struct cli_option opts[] = {
		{ .name = "size", .value = &size },
		{ .name = "thin", .flag = &req->thin },
		{ .name = "uuid", .value = &uuid },
		{ .name = "nexus", .value = &nexus },
		{ 0 },
	};
	struct cli_args args;

	if (cli_parse(ctx, argc, argv, opts, &args) ||
	    cli_expect(ctx, &args, 2, 2, args.n_pos ? "NAME" : "POOL and NAME") ||
	    cli_check_pool(ctx, args.pos[0]) || check_replica_name(ctx, args.pos[1]))
		return 1;
	cli_what_add(ctx, args.pos[1]);
	if (cli_parse_size(ctx, size, &req->size))
		return 1;
	if (uuid && nexus_uuid_parse(uuid, &parsed))
		return cli_usage_error(ctx, "invalid --uuid '%s': expected the "
				       "36-character form, like "
				       "123e4567-e89b-12d3-a456-426614174000", uuid);
	if (nexus && cli_check_name(ctx, nexus))
		return 1;
	req->pool = args.pos[0];
	req->name = args.pos[1];
	req->uuid = uuid;
	req->nexus = nexus;
	return 0;
}

static int replica_create_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_create_req req = { 0 };
	struct replica_info r;
	char err[ERR_MAX];

	if (parse_create(ctx, argc, argv, &req))
		return 1;
	if (replica_create(&req, &r, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	if (ctx->format == OUTPUT_JSON)
		return cli_output_done(ctx, render_replica(ctx->out, OUTPUT_JSON, &r));
	return cli_storage_report(ctx, "created", "replica", r.pool, r.name);
}

/* ---- list, destroy, resize ------------------------------------------------------ */

static int replica_list_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_list l;
	struct cli_args args;
	char err[ERR_MAX];
	int rc;

	if (cli_parse(ctx, argc, argv, NULL, &args) || cli_expect(ctx, &args, 0, 1, "") ||
	    (args.n_pos && cli_check_pool(ctx, args.pos[0])))
		return 1;
	if (replica_list_get(args.n_pos ? args.pos[0] : NULL, false, &l, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	rc = render_replica_list(ctx->out, ctx->format, &l);
	replica_list_free(&l);
	return cli_output_done(ctx, rc);
}

static int replica_destroy_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_info r;
	struct cli_args args;
	char err[ERR_MAX];

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 1, 2, "NAME") ||
	    cli_find_replica(ctx, args.pos, args.n_pos, false, &r))
		return 1;
	if (replica_destroy(&r, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return cli_storage_report(ctx, "destroyed", "replica", r.pool, r.name);
}

static int replica_resize_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *size_text = NULL;
	const struct cli_option opts[] = { { .name = "size", .value = &size_text }, { 0 } };
	struct replica_info r;
	struct cli_args args;
	char err[ERR_MAX];
	uint64_t size;

	if (cli_parse(ctx, argc, argv, opts, &args) ||
	    cli_expect(ctx, &args, 1, 2, "NAME") ||
	    cli_parse_size(ctx, size_text, &size) ||
	    cli_find_replica(ctx, args.pos, args.n_pos, false, &r))
		return 1;
	if (replica_resize(&r, size, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	if (ctx->format == OUTPUT_JSON &&
	    replica_find(r.pool, r.name, false, &r, err, sizeof(err)) == 0)
		return cli_output_done(ctx, render_replica(ctx->out, OUTPUT_JSON, &r));
	return cli_storage_report(ctx, "resized", "replica", r.pool, r.name);
}

#define SIZE_HELP \
	"SIZE: a plain number is MiB (--size=10 is 10 MiB); suffixes K M G T or\n" \
	"KiB MiB GiB TiB are powers of 1024, B is bytes; a multiple of 512 bytes,\n" \
	"rounded up to whole MiB (the pool's extent size).\n"
#define REPLICA_ARG_HELP \
	"The replica is NAME, POOL/NAME or POOL NAME; a bare NAME that several\n" \
	"pools have is refused.\n"

static const struct cli_command replica_commands[] = {
	{ "create", replica_create_cmd,
	  "POOL NAME --size SIZE [--thin] [--uuid UUID] [--nexus NEXUS]",
	  "Make replica NAME in POOL: a thin LV (--thin) or a fully allocated one",
	  "A thick replica must fit in the pool's free space; a thin one may be\n"
	  "larger than the pool (overcommit).  Its UUID (random unless --uuid) and\n"
	  "owning nexus are kept in LV tags.\n\n" SIZE_HELP },
	{ "list", replica_list_cmd, "[POOL] [-o json]",
	  "List the replicas (of every pool, or of POOL)", "" },
	{ "destroy", replica_destroy_cmd, "[POOL] NAME",
	  "Remove a replica (unsharing it first)", REPLICA_ARG_HELP },
	{ "resize", replica_resize_cmd, "[POOL] NAME --size SIZE",
	  "Grow a replica, online (it never shrinks)", REPLICA_ARG_HELP SIZE_HELP },
	{ "share", cli_replica_share_cmd,
	  "[POOL] NAME nvmf (--host HOSTNQN... | --allow-any-host) [--address IP] [--port PORT]",
	  "Export a replica over NVMe-oF/TCP (kernel nvmet) and print its URI",
	  "Prints nvmf://IP:PORT/NQN, the child URI a nexus on another node uses.\n"
	  "NQN is nqn.2019-05.io.openebs:UUID.  --host (repeatable, or comma-\n"
	  "separated) names the hosts allowed to connect; only --allow-any-host\n"
	  "opens it to everyone.  --address defaults to the first non-loopback IPv4\n"
	  "address (else 127.0.0.1), --port to 4420.  All subsystems on one\n"
	  "address:port share one nvmet port.\n\n" REPLICA_ARG_HELP },
	{ "unshare", cli_replica_unshare_cmd, "[POOL] NAME",
	  "Stop exporting a replica", REPLICA_ARG_HELP },
	{ 0 },
};

const struct cli_object cli_replica_object = {
	.name = "replica",
	.summary = "replicas: volumes of a pool, thin or thick, shared over NVMe-oF",
	.commands = replica_commands,
};
