/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event subscription: the "events" multicast group of the nexus family. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "handle.h"

int nexus_subscribe(struct nexus_handle *h)
{
	int err;

	if (h->events_group < 0)
		return nexus_fail(h, -EOPNOTSUPP, "the kernel has no \"%s\" group",
				  NEXUS_GENL_MCGRP_EVENTS);
	if (h->subscribed)
		return 0;
	err = nl_socket_add_membership(h->sk, h->events_group);
	if (err < 0)
		return nexus_fail(h, -EPERM, "cannot join the \"%s\" group",
				  NEXUS_GENL_MCGRP_EVENTS);
	h->subscribed = true;
	return 0;
}

int nexus_event_fd(const struct nexus_handle *h)
{
	return nl_socket_get_fd(h->sk);
}

static void drop_datagram(struct nexus_handle *h)
{
	free(h->event_buf);
	h->event_buf = NULL;
	h->event_len = h->event_pos = 0;
}

static int refill(struct nexus_handle *h)
{
	void *buf;
	ssize_t len = nexus_recv_datagram(h, &buf);

	if (len == -ENOBUFS)
		return nexus_fail(h, -ENOBUFS, "events were lost: the socket "
				  "receive buffer overran");
	if (len < 0)
		return nexus_fail(h, (int)len, "receiving events failed");
	h->event_buf = buf;
	h->event_len = (size_t)len;
	h->event_pos = 0;
	return 0;
}

/* The next netlink message of the current datagram, or NULL when used up. */
static const struct nlmsghdr *next_message(struct nexus_handle *h)
{
	struct nlmsghdr *nlh;
	int left;

	if (!h->event_buf || h->event_pos >= h->event_len)
		return NULL;
	nlh = (struct nlmsghdr *)((char *)h->event_buf + h->event_pos);
	left = (int)(h->event_len - h->event_pos);
	if (!nlmsg_ok(nlh, left))
		return NULL;
	h->event_pos += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

static bool is_event(const struct nexus_handle *h, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *gh = nlmsg_data(nlh);

	return nlh->nlmsg_type == h->family &&
	       nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN &&
	       gh->cmd == NEXUS_CMD_EVENT;
}

int nexus_event_read(struct nexus_handle *h, struct nexus_event *out)
{
	memset(out, 0, sizeof(*out));
	if (!h->subscribed)
		return nexus_fail(h, -EINVAL, "not subscribed to events");
	for (;;) {
		const struct nlmsghdr *nlh = next_message(h);
		int err;

		if (!nlh) {
			drop_datagram(h);
			err = refill(h);
			if (err)
				return err;
			continue;
		}
		if (!is_event(h, nlh))
			continue;
		err = nexus_parse_event(nlh, out);
		if (err)
			return nexus_fail(h, err, "malformed event from the kernel");
		return 0;
	}
}
