// SPDX-License-Identifier: GPL-2.0
/*
 * Policies and the ops table of the "nexus" generic netlink family, written
 * from docs/nexus.yaml.  Attributes that only appear in replies have no
 * policy entry, so strict validation rejects them in requests.
 */
#include <linux/module.h>

#include "nexus.h"
#include "nexus_nl_gen.h"

const struct nla_policy nexus_child_policy[NEXUS_CHILD_A_MAX + 1] = {
	[NEXUS_CHILD_A_PATH] = { .type = NLA_NUL_STRING, .len = NEXUS_PATH_MAX },
	/* Only CHILD_REMOVE of a missing member; refused elsewhere. */
	[NEXUS_CHILD_A_UUID] = NLA_POLICY_EXACT_LEN(NEXUS_UUID_LEN),
};

/* Not const: NLA_POLICY_FULL_RANGE() takes a plain pointer in 6.1. */
static struct netlink_range_validation nexus_region_size_range = {
	.min = 64 << 10,
	.max = 1 << 30,
};

static const struct nla_policy nexus_policy[NEXUS_A_MAX + 1] = {
	[NEXUS_A_NAME] = { .type = NLA_NUL_STRING, .len = NEXUS_NAME_MAX },
	[NEXUS_A_UUID] = NLA_POLICY_EXACT_LEN(NEXUS_UUID_LEN),
	[NEXUS_A_SIZE] = { .type = NLA_U64 },
	[NEXUS_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, NEXUS_F_ALL),
	[NEXUS_A_CHILDREN] = NLA_POLICY_NESTED_ARRAY(nexus_child_policy),
	[NEXUS_A_CHILD] = NLA_POLICY_NESTED(nexus_child_policy),
	[NEXUS_A_REGION_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &nexus_region_size_range),
	[NEXUS_A_REBUILD_RATE] = { .type = NLA_U32 },
};

#define NEXUS_ADMIN_OP(_cmd, _doit) {				\
	.cmd = (_cmd),						\
	.doit = (_doit),					\
	.flags = GENL_ADMIN_PERM,				\
}

static const struct genl_ops nexus_ops[] = {
	NEXUS_ADMIN_OP(NEXUS_CMD_NEXUS_CREATE, nexus_nl_nexus_create_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_NEXUS_DESTROY, nexus_nl_nexus_destroy_doit),
	{
		.cmd = NEXUS_CMD_NEXUS_GET,
		.start = nexus_nl_nexus_get_start,
		.doit = nexus_nl_nexus_get_doit,
		.dumpit = nexus_nl_nexus_get_dumpit,
	},
	NEXUS_ADMIN_OP(NEXUS_CMD_NEXUS_SET, nexus_nl_nexus_set_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_CHILD_ADD, nexus_nl_child_add_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_CHILD_REMOVE, nexus_nl_child_remove_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_CHILD_FAULT, nexus_nl_child_fault_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_CHILD_OFFLINE, nexus_nl_child_offline_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_CHILD_ONLINE, nexus_nl_child_online_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_REBUILD_START, nexus_nl_rebuild_start_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_REBUILD_STOP, nexus_nl_rebuild_stop_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_REBUILD_PAUSE, nexus_nl_rebuild_pause_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_REBUILD_RESUME, nexus_nl_rebuild_resume_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_NEXUS_CHECK, nexus_nl_nexus_check_doit),
	NEXUS_ADMIN_OP(NEXUS_CMD_NEXUS_CHECK_STOP, nexus_nl_nexus_check_stop_doit),
};

static const struct genl_multicast_group nexus_mcgrps[] = {
	[NEXUS_NLGRP_EVENTS] = { .name = NEXUS_GENL_MCGRP_EVENTS },
};

struct genl_family nexus_genl_family __ro_after_init = {
	.name = NEXUS_GENL_NAME,
	.version = NEXUS_GENL_VERSION,
	.maxattr = NEXUS_A_MAX,
	.policy = nexus_policy,
	.module = THIS_MODULE,
	/* No genl_mutex: a command waiting on a hung child blocks no other family. */
	.parallel_ops = true,
	.ops = nexus_ops,
	.n_ops = ARRAY_SIZE(nexus_ops),
	.resv_start_op = NEXUS_CMD_MAX + 1,
	.mcgrps = nexus_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nexus_mcgrps),
};

int nexus_nl_register(void)
{
	return genl_register_family(&nexus_genl_family);
}

void nexus_nl_unregister(void)
{
	genl_unregister_family(&nexus_genl_family);
}
