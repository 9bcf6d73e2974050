/*
 * Bringing a member back (child_return.h): which member a device is, and
 * which kernel call brings it back, without a kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "agent_record.h"
#include "child_return.h"
#include "fixtures.h"
#include "nexus_ops.h"

#define MEMBER2 "0a1b2c3d-0000-4000-8000-000000000002"

/* nx0 with its second child FAULTED (io-error) as member MEMBER2. */
static void faulted_nexus(struct nexus_info *info)
{
	fixture_nexus(info);
	info->children[1].state = NEXUS_CHILD_FAULTED;
	info->children[1].reason = NEXUS_REASON_IO_ERROR;
	info->children[1].rebuild_present = false;
	nexus_uuid_parse(MEMBER2, &info->children[1].uuid);
	info->children[1].uuid_present = true;
}

/* The label the device of member of info would carry. */
static void label_of(const struct nexus_info *info, const char *member,
		     struct label *l)
{
	struct nexus_uuid u;

	memset(l, 0, sizeof(*l));
	memcpy(l->nexus_uuid, info->uuid.bytes, NEXUS_UUID_LEN);
	assert_int_equal(nexus_uuid_parse(member, &u), 0);
	memcpy(l->child_uuid, u.bytes, NEXUS_UUID_LEN);
	strcpy(l->name, info->name);
}

static void member_by_path_then_label(void **state)
{
	struct nexus_info info;
	struct label l;

	(void)state;
	faulted_nexus(&info);
	label_of(&info, MEMBER2, &l);
	/* The kernel's path wins, label or not. */
	assert_ptr_equal(child_return_member(&info, "/dev/loop1", NULL), &info.children[0]);
	assert_ptr_equal(child_return_member(&info, "/dev/loop1", &l), &info.children[0]);
	/* A namespace back under another name: its label says who it is. */
	assert_ptr_equal(child_return_member(&info, "/dev/nvme2n1", &l), &info.children[1]);
	assert_null(child_return_member(&info, "/dev/nvme2n1", NULL));
	/* The same member UUID in another nexus's label is not this one. */
	l.nexus_uuid[0] ^= 1;
	assert_null(child_return_member(&info, "/dev/nvme2n1", &l));
	/* A member the nexus does not have (removed). */
	label_of(&info, "0a1b2c3d-0000-4000-8000-000000000009", &l);
	assert_null(child_return_member(&info, "/dev/nvme2n1", &l));
	nexus_info_free(&info);
}

static void plan(enum nexus_child_state st, bool uuid, const char *path,
		 int want_rc, enum child_return_how want)
{
	struct nexus_child_info c;
	enum child_return_how how = (enum child_return_how)-1;
	char why[200] = "";

	fixture_child(&c, "/dev/nvme1n1", 1, st);
	c.uuid_present = uuid;
	assert_int_equal(child_return_plan(&c, path, &how, why, sizeof(why)), want_rc);
	if (!want_rc)
		assert_int_equal(how, want);
	else
		assert_true(why[0]);
}

static void plans_copy_only_what_was_missed(void **state)
{
	(void)state;
	plan(NEXUS_CHILD_OFFLINE, true, "/dev/nvme1n1", 0, CHILD_RETURN_ONLINE);
	plan(NEXUS_CHILD_OFFLINE, true, "/dev/nvme2n1", 0, CHILD_RETURN_MEMBER);
	plan(NEXUS_CHILD_FAULTED, true, "/dev/nvme1n1", 0, CHILD_RETURN_MEMBER);
	plan(NEXUS_CHILD_FAULTED, true, "/dev/nvme2n1", 0, CHILD_RETURN_MEMBER);
	plan(NEXUS_CHILD_MISSING, true, "/dev/nvme2n1", 0, CHILD_RETURN_ADD);
	/* Without a member UUID: by its path only. */
	plan(NEXUS_CHILD_FAULTED, false, "/dev/nvme1n1", 0, CHILD_RETURN_ONLINE);
	plan(NEXUS_CHILD_FAULTED, false, "/dev/nvme2n1", -EINVAL, 0);
	/* Nothing to come back from: the kernel refuses (EPERM first, 103). */
	plan(NEXUS_CHILD_REBUILDING, true, "/dev/nvme1n1", 0, CHILD_RETURN_ONLINE);
	plan(NEXUS_CHILD_OUT_OF_SYNC, true, "/dev/nvme1n1", 0, CHILD_RETURN_ONLINE);
	plan(NEXUS_CHILD_ONLINE, true, "/dev/nvme1n1", 0, CHILD_RETURN_ONLINE);
}

static void find_says_which_child(void **state)
{
	struct child_return_dev dev;
	char why[400];

	(void)state;
	assert_int_equal(child_return_find(&child_resolvers_all, "/nonexistent/x.img",
					   &dev, why, sizeof(why)), -ENOENT);
	assert_string_equal(why, "child /nonexistent/x.img: No such file or directory");
	assert_int_equal(child_return_find(&child_resolvers_all, "nvmf://h",
					   &dev, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "child nvmf://h: missing NQN (nvmf://host:port/nqn)");
}

static int count_op(const struct agent_state *s, void *arg)
{
	int *calls = arg;

	assert_null(s);		/* no state file: no lock, no content */
	return ++*calls == 1 ? -EAGAIN : 0;
}

/* Without a state file the change is made all the same, unrecorded. */
static void change_without_a_state_file(void **state)
{
	int calls = 0;
	struct record_change ch = { .op = count_op, .arg = &calls };
	char err[100];

	(void)state;
	assert_int_equal(record_nexus_change(NULL, NULL, "nx0", &ch, err, sizeof(err)), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(ch.op_rc, -EAGAIN);
	assert_false(ch.ran);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(member_by_path_then_label),
		cmocka_unit_test(plans_copy_only_what_was_missed),
		cmocka_unit_test(find_says_which_child),
		cmocka_unit_test(change_without_a_state_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
