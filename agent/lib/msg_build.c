/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building nexus requests into struct nl_msg: pure, no socket. */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nexus_msg.h"

/* nla_put*() fail only when the message is full. */
#define PUT_OR_FAIL(expr) do { if ((expr) < 0) return -EMSGSIZE; } while (0)

/*
 * Room for the longest request: NEXUS_CMD_NEXUS_CREATE with 32 children of
 * NEXUS_PATH_MAX bytes (about 8.7 KiB), where nlmsg_alloc() gives one page.
 */
#define NEXUS_REQUEST_MAX						\
	(NLMSG_HDRLEN + GENL_HDRLEN +					\
	 NLA_HDRLEN + NLA_ALIGN(NEXUS_NAME_MAX + 1) +			\
	 NLA_HDRLEN + NEXUS_MAX_CHILDREN *				\
		(2 * NLA_HDRLEN + NLA_ALIGN(NEXUS_PATH_MAX + 1)) +	\
	 NLA_HDRLEN + NEXUS_UUID_LEN +	/* uuid */			\
	 3 * (NLA_HDRLEN + 8))		/* size, region size, flags */

static int new_request(int family, uint8_t cmd, int nl_flags,
		       struct nl_msg **out)
{
	struct nl_msg *msg = nlmsg_alloc_size(NEXUS_REQUEST_MAX);

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 NLM_F_REQUEST | nl_flags, cmd, NEXUS_GENL_VERSION)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*out = msg;
	return 0;
}

/* Runs a filler on a fresh message; frees the message if the filler fails. */
static int finish(struct nl_msg *msg, int err, struct nl_msg **out)
{
	if (err < 0) {
		nlmsg_free(msg);
		return err;
	}
	*out = msg;
	return 0;
}

static int put_name(struct nl_msg *msg, const char *name)
{
	if (!nexus_name_valid(name))
		return -EINVAL;
	PUT_OR_FAIL(nla_put_string(msg, NEXUS_A_NAME, name));
	return 0;
}

static int put_flags(struct nl_msg *msg, uint32_t flags)
{
	if (flags & ~NEXUS_F_MASK)
		return -EINVAL;
	/* Absent and zero mean the same to the kernel: keep requests short. */
	if (flags)
		PUT_OR_FAIL(nla_put_u32(msg, NEXUS_A_FLAGS, flags));
	return 0;
}

/* One NEXUS_A_CHILD nest holding just the path. */
static int put_child(struct nl_msg *msg, const char *path)
{
	struct nlattr *nest;

	if (!nexus_path_valid(path))
		return -EINVAL;
	nest = nla_nest_start(msg, NEXUS_A_CHILD);
	if (!nest)
		return -EMSGSIZE;
	PUT_OR_FAIL(nla_put_string(msg, NEXUS_CHILD_A_PATH, path));
	nla_nest_end(msg, nest);
	return 0;
}

static int fill_create(struct nl_msg *msg, const struct nexus_create_req *req)
{
	struct nlattr *children;
	int err = put_name(msg, req->name);

	if (err)
		return err;
	if (req->n_children == 0 || req->n_children > NEXUS_MAX_CHILDREN)
		return -EINVAL;
	children = nla_nest_start(msg, NEXUS_A_CHILDREN);
	if (!children)
		return -EMSGSIZE;
	for (size_t i = 0; i < req->n_children; i++) {
		err = put_child(msg, req->children[i]);
		if (err)
			return err;
	}
	nla_nest_end(msg, children);
	if (req->uuid_present)
		PUT_OR_FAIL(nla_put(msg, NEXUS_A_UUID, NEXUS_UUID_LEN,
				    req->uuid.bytes));
	if (req->size_present)
		PUT_OR_FAIL(nla_put_u64(msg, NEXUS_A_SIZE, req->size));
	if (req->region_size_present)
		PUT_OR_FAIL(nla_put_u32(msg, NEXUS_A_REGION_SIZE,
					req->region_size));
	return put_flags(msg, req->flags);
}

int nexus_build_create(int family, const struct nexus_create_req *req,
		       struct nl_msg **out)
{
	struct nl_msg *msg;
	int err = new_request(family, NEXUS_CMD_NEXUS_CREATE, 0, &msg);

	return err ? err : finish(msg, fill_create(msg, req), out);
}

static int fill_name_flags(struct nl_msg *msg, const char *name, uint32_t flags)
{
	int err = put_name(msg, name);

	return err ? err : put_flags(msg, flags);
}

int nexus_build_destroy(int family, const char *name, uint32_t flags,
			struct nl_msg **out)
{
	struct nl_msg *msg;
	int err = new_request(family, NEXUS_CMD_NEXUS_DESTROY, 0, &msg);

	return err ? err : finish(msg, fill_name_flags(msg, name, flags), out);
}

int nexus_build_get(int family, const char *name, struct nl_msg **out)
{
	struct nl_msg *msg;
	int err = new_request(family, NEXUS_CMD_NEXUS_GET,
			      name ? 0 : NLM_F_DUMP, &msg);

	if (err)
		return err;
	return finish(msg, name ? put_name(msg, name) : 0, out);
}

static int fill_set(struct nl_msg *msg, const char *name,
		    const struct nexus_set_req *req)
{
	int err = put_name(msg, name);

	if (err)
		return err;
	if (req->rebuild_rate_present)
		PUT_OR_FAIL(nla_put_u32(msg, NEXUS_A_REBUILD_RATE,
					req->rebuild_rate));
	return 0;
}

int nexus_build_set(int family, const char *name,
		    const struct nexus_set_req *req, struct nl_msg **out)
{
	struct nl_msg *msg;
	int err = new_request(family, NEXUS_CMD_NEXUS_SET, 0, &msg);

	return err ? err : finish(msg, fill_set(msg, name, req), out);
}

int nexus_build_nexus_cmd(int family, uint8_t cmd, const char *name,
			  uint32_t flags, struct nl_msg **out)
{
	struct nl_msg *msg;
	int err;

	if (cmd != NEXUS_CMD_NEXUS_CHECK && cmd != NEXUS_CMD_NEXUS_CHECK_STOP)
		return -EINVAL;
	err = new_request(family, cmd, 0, &msg);
	return err ? err : finish(msg, fill_name_flags(msg, name, flags), out);
}

static bool is_child_cmd(uint8_t cmd)
{
	return cmd >= NEXUS_CMD_CHILD_ADD && cmd <= NEXUS_CMD_REBUILD_RESUME;
}

static int fill_child_cmd(struct nl_msg *msg, const char *name,
			  const char *path, uint32_t flags)
{
	int err = fill_name_flags(msg, name, flags);

	return err ? err : put_child(msg, path);
}

int nexus_build_child_cmd(int family, uint8_t cmd, const char *name,
			  const char *path, uint32_t flags, struct nl_msg **out)
{
	struct nl_msg *msg;
	int err;

	if (!is_child_cmd(cmd))
		return -EINVAL;
	err = new_request(family, cmd, 0, &msg);
	if (err)
		return err;
	return finish(msg, fill_child_cmd(msg, name, path, flags), out);
}

/* NAME, CHILD{[PATH,] UUID}: a member named by its UUID (path may be NULL). */
static int fill_member(struct nl_msg *msg, const char *name,
		       const struct nexus_uuid *uuid, const char *path)
{
	struct nlattr *nest;
	int err = put_name(msg, name);

	if (err)
		return err;
	nest = nla_nest_start(msg, NEXUS_A_CHILD);
	if (!nest)
		return -EMSGSIZE;
	if (path)
		PUT_OR_FAIL(nla_put_string(msg, NEXUS_CHILD_A_PATH, path));
	PUT_OR_FAIL(nla_put(msg, NEXUS_CHILD_A_UUID, NEXUS_UUID_LEN, uuid->bytes));
	nla_nest_end(msg, nest);
	return 0;
}

static int build_member(int family, uint8_t cmd, const char *name,
			const struct nexus_uuid *uuid, const char *path,
			struct nl_msg **out)
{
	struct nl_msg *msg;
	int err = new_request(family, cmd, 0, &msg);

	if (err)
		return err;
	return finish(msg, fill_member(msg, name, uuid, path), out);
}

int nexus_build_forget_missing(int family, const char *name,
			       const struct nexus_uuid *uuid, struct nl_msg **out)
{
	return build_member(family, NEXUS_CMD_CHILD_REMOVE, name, uuid, NULL, out);
}

int nexus_build_online_member(int family, const char *name,
			      const struct nexus_uuid *uuid, const char *path,
			      struct nl_msg **out)
{
	return build_member(family, NEXUS_CMD_CHILD_ONLINE, name, uuid, path, out);
}

/* Does the nest nla (inside message nlh) cover byte offset? */
static bool nest_covers(const struct nlmsghdr *nlh, const struct nlattr *nla,
			uint32_t offset)
{
	size_t start = (const char *)nla - (const char *)nlh;

	return offset >= start && offset < start + (size_t)nla_total_size(nla_len(nla));
}

static const char *child_path(struct nlattr *child)
{
	struct nlattr *path = nla_find(nla_data(child), nla_len(child),
				       NEXUS_CHILD_A_PATH);

	return path ? nla_get_string(path) : NULL;
}

static const char *child_in(const struct nlmsghdr *nlh, struct nlattr *head,
			    int len, uint32_t offset)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem) {
		if (!nest_covers(nlh, nla, offset))
			continue;
		if (nla_type(nla) == NEXUS_A_CHILD)
			return child_path(nla);
		if (nla_type(nla) == NEXUS_A_CHILDREN)
			return child_in(nlh, nla_data(nla), nla_len(nla), offset);
	}
	return NULL;
}

const char *nexus_request_child_at(struct nl_msg *req, uint32_t offset)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);

	return child_in(nlh, genlmsg_attrdata(nlmsg_data(nlh), 0),
			genlmsg_attrlen(nlmsg_data(nlh), 0), offset);
}
