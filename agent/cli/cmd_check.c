/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-client nexus check|repair NAME: compare the ONLINE children of a
 * nexus in the background (md's check and repair), follow it, stop it.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* How often --wait asks the kernel how far the check has got. */
#define CHECK_POLL_MS 200
/* How often --wait prints a progress line on a terminal. */
#define CHECK_SHOW_MS 2000

struct check_opts {
	bool wait, stop, progress;
};

/* The nexus with its check state; 0, or 1 after reporting. */
static int get_check(struct cli_ctx *ctx, const char *name, struct nexus_info *info)
{
	int err = nexus_get(ctx->h, name, info);

	return err ? cli_nexus_error(ctx, err, NULL) : 0;
}

/*
 * The exit status a finished check stands for: 0 when it went through and
 * (a check) found nothing; 1 after saying why not.
 */
static int check_status(struct cli_ctx *ctx, const struct nexus_scrub_info *s)
{
	const char *mode = nexus_scrub_mode_str(s->mode);

	switch (s->state) {
	case NEXUS_SCRUB_DONE:
		if (s->mode == NEXUS_SCRUB_CHECK && s->mismatches)
			return cli_error(ctx, "%llu of %llu regions differ between "
					 "the children (run 'nexus repair')",
					 (unsigned long long)s->mismatches,
					 (unsigned long long)s->total);
		return 0;
	case NEXUS_SCRUB_STOPPED:
		return cli_error(ctx, "the %s was stopped after %llu of %llu regions",
				 mode, (unsigned long long)s->done,
				 (unsigned long long)s->total);
	case NEXUS_SCRUB_FAILED:
		return cli_error(ctx, "the %s failed after %llu of %llu regions: fewer "
				 "than two ONLINE children were left", mode,
				 (unsigned long long)s->done,
				 (unsigned long long)s->total);
	default:
		return cli_error(ctx, "the %s ended in state %s", mode,
				 nexus_scrub_state_str(s->state));
	}
}

/* A progress line on stderr when it is a terminal, every CHECK_SHOW_MS. */
static void show_progress(struct cli_ctx *ctx, const struct nexus_info *info,
			  long *since_ms)
{
	if (*since_ms < CHECK_SHOW_MS || !isatty(fileno(ctx->err)))
		return;
	*since_ms = 0;
	render_scrub_progress(ctx->err, OUTPUT_TABLE, info);
}

/* Polls until the check ends, then prints the result. */
static int wait_for_check(struct cli_ctx *ctx, const char *name)
{
	struct nexus_info info;
	long since_ms = 0;
	int rc, err;

	for (;;) {
		if (get_check(ctx, name, &info))
			return 1;
		if (!info.scrub_present) {
			nexus_info_free(&info);
			return cli_error(ctx, "the kernel reports no check on the nexus");
		}
		if (info.scrub.state != NEXUS_SCRUB_RUNNING)
			break;
		show_progress(ctx, &info, &since_ms);
		nexus_info_free(&info);
		cli_sleep_ms(CHECK_POLL_MS);
		since_ms += CHECK_POLL_MS;
	}
	err = render_scrub_progress(ctx->out, ctx->format, &info);
	rc = cli_output_done(ctx, err);
	if (!rc)
		rc = check_status(ctx, &info.scrub);
	nexus_info_free(&info);
	return rc;
}

static int show_check(struct cli_ctx *ctx, const char *name)
{
	struct nexus_info info;
	int err;

	if (get_check(ctx, name, &info))
		return 1;
	err = render_scrub_progress(ctx->out, ctx->format, &info);
	nexus_info_free(&info);
	return cli_output_done(ctx, err);
}

static int start_check(struct cli_ctx *ctx, const char *name, bool repair,
		       bool wait)
{
	int err = nexus_check(ctx->h, name, repair ? NEXUS_F_REPAIR : 0);

	if (err)
		return cli_nexus_error(ctx, err, NULL);
	if (wait)
		return wait_for_check(ctx, name);
	return cli_report(ctx, repair ? "started repair of" : "started check of",
			  name, NULL, NULL);
}

static int run_check(struct cli_ctx *ctx, int argc, char **argv, bool repair)
{
	struct check_opts o = { 0 };
	const struct cli_option check_opts[] = {
		{ .name = "wait", .short_name = 'w', .flag = &o.wait },
		{ .name = "stop", .flag = &o.stop },
		{ .name = "progress", .flag = &o.progress },
		{ 0 },
	};
	/* --stop and --progress are check's; they act on a repair too. */
	const struct cli_option repair_opts[] = {
		{ .name = "wait", .short_name = 'w', .flag = &o.wait },
		{ 0 },
	};
	const char *name;
	int err;

	if (cli_parse_name(ctx, argc, argv, repair ? repair_opts : check_opts, &name))
		return 1;
	if (o.stop + o.progress + o.wait > 1)
		return cli_usage_error(ctx, "--stop, --progress and --wait exclude "
				       "each other");
	if (cli_connect(ctx))
		return 1;
	if (o.progress)
		return show_check(ctx, name);
	if (!o.stop)
		return start_check(ctx, name, repair, o.wait);
	err = nexus_check_stop(ctx->h, name);
	if (err)
		return cli_nexus_error(ctx, err, NULL);
	return cli_report(ctx, "stopped check of", name, NULL, NULL);
}

int cli_nexus_check_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return run_check(ctx, argc, argv, false);
}

int cli_nexus_repair_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	return run_check(ctx, argc, argv, true);
}
