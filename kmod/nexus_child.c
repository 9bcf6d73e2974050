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

/*
 * The same device under another path cannot join, nor can a nexus (this
 * one or another): a nexus over a nexus would route a child's failure
 * handling through the same workqueue as its parent's, and its labels
 * would sit inside the lower nexus's data region.
 */
static int nexus_child_check_unique(struct nexus_dev *nx,
				    struct nexus_child *new,
				    struct netlink_ext_ack *extack)
{
	dev_t devt = nexus_child_bdev(new)->bd_dev;
	struct nexus_child *c;
	unsigned int i;

	/* The child in @new's own slot is the one @new replaces (online). */
	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		if (c->slot != new->slot && nexus_child_bdev(c)->bd_dev == devt) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the device is already a child of the nexus");
			return -EEXIST;
		}
	}
	if (nexus_is_nexus_disk(nexus_child_bdev(new)->bd_disk)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the device is a nexus itself: nexuses do not stack");
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
 * Context: process, nx->cfg_lock held.  The caller publishes the child in
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
	INIT_LIST_HEAD(&c->bm_fault_node);
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
	c->md_sector = nexus_md_offset(bdev_nr_sectors(nexus_child_bdev(c)));
	if (!c->md_sector) {
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

/*
 * Context: process, @c's nexus's cfg_lock held (nexus_rebuild_release()
 * needs it); no IO may be in flight to @c.
 */
void nexus_child_close(struct nexus_child *c)
{
	nexus_rebuild_release(c);
	WARN_ON_ONCE(atomic_read(&c->inflight));
	nexus_bdev_close(&c->handle);
	bitmap_free(c->dirty);
	kfree(c);
}

/* The dirty bitmap, once the nexus size is known. */
int nexus_child_alloc_dirty(struct nexus_child *c)
{
	c->dirty = bitmap_zalloc(nexus_nr_regions(c->nx), GFP_KERNEL);
	return c->dirty ? 0 : -ENOMEM;
}

/**
 * nexus_child_find() - the child of @nx that @path names
 * @nx: the nexus
 * @path: the path the child was added with, or any path of the same device
 * @extack: where to say it is not there
 *
 * Context: process, nx->cfg_lock held.
 */
struct nexus_child *nexus_child_find(struct nexus_dev *nx, const char *path,
				     struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	unsigned int i;
	dev_t devt = 0;

	lockdep_assert_held(&nx->cfg_lock);
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

/**
 * nexus_child_find_member() - the child of @nx that is member @uuid
 * @nx: the nexus
 * @uuid: the member UUID its label carries
 * @extack: where to say it is not there
 *
 * Context: process, nx->cfg_lock held.
 */
struct nexus_child *nexus_child_find_member(struct nexus_dev *nx, const u8 *uuid,
					    struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	unsigned int i;

	lockdep_assert_held(&nx->cfg_lock);
	for (i = 0; (c = nexus_child_next(nx, &i)); i++)
		if (!memcmp(c->uuid, uuid, NEXUS_UUID_LEN))
			return c;
	if (nexus_missing_member_slot(nx, uuid) >= 0)
		NL_SET_ERR_MSG_MOD(extack,
				   "the member is missing, not a child: add its device with child add");
	else
		NL_SET_ERR_MSG_MOD(extack, "the nexus has no member with that UUID");
	return NULL;
}

/*
 * How many children are ONLINE.  Context: any; the label writer calls it
 * from workers that do not hold cfg_lock, hence RCU.
 */
unsigned int nexus_healthy_children(struct nexus_dev *nx)
{
	unsigned int n = 0, s;
	struct nexus_child *c;

	rcu_read_lock();
	for (s = 0; s < NEXUS_MAX_CHILDREN; s++) {
		c = READ_ONCE(nx->children[s]);
		n += c && nexus_child_readable(c);
	}
	rcu_read_unlock();
	return n;
}

static const char *const nexus_reason_names[] = {
	[NEXUS_REASON_NONE] = "none",
	[NEXUS_REASON_IO_ERROR] = "io error",
	[NEXUS_REASON_REMOVED] = "removed",
	[NEXUS_REASON_ADMIN] = "admin",
	[NEXUS_REASON_REBUILD_FAILED] = "rebuild failed",
};

/* Tell the log and the listeners; recompute the nexus state. */
static void nexus_child_state_changed(struct nexus_child *c,
				      enum nexus_child_state state,
				      enum nexus_child_reason reason)
{
	WRITE_ONCE(c->reason, reason);
	/* What it did not flush for goes back into the bitmap first. */
	if (state == NEXUS_CHILD_FAULTED)
		nexus_bitmap_settle_fault(c);
	/* Durable first: a failed write is acknowledged only after this. */
	nexus_meta_update(c->nx);
	if (state == NEXUS_CHILD_FAULTED)
		pr_err("%s: child %s faulted (%s)\n", c->nx->name, c->path,
		       nexus_reason_names[reason]);
	nexus_event_child(c, NEXUS_EVENT_CHILD_STATE);
	nexus_update_state(c->nx);
	nexus_rebuild_wake(c);
}

enum nexus_transition {
	NEXUS_TO_ANY,		/* any change but a fault over a fault */
	NEXUS_FROM_ONE,		/* only from the given state */
	NEXUS_FROM_WRITABLE,	/* only from a state that takes writes */
	NEXUS_UNLESS_LAST,	/* as TO_ANY, but not the last ONLINE child */
};

static bool nexus_transition_allowed(enum nexus_transition how,
				     enum nexus_child_state old,
				     enum nexus_child_state from,
				     enum nexus_child_state to,
				     enum nexus_child_reason reason)
{
	if (old == to)
		return false;
	switch (how) {
	case NEXUS_FROM_ONE:
		return old == from;
	case NEXUS_FROM_WRITABLE:
		return nexus_state_writable(old);
	default:
		/* A faulted child only leaves that state by admin action. */
		return !(old == NEXUS_CHILD_FAULTED && reason == NEXUS_REASON_IO_ERROR);
	}
}

/* Is a child other than @c ONLINE?  Under nx->excl_lock: states hold still. */
static bool nexus_other_readable(struct nexus_child *c)
{
	struct nexus_dev *nx = c->nx;
	unsigned int s, slots = READ_ONCE(nx->nr_slots);
	bool found = false;

	rcu_read_lock();
	for (s = 0; s < slots && !found; s++) {
		struct nexus_child *o = READ_ONCE(nx->children[s]);

		found = o && o != c && nexus_child_readable(o);
	}
	rcu_read_unlock();
	return found;
}

/*
 * Publish a new state for @c under nx->excl_lock.  A change that stops
 * the child taking writes bumps nx->excl_seq first: writes dispatched
 * after it may leave the child out, and wait until the label that
 * records the change is durable (nexus_meta.c takes the sequence under the
 * same lock, so every change it counts is one it sees).
 */
static bool nexus_child_transition(struct nexus_child *c,
				   enum nexus_transition how,
				   enum nexus_child_state from,
				   enum nexus_child_state to,
				   enum nexus_child_reason reason)
{
	struct nexus_dev *nx = c->nx;
	enum nexus_child_state old;
	bool ok;

	spin_lock(&nx->excl_lock);
	old = c->state;
	ok = nexus_transition_allowed(how, old, from, to, reason);
	if (ok && how == NEXUS_UNLESS_LAST && old == NEXUS_CHILD_ONLINE)
		ok = nexus_other_readable(c);
	if (ok) {
		if (nexus_state_writable(old) && !nexus_state_writable(to)) {
			atomic_inc(&nx->excl_seq);
			/* Pairs with smp_rmb() in nexus_write_dispatch(). */
			smp_mb__after_atomic();
		}
		/* Back to serving reads: measured afresh. */
		if (to == NEXUS_CHILD_ONLINE)
			nexus_read_est_reset(c);
		WRITE_ONCE(c->state, to);
	}
	spin_unlock(&nx->excl_lock);
	if (ok)
		nexus_child_state_changed(c, to, reason);
	return ok;
}

/**
 * nexus_child_set_state() - change a child's state and tell listeners
 * @c: the child
 * @state: new state
 * @reason: why (for FAULTED and OFFLINE)
 *
 * Returns once the change is durable in the labels.
 * Context: process.  Called from netlink, or from the IO error, rebuild
 * and bitmap workers, which never take the configuration locks.
 */
void nexus_child_set_state(struct nexus_child *c,
			   enum nexus_child_state state,
			   enum nexus_child_reason reason)
{
	nexus_child_transition(c, NEXUS_TO_ANY, 0, state, reason);
}

/**
 * nexus_child_fault_read() - fault @c for a read error, unless it is the last
 * @c: the child a read failed on
 *
 * The last ONLINE child stays ONLINE and keeps serving what it can, as a
 * lone disk does (md raid1 never fails its last In_sync device either):
 * faulted, it would leave no copy to read or rebuild from, and labels with
 * no active member, which assembly refuses.  The read that failed fails.
 * Returns true if @c serves no reads now (faulted, now or before): the
 * read may be tried on another child.
 * Context: process (the fail, rebuild and scrub workers).
 */
bool nexus_child_fault_read(struct nexus_child *c)
{
	return nexus_child_transition(c, NEXUS_UNLESS_LAST, 0,
				      NEXUS_CHILD_FAULTED,
				      NEXUS_REASON_IO_ERROR) ||
	       !nexus_child_readable(c);
}

/**
 * nexus_child_change_state() - change @c's state only if it is @from
 * @c: the child
 * @from: the state it must be in
 * @to: the new state
 * @reason: why
 *
 * Context: process.  Return: whether the change was made.
 */
bool nexus_child_change_state(struct nexus_child *c,
			      enum nexus_child_state from,
			      enum nexus_child_state to,
			      enum nexus_child_reason reason)
{
	return nexus_child_transition(c, NEXUS_FROM_ONE, from, to, reason);
}

/*
 * A slot for a device being added: a free one, else (@*reserved set) one
 * kept for a member that is away, which only that member may take back
 * (nexus_child_rejoin() moves it to its own slot); -E2BIG if none.
 */
static int nexus_add_slot(struct nexus_dev *nx, bool *reserved)
{
	unsigned int i;

	*reserved = false;
	/* Slots of members that are away are kept for their return. */
	for (i = 0; i < NEXUS_MAX_CHILDREN; i++)
		if (!nx->children[i] && !nexus_member_slot_taken(nx, i))
			return i;
	*reserved = true;
	for (i = 0; i < NEXUS_MAX_CHILDREN; i++)
		if (!nx->children[i])
			return i;
	return -E2BIG;
}

/* With every free slot kept for a member away, only such a member joins. */
static int nexus_child_rejoin_only(struct nexus_child *c, u32 flags,
				   struct netlink_ext_ack *extack)
{
	int ret = nexus_child_rejoin(c, flags, extack);

	if (ret || !memcmp(c->nx->members[c->slot].uuid, c->uuid,
			   NEXUS_UUID_LEN))
		return ret;
	NL_SET_ERR_MSG_MOD(extack, "the nexus has the most children it can have");
	return -E2BIG;
}

/* Can @c hold the nexus's data, with blocks the nexus can address? */
static int nexus_child_fits(struct nexus_child *c, struct netlink_ext_ack *extack)
{
	struct block_device *bdev = nexus_child_bdev(c);
	struct nexus_dev *nx = c->nx;

	if (c->md_sector < nx->sectors) {
		NL_SET_ERR_MSG_MOD(extack, "the child is smaller than the nexus");
		return -ENOSPC;
	}
	if (bdev_logical_block_size(bdev) > queue_logical_block_size(nx->disk->queue)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the child's logical block size is larger than the nexus's");
		return -EINVAL;
	}
	return 0;
}

/*
 * Start the rebuild of a child that has just joined or come back.  The
 * change is made by now and the command succeeds: a rebuild that cannot
 * start is said in the reply (a warning) and the log, and the child waits
 * OUT_OF_SYNC for `rebuild start`.
 */
static void nexus_child_catch_up(struct nexus_child *c,
				 struct netlink_ext_ack *extack)
{
	int ret = nexus_rebuild_start(c, extack);

	if (!ret)
		return;
	pr_warn("%s: child %s: rebuild not started (%d); it waits for rebuild start\n",
		c->nx->name, c->path, ret);
	if (extack && !extack->_msg)
		NL_SET_ERR_MSG_MOD(extack,
				   "the rebuild could not start; the child waits out of sync");
}

/* What a joining child's label must say; sets c->needs_full. */
typedef int (*nexus_label_check_t)(struct nexus_child *c, u32 flags,
				   struct netlink_ext_ack *extack);

/*
 * Open @path as the child in @slot (member @uuid, or a new one when NULL),
 * ready to be published: it fits, its label passes @check, its dirty map
 * is allocated and the nexus's limits take it in.
 */
static struct nexus_child *
nexus_child_open_ready(struct nexus_dev *nx, const char *path, unsigned int slot,
		       const u8 *uuid, nexus_label_check_t check, u32 flags,
		       struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	int ret;

	c = nexus_child_open(nx, path, slot, extack);
	if (IS_ERR(c))
		return c;
	if (uuid)
		memcpy(c->uuid, uuid, NEXUS_UUID_LEN);
	c->needs_full = true;
	ret = nexus_child_fits(c, extack);
	if (!ret)
		ret = check(c, flags, extack);
	if (!ret)
		ret = nexus_child_alloc_dirty(c);
	if (!ret)
		ret = nexus_restack_limits(nx, c, extack);
	if (ret) {
		nexus_child_close(c);
		return ERR_PTR(ret);
	}
	return c;
}

/**
 * nexus_child_add() - add a child to a live nexus
 * @nx: the nexus
 * @path: block device path
 * @flags: NEXUS_F_NOREBUILD to leave it OUT_OF_SYNC without a rebuild
 * @extack: where to say what went wrong
 *
 * The child joins OUT_OF_SYNC with every region dirty: it receives each new
 * write from the moment it is published, and the rebuild copies the rest.
 * Context: process, nx->cfg_lock held.
 */
int nexus_child_add(struct nexus_dev *nx, const char *path, u32 flags,
		    struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	bool reserved;
	int slot;

	lockdep_assert_held(&nx->cfg_lock);
	slot = nexus_add_slot(nx, &reserved);
	if (slot < 0)
		goto full;
	if (!(flags & NEXUS_F_NOREBUILD) && !nexus_healthy_children(nx)) {
		NL_SET_ERR_MSG_MOD(extack, "no healthy child to rebuild from");
		return -ENODEV;
	}
	c = nexus_child_open_ready(nx, path, slot, NULL,
				   reserved ? nexus_child_rejoin_only :
					      nexus_child_rejoin,
				   flags, extack);
	if (IS_ERR(c))
		return PTR_ERR(c);
	if (c->needs_full)
		bitmap_fill(c->dirty, nexus_nr_regions(nx));
	c->state = NEXUS_CHILD_OUT_OF_SYNC;
	nexus_bitmap_vouch_new(c);
	nexus_slot_cover(nx, c->slot);
	/* The IO path may use the child as soon as it sees the pointer. */
	smp_store_release(&nx->children[c->slot], c);
	if (!c->needs_full) {
		/* Writers that did not see it have set their bits by now. */
		synchronize_rcu();
		nexus_bitmap_to_dirty(nx, c->dirty);
	}

	pr_info("%s: child %s added\n", nx->name, path);
	nexus_event_child(c, NEXUS_EVENT_CHILD_ADDED);
	nexus_meta_update(nx);
	nexus_update_state(nx);
	if (!(flags & NEXUS_F_NOREBUILD))
		nexus_child_catch_up(c, extack);
	return 0;

full:
	NL_SET_ERR_MSG_MOD(extack, "the nexus has the most children it can have");
	return -E2BIG;
}

/* Would taking @c out of service leave the nexus without a healthy child? */
static bool nexus_child_is_last_healthy(struct nexus_child *c)
{
	return nexus_child_readable(c) && nexus_healthy_children(c->nx) == 1;
}

/**
 * nexus_child_remove() - stop using a child and close it
 * @c: the child
 * @flags: NEXUS_F_FORCE to remove even the last healthy child
 * @extack: where to say why not
 *
 * Context: process, nx->cfg_lock held.
 */
int nexus_child_remove(struct nexus_child *c, u32 flags,
		       struct netlink_ext_ack *extack)
{
	struct nexus_dev *nx = c->nx;
	unsigned int slot = c->slot;

	lockdep_assert_held(&nx->cfg_lock);
	if (nexus_child_is_last_healthy(c) && !(flags & NEXUS_F_FORCE)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot remove the last healthy child without force");
		return -EBUSY;
	}
	nexus_rebuild_stop(c);
	/*
	 * Durable before anything is acknowledged without it: the labels
	 * call it faulted, so a crash from here on never makes it a source.
	 */
	nexus_child_set_state(c, NEXUS_CHILD_FAULTED, NEXUS_REASON_REMOVED);
	WRITE_ONCE(c->reason, NEXUS_REASON_REMOVED);
	WRITE_ONCE(nx->children[c->slot], NULL);
	/* Every submitter that saw the child has taken its inflight count. */
	synchronize_rcu();
	wait_event(nx->child_drain_wq, !atomic_read(&c->inflight));
	/* Failed clones of @c may still sit with the fail worker. */
	flush_work(&nx->fail_work);

	pr_info("%s: child %s removed\n", nx->name, c->path);
	nexus_event_child(c, NEXUS_EVENT_CHILD_REMOVED);
	nexus_child_close(c);
	nexus_meta_forget(nx, slot);
	nexus_update_state(nx);
	return 0;
}

/* Context: process, nx->cfg_lock held. */
int nexus_child_fault(struct nexus_child *c, u32 flags,
		      struct netlink_ext_ack *extack)
{
	if (READ_ONCE(c->state) == NEXUS_CHILD_FAULTED) {
		NL_SET_ERR_MSG_MOD(extack, "the child is already faulted");
		return -EINVAL;
	}
	if (nexus_child_is_last_healthy(c) && !(flags & NEXUS_F_FORCE)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot fault the last healthy child without force");
		return -EBUSY;
	}
	nexus_rebuild_stop(c);
	nexus_child_set_state(c, NEXUS_CHILD_FAULTED, NEXUS_REASON_ADMIN);
	return 0;
}

/*
 * Take @c out of service, expecting it back: from now on the writes it
 * misses are recorded in its dirty bitmap.
 * Context: process, nx->cfg_lock held.
 */
int nexus_child_offline(struct nexus_child *c, struct netlink_ext_ack *extack)
{
	if (!nexus_child_writable(c)) {
		NL_SET_ERR_MSG_MOD(extack, "the child is not online");
		return -EINVAL;
	}
	if (nexus_child_is_last_healthy(c)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot take the last healthy child offline");
		return -EBUSY;
	}
	nexus_rebuild_stop(c);
	/* The stopped rebuild may have faulted it: that is not undone. */
	if (!nexus_child_transition(c, NEXUS_FROM_WRITABLE, 0, NEXUS_CHILD_OFFLINE,
				    NEXUS_REASON_ADMIN)) {
		NL_SET_ERR_MSG_MOD(extack, "the child faulted; it stays faulted");
		return -EIO;
	}
	return 0;
}

/*
 * Put @c, open on member @old's device as it is now, in @old's slot.
 * @old takes no IO (FAULTED or OFFLINE): it is closed once what it had in
 * flight is done, which a dead transport bounds by its own timeouts.
 */
static void nexus_child_replace(struct nexus_child *old, struct nexus_child *c)
{
	struct nexus_dev *nx = old->nx;

	nexus_rebuild_stop(old);
	if (c->needs_full)
		bitmap_fill(c->dirty, nexus_nr_regions(nx));
	c->state = NEXUS_CHILD_OUT_OF_SYNC;
	nexus_bitmap_vouch_new(c);
	/* The IO path may use the child as soon as it sees the pointer. */
	smp_store_release(&nx->children[c->slot], c);
	/* No one sees @old now; writers that missed @c have set their bits. */
	synchronize_rcu();
	wait_event(nx->child_drain_wq, !atomic_read(&old->inflight));
	/* Failed clones of @old may still sit with the fail worker. */
	flush_work(&nx->fail_work);
	nexus_child_close(old);
	if (!c->needs_full)
		nexus_bitmap_to_dirty(nx, c->dirty);
}

/*
 * Bring member @old back on its device at @path: the device must carry
 * its label.  It catches up from the bitmap when the labels kept it behind
 * by the bitmap (faulted by an IO error, or offline), else from scratch.
 */
static int nexus_child_return(struct nexus_child *old, const char *path,
			      u32 flags, struct netlink_ext_ack *extack)
{
	struct nexus_child *c;

	c = nexus_child_open_ready(old->nx, path, old->slot, old->uuid,
				   nexus_child_check_return, flags, extack);
	if (IS_ERR(c))
		return PTR_ERR(c);
	nexus_child_replace(old, c);
	pr_info("%s: child %s back as member %u (%s)\n", c->nx->name, c->path,
		c->slot, c->needs_full ? "full copy" : "bitmap regions");
	nexus_event_child(c, NEXUS_EVENT_CHILD_STATE);
	nexus_meta_update(c->nx);
	nexus_update_state(c->nx);
	nexus_child_catch_up(c, extack);
	return 0;
}

/*
 * What an OFFLINE child on the same device must copy.  Not only the regions
 * written while it was away: nothing flushed it when it left, so its
 * volatile cache may since have lost writes it had acknowledged (a target
 * power-cycled for maintenance).  The bitmap still holds those regions, as
 * nothing is cleared while a member is OFFLINE, unless a sweep cleared bits
 * without its flush as it left (not vouched), or there is no bitmap, or its
 * first copy was not done: then all of it, as md re-adds without a bitmap.
 * The labels say the same (nexus_member_state_of()).
 * Context: process, @c OFFLINE (writers set bits in c->dirty meanwhile).
 */
static void nexus_child_offline_dirty(struct nexus_child *c)
{
	struct nexus_dev *nx = c->nx;

	if (nexus_bitmap_covers(c))
		nexus_bitmap_to_dirty(nx, c->dirty);
	else
		bitmap_fill(c->dirty, nexus_nr_regions(nx));
}

/**
 * nexus_child_online() - bring an OFFLINE or FAULTED child back
 * @c: the child
 * @path: where its device is now
 * @reopen: open @path even for an OFFLINE child (it was named by member UUID)
 * @flags: NEXUS_F_FORCE takes back a child used without this nexus's
 *	   online children (split brain), with a full copy
 * @extack: where to say why not
 *
 * An OFFLINE child receives writes again at once, and a rebuild copies the
 * regions it missed and those it may not have flushed before it left
 * (nexus_child_offline_dirty()).  A FAULTED one (a lost target, often) is
 * opened again at @path: the device may be new (a remote namespace that
 * came back), the member UUID in its label says it is this member.
 * Context: process, nx->cfg_lock held.
 */
int nexus_child_online(struct nexus_child *c, const char *path, bool reopen,
		       u32 flags, struct netlink_ext_ack *extack)
{
	switch (READ_ONCE(c->state)) {
	case NEXUS_CHILD_OFFLINE:
		if (reopen)
			return nexus_child_return(c, path, flags, extack);
		break;
	case NEXUS_CHILD_FAULTED:
		return nexus_child_return(c, path, flags, extack);
	default:
		NL_SET_ERR_MSG_MOD(extack, "the child is not offline or faulted");
		return -EINVAL;
	}
	nexus_child_offline_dirty(c);
	if (!nexus_child_change_state(c, NEXUS_CHILD_OFFLINE,
				      NEXUS_CHILD_OUT_OF_SYNC, NEXUS_REASON_NONE)) {
		NL_SET_ERR_MSG_MOD(extack, "the child faulted; online it again");
		return -EAGAIN;
	}
	/* Writers that still saw it OFFLINE have marked their regions. */
	synchronize_rcu();
	nexus_child_catch_up(c, extack);
	return 0;
}
