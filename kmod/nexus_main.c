// SPDX-License-Identifier: GPL-2.0
/*
 * nexus.ko: module init/exit and the lifetime of a nexus (create, destroy,
 * the gendisk and its queue limits).
 *
 * ORDER at init: netlink family last, so no command can arrive before the
 * module is ready; at exit the family goes first.  The module cannot be
 * unloaded while a nexus exists: every nexus holds a module reference.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include <linux/string.h>

#include "nexus.h"

/* nexus_list, the names and nx->live; never held across IO (nexus.h). */
DEFINE_MUTEX(nexus_lock);
static LIST_HEAD(nexus_list);

#define NEXUS_DEFAULT_REGION_SIZE	(4U << 20)

/**
 * nexus_md_offset() - first sector of a child's metadata area
 * @child_sectors: size of the child in sectors
 *
 * The metadata area is the last NEXUS_MD_RESERVE bytes below the child's
 * size rounded down to NEXUS_MD_ALIGN; everything before it is data, starting
 * at sector 0.  Returns 0 for a child too small to hold any data.
 */
sector_t nexus_md_offset(sector_t child_sectors)
{
	sector_t aligned = round_down(child_sectors, NEXUS_MD_ALIGN >> SECTOR_SHIFT);
	sector_t reserve = NEXUS_MD_RESERVE >> SECTOR_SHIFT;

	return aligned > reserve ? aligned - reserve : 0;
}

/*
 * The kernel's isalnum() follows Latin-1 and takes bytes such as 0xff for
 * letters: names are ASCII only.
 */
static bool nexus_name_alnum(char c)
{
	return isascii(c) && isalnum(c);
}

/* Names are gendisk names too: 1..NEXUS_NAME_MAX of [A-Za-z0-9._-]. */
bool nexus_name_valid(const char *name)
{
	size_t len = strnlen(name, NEXUS_NAME_MAX + 1);
	size_t i;

	if (len == 0 || len > NEXUS_NAME_MAX || !nexus_name_alnum(name[0]))
		return false;
	for (i = 0; i < len; i++)
		if (!nexus_name_alnum(name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

/* Any nexus of that name, being created or destroyed too. */
static struct nexus_dev *nexus_find(const char *name)
{
	struct nexus_dev *nx;

	lockdep_assert_held(&nexus_lock);
	list_for_each_entry(nx, &nexus_list, node)
		if (!strcmp(nx->name, name))
			return nx;
	return NULL;
}

/**
 * nexus_get_by_name() - a live nexus, with a reference
 * @name: its name
 *
 * The reference (on its gendisk, whose release frees @nx) keeps the
 * structure, but not the nexus: a destroy may run meanwhile, which those
 * that take nx->cfg_lock tell by nx->live.  Drop it with nexus_put().
 */
struct nexus_dev *nexus_get_by_name(const char *name)
{
	struct nexus_dev *nx;

	mutex_lock(&nexus_lock);
	nx = nexus_find(name);
	if (nx && nx->live)
		get_device(disk_to_dev(nx->disk));
	else
		nx = NULL;
	mutex_unlock(&nexus_lock);
	return nx;
}

void nexus_put(struct nexus_dev *nx)
{
	put_device(disk_to_dev(nx->disk));
}

/* The live nexus after @nx on nexus_list (the first for NULL), or NULL. */
struct nexus_dev *nexus_next(struct nexus_dev *nx)
{
	lockdep_assert_held(&nexus_lock);
	nx = list_prepare_entry(nx, &nexus_list, node);
	list_for_each_entry_continue(nx, &nexus_list, node)
		if (nx->live)
			return nx;
	return NULL;
}

/* Context: disk->open_mutex held, which destroy takes to set @dying. */
static int nexus_open_disk(struct gendisk *disk)
{
	struct nexus_dev *nx = disk->private_data;

	if (nx->dying)
		return -ENXIO;
	atomic_inc(&nx->open_count);
	return 0;
}

static void nexus_release_disk(struct gendisk *disk)
{
	struct nexus_dev *nx = disk->private_data;

	atomic_dec(&nx->open_count);
}

NEXUS_DISK_OPS_GLUE(nexus_open_disk, nexus_release_disk)

/* The last reference to the gendisk is gone: nothing can reach @nx now. */
static void nexus_free_disk(struct gendisk *disk)
{
	kfree(disk->private_data);
}

static const struct block_device_operations nexus_fops = {
	.owner = THIS_MODULE,
	.submit_bio = nexus_submit_bio,
	.open = nexus_open_disk_glue,
	.release = nexus_release_disk_glue,
	.free_disk = nexus_free_disk,
};

bool nexus_is_nexus_disk(struct gendisk *disk)
{
	return disk->fops == &nexus_fops;
}

/*
 * Healthy = ONLINE; the nexus state follows from how many there are.  The
 * state lock makes compute-and-set one step for the netlink handlers and the
 * IO error worker alike.
 */
void nexus_update_state(struct nexus_dev *nx)
{
	unsigned int healthy = 0, total = 0, i;
	enum nexus_state state;
	struct nexus_child *c;
	bool changed = false;

	spin_lock(&nx->state_lock);
	for (i = 0; i < NEXUS_MAX_CHILDREN; i++) {
		c = READ_ONCE(nx->children[i]);
		/* A member that is away (missing at assembly) counts too. */
		if (c || nexus_member_slot_taken(nx, i))
			total++;
		if (c && READ_ONCE(c->state) == NEXUS_CHILD_ONLINE)
			healthy++;
	}
	if (!healthy)
		state = NEXUS_STATE_FAULTED;
	else if (healthy < total)
		state = NEXUS_STATE_DEGRADED;
	else
		state = NEXUS_STATE_ONLINE;
	if (nx->state != state && nx->state != NEXUS_STATE_SHUTDOWN) {
		WRITE_ONCE(nx->state, state);
		changed = true;
	}
	spin_unlock(&nx->state_lock);

	if (changed)
		nexus_event_nexus(nx, NEXUS_EVENT_NEXUS_STATE);
}

/* Context: no IO in flight; replies may still read the slots (RCU). */
static void nexus_close_children(struct nexus_dev *nx)
{
	struct nexus_child *closing[NEXUS_MAX_CHILDREN];
	unsigned int i, n = 0;
	struct nexus_child *c;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		WRITE_ONCE(nx->children[i], NULL);
		closing[n++] = c;
	}
	synchronize_rcu();
	while (n--)
		nexus_child_close(closing[n]);
}

static int nexus_open_children(struct nexus_dev *nx,
			       const struct nexus_create_args *args,
			       struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < args->nr_children; i++) {
		struct nexus_child *c;

		c = nexus_child_open(nx, args->paths[i], i, extack);
		if (IS_ERR(c)) {
			NL_SET_BAD_ATTR(extack, args->attrs[i]);
			nexus_close_children(nx);
			return PTR_ERR(c);
		}
		nexus_slot_cover(nx, i);
		nx->children[i] = c;
	}
	return 0;
}

/* Limits stacked from the children, and the cache flags to offer. */
struct nexus_limits {
	struct queue_limits lim;
	/* Kept apart: blk_stack_limits() would take the largest non-zero. */
	unsigned int max_discard;
	unsigned int max_secure_erase;
	unsigned int max_write_zeroes;
	bool write_cache;
	bool fua;
};

static int nexus_stack_one(struct nexus_dev *nx, struct nexus_child *c,
			   struct nexus_limits *nl,
			   struct netlink_ext_ack *extack)
{
	struct block_device *bdev = nexus_child_bdev(c);
	struct queue_limits *lim = &nl->lim;

	if (blk_stack_limits(lim, &bdev_get_queue(bdev)->limits,
			     get_start_sect(bdev)) < 0) {
		pr_err("%s: child %s: alignment does not match the other children\n",
		       nx->name, c->path);
		NL_SET_ERR_MSG_MOD(extack,
				   "children's block sizes or alignments cannot be reconciled");
		return -EINVAL;
	}
	/* What one child cannot do, the nexus does not offer (see below). */
	nl->max_discard = min(nl->max_discard, bdev_max_discard_sectors(bdev));
	nl->max_secure_erase = min(nl->max_secure_erase,
				   bdev_max_secure_erase_sectors(bdev));
	nl->max_write_zeroes = min(nl->max_write_zeroes,
				   bdev_write_zeroes_sectors(bdev));
	/* One volatile cache among the children: flushes must reach it. */
	nl->write_cache |= bdev_write_cache(bdev);
	nl->fua |= bdev_fua(bdev);
	return 0;
}

/*
 * Stack the queue limits of the children and of @extra, a child about to
 * join.  Discard, secure erase and write-zeroes are offered only when every
 * child has them (blk_stack_limits() keeps what any child has): one a
 * child refuses or silently ignores leaves the copies different.
 */
static int nexus_stack_limits(struct nexus_dev *nx, struct nexus_child *extra,
			      struct nexus_limits *nl,
			      struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	unsigned int i;
	int ret;

	memset(nl, 0, sizeof(*nl));
	blk_set_stacking_limits(&nl->lim);
	nl->max_discard = UINT_MAX;
	nl->max_secure_erase = UINT_MAX;
	nl->max_write_zeroes = UINT_MAX;
	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		ret = nexus_stack_one(nx, c, nl, extack);
		if (ret)
			return ret;
	}
	if (extra) {
		ret = nexus_stack_one(nx, extra, nl, extack);
		if (ret)
			return ret;
	}
	nexus_limits_set_discard(&nl->lim, nl->max_discard);
	nl->lim.max_secure_erase_sectors = nl->max_secure_erase;
	nl->lim.max_write_zeroes_sectors = nl->max_write_zeroes;
	return 0;
}

/**
 * nexus_restack_limits() - the limits of a live nexus, with @c joining
 * @nx: the nexus
 * @c: the child about to be published
 * @extack: why not
 *
 * Before the child takes any IO: from then on flushes and FUA reach its
 * volatile cache, and nothing it cannot do is offered.  The logical block
 * size stays (nexus_child_fits() refused larger ones).
 * Context: process, the nexus's configuration lock held.
 */
int nexus_restack_limits(struct nexus_dev *nx, struct nexus_child *c,
			 struct netlink_ext_ack *extack)
{
	struct request_queue *q = nx->disk->queue;
	struct nexus_limits nl;
	int ret;

	ret = nexus_stack_limits(nx, c, &nl, extack);
	if (ret)
		return ret;
	nl.lim.logical_block_size = max(nl.lim.logical_block_size,
					queue_logical_block_size(q));
	nl.lim.physical_block_size = max(nl.lim.physical_block_size,
					 queue_physical_block_size(q));
	ret = nexus_queue_set_limits(q, &nl.lim, nl.write_cache, nl.fua);
	if (ret)
		NL_SET_ERR_MSG_MOD(extack,
				   "the block layer refused the children's combined limits");
	return ret;
}

/* Data size: the smallest child's data region, in whole logical blocks. */
static int nexus_compute_size(struct nexus_dev *nx, u64 requested,
			      struct netlink_ext_ack *extack)
{
	unsigned int lbs = queue_logical_block_size(nx->disk->queue);
	sector_t fit = (sector_t)-1;
	struct nexus_child *c;
	unsigned int i;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++)
		fit = min(fit, c->md_sector);
	fit = round_down(fit, lbs >> SECTOR_SHIFT);
	if (!fit) {
		NL_SET_ERR_MSG_MOD(extack, "a child is too small to hold any data");
		return -ENOSPC;
	}
	if (!requested) {
		nx->sectors = fit;
		return 0;
	}
	if (requested & (lbs - 1)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "size is not a multiple of the logical block size");
		return -EINVAL;
	}
	if (requested >> SECTOR_SHIFT > fit) {
		NL_SET_ERR_MSG_MOD(extack,
				   "size is larger than the smallest child's data region");
		return -ENOSPC;
	}
	nx->sectors = requested >> SECTOR_SHIFT;
	return 0;
}

static int nexus_alloc_dirty_maps(struct nexus_dev *nx)
{
	struct nexus_child *c;
	unsigned int i;
	int ret;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		ret = nexus_child_alloc_dirty(c);
		if (ret)
			return ret;
	}
	return 0;
}

static int nexus_setup_disk(struct nexus_dev *nx,
			    const struct nexus_create_args *args,
			    struct netlink_ext_ack *extack)
{
	bool assemble = args->flags & NEXUS_F_ASSEMBLE;
	u64 requested = assemble ? (u64)nx->sectors << SECTOR_SHIFT : args->size;
	struct nexus_limits nl;
	struct gendisk *disk;
	int ret;

	ret = nexus_stack_limits(nx, NULL, &nl, extack);
	if (ret)
		return ret;
	disk = nexus_alloc_disk(&nl.lim, nl.write_cache, nl.fua);
	if (IS_ERR(disk)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the block layer refused the children's combined limits");
		return PTR_ERR(disk);
	}
	nx->disk = disk;
	disk->fops = &nexus_fops;
	disk->private_data = nx;
	strscpy(disk->disk_name, nx->name, sizeof(disk->disk_name));

	ret = nexus_compute_size(nx, requested, extack);
	if (ret)
		goto put_disk;
	/* Bitmap or not, the regions are bounded: each child maps them all. */
	ret = nexus_bitmap_check_fit(nx, !assemble && !args->region_size, extack);
	if (ret)
		goto put_disk;
	ret = nexus_alloc_dirty_maps(nx);
	if (ret)
		goto put_disk;
	set_capacity(disk, nx->sectors);
	return 0;

put_disk:
	put_disk(disk);
	nx->disk = NULL;
	return ret;
}

static void nexus_io_ref_release(struct percpu_ref *ref)
{
	struct nexus_dev *nx = container_of(ref, struct nexus_dev, io_ref);

	complete(&nx->io_drained);
}

static struct nexus_dev *nexus_alloc(const struct nexus_create_args *args)
{
	struct nexus_dev *nx;

	nx = kzalloc(sizeof(*nx), GFP_KERNEL);
	if (!nx)
		return NULL;
	strscpy(nx->name, args->name, sizeof(nx->name));
	if (args->uuid)
		memcpy(nx->uuid, args->uuid, NEXUS_UUID_LEN);
	else
		generate_random_uuid(nx->uuid);
	nx->region_size = args->region_size ?: NEXUS_DEFAULT_REGION_SIZE;
	nx->use_bitmap = !(args->flags & NEXUS_F_NOBITMAP);
	nx->clean_at_start = true;
	nx->state = NEXUS_STATE_ONLINE;
	atomic_set(&nx->open_count, 0);
	spin_lock_init(&nx->state_lock);
	mutex_init(&nx->cfg_lock);
	INIT_LIST_HEAD(&nx->node);
	init_completion(&nx->io_drained);
	init_waitqueue_head(&nx->child_drain_wq);
	return nx;
}

/* A block device of that name, from another driver, is in the way. */
static bool nexus_name_taken(const char *name)
{
	char path[NEXUS_NAME_MAX + 6];
	dev_t devt;

	snprintf(path, sizeof(path), "/dev/%s", name);
	return lookup_bdev(path, &devt) == 0;
}

/* Who the nexus is: from the labels, or new (refusing foreign labels). */
static int nexus_identify(struct nexus_dev *nx,
			  const struct nexus_create_args *args,
			  struct netlink_ext_ack *extack)
{
	if (args->flags & NEXUS_F_ASSEMBLE)
		return nexus_assemble(nx, args, extack);
	return nexus_meta_check_foreign(nx, args, extack);
}

/*
 * The bitmap and the first labels, before the block device appears: a
 * crash from then on finds this nexus on its children.
 */
static int nexus_setup_meta(struct nexus_dev *nx,
			    const struct nexus_create_args *args,
			    struct netlink_ext_ack *extack)
{
	bool assemble = args->flags & NEXUS_F_ASSEMBLE;
	int ret;

	if (nx->use_bitmap) {
		ret = nexus_bitmap_create(nx);
		if (ret)
			return ret;
	}
	if (assemble) {
		ret = nexus_assemble_apply(nx);
	} else {
		nexus_meta_init_members(nx);
		/* Clear whatever an earlier user left in the bitmap area. */
		nexus_bitmap_write_all(nx);
		ret = 0;
	}
	if (!ret)
		ret = nexus_meta_update(nx);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "could not write the metadata");
		nexus_bitmap_destroy(nx);
	}
	return ret;
}

/*
 * Take @nx's name: it is on nexus_list from now on, not live, so that no
 * other create takes the name while this one does its IO without
 * nexus_lock.
 */
static int nexus_claim_name(struct nexus_dev *nx, struct netlink_ext_ack *extack)
{
	int ret = 0;

	mutex_lock(&nexus_lock);
	if (nexus_find(nx->name)) {
		NL_SET_ERR_MSG_MOD(extack, "a nexus with that name exists");
		ret = -EEXIST;
	} else if (nexus_name_taken(nx->name)) {
		NL_SET_ERR_MSG_MOD(extack, "a block device with that name exists");
		ret = -EEXIST;
	} else {
		list_add_tail(&nx->node, &nexus_list);
	}
	mutex_unlock(&nexus_lock);
	return ret;
}

static void nexus_set_live(struct nexus_dev *nx, bool live)
{
	mutex_lock(&nexus_lock);
	nx->live = live;
	mutex_unlock(&nexus_lock);
}

static void nexus_unlist(struct nexus_dev *nx)
{
	mutex_lock(&nexus_lock);
	list_del_init(&nx->node);
	mutex_unlock(&nexus_lock);
}

/* Everything of a nexus but its name and gendisk: IO, labels, children. */
static int nexus_build(struct nexus_dev *nx, const struct nexus_create_args *args,
		       struct netlink_ext_ack *extack)
{
	int ret;

	ret = nexus_io_init(nx);
	if (ret)
		return ret;
	ret = nexus_meta_init(nx);
	if (ret)
		goto exit_io;
	ret = nexus_open_children(nx, args, extack);
	if (ret)
		goto exit_meta;
	ret = nexus_identify(nx, args, extack);
	if (ret)
		goto close_children;
	ret = nexus_setup_disk(nx, args, extack);
	if (ret)
		goto close_children;
	ret = nexus_setup_meta(nx, args, extack);
	if (ret)
		goto put_disk;
	ret = add_disk(nx->disk);
	if (!ret)
		return 0;
	NL_SET_ERR_MSG_MOD(extack, "could not add the block device");
	nexus_bitmap_destroy(nx);
put_disk:
	put_disk(nx->disk);
close_children:
	nexus_close_children(nx);
exit_meta:
	nexus_meta_exit(nx);
exit_io:
	nexus_io_exit(nx);
	return ret;
}

/**
 * nexus_create() - create and publish a nexus
 * @args: validated arguments
 * @extack: where to say what went wrong
 *
 * Context: process, no nexus lock held: the name is claimed under
 * nexus_lock and the work done under the new nexus's cfg_lock.
 * Return: the new nexus with a reference for the caller (nexus_put()), or
 * an ERR_PTR.  On error nothing is left in memory (no nexus, name, block
 * device or open child), but what nexus_setup_meta() wrote to the children
 * (the bitmap area and the first labels) stays when the label write or
 * add_disk() then fails: the writes come first so that a crash from then
 * on finds the nexus, and they are not undone.
 */
struct nexus_dev *nexus_create(const struct nexus_create_args *args,
			       struct netlink_ext_ack *extack)
{
	bool assemble = args->flags & NEXUS_F_ASSEMBLE;
	struct nexus_dev *nx;
	int ret;

	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-ENODEV);
	ret = -ENOMEM;
	nx = nexus_alloc(args);
	if (!nx)
		goto put_module;
	if (percpu_ref_init(&nx->io_ref, nexus_io_ref_release, 0, GFP_KERNEL))
		goto free_nx;
	ret = nexus_claim_name(nx, extack);
	if (ret)
		goto exit_ref;
	mutex_lock(&nx->cfg_lock);
	ret = nexus_build(nx, args, extack);
	if (ret) {
		mutex_unlock(&nx->cfg_lock);
		nexus_unlist(nx);
		goto exit_ref;
	}

	get_device(disk_to_dev(nx->disk));
	nexus_set_live(nx, true);
	pr_info("%s: %s, %llu sectors, %u children, generation %llu%s\n",
		nx->name, assemble ? "assembled" : "created",
		(unsigned long long)nx->sectors, args->nr_children,
		nx->generation, nx->bitmap ? "" : ", no bitmap");
	nexus_event_nexus(nx, NEXUS_EVENT_NEXUS_CREATED);
	nexus_update_state(nx);
	if (assemble)
		nexus_assemble_start(nx);
	mutex_unlock(&nx->cfg_lock);
	return nx;

exit_ref:
	percpu_ref_exit(&nx->io_ref);
free_nx:
	kfree(nx);
put_module:
	module_put(THIS_MODULE);
	return ERR_PTR(ret);
}

/* Fail new IO and wait until every bio already in flight has completed. */
static void nexus_drain_io(struct nexus_dev *nx)
{
	percpu_ref_kill(&nx->io_ref);
	wait_for_completion(&nx->io_drained);
	nexus_io_exit(nx);
	percpu_ref_exit(&nx->io_ref);
}

/* No new opener from now on, unless one holds it open and not @force. */
static int nexus_close_doors(struct nexus_dev *nx, bool force,
			     struct netlink_ext_ack *extack)
{
	int ret = 0;

	mutex_lock(&nx->disk->open_mutex);
	if (atomic_read(&nx->open_count) && !force) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the nexus is open; close it first or force");
		ret = -EBUSY;
	} else {
		nx->dying = true;
	}
	mutex_unlock(&nx->disk->open_mutex);
	return ret;
}

/**
 * nexus_destroy() - tear a nexus down
 * @nx: the nexus, live, with a reference held by the caller
 * @force: destroy even while the block device is open
 * @extack: where to say why not
 *
 * The block device goes away first (openers get errors from then on), then
 * in-flight IO drains, then the children are closed.  @nx itself is freed
 * when the last reference to the gendisk is gone (the caller's last).
 * The name stays taken until the end, so a create of the same name cannot
 * meet the old gendisk.
 *
 * Context: process, nx->cfg_lock held.
 */
int nexus_destroy(struct nexus_dev *nx, bool force,
		  struct netlink_ext_ack *extack)
{
	int ret;

	lockdep_assert_held(&nx->cfg_lock);
	ret = nexus_close_doors(nx, force, extack);
	if (ret)
		return ret;
	nexus_set_live(nx, false);
	spin_lock(&nx->state_lock);
	WRITE_ONCE(nx->state, NEXUS_STATE_SHUTDOWN);
	spin_unlock(&nx->state_lock);
	nexus_scrub_destroy(nx);
	del_gendisk(nx->disk);
	nexus_drain_io(nx);
	nexus_meta_shutdown(nx);
	nexus_bitmap_destroy(nx);
	nexus_close_children(nx);
	nexus_meta_exit(nx);
	pr_info("%s: destroyed\n", nx->name);
	nexus_event_nexus(nx, NEXUS_EVENT_NEXUS_DESTROYED);
	nexus_unlist(nx);
	put_disk(nx->disk);
	module_put(THIS_MODULE);
	return 0;
}

static int __init nexus_init(void)
{
	int ret;

	ret = nexus_io_module_init();
	if (ret)
		return ret;
	ret = nexus_rebuild_module_init();
	if (ret)
		goto exit_io;
	ret = nexus_bitmap_module_init();
	if (ret)
		goto exit_rebuild;
	ret = nexus_nl_register();
	if (ret)
		goto exit_bitmap;
	pr_info("loaded, generic netlink family \"%s\" version %d\n",
		NEXUS_GENL_NAME, NEXUS_GENL_VERSION);
	return 0;

exit_bitmap:
	nexus_bitmap_module_exit();
exit_rebuild:
	nexus_rebuild_module_exit();
exit_io:
	nexus_io_module_exit();
	return ret;
}

static void __exit nexus_exit(void)
{
	/* Every nexus holds a module reference, so none exists now. */
	nexus_nl_unregister();
	WARN_ON(!list_empty(&nexus_list));
	nexus_bitmap_module_exit();
	nexus_rebuild_module_exit();
	nexus_io_module_exit();
}

module_init(nexus_init);
module_exit(nexus_exit);

MODULE_DESCRIPTION("nexus: mirroring block device over local and remote children");
MODULE_AUTHOR("The nexus authors");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(NEXUS_GENL_NAME);
