/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nexus commands: build a request, run the transaction, parse replies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

/* Names the client-side reason a builder refused its arguments. */
static int build_failed(struct nexus_handle *h, int err)
{
	if (err == -EINVAL)
		return nexus_fail(h, err, "invalid request arguments");
	return nexus_fail(h, err, "cannot build the request");
}

static int run(struct nexus_handle *h, int err, struct nl_msg *req,
	       nexus_reply_fn fn, void *arg)
{
	if (err)
		return build_failed(h, err);
	return nexus_transact(h, req, fn, arg);
}

static int check_name(struct nexus_handle *h, const char *name)
{
	if (!nexus_name_valid(name))
		return nexus_fail(h, -EINVAL, "invalid nexus name (1-%d characters "
				  "of A-Z a-z 0-9 . _ -, starting with a letter "
				  "or digit)", NEXUS_NAME_MAX);
	return 0;
}

static int check_path(struct nexus_handle *h, const char *path)
{
	if (!nexus_path_valid(path))
		return nexus_fail(h, -EINVAL, "invalid child path (1-%d characters)",
				  NEXUS_PATH_MAX);
	return 0;
}

int nexus_create(struct nexus_handle *h, const struct nexus_create_req *req)
{
	struct nl_msg *msg = NULL;
	int err = check_name(h, req->name);

	if (err)
		return err;
	if (req->n_children == 0 || req->n_children > NEXUS_MAX_CHILDREN)
		return nexus_fail(h, -EINVAL, "a nexus needs 1 to %d children",
				  NEXUS_MAX_CHILDREN);
	err = nexus_build_create(h->family, req, &msg);
	return run(h, err, msg, NULL, NULL);
}

int nexus_destroy(struct nexus_handle *h, const char *name, uint32_t flags)
{
	struct nl_msg *msg = NULL;
	int err = check_name(h, name);

	if (err)
		return err;
	err = nexus_build_destroy(h->family, name, flags, &msg);
	return run(h, err, msg, NULL, NULL);
}

struct get_one {
	struct nexus_info *out;
	bool got;
};

static int collect_one(const struct nlmsghdr *nlh, void *arg)
{
	struct get_one *g = arg;

	if (g->got)
		return 0;	/* a do-request has one reply; ignore extras */
	g->got = true;
	return nexus_parse_nexus(nlh, g->out);
}

int nexus_get(struct nexus_handle *h, const char *name, struct nexus_info *out)
{
	struct get_one g = { .out = out };
	struct nl_msg *msg = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	err = check_name(h, name);
	if (err)
		return err;
	err = nexus_build_get(h->family, name, &msg);
	err = run(h, err, msg, collect_one, &g);
	if (!err && !g.got)
		err = nexus_fail(h, -EPROTO, "the kernel sent no reply");
	if (err)
		nexus_info_free(out);
	return err;
}

static int collect_all(const struct nlmsghdr *nlh, void *arg)
{
	struct nexus_list *list = arg;
	struct nexus_info *grown;
	int err;

	grown = realloc(list->items, (list->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	list->items = grown;
	err = nexus_parse_nexus(nlh, &list->items[list->count]);
	if (!err)
		list->count++;
	return err;
}

int nexus_list(struct nexus_handle *h, struct nexus_list *out)
{
	struct nl_msg *msg = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	err = nexus_build_get(h->family, NULL, &msg);
	err = run(h, err, msg, collect_all, out);
	if (err)
		nexus_list_free(out);
	return err;
}

int nexus_set(struct nexus_handle *h, const char *name,
	      const struct nexus_set_req *req)
{
	struct nl_msg *msg = NULL;
	int err = check_name(h, name);

	if (err)
		return err;
	err = nexus_build_set(h->family, name, req, &msg);
	return run(h, err, msg, NULL, NULL);
}

static int child_cmd(struct nexus_handle *h, uint8_t cmd, const char *name,
		     const char *path, uint32_t flags)
{
	struct nl_msg *msg = NULL;
	int err = check_name(h, name);

	if (!err)
		err = check_path(h, path);
	if (err)
		return err;
	err = nexus_build_child_cmd(h->family, cmd, name, path, flags, &msg);
	return run(h, err, msg, NULL, NULL);
}

int nexus_child_add(struct nexus_handle *h, const char *name,
		    const char *path, uint32_t flags)
{
	return child_cmd(h, NEXUS_CMD_CHILD_ADD, name, path, flags);
}

int nexus_child_remove(struct nexus_handle *h, const char *name,
		       const char *path, uint32_t flags)
{
	return child_cmd(h, NEXUS_CMD_CHILD_REMOVE, name, path, flags);
}

int nexus_forget_missing(struct nexus_handle *h, const char *name,
			 const struct nexus_uuid *uuid)
{
	struct nl_msg *msg = NULL;
	int err = check_name(h, name);

	if (err)
		return err;
	err = nexus_build_forget_missing(h->family, name, uuid, &msg);
	return run(h, err, msg, NULL, NULL);
}

int nexus_child_fault(struct nexus_handle *h, const char *name, const char *path)
{
	return child_cmd(h, NEXUS_CMD_CHILD_FAULT, name, path, 0);
}

int nexus_child_offline(struct nexus_handle *h, const char *name, const char *path)
{
	return child_cmd(h, NEXUS_CMD_CHILD_OFFLINE, name, path, 0);
}

int nexus_child_online(struct nexus_handle *h, const char *name, const char *path)
{
	return child_cmd(h, NEXUS_CMD_CHILD_ONLINE, name, path, 0);
}

int nexus_child_online_member(struct nexus_handle *h, const char *name,
			      const struct nexus_uuid *uuid, const char *path)
{
	struct nl_msg *msg = NULL;
	int err = check_name(h, name);

	if (!err)
		err = check_path(h, path);
	if (err)
		return err;
	err = nexus_build_online_member(h->family, name, uuid, path, &msg);
	return run(h, err, msg, NULL, NULL);
}

int nexus_rebuild_start(struct nexus_handle *h, const char *name, const char *path)
{
	return child_cmd(h, NEXUS_CMD_REBUILD_START, name, path, 0);
}

int nexus_rebuild_stop(struct nexus_handle *h, const char *name, const char *path)
{
	return child_cmd(h, NEXUS_CMD_REBUILD_STOP, name, path, 0);
}

int nexus_rebuild_pause(struct nexus_handle *h, const char *name, const char *path)
{
	return child_cmd(h, NEXUS_CMD_REBUILD_PAUSE, name, path, 0);
}

int nexus_rebuild_resume(struct nexus_handle *h, const char *name, const char *path)
{
	return child_cmd(h, NEXUS_CMD_REBUILD_RESUME, name, path, 0);
}

static int nexus_cmd(struct nexus_handle *h, uint8_t cmd, const char *name,
		     uint32_t flags)
{
	struct nl_msg *msg = NULL;
	int err = check_name(h, name);

	if (err)
		return err;
	err = nexus_build_nexus_cmd(h->family, cmd, name, flags, &msg);
	return run(h, err, msg, NULL, NULL);
}

int nexus_check(struct nexus_handle *h, const char *name, uint32_t flags)
{
	if (flags & ~NEXUS_F_REPAIR)
		return nexus_fail(h, -EINVAL, "check takes only NEXUS_F_REPAIR");
	return nexus_cmd(h, NEXUS_CMD_NEXUS_CHECK, name, flags);
}

int nexus_check_stop(struct nexus_handle *h, const char *name)
{
	return nexus_cmd(h, NEXUS_CMD_NEXUS_CHECK_STOP, name, 0);
}
