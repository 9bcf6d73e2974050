// SPDX-License-Identifier: GPL-2.0
/* Probe: nla_policy's range points to a const netlink_range_validation (6.2). */
#include <net/netlink.h>

static_assert(__builtin_types_compatible_p(typeof(((struct nla_policy *)0)->range),
					   const struct netlink_range_validation *));
