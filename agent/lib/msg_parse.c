/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing nexus replies, events and acks: pure, no socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nexus_msg.h"
#include "nexus_nl_policy.h"

/*
 * The parse policies are generated from docs/nexus.yaml (nexus_nl_policy.c).
 * Attributes newer than this build are ignored by nla_parse() (type > max),
 * so a newer kernel still talks to an older agent.
 */

/* Copies a string attribute; an over-long one is a protocol error. */
static int get_string(const struct nlattr *nla, char *buf, size_t size)
{
	size_t len = strnlen(nla_data(nla), nla_len(nla));

	if (len == 0 || len >= size)
		return -EPROTO;
	memcpy(buf, nla_data(nla), len);
	buf[len] = '\0';
	return 0;
}

static void get_uuid(const struct nlattr *nla, struct nexus_uuid *uuid)
{
	memcpy(uuid->bytes, nla_data(nla), NEXUS_UUID_LEN);
}

#define GET_U32(tb, attr, dst, present) \
	do { if ((tb)[attr]) { (dst) = nla_get_u32((tb)[attr]); (present) = true; } } while (0)
#define GET_U64(tb, attr, dst, present) \
	do { if ((tb)[attr]) { (dst) = nla_get_u64((tb)[attr]); (present) = true; } } while (0)

static int parse_rebuild(struct nlattr *nest, struct nexus_rebuild_info *out)
{
	struct nlattr *tb[NEXUS_REBUILD_A_MAX + 1];
	uint32_t state = 0;

	if (nla_parse_nested(tb, NEXUS_REBUILD_A_MAX, nest, nexus_rebuild_policy) < 0)
		return -EPROTO;
	GET_U32(tb, NEXUS_REBUILD_A_STATE, state, out->state_present);
	out->state = state;
	GET_U64(tb, NEXUS_REBUILD_A_DONE, out->done, out->done_present);
	GET_U64(tb, NEXUS_REBUILD_A_TOTAL, out->total, out->total_present);
	GET_U64(tb, NEXUS_REBUILD_A_RATE, out->rate, out->rate_present);
	GET_U32(tb, NEXUS_REBUILD_A_SOURCE, out->source, out->source_present);
	return 0;
}

/*
 * The region numbers: NEXUS_SCRUB_A_REGION entries (pads and unknown
 * types skipped).  More than the array holds is a protocol error: the
 * kernel promises at most NEXUS_SCRUB_MAX_LISTED.
 */
static int parse_scrub_regions(struct nlattr *list, struct nexus_scrub_info *out)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_nested(nla, list, rem) {
		if (nla_type(nla) != NEXUS_SCRUB_A_REGION)
			continue;
		if (nla_len(nla) < (int)sizeof(uint64_t) ||
		    out->n_regions == NEXUS_SCRUB_MAX_LISTED)
			return -EPROTO;
		out->regions[out->n_regions++] = nla_get_u64(nla);
	}
	out->regions_present = true;
	return 0;
}

static int parse_scrub(struct nlattr *nest, struct nexus_scrub_info *out)
{
	struct nlattr *tb[NEXUS_SCRUB_A_MAX + 1];
	uint32_t state = 0, mode = 0, truncated = 0;

	if (nla_parse_nested(tb, NEXUS_SCRUB_A_MAX, nest, nexus_scrub_policy) < 0)
		return -EPROTO;
	GET_U32(tb, NEXUS_SCRUB_A_STATE, state, out->state_present);
	out->state = state;
	GET_U32(tb, NEXUS_SCRUB_A_MODE, mode, out->mode_present);
	out->mode = mode;
	GET_U64(tb, NEXUS_SCRUB_A_DONE, out->done, out->done_present);
	GET_U64(tb, NEXUS_SCRUB_A_TOTAL, out->total, out->total_present);
	GET_U64(tb, NEXUS_SCRUB_A_MISMATCHES, out->mismatches,
		out->mismatches_present);
	GET_U64(tb, NEXUS_SCRUB_A_REPAIRED, out->repaired, out->repaired_present);
	GET_U32(tb, NEXUS_SCRUB_A_TRUNCATED, truncated, out->truncated_present);
	out->truncated = truncated != 0;
	GET_U64(tb, NEXUS_SCRUB_A_START, out->start, out->start_present);
	GET_U64(tb, NEXUS_SCRUB_A_END, out->end, out->end_present);
	if (tb[NEXUS_SCRUB_A_REGIONS])
		return parse_scrub_regions(tb[NEXUS_SCRUB_A_REGIONS], out);
	return 0;
}

/* A child has a path; a missing member (missing) has none. */
static int parse_child(struct nlattr *nest, bool missing,
		       struct nexus_child_info *out)
{
	struct nlattr *tb[NEXUS_CHILD_A_MAX + 1];
	uint32_t state = 0, reason = 0;

	memset(out, 0, sizeof(*out));
	if (nla_parse_nested(tb, NEXUS_CHILD_A_MAX, nest, nexus_child_policy) < 0)
		return -EPROTO;
	if (!missing && (!tb[NEXUS_CHILD_A_PATH] ||
			 get_string(tb[NEXUS_CHILD_A_PATH], out->path, sizeof(out->path))))
		return -EPROTO;
	GET_U32(tb, NEXUS_CHILD_A_SLOT, out->slot, out->slot_present);
	GET_U32(tb, NEXUS_CHILD_A_STATE, state, out->state_present);
	out->state = state;
	GET_U32(tb, NEXUS_CHILD_A_REASON, reason, out->reason_present);
	out->reason = reason;
	GET_U64(tb, NEXUS_CHILD_A_SIZE, out->size, out->size_present);
	GET_U32(tb, NEXUS_CHILD_A_MAJOR, out->major, out->major_present);
	GET_U32(tb, NEXUS_CHILD_A_MINOR, out->minor, out->minor_present);
	if (tb[NEXUS_CHILD_A_UUID]) {
		get_uuid(tb[NEXUS_CHILD_A_UUID], &out->uuid);
		out->uuid_present = true;
	}
	GET_U64(tb, NEXUS_CHILD_A_READS, out->reads, out->reads_present);
	GET_U64(tb, NEXUS_CHILD_A_WRITES, out->writes, out->writes_present);
	GET_U64(tb, NEXUS_CHILD_A_ERRORS, out->errors, out->errors_present);
	GET_U64(tb, NEXUS_CHILD_A_GENERATION, out->generation,
		out->generation_present);
	if (tb[NEXUS_CHILD_A_REBUILD]) {
		if (parse_rebuild(tb[NEXUS_CHILD_A_REBUILD], &out->rebuild))
			return -EPROTO;
		out->rebuild_present = true;
	}
	return 0;
}

static size_t count_children(struct nlattr *children)
{
	struct nlattr *nla;
	size_t n = 0;
	int rem;

	nla_for_each_nested(nla, children, rem)
		if (nla_type(nla) == NEXUS_A_CHILD)
			n++;
	return n;
}

static int parse_child_list(struct nlattr *list, bool missing,
			    struct nexus_info *out)
{
	struct nlattr *nla;
	int rem, err;

	if (!list)
		return 0;
	nla_for_each_nested(nla, list, rem) {
		if (nla_type(nla) != NEXUS_A_CHILD)
			continue;
		err = parse_child(nla, missing, &out->children[out->n_children]);
		if (err)
			return err;
		if (missing)	/* whatever the kernel says, it has no device */
			out->children[out->n_children].state = NEXUS_CHILD_MISSING;
		out->n_children++;
	}
	return 0;
}

/* The children, then the missing members (NEXUS_A_MISSING), in one array. */
static int parse_children(struct nlattr *children, struct nlattr *missing,
			  struct nexus_info *out)
{
	size_t n = (children ? count_children(children) : 0) +
		   (missing ? count_children(missing) : 0);
	int err;

	if (n == 0)
		return 0;
	out->children = calloc(n, sizeof(*out->children));
	if (!out->children)
		return -ENOMEM;
	err = parse_child_list(children, false, out);
	return err ? err : parse_child_list(missing, true, out);
}

static int parse_top(const struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, NEXUS_A_MAX,
			  nexus_policy) < 0)
		return -EPROTO;
	return 0;
}

/* What the labels and the bitmap say (kernels with on-disk metadata). */
static void fill_meta(struct nlattr **tb, struct nexus_info *out)
{
	uint32_t flag = 0;

	GET_U64(tb, NEXUS_A_GENERATION, out->generation, out->generation_present);
	GET_U32(tb, NEXUS_A_CLEAN, flag, out->clean_present);
	out->clean = flag != 0;
	flag = 0;
	GET_U32(tb, NEXUS_A_BITMAP, flag, out->bitmap_present);
	out->bitmap = flag != 0;
	GET_U64(tb, NEXUS_A_DIRTY_REGIONS, out->dirty_regions,
		out->dirty_regions_present);
}

static int fill_nexus(struct nlattr **tb, struct nexus_info *out)
{
	uint32_t state = 0;

	if (!tb[NEXUS_A_NAME] ||
	    get_string(tb[NEXUS_A_NAME], out->name, sizeof(out->name)))
		return -EPROTO;
	if (tb[NEXUS_A_UUID]) {
		get_uuid(tb[NEXUS_A_UUID], &out->uuid);
		out->uuid_present = true;
	}
	GET_U64(tb, NEXUS_A_SIZE, out->size, out->size_present);
	GET_U32(tb, NEXUS_A_STATE, state, out->state_present);
	out->state = state;
	GET_U32(tb, NEXUS_A_MAJOR, out->major, out->major_present);
	GET_U32(tb, NEXUS_A_MINOR, out->minor, out->minor_present);
	GET_U32(tb, NEXUS_A_BLOCK_SIZE, out->block_size, out->block_size_present);
	GET_U32(tb, NEXUS_A_OPEN_COUNT, out->open_count, out->open_count_present);
	GET_U32(tb, NEXUS_A_REGION_SIZE, out->region_size, out->region_size_present);
	GET_U32(tb, NEXUS_A_REBUILD_RATE, out->rebuild_rate, out->rebuild_rate_present);
	fill_meta(tb, out);
	if (tb[NEXUS_A_SCRUB]) {
		if (parse_scrub(tb[NEXUS_A_SCRUB], &out->scrub))
			return -EPROTO;
		out->scrub_present = true;
	}
	return parse_children(tb[NEXUS_A_CHILDREN], tb[NEXUS_A_MISSING], out);
}

int nexus_parse_nexus(const struct nlmsghdr *nlh, struct nexus_info *out)
{
	struct nlattr *tb[NEXUS_A_MAX + 1];
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_top(nlh, tb);
	if (!err)
		err = fill_nexus(tb, out);
	if (err)
		nexus_info_free(out);
	return err;
}

static int fill_event(struct nlattr **tb, struct nexus_event *out)
{
	uint32_t state = 0;

	if (!tb[NEXUS_A_EVENT] || !tb[NEXUS_A_NAME] ||
	    get_string(tb[NEXUS_A_NAME], out->name, sizeof(out->name)))
		return -EPROTO;
	out->type = nla_get_u32(tb[NEXUS_A_EVENT]);
	GET_U64(tb, NEXUS_A_SEQ, out->seq, out->seq_present);
	if (tb[NEXUS_A_UUID]) {
		get_uuid(tb[NEXUS_A_UUID], &out->uuid);
		out->uuid_present = true;
	}
	GET_U32(tb, NEXUS_A_STATE, state, out->state_present);
	out->state = state;
	if (tb[NEXUS_A_CHILD]) {
		if (parse_child(tb[NEXUS_A_CHILD], false, &out->child))
			return -EPROTO;
		out->child_present = true;
	}
	if (tb[NEXUS_A_SCRUB]) {
		if (parse_scrub(tb[NEXUS_A_SCRUB], &out->scrub))
			return -EPROTO;
		out->scrub_present = true;
	}
	return 0;
}

int nexus_parse_event(const struct nlmsghdr *nlh, struct nexus_event *out)
{
	struct nlattr *tb[NEXUS_A_MAX + 1];
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_top(nlh, tb);
	if (!err)
		err = fill_event(tb, out);
	if (err)
		nexus_event_free(out);
	return err;
}

static void parse_ack_tlvs(const void *data, int len, struct nexus_ack *out)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)data,
				  len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(out->msg, tb[NLMSGERR_ATTR_MSG], sizeof(out->msg));
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4) {
		out->offset = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		out->offset_present = true;
	}
}

/* Extack TLVs follow the nlmsgerr and, unless capped, the echoed request. */
static int parse_error(const struct nlmsghdr *nlh, struct nexus_ack *out)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	size_t tlv_off = sizeof(*err);

	if (nlh->nlmsg_len < NLMSG_HDRLEN || payload < sizeof(*err))
		return -EPROTO;
	out->error = err->error > 0 ? -err->error : err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		tlv_off += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tlv_off < payload)
		parse_ack_tlvs((const char *)err + tlv_off,
			       (int)(payload - tlv_off), out);
	return 0;
}

/* A dump ends with NLMSG_DONE: an int error, then extack TLVs. */
static int parse_done(const struct nlmsghdr *nlh, struct nexus_ack *out)
{
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	int error;

	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EPROTO;
	if (payload < sizeof(int))
		return 0;	/* an old kernel's bare DONE: success */
	memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
	out->error = error > 0 ? -error : error;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_ack_tlvs((const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(sizeof(int)),
			       (int)(payload - NLMSG_ALIGN(sizeof(int))), out);
	return 0;
}

int nexus_parse_ack(const struct nlmsghdr *nlh, struct nexus_ack *out)
{
	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return parse_error(nlh, out);
	if (nlh->nlmsg_type == NLMSG_DONE)
		return parse_done(nlh, out);
	return -EPROTO;
}
