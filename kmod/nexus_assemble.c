// SPDX-License-Identifier: GPL-2.0
/*
 * Assembly: bringing a nexus back from the labels on its children
 * (NEXUS_CMD_NEXUS_CREATE with NEXUS_F_ASSEMBLE), and letting a labelled
 * member rejoin a live nexus (child add).  The rules are those of
 * docs/on-disk-format.md, "Assembly rules":
 *
 *	read every label; all valid, one nexus UUID, the name asked for
 *	G := highest generation, T := member table of the first label at G
 *	    that calls its own child active (else of the first label at G)
 *	split brain (a and b both active in their own tables, each calling
 *	    the other not active): refuse unless forced
 *	sources := labels at G that T calls active (and that trust the
 *	    newest); none: refuse
 *	clean at G: sources ONLINE; else the first source ONLINE and the
 *	    other sources resync the union of the sources' bitmaps
 *	others: T says active/bitmap -> the bitmap's regions; else full copy
 *	members of T not found: kept, behind by the bitmap (or as they were)
 *
 * A child behind G is never ONLINE before a rebuild, so it is never a read
 * or rebuild source, whatever the order in which the devices were given.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "nexus.h"

struct nexus_asm {
	struct nexus_disk_label *labels;	/* one per request child */
	unsigned int n;
	unsigned int newest;		/* index of the first label at G */
	bool unclean;
};

static const struct nexus_disk_member *
nexus_asm_member(const struct nexus_disk_label *l, const u8 *uuid)
{
	unsigned int s;

	for (s = 0; s < NEXUS_MAX_CHILDREN; s++)
		if (!memcmp(l->members[s].uuid, uuid, NEXUS_UUID_LEN))
			return &l->members[s];
	return NULL;
}

/* Does label @a call the child of label @b anything but active? */
static bool nexus_asm_distrusts(const struct nexus_disk_label *a,
				const struct nexus_disk_label *b)
{
	const struct nexus_disk_member *m = nexus_asm_member(a, b->child_uuid);

	return !m || le32_to_cpu(m->state) != NEXUS_MEMBER_ACTIVE;
}

/*
 * Is @l, the label of a member, a label that member's own device wrote, or
 * an older copy of it (a snapshot, a clone, an image restored)?  Writable
 * members get every label, or fault, so the labels bound what the device
 * holds.  A member that table @t calls active holds @t's generation or,
 * unless @t is the clean label of a finished shutdown, the one before (a
 * crash part-way through that pass).  A member that is behind holds at
 * least the one before its member generation @mgen, the first label it
 * missed (nexus_members_refresh(), nexus_asm_members()).  An older label
 * missed writes whose bits have since been cleared: a full copy (md
 * compares a device's events with the bitmap's events_cleared alike).  A
 * copy taken since its member's last label is not told apart.
 */
static bool nexus_label_stale(const struct nexus_disk_label *l,
			      enum nexus_member_state st, u64 mgen,
			      const struct nexus_disk_label *t)
{
	u64 gen = le64_to_cpu(l->generation), tgen;

	if (st != NEXUS_MEMBER_ACTIVE)
		return gen + 1 < mgen;
	tgen = le64_to_cpu(t->generation);
	if (le32_to_cpu(t->flags) & NEXUS_LABEL_CLEAN)
		return gen < tgen;
	return gen + 1 < tgen;
}

static int nexus_asm_read(struct nexus_dev *nx, struct nexus_asm *a,
			  const struct nexus_create_args *args,
			  struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		struct nexus_child *c = nx->children[i];
		const char *why = "";
		int ret = nexus_label_read(c, &a->labels[i], &why);

		if (ret) {
			if (ret == -ENODATA || ret == -EBADMSG)
				nexus_extack_fmt(extack, "child %s: %s", c->path, why);
			else
				nexus_extack_fmt(extack, "child %s: cannot read its label (%d)",
						 c->path, ret);
			NL_SET_BAD_ATTR(extack, args->attrs[i]);
			return ret;
		}
	}
	return 0;
}

/* Label @i against the first: one nexus, one geometry, the name asked for. */
static int nexus_asm_same_one(struct nexus_dev *nx, struct nexus_asm *a,
			      const struct nexus_create_args *args,
			      unsigned int i, struct netlink_ext_ack *extack)
{
	const struct nexus_disk_label *l0 = &a->labels[0];
	const struct nexus_disk_label *l = &a->labels[i];
	const char *path = nx->children[i]->path;
	unsigned int j;

	if (memcmp(l->nexus_uuid, l0->nexus_uuid, NEXUS_UUID_LEN)) {
		nexus_extack_fmt(extack,
				 "children %s and %s belong to different nexuses (%s and %s)",
				 nx->children[0]->path, path, l0->name, l->name);
		return -EINVAL;
	}
	if (strcmp(l->name, args->name)) {
		nexus_extack_fmt(extack, "child %s belongs to nexus %s, not %s",
				 path, l->name, args->name);
		return -EINVAL;
	}
	if (args->uuid && memcmp(l->nexus_uuid, args->uuid, NEXUS_UUID_LEN)) {
		nexus_extack_fmt(extack, "child %s belongs to nexus %pUb",
				 path, l->nexus_uuid);
		return -EINVAL;
	}
	if (l->data_sectors != l0->data_sectors ||
	    l->region_size != l0->region_size || l->features != l0->features) {
		nexus_extack_fmt(extack,
				 "children %s and %s disagree on size, region size or features",
				 nx->children[0]->path, path);
		return -EINVAL;
	}
	for (j = 0; j < i; j++) {
		if (!memcmp(a->labels[j].child_uuid, l->child_uuid, NEXUS_UUID_LEN)) {
			nexus_extack_fmt(extack,
					 "children %s and %s are the same member (copies?)",
					 nx->children[j]->path, path);
			return -EINVAL;
		}
	}
	return 0;
}

static int nexus_asm_same(struct nexus_dev *nx, struct nexus_asm *a,
			  const struct nexus_create_args *args,
			  struct netlink_ext_ack *extack)
{
	unsigned int i;
	int ret;

	for (i = 0; i < a->n; i++) {
		ret = nexus_asm_same_one(nx, a, args, i, extack);
		if (ret) {
			NL_SET_BAD_ATTR(extack, args->attrs[i]);
			return ret;
		}
	}
	return 0;
}

static int nexus_asm_split_brain(struct nexus_dev *nx, struct nexus_asm *a,
				 const struct nexus_create_args *args,
				 struct netlink_ext_ack *extack)
{
	unsigned int i, j;

	for (i = 0; i < a->n; i++) {
		const struct nexus_disk_label *li = &a->labels[i];

		for (j = i + 1; j < a->n; j++) {
			const struct nexus_disk_label *lj = &a->labels[j];

			if (!nexus_label_self_active(li) || !nexus_label_self_active(lj) ||
			    !nexus_asm_distrusts(li, lj) || !nexus_asm_distrusts(lj, li))
				continue;
			pr_warn("%s: split brain: %s (generation %llu) and %s (generation %llu)\n",
				args->name, nx->children[i]->path,
				le64_to_cpu(li->generation), nx->children[j]->path,
				le64_to_cpu(lj->generation));
			if (args->flags & NEXUS_F_FORCE)
				continue;
			nexus_extack_fmt(extack,
					 "split brain: children %s (generation %llu) and %s (generation %llu) each claim to be newest; force to keep the newer",
					 nx->children[i]->path, le64_to_cpu(li->generation),
					 nx->children[j]->path, le64_to_cpu(lj->generation));
			NL_SET_BAD_ATTR(extack, args->attrs[j]);
			return -EUCLEAN;
		}
	}
	return 0;
}

/*
 * Is label @a a better T than @b?  The higher generation wins.  Labels of
 * one generation carry the same member table, but only one that its own
 * member calls active can be T: the sources are the labels at G that do
 * not distrust T's child, so a T written to a child still catching up
 * would leave none, whatever order the devices were given in.
 */
static bool nexus_asm_better_newest(const struct nexus_disk_label *a,
				    const struct nexus_disk_label *b)
{
	u64 ga = le64_to_cpu(a->generation), gb = le64_to_cpu(b->generation);

	if (ga != gb)
		return ga > gb;
	return nexus_label_self_active(a) && !nexus_label_self_active(b);
}

static void nexus_asm_pick_newest(struct nexus_asm *a)
{
	unsigned int i;

	a->newest = 0;
	for (i = 1; i < a->n; i++)
		if (nexus_asm_better_newest(&a->labels[i], &a->labels[a->newest]))
			a->newest = i;
	a->unclean = !(le32_to_cpu(a->labels[a->newest].flags) & NEXUS_LABEL_CLEAN);
}

/* Decide child @i's slot, uuid and state from the newest table. */
static int nexus_asm_place(struct nexus_dev *nx, struct nexus_asm *a,
			   unsigned int i, bool *have_source,
			   struct netlink_ext_ack *extack)
{
	const struct nexus_disk_label *t = &a->labels[a->newest];
	const struct nexus_disk_label *l = &a->labels[i];
	struct nexus_child *c = nx->children[i];
	unsigned int slot = le32_to_cpu(l->slot);
	enum nexus_member_state st = le32_to_cpu(t->members[slot].state);

	if (memcmp(t->members[slot].uuid, l->child_uuid, NEXUS_UUID_LEN)) {
		nexus_extack_fmt(extack,
				 "child %s is no longer a member of nexus %s (removed?); add it instead",
				 c->path, t->name);
		return -EINVAL;
	}
	c->slot = slot;
	memcpy(c->uuid, l->child_uuid, NEXUS_UUID_LEN);
	c->generation = le64_to_cpu(l->generation);
	if (l->generation == t->generation && st == NEXUS_MEMBER_ACTIVE &&
	    !nexus_asm_distrusts(l, t)) {
		/* A source; after an unclean stop only the first serves. */
		c->bm_source = true;
		c->state = a->unclean && *have_source ? NEXUS_CHILD_OUT_OF_SYNC :
							NEXUS_CHILD_ONLINE;
		*have_source = true;
		return 0;
	}
	c->state = NEXUS_CHILD_OUT_OF_SYNC;
	c->needs_full = !(st == NEXUS_MEMBER_ACTIVE || st == NEXUS_MEMBER_BITMAP) ||
			nexus_asm_distrusts(l, t) ||
			nexus_label_stale(l, st, le64_to_cpu(t->members[slot].generation), t);
	return 0;
}

/* Move the children from request order to their member slots. */
static void nexus_asm_reslot(struct nexus_dev *nx, struct nexus_asm *a)
{
	struct nexus_child *tmp[NEXUS_MAX_CHILDREN];
	unsigned int i;

	memcpy(tmp, nx->children, sizeof(tmp));
	memset(nx->children, 0, sizeof(nx->children));
	for (i = 0; i < a->n; i++) {
		nexus_slot_cover(nx, tmp[i]->slot);
		nx->children[tmp[i]->slot] = tmp[i];
	}
}

/* The member table of the newest label, missing members kept. */
static void nexus_asm_members(struct nexus_dev *nx, struct nexus_asm *a)
{
	const struct nexus_disk_label *t = &a->labels[a->newest];
	bool bitmap = le32_to_cpu(t->features) & NEXUS_FEAT_BITMAP;
	unsigned int s;

	for (s = 0; s < NEXUS_MAX_CHILDREN; s++) {
		struct nexus_member *m = &nx->members[s];

		memcpy(m->uuid, t->members[s].uuid, NEXUS_UUID_LEN);
		m->state = le32_to_cpu(t->members[s].state);
		m->generation = le64_to_cpu(t->members[s].generation);
		if (nx->children[s] || m->state != NEXUS_MEMBER_ACTIVE)
			continue;
		/*
		 * Missing now: from here on it falls behind.  Its device holds
		 * T's generation, or may hold the one before after a crash.
		 */
		m->state = bitmap ? NEXUS_MEMBER_BITMAP : NEXUS_MEMBER_FULL;
		m->generation = le64_to_cpu(t->generation) + !a->unclean;
	}
}

static void nexus_asm_identity(struct nexus_dev *nx, struct nexus_asm *a)
{
	const struct nexus_disk_label *t = &a->labels[a->newest];

	memcpy(nx->uuid, t->nexus_uuid, NEXUS_UUID_LEN);
	nx->sectors = le64_to_cpu(t->data_sectors);
	nx->region_size = le32_to_cpu(t->region_size);
	nx->use_bitmap = le32_to_cpu(t->features) & NEXUS_FEAT_BITMAP;
	nx->generation = le64_to_cpu(t->generation);
	nx->clean_at_start = !a->unclean;
}

static int nexus_asm_decide(struct nexus_dev *nx, struct nexus_asm *a,
			    const struct nexus_create_args *args,
			    struct netlink_ext_ack *extack)
{
	bool have_source = false;
	unsigned int i;
	int ret;

	ret = nexus_asm_same(nx, a, args, extack);
	if (ret)
		return ret;
	ret = nexus_asm_split_brain(nx, a, args, extack);
	if (ret)
		return ret;
	nexus_asm_pick_newest(a);
	for (i = 0; i < a->n; i++) {
		ret = nexus_asm_place(nx, a, i, &have_source, extack);
		if (ret) {
			NL_SET_BAD_ATTR(extack, args->attrs[i]);
			return ret;
		}
	}
	if (!have_source) {
		nexus_extack_fmt(extack,
				 "no child given holds the newest data of nexus %s (generation %llu)",
				 args->name, le64_to_cpu(a->labels[a->newest].generation));
		return -ENODATA;
	}
	nexus_asm_identity(nx, a);
	nexus_asm_reslot(nx, a);
	nexus_asm_members(nx, a);
	return 0;
}

/**
 * nexus_assemble() - decide a nexus's identity and children's states
 * @nx: the nexus being created, request children open in slots 0..n-1
 * @args: the request
 * @extack: names the child at fault
 *
 * Reads every label, applies the assembly rules and moves the children to
 * their member slots.  Nothing is written; on error @nx->children is as it
 * was given (or all still open in some slot), for the caller to close.
 * Context: process, nx->cfg_lock held.
 */
int nexus_assemble(struct nexus_dev *nx, const struct nexus_create_args *args,
		   struct netlink_ext_ack *extack)
{
	struct nexus_asm a = { .n = args->nr_children };
	int ret;

	if (args->size || args->region_size) {
		NL_SET_ERR_MSG_MOD(extack,
				   "size and region size come from the labels when assembling");
		return -EINVAL;
	}
	a.labels = kvcalloc(a.n, sizeof(*a.labels), GFP_KERNEL);
	if (!a.labels)
		return -ENOMEM;
	ret = nexus_asm_read(nx, &a, args, extack);
	if (!ret)
		ret = nexus_asm_decide(nx, &a, args, extack);
	kvfree(a.labels);
	return ret;
}

/**
 * nexus_assemble_apply() - fill the bitmap and the children's dirty maps
 * @nx: an assembled nexus, its bitmap and dirty maps allocated
 *
 * The bitmap is the union of the sources' bitmaps; a child behind by the
 * bitmap gets its regions, others every region.  Without a bitmap an
 * unclean source resyncs everything.  Context: process, no IO yet.
 */
int nexus_assemble_apply(struct nexus_dev *nx)
{
	unsigned long nr = nexus_nr_regions(nx);
	struct nexus_child *c;
	unsigned int i;
	int ret;

	for (i = 0; nx->bitmap && (c = nexus_child_next(nx, &i)); i++) {
		if (!c->bm_source)
			continue;
		ret = nexus_bitmap_load(nx, c);
		if (ret) {
			pr_err("%s: child %s: cannot read the bitmap: %d\n",
			       nx->name, c->path, ret);
			return ret;
		}
	}
	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		if (c->state != NEXUS_CHILD_OUT_OF_SYNC)
			continue;
		if (c->needs_full || !nx->bitmap)
			bitmap_fill(c->dirty, nr);
		else
			nexus_bitmap_to_dirty(nx, c->dirty);
	}
	nexus_bitmap_write_all(nx);
	return 0;
}

/* Start catching up every child that is behind.  Context: nx->cfg_lock held. */
void nexus_assemble_start(struct nexus_dev *nx)
{
	struct nexus_child *c;
	unsigned int i;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++)
		if (READ_ONCE(c->state) == NEXUS_CHILD_OUT_OF_SYNC)
			nexus_rebuild_start(c, NULL);
}

/* Did @l's writer carry on without one of our ONLINE children? */
static bool nexus_rejoin_split(struct nexus_dev *nx,
			       const struct nexus_disk_label *l)
{
	struct nexus_child *c;
	unsigned int i;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		const struct nexus_disk_member *m;

		if (READ_ONCE(c->state) != NEXUS_CHILD_ONLINE)
			continue;
		m = nexus_asm_member(l, c->uuid);
		if (!m || le32_to_cpu(m->state) != NEXUS_MEMBER_ACTIVE)
			return true;
	}
	return false;
}

/*
 * May a device with label @l, back as member @slot, catch up by the
 * bitmap's regions alone?  Only if the labels keep that member behind by
 * the bitmap and @l is not an older copy of its device.
 * Context: cfg_lock held; takes meta_mutex (the labels' workers change the
 * member table under it alone).
 */
static bool nexus_behind_by_bitmap(struct nexus_dev *nx, unsigned int slot,
				   const struct nexus_disk_label *l)
{
	const struct nexus_member *m = &nx->members[slot];
	bool behind;

	mutex_lock(&nx->meta_mutex);
	behind = nx->bitmap && m->state == NEXUS_MEMBER_BITMAP &&
		 !nexus_label_stale(l, m->state, m->generation, NULL);
	mutex_unlock(&nx->meta_mutex);
	return behind;
}

static int nexus_rejoin_label(struct nexus_child *c,
			      const struct nexus_disk_label *l, u32 flags,
			      struct netlink_ext_ack *extack)
{
	struct nexus_dev *nx = c->nx;
	bool force = flags & NEXUS_F_FORCE;
	int slot;

	if (memcmp(l->nexus_uuid, nx->uuid, NEXUS_UUID_LEN)) {
		if (force)
			return 0;
		nexus_extack_fmt(extack,
				 "child %s carries the label of nexus %s (%pUb); force to overwrite",
				 c->path, l->name, l->nexus_uuid);
		return -EEXIST;
	}
	slot = nexus_missing_member_slot(nx, l->child_uuid);
	if (slot < 0)
		return 0;	/* a former member: a new one now */
	if (nexus_rejoin_split(nx, l)) {
		if (!force) {
			nexus_extack_fmt(extack,
					 "split brain: child %s was used without this nexus's online children; force to overwrite it with a full copy",
					 c->path);
			return -EUCLEAN;
		}
	} else {
		c->needs_full = !nexus_behind_by_bitmap(nx, slot, l);
	}
	c->slot = slot;
	memcpy(c->uuid, l->child_uuid, NEXUS_UUID_LEN);
	c->generation = le64_to_cpu(l->generation);
	pr_info("%s: child %s rejoins as member %d (%s)\n", nx->name, c->path,
		slot, c->needs_full ? "full copy" : "bitmap regions");
	return 0;
}

/* Is @l the label of member @c->uuid of @c->nx?  Sets @c->needs_full. */
static int nexus_return_label(struct nexus_child *c,
			      const struct nexus_disk_label *l, u32 flags,
			      struct netlink_ext_ack *extack)
{
	struct nexus_dev *nx = c->nx;

	if (memcmp(l->nexus_uuid, nx->uuid, NEXUS_UUID_LEN)) {
		nexus_extack_fmt(extack,
				 "%s carries the label of nexus %s (%pUb), not of this one",
				 c->path, l->name, l->nexus_uuid);
		return -EEXIST;
	}
	if (memcmp(l->child_uuid, c->uuid, NEXUS_UUID_LEN)) {
		nexus_extack_fmt(extack, "%s is member %pUb of the nexus, not %pUb",
				 c->path, l->child_uuid, c->uuid);
		return -EINVAL;
	}
	if (nexus_rejoin_split(nx, l)) {
		if (!(flags & NEXUS_F_FORCE)) {
			nexus_extack_fmt(extack,
					 "split brain: %s was used without this nexus's online children; force to overwrite it with a full copy",
					 c->path);
			return -EUCLEAN;
		}
		return 0;
	}
	c->needs_full = !nexus_behind_by_bitmap(nx, c->slot, l);
	c->generation = le64_to_cpu(l->generation);
	return 0;
}

/**
 * nexus_child_check_return() - is the device of a returning member its own?
 * @c: the device, open, not published; c->uuid and c->slot the member's
 * @flags: NEXUS_F_FORCE takes it back after a split brain (a full copy)
 * @extack: why not
 *
 * Sets c->needs_full: false when the labels keep the member behind by the
 * bitmap, so that it needs only the bitmap's regions.
 * Context: process, nx->cfg_lock held.
 */
int nexus_child_check_return(struct nexus_child *c, u32 flags,
			     struct netlink_ext_ack *extack)
{
	struct nexus_disk_label *l;
	const char *why = "";
	int ret;

	c->needs_full = true;
	l = kmalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	ret = nexus_label_read(c, l, &why);
	if (!ret) {
		ret = nexus_return_label(c, l, flags, extack);
	} else if (ret == -ENODATA || ret == -EBADMSG) {
		nexus_extack_fmt(extack,
				 "%s carries no valid nexus label (%s): it is not member %pUb; add a new device with child add",
				 c->path, why, c->uuid);
		ret = -EINVAL;
	} else if (ret) {
		nexus_extack_fmt(extack, "cannot read the label of %s (%d)",
				 c->path, ret);
	}
	kfree(l);
	return ret;
}

/**
 * nexus_child_rejoin() - look at the label of a child being added
 * @c: the child, open, not published; c->needs_full is true
 * @flags: NEXUS_F_FORCE overwrites foreign or damaged labels
 * @extack: why not
 *
 * A member of this nexus that is away takes its slot and UUID back and, if
 * the bitmap covers what it missed, needs only the bitmap's regions.
 * Context: process, nx->cfg_lock held.
 */
int nexus_child_rejoin(struct nexus_child *c, u32 flags,
		       struct netlink_ext_ack *extack)
{
	struct nexus_disk_label *l;
	const char *why = "";
	int ret;

	l = kmalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	ret = nexus_label_read(c, l, &why);
	if (!ret) {
		ret = nexus_rejoin_label(c, l, flags, extack);
	} else if (ret == -ENODATA || (flags & NEXUS_F_FORCE)) {
		ret = 0;
	} else if (ret == -EBADMSG) {
		nexus_extack_fmt(extack,
				 "child %s carries a damaged nexus label (%s); force to overwrite it",
				 c->path, why);
		ret = -EEXIST;
	}
	kfree(l);
	return ret;
}
