// SPDX-License-Identifier: Apache-2.0
/* Bringing a member of a nexus back from a path or URI (child_return.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "assemble.h"
#include "child_return.h"
#include "nexus_ops.h"
#include "uri.h"

const char *child_return_label(const struct child_return_dev *dev, char *buf,
			       size_t size)
{
	return child_label(dev->text, dev->t.path[0] ? dev->t.path : NULL, buf,
			   size);
}

const struct nexus_child_info *child_return_member(const struct nexus_info *info,
						   const char *path,
						   const struct label *label)
{
	const struct nexus_child_info *c = nexus_info_find_child(info, path);

	if (c || !label || !info->uuid_present ||
	    memcmp(label->nexus_uuid, info->uuid.bytes, NEXUS_UUID_LEN))
		return c;
	for (size_t i = 0; i < info->n_children; i++)
		if (info->children[i].uuid_present &&
		    !memcmp(info->children[i].uuid.bytes, label->child_uuid,
			    NEXUS_UUID_LEN))
			return &info->children[i];
	return NULL;
}

int child_return_plan(const struct nexus_child_info *c, const char *path,
		      enum child_return_how *how, char *why, size_t len)
{
	bool same = strcmp(c->path, path) == 0;

	switch (c->state) {
	case NEXUS_CHILD_OFFLINE:
		*how = same ? CHILD_RETURN_ONLINE : CHILD_RETURN_MEMBER;
		break;
	case NEXUS_CHILD_FAULTED:
		*how = CHILD_RETURN_MEMBER;
		break;
	case NEXUS_CHILD_MISSING:
		*how = CHILD_RETURN_ADD;
		break;
	default:
		/*
		 * Nothing to come back from: the kernel says so (and checks
		 * the caller's rights first, as for every other command).
		 */
		*how = CHILD_RETURN_ONLINE;
		return 0;
	}
	/* Without a member UUID the kernel knows it by its path only. */
	if (*how == CHILD_RETURN_MEMBER && !c->uuid_present) {
		if (!same) {
			snprintf(why, len, "the nexus reports no member UUID for "
				 "it: bring it back by its path %s", c->path);
			return -EINVAL;
		}
		*how = CHILD_RETURN_ONLINE;
	}
	return 0;
}

/* ---- finding the device ---------------------------------------------- */

static bool is_remote(const char *text)
{
	struct child_uri uri;

	return !child_uri_parse(text, &uri) && (uri.scheme == CHILD_SCHEME_NVMF ||
						uri.scheme == CHILD_SCHEME_ISCSI);
}

/*
 * A remote child is connected (or its connection reused).  A local one is
 * first looked up, so that a file finds the loop device its nexus holds;
 * only a file with none (a member missing since assembly) is attached.
 */
static int resolve(const struct child_resolvers *resolvers, const char *text,
		   struct child_target *t, char *why, size_t len)
{
	char attach_why[300];
	int rc;

	if (is_remote(text))
		return child_resolve(text, CHILD_ATTACH, resolvers, t, why, len);
	rc = child_resolve(text, CHILD_LOOKUP, resolvers, t, why, len);
	if (rc == 0 || !t->via_loop)
		return rc;
	rc = child_resolve(text, CHILD_ATTACH, resolvers, t, attach_why,
			   sizeof(attach_why));
	if (rc)
		snprintf(why, len, "%s", attach_why);
	return rc;
}

int child_return_find(const struct child_resolvers *resolvers, const char *text,
		      struct child_return_dev *dev, char *why, size_t len)
{
	char reason[300];
	const char *label_why;
	int rc;

	memset(dev, 0, sizeof(*dev));
	dev->t.loop.fd = -1;
	if (snprintf(dev->text, sizeof(dev->text), "%s", text) >= (int)sizeof(dev->text)) {
		snprintf(why, len, "child %.64s...: name too long", text);
		return -ENAMETOOLONG;
	}
	rc = resolve(resolvers, text, &dev->t, reason, sizeof(reason));
	if (rc) {
		snprintf(why, len, "child %s: %s", text, reason);
		return rc;
	}
	/* No label is no error yet: the device may be the child by its path. */
	dev->labelled = assemble_read_label(dev->t.path, &dev->label, &label_why) == 0;
	return 0;
}

void child_return_release(struct child_return_dev *dev)
{
	child_target_release(&dev->t);
}

/* ---- the kernel call ------------------------------------------------- */

/* Why dev is no child of info, as precisely as its label allows. */
static int not_a_child(const struct nexus_info *info,
		       const struct child_return_dev *dev, char *why, size_t len)
{
	char label[600];

	child_return_label(dev, label, sizeof(label));
	if (!dev->labelled)
		snprintf(why, len, "child %s: not a child of nexus %s (it has no "
			 "readable nexus label)", label, info->name);
	else if (memcmp(dev->label.nexus_uuid, info->uuid.bytes, NEXUS_UUID_LEN))
		snprintf(why, len, "child %s: not a child of nexus %s (its label "
			 "is of nexus %s)", label, info->name, dev->label.name);
	else
		snprintf(why, len, "child %s: not a child of nexus %s (its label "
			 "names no member of it: removed?)", label, info->name);
	return -ENODEV;
}

static int refused_by_filter(const struct nexus_child_info *c,
			     const struct child_return_dev *dev, char *why,
			     size_t len)
{
	char label[600], uuid[NEXUS_UUID_STRLEN + 1];

	snprintf(why, len, "child %s: member %s is %s (%s): not one to bring "
		 "back automatically", child_return_label(dev, label, sizeof(label)),
		 nexus_uuid_format(&c->uuid, uuid), nexus_child_state_str(c->state),
		 nexus_child_reason_str(c->reason));
	return -EPERM;
}

static int call_kernel(struct nexus_handle *h, const char *name,
		       const struct nexus_child_info *c, const char *path,
		       enum child_return_how how)
{
	switch (how) {
	case CHILD_RETURN_ONLINE:
		return nexus_child_online(h, name, path);
	case CHILD_RETURN_MEMBER:
		return nexus_child_online_member(h, name, &c->uuid, path);
	case CHILD_RETURN_ADD:
	default:
		return nexus_child_add(h, name, path, 0);
	}
}

static void fill_done(const struct nexus_child_info *c, const char *path,
		      enum child_return_how how, struct child_return_done *done)
{
	memset(done, 0, sizeof(*done));
	done->member = c->uuid;
	done->member_present = c->uuid_present;
	done->was = c->state;
	done->reason = c->reason;
	done->how = how;
	snprintf(done->old_path, sizeof(done->old_path), "%s", c->path);
	snprintf(done->path, sizeof(done->path), "%s", path);
}

/* The member found in info: plan, filter, kernel call. */
static int return_member(struct nexus_handle *h, const char *name,
			 const struct nexus_child_info *c,
			 const struct child_return_dev *dev,
			 child_return_filter filter, struct child_return_done *done,
			 char *why, size_t len)
{
	enum child_return_how how;
	char label[600], reason[300];
	int err;

	child_return_label(dev, label, sizeof(label));
	err = child_return_plan(c, dev->t.path, &how, reason, sizeof(reason));
	if (err) {
		snprintf(why, len, "child %s: %s", label, reason);
		return err;
	}
	if (filter && !filter(c))
		return refused_by_filter(c, dev, why, len);
	err = call_kernel(h, name, c, dev->t.path, how);
	if (err) {
		nexus_error_text(h, err, label, why, len);
		return err;
	}
	fill_done(c, dev->t.path, how, done);
	return 0;
}

int child_return_apply(struct nexus_handle *h, const char *name,
		       const struct child_return_dev *dev,
		       child_return_filter filter, struct child_return_done *done,
		       char *why, size_t len)
{
	const struct nexus_child_info *c;
	struct nexus_info info;
	int err = nexus_get(h, name, &info);

	if (err) {
		nexus_error_text(h, err, NULL, why, len);
		return err;
	}
	c = child_return_member(&info, dev->t.path,
				dev->labelled ? &dev->label : NULL);
	if (c)
		err = return_member(h, name, c, dev, filter, done, why, len);
	else
		err = not_a_child(&info, dev, why, len);
	nexus_info_free(&info);
	return err;
}
