/* CLI argument validation: bad input gives one clear line and never
 * reaches the kernel (the handle is never even opened). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent_state.h"
#include "cli.h"

static const struct cli_object *const objects[] = {
	&cli_nexus_object, &cli_child_object, &cli_rebuild_object,
	&cli_events_object, NULL,
};

static int opens;
/* mayastor-agent's state file for the commands run; NULL: none. */
static const char *state_file;

/* Counts connection attempts; behaves as if nexus.ko were not loaded. */
static int stub_open(struct nexus_handle **out)
{
	opens++;
	*out = NULL;
	return -ENOENT;
}

struct run {
	int rc;
	char *out, *err;
};

static struct run run_cli(const char *line)
{
	char *copy = strdup(line), *argv[80], *save = NULL;
	size_t out_len, err_len;
	struct run r = { 0 };
	int argc = 0;
	struct cli_ctx ctx = {
		.format = OUTPUT_TABLE, .open = stub_open,
		.resolvers = &child_resolvers_all, .state_file = state_file,
	};

	argv[argc++] = "mayastor-client";
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	ctx.out = open_memstream(&r.out, &out_len);
	ctx.err = open_memstream(&r.err, &err_len);
	opens = 0;
	r.rc = cli_run(&ctx, objects, argc, argv);
	fclose(ctx.out);
	fclose(ctx.err);
	free(copy);
	return r;
}

static void free_run(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Fails with exactly the line want (whole line) and never connects. */
static void refused(const char *line, const char *want)
{
	struct run r = run_cli(line);

	assert_int_equal(r.rc, 1);
	assert_int_equal(opens, 0);
	assert_int_equal(count_lines(r.err), 1);
	if (strncmp(r.err, want, strlen(want)) != 0)
		fail_msg("'%s':\n got: %s want: %s", line, r.err, want);
	assert_string_equal(r.out, "");
	free_run(&r);
}

static void create_arguments(void **state)
{
	(void)state;
	refused("nexus create",
		"mayastor-client: nexus create: missing NAME and CHILD (see "
		"'mayastor-client nexus create --help')\n");
	refused("nexus create nx0",
		"mayastor-client: nexus create nx0: missing CHILD (a nexus needs at least one)");
	refused("nexus create bad/name /dev/loop0",
		"mayastor-client: nexus create: invalid nexus name 'bad/name'");
	refused("nexus create nx0 --size 0 /dev/loop0",
		"mayastor-client: nexus create nx0: invalid --size '0': must be greater than zero");
	refused("nexus create nx0 --size=-3 /dev/loop0",
		"mayastor-client: nexus create nx0: invalid --size '-3': must not be negative");
	refused("nexus create nx0 --size 12Q /dev/loop0",
		"mayastor-client: nexus create nx0: invalid --size '12Q': unknown unit");
	refused("nexus create nx0 --size 99999999999999999999 /dev/loop0",
		"mayastor-client: nexus create nx0: invalid --size '99999999999999999999': too large");
	refused("nexus create nx0 --uuid 1234 /dev/loop0",
		"mayastor-client: nexus create nx0: invalid --uuid '1234': expected the 36-character form");
	refused("nexus create nx0 /dev/loop0 ftp://x/y",
		"mayastor-client: nexus create nx0: child 'ftp://x/y': unknown scheme");
	refused("nexus create nx0 /dev/loop0 /dev/loop0",
		"mayastor-client: nexus create nx0: child '/dev/loop0' given twice");
	refused("nexus create nx0 --size",
		"mayastor-client: nexus create: option --size needs a value");
	refused("nexus create nx0 --sz 10 /dev/loop0",
		"mayastor-client: nexus create: unknown option '--sz'");
}

static void publish_arguments(void **state)
{
	(void)state;
	refused("nexus publish",
		"mayastor-client: nexus publish: missing NAME and PROTOCOL (vhost-user) "
		"(see 'mayastor-client nexus publish --help')\n");
	refused("nexus publish nx0",
		"mayastor-client: nexus publish nx0: missing PROTOCOL (vhost-user)");
	refused("nexus publish bad/name vhost-user",
		"mayastor-client: nexus publish: invalid nexus name 'bad/name'");
	refused("nexus publish nx0 nvmf",
		"mayastor-client: nexus publish nx0: unknown share protocol 'nvmf' "
		"(supported: vhost-user)");
	refused("nexus publish nx0 vhost-user extra",
		"mayastor-client: nexus publish nx0: unexpected argument 'extra'");
	refused("nexus publish nx0 vhost-user --queues 0",
		"mayastor-client: nexus publish nx0: invalid --queues '0': 1 to 16");
	refused("nexus publish nx0 vhost-user --queues 17",
		"mayastor-client: nexus publish nx0: invalid --queues '17': 1 to 16");
	refused("nexus publish nx0 vhost-user --queues two",
		"mayastor-client: nexus publish nx0: invalid --queues 'two': 1 to 16");
	refused("nexus publish nx0 vhost-user --socket rel.sock",
		"mayastor-client: nexus publish nx0: invalid --socket 'rel.sock': must be "
		"an absolute path");
	refused("nexus publish nx0 vhost-user --socket /run/"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock",
		"mayastor-client: nexus publish nx0: invalid --socket '/run/aaa");
	refused("nexus publish nx0 vhost-user --socket /run/x/",
		"mayastor-client: nexus publish nx0: invalid --socket '/run/x/': names a "
		"directory");
	refused("nexus publish nx0 vhost-user --socket",
		"mayastor-client: nexus publish: option --socket needs a value");
	refused("nexus publish nx0 vhost-user --read-only=yes",
		"mayastor-client: nexus publish: ");
	refused("nexus unpublish",
		"mayastor-client: nexus unpublish: missing NAME");
	refused("nexus unpublish nx0 nx1",
		"mayastor-client: nexus unpublish: unexpected argument 'nx1'");
	/* No state file: there is nowhere to record or find a publication. */
	refused("nexus publish nx0 vhost-user",
		"mayastor-client: nexus publish nx0: no state file to record the "
		"publication in\n");
	refused("nexus unpublish nx0",
		"mayastor-client: nexus unpublish nx0: no state file to record the "
		"publication in\n");
}

/* What the state file says decides, before the kernel is asked anything. */
static void published_state_decides(void **state)
{
	char dir[] = "/tmp/test_cli.XXXXXX", path[64], err[256];
	struct agent_state st = { 0 };
	struct state_nexus *n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/agent.json", dir);
	n = agent_state_add_nexus(&st);
	assert_non_null(n);
	snprintf(n->name, sizeof(n->name), "nx0");
	snprintf(n->uuid, sizeof(n->uuid), "6f1c8e0e-5a3b-4d0e-9a8e-0c4b1f2d3e4f");
	n->n_children = 1;
	snprintf(n->children[0], sizeof(n->children[0]), "/dev/loop0");
	n->share = (struct state_share){ .present = true, .protocol = "vhost-user",
					 .socket = "/run/x/nx0.sock", .queues = 1 };
	assert_int_equal(agent_state_save(path, &st, err, sizeof(err)), 0);
	state_file = path;
	refused("nexus destroy nx0",
		"mayastor-client: nexus destroy nx0: nexus nx0 is published (vhost-user "
		"at /run/x/nx0.sock): unpublish it first, or destroy --force\n");
	refused("nexus unpublish nx1",
		"mayastor-client: nexus unpublish nx1: nexus nx1 is not published\n");
	state_file = NULL;
	agent_state_free(&st);
	unlink(path);
	snprintf(path, sizeof(path), "%s/agent.json.lock", dir);
	unlink(path);
	rmdir(dir);
}

/* The same file under two spellings is refused before anything is attached. */
static void same_file_twice(void **state)
{
	char dir[] = "/tmp/test_cli.XXXXXX", file[64], line[300];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/a.img", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(line, sizeof(line), "nexus create nx0 %s aio://%s", file, file);
	refused(line, "mayastor-client: nexus create nx0: child 'aio://");
	snprintf(line, sizeof(line), "nexus create nx0 %s %s/./a.img", file, dir);
	refused(line, "mayastor-client: nexus create nx0: child '/tmp/test_cli.");
	snprintf(line, sizeof(line), "nexus create nx0 file://%s %s", file, file);
	refused(line, "mayastor-client: nexus create nx0: child '/tmp/test_cli.");
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void too_many_children(void **state)
{
	char line[1024] = "nexus create nx0";

	(void)state;
	for (int i = 0; i <= NEXUS_MAX_CHILDREN; i++)
		sprintf(line + strlen(line), " /dev/loop%d", i);
	refused(line, "mayastor-client: nexus create nx0: too many children (at most 32)");
}

static void other_nexus_commands(void **state)
{
	(void)state;
	refused("nexus destroy", "mayastor-client: nexus destroy: missing NAME");
	refused("nexus destroy nx0 nx1",
		"mayastor-client: nexus destroy: unexpected argument 'nx1'");
	refused("nexus destroy nx0 --forse",
		"mayastor-client: nexus destroy: unknown option '--forse'");
	refused("nexus list extra", "mayastor-client: nexus list: unexpected argument 'extra'");
	refused("nexus list -o yaml",
		"mayastor-client: nexus list: unknown output format 'yaml' (use json or table)");
	refused("nexus set nx0",
		"mayastor-client: nexus set nx0: nothing to set (give --rebuild-rate MiB/s)");
	refused("nexus set nx0 --rebuild-rate -1",
		"mayastor-client: nexus set nx0: invalid --rebuild-rate '-1': must not be negative");
	refused("nexus set nx0 --rebuild-rate 10M",
		"mayastor-client: nexus set nx0: invalid --rebuild-rate '10M': not a whole number");
	refused("nexus add nx0", "mayastor-client: nexus add: missing CHILD");
	refused("nexus add nx0 nvmf://host",
		"mayastor-client: nexus add nx0: child 'nvmf://host': missing NQN");
	refused("nexus remove nx0 aio:///x?blk_size=7",
		"mayastor-client: nexus remove nx0: child 'aio:///x?blk_size=7': blk_size must be 512 or 4096");
	refused("nexus children", "mayastor-client: nexus children: missing NAME");
}

static void child_and_rebuild_commands(void **state)
{
	(void)state;
	refused("child fault nx0", "mayastor-client: child fault: missing CHILD");
	refused("child fault", "mayastor-client: child fault: missing NAME and CHILD");
	/* Resolving a scheme nobody handles yet fails before connecting. */
	refused("child offline nx0 nvmf://10.0.0.1:4420/nqn.2019-05.io.openebs:x",
		"mayastor-client: child offline nx0: child nvmf://10.0.0.1:4420/nqn.2019-05.io.openebs:x: not connected: this host has no controller of nqn.2019-05.io.openebs:x at 10.0.0.1 port 4420\n");
	refused("child offline nx0 nvmf://10.0.0.1:4420/nqn.x?keep_alive_tmo=0",
		"mayastor-client: child offline nx0: child 'nvmf://10.0.0.1:4420/nqn.x?keep_alive_tmo=0': keep_alive_tmo must be 1-600 seconds (see 'mayastor-client child offline --help')\n");
	refused("child online nx0 /nonexistent/disk.img",
		"mayastor-client: child online nx0: child /nonexistent/disk.img: No such file or directory\n");
	refused("rebuild progress nx0 iscsi://10.0.0.1/iqn.x/1",
		"mayastor-client: rebuild progress nx0: child iscsi://10.0.0.1/iqn.x/1: not logged in: this host has no session to iqn.x at 10.0.0.1 port 3260\n");
	refused("rebuild start a/b /dev/loop0",
		"mayastor-client: rebuild start: invalid nexus name 'a/b'");
	refused("events now", "mayastor-client: events: unexpected argument 'now'");
}

static void check_and_repair_commands(void **state)
{
	struct run r;

	(void)state;
	refused("nexus check", "mayastor-client: nexus check: missing NAME");
	refused("nexus check nx0 nx1",
		"mayastor-client: nexus check: unexpected argument 'nx1'");
	refused("nexus check a/b", "mayastor-client: nexus check: invalid nexus name 'a/b'");
	refused("nexus check nx0 --stop --wait",
		"mayastor-client: nexus check nx0: --stop, --progress and --wait "
		"exclude each other (see 'mayastor-client nexus check --help')\n");
	refused("nexus check nx0 --progress -w",
		"mayastor-client: nexus check nx0: --stop, --progress and --wait exclude each other");
	refused("nexus check nx0 --repair",
		"mayastor-client: nexus check: unknown option '--repair'");
	refused("nexus repair nx0 --stop",
		"mayastor-client: nexus repair: unknown option '--stop'");
	refused("nexus repair", "mayastor-client: nexus repair: missing NAME");
	r = run_cli("nexus repair --help");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Usage: mayastor-client nexus repair NAME [--wait] [-o json]\n"));
	assert_non_null(strstr(r.out, "first ONLINE child"));
	free_run(&r);
	assert_int_equal(opens, 0);
	r = run_cli("nexus check nx0 --wait");
	assert_int_equal(opens, 1);
	free_run(&r);
	r = run_cli("nexus repair nx0 -w");
	assert_int_equal(opens, 1);
	free_run(&r);
}

static void dispatch_errors(void **state)
{
	(void)state;
	refused("pool list", "mayastor-client: unknown object 'pool' (see 'mayastor-client help')\n");
	refused("nexus creat nx0 /dev/loop0",
		"mayastor-client: nexus: unknown command 'creat' (see 'mayastor-client nexus help')\n");
	refused("nexus lis", "mayastor-client: nexus: unknown command 'lis'");
	refused("-o xml nexus list", "mayastor-client: option -o needs 'json' or 'table'");
	refused("--verbose nexus list", "mayastor-client: unknown option '--verbose'");
}

static void help_never_connects(void **state)
{
	struct run r;

	(void)state;
	r = run_cli("help");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Usage: mayastor-client [-o json|--output json] OBJECT COMMAND"));
	free_run(&r);
	r = run_cli("nexus help");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "  create NAME [--size SIZE] [--uuid UUID] [--no-bitmap] [--force] CHILD...\n"));
	assert_non_null(strstr(r.out, "  set NAME --rebuild-rate MiB/s\n"));
	free_run(&r);
	r = run_cli("nexus create --help");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Usage: mayastor-client nexus create NAME [--size SIZE]"));
	assert_non_null(strstr(r.out, "lvol://POOL/REPLICA"));
	free_run(&r);
	r = run_cli("events --help");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Usage: mayastor-client events [-o json]"));
	free_run(&r);
	assert_int_equal(opens, 0);
	/* No object or no command: one line, like every failure. */
	refused("", "mayastor-client: missing OBJECT (see 'mayastor-client help')\n");
	refused("nexus", "mayastor-client: nexus: missing COMMAND (see 'mayastor-client nexus help')\n");
	refused("nexus list -o", "mayastor-client: nexus list: option -o needs 'json' or 'table'");
	refused("nexus create -- -x /dev/loop0",
		"mayastor-client: nexus create: invalid nexus name '-x' (1-31 characters of "
		"A-Z a-z 0-9 . _ -, starting with a letter or digit)");
	refused("nexus create .. /dev/loop0", "mayastor-client: nexus create: invalid nexus name '..'");
}

static void valid_input_reaches_the_kernel(void **state)
{
	struct run r;

	(void)state;
	r = run_cli("-o json nexus list");
	assert_int_equal(r.rc, 1);
	assert_int_equal(opens, 1);
	assert_string_equal(r.err, "mayastor-client: the nexus kernel module is not "
			    "loaded (modprobe nexus)\n");
	free_run(&r);
	r = run_cli("nexus destroy nx0 --force");
	assert_int_equal(opens, 1);
	free_run(&r);
	r = run_cli("nexus set nx0 --rebuild-rate=0");
	assert_int_equal(opens, 1);
	free_run(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_arguments),
		cmocka_unit_test(same_file_twice),
		cmocka_unit_test(too_many_children),
		cmocka_unit_test(other_nexus_commands),
		cmocka_unit_test(child_and_rebuild_commands),
		cmocka_unit_test(check_and_repair_commands),
		cmocka_unit_test(dispatch_errors),
		cmocka_unit_test(publish_arguments),
		cmocka_unit_test(published_state_decides),
		cmocka_unit_test(help_never_connects),
		cmocka_unit_test(valid_input_reaches_the_kernel),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
