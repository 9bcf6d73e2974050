/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Socket I/O of libnexus: open, close, one request/ack transaction. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "handle.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* libnl reports NLE_* codes; callers of libnexus get errno values. */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INTR:		return -EINTR;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	default:		return -EIO;
	}
}

int nexus_fail(struct nexus_handle *h, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->error, sizeof(h->error), fmt, ap);
	va_end(ap);
	return err;
}

static void clear_error(struct nexus_handle *h)
{
	h->error[0] = '\0';
	h->error_child[0] = '\0';
	h->error_pointed = false;
}

const char *nexus_last_error(const struct nexus_handle *h)
{
	return h->error;
}

const char *nexus_last_error_child(const struct nexus_handle *h)
{
	return h->error_child[0] ? h->error_child : NULL;
}

bool nexus_last_error_pointed(const struct nexus_handle *h)
{
	return h->error_pointed;
}

int nexus_family_id(const struct nexus_handle *h)
{
	return h->family;
}

static int set_sockopt(struct nl_sock *sk, int opt)
{
	int one = 1;

	if (setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, opt, &one,
		       sizeof(one)) < 0)
		return -errno;
	return 0;
}

static int connect_socket(struct nexus_handle *h)
{
	int err;

	h->sk = nl_socket_alloc();
	if (!h->sk)
		return -ENOMEM;
	err = genl_connect(h->sk);
	if (err < 0)
		return nle_to_errno(err);
	/* Kernel error text and the offending attribute, without the echo. */
	err = set_sockopt(h->sk, NETLINK_EXT_ACK);
	if (!err)
		err = set_sockopt(h->sk, NETLINK_CAP_ACK);
	return err;
}

static int resolve_family(struct nexus_handle *h)
{
	int id = genl_ctrl_resolve(h->sk, NEXUS_GENL_NAME);

	if (id < 0)
		return nle_to_errno(id);
	h->family = id;
	id = genl_ctrl_resolve_grp(h->sk, NEXUS_GENL_NAME, NEXUS_GENL_MCGRP_EVENTS);
	/* A kernel without the group still serves requests. */
	h->events_group = id < 0 ? -1 : id;
	return 0;
}

int nexus_open(struct nexus_handle **out)
{
	struct nexus_handle *h = calloc(1, sizeof(*h));
	int err;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	err = connect_socket(h);
	if (!err)
		err = resolve_family(h);
	if (err) {
		nexus_close(h);
		return err;
	}
	*out = h;
	return 0;
}

void nexus_close(struct nexus_handle *h)
{
	if (!h)
		return;
	if (h->sk)
		nl_socket_free(h->sk);
	free(h->event_buf);
	free(h);
}

void nexus_closep(struct nexus_handle **hp)
{
	nexus_close(*hp);
	*hp = NULL;
}

ssize_t nexus_recv_datagram(struct nexus_handle *h, void **buf)
{
	int fd = nl_socket_get_fd(h->sk);
	ssize_t len;
	void *data;

	/* MSG_TRUNC with a peek returns the real size: no fixed buffer cap. */
	len = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	if (len < 0)
		return -errno;
	data = malloc(len ? (size_t)len : 1);
	if (!data)
		return -ENOMEM;
	len = recv(fd, data, (size_t)len, 0);
	if (len < 0) {
		int err = -errno;

		free(data);
		return err;
	}
	*buf = data;
	return len;
}

static int send_request(struct nexus_handle *h, struct nl_msg *req)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	ssize_t sent;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nl_complete_msg(h->sk, req);	/* fills our port id and a sequence */
	sent = send(nl_socket_get_fd(h->sk), nlh, nlh->nlmsg_len, 0);
	if (sent < 0)
		return -errno;
	return sent == (ssize_t)nlh->nlmsg_len ? 0 : -EMSGSIZE;
}

struct transaction {
	struct nexus_handle *h;
	struct nl_msg *req;
	uint32_t seq;
	nexus_reply_fn fn;
	void *arg;
	int reply_err;		/* first failure of fn, reported at the end */
	bool done;
};

static int finish_with_ack(struct transaction *t, const struct nlmsghdr *nlh)
{
	struct nexus_ack ack;
	const char *child;

	t->done = true;
	if (nexus_parse_ack(nlh, &ack))
		return nexus_fail(t->h, -EPROTO, "malformed ack from the kernel");
	if (!ack.error)
		return 0;
	snprintf(t->h->error, sizeof(t->h->error), "%s", ack.msg);
	t->h->error_pointed = ack.offset_present;
	child = ack.offset_present ? nexus_request_child_at(t->req, ack.offset) : NULL;
	if (child)
		snprintf(t->h->error_child, sizeof(t->h->error_child), "%s", child);
	return ack.error;
}

static int handle_message(struct transaction *t, const struct nlmsghdr *nlh)
{
	/* Anything not answering our request (late replies) is not ours. */
	if (nlh->nlmsg_seq != t->seq)
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
		return finish_with_ack(t, nlh);
	if (nlh->nlmsg_type == t->h->family && t->fn && !t->reply_err)
		t->reply_err = t->fn(nlh, t->arg);
	return 0;
}

static int receive_until_ack(struct transaction *t)
{
	int err = 0;

	while (!t->done) {
		struct nlmsghdr *nlh;
		void *buf;
		ssize_t len = nexus_recv_datagram(t->h, &buf);
		int left;

		if (len < 0)
			return nexus_fail(t->h, (int)len, "receiving from the kernel failed");
		left = (int)len;
		for (nlh = buf; nlmsg_ok(nlh, left) && !t->done; nlh = nlmsg_next(nlh, &left))
			err = handle_message(t, nlh);
		free(buf);
	}
	return err;
}

int nexus_transact(struct nexus_handle *h, struct nl_msg *req,
		   nexus_reply_fn fn, void *arg)
{
	struct transaction t = { .h = h, .req = req, .fn = fn, .arg = arg };
	int err;

	clear_error(h);
	if (h->subscribed) {
		nlmsg_free(req);
		return nexus_fail(h, -EBUSY, "handle is subscribed to events; "
				  "use another handle for requests");
	}
	err = send_request(h, req);
	if (err) {
		nlmsg_free(req);
		return nexus_fail(h, err, "sending to the kernel failed");
	}
	t.seq = nlmsg_hdr(req)->nlmsg_seq;
	err = receive_until_ack(&t);
	nlmsg_free(req);
	if (!err && t.reply_err)
		return nexus_fail(h, t.reply_err, "malformed reply from the kernel");
	return err;
}
