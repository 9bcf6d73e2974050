// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink handlers of the "nexus" family.  Each handler validates
 * what it can before it changes anything, so a request that fails leaves
 * the nexus as it was, but for the exceptions docs/netlink.md lists
 * (Conventions): a rebuild start that stopped a scrub and then fails
 * (nexus_rebuild_start()), a child offline that stopped the child's rebuild
 * and finds the child faulted (nexus_child_offline()), a create that fails
 * after its first metadata write (nexus_build()), and the scrub state a
 * first check leaves when it fails for memory (nexus_scrub_start()).
 * Errors are a negative errno plus an extack message and, where one
 * attribute is at fault, a pointer to it.
 */
#include <linux/string.h>

#include "nexus.h"
#include "nexus_nl_gen.h"

/*
 * The nexus named by NEXUS_A_NAME, with a reference (nexus_put()).  No
 * configuration lock is held: replies read a nexus under RCU, so one whose
 * child hangs (or that is being destroyed) still answers.
 */
static struct nexus_dev *nexus_nl_get(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[NEXUS_A_NAME];
	struct nexus_dev *nx;

	if (GENL_REQ_ATTR_CHECK(info, NEXUS_A_NAME))
		return ERR_PTR(-EINVAL);
	nx = nexus_get_by_name(nla_data(attr));
	if (!nx) {
		NL_SET_BAD_ATTR(info->extack, attr);
		NL_SET_ERR_MSG_MOD(info->extack, "no nexus with that name");
		return ERR_PTR(-ENOENT);
	}
	return nx;
}

/*
 * The nexus named by the request, with a reference and its cfg_lock held;
 * release with nexus_nl_unlock().  Only commands on this nexus wait for
 * the lock (its holder may be waiting for this nexus's IO).
 */
static struct nexus_dev *nexus_nl_lock(struct genl_info *info)
{
	struct nexus_dev *nx = nexus_nl_get(info);

	if (IS_ERR(nx))
		return nx;
	mutex_lock(&nx->cfg_lock);
	/* Stable under cfg_lock: create and destroy change it holding it. */
	if (nx->live)
		return nx;
	mutex_unlock(&nx->cfg_lock);
	nexus_put(nx);
	NL_SET_BAD_ATTR(info->extack, info->attrs[NEXUS_A_NAME]);
	NL_SET_ERR_MSG_MOD(info->extack, "no nexus with that name");
	return ERR_PTR(-ENOENT);
}

static void nexus_nl_unlock(struct nexus_dev *nx)
{
	mutex_unlock(&nx->cfg_lock);
	nexus_put(nx);
}

/*
 * Every command but GET opens, writes or reconfigures block devices, so
 * each one's handler calls this first: CAP_SYS_ADMIN (as nbd's netlink
 * does), which many network daemons and containers lack.  It is needed on
 * top of, not instead of, CAP_NET_ADMIN: the generated ops carry
 * GENL_ADMIN_PERM (admin-perm in docs/nexus.yaml), which genetlink checks
 * before calling the handler, answering a bare -EPERM with no extack
 * message.  Only a caller with CAP_NET_ADMIN gets here.
 */
static int nexus_nl_may_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG_MOD(info->extack,
			   "this command needs CAP_SYS_ADMIN (it opens and writes block devices)");
	return -EPERM;
}

static u32 nexus_nl_flags(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[NEXUS_A_FLAGS];

	return attr ? nla_get_u32(attr) : 0;
}

static int nexus_nl_put_u64(struct sk_buff *skb, int attr, u64 value, int pad)
{
	return nla_put_u64_64bit(skb, attr, value, pad);
}

int nexus_nl_fill_child(struct sk_buff *skb, int attr, struct nexus_child *c)
{
	struct block_device *bdev = nexus_child_bdev(c);
	struct nlattr *nest;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, NEXUS_CHILD_A_PATH, c->path) ||
	    nla_put_u32(skb, NEXUS_CHILD_A_SLOT, c->slot) ||
	    nla_put_u32(skb, NEXUS_CHILD_A_STATE, READ_ONCE(c->state)) ||
	    nla_put_u32(skb, NEXUS_CHILD_A_REASON, READ_ONCE(c->reason)) ||
	    nexus_nl_put_u64(skb, NEXUS_CHILD_A_SIZE, bdev_nr_bytes(bdev),
			     NEXUS_CHILD_A_PAD) ||
	    nla_put_u32(skb, NEXUS_CHILD_A_MAJOR, MAJOR(bdev->bd_dev)) ||
	    nla_put_u32(skb, NEXUS_CHILD_A_MINOR, MINOR(bdev->bd_dev)) ||
	    nla_put(skb, NEXUS_CHILD_A_UUID, NEXUS_UUID_LEN, c->uuid) ||
	    nexus_nl_put_u64(skb, NEXUS_CHILD_A_READS,
			     atomic64_read(&c->reads), NEXUS_CHILD_A_PAD) ||
	    nexus_nl_put_u64(skb, NEXUS_CHILD_A_WRITES,
			     atomic64_read(&c->writes), NEXUS_CHILD_A_PAD) ||
	    nexus_nl_put_u64(skb, NEXUS_CHILD_A_ERRORS,
			     atomic64_read(&c->errors), NEXUS_CHILD_A_PAD) ||
	    nexus_nl_put_u64(skb, NEXUS_CHILD_A_GENERATION,
			     READ_ONCE(c->generation), NEXUS_CHILD_A_PAD) ||
	    nexus_rebuild_fill(skb, c)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Context: rcu_read_lock(): a removed child is freed after a grace period. */
static int nexus_nl_fill_children(struct sk_buff *skb, struct nexus_dev *nx)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, NEXUS_A_CHILDREN);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NEXUS_MAX_CHILDREN; i++) {
		struct nexus_child *c = READ_ONCE(nx->children[i]);

		if (c && nexus_nl_fill_child(skb, NEXUS_A_CHILD, c)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The members that are away: slot, UUID and generation from the labels.
 * Read without meta_mutex, which a label write holds across its IO, and
 * without cfg_lock: a dump must answer even while a child hangs.  An entry
 * read while it changes may be torn; the next reply is right.
 */
static int nexus_nl_fill_missing(struct sk_buff *skb, struct nexus_dev *nx)
{
	struct nlattr *nest, *one;
	unsigned int i;
	int ret = 0;

	nest = nla_nest_start(skb, NEXUS_A_MISSING);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NEXUS_MAX_CHILDREN && !ret; i++) {
		struct nexus_member *m = &nx->members[i];

		if (!nexus_member_slot_taken(nx, i))
			continue;
		one = nla_nest_start(skb, NEXUS_A_CHILD);
		if (!one || nla_put_u32(skb, NEXUS_CHILD_A_SLOT, i) ||
		    nla_put_u32(skb, NEXUS_CHILD_A_STATE, NEXUS_CHILD_MISSING) ||
		    nla_put(skb, NEXUS_CHILD_A_UUID, NEXUS_UUID_LEN, m->uuid) ||
		    nexus_nl_put_u64(skb, NEXUS_CHILD_A_GENERATION, m->generation,
				     NEXUS_CHILD_A_PAD))
			ret = -EMSGSIZE;
		else
			nla_nest_end(skb, one);
	}
	if (ret) {
		nla_nest_cancel(skb, nest);
		return ret;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int nexus_nl_fill_nexus_rcu(struct sk_buff *skb, struct nexus_dev *nx);

/* Identity and state of @nx; also the head of every event. */
static int nexus_nl_fill_identity(struct sk_buff *skb, struct nexus_dev *nx)
{
	if (nla_put_string(skb, NEXUS_A_NAME, nx->name) ||
	    nla_put(skb, NEXUS_A_UUID, NEXUS_UUID_LEN, nx->uuid) ||
	    nla_put_u32(skb, NEXUS_A_STATE, READ_ONCE(nx->state)))
		return -EMSGSIZE;
	return 0;
}

/* What the labels and the bitmap say. */
static int nexus_nl_fill_meta(struct sk_buff *skb, struct nexus_dev *nx)
{
	if (nexus_nl_put_u64(skb, NEXUS_A_GENERATION, READ_ONCE(nx->generation),
			     NEXUS_A_PAD) ||
	    nla_put_u32(skb, NEXUS_A_CLEAN, nx->clean_at_start) ||
	    nla_put_u32(skb, NEXUS_A_BITMAP, !!nx->bitmap) ||
	    nexus_nl_put_u64(skb, NEXUS_A_DIRTY_REGIONS, nexus_bitmap_weight(nx),
			     NEXUS_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/*
 * Everything about @nx.  Context: any lock or none, the caller holding a
 * reference to @nx: nothing here waits.
 */
int nexus_nl_fill_nexus(struct sk_buff *skb, struct nexus_dev *nx)
{
	int ret;

	rcu_read_lock();
	ret = nexus_nl_fill_nexus_rcu(skb, nx);
	rcu_read_unlock();
	return ret;
}

static int nexus_nl_fill_nexus_rcu(struct sk_buff *skb, struct nexus_dev *nx)
{
	struct request_queue *q = nx->disk->queue;

	if (nexus_nl_fill_identity(skb, nx) ||
	    nexus_nl_put_u64(skb, NEXUS_A_SIZE,
			     (u64)nx->sectors << SECTOR_SHIFT, NEXUS_A_PAD) ||
	    nla_put_u32(skb, NEXUS_A_MAJOR, nx->disk->major) ||
	    nla_put_u32(skb, NEXUS_A_MINOR, nx->disk->first_minor) ||
	    nla_put_u32(skb, NEXUS_A_BLOCK_SIZE, queue_logical_block_size(q)) ||
	    nla_put_u32(skb, NEXUS_A_OPEN_COUNT, atomic_read(&nx->open_count)) ||
	    nla_put_u32(skb, NEXUS_A_REGION_SIZE, nx->region_size) ||
	    nla_put_u32(skb, NEXUS_A_REBUILD_RATE, READ_ONCE(nx->rebuild_rate)) ||
	    nexus_nl_fill_meta(skb, nx) || nexus_nl_fill_missing(skb, nx) ||
	    nexus_scrub_fill(skb, nx))
		return -EMSGSIZE;
	return nexus_nl_fill_children(skb, nx);
}

/* The most one child's nest takes, path and rebuild included. */
static size_t nexus_nl_child_size(void)
{
	return nla_total_size(0) +			/* the nest */
	       nla_total_size(NEXUS_PATH_MAX + 1) +
	       5 * nla_total_size(sizeof(u32)) +	/* slot .. minor */
	       5 * nla_total_size_64bit(sizeof(u64)) +	/* size .. generation */
	       nla_total_size(NEXUS_UUID_LEN) +
	       nla_total_size(0) +			/* the rebuild nest */
	       2 * nla_total_size(sizeof(u32)) +
	       3 * nla_total_size_64bit(sizeof(u64));
}

/*
 * The most one nexus takes in a message: every slot a child or a missing
 * member.  Replies and dump messages are sized by it, so a nexus of 32
 * children with the longest paths always fits.
 */
static size_t nexus_nl_nexus_size(void)
{
	size_t missing = nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
			 nla_total_size(NEXUS_UUID_LEN) +
			 nla_total_size_64bit(sizeof(u64));

	return GENL_HDRLEN + nla_total_size(NEXUS_NAME_MAX + 1) +
	       nla_total_size(NEXUS_UUID_LEN) +
	       10 * nla_total_size(sizeof(u32)) +
	       4 * nla_total_size_64bit(sizeof(u64)) +
	       2 * nla_total_size(0) +			/* children, missing */
	       NEXUS_MAX_CHILDREN * (nexus_nl_child_size() + missing) +
	       2 * nla_total_size(0) +			/* the scrub nest, regions */
	       3 * nla_total_size(sizeof(u32)) +
	       6 * nla_total_size_64bit(sizeof(u64)) +
	       NEXUS_SCRUB_MAX_LISTED * nla_total_size_64bit(sizeof(u64));
}

/* Send @nx as the reply to a request.  Context: a reference to @nx held. */
static int nexus_nl_reply_nexus(struct genl_info *info, struct nexus_dev *nx)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nexus_nl_nexus_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nexus_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr)
		goto too_big;
	if (nexus_nl_fill_nexus(msg, nx))
		goto too_big;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Build the event @event about @nx (and @c, if any) in a fresh skb. */
struct sk_buff *nexus_nl_build_event(struct nexus_dev *nx,
				     struct nexus_child *c,
				     enum nexus_event_type event, u64 seq)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &nexus_genl_family, 0, NEXUS_CMD_EVENT);
	if (!hdr)
		goto fail;
	if (nla_put_u32(msg, NEXUS_A_EVENT, event) ||
	    nexus_nl_put_u64(msg, NEXUS_A_SEQ, seq, NEXUS_A_PAD) ||
	    nexus_nl_fill_identity(msg, nx))
		goto fail;
	if (c) {
		int ret;

		rcu_read_lock();
		ret = nexus_nl_fill_child(msg, NEXUS_A_CHILD, c);
		rcu_read_unlock();
		if (ret)
			goto fail;
	}
	if (nexus_scrub_fill_event(msg, nx, event))
		goto fail;
	genlmsg_end(msg, hdr);
	return msg;

fail:
	nlmsg_free(msg);
	return NULL;
}

/*
 * Parse a child nest of a request into @tb.  A request names a child by its
 * path (or, in CHILD_REMOVE, a missing member by its UUID) and carries no
 * other child attribute; the generated policy of the child set lists those
 * of replies too, so they are refused here, as the policy would.
 */
static int nexus_nl_parse_child_req(struct nlattr **tb, struct nlattr *nest,
				    struct netlink_ext_ack *extack)
{
	unsigned int i;
	int ret;

	static_assert(ARRAY_SIZE(nexus_child_nl_policy) <= NEXUS_CHILD_A_MAX + 1);
	memset(tb, 0, (NEXUS_CHILD_A_MAX + 1) * sizeof(*tb));
	ret = nla_parse_nested(tb, ARRAY_SIZE(nexus_child_nl_policy) - 1, nest,
			       nexus_child_nl_policy, extack);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(nexus_child_nl_policy); i++) {
		if (tb[i] && i != NEXUS_CHILD_A_PATH && i != NEXUS_CHILD_A_UUID) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i], "Unsupported attribute");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The kernel log names children by path: one with a newline or an escape
 * sequence in it would forge or garble log lines.
 */
static bool nexus_nl_path_printable(const char *path)
{
	for (; *path; path++)
		if ((unsigned char)*path < 0x20 || *path == 0x7f)
			return false;
	return true;
}

/*
 * The device path of a request's child; and, where @uuid is not NULL
 * (child online), the member UUID it may come with, else NULL.
 */
static int nexus_nl_parse_child(struct nlattr *nest, const char **path,
				const u8 **uuid, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NEXUS_CHILD_A_MAX + 1];
	int ret;

	ret = nexus_nl_parse_child_req(tb, nest, extack);
	if (ret)
		return ret;
	if (tb[NEXUS_CHILD_A_UUID]) {
		if (!uuid) {
			NL_SET_BAD_ATTR(extack, tb[NEXUS_CHILD_A_UUID]);
			NL_SET_ERR_MSG_MOD(extack,
					   "a child UUID names a missing member (child remove) or a returning one (child online) only");
			return -EINVAL;
		}
		*uuid = nla_data(tb[NEXUS_CHILD_A_UUID]);
	}
	if (!tb[NEXUS_CHILD_A_PATH] || !nla_len(tb[NEXUS_CHILD_A_PATH]) ||
	    !*(char *)nla_data(tb[NEXUS_CHILD_A_PATH])) {
		NL_SET_BAD_ATTR(extack, nest);
		NL_SET_ERR_MSG_MOD(extack, "child has no device path");
		return -EINVAL;
	}
	*path = nla_data(tb[NEXUS_CHILD_A_PATH]);
	if (!nexus_nl_path_printable(*path)) {
		NL_SET_BAD_ATTR(extack, tb[NEXUS_CHILD_A_PATH]);
		NL_SET_ERR_MSG_MOD(extack, "child path has control characters");
		return -EINVAL;
	}
	return 0;
}

static int nexus_nl_parse_child_path(struct nlattr *nest, const char **path,
				     struct netlink_ext_ack *extack)
{
	return nexus_nl_parse_child(nest, path, NULL, extack);
}

static int nexus_nl_parse_children(struct genl_info *info,
				   struct nexus_create_args *args)
{
	struct nlattr *nest, *children = info->attrs[NEXUS_A_CHILDREN];
	int rem, ret;

	nla_for_each_nested(nest, children, rem) {
		if (args->nr_children == NEXUS_MAX_CHILDREN) {
			NL_SET_BAD_ATTR(info->extack, nest);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "too many children (at most 32)");
			return -E2BIG;
		}
		ret = nexus_nl_parse_child_path(nest,
						&args->paths[args->nr_children],
						info->extack);
		if (ret)
			return ret;
		args->attrs[args->nr_children++] = nest;
	}
	if (!args->nr_children) {
		NL_SET_BAD_ATTR(info->extack, children);
		NL_SET_ERR_MSG_MOD(info->extack, "a nexus needs at least one child");
		return -EINVAL;
	}
	return 0;
}

static int nexus_nl_parse_create(struct genl_info *info,
				 struct nexus_create_args *args)
{
	struct nlattr **attrs = info->attrs;

	if (GENL_REQ_ATTR_CHECK(info, NEXUS_A_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, NEXUS_A_CHILDREN))
		return -EINVAL;
	args->name = nla_data(attrs[NEXUS_A_NAME]);
	args->flags = nexus_nl_flags(info);
	if (!nexus_name_valid(args->name)) {
		NL_SET_BAD_ATTR(info->extack, attrs[NEXUS_A_NAME]);
		NL_SET_ERR_MSG_MOD(info->extack,
				   "name must be 1-31 of A-Z a-z 0-9 . _ - and start with a letter or digit");
		return -EINVAL;
	}
	if (attrs[NEXUS_A_UUID])
		args->uuid = nla_data(attrs[NEXUS_A_UUID]);
	if (attrs[NEXUS_A_SIZE]) {
		args->size = nla_get_u64(attrs[NEXUS_A_SIZE]);
		if (!args->size) {
			NL_SET_BAD_ATTR(info->extack, attrs[NEXUS_A_SIZE]);
			NL_SET_ERR_MSG_MOD(info->extack, "size must not be zero");
			return -EINVAL;
		}
	}
	if (attrs[NEXUS_A_REGION_SIZE]) {
		args->region_size = nla_get_u32(attrs[NEXUS_A_REGION_SIZE]);
		if (!is_power_of_2(args->region_size)) {
			NL_SET_BAD_ATTR(info->extack, attrs[NEXUS_A_REGION_SIZE]);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "region size must be a power of two");
			return -EINVAL;
		}
	}
	return nexus_nl_parse_children(info, args);
}

int nexus_nl_nexus_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nexus_create_args args = {};
	struct nexus_dev *nx;
	int ret;

	ret = nexus_nl_may_admin(skb, info);
	if (ret)
		return ret;

	ret = nexus_nl_parse_create(info, &args);
	if (ret)
		return ret;

	nx = nexus_create(&args, info->extack);
	if (IS_ERR(nx))
		return PTR_ERR(nx);
	ret = nexus_nl_reply_nexus(info, nx);
	nexus_put(nx);
	return ret;
}

/* Operations on one existing nexus, run under its cfg_lock. */
typedef int (*nexus_op_t)(struct nexus_dev *nx, struct genl_info *info);

static int nexus_nl_nexus_do(struct sk_buff *skb, struct genl_info *info,
			     nexus_op_t op)
{
	struct nexus_dev *nx;
	int ret;

	ret = nexus_nl_may_admin(skb, info);
	if (ret)
		return ret;
	nx = nexus_nl_lock(info);
	if (IS_ERR(nx))
		return PTR_ERR(nx);
	ret = op(nx, info);
	nexus_nl_unlock(nx);
	return ret;
}

static int nexus_op_destroy(struct nexus_dev *nx, struct genl_info *info)
{
	return nexus_destroy(nx, nexus_nl_flags(info) & NEXUS_F_FORCE,
			     info->extack);
}

int nexus_nl_nexus_destroy_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_nexus_do(skb, info, nexus_op_destroy);
}

int nexus_nl_nexus_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nexus_dev *nx;
	int ret;

	nx = nexus_nl_get(info);
	if (IS_ERR(nx))
		return PTR_ERR(nx);
	ret = nexus_nl_reply_nexus(info, nx);
	nexus_put(nx);
	return ret;
}

/* Every message of a dump has room for the largest nexus. */
static int nexus_nl_nexus_get_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = nexus_nl_nexus_size();
	return 0;
}

/*
 * Dump every nexus.  cb->args[0] counts the nexuses already sent, so a dump
 * that spans several messages resumes after the last one that fitted.  One
 * that does not fit an empty message ends the dump with -EMSGSIZE, never
 * silently.
 */
int nexus_nl_nexus_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	long skip = cb->args[0], idx = 0;
	struct nexus_dev *nx;
	int ret = 0;
	void *hdr;

	mutex_lock(&nexus_lock);
	for (nx = NULL; (nx = nexus_next(nx)); idx++) {
		if (idx < skip)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nexus_genl_family,
				  NLM_F_MULTI, NEXUS_CMD_NEXUS_GET);
		if (!hdr || nexus_nl_fill_nexus(skb, nx)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			if (!skb->len)
				ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&nexus_lock);
	cb->args[0] = idx;
	return ret ?: skb->len;
}

/* Attributes fixed at create time, refused by NEXUS_CMD_NEXUS_SET. */
static const int nexus_immutable_attrs[] = {
	NEXUS_A_UUID, NEXUS_A_SIZE, NEXUS_A_CHILDREN, NEXUS_A_CHILD,
	NEXUS_A_REGION_SIZE, NEXUS_A_FLAGS,
};

int nexus_nl_nexus_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nexus_dev *nx;
	unsigned int i;
	int ret = 0;

	ret = nexus_nl_may_admin(skb, info);
	if (ret)
		return ret;

	for (i = 0; i < ARRAY_SIZE(nexus_immutable_attrs); i++) {
		struct nlattr *attr = info->attrs[nexus_immutable_attrs[i]];

		if (attr) {
			NL_SET_BAD_ATTR(info->extack, attr);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "this attribute cannot be changed");
			return -EINVAL;
		}
	}

	nx = nexus_nl_lock(info);
	if (IS_ERR(nx))
		return PTR_ERR(nx);
	if (info->attrs[NEXUS_A_REBUILD_RATE])
		WRITE_ONCE(nx->rebuild_rate,
			   nla_get_u32(info->attrs[NEXUS_A_REBUILD_RATE]));
	nexus_nl_unlock(nx);
	return 0;
}

/* Operations on one existing child; all share this signature. */
typedef int (*nexus_child_op_t)(struct nexus_child *c, u32 flags,
				struct netlink_ext_ack *extack);

/* NEXUS_A_CHILD's path, required. */
static int nexus_nl_child_path(struct genl_info *info, const char **path)
{
	if (GENL_REQ_ATTR_CHECK(info, NEXUS_A_CHILD))
		return -EINVAL;
	return nexus_nl_parse_child_path(info->attrs[NEXUS_A_CHILD], path,
					 info->extack);
}

/*
 * The existing child a request names, its nexus locked (nexus_nl_unlock()
 * it when done): by path; or, where @uuid is not NULL (child online) and
 * the request carries a member UUID (*@uuid set), that member.
 */
static struct nexus_child *nexus_nl_child_lock(struct sk_buff *skb,
					       struct genl_info *info,
					       const char **path, const u8 **uuid)
{
	struct nexus_child *c;
	struct nexus_dev *nx;
	int ret;

	ret = nexus_nl_may_admin(skb, info);
	if (!ret && GENL_REQ_ATTR_CHECK(info, NEXUS_A_CHILD))
		ret = -EINVAL;
	if (!ret)
		ret = nexus_nl_parse_child(info->attrs[NEXUS_A_CHILD], path, uuid,
					   info->extack);
	if (ret)
		return ERR_PTR(ret);
	nx = nexus_nl_lock(info);
	if (IS_ERR(nx))
		return ERR_CAST(nx);
	c = uuid && *uuid ? nexus_child_find_member(nx, *uuid, info->extack) :
			    nexus_child_find(nx, *path, info->extack);
	if (!c) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[NEXUS_A_CHILD]);
		nexus_nl_unlock(nx);
		return ERR_PTR(-ENOENT);
	}
	return c;
}

static int nexus_nl_child_do(struct sk_buff *skb, struct genl_info *info,
			     nexus_child_op_t op)
{
	struct nexus_child *c;
	struct nexus_dev *nx;
	const char *path;
	int ret;

	c = nexus_nl_child_lock(skb, info, &path, NULL);
	if (IS_ERR(c))
		return PTR_ERR(c);
	nx = c->nx;	/* @op may free @c (remove) */
	ret = op(c, nexus_nl_flags(info), info->extack);
	nexus_nl_unlock(nx);
	return ret;
}

int nexus_nl_child_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nexus_dev *nx;
	const char *path;
	int ret;

	ret = nexus_nl_may_admin(skb, info);
	if (ret)
		return ret;

	ret = nexus_nl_child_path(info, &path);
	if (ret)
		return ret;
	nx = nexus_nl_lock(info);
	if (IS_ERR(nx))
		return PTR_ERR(nx);
	ret = nexus_child_add(nx, path, nexus_nl_flags(info), info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[NEXUS_A_CHILD]);
	nexus_nl_unlock(nx);
	return ret;
}

/* CHILD_REMOVE naming a missing member by UUID (no PATH): forget it. */
static int nexus_nl_forget_missing(struct genl_info *info, const u8 *uuid)
{
	struct nexus_dev *nx;
	int ret;

	nx = nexus_nl_lock(info);
	if (IS_ERR(nx))
		return PTR_ERR(nx);
	ret = nexus_meta_forget_missing(nx, uuid, info->extack);
	nexus_nl_unlock(nx);
	return ret;
}

int nexus_nl_child_remove_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NEXUS_CHILD_A_MAX + 1];
	int ret;

	ret = nexus_nl_may_admin(skb, info);
	if (ret)
		return ret;

	if (GENL_REQ_ATTR_CHECK(info, NEXUS_A_CHILD))
		return -EINVAL;
	ret = nexus_nl_parse_child_req(tb, info->attrs[NEXUS_A_CHILD], info->extack);
	if (ret)
		return ret;
	if (tb[NEXUS_CHILD_A_UUID] && tb[NEXUS_CHILD_A_PATH]) {
		NL_SET_BAD_ATTR(info->extack, tb[NEXUS_CHILD_A_UUID]);
		NL_SET_ERR_MSG_MOD(info->extack,
				   "name the child by its path or a missing member by its UUID, not both");
		return -EINVAL;
	}
	if (tb[NEXUS_CHILD_A_UUID])
		return nexus_nl_forget_missing(info, nla_data(tb[NEXUS_CHILD_A_UUID]));
	return nexus_nl_child_do(skb, info, nexus_child_remove);
}

int nexus_nl_child_fault_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_child_do(skb, info, nexus_child_fault);
}

static int nexus_op_offline(struct nexus_child *c, u32 flags,
			    struct netlink_ext_ack *extack)
{
	return nexus_child_offline(c, extack);
}

int nexus_nl_child_offline_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_child_do(skb, info, nexus_op_offline);
}

/*
 * The child by its path; or, with a member UUID, that member, its device
 * now at the path (a remote child may come back as another device).
 */
int nexus_nl_child_online_doit(struct sk_buff *skb, struct genl_info *info)
{
	const u8 *uuid = NULL;
	struct nexus_child *c;
	struct nexus_dev *nx;
	const char *path;
	int ret;

	c = nexus_nl_child_lock(skb, info, &path, &uuid);
	if (IS_ERR(c))
		return PTR_ERR(c);
	nx = c->nx;	/* the return of a member frees @c */
	ret = nexus_child_online(c, path, uuid, nexus_nl_flags(info),
				 info->extack);
	nexus_nl_unlock(nx);
	return ret;
}

static int nexus_op_rebuild_start(struct nexus_child *c, u32 flags,
				  struct netlink_ext_ack *extack)
{
	return nexus_rebuild_start(c, extack);
}

int nexus_nl_rebuild_start_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_child_do(skb, info, nexus_op_rebuild_start);
}

static int nexus_op_rebuild_stop(struct nexus_child *c, u32 flags,
				 struct netlink_ext_ack *extack)
{
	return nexus_rebuild_stop_cmd(c, extack);
}

int nexus_nl_rebuild_stop_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_child_do(skb, info, nexus_op_rebuild_stop);
}

static int nexus_op_rebuild_pause(struct nexus_child *c, u32 flags,
				  struct netlink_ext_ack *extack)
{
	return nexus_rebuild_pause(c, true, extack);
}

int nexus_nl_rebuild_pause_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_child_do(skb, info, nexus_op_rebuild_pause);
}

static int nexus_op_rebuild_resume(struct nexus_child *c, u32 flags,
				   struct netlink_ext_ack *extack)
{
	return nexus_rebuild_pause(c, false, extack);
}

int nexus_nl_rebuild_resume_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_child_do(skb, info, nexus_op_rebuild_resume);
}

/* NEXUS_CMD_NEXUS_CHECK: start comparing the ONLINE children (scrub). */
int nexus_nl_nexus_check_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 flags = nexus_nl_flags(info);
	struct nexus_dev *nx;
	int ret;

	ret = nexus_nl_may_admin(skb, info);
	if (ret)
		return ret;
	if (flags & ~NEXUS_F_REPAIR) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[NEXUS_A_FLAGS]);
		NL_SET_ERR_MSG_MOD(info->extack, "check takes only the repair flag");
		return -EINVAL;
	}
	nx = nexus_nl_lock(info);
	if (IS_ERR(nx))
		return PTR_ERR(nx);
	ret = nexus_scrub_start(nx, flags & NEXUS_F_REPAIR, info->extack);
	nexus_nl_unlock(nx);
	return ret;
}

static int nexus_op_check_stop(struct nexus_dev *nx, struct genl_info *info)
{
	return nexus_scrub_stop_cmd(nx, info->extack);
}

int nexus_nl_nexus_check_stop_doit(struct sk_buff *skb, struct genl_info *info)
{
	return nexus_nl_nexus_do(skb, info, nexus_op_check_stop);
}

/*
 * The family.  docs/nexus.yaml has one policy for the whole family (its
 * kernel-policy is global), the one mode whose ops table builds on 6.1 as
 * on 6.12; for it ynl-gen-c.py generates the policies, the small ops table
 * and the multicast group enum (nexus_nl_gen.c) but not the family.
 *
 * The family is not netnsok: nexuses are block devices, not per namespace.
 * No genl_mutex (parallel_ops): a command waiting on a hung child blocks no
 * other family.  Every command is validated strictly (resv_start_op).
 */
static const struct genl_multicast_group nexus_mcgrps[] = {
	[NEXUS_NLGRP_EVENTS] = { .name = NEXUS_GENL_MCGRP_EVENTS },
};

/*
 * nexus_nl_ops as full genl_ops, filled at module init: a small op has no
 * start callback, and a nexus with many children needs a dump buffer larger
 * than the default (nexus_nl_nexus_get_start()).
 */
static struct genl_ops nexus_ops[ARRAY_SIZE(nexus_nl_ops)] __ro_after_init;

struct genl_family nexus_genl_family __ro_after_init = {
	.name = NEXUS_GENL_NAME,
	.version = NEXUS_GENL_VERSION,
	.maxattr = ARRAY_SIZE(nexus_nl_policy) - 1,
	.policy = nexus_nl_policy,
	.module = THIS_MODULE,
	.parallel_ops = true,
	.ops = nexus_ops,
	.n_ops = ARRAY_SIZE(nexus_ops),
	.resv_start_op = NEXUS_CMD_MAX + 1,
	.mcgrps = nexus_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nexus_mcgrps),
};

int nexus_nl_register(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nexus_nl_ops); i++) {
		const struct genl_small_ops *op = &nexus_nl_ops[i];

		nexus_ops[i] = (struct genl_ops) {
			.cmd = op->cmd,
			.internal_flags = op->internal_flags,
			.flags = op->flags,
			.validate = op->validate,
			.doit = op->doit,
			.dumpit = op->dumpit,
		};
		if (op->cmd == NEXUS_CMD_NEXUS_GET)
			nexus_ops[i].start = nexus_nl_nexus_get_start;
	}
	return genl_register_family(&nexus_genl_family);
}

void nexus_nl_unregister(void)
{
	genl_unregister_family(&nexus_genl_family);
}
