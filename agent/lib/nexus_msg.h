/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Message building and reply parsing of libnexus.  Pure functions on
 * struct nl_msg and netlink buffers: no socket, so they are unit-tested
 * without a kernel.  Private to libnexus and its tests.
 */
#ifndef NEXUS_MSG_H
#define NEXUS_MSG_H

#include <netlink/msg.h>
#include "libnexus.h"

/* Size of the extack text kept for the caller. */
#define NEXUS_ERRMSG_MAX 256

/* What an NLMSG_ERROR (or an NLMSG_DONE closing a dump) said. */
struct nexus_ack {
	int error;			/* 0 or a negative errno */
	char msg[NEXUS_ERRMSG_MAX];	/* NLMSGERR_ATTR_MSG, "" if none */
	uint32_t offset;		/* NLMSGERR_ATTR_OFFS */
	bool offset_present;
};

/*
 * Request builders.  Each returns 0 and a new message in *out, or
 * -EINVAL (bad argument), -ENOMEM or -EMSGSIZE.  name == NULL in
 * nexus_build_get() asks for a dump of every nexus.
 */
int nexus_build_create(int family, const struct nexus_create_req *req,
		       struct nl_msg **out);
int nexus_build_destroy(int family, const char *name, uint32_t flags,
			struct nl_msg **out);
int nexus_build_get(int family, const char *name, struct nl_msg **out);
int nexus_build_set(int family, const char *name,
		    const struct nexus_set_req *req, struct nl_msg **out);
/* CHILD_* and REBUILD_* commands: NAME, CHILD{PATH}, FLAGS when non-zero. */
int nexus_build_child_cmd(int family, uint8_t cmd, const char *name,
			  const char *path, uint32_t flags, struct nl_msg **out);

/* NEXUS_CHECK and NEXUS_CHECK_STOP: NAME, FLAGS when non-zero. */
int nexus_build_nexus_cmd(int family, uint8_t cmd, const char *name,
			  uint32_t flags, struct nl_msg **out);

/* CHILD_REMOVE of a missing member: NAME, CHILD{UUID}. */
int nexus_build_forget_missing(int family, const char *name,
			       const struct nexus_uuid *uuid, struct nl_msg **out);
/* CHILD_ONLINE of a member on the device at path: NAME, CHILD{PATH, UUID}. */
int nexus_build_online_member(int family, const char *name,
			      const struct nexus_uuid *uuid, const char *path,
			      struct nl_msg **out);

/* Reply parsers: 0, or -EPROTO when the message is malformed. */
int nexus_parse_nexus(const struct nlmsghdr *nlh, struct nexus_info *out);
int nexus_parse_event(const struct nlmsghdr *nlh, struct nexus_event *out);
/* NLMSG_ERROR or NLMSG_DONE; -EPROTO if it is neither or is truncated. */
int nexus_parse_ack(const struct nlmsghdr *nlh, struct nexus_ack *out);

/*
 * The path of the NEXUS_A_CHILD nest of request req that contains byte
 * offset (as in NLMSGERR_ATTR_OFFS: from the start of the nlmsghdr),
 * or NULL.  The string points into req.
 */
const char *nexus_request_child_at(struct nl_msg *req, uint32_t offset);

#endif /* NEXUS_MSG_H */
