// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications on the "events" multicast group.  Every event carries a
 * sequence number, one counter for the module, so a listener that
 * subscribes, dumps the current state (NEXUS_GET) and then applies events
 * can notice a lost event by a gap in SEQ, and dump again
 * (docs/netlink.md).  SEQ does not tell which events a dump already
 * reflects: a dump carries none.  And a sender takes its SEQ before it
 * builds and sends the message, so events from concurrent senders can
 * arrive out of SEQ order: a gap may be an event still on its way.
 */
#include "nexus.h"
#include "nexus_nl_gen.h"

static atomic64_t nexus_event_seq = ATOMIC64_INIT(0);

static void nexus_event_send(struct nexus_dev *nx, struct nexus_child *c,
			     enum nexus_event_type event)
{
	u64 seq = atomic64_inc_return(&nexus_event_seq);
	struct sk_buff *msg;

	if (!genl_has_listeners(&nexus_genl_family, &init_net,
				NEXUS_NLGRP_EVENTS))
		return;
	msg = nexus_nl_build_event(nx, c, event, seq);
	if (!msg) {
		pr_warn_ratelimited("%s: event %d (seq %llu) lost: no memory\n",
				    nx->name, event, seq);
		return;
	}
	genlmsg_multicast(&nexus_genl_family, msg, 0, NEXUS_NLGRP_EVENTS,
			  GFP_KERNEL);
}

/* Context: process. */
void nexus_event_nexus(struct nexus_dev *nx, enum nexus_event_type event)
{
	nexus_event_send(nx, NULL, event);
}

/* Context: process. */
void nexus_event_child(struct nexus_child *c, enum nexus_event_type event)
{
	nexus_event_send(c->nx, c, event);
}
