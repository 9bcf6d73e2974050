/* SPDX-License-Identifier: Apache-2.0 */
/* Option parsing for commands: exact long names, no abbreviations. */
#include <string.h>

#include "cli.h"

static const struct cli_option *find_long(const struct cli_option *opts,
					  const char *name, size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, char c)
{
	for (; opts && opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

static int set_output(struct cli_ctx *ctx, const char *value)
{
	if (output_format_parse(value, &ctx->format))
		return cli_usage_error(ctx, "unknown output format '%s' (use json or table)",
				       value);
	return 0;
}

/* Takes the value of an option: inline ("--x=v", "-ov") or the next arg. */
static int take_value(struct cli_ctx *ctx, const char *shown, const char *inline_value,
		      int argc, char **argv, int *i, const char **value)
{
	if (inline_value) {
		*value = inline_value;
		return 0;
	}
	if (*i + 1 >= argc)
		return cli_usage_error(ctx, "option %s needs a value", shown);
	*value = argv[++*i];
	return 0;
}

static int apply(struct cli_ctx *ctx, const struct cli_option *opt, const char *shown,
		 const char *inline_value, int argc, char **argv, int *i)
{
	if (!opt->value) {
		if (inline_value)
			return cli_usage_error(ctx, "option %s takes no value", shown);
		*opt->flag = true;
		return 0;
	}
	return take_value(ctx, shown, inline_value, argc, argv, i, opt->value);
}

static int output_option(struct cli_ctx *ctx, const char *shown, const char *inline_value,
			 int argc, char **argv, int *i)
{
	if (!inline_value && *i + 1 >= argc)
		return cli_usage_error(ctx, "option %s needs 'json' or 'table'", shown);
	return set_output(ctx, inline_value ? inline_value : argv[++*i]);
}

static int long_option(struct cli_ctx *ctx, const struct cli_option *opts,
		       int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *opt = find_long(opts, name, len);

	if (len == 6 && strncmp(name, "output", 6) == 0)
		return output_option(ctx, "--output", eq ? eq + 1 : NULL, argc, argv, i);
	if (!opt)
		return cli_usage_error(ctx, "unknown option '%.*s'", (int)len + 2, argv[*i]);
	return apply(ctx, opt, argv[*i], eq ? eq + 1 : NULL, argc, argv, i);
}

static int short_option(struct cli_ctx *ctx, const struct cli_option *opts,
			int argc, char **argv, int *i)
{
	char c = argv[*i][1];
	const char *rest = argv[*i][2] ? argv[*i] + 2 : NULL;
	const struct cli_option *opt = find_short(opts, c);
	char shown[3] = { '-', c, '\0' };

	if (c == 'o')
		return output_option(ctx, "-o", rest, argc, argv, i);
	if (!opt)
		return cli_usage_error(ctx, "unknown option '%s'", argv[*i]);
	if (rest && !opt->value)
		return cli_usage_error(ctx, "unknown option '%s'", argv[*i]);
	return apply(ctx, opt, shown, rest, argc, argv, i);
}

static int add_positional(struct cli_ctx *ctx, struct cli_args *args, char *arg)
{
	if (args->n_pos >= CLI_MAX_POSITIONAL)
		return cli_usage_error(ctx, "too many arguments");
	args->pos[args->n_pos++] = arg;
	return 0;
}

int cli_parse(struct cli_ctx *ctx, int argc, char **argv,
	      const struct cli_option *opts, struct cli_args *args)
{
	bool options_done = false;
	int rc = 0;

	args->n_pos = 0;
	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i];

		if (options_done || a[0] != '-' || a[1] == '\0')
			rc = add_positional(ctx, args, argv[i]);
		else if (strcmp(a, "--") == 0)
			options_done = true;
		else if (a[1] == '-')
			rc = long_option(ctx, opts, argc, argv, &i);
		else
			rc = short_option(ctx, opts, argc, argv, &i);
	}
	return rc;
}

int cli_expect(struct cli_ctx *ctx, const struct cli_args *args, int min,
	       int max, const char *missing)
{
	if (args->n_pos < min)
		return cli_usage_error(ctx, "missing %s", missing);
	if (max >= 0 && args->n_pos > max)
		return cli_usage_error(ctx, "unexpected argument '%s'", args->pos[max]);
	return 0;
}
