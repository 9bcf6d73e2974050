/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/nexus.yaml */
/* by tools/ynl-gen-libnl.py: libnl parse policies */

#ifndef _NEXUS_NL_POLICY_H
#define _NEXUS_NL_POLICY_H

#include <netlink/attr.h>
#include <linux/nexus.h>

extern const struct nla_policy nexus_policy[NEXUS_A_MAX + 1];
extern const struct nla_policy nexus_child_policy[NEXUS_CHILD_A_MAX + 1];
extern const struct nla_policy nexus_rebuild_policy[NEXUS_REBUILD_A_MAX + 1];
extern const struct nla_policy nexus_scrub_policy[NEXUS_SCRUB_A_MAX + 1];

#endif /* _NEXUS_NL_POLICY_H */
