// SPDX-License-Identifier: GPL-2.0
/*
 * On-disk labels: the two label slots at the start of every child's
 * metadata area (docs/on-disk-format.md, uapi/linux/nexus_disk.h).
 *
 * A label is written with PREFLUSH|FUA to every writable child on every
 * membership or member state change (nexus_meta_update(), called by the
 * child state machine), at create/assembly, and with the clean flag at
 * destroy: one child after the other, those it calls active first.  Label
 * generation g goes to slot g % 2, so a torn write leaves the previous
 * generation readable in the other slot.
 *
 * nx->meta_mutex serializes label writes and protects nx->members and
 * nx->generation.  A label write that fails faults its child, whose state
 * change asks for another label write: that nested request is noticed by
 * @meta_owner and absorbed by the writer's own retry loop.
 */
#include <linux/crc32.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "nexus.h"

static_assert(sizeof(struct nexus_disk_member) == 32);
static_assert(sizeof(struct nexus_disk_label) == NEXUS_LABEL_SIZE);
static_assert(offsetof(struct nexus_disk_label, generation) == 24);
static_assert(offsetof(struct nexus_disk_label, nexus_uuid) == 72);
static_assert(offsetof(struct nexus_disk_label, name) == 104);
static_assert(offsetof(struct nexus_disk_label, members) == 256);
static_assert(NEXUS_LABEL_SIZE == PAGE_SIZE);
static_assert(NEXUS_BITMAP_OFFSET + NEXUS_BITMAP_MAX_BYTES == NEXUS_MD_RESERVE);

#define NEXUS_LABEL_WRITE	(REQ_OP_WRITE | REQ_SYNC | REQ_META | \
				 REQ_PREFLUSH | REQ_FUA)

/*
 * Extack messages that name children.  Linux 6.1 has no
 * NL_SET_ERR_MSG_FMT (6.2) and the message must outlive the handler, so
 * they are formatted into a small ring of static buffers: a message could
 * only be overwritten by NEXUS_MSG_RING other failing requests formatted
 * before this one's ack is sent, and every buffer stays NUL-terminated.
 */
#define NEXUS_MSG_RING	16
#define NEXUS_MSG_LEN	224
static char nexus_msg_ring[NEXUS_MSG_RING][NEXUS_MSG_LEN];
static atomic_t nexus_msg_next = ATOMIC_INIT(0);

void nexus_extack_fmt(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	unsigned int i = (unsigned int)atomic_inc_return(&nexus_msg_next);
	char *buf = nexus_msg_ring[i % NEXUS_MSG_RING];
	va_list ap;
	int n;

	if (!extack)
		return;
	n = scnprintf(buf, NEXUS_MSG_LEN - 1, KBUILD_MODNAME ": ");
	va_start(ap, fmt);
	vscnprintf(buf + n, NEXUS_MSG_LEN - 1 - n, fmt, ap);
	va_end(ap);
	extack->_msg = buf;
}

/* Synchronous IO in the metadata area of @c that starts at sector @md. */
static int nexus_md_io_at(struct nexus_child *c, sector_t md, u64 md_byte,
			  struct page *page, unsigned int len, blk_opf_t opf)
{
	struct block_device *bdev = nexus_child_bdev(c);
	struct bio_vec bvec;
	struct bio bio;
	int ret;

	bio_init(&bio, bdev, &bvec, 1, opf);
	bio.bi_iter.bi_sector = md + (md_byte >> SECTOR_SHIFT);
	__bio_add_page(&bio, page, len, 0);
	ret = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return ret;
}

/**
 * nexus_md_io() - synchronous IO in a child's metadata area
 * @c: the child
 * @md_byte: byte offset from the start of the metadata area
 * @page: the data
 * @len: bytes, at most PAGE_SIZE
 * @opf: operation and flags
 *
 * Context: process.  Return: 0 or a negative errno.
 */
int nexus_md_io(struct nexus_child *c, u64 md_byte, struct page *page,
		unsigned int len, blk_opf_t opf)
{
	return nexus_md_io_at(c, READ_ONCE(c->md_sector), md_byte, page, len,
			      opf);
}

static u32 nexus_label_crc(const struct nexus_disk_label *l)
{
	/* lib/crc32.c, built in: no dependency on the libcrc32c module. */
	return ~__crc32c_le(~0U, (const u8 *)l + 4, NEXUS_LABEL_SIZE - 4);
}

static u64 nexus_label_self(struct nexus_child *c, unsigned int slot)
{
	return ((u64)READ_ONCE(c->md_sector) << SECTOR_SHIFT) +
	       NEXUS_LABEL_OFFSET(slot);
}

/* Geometry: what the label describes must fit this device. */
static int nexus_label_check_geometry(const struct nexus_disk_label *l,
				      struct nexus_child *c, const char **why)
{
	u64 data = le64_to_cpu(l->data_sectors);
	u32 rs = le32_to_cpu(l->region_size);
	u32 slot = le32_to_cpu(l->slot);
	u64 regions;

	if (!data || data > READ_ONCE(c->md_sector)) {
		*why = "label's data size does not fit the device (truncated?)";
		return -EBADMSG;
	}
	if (!is_power_of_2(rs) || rs < (64U << 10) || rs > (1U << 30)) {
		*why = "label has an invalid region size";
		return -EBADMSG;
	}
	regions = DIV_ROUND_UP_ULL(data << SECTOR_SHIFT, rs);
	if ((le32_to_cpu(l->features) & NEXUS_FEAT_BITMAP) &&
	    (le32_to_cpu(l->bitmap_bytes) > NEXUS_BITMAP_MAX_BYTES ||
	     (u64)le32_to_cpu(l->bitmap_bytes) * 8 < regions)) {
		*why = "label has an invalid bitmap size";
		return -EBADMSG;
	}
	if (slot >= NEXUS_MAX_CHILDREN ||
	    le32_to_cpu(l->nr_members) != NEXUS_MAX_CHILDREN ||
	    memcmp(l->members[slot].uuid, l->child_uuid, NEXUS_UUID_LEN) ||
	    le32_to_cpu(l->members[slot].state) > NEXUS_MEMBER_FAULTED) {
		*why = "label has an inconsistent member table";
		return -EBADMSG;
	}
	if (strnlen(l->name, sizeof(l->name)) == sizeof(l->name) ||
	    !nexus_name_valid(l->name)) {
		*why = "label has an invalid nexus name";
		return -EBADMSG;
	}
	return 0;
}

/* The checks of docs/on-disk-format.md, in that order. */
static int nexus_label_check(const struct nexus_disk_label *l,
			     struct nexus_child *c, unsigned int slot,
			     const char **why)
{
	if (le64_to_cpu(l->magic) != NEXUS_LABEL_MAGIC) {
		*why = "no nexus label";
		return -ENODATA;
	}
	if (le32_to_cpu(l->version) != NEXUS_LABEL_VERSION) {
		*why = "unsupported label version";
		return -EBADMSG;
	}
	if (le32_to_cpu(l->crc) != nexus_label_crc(l)) {
		*why = "bad label checksum";
		return -EBADMSG;
	}
	if (le64_to_cpu(l->self_offset) != nexus_label_self(c, slot)) {
		*why = "label is not where it was written (device resized?)";
		return -EBADMSG;
	}
	if (le32_to_cpu(l->features) & ~NEXUS_FEAT_ALL) {
		*why = "label has features this module does not know";
		return -EBADMSG;
	}
	return nexus_label_check_geometry(l, c, why);
}

/* Does label @l (checked) call its own member active, i.e. in sync? */
bool nexus_label_self_active(const struct nexus_disk_label *l)
{
	return le32_to_cpu(l->members[le32_to_cpu(l->slot)].state) ==
	       NEXUS_MEMBER_ACTIVE;
}

static const char *const nexus_slot_names[] = { "A", "B" };

/**
 * nexus_label_read() - the newest valid label of a child
 * @c: the child
 * @label: where to put it (NEXUS_LABEL_SIZE bytes)
 * @why: set to the reason when there is none
 *
 * Reads both slots and keeps the valid one with the higher generation; a
 * bad slot next to a good one is only logged.  Nothing is written.
 * Context: process.  Return: 0, -ENODATA (no label at all), -EBADMSG (a
 * label but no valid slot), -ENOMEM or an IO error.
 */
int nexus_label_read(struct nexus_child *c, struct nexus_disk_label *label,
		     const char **why)
{
	const char *slot_why[NEXUS_LABEL_SLOTS] = {};
	int err[NEXUS_LABEL_SLOTS], ret = -ENODATA;
	bool found = false;
	struct page *page;
	unsigned int s;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	for (s = 0; s < NEXUS_LABEL_SLOTS; s++) {
		const struct nexus_disk_label *l = page_address(page);

		err[s] = nexus_md_io(c, NEXUS_LABEL_OFFSET(s), page,
				     NEXUS_LABEL_SIZE, REQ_OP_READ | REQ_META);
		if (err[s]) {
			slot_why[s] = "cannot read the label";
			continue;
		}
		err[s] = nexus_label_check(l, c, s, &slot_why[s]);
		if (err[s])
			continue;
		if (!found || le64_to_cpu(l->generation) >
			      le64_to_cpu(label->generation))
			memcpy(label, l, NEXUS_LABEL_SIZE);
		found = true;
	}
	__free_page(page);

	for (s = 0; s < NEXUS_LABEL_SLOTS; s++) {
		if (found && err[s] && err[s] != -ENODATA)
			pr_warn("%s: label slot %s: %s; using the other slot\n",
				c->path, nexus_slot_names[s], slot_why[s]);
		/* Report a damaged slot rather than a merely empty one. */
		if (!found && err[s] && (ret == -ENODATA || ret == -EIO) &&
		    err[s] != -ENODATA) {
			ret = err[s];
			*why = slot_why[s];
		}
	}
	if (found)
		return 0;
	if (ret == -ENODATA)
		*why = "no nexus label";
	return ret;
}

static enum nexus_member_state nexus_member_state_of(struct nexus_child *c)
{
	switch (READ_ONCE(c->state)) {
	case NEXUS_CHILD_ONLINE:
		return NEXUS_MEMBER_ACTIVE;
	case NEXUS_CHILD_FAULTED:
		/*
		 * An IO error (a lost target, often) leaves it behind only by
		 * what it misses from now and the writes that failed, which the
		 * bitmap holds while a member is behind by it: `child online`
		 * copies just those regions.  Unless bits were cleared without
		 * its flush (its volatile cache may have lost their data), or
		 * it was faulted by hand: a full copy.
		 */
		return nexus_child_fault_is_io(c) && nexus_bitmap_covers(c) ?
		       NEXUS_MEMBER_BITMAP : NEXUS_MEMBER_FAULTED;
	case NEXUS_CHILD_OFFLINE:
		/*
		 * Behind by the bitmap only if it flushed for every clear:
		 * nothing flushed it as it left (nexus_child_offline_dirty()).
		 * Taken offline before its catch-up from scratch was done: a
		 * full copy.
		 */
		return nexus_bitmap_covers(c) ? NEXUS_MEMBER_BITMAP :
						NEXUS_MEMBER_FULL;
	default:
		return c->needs_full || !c->nx->bitmap ? NEXUS_MEMBER_FULL :
							 NEXUS_MEMBER_BITMAP;
	}
}

/* Does a member going from @from to @to come in sync, or leave it? */
static bool nexus_member_crosses_sync(enum nexus_member_state from,
				      enum nexus_member_state to)
{
	if (from == NEXUS_MEMBER_ACTIVE)
		return to != NEXUS_MEMBER_ACTIVE;
	return to == NEXUS_MEMBER_ACTIVE;
}

/*
 * Bring nx->members up to the children's states.  The bitmap, rebuild and
 * scrub workers write labels without cfg_lock, while `child remove` or
 * `child online` may take a child out of its slot: RCU keeps it until
 * they are done with it (they free it after synchronize_rcu()).
 * Context: meta_mutex.
 */
static void nexus_members_refresh(struct nexus_dev *nx, u64 gen)
{
	unsigned int s;

	rcu_read_lock();
	for (s = 0; s < NEXUS_MAX_CHILDREN; s++) {
		struct nexus_child *c = READ_ONCE(nx->children[s]);
		struct nexus_member *m = &nx->members[s];
		enum nexus_member_state st;

		if (!c)
			continue;
		/* Once in sync, it is behind only by what it misses from now. */
		if (READ_ONCE(c->state) == NEXUS_CHILD_ONLINE)
			c->needs_full = false;
		st = nexus_member_state_of(c);
		/*
		 * The generation a member joined or came in sync in; for one
		 * that takes no writes, the first label its device missed
		 * (c->generation is the last it got).  Not moved while it is
		 * behind and takes writes, so that it bounds the labels its
		 * own device can hold (nexus_label_stale()).
		 */
		if (memcmp(m->uuid, c->uuid, NEXUS_UUID_LEN) ||
		    nexus_member_crosses_sync(m->state, st))
			m->generation = gen;
		if (st != NEXUS_MEMBER_ACTIVE && !nexus_child_writable(c))
			m->generation = READ_ONCE(c->generation) + 1;
		m->state = st;
		memcpy(m->uuid, c->uuid, NEXUS_UUID_LEN);
	}
	rcu_read_unlock();
}

static void nexus_label_build(struct nexus_dev *nx, struct nexus_child *c,
			      bool clean, struct nexus_disk_label *l)
{
	struct block_device *bdev = nexus_child_bdev(c);
	unsigned int s;

	memset(l, 0, sizeof(*l));
	l->version = cpu_to_le32(NEXUS_LABEL_VERSION);
	l->magic = cpu_to_le64(NEXUS_LABEL_MAGIC);
	l->self_offset = cpu_to_le64(nexus_label_self(c, nx->generation & 1));
	l->generation = cpu_to_le64(nx->generation);
	l->features = cpu_to_le32(nx->bitmap ? NEXUS_FEAT_BITMAP : 0);
	l->flags = cpu_to_le32(clean ? NEXUS_LABEL_CLEAN : 0);
	l->data_sectors = cpu_to_le64(nx->sectors);
	l->child_sectors = cpu_to_le64(bdev_nr_sectors(bdev));
	l->region_size = cpu_to_le32(nx->region_size);
	l->bitmap_bytes = cpu_to_le32(nexus_bitmap_bytes(nx));
	l->slot = cpu_to_le32(c->slot);
	l->nr_members = cpu_to_le32(NEXUS_MAX_CHILDREN);
	memcpy(l->nexus_uuid, nx->uuid, NEXUS_UUID_LEN);
	memcpy(l->child_uuid, c->uuid, NEXUS_UUID_LEN);
	memcpy(l->name, nx->name, strnlen(nx->name, NEXUS_NAME_MAX));
	for (s = 0; s < NEXUS_MAX_CHILDREN; s++) {
		const struct nexus_member *m = &nx->members[s];

		memcpy(l->members[s].uuid, m->uuid, NEXUS_UUID_LEN);
		l->members[s].state = cpu_to_le32(m->state);
		l->members[s].generation = cpu_to_le64(m->generation);
	}
	l->crc = cpu_to_le32(nexus_label_crc(l));
}

/* Where @c's metadata area belongs now that @c grew; 0 if it did not. */
static sector_t nexus_md_grown_to(struct nexus_child *c)
{
	sector_t md = nexus_md_offset(bdev_nr_sectors(nexus_child_bdev(c)));

	return md > READ_ONCE(c->md_sector) ? md : 0;
}

/*
 * The metadata area lives at the end of a child: once the child grew (an
 * LV extended under the nexus), the label must go to the new end, where
 * assembly will look for it, and the bitmap with it.  The bitmap goes
 * first, every bit set, and the other label slot zeroed (the new place
 * may hold anything): every bit set is a superset of those that matter, so
 * a crash from here on resyncs more, never less; the label write that
 * follows flushes them first (PREFLUSH), and nexus_bitmap_kick_all() after
 * it writes the real bits there.  The bitmap's rounds wait from before the
 * first block until the place has moved (nexus_bitmap_pause()): the two
 * places overlap after a growth smaller than the area, and a round still
 * writing the old one would put its blocks over the new one's.  Until this
 * label write (the bitmap's sweep asks for one: nexus_meta_follow_growth())
 * a crash leaves the label at the old place, where assembly does not look
 * ("no nexus label"); a child that shrank keeps its area, and faults if
 * that is gone.
 * Context: meta_mutex.
 */
static int nexus_md_follow_growth(struct nexus_dev *nx, struct nexus_child *c)
{
	sector_t md = nexus_md_grown_to(c);
	unsigned int blocks = nexus_bitmap_bytes(nx) / NEXUS_BITMAP_BLOCK;
	unsigned int other = (nx->generation + 1) & 1, b;
	struct nexus_bitmap *paused;
	struct page *page;
	int ret;

	if (!md)
		return 0;
	page = alloc_page(GFP_NOIO | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	paused = nexus_bitmap_pause(nx);
	ret = nexus_md_io_at(c, md, NEXUS_LABEL_OFFSET(other), page,
			     NEXUS_LABEL_SIZE, REQ_OP_WRITE | REQ_META);
	memset(page_address(page), 0xff, PAGE_SIZE);
	for (b = 0; b < blocks && !ret; b++)
		ret = nexus_md_io_at(c, md, NEXUS_BITMAP_OFFSET +
				     (u64)b * NEXUS_BITMAP_BLOCK, page,
				     NEXUS_BITMAP_BLOCK, REQ_OP_WRITE | REQ_META);
	if (!ret) {
		pr_info("%s: child %s grew: its metadata moves from sector %llu to %llu\n",
			nx->name, c->path, (unsigned long long)c->md_sector,
			(unsigned long long)md);
		WRITE_ONCE(c->md_sector, md);
	}
	nexus_bitmap_resume(paused);
	__free_page(page);
	return ret;
}

/**
 * nexus_meta_follow_growth() - move the metadata of children that grew
 * @nx: the nexus
 *
 * Called by the bitmap's sweep, so that a child grown under a live nexus
 * has its label at its new end within a grace period rather than at the
 * next change of state, which may be far off: until then a crash leaves
 * the label where assembly does not look.  Context: process, no lock.
 */
void nexus_meta_follow_growth(struct nexus_dev *nx)
{
	bool grew = false;
	struct nexus_child *c;
	unsigned int s;

	rcu_read_lock();
	for (s = 0; s < NEXUS_MAX_CHILDREN && !grew; s++) {
		c = READ_ONCE(nx->children[s]);
		grew = c && nexus_child_writable(c) && nexus_md_grown_to(c);
	}
	rcu_read_unlock();
	if (grew)
		nexus_meta_update(nx);
}

/* Write the current label to @c; a failure faults it. */
static int nexus_label_write(struct nexus_dev *nx, struct nexus_child *c,
			     bool clean)
{
	int ret;

	ret = nexus_md_follow_growth(nx, c);
	if (!ret) {
		nexus_label_build(nx, c, clean, page_address(nx->label_page));
		ret = nexus_md_io(c, NEXUS_LABEL_OFFSET(nx->generation & 1),
				  nx->label_page, NEXUS_LABEL_SIZE,
				  NEXUS_LABEL_WRITE);
	}
	if (!ret) {
		WRITE_ONCE(c->generation, nx->generation);
		return 0;
	}
	atomic64_inc(&c->errors);
	pr_err_ratelimited("%s: child %s: label write error %d\n", nx->name,
			   c->path, ret);
	nexus_child_set_state(c, NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR);
	return ret;
}

/* Does the table being written call slot @s in sync?  Context: meta_mutex. */
static bool nexus_meta_calls_active(struct nexus_dev *nx, unsigned int s)
{
	return nx->members[s].state == NEXUS_MEMBER_ACTIVE;
}

/*
 * One pass over the writable children; true if every write went well.
 *
 * The children the new table calls active get it first, the others (still
 * catching up) only after: each write is synchronous with PREFLUSH|FUA, so
 * a crash part-way never leaves the newest generation on a child that is
 * behind while every source is still one older.  Assembly takes its
 * sources from the newest generation only, and would find none.
 */
static bool nexus_meta_write_pass(struct nexus_dev *nx, bool clean)
{
	bool ok = true, active = true;
	unsigned int s;
	int pass;

	for (pass = 0; pass < 2; pass++, active = false) {
		for (s = 0; s < NEXUS_MAX_CHILDREN; s++) {
			struct nexus_child *c;

			if (nexus_meta_calls_active(nx, s) != active)
				continue;
			rcu_read_lock();
			c = READ_ONCE(nx->children[s]);
			if (c && nexus_child_writable(c))
				nexus_child_get(c);
			else
				c = NULL;
			rcu_read_unlock();
			if (!c)
				continue;
			if (nexus_label_write(nx, c, clean))
				ok = false;
			nexus_child_put(c);
		}
	}
	return ok;
}

/* The exclusions published so far; the states read after it show them. */
static unsigned int nexus_meta_excl_seq(struct nexus_dev *nx)
{
	unsigned int seq;

	spin_lock(&nx->excl_lock);
	seq = atomic_read(&nx->excl_seq);
	spin_unlock(&nx->excl_lock);
	return seq;
}

static int nexus_meta_write_locked(struct nexus_dev *nx, bool clean)
{
	unsigned int tries, seq;
	bool healthy;

	/* Each failed pass faults a child, so this ends. */
	for (tries = 0; tries <= NEXUS_MAX_CHILDREN; tries++) {
		nx->generation++;
		seq = nexus_meta_excl_seq(nx);
		nexus_members_refresh(nx, nx->generation);
		if (nexus_meta_write_pass(nx, clean))
			break;
	}
	/* New members need the whole bitmap; faulted ones leave it. */
	if (nx->bitmap && !clean)
		nexus_bitmap_kick_all(nx);
	healthy = nexus_healthy_children(nx);
	/* Every exclusion up to @seq is on the labels now. */
	nexus_release_held(nx, seq, healthy);
	return healthy ? 0 : -EIO;
}

static int nexus_meta_write(struct nexus_dev *nx, bool clean)
{
	int ret;

	if (READ_ONCE(nx->meta_owner) == current)
		return 0;
	mutex_lock(&nx->meta_mutex);
	if (nx->meta_closed) {
		mutex_unlock(&nx->meta_mutex);
		return 0;
	}
	WRITE_ONCE(nx->meta_owner, current);
	ret = nexus_meta_write_locked(nx, clean);
	if (clean)
		nx->meta_closed = true;
	WRITE_ONCE(nx->meta_owner, NULL);
	mutex_unlock(&nx->meta_mutex);
	return ret;
}

/**
 * nexus_meta_update() - write a new label generation to every writable child
 * @nx: the nexus
 *
 * Called after every membership or child state change.
 * Context: process; not under nx->meta_mutex unless from the label writer.
 * Return: 0, or -EIO when no healthy child is left.
 */
int nexus_meta_update(struct nexus_dev *nx)
{
	return nexus_meta_write(nx, false);
}

/*
 * Destroy, after IO has drained: stop rebuilds (their children stay behind
 * by their dirty regions), flush the bitmap and mark the labels clean.
 * Context: process, nx->cfg_lock held.
 */
void nexus_meta_shutdown(struct nexus_dev *nx)
{
	struct nexus_child *c;
	unsigned int i;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++)
		nexus_rebuild_stop(c);
	nexus_bitmap_flush(nx);
	nexus_meta_write(nx, true);
}

/* Forget a removed member's slot and say so on the labels. */
void nexus_meta_forget(struct nexus_dev *nx, unsigned int slot)
{
	mutex_lock(&nx->meta_mutex);
	memset(&nx->members[slot], 0, sizeof(nx->members[slot]));
	mutex_unlock(&nx->meta_mutex);
	nexus_meta_update(nx);
}

/**
 * nexus_meta_forget_missing() - drop a member that is away for good
 * @nx: the nexus
 * @uuid: the member's child UUID
 * @extack: where to say why not
 *
 * Its slot is emptied on the labels, so the nexus no longer waits for it
 * (no longer DEGRADED on its account, bitmap bits may clear again), and
 * its device, should it return, is refused as a removed member.
 *
 * Context: process, nx->cfg_lock held.
 */
int nexus_meta_forget_missing(struct nexus_dev *nx, const u8 *uuid,
			      struct netlink_ext_ack *extack)
{
	struct nexus_child *c;
	unsigned int i;
	int slot;

	lockdep_assert_held(&nx->cfg_lock);
	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		if (!memcmp(c->uuid, uuid, NEXUS_UUID_LEN)) {
			nexus_extack_fmt(extack,
					 "child %s has that UUID: remove it by its path",
					 c->path);
			return -EBUSY;
		}
	}
	slot = nexus_missing_member_slot(nx, uuid);
	if (slot < 0) {
		NL_SET_ERR_MSG_MOD(extack, "no missing member with that UUID");
		return -ENOENT;
	}
	pr_info("%s: missing member %pUb (slot %d) forgotten\n", nx->name,
		uuid, slot);
	nexus_meta_forget(nx, slot);
	nexus_update_state(nx);
	return 0;
}

/* Is @slot held by a member that is away (missing or faulted)? */
bool nexus_member_slot_taken(struct nexus_dev *nx, unsigned int slot)
{
	return !nx->children[slot] &&
	       READ_ONCE(nx->members[slot].state) != NEXUS_MEMBER_EMPTY;
}

/* The slot of member @uuid if it is away (no child holds it), else -1. */
int nexus_missing_member_slot(struct nexus_dev *nx, const u8 *uuid)
{
	unsigned int s;

	for (s = 0; s < NEXUS_MAX_CHILDREN; s++)
		if (nexus_member_slot_taken(nx, s) &&
		    !memcmp(nx->members[s].uuid, uuid, NEXUS_UUID_LEN))
			return s;
	return -1;
}

/* A fresh nexus: every child an active member, generation 0. */
void nexus_meta_init_members(struct nexus_dev *nx)
{
	struct nexus_child *c;
	unsigned int i;

	for (i = 0; (c = nexus_child_next(nx, &i)); i++) {
		memcpy(nx->members[i].uuid, c->uuid, NEXUS_UUID_LEN);
		nx->members[i].state = NEXUS_MEMBER_ACTIVE;
	}
}

/* What the children of a nexus being created carry, across them. */
struct nexus_create_seen {
	struct nexus_child *labelled;	/* first with this nexus's clean label */
	u64 generation;			/* that label's */
	u8 nexus_uuid[NEXUS_UUID_LEN];
	struct nexus_child *blank;	/* first without any label */
};

/*
 * @c carries the clean label @l of the nexus being created again: it was
 * in sync when that nexus was shut down, and so were the others, only if
 * its own member state is active and every such child carries the very
 * same generation (one pass writes the clean label to all).  A child that
 * was missing, catching up or faulted at that shutdown, or one that was
 * not a member then (an older clean label), holds other data: taking it as
 * in sync would serve stale reads.  Assembly knows which copy is behind.
 */
static int nexus_meta_check_same(struct nexus_child *c,
				 const struct nexus_disk_label *l,
				 struct nexus_create_seen *seen,
				 struct netlink_ext_ack *extack)
{
	u64 gen = le64_to_cpu(l->generation);

	if (!nexus_label_self_active(l)) {
		nexus_extack_fmt(extack,
				 "child %s was not in sync when nexus %s was shut down; assemble it to resync the copies, or force to overwrite",
				 c->path, l->name);
		return -EEXIST;
	}
	if (!seen->labelled) {
		seen->labelled = c;
		seen->generation = gen;
		memcpy(seen->nexus_uuid, l->nexus_uuid, NEXUS_UUID_LEN);
		return 0;
	}
	if (gen != seen->generation ||
	    memcmp(l->nexus_uuid, seen->nexus_uuid, NEXUS_UUID_LEN)) {
		nexus_extack_fmt(extack,
				 "children %s and %s carry different shutdowns of nexus %s (generations %llu and %llu): one was not a member at the last; assemble it to resync the copies, or force to overwrite",
				 seen->labelled->path, c->path, l->name,
				 seen->generation, gen);
		return -EEXIST;
	}
	return 0;
}

/* May creating nx on @c overwrite its label? */
static int nexus_meta_check_one(struct nexus_dev *nx, struct nexus_child *c,
				const struct nexus_create_args *args,
				struct nexus_disk_label *l,
				struct nexus_create_seen *seen,
				struct netlink_ext_ack *extack)
{
	const char *why = NULL;
	int ret = nexus_label_read(c, l, &why);

	/* The new labels must outrank every old one, or assembly picks those. */
	if (!ret)
		nx->generation = max(nx->generation, le64_to_cpu(l->generation));
	if (args->flags & NEXUS_F_FORCE)
		return 0;
	if (ret == -ENODATA) {
		if (!seen->blank)
			seen->blank = c;
		return 0;
	}
	if (ret == -EBADMSG) {
		nexus_extack_fmt(extack,
				 "child %s carries a damaged nexus label (%s); force to overwrite it",
				 c->path, why);
		return -EEXIST;
	}
	if (ret) {
		nexus_extack_fmt(extack, "child %s: cannot read its label (%d)",
				 c->path, ret);
		return ret;
	}
	/* Re-creating the same nexus on its own children is allowed... */
	if (!strcmp(l->name, args->name) &&
	    (!args->uuid || !memcmp(l->nexus_uuid, args->uuid, NEXUS_UUID_LEN))) {
		if (le32_to_cpu(l->flags) & NEXUS_LABEL_CLEAN)
			return nexus_meta_check_same(c, l, seen, extack);
		/* ...once it was shut down: else its copies need a resync. */
		nexus_extack_fmt(extack,
				 "child %s carries the unclean label of nexus %s (not shut down cleanly); assemble it to resync the copies, or force to overwrite",
				 c->path, l->name);
		return -EEXIST;
	}
	nexus_extack_fmt(extack,
			 "child %s carries the label of nexus %s (%pUb); assemble it, or force to overwrite",
			 c->path, l->name, l->nexus_uuid);
	return -EEXIST;
}

/* A blank child beside copies of the nexus would be taken as one. */
static int nexus_meta_check_blank(const struct nexus_create_seen *seen,
				  const struct nexus_create_args *args,
				  struct netlink_ext_ack *extack)
{
	if (!seen->labelled || !seen->blank)
		return 0;
	nexus_extack_fmt(extack,
			 "child %s carries no label while %s carries nexus %s's: it would be taken as in sync; assemble the nexus and add it with child add, or force",
			 seen->blank->path, seen->labelled->path, args->name);
	return -EEXIST;
}

/**
 * nexus_meta_check_foreign() - refuse children a new nexus must not overwrite
 * @nx: the nexus being created, its children open in slots 0..n-1
 * @args: the request (NEXUS_F_FORCE skips the check)
 * @extack: names the child
 *
 * Without force, a child may carry no label, or the clean label of this
 * same nexus (re-created after a clean shutdown); then every child must
 * carry it, each in sync at that shutdown (nexus_meta_check_same()).
 * Also sets nx->generation to the newest generation found, so that the
 * first label written outranks every label the children carried.
 * Context: process, nx->cfg_lock held.  Nothing is written.
 */
int nexus_meta_check_foreign(struct nexus_dev *nx,
			     const struct nexus_create_args *args,
			     struct netlink_ext_ack *extack)
{
	struct nexus_create_seen seen = {};
	struct nexus_disk_label *l;
	unsigned int i;
	int ret = 0;

	l = kmalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	for (i = 0; i < args->nr_children && !ret; i++) {
		ret = nexus_meta_check_one(nx, nx->children[i], args, l, &seen,
					   extack);
		if (ret)
			NL_SET_BAD_ATTR(extack, args->attrs[i]);
	}
	kfree(l);
	return ret ?: nexus_meta_check_blank(&seen, args, extack);
}

int nexus_meta_init(struct nexus_dev *nx)
{
	mutex_init(&nx->meta_mutex);
	nx->label_page = alloc_page(GFP_KERNEL);
	return nx->label_page ? 0 : -ENOMEM;
}

void nexus_meta_exit(struct nexus_dev *nx)
{
	if (nx->label_page)
		__free_page(nx->label_page);
	nx->label_page = NULL;
}
