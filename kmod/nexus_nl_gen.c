// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	docs/nexus.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "nexus_nl_gen.h"

#include <uapi/linux/nexus.h>
#include <nexus_compat.h>

/* Integer value ranges */
static const struct netlink_range_validation nexus_a_region_size_range = {
	.min	= 65536ULL,
	.max	= 1073741824ULL,
};

/* Common nested types */
const struct nla_policy nexus_child_nl_policy[NEXUS_CHILD_A_GENERATION + 1] = {
	[NEXUS_CHILD_A_PATH] = { .type = NLA_NUL_STRING, .len = NEXUS_PATH_MAX, },
	[NEXUS_CHILD_A_SLOT] = { .type = NLA_U32, },
	[NEXUS_CHILD_A_STATE] = NLA_POLICY_RANGE(NLA_U32, 1, 6),
	[NEXUS_CHILD_A_REASON] = NLA_POLICY_MAX(NLA_U32, 4),
	[NEXUS_CHILD_A_SIZE] = { .type = NLA_U64, },
	[NEXUS_CHILD_A_MAJOR] = { .type = NLA_U32, },
	[NEXUS_CHILD_A_MINOR] = { .type = NLA_U32, },
	[NEXUS_CHILD_A_UUID] = NLA_POLICY_EXACT_LEN(NEXUS_UUID_LEN),
	[NEXUS_CHILD_A_READS] = { .type = NLA_U64, },
	[NEXUS_CHILD_A_WRITES] = { .type = NLA_U64, },
	[NEXUS_CHILD_A_ERRORS] = { .type = NLA_U64, },
	[NEXUS_CHILD_A_REBUILD] = NLA_POLICY_NESTED(nexus_rebuild_nl_policy),
	[NEXUS_CHILD_A_GENERATION] = { .type = NLA_U64, },
};

const struct nla_policy nexus_children_nl_policy[NEXUS_A_CHILD + 1] = {
	[NEXUS_A_CHILD] = NLA_POLICY_NESTED(nexus_child_nl_policy),
};

const struct nla_policy nexus_rebuild_nl_policy[NEXUS_REBUILD_A_PAD + 1] = {
	[NEXUS_REBUILD_A_STATE] = NLA_POLICY_MAX(NLA_U32, 5),
	[NEXUS_REBUILD_A_DONE] = { .type = NLA_U64, },
	[NEXUS_REBUILD_A_TOTAL] = { .type = NLA_U64, },
	[NEXUS_REBUILD_A_RATE] = { .type = NLA_U64, },
	[NEXUS_REBUILD_A_SOURCE] = { .type = NLA_U32, },
};

/* Global operation policy for nexus */
const struct nla_policy nexus_nl_policy[NEXUS_A_REBUILD_RATE + 1] = {
	[NEXUS_A_NAME] = { .type = NLA_NUL_STRING, .len = NEXUS_NAME_MAX, },
	[NEXUS_A_UUID] = NLA_POLICY_EXACT_LEN(NEXUS_UUID_LEN),
	[NEXUS_A_SIZE] = { .type = NLA_U64, },
	[NEXUS_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x1f),
	[NEXUS_A_CHILDREN] = NLA_POLICY_NESTED(nexus_children_nl_policy),
	[NEXUS_A_CHILD] = NLA_POLICY_NESTED(nexus_child_nl_policy),
	[NEXUS_A_REGION_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &nexus_a_region_size_range),
	[NEXUS_A_REBUILD_RATE] = { .type = NLA_U32, },
};

/* Ops table for nexus */
const struct genl_small_ops nexus_nl_ops[15] = {
	{
		.cmd	= NEXUS_CMD_NEXUS_CREATE,
		.doit	= nexus_nl_nexus_create_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_NEXUS_DESTROY,
		.doit	= nexus_nl_nexus_destroy_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_NEXUS_GET,
		.doit	= nexus_nl_nexus_get_doit,
		.dumpit	= nexus_nl_nexus_get_dumpit,
	},
	{
		.cmd	= NEXUS_CMD_NEXUS_SET,
		.doit	= nexus_nl_nexus_set_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_CHILD_ADD,
		.doit	= nexus_nl_child_add_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_CHILD_REMOVE,
		.doit	= nexus_nl_child_remove_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_CHILD_FAULT,
		.doit	= nexus_nl_child_fault_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_CHILD_OFFLINE,
		.doit	= nexus_nl_child_offline_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_CHILD_ONLINE,
		.doit	= nexus_nl_child_online_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_REBUILD_START,
		.doit	= nexus_nl_rebuild_start_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_REBUILD_STOP,
		.doit	= nexus_nl_rebuild_stop_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_REBUILD_PAUSE,
		.doit	= nexus_nl_rebuild_pause_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_REBUILD_RESUME,
		.doit	= nexus_nl_rebuild_resume_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_NEXUS_CHECK,
		.doit	= nexus_nl_nexus_check_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= NEXUS_CMD_NEXUS_CHECK_STOP,
		.doit	= nexus_nl_nexus_check_stop_doit,
		.flags	= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group nexus_nl_mcgrps[] = {
	[NEXUS_NLGRP_EVENTS] = { "events", },
};
