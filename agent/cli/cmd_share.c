/* SPDX-License-Identifier: Apache-2.0 */
/* mayastor-client replica share|unshare: NVMe-oF/TCP exports of replicas. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nvmf.h"
#include "pool_output.h"
#include "replica.h"
#include "size.h"

#define ERR_MAX 1024

struct share_args {
	char *argv[CLI_MAX_POSITIONAL + 8];	/* argv without the --host options */
	int argc;
	char *hosts[NVMF_MAX_HOSTS];
	size_t n_hosts;
};

static int add_hosts(struct cli_ctx *ctx, struct share_args *a, char *list)
{
	char *save = NULL;

	/* "--host a,b" is "--host a --host b". */
	for (char *h = strtok_r(list, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
		if (a->n_hosts >= NVMF_MAX_HOSTS)
			return cli_usage_error(ctx, "too many --host (at most %d)",
					       NVMF_MAX_HOSTS);
		if (!nvmf_nqn_valid(h))
			return cli_usage_error(ctx, "invalid --host '%s': expected an "
					       "NQN like nqn.2014-08.org.nvmexpress:"
					       "uuid:UUID", h);
		a->hosts[a->n_hosts++] = h;
	}
	return 0;
}

/*
 * cli_parse() keeps one value per option; --host may be repeated, so the
 * --host options are taken out of argv first.
 */
static int take_hosts(struct cli_ctx *ctx, int argc, char **argv, struct share_args *a)
{
	int rc = 0;

	a->argc = 0;
	a->n_hosts = 0;
	for (int i = 0; i < argc && !rc; i++) {
		if (a->argc >= (int)(sizeof(a->argv) / sizeof(a->argv[0])) - 1)
			return cli_usage_error(ctx, "too many arguments");
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc && a->argc < CLI_MAX_POSITIONAL)
				a->argv[a->argc++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--host") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error(ctx, "option --host needs a value");
			rc = add_hosts(ctx, a, argv[++i]);
		} else if (strncmp(argv[i], "--host=", 7) == 0) {
			rc = add_hosts(ctx, a, argv[i] + 7);
		} else {
			a->argv[a->argc++] = argv[i];
		}
	}
	a->argv[a->argc] = NULL;
	return rc;
}

static int check_protocol(struct cli_ctx *ctx, const char *proto)
{
	if (strcmp(proto, "nvmf") == 0)
		return 0;
	return cli_usage_error(ctx, "unknown share protocol '%s' (supported: nvmf)",
			       proto);
}

static int parse_port(struct cli_ctx *ctx, const char *text, uint16_t *port)
{
	uint32_t value;

	if (!text)
		return 0;
	if (u32_parse(text, &value) || value == 0 || value > 65535)
		return cli_usage_error(ctx, "invalid --port '%s': 1-65535", text);
	*port = (uint16_t)value;
	return 0;
}

static int print_shared(struct cli_ctx *ctx, const struct replica_info *r)
{
	char uri[PATH_MAX + 300];

	if (ctx->format == OUTPUT_JSON)
		return cli_output_done(ctx, render_replica(ctx->out, OUTPUT_JSON, r));
	replica_uri(r, uri, sizeof(uri));
	fprintf(ctx->out, "%s\n", uri);
	return cli_output_done(ctx, 0);
}

int cli_replica_share_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *addr = NULL, *port_text = NULL;
	struct replica_share_req req = { 0 };
	const struct cli_option opts[] = {
		{ .name = "allow-any-host", .flag = &req.any_host },
		{ .name = "address", .value = &addr },
		{ .name = "port", .value = &port_text },
		{ 0 },
	};
	struct replica_info r, shared;
	struct share_args a;
	struct cli_args args;
	char err[ERR_MAX];

	if (take_hosts(ctx, argc, argv, &a) ||
	    cli_parse(ctx, a.argc, a.argv, opts, &args) ||
	    cli_expect(ctx, &args, 2, 3, args.n_pos ? "PROTOCOL (nvmf)" : "NAME and PROTOCOL") ||
	    check_protocol(ctx, args.pos[args.n_pos - 1]) ||
	    parse_port(ctx, port_text, &req.port))
		return 1;
	if (addr && (strlen(addr) >= NVMF_ADDR_MAX || !lvm_tag_chars_ok(addr)))
		return cli_usage_error(ctx, "invalid --address '%s'", addr);
	if (!a.n_hosts && !req.any_host)
		return cli_usage_error(ctx, "give --host HOSTNQN, or --allow-any-host to "
				       "let every host connect");
	if (a.n_hosts && req.any_host)
		return cli_usage_error(ctx, "--host and --allow-any-host exclude each other");
	if (cli_find_replica(ctx, args.pos, args.n_pos - 1, false, &r))
		return 1;
	req.addr = addr;
	req.hosts = (const char *const *)a.hosts;
	req.n_hosts = a.n_hosts;
	if (replica_share(&r, &req, &shared, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return print_shared(ctx, &shared);
}

int cli_replica_unshare_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct replica_info r;
	struct cli_args args;
	char err[ERR_MAX];

	if (cli_parse(ctx, argc, argv, NULL, &args) ||
	    cli_expect(ctx, &args, 1, 2, "NAME") ||
	    cli_find_replica(ctx, args.pos, args.n_pos, false, &r))
		return 1;
	if (replica_unshare(&r, err, sizeof(err)))
		return cli_error(ctx, "%s", err);
	return cli_storage_report(ctx, "unshared", "replica", r.pool, r.name);
}
