// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	docs/nexus.yaml */
/* by tools/ynl-gen-libnl.py: libnl parse policies */

#include "nexus_nl_policy.h"

const struct nla_policy nexus_policy[NEXUS_A_MAX + 1] = {
	[NEXUS_A_NAME] = { .type = NLA_STRING },
	[NEXUS_A_UUID] = { .type = NLA_UNSPEC, .minlen = NEXUS_UUID_LEN },
	[NEXUS_A_SIZE] = { .type = NLA_U64 },
	[NEXUS_A_STATE] = { .type = NLA_U32 },
	[NEXUS_A_FLAGS] = { .type = NLA_U32 },
	[NEXUS_A_CHILDREN] = { .type = NLA_NESTED },
	[NEXUS_A_CHILD] = { .type = NLA_NESTED },
	[NEXUS_A_MAJOR] = { .type = NLA_U32 },
	[NEXUS_A_MINOR] = { .type = NLA_U32 },
	[NEXUS_A_BLOCK_SIZE] = { .type = NLA_U32 },
	[NEXUS_A_OPEN_COUNT] = { .type = NLA_U32 },
	[NEXUS_A_REGION_SIZE] = { .type = NLA_U32 },
	[NEXUS_A_REBUILD_RATE] = { .type = NLA_U32 },
	[NEXUS_A_EVENT] = { .type = NLA_U32 },
	[NEXUS_A_SEQ] = { .type = NLA_U64 },
	[NEXUS_A_GENERATION] = { .type = NLA_U64 },
	[NEXUS_A_CLEAN] = { .type = NLA_U32 },
	[NEXUS_A_BITMAP] = { .type = NLA_U32 },
	[NEXUS_A_DIRTY_REGIONS] = { .type = NLA_U64 },
	[NEXUS_A_MISSING] = { .type = NLA_NESTED },
	[NEXUS_A_SCRUB] = { .type = NLA_NESTED },
};

const struct nla_policy nexus_child_policy[NEXUS_CHILD_A_MAX + 1] = {
	[NEXUS_CHILD_A_PATH] = { .type = NLA_STRING },
	[NEXUS_CHILD_A_SLOT] = { .type = NLA_U32 },
	[NEXUS_CHILD_A_STATE] = { .type = NLA_U32 },
	[NEXUS_CHILD_A_REASON] = { .type = NLA_U32 },
	[NEXUS_CHILD_A_SIZE] = { .type = NLA_U64 },
	[NEXUS_CHILD_A_MAJOR] = { .type = NLA_U32 },
	[NEXUS_CHILD_A_MINOR] = { .type = NLA_U32 },
	[NEXUS_CHILD_A_UUID] = { .type = NLA_UNSPEC, .minlen = NEXUS_UUID_LEN },
	[NEXUS_CHILD_A_READS] = { .type = NLA_U64 },
	[NEXUS_CHILD_A_WRITES] = { .type = NLA_U64 },
	[NEXUS_CHILD_A_ERRORS] = { .type = NLA_U64 },
	[NEXUS_CHILD_A_REBUILD] = { .type = NLA_NESTED },
	[NEXUS_CHILD_A_GENERATION] = { .type = NLA_U64 },
};

const struct nla_policy nexus_rebuild_policy[NEXUS_REBUILD_A_MAX + 1] = {
	[NEXUS_REBUILD_A_STATE] = { .type = NLA_U32 },
	[NEXUS_REBUILD_A_DONE] = { .type = NLA_U64 },
	[NEXUS_REBUILD_A_TOTAL] = { .type = NLA_U64 },
	[NEXUS_REBUILD_A_RATE] = { .type = NLA_U64 },
	[NEXUS_REBUILD_A_SOURCE] = { .type = NLA_U32 },
};

const struct nla_policy nexus_scrub_policy[NEXUS_SCRUB_A_MAX + 1] = {
	[NEXUS_SCRUB_A_STATE] = { .type = NLA_U32 },
	[NEXUS_SCRUB_A_MODE] = { .type = NLA_U32 },
	[NEXUS_SCRUB_A_DONE] = { .type = NLA_U64 },
	[NEXUS_SCRUB_A_TOTAL] = { .type = NLA_U64 },
	[NEXUS_SCRUB_A_MISMATCHES] = { .type = NLA_U64 },
	[NEXUS_SCRUB_A_REPAIRED] = { .type = NLA_U64 },
	[NEXUS_SCRUB_A_REGIONS] = { .type = NLA_NESTED },
	[NEXUS_SCRUB_A_REGION] = { .type = NLA_U64 },
	[NEXUS_SCRUB_A_TRUNCATED] = { .type = NLA_U32 },
	[NEXUS_SCRUB_A_START] = { .type = NLA_U64 },
	[NEXUS_SCRUB_A_END] = { .type = NLA_U64 },
};
