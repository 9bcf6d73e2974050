/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-client nexus publish|unpublish: serving a nexus to a micro-VM
 * over vhost-user (one mayastor-vhost process per nexus, publish.h).
 */
#include <errno.h>
#include <string.h>

#include "agent_record.h"
#include "cli.h"
#include "publish.h"
#include "size.h"

#define ERR_MAX 2048

struct publish_args {
	const char *name;
	const char *socket;
	const char *queues;
	bool read_only;
	struct state_share share;
};

static int need_state_file(struct cli_ctx *ctx)
{
	if (ctx->state_file)
		return 0;
	return cli_error(ctx, "no state file to record the publication in");
}

/* Everything the user typed, checked before anything is asked of anyone. */
static int parse_publish(struct cli_ctx *ctx, int argc, char **argv,
			 struct publish_args *a)
{
	const struct cli_option opts[] = {
		{ .name = "socket", .value = &a->socket },
		{ .name = "queues", .value = &a->queues },
		{ .name = "read-only", .flag = &a->read_only },
		{ 0 },
	};
	struct cli_args args;

	if (cli_parse(ctx, argc, argv, opts, &args) ||
	    cli_expect(ctx, &args, 1, -1, "NAME and PROTOCOL (vhost-user)") ||
	    cli_check_name(ctx, args.pos[0]))
		return 1;
	a->name = args.pos[0];
	cli_what_add(ctx, a->name);
	if (cli_expect(ctx, &args, 2, 2, "PROTOCOL (vhost-user)"))
		return 1;
	if (share_protocol_check(args.pos[1]))
		return cli_usage_error(ctx, "unknown share protocol '%s' (supported: "
				       SHARE_PROTOCOL_VHOST ")", args.pos[1]);
	snprintf(a->share.protocol, sizeof(a->share.protocol), "%s", args.pos[1]);
	return 0;
}

static int fill_share(struct cli_ctx *ctx, struct publish_args *a)
{
	struct state_share *sh = &a->share;
	const char *why;

	sh->queues = 1;
	if (a->queues && (u32_parse(a->queues, &sh->queues) || sh->queues < 1 ||
			  sh->queues > SHARE_QUEUES_MAX))
		return cli_usage_error(ctx, "invalid --queues '%s': 1 to %d", a->queues,
				       SHARE_QUEUES_MAX);
	if (!a->socket) {
		if (share_default_socket(a->name, sh->socket, sizeof(sh->socket)))
			return cli_error(ctx, "the default socket path is too long "
					 "(MAYASTOR_RUN_DIR); give --socket");
	} else if ((why = share_socket_check(a->socket)) != NULL) {
		return cli_usage_error(ctx, "invalid --socket '%s': %s", a->socket, why);
	} else {
		snprintf(sh->socket, sizeof(sh->socket), "%s", a->socket);
	}
	sh->read_only = a->read_only;
	return 0;
}

static int report_published(struct cli_ctx *ctx, const char *name,
			    const struct state_share *sh)
{
	json_object *obj;
	int err;

	if (ctx->format != OUTPUT_JSON) {
		fprintf(ctx->out, "published nexus %s over %s at %s (pid %d)\n", name,
			sh->protocol, sh->socket, (int)sh->pid);
		return cli_output_done(ctx, 0);
	}
	obj = share_to_json(sh, true);
	json_object_object_add(obj, "nexus", json_object_new_string(name));
	err = output_json(ctx->out, obj, false);
	json_object_put(obj);
	return cli_output_done(ctx, err);
}

static int nexus_exists(struct cli_ctx *ctx, const char *name)
{
	struct nexus_info info;
	int err = nexus_get(ctx->h, name, &info);

	if (err)
		return cli_nexus_error(ctx, err, NULL);
	nexus_info_free(&info);
	return 0;
}

int cli_nexus_publish_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct publish_args a = { 0 };
	struct state_share done;
	char err[ERR_MAX];

	if (parse_publish(ctx, argc, argv, &a) || fill_share(ctx, &a) ||
	    need_state_file(ctx) || cli_connect(ctx) || nexus_exists(ctx, a.name))
		return 1;
	/* The server is started for what the state file says of the nexus. */
	if (record_nexus(ctx->h, ctx->state_file, a.name, err, sizeof(err)))
		return cli_error(ctx, "cannot record the nexus in %s: %s",
				 ctx->state_file, err);
	if (publish_nexus(ctx->state_file, a.name, &a.share, &done, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return report_published(ctx, a.name, &done);
}

int cli_nexus_unpublish_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *name;
	char err[ERR_MAX];

	if (cli_parse_name(ctx, argc, argv, NULL, &name) || need_state_file(ctx))
		return 1;
	if (unpublish_nexus(ctx->state_file, name, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return cli_report(ctx, "unpublished", name, NULL, NULL);
}

int cli_unpublish_for_destroy(struct cli_ctx *ctx, const char *name, bool force)
{
	char err[ERR_MAX + 100];
	bool unpublished;

	if (nexus_unpublish_for_destroy(ctx->state_file, name, force, &unpublished,
					err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	if (unpublished && ctx->format != OUTPUT_JSON)
		fprintf(ctx->out, "unpublished nexus %s\n", name);
	return 0;
}

void cli_load_shares(struct cli_ctx *ctx, struct agent_state *s)
{
	char err[ERR_MAX];

	/* A state file that cannot be read shows no shares; nothing fails. */
	if (!ctx->state_file || agent_state_load(ctx->state_file, s, err, sizeof(err)))
		memset(s, 0, sizeof(*s));
}
