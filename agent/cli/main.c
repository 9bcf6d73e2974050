/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mayastor-client: main() parses only the global flags (in cli_run()) and
 * dispatches to the object tables below.
 *
 * To add an object (pool, replica, snapshot, clone, share): write
 * cli/cmd_OBJECT.c defining `const struct cli_object cli_OBJECT_object`
 * (copy cmd_child.c), declare it in cli.h, and add ONE line to objects[]
 * at the marked slot.  The Makefile builds every .c file in cli/ by itself.
 */
#include "agent_record.h"
#include "cli.h"

static const struct cli_object *const objects[] = {
	&cli_nexus_object,
	&cli_child_object,
	&cli_rebuild_object,
	&cli_events_object,
	&cli_pool_object,
	&cli_replica_object,
	&cli_snapshot_object,
	&cli_clone_object,
	/* &cli_share_object, */
	NULL,
};

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {
		.format = OUTPUT_TABLE,
		.out = stdout,
		.err = stderr,
		.open = nexus_open,
		.resolvers = &child_resolvers_all,
		.state_file = record_default_file(),
	};

	return cli_run(&ctx, objects, argc, argv);
}
