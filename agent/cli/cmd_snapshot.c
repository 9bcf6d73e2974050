/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-client snapshot create|list|destroy: read-only thin snapshots
 * of a replica, or of every ONLINE replica child of a nexus at once.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pool_output.h"
#include "replica.h"

#define ERR_MAX 1024

static int check_snapshot_name(struct cli_ctx *ctx, const char *name)
{
	if (replica_name_valid(name))
		return 0;
	return cli_usage_error(ctx, "invalid snapshot name '%s' (1-31 characters of "
			       "A-Z a-z 0-9 . _ -)", name);
}

static int print_snapshots(struct cli_ctx *ctx, const struct replica_list *l)
{
	if (ctx->format == OUTPUT_JSON)
		return cli_output_done(ctx, render_snapshot_list(ctx->out, OUTPUT_JSON, l));
	for (size_t i = 0; i < l->count; i++)
		fprintf(ctx->out, "created snapshot %s/%s of replica %s\n",
			l->items[i].pool, l->items[i].name, l->items[i].origin);
	return cli_output_done(ctx, 0);
}

/* ---- of a nexus ---------------------------------------------------------------- */

/* The local replica the kernel knows as child c, or NULL. */
static const struct replica_info *child_replica(const struct replica_list *all,
						const struct nexus_child_info *c)
{
	for (size_t i = 0; i < all->count; i++) {
		const struct replica_info *r = &all->items[i];

		if ((c->major_present && c->minor_present && r->major >= 0 &&
		     (uint32_t)r->major == c->major && (uint32_t)r->minor == c->minor) ||
		    strcmp(r->path, c->path) == 0)
			return r;
	}
	return NULL;
}

/* Undoes the snapshots taken so far. */
static void drop_snapshots(struct replica_list *done)
{
	char ignored[ERR_MAX];

	for (size_t i = 0; i < done->count; i++) {
		struct replica_info copy = done->items[i];

		copy.shared = false;
		replica_destroy(&copy, ignored, sizeof(ignored));
	}
	done->count = 0;
}

/*
 * Snapshots every ONLINE replica child, quiesced; name "NAME-REPLICA".  A
 * child in any other state lacks acknowledged writes (OFFLINE, FAULTED)
 * or holds old data where its copy has not reached (catching up): its
 * snapshot would look as good as the others and is not.
 */
static int snapshot_children(struct cli_ctx *ctx, const struct nexus_info *n,
			     const struct replica_list *all, const char *name,
			     struct replica_list *done)
{
	char err[ERR_MAX], snap[LVM_NAME_MAX * 2];

	for (size_t i = 0; i < n->n_children; i++) {
		const struct replica_info *r;

		if (n->children[i].state == NEXUS_CHILD_MISSING)
			continue;	/* no device to snapshot */
		r = child_replica(all, &n->children[i]);
		if (r && n->children[i].state != NEXUS_CHILD_ONLINE) {
			fprintf(ctx->err, "note: child %s is %s, not in sync: no snapshot\n",
				n->children[i].path,
				nexus_child_state_str(n->children[i].state));
			continue;
		}

		if (!r) {
			fprintf(ctx->err, "note: child %s is not a local replica: no snapshot\n",
				n->children[i].path);
			continue;
		}
		snprintf(snap, sizeof(snap), "%s-%s", name, r->name);
		if (!replica_name_valid(snap)) {
			drop_snapshots(done);
			return cli_error(ctx, "snapshot name %s is too long", snap);
		}
		if (snapshot_create(r, snap, &done->items[done->count], err, sizeof(err))) {
			drop_snapshots(done);
			return cli_error(ctx, "replica %s/%s: %s", r->pool, r->name, err);
		}
		done->count++;
	}
	if (!done->count)
		return cli_error(ctx, "nexus %s has no local replica child in sync", n->name);
	return 0;
}

static int nexus_snapshot(struct cli_ctx *ctx, const char *nexus, const char *name)
{
	struct replica_info done_items[NEXUS_MAX_CHILDREN];
	struct replica_list all, done = { done_items, 0 };
	struct nexus_info info;
	struct quiesce q;
	char err[ERR_MAX], dev[NEXUS_NAME_MAX + 8];
	int rc;

	if (cli_connect(ctx))
		return 1;
	rc = nexus_get(ctx->h, nexus, &info);
	if (rc)
		return cli_nexus_error(ctx, rc, NULL);
	rc = replica_list_get(NULL, false, &all, err, sizeof(err));
	if (rc) {
		nexus_info_free(&info);
		return cli_error(ctx, "%s", err);
	}
	snprintf(dev, sizeof(dev), "/dev/%s", nexus);
	rc = quiesce_start(dev, &q, err, sizeof(err));
	if (rc)
		rc = cli_error(ctx, "%s", err);
	else
		rc = snapshot_children(ctx, &info, &all, name, &done);
	quiesce_end(&q);	/* thawed whatever happened */
	if (!rc)
		rc = print_snapshots(ctx, &done);
	replica_list_free(&all);
	nexus_info_free(&info);
	return rc;
}

/* ---- commands --------------------------------------------------------------------- */

static int replica_snapshot(struct cli_ctx *ctx, const struct replica_info *r,
			    const char *name)
{
	struct replica_info s;
	struct replica_list one = { &s, 1 };
	char err[ERR_MAX];

	if (snapshot_create(r, name, &s, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return print_snapshots(ctx, &one);
}

static int snapshot_create_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_info r;
	struct cli_args args;
	char err[ERR_MAX], dev[NEXUS_NAME_MAX + 8];
	const char *src;
	int rc;

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 2, 2, args.n_pos ? "NAME" : "SOURCE and NAME") ||
	    check_snapshot_name(ctx, args.pos[1]))
		return 1;
	src = args.pos[0];
	if (strchr(src, '/'))	/* POOL/REPLICA */
		return cli_find_replica(ctx, args.pos, 1, false, &r) ? 1 :
		       replica_snapshot(ctx, &r, args.pos[1]);
	cli_what_add(ctx, src);
	if (!nexus_name_valid(src))
		return cli_usage_error(ctx, "invalid replica or nexus name '%s'", src);
	rc = replica_find(NULL, src, false, &r, err, sizeof(err));
	if (!rc)
		return replica_snapshot(ctx, &r, args.pos[1]);
	if (rc != -ENOENT)
		return cli_error(ctx, "%s", err);
	/* Not a replica: a nexus, if its device is there. */
	snprintf(dev, sizeof(dev), "/dev/%s", src);
	if (access(dev, F_OK) == 0)
		return nexus_snapshot(ctx, src, args.pos[1]);
	return cli_error(ctx, "no replica or nexus named %s", src);
}

static int snapshot_list_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_list l;
	struct cli_args args;
	char err[ERR_MAX];
	int rc;

	if (cli_parse(ctx, argc, argv, NULL, &args) || cli_expect(ctx, &args, 0, 1, "") ||
	    (args.n_pos && cli_check_pool(ctx, args.pos[0])))
		return 1;
	if (replica_list_get(args.n_pos ? args.pos[0] : NULL, true, &l, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	rc = render_snapshot_list(ctx->out, ctx->format, &l);
	replica_list_free(&l);
	return cli_output_done(ctx, rc);
}

static int snapshot_destroy_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_info s;
	struct cli_args args;
	char err[ERR_MAX];

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 1, 2, "NAME") ||
	    cli_find_replica(ctx, args.pos, args.n_pos, true, &s))
		return 1;
	if (replica_destroy(&s, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return cli_storage_report(ctx, "destroyed", "snapshot", s.pool, s.name);
}

static const struct cli_command snapshot_commands[] = {
	{ "create", snapshot_create_cmd, "SOURCE NAME",
	  "Take a read-only snapshot NAME of a thin replica, or of every replica child of a nexus",
	  "SOURCE is a replica (NAME or POOL/NAME) or a nexus.  For a nexus, its\n"
	  "file system is frozen (FIFREEZE) if it is mounted, else the device is\n"
	  "flushed; each local replica child that is ONLINE gets a snapshot\n"
	  "NAME-REPLICA (a child not in sync lacks acknowledged writes or holds old\n"
	  "regions: it is skipped, with a note); then the file system is thawed.\n"
	  "If one snapshot fails, the others are removed again.  Only thin\n"
	  "replicas have snapshots.\n" },
	{ "list", snapshot_list_cmd, "[POOL] [-o json]", "List the snapshots", "" },
	{ "destroy", snapshot_destroy_cmd, "[POOL] NAME",
	  "Remove a snapshot (its clones stay)", "" },
	{ 0 },
};

const struct cli_object cli_snapshot_object = {
	.name = "snapshot",
	.summary = "read-only thin snapshots of replicas and nexuses",
	.commands = snapshot_commands,
};
