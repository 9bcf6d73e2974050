/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink policies and handlers of the "nexus" family, written from
 * docs/nexus.yaml.  Keep the three (spec, uapi header, these tables) in step.
 */
#ifndef _NEXUS_NL_GEN_H
#define _NEXUS_NL_GEN_H

#include <net/genetlink.h>
#include <linux/nexus.h>

extern const struct nla_policy nexus_child_policy[NEXUS_CHILD_A_MAX + 1];

int nexus_nl_nexus_create_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_destroy_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_get_doit(struct sk_buff *skb, struct genl_info *info);
int nexus_nl_nexus_get_start(struct netlink_callback *cb);
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

enum nexus_nl_mcgrps {
	NEXUS_NLGRP_EVENTS,
};

#endif /* _NEXUS_NL_GEN_H */
