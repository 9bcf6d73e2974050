/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/nexus.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_NEXUS_GEN_H
#define _LINUX_NEXUS_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/nexus.h>
#include <nexus_compat.h>

/* Common nested types */
extern const struct nla_policy nexus_child_nl_policy[NEXUS_CHILD_A_GENERATION + 1];
extern const struct nla_policy nexus_children_nl_policy[NEXUS_A_CHILD + 1];
extern const struct nla_policy nexus_rebuild_nl_policy[NEXUS_REBUILD_A_PAD + 1];

/* Global operation policy for nexus */
extern const struct nla_policy nexus_nl_policy[NEXUS_A_REBUILD_RATE + 1];

/* Ops table for nexus */
extern const struct genl_small_ops nexus_nl_ops[15];

int nexus_nl_nexus_create_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_destroy_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_get_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int nexus_nl_nexus_set_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_child_add_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_child_remove_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_child_fault_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_child_offline_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_child_online_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_rebuild_start_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_rebuild_stop_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_rebuild_pause_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_rebuild_resume_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_check_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_check_stop_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	NEXUS_NLGRP_EVENTS,
};

#endif /* _LINUX_NEXUS_GEN_H */
