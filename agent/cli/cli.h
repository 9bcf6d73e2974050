/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-client: OBJECT COMMAND [ARGS].  Every object is a static table
 * of commands (cmd_*.c); main.c lists the objects.  A command validates
 * all its input before it opens the netlink handle (cli_connect()), so bad
 * input never reaches the kernel, and reports failure with exactly one
 * line on stderr through cli_error() and friends.
 */
#ifndef AGENT_CLI_H
#define AGENT_CLI_H

#include <stdio.h>
#include <libnexus.h>

#include "child.h"
#include "nexus_ops.h"
#include "output.h"

#define CLI_PROG "mayastor-client"

struct cli_command;

struct cli_ctx {
	enum output_format format;
	FILE *out;			/* results and help */
	FILE *err;			/* the one error line, notes */
	/* Opens the handle; nexus_open() in the binary, a stub in tests. */
	int (*open)(struct nexus_handle **out);
	struct nexus_handle *h;		/* opened by cli_connect(), closed by cli_run() */
	const struct child_resolvers *resolvers;
	const struct cli_command *cmd;	/* being run, for its usage line */
	const char *object;		/* name of the object being run */
	char what[160];			/* "nexus create nx0": error line prefix */
	/* mayastor-agent's state file (agent_record.h); NULL: not kept. */
	const char *state_file;
};

/* record.c: the state file after a successful change (warns on failure). */
void cli_record_nexus(struct cli_ctx *ctx, const char *name);
void cli_forget_nexus(struct cli_ctx *ctx, const char *name);
void cli_record_pool(struct cli_ctx *ctx, const char *name);
void cli_forget_pool(struct cli_ctx *ctx, const char *name);
/*
 * Runs ch (agent_record.h) under the state file's lock and records nexus
 * name with it (warns when that fails and ch->op did not); ch->op_rc says
 * how ch->op went.
 */
struct record_change;
void cli_record_change(struct cli_ctx *ctx, const char *name,
		       struct record_change *ch);

/* argv[0] is the command's name; returns the exit status (0 or 1). */
typedef int (*cli_cmd_fn)(struct cli_ctx *ctx, int argc, char **argv);

struct cli_command {
	const char *name;	/* matched exactly, never abbreviated */
	cli_cmd_fn fn;
	const char *args;	/* "NAME [--size SIZE] CHILD..." */
	const char *summary;	/* one line, for OBJECT help */
	const char *help;	/* full description and options, for --help */
};

struct cli_object {
	const char *name;
	const char *summary;
	const struct cli_command *commands;	/* ends with { NULL } */
	/*
	 * An object without verbs ("events [-o json]") has this instead:
	 * it runs for "OBJECT [OPTIONS]".
	 */
	const struct cli_command *only;
};

/* The objects, one per file; main.c puts them in its table. */
extern const struct cli_object cli_nexus_object;
extern const struct cli_object cli_child_object;
extern const struct cli_object cli_rebuild_object;
extern const struct cli_object cli_events_object;
extern const struct cli_object cli_pool_object;
extern const struct cli_object cli_replica_object;
extern const struct cli_object cli_snapshot_object;
extern const struct cli_object cli_clone_object;


/* Text shared by every command's help that takes a CHILD. */
#define CLI_CHILD_HELP \
	"CHILD is a block device path, a regular file (attached to a free loop\n" \
	"device, with direct IO when the file system allows it), or a URI:\n" \
	"  aio:///path[?blk_size=512|4096]   file or block device\n" \
	"  file:///path                      same as aio\n" \
	"  bdev:///dev/NAME                  block device only\n" \
	"  nvmf://HOST[:PORT]/NQN[?ctrl_loss_tmo=S&reconnect_delay=S&\n" \
	"         fast_io_fail_tmo=S&keep_alive_tmo=S]\n" \
	"                                    an NVMe-oF/TCP namespace, connected\n" \
	"                                    through the kernel (port 4420;\n" \
	"                                    docs/remote-children.md)\n" \
	"  iscsi://HOST[:PORT]/IQN/LUN[?replacement_timeout=S&\n" \
	"         noop_out_interval=S&noop_out_timeout=S]\n" \
	"                                    an iSCSI LUN, logged in with\n" \
	"                                    open-iscsi (port 3260)\n" \
	"  lvol://POOL/REPLICA               a replica of a local pool\n" \
	"Commands other than create and add find the loop device already\n" \
	"attached to a file, so the same CHILD text works throughout.\n"

/*
 * child online NAME CHILD (child_online.c): reconnect a remote child, find
 * the member it is and bring it back (child_return.h).
 */
int cli_child_online(struct cli_ctx *ctx, const char *name, const char *child);

/* Parses global flags and runs one command; objects ends with NULL. */
int cli_run(struct cli_ctx *ctx, const struct cli_object *const *objects,
	    int argc, char **argv);

/* ---- argument parsing for commands ---------------------------------- */

struct cli_option {
	const char *name;	/* long name without "--" */
	char short_name;	/* 0 for none */
	const char **value;	/* option takes a value: stored here */
	bool *flag;		/* option is a switch: set to true */
};

#define CLI_MAX_POSITIONAL 64

struct cli_args {
	char *pos[CLI_MAX_POSITIONAL];
	int n_pos;
};

/*
 * Parses argv[1..]: options of opts (NULL-terminated by name), the common
 * -o/--output, and positional arguments into args.  "--" ends options.
 * Returns 0, or 1 after reporting the problem.
 */
int cli_parse(struct cli_ctx *ctx, int argc, char **argv,
	      const struct cli_option *opts, struct cli_args *args);

/* Checks the positional count is within [min, max] (max < 0: no limit). */
int cli_expect(struct cli_ctx *ctx, const struct cli_args *args, int min,
	       int max, const char *missing);

/* ---- reporting ------------------------------------------------------ */

/* Appends " word" to the error prefix ("nexus create" -> "nexus create nx0"). */
void cli_what_add(struct cli_ctx *ctx, const char *word);

/* "mayastor-client: WHAT: MESSAGE"; returns 1. */
int cli_error(struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like cli_error() plus a pointer to this command's --help. */
int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A failed libnexus call: "[child CHILD: ]strerror (kernel text)".
 * child names the child concerned, or NULL.
 */
int cli_nexus_error(struct cli_ctx *ctx, int err, const char *child);

/* Opens ctx->h unless open; 0, or 1 after reporting. */
int cli_connect(struct cli_ctx *ctx);
/* Sleep @ms milliseconds, resuming after signals. */
void cli_sleep_ms(long ms);

/* Validators shared by the commands: 0 or 1 after reporting. */
int cli_check_name(struct cli_ctx *ctx, const char *name);
int cli_check_child(struct cli_ctx *ctx, const char *child);

/* Finishes output: 0, or 1 after reporting a write error. */
int cli_output_done(struct cli_ctx *ctx, int render_err);

/* ---- children and results (children.c) ------------------------------ */

/*
 * Resolves a child for create/add, attaching a loop device to a file
 * (and noting on stderr when the file system has no direct IO).
 * 0, or 1 after reporting.
 */
int cli_attach_child(struct cli_ctx *ctx, const char *text, struct child_target *t);
/* Resolves a child the nexus already has (a file: its loop device). */
int cli_find_child(struct cli_ctx *ctx, const char *text, struct child_target *t);

/*
 * Parses "NAME CHILD" plus opts, validating both; 0 or 1 after reporting.
 * Adds NAME to the error prefix.
 */
int cli_parse_name_child(struct cli_ctx *ctx, int argc, char **argv,
			 const struct cli_option *opts, const char **name,
			 const char **child);
/* Parses "NAME" plus opts; 0 or 1. */
int cli_parse_name(struct cli_ctx *ctx, int argc, char **argv,
		   const struct cli_option *opts, const char **name);

/*
 * Reports a finished change: text "ACTION nexus NAME" or "ACTION child
 * LABEL of nexus NAME"; JSON {"action", "nexus", "child", "path"}.
 */
int cli_report(struct cli_ctx *ctx, const char *action, const char *name,
	       const char *child, const char *path);

/* Runs op(h, name, path) on "NAME CHILD" (child, rebuild commands). */
typedef int (*cli_child_op_fn)(struct nexus_handle *h, const char *name,
			       const char *path);
int cli_run_child_op(struct cli_ctx *ctx, int argc, char **argv,
		     cli_child_op_fn op, const char *action);
/* The same once NAME and CHILD are parsed. */
int cli_child_op(struct cli_ctx *ctx, const char *name, const char *child,
		 cli_child_op_fn op, const char *action);

/* nexus assemble (cmd_assemble.c). */
int cli_nexus_assemble_cmd(struct cli_ctx *ctx, int argc, char **argv);
/* nexus check, nexus repair (cmd_check.c). */
int cli_nexus_check_cmd(struct cli_ctx *ctx, int argc, char **argv);
int cli_nexus_repair_cmd(struct cli_ctx *ctx, int argc, char **argv);

#define CLI_CHECK_HELP_COMMON \
	"Each region (the nexus's region size) is compared under the same\n" \
	"exclusion as a rebuild copy: writes to that region wait while it is\n" \
	"read from every child, so IO may continue and a write in flight is\n" \
	"never counted as a difference.  Only ONLINE children take part; at\n" \
	"least two are needed.  A check is refused while a rebuild runs, and a\n" \
	"rebuild that starts stops it.  A read error faults the child, as in\n" \
	"normal IO.  The rate is limited by the nexus's rebuild rate ('nexus\n" \
	"set --rebuild-rate'), or else by the module parameter scrub_rate_mib.\n\n" \
	"Output: 'NAME: MODE STATE, DONE of TOTAL regions (PCT), N mismatched:\n" \
	"R1 R2 ...' (the first 64 region numbers, then '...').  With -o json:\n" \
	"nexus, mode, state, done, total, percent, mismatches, repaired,\n" \
	"regions, truncated, start, end (see docs/cli.md).\n"


/* ---- publications (cmd_publish.c) ------------------------------------ */

struct agent_state;

int cli_nexus_publish_cmd(struct cli_ctx *ctx, int argc, char **argv);
int cli_nexus_unpublish_cmd(struct cli_ctx *ctx, int argc, char **argv);
/*
 * Before destroying nexus name: 0 when it is not published; refused (1)
 * unless force, which unpublishes it first.
 */
int cli_unpublish_for_destroy(struct cli_ctx *ctx, const char *name, bool force);
/* The state file's entries, for the shares nexus list/show print. */
void cli_load_shares(struct cli_ctx *ctx, struct agent_state *s);

/* ---- pools and replicas (cmd_pool.c, cmd_replica.c) ----------------- */

struct replica_info;

/* Validates a pool name; 0 or 1 after reporting. */
int cli_check_pool(struct cli_ctx *ctx, const char *name);
/*
 * Finds the replica (or snapshot) that n (1 or 2) positional arguments
 * name: "NAME", "POOL/NAME" or "POOL NAME".  Adds it to the error prefix.
 */
int cli_find_replica(struct cli_ctx *ctx, char **pos, int n, bool snapshot,
		     struct replica_info *out);
/* SIZE of --size: MiB by default, a multiple of 512 bytes; 0 or 1. */
int cli_parse_size(struct cli_ctx *ctx, const char *text, uint64_t *size);
/* replica share / unshare (cmd_share.c). */
int cli_replica_share_cmd(struct cli_ctx *ctx, int argc, char **argv);
int cli_replica_unshare_cmd(struct cli_ctx *ctx, int argc, char **argv);
/* "ACTION KIND POOL[/NAME]"; JSON {"action", "pool", KIND: NAME}. */
int cli_storage_report(struct cli_ctx *ctx, const char *action, const char *kind,
		       const char *pool, const char *name);

#endif /* AGENT_CLI_H */
