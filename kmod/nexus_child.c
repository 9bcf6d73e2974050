// SPDX-License-Identifier: GPL-2.0
/*
 * Children of a nexus: opening them exclusively, finding them by path, and
 * their state.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "nexus.h"

static void nexus_child_open_error(int err, struct netlink_ext_ack *extack)
{
	switch (err) {
	case -ENOENT:
		NL_SET_ERR_MSG_MOD(extack, "child device does not exist");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_MOD(extack,
				   "child device is in use (open exclusively elsewhere)");
		break;
	case -ENOTBLK:
		NL_SET_ERR_MSG_MOD(extack, "child is not a block device");
		break;
	case -EACCES:
	case -EROFS:
		NL_SET_ERR_MSG_MOD(extack, "child device is read-only");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "cannot open child device");
	}
}

/* The same device under another path, or the nexus itself, cannot join. */
static int nexus_child_check_unique(struct nexus_dev *nx,
				    struct nexus_child *new,
				    struct netlink_ext_ack *extack)
{
	dev_t devt = nexus_child_bdev(new)->bd_dev;
	struct nexus_child *c;
	unsigned int i;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		if (c != new && nexus_child_bdev(c)->bd_dev == devt) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the same device is given twice as a child");
			return -EINVAL;
		}
	}
	if (nx->disk && disk_devt(nx->disk) == devt) {
		NL_SET_ERR_MSG_MOD(extack, "a nexus cannot be its own child");
		return -EINVAL;
	}
	return 0;
}

/**
 * nexus_child_open() - open a block device as a child of @nx
 * @nx: the nexus
 * @path: block device path
 * @slot: the slot it will take
 * @extack: where to say what went wrong
 *
 * Context: process, nexus_lock held.  The caller publishes the child in
 * @nx->children[@slot].
 */
struct nexus_child *nexus_child_open(struct nexus_dev *nx, const char *path,
				     unsigned int slot,
				     struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->nx = nx;
	c->slot = slot;
	c->state = NEXUS_CHILD_ONLINE;
	strscpy(c->path, path, sizeof(c->path));
	generate_random_uuid(c->uuid);

	ret = nexus_bdev_open(&c->handle, path, nx);
	if (ret) {
		pr_err("%s: cannot open child %s: %d\n", nx->name, path, ret);
		nexus_child_open_error(ret, extack);
		goto free;
	}
	/* Exclusive opens by the same holder succeed: check for twins. */
	ret = nexus_child_check_unique(nx, c, extack);
	if (ret)
		goto close;
	if (!nexus_md_offset(bdev_nr_sectors(nexus_child_bdev(c)))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "child is too small for data and metadata");
		ret = -ENOSPC;
		goto close;
	}
	return c;

close:
	nexus_bdev_close(&c->handle);
free:
	kfree(c);
	return ERR_PTR(ret);
}

/* Context: process; no IO may be in flight to @c. */
void nexus_child_close(struct nexus_child *c)
{
	WARN_ON_ONCE(atomic_read(&c->inflight));
	nexus_bdev_close(&c->handle);
	kfree(c);
}

/**
 * nexus_child_find() - the child of @nx that @path names
 * @nx: the nexus
 * @path: the path the child was added with, or any path of the same device
 * @extack: where to say it is not there
 *
 * Context: process, nexus_lock held.
 */
struct nexus_child *nexus_child_find(struct nexus_dev *nx, const char *path,
				     struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	unsigned int i;
	dev_t devt = 0;

	lockdep_assert_held(&nexus_lock);
	if (lookup_bdev(path, &devt))
		devt = 0;
	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		if (!strcmp(c->path, path) ||
		    (devt && nexus_child_bdev(c)->bd_dev == devt))
			return c;
	}
	NL_SET_ERR_MSG_MOD(extack, "the nexus has no such child");
	return NULL;
}

/* Reads are served only by children that hold every write. */
bool nexus_child_readable(const struct nexus_child *c)
{
	return READ_ONCE(c->state) == NEXUS_CHILD_ONLINE;
}

/* Writes also go to children that are catching up. */
bool nexus_child_writable(const struct nexus_child *c)
{
	switch (READ_ONCE(c->state)) {
	case NEXUS_CHILD_ONLINE:
	case NEXUS_CHILD_OUT_OF_SYNC:
	case NEXUS_CHILD_REBUILDING:
		return true;
	default:
		return false;
	}
}

unsigned int nexus_healthy_children(struct nexus_dev *nx)
{
	unsigned int n = 0, i;
	struct nexus_child *c;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++)
		n += nexus_child_readable(c);
	return n;
}

/**
 * nexus_child_set_state() - change a child's state and tell listeners
 * @c: the child
 * @state: new state
 * @reason: why (for FAULTED and OFFLINE)
 *
 * Context: process.  Called under nexus_lock from netlink, or from the IO
 * error worker, which cannot take nexus_lock (destroy holds it while it
 * waits for IO); the cmpxchg makes the two agree on one transition.
 */
void nexus_child_set_state(struct nexus_child *c,
			   enum nexus_child_state state,
			   enum nexus_child_reason reason)
{
	enum nexus_child_state old = READ_ONCE(c->state);

	do {
		if (old == state)
			return;
		/* A faulted child only leaves that state by admin action. */
		if (old == NEXUS_CHILD_FAULTED && reason == NEXUS_REASON_IO_ERROR)
			return;
	} while (!try_cmpxchg(&c->state, &old, state));

	WRITE_ONCE(c->reason, reason);
	if (state == NEXUS_CHILD_FAULTED)
		pr_err("%s: child %s faulted (%s)\n", c->nx->name, c->path,
		       reason == NEXUS_REASON_IO_ERROR ? "io error" : "admin");
	nexus_event_child(c, NEXUS_EVENT_CHILD_STATE);
	nexus_update_state(c->nx);
}
