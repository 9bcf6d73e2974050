/* libnexus message building and reply parsing, without a kernel. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nexus_msg.h"

#define FAMILY 42

static struct nlattr *attrs_of(struct nl_msg *msg, struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	assert_int_equal(genlmsg_parse(nlh, 0, tb, NEXUS_A_MAX, NULL), 0);
	return tb[0];
}

static uint8_t cmd_of(struct nl_msg *msg)
{
	return ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd;
}

static const char *child_path_of(struct nlattr *child)
{
	struct nlattr *tb[NEXUS_CHILD_A_MAX + 1];

	assert_int_equal(nla_parse_nested(tb, NEXUS_CHILD_A_MAX, child, NULL), 0);
	assert_non_null(tb[NEXUS_CHILD_A_PATH]);
	return nla_get_string(tb[NEXUS_CHILD_A_PATH]);
}

static void build_create(void **state)
{
	struct nexus_create_req req;
	struct nlattr *tb[NEXUS_A_MAX + 1], *nla;
	struct nl_msg *msg;
	const char *paths[2];
	int n = 0, rem;

	(void)state;
	nexus_create_req_init(&req, "nx0");
	nexus_create_req_add_child(&req, "/dev/loop1");
	nexus_create_req_add_child(&req, "/dev/loop2");
	req.size = 96ULL << 20;
	req.size_present = true;
	nexus_uuid_parse("123e4567-e89b-12d3-a456-426614174000", &req.uuid);
	req.uuid_present = true;
	assert_int_equal(nexus_build_create(FAMILY, &req, &msg), 0);

	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, FAMILY);
	assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_REQUEST);
	assert_int_equal(cmd_of(msg), NEXUS_CMD_NEXUS_CREATE);
	attrs_of(msg, tb);
	assert_string_equal(nla_get_string(tb[NEXUS_A_NAME]), "nx0");
	assert_int_equal(nla_get_u64(tb[NEXUS_A_SIZE]), 96ULL << 20);
	assert_int_equal(nla_len(tb[NEXUS_A_UUID]), NEXUS_UUID_LEN);
	assert_memory_equal(nla_data(tb[NEXUS_A_UUID]), req.uuid.bytes, NEXUS_UUID_LEN);
	assert_null(tb[NEXUS_A_REGION_SIZE]);	/* absent stays absent */
	assert_null(tb[NEXUS_A_FLAGS]);
	nla_for_each_nested(nla, tb[NEXUS_A_CHILDREN], rem) {
		assert_int_equal(nla_type(nla), NEXUS_A_CHILD);
		paths[n++] = child_path_of(nla);
	}
	assert_int_equal(n, 2);
	assert_string_equal(paths[0], "/dev/loop1");
	assert_string_equal(paths[1], "/dev/loop2");
	nlmsg_free(msg);
	nexus_create_req_free(&req);
}

/* The longest request: 32 children with NEXUS_PATH_MAX-byte paths. */
static void build_create_longest(void **state)
{
	static char paths[NEXUS_MAX_CHILDREN][NEXUS_PATH_MAX + 1];
	struct nexus_create_req req;
	struct nlattr *tb[NEXUS_A_MAX + 1], *nla;
	struct nl_msg *msg;
	int n = 0, rem;

	(void)state;
	assert_int_equal(nexus_create_req_init(&req, "nx01234567890123456789012345678"), 0);
	for (int i = 0; i < NEXUS_MAX_CHILDREN; i++) {
		memset(paths[i], 'p', NEXUS_PATH_MAX);
		paths[i][0] = '/';
		paths[i][1] = (char)('A' + i);
		assert_int_equal(nexus_create_req_add_child(&req, paths[i]), 0);
	}
	nexus_uuid_parse("123e4567-e89b-12d3-a456-426614174000", &req.uuid);
	req.uuid_present = true;
	req.size = 96ULL << 20;
	req.size_present = true;
	req.region_size = 1U << 20;
	req.region_size_present = true;
	req.flags = NEXUS_F_FORCE;
	assert_int_equal(nexus_build_create(FAMILY, &req, &msg), 0);
	attrs_of(msg, tb);
	assert_non_null(tb[NEXUS_A_FLAGS]);
	nla_for_each_nested(nla, tb[NEXUS_A_CHILDREN], rem) {
		assert_true(n < NEXUS_MAX_CHILDREN);
		assert_string_equal(child_path_of(nla), paths[n]);
		n++;
	}
	assert_int_equal(n, NEXUS_MAX_CHILDREN);
	nlmsg_free(msg);
	nexus_create_req_free(&req);
}

static void build_create_assemble_flags(void **state)
{
	struct nexus_create_req req;
	struct nlattr *tb[NEXUS_A_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	nexus_create_req_init(&req, "nx0");
	nexus_create_req_add_child(&req, "/dev/vdb");
	req.flags = NEXUS_F_ASSEMBLE | NEXUS_F_FORCE;
	assert_int_equal(nexus_build_create(FAMILY, &req, &msg), 0);
	attrs_of(msg, tb);
	assert_int_equal(nla_get_u32(tb[NEXUS_A_FLAGS]), NEXUS_F_ASSEMBLE | NEXUS_F_FORCE);
	assert_null(tb[NEXUS_A_SIZE]);
	nlmsg_free(msg);
	req.flags = NEXUS_F_NOBITMAP;
	assert_int_equal(nexus_build_create(FAMILY, &req, &msg), 0);
	attrs_of(msg, tb);
	assert_int_equal(nla_get_u32(tb[NEXUS_A_FLAGS]), NEXUS_F_NOBITMAP);
	nlmsg_free(msg);
	msg = NULL;
	req.flags = 1U << 9;	/* unknown */
	assert_int_equal(nexus_build_create(FAMILY, &req, &msg), -EINVAL);
	assert_null(msg);
	nexus_create_req_free(&req);
}

static void build_refuses_bad_arguments(void **state)
{
	struct nexus_create_req req;
	struct nl_msg *msg = NULL;

	(void)state;
	nexus_create_req_init(&req, "nx0");
	assert_int_equal(nexus_build_create(FAMILY, &req, &msg), -EINVAL);	/* no child */
	assert_int_equal(nexus_build_destroy(FAMILY, "a/b", 0, &msg), -EINVAL);
	assert_int_equal(nexus_build_destroy(FAMILY, "nx0", 1U << 7, &msg), -EINVAL);
	assert_int_equal(nexus_build_child_cmd(FAMILY, NEXUS_CMD_NEXUS_GET, "nx0",
					       "/dev/x", 0, &msg), -EINVAL);
	assert_int_equal(nexus_build_child_cmd(FAMILY, NEXUS_CMD_CHILD_ADD, "nx0",
					       "", 0, &msg), -EINVAL);
	assert_null(msg);
	nexus_create_req_free(&req);
}

static void build_child_command(void **state)
{
	struct nlattr *tb[NEXUS_A_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	assert_int_equal(nexus_build_child_cmd(FAMILY, NEXUS_CMD_CHILD_ADD, "nx0",
					       "/dev/loop3", NEXUS_F_NOREBUILD, &msg), 0);
	assert_int_equal(cmd_of(msg), NEXUS_CMD_CHILD_ADD);
	attrs_of(msg, tb);
	assert_string_equal(nla_get_string(tb[NEXUS_A_NAME]), "nx0");
	assert_int_equal(nla_get_u32(tb[NEXUS_A_FLAGS]), NEXUS_F_NOREBUILD);
	assert_string_equal(child_path_of(tb[NEXUS_A_CHILD]), "/dev/loop3");
	nlmsg_free(msg);
}

static void build_get_do_and_dump(void **state)
{
	struct nlattr *tb[NEXUS_A_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	assert_int_equal(nexus_build_get(FAMILY, "nx0", &msg), 0);
	assert_false(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP);
	attrs_of(msg, tb);
	assert_string_equal(nla_get_string(tb[NEXUS_A_NAME]), "nx0");
	nlmsg_free(msg);
	assert_int_equal(nexus_build_get(FAMILY, NULL, &msg), 0);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	attrs_of(msg, tb);
	assert_null(tb[NEXUS_A_NAME]);
	nlmsg_free(msg);
}

static void build_set_and_destroy(void **state)
{
	struct nexus_set_req set = { .rebuild_rate = 0, .rebuild_rate_present = true };
	struct nlattr *tb[NEXUS_A_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	assert_int_equal(nexus_build_set(FAMILY, "nx0", &set, &msg), 0);
	attrs_of(msg, tb);
	assert_non_null(tb[NEXUS_A_REBUILD_RATE]);	/* zero, yet present */
	assert_int_equal(nla_get_u32(tb[NEXUS_A_REBUILD_RATE]), 0);
	nlmsg_free(msg);
	assert_int_equal(nexus_build_destroy(FAMILY, "nx0", NEXUS_F_FORCE, &msg), 0);
	assert_int_equal(cmd_of(msg), NEXUS_CMD_NEXUS_DESTROY);
	attrs_of(msg, tb);
	assert_int_equal(nla_get_u32(tb[NEXUS_A_FLAGS]), NEXUS_F_FORCE);
	nlmsg_free(msg);
}

/* A reply as the kernel would send it. */
static void put_child(struct nl_msg *msg, const char *path, uint32_t slot,
		      uint32_t state, bool with_rebuild)
{
	struct nlattr *child = nla_nest_start(msg, NEXUS_A_CHILD);

	nla_put_string(msg, NEXUS_CHILD_A_PATH, path);
	nla_put_u32(msg, NEXUS_CHILD_A_SLOT, slot);
	nla_put_u32(msg, NEXUS_CHILD_A_STATE, state);
	nla_put_u32(msg, NEXUS_CHILD_A_REASON, NEXUS_REASON_NONE);
	nla_put_u64(msg, NEXUS_CHILD_A_SIZE, 100ULL << 20);
	nla_put_u32(msg, NEXUS_CHILD_A_MAJOR, 7);
	nla_put_u32(msg, NEXUS_CHILD_A_MINOR, slot);
	nla_put_u64(msg, NEXUS_CHILD_A_READS, 10 + slot);
	nla_put_u64(msg, NEXUS_CHILD_A_WRITES, 20);
	nla_put_u64(msg, NEXUS_CHILD_A_ERRORS, 0);
	nla_put_u64(msg, NEXUS_CHILD_A_GENERATION, 7 - slot);
	if (with_rebuild) {
		struct nlattr *rb = nla_nest_start(msg, NEXUS_CHILD_A_REBUILD);

		nla_put_u32(msg, NEXUS_REBUILD_A_STATE, NEXUS_REBUILD_RUNNING);
		nla_put_u64(msg, NEXUS_REBUILD_A_DONE, 48ULL << 20);
		nla_put_u64(msg, NEXUS_REBUILD_A_TOTAL, 96ULL << 20);
		nla_put_u64(msg, NEXUS_REBUILD_A_RATE, 12ULL << 20);
		nla_put_u32(msg, NEXUS_REBUILD_A_SOURCE, 0);
		nla_nest_end(msg, rb);
	}
	nla_nest_end(msg, child);
}

static struct nl_msg *nexus_reply(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *children;

	genlmsg_put(msg, 0, 1, FAMILY, 0, 0, NEXUS_CMD_NEXUS_GET, NEXUS_GENL_VERSION);
	nla_put_string(msg, NEXUS_A_NAME, "nx0");
	nla_put_u64(msg, NEXUS_A_SIZE, 96ULL << 20);
	nla_put_u32(msg, NEXUS_A_STATE, NEXUS_STATE_DEGRADED);
	nla_put_u32(msg, NEXUS_A_MAJOR, 252);
	nla_put_u32(msg, NEXUS_A_MINOR, 0);
	nla_put_u32(msg, NEXUS_A_BLOCK_SIZE, 512);
	nla_put_u32(msg, NEXUS_A_OPEN_COUNT, 0);
	nla_put_u32(msg, NEXUS_A_REBUILD_RATE, 0);
	nla_put_u64(msg, NEXUS_A_GENERATION, 7);
	nla_put_u32(msg, NEXUS_A_CLEAN, 0);
	nla_put_u32(msg, NEXUS_A_BITMAP, 1);
	nla_put_u64(msg, NEXUS_A_DIRTY_REGIONS, 3);
	nla_put_u32(msg, 30, 1234);	/* from a newer kernel: ignored */
	children = nla_nest_start(msg, NEXUS_A_CHILDREN);
	put_child(msg, "/dev/loop1", 0, NEXUS_CHILD_ONLINE, false);
	put_child(msg, "/dev/loop2", 1, NEXUS_CHILD_REBUILDING, true);
	nla_nest_end(msg, children);
	return msg;
}

static void parse_nexus_reply(void **state)
{
	struct nl_msg *msg = nexus_reply();
	struct nexus_info info;
	const struct nexus_child_info *c;

	(void)state;
	assert_int_equal(nexus_parse_nexus(nlmsg_hdr(msg), &info), 0);
	assert_string_equal(info.name, "nx0");
	assert_int_equal(info.size, 96ULL << 20);
	assert_int_equal(info.state, NEXUS_STATE_DEGRADED);
	assert_true(info.rebuild_rate_present);
	assert_int_equal(info.rebuild_rate, 0);
	assert_false(info.uuid_present);	/* absent, not zero */
	assert_false(info.region_size_present);
	assert_int_equal(info.n_children, 2);
	c = nexus_info_find_child(&info, "/dev/loop2");
	assert_non_null(c);
	assert_int_equal(c->slot, 1);
	assert_int_equal(c->state, NEXUS_CHILD_REBUILDING);
	assert_int_equal(c->reads, 11);
	assert_true(c->rebuild_present);
	assert_int_equal(c->rebuild.state, NEXUS_REBUILD_RUNNING);
	assert_int_equal(c->rebuild.done, 48ULL << 20);
	assert_int_equal(c->rebuild.total, 96ULL << 20);
	assert_true(c->rebuild.source_present);
	assert_false(info.children[0].rebuild_present);
	assert_null(nexus_info_find_child(&info, "/dev/loop9"));
	assert_true(info.generation_present);
	assert_int_equal(info.generation, 7);
	assert_true(info.clean_present);
	assert_false(info.clean);	/* present and false */
	assert_true(info.bitmap_present);
	assert_true(info.bitmap);
	assert_int_equal(info.dirty_regions, 3);
	assert_true(c->generation_present);
	assert_int_equal(c->generation, 6);
	assert_int_equal(info.children[0].generation, 7);
	nexus_info_free(&info);
	nlmsg_free(msg);
}

/* Missing members come after the children, with no path. */
static void parse_missing_members(void **state)
{
	struct nl_msg *msg = nexus_reply();
	struct nlattr *missing, *m;
	uint8_t uuid[NEXUS_UUID_LEN];
	struct nexus_info info;
	const struct nexus_child_info *c;

	(void)state;
	memset(uuid, 0x5a, sizeof(uuid));
	missing = nla_nest_start(msg, NEXUS_A_MISSING);
	m = nla_nest_start(msg, NEXUS_A_CHILD);
	nla_put_u32(msg, NEXUS_CHILD_A_SLOT, 2);
	nla_put_u32(msg, NEXUS_CHILD_A_STATE, NEXUS_CHILD_MISSING);
	nla_put(msg, NEXUS_CHILD_A_UUID, NEXUS_UUID_LEN, uuid);
	nla_put_u64(msg, NEXUS_CHILD_A_GENERATION, 3);
	nla_nest_end(msg, m);
	nla_nest_end(msg, missing);
	assert_int_equal(nexus_parse_nexus(nlmsg_hdr(msg), &info), 0);
	assert_int_equal(info.n_children, 3);
	c = &info.children[2];
	assert_string_equal(c->path, "");
	assert_int_equal(c->state, NEXUS_CHILD_MISSING);
	assert_string_equal(nexus_child_state_str(c->state), "missing");
	assert_int_equal(c->slot, 2);
	assert_true(c->uuid_present);
	assert_memory_equal(c->uuid.bytes, uuid, NEXUS_UUID_LEN);
	assert_int_equal(c->generation, 3);
	assert_false(c->size_present);
	nexus_info_free(&info);
	nlmsg_free(msg);
}

static void build_forget_missing(void **state)
{
	struct nlattr *tb[NEXUS_A_MAX + 1], *ctb[NEXUS_CHILD_A_MAX + 1];
	struct nexus_uuid uuid;
	struct nl_msg *msg;

	(void)state;
	memset(uuid.bytes, 0x5a, sizeof(uuid.bytes));
	assert_int_equal(nexus_build_forget_missing(FAMILY, "nx0", &uuid, &msg), 0);
	assert_int_equal(cmd_of(msg), NEXUS_CMD_CHILD_REMOVE);
	attrs_of(msg, tb);
	assert_string_equal(nla_get_string(tb[NEXUS_A_NAME]), "nx0");
	assert_null(tb[NEXUS_A_FLAGS]);
	assert_int_equal(nla_parse_nested(ctb, NEXUS_CHILD_A_MAX, tb[NEXUS_A_CHILD], NULL), 0);
	assert_null(ctb[NEXUS_CHILD_A_PATH]);
	assert_int_equal(nla_len(ctb[NEXUS_CHILD_A_UUID]), NEXUS_UUID_LEN);
	assert_memory_equal(nla_data(ctb[NEXUS_CHILD_A_UUID]), uuid.bytes, NEXUS_UUID_LEN);
	nlmsg_free(msg);
}

static void build_online_member(void **state)
{
	struct nlattr *tb[NEXUS_A_MAX + 1], *ctb[NEXUS_CHILD_A_MAX + 1];
	struct nexus_uuid uuid;
	struct nl_msg *msg;

	(void)state;
	memset(uuid.bytes, 0xa5, sizeof(uuid.bytes));
	assert_int_equal(nexus_build_online_member(FAMILY, "nx0", &uuid,
						   "/dev/nvme3n1", &msg), 0);
	assert_int_equal(cmd_of(msg), NEXUS_CMD_CHILD_ONLINE);
	attrs_of(msg, tb);
	assert_string_equal(nla_get_string(tb[NEXUS_A_NAME]), "nx0");
	assert_null(tb[NEXUS_A_FLAGS]);
	assert_int_equal(nla_parse_nested(ctb, NEXUS_CHILD_A_MAX, tb[NEXUS_A_CHILD], NULL), 0);
	assert_string_equal(nla_get_string(ctb[NEXUS_CHILD_A_PATH]), "/dev/nvme3n1");
	assert_int_equal(nla_len(ctb[NEXUS_CHILD_A_UUID]), NEXUS_UUID_LEN);
	assert_memory_equal(nla_data(ctb[NEXUS_CHILD_A_UUID]), uuid.bytes, NEXUS_UUID_LEN);
	nlmsg_free(msg);
}

static void parse_rejects_reply_without_name(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nexus_info info;

	(void)state;
	genlmsg_put(msg, 0, 1, FAMILY, 0, 0, NEXUS_CMD_NEXUS_GET, 1);
	nla_put_u64(msg, NEXUS_A_SIZE, 1);
	assert_int_equal(nexus_parse_nexus(nlmsg_hdr(msg), &info), -EPROTO);
	assert_null(info.children);
	nlmsg_free(msg);
}

static void parse_event_with_child(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nexus_event ev;

	(void)state;
	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, NEXUS_CMD_EVENT, 1);
	nla_put_u32(msg, NEXUS_A_EVENT, NEXUS_EVENT_CHILD_STATE);
	nla_put_u64(msg, NEXUS_A_SEQ, 12);
	nla_put_string(msg, NEXUS_A_NAME, "nx0");
	nla_put_u32(msg, NEXUS_A_STATE, NEXUS_STATE_DEGRADED);
	put_child(msg, "/dev/loop2", 1, NEXUS_CHILD_FAULTED, false);
	assert_int_equal(nexus_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.type, NEXUS_EVENT_CHILD_STATE);
	assert_int_equal(ev.seq, 12);
	assert_string_equal(ev.name, "nx0");
	assert_true(ev.child_present);
	assert_string_equal(ev.child.path, "/dev/loop2");
	assert_int_equal(ev.child.state, NEXUS_CHILD_FAULTED);
	nexus_event_free(&ev);
	nlmsg_free(msg);
}

static void build_check_commands(void **state)
{
	struct nlattr *tb[NEXUS_A_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	assert_int_equal(nexus_build_nexus_cmd(FAMILY, NEXUS_CMD_NEXUS_CHECK, "nx0",
					       NEXUS_F_REPAIR, &msg), 0);
	assert_int_equal(cmd_of(msg), NEXUS_CMD_NEXUS_CHECK);
	attrs_of(msg, tb);
	assert_string_equal(nla_get_string(tb[NEXUS_A_NAME]), "nx0");
	assert_int_equal(nla_get_u32(tb[NEXUS_A_FLAGS]), NEXUS_F_REPAIR);
	nlmsg_free(msg);
	assert_int_equal(nexus_build_nexus_cmd(FAMILY, NEXUS_CMD_NEXUS_CHECK_STOP,
					       "nx0", 0, &msg), 0);
	assert_int_equal(cmd_of(msg), NEXUS_CMD_NEXUS_CHECK_STOP);
	attrs_of(msg, tb);
	assert_null(tb[NEXUS_A_FLAGS]);
	nlmsg_free(msg);
	/* Only the two scrub commands, and only a valid name. */
	msg = NULL;
	assert_int_equal(nexus_build_nexus_cmd(FAMILY, NEXUS_CMD_NEXUS_DESTROY,
					       "nx0", 0, &msg), -EINVAL);
	assert_int_equal(nexus_build_nexus_cmd(FAMILY, NEXUS_CMD_NEXUS_CHECK,
					       "-bad", 0, &msg), -EINVAL);
	assert_int_equal(nexus_build_nexus_cmd(FAMILY, NEXUS_CMD_NEXUS_CHECK,
					       "nx0", 0x80000000u, &msg), -EINVAL);
	assert_null(msg);
}

/*
 * A scrub nest as nexus_scrub_fill() sends it: u64s with pads, as
 * nla_put_u64_64bit() puts them, inside the region list too.
 */
static void put_scrub(struct nl_msg *msg, unsigned int n_regions)
{
	struct nlattr *scrub = nla_nest_start(msg, NEXUS_A_SCRUB), *list;

	nla_put_u32(msg, NEXUS_SCRUB_A_STATE, NEXUS_SCRUB_DONE);
	nla_put_u32(msg, NEXUS_SCRUB_A_MODE, NEXUS_SCRUB_CHECK);
	nla_put(msg, NEXUS_SCRUB_A_PAD, 0, NULL);
	nla_put_u64(msg, NEXUS_SCRUB_A_DONE, 32);
	nla_put_u64(msg, NEXUS_SCRUB_A_TOTAL, 32);
	nla_put_u64(msg, NEXUS_SCRUB_A_MISMATCHES, n_regions);
	nla_put_u64(msg, NEXUS_SCRUB_A_REPAIRED, 0);
	nla_put_u32(msg, NEXUS_SCRUB_A_TRUNCATED, 0);
	nla_put_u64(msg, NEXUS_SCRUB_A_START, 1000);
	nla_put_u64(msg, NEXUS_SCRUB_A_END, 1004);
	list = nla_nest_start(msg, NEXUS_SCRUB_A_REGIONS);
	for (unsigned int i = 0; i < n_regions; i++) {
		nla_put(msg, NEXUS_SCRUB_A_PAD, 0, NULL);
		nla_put_u64(msg, NEXUS_SCRUB_A_REGION, 3 + 7 * i);
	}
	nla_nest_end(msg, list);
	nla_put_u32(msg, 40, 1);	/* from a newer kernel: ignored */
	nla_nest_end(msg, scrub);
}

static void parse_scrub_nest(void **state)
{
	struct nl_msg *msg = nexus_reply();
	struct nexus_info info;
	const struct nexus_scrub_info *s = &info.scrub;

	(void)state;
	put_scrub(msg, 3);
	assert_int_equal(nexus_parse_nexus(nlmsg_hdr(msg), &info), 0);
	assert_true(info.scrub_present);
	assert_int_equal(s->state, NEXUS_SCRUB_DONE);
	assert_string_equal(nexus_scrub_state_str(s->state), "done");
	assert_int_equal(s->mode, NEXUS_SCRUB_CHECK);
	assert_string_equal(nexus_scrub_mode_str(s->mode), "check");
	assert_int_equal(s->done, 32);
	assert_int_equal(s->total, 32);
	assert_int_equal(s->mismatches, 3);
	assert_true(s->repaired_present);
	assert_int_equal(s->repaired, 0);
	assert_true(s->truncated_present);
	assert_false(s->truncated);
	assert_int_equal(s->start, 1000);
	assert_int_equal(s->end, 1004);
	assert_true(s->regions_present);
	assert_int_equal(s->n_regions, 3);
	assert_int_equal(s->regions[0], 3);
	assert_int_equal(s->regions[1], 10);
	assert_int_equal(s->regions[2], 17);
	assert_int_equal(info.n_children, 2);	/* the children still follow */
	nexus_info_free(&info);
	nlmsg_free(msg);

	/* No nest: never checked, and nothing made up. */
	msg = nexus_reply();
	assert_int_equal(nexus_parse_nexus(nlmsg_hdr(msg), &info), 0);
	assert_false(info.scrub_present);
	assert_false(info.scrub.state_present);
	nexus_info_free(&info);
	nlmsg_free(msg);
}

/* The kernel lists at most NEXUS_SCRUB_MAX_LISTED regions; more is malformed. */
static void parse_scrub_region_bounds(void **state)
{
	struct nl_msg *msg = nexus_reply();
	struct nexus_info info;

	(void)state;
	put_scrub(msg, NEXUS_SCRUB_MAX_LISTED);
	assert_int_equal(nexus_parse_nexus(nlmsg_hdr(msg), &info), 0);
	assert_int_equal(info.scrub.n_regions, NEXUS_SCRUB_MAX_LISTED);
	assert_int_equal(info.scrub.regions[NEXUS_SCRUB_MAX_LISTED - 1],
			 3 + 7 * (NEXUS_SCRUB_MAX_LISTED - 1));
	nexus_info_free(&info);
	nlmsg_free(msg);
	msg = nexus_reply();
	put_scrub(msg, NEXUS_SCRUB_MAX_LISTED + 1);
	assert_int_equal(nexus_parse_nexus(nlmsg_hdr(msg), &info), -EPROTO);
	assert_null(info.children);	/* freed on the way out */
	nlmsg_free(msg);
}

static void parse_scrub_event(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nexus_event ev;

	(void)state;
	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, NEXUS_CMD_EVENT, 1);
	nla_put_u32(msg, NEXUS_A_EVENT, NEXUS_EVENT_SCRUB_DONE);
	nla_put_u64(msg, NEXUS_A_SEQ, 40);
	nla_put_string(msg, NEXUS_A_NAME, "nx0");
	nla_put_u32(msg, NEXUS_A_STATE, NEXUS_STATE_ONLINE);
	put_scrub(msg, 2);
	assert_int_equal(nexus_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_string_equal(nexus_event_type_str(ev.type), "scrub-done");
	assert_false(ev.child_present);
	assert_true(ev.scrub_present);
	assert_int_equal(ev.scrub.mismatches, 2);
	assert_int_equal(ev.scrub.n_regions, 2);
	assert_int_equal(ev.scrub.regions[1], 10);
	nexus_event_free(&ev);
	nlmsg_free(msg);
}

/* NLMSG_ERROR with NETLINK_CAP_ACK: no echo, TLVs straight after. */
static struct nl_msg *error_ack(int error, const char *text, bool with_offset,
				uint32_t offset)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR,
						NLM_F_CAPPED | NLM_F_ACK_TLVS);
	struct nlmsgerr err = { .error = error };

	err.msg.nlmsg_len = 64;	/* the request's length; its body is capped */
	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	if (with_offset)
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS, offset);
	return msg;
}

static void parse_ack_with_extack(void **state)
{
	struct nl_msg *msg = error_ack(-EBUSY, "child is already in use", true, 40);
	struct nexus_ack ack;

	(void)state;
	assert_int_equal(nexus_parse_ack(nlmsg_hdr(msg), &ack), 0);
	assert_int_equal(ack.error, -EBUSY);
	assert_string_equal(ack.msg, "child is already in use");
	assert_true(ack.offset_present);
	assert_int_equal(ack.offset, 40);
	nlmsg_free(msg);
}

static void parse_plain_ack_and_done(void **state)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, 0);
	struct nlmsgerr ok = { 0 };
	struct nexus_ack ack;
	int error = -EOPNOTSUPP;

	(void)state;
	nlmsg_append(msg, &ok, sizeof(ok), NLMSG_ALIGNTO);
	assert_int_equal(nexus_parse_ack(nlmsg_hdr(msg), &ack), 0);
	assert_int_equal(ack.error, 0);
	assert_string_equal(ack.msg, "");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	nlmsg_append(msg, &error, sizeof(error), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "not implemented");
	assert_int_equal(nexus_parse_ack(nlmsg_hdr(msg), &ack), 0);
	assert_int_equal(ack.error, -EOPNOTSUPP);
	assert_string_equal(ack.msg, "not implemented");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(FAMILY, 0);
	assert_int_equal(nexus_parse_ack(nlmsg_hdr(msg), &ack), -EPROTO);
	nlmsg_free(msg);
}

/* The extack offset is mapped back to the child the kernel blamed. */
static void offset_names_the_child(void **state)
{
	struct nexus_create_req req;
	struct nlattr *tb[NEXUS_A_MAX + 1], *nla, *second = NULL;
	struct nl_msg *msg;
	uint32_t offset;
	int rem, i = 0;

	(void)state;
	nexus_create_req_init(&req, "nx0");
	nexus_create_req_add_child(&req, "/dev/loop1");
	nexus_create_req_add_child(&req, "/dev/loop9");
	assert_int_equal(nexus_build_create(FAMILY, &req, &msg), 0);
	attrs_of(msg, tb);
	nla_for_each_nested(nla, tb[NEXUS_A_CHILDREN], rem)
		if (i++ == 1)
			second = nla;
	/* The kernel points at the PATH inside the second child nest. */
	offset = (uint32_t)((char *)nla_data(second) - (char *)nlmsg_hdr(msg));
	assert_string_equal(nexus_request_child_at(msg, offset), "/dev/loop9");
	offset = (uint32_t)((char *)tb[NEXUS_A_NAME] - (char *)nlmsg_hdr(msg));
	assert_null(nexus_request_child_at(msg, offset));
	assert_null(nexus_request_child_at(msg, 100000));
	nlmsg_free(msg);
	nexus_create_req_free(&req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_create),
		cmocka_unit_test(build_create_longest),
		cmocka_unit_test(build_create_assemble_flags),
		cmocka_unit_test(build_refuses_bad_arguments),
		cmocka_unit_test(build_child_command),
		cmocka_unit_test(build_get_do_and_dump),
		cmocka_unit_test(build_set_and_destroy),
		cmocka_unit_test(parse_nexus_reply),
		cmocka_unit_test(parse_missing_members),
		cmocka_unit_test(build_forget_missing),
		cmocka_unit_test(build_online_member),
		cmocka_unit_test(parse_rejects_reply_without_name),
		cmocka_unit_test(parse_event_with_child),
		cmocka_unit_test(parse_ack_with_extack),
		cmocka_unit_test(parse_plain_ack_and_done),
		cmocka_unit_test(offset_names_the_child),
		cmocka_unit_test(build_check_commands),
		cmocka_unit_test(parse_scrub_nest),
		cmocka_unit_test(parse_scrub_region_bounds),
		cmocka_unit_test(parse_scrub_event),
	};

	return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
