/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The socket object of libnexus; private to agent/lib. */
#ifndef NEXUS_HANDLE_H
#define NEXUS_HANDLE_H

#include <netlink/netlink.h>
#include "nexus_msg.h"

struct nexus_handle {
	struct nl_sock *sk;
	int family;			/* resolved id of "nexus" */
	int events_group;		/* resolved id of "events", -1 if none */
	bool subscribed;
	char error[NEXUS_ERRMSG_MAX];	/* text of the last failure */
	char error_child[NEXUS_PATH_MAX + 1];	/* "" unless the kernel pointed at one */
	bool error_pointed;		/* the kernel pointed at some attribute */
	/* Datagram being handed out by nexus_event_read(), one message a call. */
	void *event_buf;
	size_t event_len, event_pos;
};

typedef int (*nexus_reply_fn)(const struct nlmsghdr *nlh, void *arg);

/* Records why the current call fails (printf-style); returns err. */
int nexus_fail(struct nexus_handle *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Sends req with NLM_F_ACK and reads until its ack (or NLMSG_DONE of a
 * dump), handing every reply message to fn.  Consumes req.
 */
int nexus_transact(struct nexus_handle *h, struct nl_msg *req,
		   nexus_reply_fn fn, void *arg);

/* Receives one datagram into a malloc'd buffer; returns its length. */
ssize_t nexus_recv_datagram(struct nexus_handle *h, void **buf);

#endif /* NEXUS_HANDLE_H */
