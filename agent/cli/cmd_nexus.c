/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client nexus ...: create, destroy, inspect and change nexuses. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "agent_record.h"
#include "agent_state.h"
#include "cli.h"
#include "size.h"

/* ---- create --------------------------------------------------------- */

struct create_args {
	const char *name;
	char **children;
	int n_children;
	const char *size;
	const char *uuid;
	bool no_bitmap;
	bool force;
};

/* The children's text: a usage error when wrong. */
static int check_children(struct cli_ctx *ctx, char **children, int n)
{
	char why[8192];

	if (nexus_children_check((const char *const *)children, n, why, sizeof(why)))
		return cli_usage_error(ctx, "%s", why);
	return 0;
}

/* The same file or device under two spellings (nexus_children_distinct()). */
static int check_same_storage(struct cli_ctx *ctx, char **children, int n)
{
	char why[16384];

	if (nexus_children_distinct((const char *const *)children, n, why, sizeof(why)))
		return cli_error(ctx, "%s", why);
	return 0;
}

/* Everything but the children's paths, which need resolving first. */
static int fill_request(struct cli_ctx *ctx, const struct create_args *a,
			struct nexus_create_req *req)
{
	const char *why;

	nexus_create_req_init(req, a->name);	/* name checked already */
	if (a->size) {
		why = size_parse(a->size, &req->size);
		if (why)
			return cli_usage_error(ctx, "invalid --size '%s': %s", a->size, why);
		req->size_present = true;
	}
	if (a->uuid) {
		if (nexus_uuid_parse(a->uuid, &req->uuid))
			return cli_usage_error(ctx, "invalid --uuid '%s': expected the "
					       "36-character form, like "
					       "123e4567-e89b-12d3-a456-426614174000",
					       a->uuid);
		req->uuid_present = true;
	}
	req->flags = (a->no_bitmap ? NEXUS_F_NOBITMAP : 0) |
		     (a->force ? NEXUS_F_FORCE : 0);
	return 0;
}

static int parse_create(struct cli_ctx *ctx, int argc, char **argv,
			struct cli_args *args, struct create_args *a)
{
	const struct cli_option opts[] = {
		{ .name = "size", .value = &a->size },
		{ .name = "uuid", .value = &a->uuid },
		{ .name = "no-bitmap", .flag = &a->no_bitmap },
		{ .name = "force", .flag = &a->force },
		{ 0 },
	};

	if (cli_parse(ctx, argc, argv, opts, args) ||
	    cli_expect(ctx, args, 1, -1, "NAME and CHILD") ||
	    cli_check_name(ctx, args->pos[0]))
		return 1;
	a->name = args->pos[0];
	cli_what_add(ctx, a->name);
	if (cli_expect(ctx, args, 2, -1, "CHILD (a nexus needs at least one)"))
		return 1;
	a->children = args->pos + 1;
	a->n_children = args->n_pos - 1;
	return check_children(ctx, a->children, a->n_children);
}

static int report_created(struct cli_ctx *ctx, const struct create_args *a,
			  const struct child_target *t)
{
	char label[600];

	if (ctx->format == OUTPUT_JSON) {
		struct nexus_info info;
		int err = nexus_get(ctx->h, a->name, &info);

		if (err)
			return cli_report(ctx, "created", a->name, NULL, NULL);
		err = render_nexus_show(ctx->out, OUTPUT_JSON, &info, NULL);
		nexus_info_free(&info);
		return cli_output_done(ctx, err);
	}
	for (int i = 0; i < a->n_children; i++)
		if (t[i].via_loop)
			fprintf(ctx->out, "attached %s\n",
				child_label(a->children[i], t[i].path, label,
					    sizeof(label)));
	fprintf(ctx->out, "created nexus %s (/dev/%s)\n", a->name, a->name);
	return cli_output_done(ctx, 0);
}

static int record_and_report(struct cli_ctx *ctx, const struct create_args *a,
			     const struct child_target *t)
{
	cli_record_nexus(ctx, a->name);
	return report_created(ctx, a, t);
}

/*
 * Attaches every child and asks the kernel (nexus_create_children()); the
 * notes on files without direct IO come first, then the one error line.
 */
static int create_with_children(struct cli_ctx *ctx, const struct create_args *a,
				struct nexus_create_req *req)
{
	struct child_target t[NEXUS_MAX_CHILDREN];
	char why[8192];
	int n = 0, err;

	err = nexus_create_children(ctx->h, ctx->resolvers, req,
				    (const char *const *)a->children, a->n_children,
				    t, &n, why, sizeof(why));
	for (int i = 0; i < n; i++)
		if (t[i].via_loop && !t[i].loop.direct_io)
			fprintf(ctx->err, "note: %s: filesystem has no direct IO; "
				"using buffered IO\n", a->children[i]);
	if (err)
		return cli_error(ctx, "%s", why);
	return record_and_report(ctx, a, t);
}

static int nexus_create_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct create_args a = { 0 };
	struct nexus_create_req req = { 0 };
	struct cli_args args;
	int rc;

	rc = parse_create(ctx, argc, argv, &args, &a);
	if (!rc)
		rc = check_same_storage(ctx, a.children, a.n_children);
	if (!rc)
		rc = fill_request(ctx, &a, &req);
	if (!rc)
		rc = cli_connect(ctx);
	if (!rc)
		rc = create_with_children(ctx, &a, &req);
	nexus_create_req_free(&req);
	return rc;
}

/* ---- destroy -------------------------------------------------------- */

static int nexus_destroy_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	bool force = false;
	const struct cli_option opts[] = { { .name = "force", .flag = &force }, { 0 } };
	const char *name;
	int err;

	if (cli_parse_name(ctx, argc, argv, opts, &name) ||
	    cli_unpublish_for_destroy(ctx, name, force) || cli_connect(ctx))
		return 1;
	err = nexus_destroy_release(ctx->h, name, force ? NEXUS_F_FORCE : 0);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	cli_forget_nexus(ctx, name);
	return cli_report(ctx, "destroyed", name, NULL, NULL);
}

/* ---- list, children, show ------------------------------------------- */

static int nexus_list_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nexus_list list;
	struct agent_state shares;
	struct cli_args args;
	int err;

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 0, 0, "") || cli_connect(ctx))
		return 1;
	err = nexus_list(ctx->h, &list);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	cli_load_shares(ctx, &shares);
	err = render_nexus_list(ctx->out, ctx->format, &list, &shares);
	agent_state_free(&shares);
	nexus_list_free(&list);
	return cli_output_done(ctx, err);
}

typedef int (*nexus_render_fn)(struct cli_ctx *ctx,
			       const struct nexus_info *nexus);

static int get_and_render(struct cli_ctx *ctx, int argc, char **argv,
			  nexus_render_fn render)
{
	struct nexus_info info;
	const char *name;
	int err;

	if (cli_parse_name(ctx, argc, argv, NULL, &name) || cli_connect(ctx))
		return 1;
	err = nexus_get(ctx->h, name, &info);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	err = render(ctx, &info);
	nexus_info_free(&info);
	return cli_output_done(ctx, err);
}

static int render_children(struct cli_ctx *ctx, const struct nexus_info *nexus)
{
	return render_nexus_children(ctx->out, ctx->format, nexus);
}

static int nexus_children_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return get_and_render(ctx, argc, argv, render_children);
}

/* With the nexus's share, from the state file. */
static int render_show(struct cli_ctx *ctx, const struct nexus_info *nexus)
{
	struct agent_state shares;
	int err;

	cli_load_shares(ctx, &shares);
	err = render_nexus_show(ctx->out, ctx->format, nexus, &shares);
	agent_state_free(&shares);
	return err;
}

static int nexus_show_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return get_and_render(ctx, argc, argv, render_show);
}

/* ---- add, remove ---------------------------------------------------- */

static int nexus_add_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	bool norebuild = false, force = false;
	const struct cli_option opts[] = {
		{ .name = "norebuild", .flag = &norebuild },
		{ .name = "force", .flag = &force },
		{ 0 },
	};
	struct child_target t;
	const char *name, *child;
	char label[600];
	int err, rc;

	if (cli_parse_name_child(ctx, argc, argv, opts, &name, &child) ||
	    cli_connect(ctx) || cli_attach_child(ctx, child, &t))
		return 1;
	err = nexus_child_add(ctx->h, name, t.path,
			      (norebuild ? NEXUS_F_NOREBUILD : 0) |
			      (force ? NEXUS_F_FORCE : 0));
	if (err) {
		rc = cli_nexus_error(ctx, err, child_label(child, t.path, label,
							   sizeof(label)));
	} else {
		cli_record_nexus(ctx, name);
		rc = cli_report(ctx, "added", name, child, t.path);
	}
	child_target_release(&t);
	return rc;
}

/* Forgets one missing member and says so. */
static int forget_one(struct cli_ctx *ctx, const char *name,
		      const struct nexus_uuid *uuid)
{
	char text[NEXUS_UUID_STRLEN + 1];
	int err = nexus_forget_missing(ctx->h, name, uuid);

	if (err)
		return cli_nexus_error(ctx, err, NULL);
	nexus_uuid_format(uuid, text);
	if (ctx->format == OUTPUT_JSON)
		return cli_report(ctx, "forgot", name, text, NULL);
	fprintf(ctx->out, "forgot missing member %s of nexus %s\n", text, name);
	return 0;
}

/* Forgets one missing member, or (uuid NULL) every one; the exit status. */
static int forget_members(struct cli_ctx *ctx, const char *name,
			  const struct nexus_uuid *uuid)
{
	struct nexus_info info;
	int rc = 0, forgot = 0, err;

	if (uuid)
		return forget_one(ctx, name, uuid);
	err = nexus_get(ctx->h, name, &info);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	for (size_t i = 0; !rc && i < info.n_children; i++) {
		if (info.children[i].state != NEXUS_CHILD_MISSING)
			continue;
		rc = forget_one(ctx, name, &info.children[i].uuid);
		forgot++;
	}
	nexus_info_free(&info);
	if (!forgot)
		return cli_error(ctx, "nexus %s has no missing member", name);
	return rc;
}

/* A removal, done under the state file's lock (cli_record_change()). */
struct removal {
	struct cli_ctx *ctx;
	const char *name;
	const struct nexus_uuid *uuid;	/* forget: this member, NULL: all */
	const char *child, *path;	/* remove: the child and its device */
	uint32_t flags;
	int rc;				/* exit status */
};

/*
 * Under the lock, so that mayastor-agent, which reconnects lost members,
 * cannot bring back one between our look and the kernel's answer.
 */
static int removal_op(const struct agent_state *s, void *arg)
{
	struct removal *r = arg;
	char label[600];
	int err;

	(void)s;
	if (!r->path) {
		r->rc = forget_members(r->ctx, r->name, r->uuid);
		return r->rc ? -EINVAL : 0;
	}
	err = nexus_child_remove(r->ctx->h, r->name, r->path, r->flags);
	/* Reported now: the record that follows asks the kernel again. */
	if (err)
		r->rc = cli_nexus_error(r->ctx, err, child_label(r->child, r->path,
								 label, sizeof(label)));
	return err;
}

static int forget_missing(struct cli_ctx *ctx, const char *name,
			  const struct nexus_uuid *uuid)
{
	struct removal r = { .ctx = ctx, .name = name, .uuid = uuid };
	struct record_change ch = { .op = removal_op, .arg = &r };

	cli_record_change(ctx, name, &ch);
	return r.rc ? r.rc : cli_output_done(ctx, 0);
}

/* "missing", or a member UUID that names no file here. */
static bool names_missing_member(const char *child, struct nexus_uuid *uuid,
				 bool *all)
{
	*all = strcmp(child, "missing") == 0;
	if (*all)
		return true;
	return nexus_uuid_parse(child, uuid) == 0 && access(child, F_OK) != 0;
}

/*
 * The child to remove: as resolved, or, when its device is gone (a remote
 * child whose controller was given up, a removed disk), the kernel's child
 * of that very path.
 */
static int find_child_or_gone(struct cli_ctx *ctx, const char *name,
			      const char *child, struct child_target *t)
{
	struct nexus_info info;
	char why[300];
	bool gone = false;

	if (!child_resolve(child, CHILD_LOOKUP, ctx->resolvers, t, why, sizeof(why)))
		return cli_connect(ctx);
	if (strncmp(child, "/dev/", 5) == 0 && access(child, F_OK) != 0) {
		if (cli_connect(ctx))
			return 1;
	}
	if (ctx->h && nexus_get(ctx->h, name, &info) == 0) {
		gone = nexus_info_find_child(&info, child) != NULL;
		nexus_info_free(&info);
	}
	if (!gone)
		return cli_error(ctx, "child %s: %s", child, why);
	memset(t, 0, sizeof(*t));
	t->loop.fd = -1;
	snprintf(t->path, sizeof(t->path), "%s", child);
	return 0;
}

static int nexus_remove_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	bool force = false, all;
	const struct cli_option opts[] = { { .name = "force", .flag = &force }, { 0 } };
	struct nexus_uuid uuid;
	struct child_target t;
	const char *name, *child;
	struct removal r;
	struct record_change ch = { .op = removal_op, .arg = &r };

	if (cli_parse_name_child(ctx, argc, argv, opts, &name, &child))
		return 1;
	if (names_missing_member(child, &uuid, &all))
		return cli_connect(ctx) ? 1 : forget_missing(ctx, name, all ? NULL : &uuid);
	if (find_child_or_gone(ctx, name, child, &t))
		return 1;
	r = (struct removal){ .ctx = ctx, .name = name, .child = child,
			      .path = t.path, .flags = force ? NEXUS_F_FORCE : 0 };
	cli_record_change(ctx, name, &ch);
	if (r.rc)
		return r.rc;
	child_release_remote(t.path);
	return cli_report(ctx, "removed", name, child, t.path);
}

/* ---- set ------------------------------------------------------------ */

static int nexus_set_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *rate = NULL;
	const struct cli_option opts[] = { { .name = "rebuild-rate", .value = &rate }, { 0 } };
	struct nexus_set_req req = { 0 };
	const char *name, *why;
	int err;

	if (cli_parse_name(ctx, argc, argv, opts, &name))
		return 1;
	if (!rate)
		return cli_usage_error(ctx, "nothing to set (give --rebuild-rate MiB/s)");
	why = u32_parse(rate, &req.rebuild_rate);
	if (why)
		return cli_usage_error(ctx, "invalid --rebuild-rate '%s': %s", rate, why);
	req.rebuild_rate_present = true;
	if (cli_connect(ctx))
		return 1;
	err = nexus_set(ctx->h, name, &req);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	return cli_report(ctx, "changed", name, NULL, NULL);
}

/* ---- the table ------------------------------------------------------ */

#define PUBLISH_HELP \
	"Starts a mayastor-vhost server (one process per published nexus, so\n" \
	"a crash or a hostile guest affects this volume only) that serves\n" \
	"/dev/NAME as a vhost-user-blk device on a unix socket, for QEMU\n" \
	"(vhost-user-blk-pci), Firecracker or Cloud Hypervisor to connect to.\n" \
	"The server is started detached (a new session; its stderr is appended\n" \
	"to $MAYASTOR_RUN_DIR/vhost/NAME.log, default /run/mayastor/vhost), and\n" \
	"the command returns once its socket exists.  The publication and the\n" \
	"server's pid are recorded in the state file ($MAYASTOR_STATE_FILE or\n" \
	"/var/lib/mayastor/agent.json): mayastor-agent, when it runs, restarts\n" \
	"a server that died (after 0, 1, 2, 4 ... 60 s) and publishes the nexus\n" \
	"again after a reboot, once the nexus is assembled.  Without the agent\n" \
	"nothing restarts a server that died.  See docs/vhost-user.md.\n\n" \
	"Options:\n" \
	"  --socket PATH   the socket (absolute, at most 107 bytes); default\n" \
	"                  /run/mayastor/vhost/NAME.sock.  It must not exist; its\n" \
	"                  directory is created if needed.\n" \
	"  --queues N      virtqueues offered, 1 to 16 (default 1).  QEMU's\n" \
	"                  num-queues must not be more than N.\n" \
	"  --read-only     the guest may only read (VIRTIO_BLK_F_RO).\n\n" \
	"Output: 'published nexus NAME over vhost-user at SOCKET (pid PID)'; with\n" \
	"-o json the share object and 'nexus'.\n\n" \
	"Errors (nothing is changed): an unknown nexus; 'nexus NAME is already\n" \
	"published (vhost-user at SOCKET)'; 'socket PATH exists'; 'cannot create\n" \
	"the socket's directory DIR: WHY'; 'mayastor-vhost exited: WHY' (the\n" \
	"server's own last line).  'nexus destroy' refuses a published nexus\n" \
	"unless --force, which unpublishes it first.\n"

static const struct cli_command nexus_commands[] = {
	{ "create", nexus_create_cmd,
	  "NAME [--size SIZE] [--uuid UUID] [--no-bitmap] [--force] CHILD...",
	  "Create nexus NAME mirroring its writes to every CHILD",
	  "The block device appears as /dev/NAME.  NAME is 1-31 characters of\n"
	  "A-Z a-z 0-9 . _ -, starting with a letter or digit.\n\n"
	  "Options:\n"
	  "  --size SIZE   size of the nexus; default: what the smallest child\n"
	  "                holds after its metadata.  A plain number is MiB\n"
	  "                (--size 10 is 10 MiB); suffixes K M G T or KiB MiB GiB\n"
	  "                TiB are powers of 1024, B is bytes.\n"
	  "  --uuid UUID   identity of the nexus (36-character form); default:\n"
	  "                chosen by the kernel.\n"
	  "  --no-bitmap   keep no write-intent bitmap: faster small writes, but\n"
	  "                after a crash every region is resynced.\n"
	  "  --force       use children that carry the label of another nexus\n"
	  "                (their metadata is overwritten).\n\n"
	  "Every child gets a label at its end (see docs/on-disk-format.md), so\n"
	  "the nexus can be assembled again after a reboot.\n"
	  "Files are attached to loop devices, which go away by themselves when\n"
	  "the nexus is destroyed or creation fails.\n\n" CLI_CHILD_HELP },
	{ "assemble", cli_nexus_assemble_cmd,
	  "NAME DEVICE... [--force] | --scan [NAME] [--force]",
	  "Bring nexus NAME back from the labels on its children",
	  "With NAME DEVICE...: the kernel reads the labels of every DEVICE\n"
	  "(block devices or image files), checks they belong to nexus NAME and\n"
	  "takes the newest as the truth.  A clean shutdown comes back ONLINE at\n"
	  "once; after a crash the dirty regions are resynced from the newest\n"
	  "child in the background while IO goes on.  Children that are behind\n"
	  "are rebuilt, missing ones leave it DEGRADED (add them back later with\n"
	  "'nexus add': only what changed is copied).\n\n"
	  "With --scan: reads the labels of every block device in\n"
	  "/sys/class/block, groups them by nexus and assembles each one (or\n"
	  "only NAME).  Nexuses that exist already are skipped.\n\n"
	  "Options:\n"
	  "  --scan    find the devices instead of naming them.\n"
	  "  --force   assemble despite a split brain (two children that each\n"
	  "            claim to be newest): the newer generation wins and the\n"
	  "            other child gets a full copy.\n" },
	{ "destroy", nexus_destroy_cmd, "NAME [--force]",
	  "Destroy nexus NAME, leaving the data on its children",
	  "The labels are marked clean: 'nexus assemble' brings it back at once.\n"
	  "While /dev/NAME is open, destroy waits up to 5 s for it to close (udev\n"
	  "probes a new device for a moment) and then fails.  A published nexus\n"
	  "(nexus publish) is refused: unpublish it first.\n\n"
	  "Options:\n"
	  "  --force   unpublish it first if it is published, and destroy even\n"
	  "            while /dev/NAME is open (its IO fails).\n" },
	{ "list", nexus_list_cmd, "[-o json]",
	  "List every nexus",
	  "Columns: NAME UUID SIZE STATE CHILDREN DEVICE GEN BITMAP SHARE.\n"
	  "SHARE is PROTOCOL:SOCKET for a published nexus (nexus publish), with\n"
	  "'(down)' after it while no server runs for it, else '-'.  With -o json:\n"
	  "an array of nexus objects (see docs/cli.md); 'share' is null or\n"
	  "{protocol, socket, queues, read_only, pid, running}.\n" },
	{ "children", nexus_children_cmd, "NAME [-o json]",
	  "List the children of nexus NAME",
	  "Columns: PATH STATE REASON SIZE READS WRITES ERRORS REBUILD%.  PATH\n"
	  "is the device the kernel opened (/dev/loopN for a file).\n" },
	{ "show", nexus_show_cmd, "NAME [-o json]",
	  "Show every property of nexus NAME and its children",
	  "The 'share' line says how the nexus is published (nexus publish):\n"
	  "protocol, socket, queues, read-only or read-write, and the pid of\n"
	  "its server, or 'not running'.\n" },
	{ "publish", cli_nexus_publish_cmd,
	  "NAME vhost-user [--socket PATH] [--queues N] [--read-only]",
	  "Serve nexus NAME to a virtual machine over vhost-user-blk",
	  PUBLISH_HELP },
	{ "unpublish", cli_nexus_unpublish_cmd, "NAME",
	  "Stop serving nexus NAME (nexus publish)",
	  "Stops the nexus's mayastor-vhost server (SIGTERM; SIGKILL after 5 s),\n"
	  "removes its socket and forgets the publication, so that neither\n"
	  "mayastor-agent nor a reboot brings it back.  A virtual machine still\n"
	  "connected loses the disk.\n\n"
	  "Errors: 'nexus NAME is not published'.\n" },
	{ "add", nexus_add_cmd, "NAME CHILD [--norebuild] [--force]",
	  "Add CHILD to nexus NAME and rebuild it from the healthy children",
	  "Options:\n"
	  "  --norebuild   add the child out of sync without starting a rebuild\n"
	  "                (start one later with 'rebuild start').\n"
	  "  --force       overwrite the label of another nexus on CHILD.\n\n"
	  "A former member of NAME (missing at assembly) takes its place back\n"
	  "and only the regions written meanwhile are copied.\n\n" CLI_CHILD_HELP },
	{ "remove", nexus_remove_cmd, "NAME CHILD|UUID|missing [--force]",
	  "Remove CHILD from nexus NAME, or forget a missing member",
	  "Options:\n"
	  "  --force   remove even the last healthy child.\n\n"
	  "A member missing at assembly (state 'missing' in 'nexus children')\n"
	  "keeps the nexus degraded until it returns.  If it never will, forget\n"
	  "it by its UUID (see 'nexus children -o json'), or every missing\n"
	  "member with the word 'missing'; its device is then refused at\n"
	  "assembly as a removed member.\n\n" CLI_CHILD_HELP },
	{ "check", cli_nexus_check_cmd, "NAME [--wait | --stop | --progress] [-o json]",
	  "Compare the children of nexus NAME in the background",
	  "Starts a check: every region of every ONLINE child is read and\n"
	  "compared with the first ONLINE child's; the regions that differ are\n"
	  "counted and listed (md's check and mismatch_cnt).  Nothing is written.\n\n"
	  "Options:\n"
	  "  -w, --wait   follow the check to its end (a progress line every 2 s\n"
	  "               on a terminal's stderr), then print the result.\n"
	  "  --stop       stop the running check (or repair).\n"
	  "  --progress   print how far the last check (or repair) has got.\n\n"
	  CLI_CHECK_HELP_COMMON "\n"
	  "Exit status: 0 when started (or, with --wait, when no region\n"
	  "differs); 1 on an error, or with --wait when regions differ or the\n"
	  "check was stopped or failed.\n" },
	{ "repair", cli_nexus_repair_cmd, "NAME [--wait] [-o json]",
	  "Make the children of nexus NAME identical where they differ",
	  "Starts a repair: a check that also copies the first ONLINE child's\n"
	  "data over every other ONLINE child in each region that differs,\n"
	  "before the region's writes may go on (md's repair: one copy is\n"
	  "picked, it is not known to be the right one).  Children that are\n"
	  "offline or out of sync get those regions marked for their rebuild.\n"
	  "Stop it and follow it with 'nexus check NAME --stop|--progress'.\n\n"
	  "Options:\n"
	  "  -w, --wait   follow the repair to its end, then print the result.\n\n"
	  CLI_CHECK_HELP_COMMON "\n"
	  "Exit status: 0 when started (or, with --wait, when it went through\n"
	  "every region); 1 on an error, or with --wait when it was stopped or\n"
	  "failed.\n" },
	{ "set", nexus_set_cmd, "NAME --rebuild-rate MiB/s",
	  "Change a property of nexus NAME",
	  "Options:\n"
	  "  --rebuild-rate N   copy at most N MiB/s per rebuild; 0 is unlimited.\n" },
	{ 0 },
};

const struct cli_object cli_nexus_object = {
	.name = "nexus",
	.summary = "create, destroy, list and inspect nexus devices",
	.commands = nexus_commands,
};
