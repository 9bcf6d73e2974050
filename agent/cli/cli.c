/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatch, help and error reporting of mayastor-client. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "uri.h"

/* ---- reporting ------------------------------------------------------ */

void cli_what_add(struct cli_ctx *ctx, const char *word)
{
	size_t len = strlen(ctx->what);

	snprintf(ctx->what + len, sizeof(ctx->what) - len, "%s%s",
		 len ? " " : "", word);
}

static void vreport(struct cli_ctx *ctx, const char *fmt, va_list ap)
{
	fprintf(ctx->err, "%s: ", CLI_PROG);
	if (ctx->what[0])
		fprintf(ctx->err, "%s: ", ctx->what);
	vfprintf(ctx->err, fmt, ap);
}

int cli_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return 1;
}

int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, fmt, ap);
	va_end(ap);
	if (ctx->cmd && ctx->object && ctx->cmd->name && ctx->cmd->name != ctx->object)
		fprintf(ctx->err, " (see '%s %s %s --help')", CLI_PROG, ctx->object,
			ctx->cmd->name);
	else if (ctx->object)
		fprintf(ctx->err, " (see '%s %s help')", CLI_PROG, ctx->object);
	else
		fprintf(ctx->err, " (see '%s help')", CLI_PROG);
	fputc('\n', ctx->err);
	return 1;
}

int cli_nexus_error(struct cli_ctx *ctx, int err, const char *child)
{
	char text[1024];

	return cli_error(ctx, "%s", nexus_error_text(ctx->h, err, child, text,
						     sizeof(text)));
}

void cli_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int cli_connect(struct cli_ctx *ctx)
{
	char why[300];
	int err;

	if (ctx->h)
		return 0;
	err = ctx->open(&ctx->h);
	if (!err)
		return 0;
	nexus_open_error_text(err, why, sizeof(why));
	if (err == -ENOENT) {
		/* Not about this command: the whole tool cannot work. */
		fprintf(ctx->err, "%s: %s\n", CLI_PROG, why);
		return 1;
	}
	return cli_error(ctx, "%s", why);
}

int cli_check_name(struct cli_ctx *ctx, const char *name)
{
	char why[4096];

	if (!nexus_name_check(name, why, sizeof(why)))
		return 0;
	return cli_usage_error(ctx, "%s", why);
}

int cli_check_child(struct cli_ctx *ctx, const char *child)
{
	struct child_uri uri;
	const char *why = child_uri_parse(child, &uri);

	if (!why)
		return 0;
	return cli_usage_error(ctx, "child '%s': %s", child, why);
}

int cli_output_done(struct cli_ctx *ctx, int render_err)
{
	if (!render_err && fflush(ctx->out) == 0 && !ferror(ctx->out))
		return 0;
	if (render_err == -ENOMEM)
		return cli_error(ctx, "out of memory");
	return cli_error(ctx, "cannot write the output");
}

/* ---- help ----------------------------------------------------------- */

static void print_main_help(FILE *f, const struct cli_object *const *objects)
{
	fprintf(f, "Usage: %s [-o json|--output json] OBJECT COMMAND [ARGS...]\n\n"
		"Manage nexus devices: block devices that mirror their writes to\n"
		"several children, served by the nexus.ko kernel module.\n\nObjects:\n",
		CLI_PROG);
	for (size_t i = 0; objects[i]; i++)
		fprintf(f, "  %-10s %s\n", objects[i]->name, objects[i]->summary);
	fprintf(f, "\nGlobal options:\n"
		"  -o, --output FORMAT  table (the default) or json; also accepted\n"
		"                       after the command\n"
		"  -h, --help           show this help\n\n"
		"'%s OBJECT help' lists the commands of an object;\n"
		"'%s OBJECT COMMAND --help' explains one command.\n\n"
		"Exit status: 0 on success, 1 on failure, with one line on stderr\n"
		"saying what was wrong.\n", CLI_PROG, CLI_PROG);
}

static void print_command_help(FILE *f, const char *object,
			       const struct cli_command *cmd)
{
	if (cmd->name == object || !cmd->name)
		fprintf(f, "Usage: %s %s %s\n\n", CLI_PROG, object, cmd->args);
	else
		fprintf(f, "Usage: %s %s %s %s\n\n", CLI_PROG, object, cmd->name,
			cmd->args);
	fprintf(f, "%s.\n", cmd->summary);
	if (cmd->help && cmd->help[0])
		fprintf(f, "\n%s", cmd->help);
}

static void print_object_help(FILE *f, const struct cli_object *obj)
{
	if (obj->only) {
		print_command_help(f, obj->name, obj->only);
		return;
	}
	fprintf(f, "Usage: %s %s COMMAND [ARGS...]\n\n%s.\n\nCommands:\n",
		CLI_PROG, obj->name, obj->summary);
	for (const struct cli_command *c = obj->commands; c->name; c++)
		fprintf(f, "  %s %s\n      %s.\n", c->name, c->args, c->summary);
	fprintf(f, "\nRun '%s %s COMMAND --help' for details of one command.\n",
		CLI_PROG, obj->name);
}

/* ---- dispatch ------------------------------------------------------- */

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static const struct cli_object *find_object(const struct cli_object *const *objects,
					    const char *name)
{
	for (size_t i = 0; objects[i]; i++)
		if (strcmp(objects[i]->name, name) == 0)
			return objects[i];
	return NULL;
}

static const struct cli_command *find_command(const struct cli_object *obj,
					      const char *name)
{
	for (const struct cli_command *c = obj->commands; c && c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int run_command(struct cli_ctx *ctx, const struct cli_command *cmd,
		       int argc, char **argv)
{
	ctx->cmd = cmd;
	if (wants_help(argc, argv)) {
		print_command_help(ctx->out, ctx->object, cmd);
		return cli_output_done(ctx, 0);
	}
	return cmd->fn(ctx, argc, argv);
}

static int run_object(struct cli_ctx *ctx, const struct cli_object *obj,
		      int argc, char **argv)
{
	const struct cli_command *cmd;

	ctx->object = obj->name;
	cli_what_add(ctx, obj->name);
	if (obj->only) {
		if (argc >= 2 && strcmp(argv[1], "help") == 0) {
			print_object_help(ctx->out, obj);
			return cli_output_done(ctx, 0);
		}
		return run_command(ctx, obj->only, argc, argv);
	}
	if (argc < 2)
		return cli_usage_error(ctx, "missing COMMAND");
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		print_object_help(ctx->out, obj);
		return cli_output_done(ctx, 0);
	}
	cmd = find_command(obj, argv[1]);
	if (!cmd)
		return cli_usage_error(ctx, "unknown command '%s'", argv[1]);
	cli_what_add(ctx, cmd->name);
	return run_command(ctx, cmd, argc - 1, argv + 1);
}

/* Global flags come before OBJECT; returns the index of OBJECT or -1. */
static int parse_global(struct cli_ctx *ctx, int argc, char **argv, bool *help)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *value = NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*help = true;
			continue;
		}
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
			value = i + 1 < argc ? argv[++i] : NULL;
		else if (strncmp(a, "--output=", 9) == 0)
			value = a + 9;
		else if (strncmp(a, "-o", 2) == 0)
			value = a + 2;
		else {
			cli_usage_error(ctx, "unknown option '%s'", a);
			return -1;
		}
		if (!value || output_format_parse(value, &ctx->format)) {
			cli_usage_error(ctx, "option -o needs 'json' or 'table'");
			return -1;
		}
	}
	return i;
}

int cli_run(struct cli_ctx *ctx, const struct cli_object *const *objects,
	    int argc, char **argv)
{
	const struct cli_object *obj;
	bool help = false;
	int first = parse_global(ctx, argc, argv, &help);
	int rc;

	if (first < 0)
		return 1;
	if (!help && first >= argc)
		return cli_usage_error(ctx, "missing OBJECT");
	if (help || strcmp(argv[first], "help") == 0) {
		print_main_help(ctx->out, objects);
		return cli_output_done(ctx, 0);
	}
	obj = find_object(objects, argv[first]);
	if (!obj)
		return cli_usage_error(ctx, "unknown object '%s'", argv[first]);
	rc = run_object(ctx, obj, argc - first, argv + first);
	nexus_close(ctx->h);
	ctx->h = NULL;
	return rc;
}
