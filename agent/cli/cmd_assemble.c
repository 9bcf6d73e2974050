/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-client nexus assemble: bring nexuses back from the labels on
 * their children, from the devices given or from every block device.
 */
#include <errno.h>
#include <string.h>

#include "assemble.h"
#include "cli.h"

static int report_assembled(struct cli_ctx *ctx, const char *name, size_t n)
{
	struct nexus_info info;
	int err;

	cli_record_nexus(ctx, name);
	err = nexus_get(ctx->h, name, &info);
	if (err)
		return cli_report(ctx, "assembled", name, NULL, NULL);
	if (ctx->format == OUTPUT_JSON) {
		err = render_nexus_show(ctx->out, OUTPUT_JSON, &info, NULL);
	} else {
		fprintf(ctx->out, "assembled nexus %s (/dev/%s) from %zu device%s: %s, generation %llu%s\n",
			name, name, n, n == 1 ? "" : "s",
			nexus_state_str(info.state),
			(unsigned long long)info.generation,
			info.clean ? ", clean" : ", resyncing dirty regions");
		err = ferror(ctx->out) ? -EIO : 0;
	}
	nexus_info_free(&info);
	return err ? cli_output_done(ctx, err) : 0;
}

/*
 * The kernel names devices by the paths it was given (loop devices for
 * image files, gone again after a failure): say what the user typed.
 */
static void translate_paths(const char *msg, const struct child_target *t,
			    char **pos, int n, char *out, size_t size)
{
	size_t o = 0;

	while (*msg && o + 1 < size) {
		int hit = -1;
		size_t len = 0;

		for (int i = 0; i < n && hit < 0; i++) {
			len = strlen(t[i].path);
			if (strcmp(t[i].path, pos[i]) && !strncmp(msg, t[i].path, len) &&
			    !(msg[len] >= '0' && msg[len] <= '9'))
				hit = i;
		}
		if (hit >= 0) {
			o += (size_t)snprintf(out + o, size - o, "%s", pos[hit]);
			msg += len;
		} else {
			out[o++] = *msg++;
		}
	}
	out[o < size ? o : size - 1] = '\0';
}

static int assemble_failed(struct cli_ctx *ctx, int err, const struct child_target *t,
			   char **pos, int n)
{
	char text[600];

	translate_paths(nexus_last_error(ctx->h), t, pos, n, text, sizeof(text));
	return cli_error(ctx, "%s%s%s%s", strerror(-err), text[0] ? " (" : "", text,
			 text[0] ? ")" : "");
}

/* NAME DEVICE...: image files are attached to loop devices first. */
static int assemble_named(struct cli_ctx *ctx, char **pos, int n, uint32_t flags)
{
	struct child_target t[NEXUS_MAX_CHILDREN];
	const char *paths[NEXUS_MAX_CHILDREN];
	int i, rc = 0, err;

	if (n > NEXUS_MAX_CHILDREN)
		return cli_usage_error(ctx, "too many devices (at most %d)",
				       NEXUS_MAX_CHILDREN);
	for (i = 0; i < n && !rc; i++) {
		rc = cli_attach_child(ctx, pos[i], &t[i]);
		paths[i] = t[i].path;
	}
	if (!rc) {
		err = assemble_devices(ctx->h, pos[-1],
				       paths, (size_t)n, flags);
		rc = err ? assemble_failed(ctx, err, t, pos, n) :
			   report_assembled(ctx, pos[-1], (size_t)n);
	}
	for (int j = 0; j < i; j++)
		child_target_release(&t[j]);
	return rc;
}

static int assemble_one_group(struct cli_ctx *ctx, const struct assemble_group *g,
			      uint32_t flags)
{
	struct nexus_info info;
	int err;

	if (!nexus_get(ctx->h, g->name, &info)) {
		nexus_info_free(&info);
		fprintf(ctx->err, "%s: nexus %s is assembled already\n", CLI_PROG,
			g->name);
		return 0;
	}
	err = assemble_group(ctx->h, g, flags);
	if (err) {
		fprintf(ctx->err, "%s: nexus assemble %s: %s (%s)\n", CLI_PROG,
			g->name, strerror(-err), nexus_last_error(ctx->h));
		return 1;
	}
	return report_assembled(ctx, g->name, g->n);
}

/* --scan [NAME]: every labelled block device, grouped by nexus. */
static int assemble_scan_cmd(struct cli_ctx *ctx, const char *only, uint32_t flags)
{
	struct assemble_scan scan;
	int rc = 0, found = 0;
	int err = assemble_scan_devices("/sys/class/block", "/dev", &scan);

	if (err)
		return cli_error(ctx, "cannot scan block devices: %s", strerror(-err));
	for (size_t i = 0; i < scan.n; i++) {
		if (only && strcmp(scan.groups[i].name, only))
			continue;
		found++;
		rc |= assemble_one_group(ctx, &scan.groups[i], flags);
	}
	assemble_scan_free(&scan);
	if (!found && only)
		return cli_error(ctx, "no block device carries a label of nexus %s", only);
	if (!found)
		fprintf(ctx->err, "%s: no labelled nexus children found\n", CLI_PROG);
	return rc;
}

int cli_nexus_assemble_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	bool force = false, scan = false;
	const struct cli_option opts[] = {
		{ .name = "force", .flag = &force },
		{ .name = "scan", .flag = &scan },
		{ 0 },
	};
	uint32_t flags;
	struct cli_args args;

	if (cli_parse(ctx, argc, argv, opts, &args))
		return 1;
	flags = force ? NEXUS_F_FORCE : 0;
	if (scan) {
		if (cli_expect(ctx, &args, 0, 1, "") ||
		    (args.n_pos && cli_check_name(ctx, args.pos[0])) || cli_connect(ctx))
			return 1;
		return assemble_scan_cmd(ctx, args.n_pos ? args.pos[0] : NULL, flags);
	}
	if (cli_expect(ctx, &args, 1, -1, "NAME and DEVICE (or --scan)") ||
	    cli_check_name(ctx, args.pos[0]))
		return 1;
	cli_what_add(ctx, args.pos[0]);
	if (cli_expect(ctx, &args, 2, -1, "DEVICE") || cli_connect(ctx))
		return 1;
	return assemble_named(ctx, args.pos + 1, args.n_pos - 1, flags);
}
