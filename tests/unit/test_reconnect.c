/*
 * mayastor-agent's reconnect policy (reconnect.h): its options, the
 * backoff schedule, which recorded children are candidates, and a
 * candidate's life, all without a kernel or a clock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"
#include "reconnect.h"

#define NX0_UUID "123e4567-e89b-12d3-a456-426614174000"	/* fixture_nexus's */
#define M1 "0a1b2c3d-0000-4000-8000-000000000001"
#define M2 "0a1b2c3d-0000-4000-8000-000000000002"
#define URI "nvmf://10.0.0.5:4420/nqn.2019-05.io.openebs:r1"

/* ---- options ------------------------------------------------------------ */

static void set_ok(struct reconnect_policy *p, const char *opt, const char *value)
{
	char why[200] = "";

	if (reconnect_policy_set(p, opt, value, why, sizeof(why)))
		fail_msg("--%s %s refused: %s", opt, value, why);
}

static void set_bad(const char *opt, const char *value, const char *want)
{
	struct reconnect_policy p;
	char why[200] = "";

	reconnect_policy_default(&p);
	assert_int_equal(reconnect_policy_set(&p, opt, value, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, want);
}

static void options(void **state)
{
	struct reconnect_policy p;
	char why[200];

	(void)state;
	reconnect_policy_default(&p);
	assert_true(p.enabled);
	assert_int_equal(p.delay_s, 1);
	assert_int_equal(p.max_delay_s, 60);
	assert_int_equal(p.give_up_s, 0);
	set_ok(&p, "reconnect", "off");
	assert_false(p.enabled);
	set_ok(&p, "reconnect", "on");
	assert_true(p.enabled);
	set_ok(&p, "reconnect-delay", "5");
	set_ok(&p, "reconnect-max-delay", "300");
	set_ok(&p, "reconnect-give-up", "0");
	set_ok(&p, "reconnect-give-up", "86400");
	assert_int_equal(p.delay_s, 5);
	assert_int_equal(p.max_delay_s, 300);
	assert_int_equal(p.give_up_s, 86400);
	assert_int_equal(reconnect_policy_check(&p, why, sizeof(why)), 0);
	set_ok(&p, "reconnect-max-delay", "4");
	assert_int_equal(reconnect_policy_check(&p, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "--reconnect-max-delay (4 s) is shorter than "
			    "--reconnect-delay (5 s)");
	set_bad("reconnect", "yes", "--reconnect 'yes': expected on or off");
	set_bad("reconnect-delay", "0", "--reconnect-delay '0': expected 1 to 3600 seconds");
	set_bad("reconnect-delay", "3601", "--reconnect-delay '3601': expected 1 to 3600 seconds");
	set_bad("reconnect-delay", "1s", "--reconnect-delay '1s': expected 1 to 3600 seconds");
	set_bad("reconnect-delay", "-1", "--reconnect-delay '-1': expected 1 to 3600 seconds");
	set_bad("reconnect-delay", "", "--reconnect-delay '': expected 1 to 3600 seconds");
	set_bad("reconnect-max-delay", "86401",
		"--reconnect-max-delay '86401': expected 1 to 86400 seconds");
	set_bad("reconnect-give-up", "99999999999",
		"--reconnect-give-up '99999999999': expected 0 to 4294967295 seconds");
	set_bad("reconnect-often", "1", "unknown option '--reconnect-often'");
}

/* ---- backoff ------------------------------------------------------------ */

static void backoff_doubles_up_to_the_cap(void **state)
{
	static const unsigned int want[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };
	struct reconnect_policy p;

	(void)state;
	reconnect_policy_default(&p);
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(reconnect_backoff(&p, i + 1), want[i]);
	p.delay_s = 3;
	p.max_delay_s = 10;
	assert_int_equal(reconnect_backoff(&p, 1), 3);
	assert_int_equal(reconnect_backoff(&p, 2), 6);
	assert_int_equal(reconnect_backoff(&p, 3), 10);
	/* No overflow, however long it has been failing. */
	p.delay_s = 3600;
	p.max_delay_s = 86400;
	assert_int_equal(reconnect_backoff(&p, 4000000000U), 86400);
	p.delay_s = p.max_delay_s = 7;
	assert_int_equal(reconnect_backoff(&p, 1), 7);
	assert_int_equal(reconnect_backoff(&p, 9), 7);
}

/* ---- candidates --------------------------------------------------------- */

static bool candidate(enum nexus_child_state st, enum nexus_child_reason why,
		      bool reason_present)
{
	struct nexus_child_info c;

	fixture_child(&c, "/dev/nvme1n1", 1, st);
	c.reason = why;
	c.reason_present = reason_present;
	return reconnect_candidate(&c);
}

static void candidates_are_lost_not_put_away(void **state)
{
	(void)state;
	assert_true(candidate(NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR, true));
	assert_true(candidate(NEXUS_CHILD_FAULTED, NEXUS_REASON_REBUILD_FAILED, true));
	assert_true(candidate(NEXUS_CHILD_MISSING, NEXUS_REASON_NONE, false));
	/* child fault: on purpose. */
	assert_false(candidate(NEXUS_CHILD_FAULTED, NEXUS_REASON_ADMIN, true));
	assert_false(candidate(NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR, false));
	assert_false(candidate(NEXUS_CHILD_FAULTED, NEXUS_REASON_REMOVED, true));
	assert_false(candidate(NEXUS_CHILD_OFFLINE, NEXUS_REASON_ADMIN, true));
	assert_false(candidate(NEXUS_CHILD_ONLINE, NEXUS_REASON_NONE, true));
	assert_false(candidate(NEXUS_CHILD_REBUILDING, NEXUS_REASON_NONE, true));
	assert_false(candidate(NEXUS_CHILD_OUT_OF_SYNC, NEXUS_REASON_NONE, true));
}

/* The kernel's nx0: /dev/vdb (M1) online, member M2 in state/reason. */
static void kernel_nx0(struct nexus_info *info, enum nexus_child_state st,
		       enum nexus_child_reason why)
{
	fixture_nexus(info);
	strcpy(info->children[0].path, "/dev/vdb");
	nexus_uuid_parse(M1, &info->children[0].uuid);
	info->children[0].uuid_present = true;
	info->children[1].state = st;
	info->children[1].reason = why;
	strcpy(info->children[1].path, st == NEXUS_CHILD_MISSING ? "" : "/dev/nvme1n1");
	nexus_uuid_parse(M2, &info->children[1].uuid);
	info->children[1].uuid_present = true;
}

/* nx0 as recorded: /dev/vdb (M1) and child (member). */
static void recorded_nx0(struct state_nexus *n, const char *child,
			 const char *member)
{
	memset(n, 0, sizeof(*n));
	strcpy(n->name, "nx0");
	strcpy(n->uuid, NX0_UUID);
	n->n_children = 2;
	strcpy(n->children[0], "/dev/vdb");
	strcpy(n->members[0], M1);
	strcpy(n->children[1], child);
	strcpy(n->members[1], member);
}

static size_t select_one(enum nexus_child_state st, enum nexus_child_reason why,
			 const char *child, const char *member,
			 struct reconnect_want *w)
{
	static struct state_nexus rec;	/* 130 KiB: not on the stack */
	struct nexus_info info;
	size_t n;

	kernel_nx0(&info, st, why);
	recorded_nx0(&rec, child, member);
	n = reconnect_select(&info, &rec, w, NEXUS_MAX_CHILDREN);
	nexus_info_free(&info);
	return n;
}

static void select_by_recorded_member(void **state)
{
	struct reconnect_want w[NEXUS_MAX_CHILDREN];
	struct nexus_uuid m2;

	(void)state;
	nexus_uuid_parse(M2, &m2);
	assert_int_equal(select_one(NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR, URI, M2, w), 1);
	assert_int_equal(w[0].child, 1);
	assert_true(w[0].member_known);
	assert_memory_equal(w[0].member.bytes, m2.bytes, NEXUS_UUID_LEN);
	assert_int_equal(w[0].state, NEXUS_CHILD_FAULTED);
	assert_int_equal(w[0].reason, NEXUS_REASON_IO_ERROR);
	assert_int_equal(select_one(NEXUS_CHILD_MISSING, NEXUS_REASON_NONE, URI, M2, w), 1);
	assert_int_equal(w[0].state, NEXUS_CHILD_MISSING);
	assert_int_equal(select_one(NEXUS_CHILD_FAULTED, NEXUS_REASON_REBUILD_FAILED,
				    "iscsi://10.0.0.5/iqn.x/0", M2, w), 1);
	/* Faulted by hand, offline, healthy: left alone. */
	assert_int_equal(select_one(NEXUS_CHILD_FAULTED, NEXUS_REASON_ADMIN, URI, M2, w), 0);
	assert_int_equal(select_one(NEXUS_CHILD_OFFLINE, NEXUS_REASON_ADMIN, URI, M2, w), 0);
	assert_int_equal(select_one(NEXUS_CHILD_REBUILDING, NEXUS_REASON_NONE, URI, M2, w), 0);
	/* A local child is not reconnected (no transport to come back). */
	assert_int_equal(select_one(NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR,
				    "/var/lib/b.img", M2, w), 0);
	/* Recorded as a member the kernel does not have: removed. */
	assert_int_equal(select_one(NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR, URI,
				    "0a1b2c3d-0000-4000-8000-000000000009", w), 0);
}

/* An older agent's entry names no member: the label will tell. */
static void select_unnamed_when_a_member_is_unaccounted(void **state)
{
	struct reconnect_want w[NEXUS_MAX_CHILDREN];

	(void)state;
	assert_int_equal(select_one(NEXUS_CHILD_MISSING, NEXUS_REASON_NONE, URI, "", w), 1);
	assert_int_equal(w[0].child, 1);
	assert_false(w[0].member_known);
	assert_int_equal(select_one(NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR, URI, "", w), 1);
	/* Nobody lost: nothing to try. */
	assert_int_equal(select_one(NEXUS_CHILD_ONLINE, NEXUS_REASON_NONE, URI, "", w), 0);
	assert_int_equal(select_one(NEXUS_CHILD_FAULTED, NEXUS_REASON_ADMIN, URI, "", w), 0);
}

static void select_needs_the_same_nexus(void **state)
{
	static struct state_nexus rec;
	struct reconnect_want w[NEXUS_MAX_CHILDREN];
	struct nexus_info info;

	(void)state;
	kernel_nx0(&info, NEXUS_CHILD_FAULTED, NEXUS_REASON_IO_ERROR);
	recorded_nx0(&rec, URI, M2);
	strcpy(rec.uuid, "6f1c8e0e-5a3b-4d0e-9a8e-0c4b1f2d3e4f");	/* another nx0 */
	assert_int_equal(reconnect_select(&info, &rec, w, NEXUS_MAX_CHILDREN), 0);
	strcpy(rec.uuid, NX0_UUID);
	assert_int_equal(reconnect_select(&info, &rec, w, 0), 0);	/* no room */
	nexus_info_free(&info);
}

/* ---- a candidate's life ------------------------------------------------- */

#define S(x) (1000LL * (x))

static void backs_off_and_gives_up(void **state)
{
	struct reconnect_policy p;
	struct reconnect_unit u = { 0 };
	long long t0 = S(1000);

	(void)state;
	reconnect_policy_default(&p);
	p.give_up_s = 30;
	assert_true(reconnect_unit_lost(&u, &p, t0));
	assert_int_equal(u.next_ms, t0 + S(1));		/* after the delay */
	assert_false(reconnect_unit_due(&u, t0));
	assert_true(reconnect_unit_due(&u, t0 + S(1)));
	/* Seen lost again by later scans: nothing new. */
	assert_false(reconnect_unit_lost(&u, &p, t0 + S(1)));
	assert_int_equal(u.next_ms, t0 + S(1));
	reconnect_unit_failed(&u, &p, t0 + S(1));
	assert_int_equal(u.next_ms, t0 + S(2));		/* 1 s */
	reconnect_unit_failed(&u, &p, t0 + S(2));
	assert_int_equal(u.next_ms, t0 + S(4));		/* 2 s */
	reconnect_unit_failed(&u, &p, t0 + S(4));
	assert_int_equal(u.next_ms, t0 + S(8));		/* 4 s */
	assert_false(u.gave_up);
	reconnect_unit_failed(&u, &p, t0 + S(30));	/* 30 s lost: enough */
	assert_true(u.gave_up);
	assert_false(reconnect_unit_due(&u, t0 + S(1000)));
	/* Still lost: it stays given up (until the agent is told again). */
	assert_false(reconnect_unit_lost(&u, &p, t0 + S(1000)));
	assert_true(u.gave_up);
}

static void never_gives_up_by_default(void **state)
{
	struct reconnect_policy p;
	struct reconnect_unit u = { 0 };

	(void)state;
	reconnect_policy_default(&p);
	reconnect_unit_lost(&u, &p, S(1));
	for (int i = 0; i < 100; i++)
		reconnect_unit_failed(&u, &p, S(1) + S(3600) * i);
	assert_false(u.gave_up);
	assert_int_equal(u.next_ms, S(1) + S(3600) * 99 + S(60));
}

static void back_then_lost_again(void **state)
{
	struct reconnect_policy p;
	struct reconnect_unit u = { 0 };
	long long t0 = S(500);

	(void)state;
	reconnect_policy_default(&p);
	reconnect_unit_lost(&u, &p, t0);
	reconnect_unit_failed(&u, &p, t0 + S(1));	/* failed 1 */
	reconnect_unit_failed(&u, &p, t0 + S(2));	/* failed 2 */
	reconnect_unit_back(&u, t0 + S(4));
	assert_false(reconnect_unit_due(&u, t0 + S(100)));
	/* No longer a candidate: kept a while, in case it is lost again. */
	assert_true(reconnect_unit_keep(&u, t0 + S(4) + S(59)));
	assert_false(reconnect_unit_keep(&u, t0 + S(4) + S(60)));
	/* Lost again soon: the backoff goes on (a flapping target). */
	assert_true(reconnect_unit_lost(&u, &p, t0 + S(10)));
	assert_int_equal(u.failed, 3);
	assert_int_equal(u.next_ms, t0 + S(10) + S(4));
	assert_true(reconnect_unit_due(&u, t0 + S(14)));
	/* Back, and lost again long after: afresh. */
	reconnect_unit_back(&u, t0 + S(20));
	assert_true(reconnect_unit_lost(&u, &p, t0 + S(20) + S(60)));
	assert_int_equal(u.failed, 0);
	assert_int_equal(u.attempts, 0);
	assert_int_equal(u.since_ms, t0 + S(80));
	assert_int_equal(u.next_ms, t0 + S(81));
	/* A unit never back is not kept once it is no candidate. */
	assert_false(reconnect_unit_keep(&u, t0 + S(81)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options),
		cmocka_unit_test(backoff_doubles_up_to_the_cap),
		cmocka_unit_test(candidates_are_lost_not_put_away),
		cmocka_unit_test(select_by_recorded_member),
		cmocka_unit_test(select_unnamed_when_a_member_is_unaccounted),
		cmocka_unit_test(select_needs_the_same_nexus),
		cmocka_unit_test(backs_off_and_gives_up),
		cmocka_unit_test(never_gives_up_by_default),
		cmocka_unit_test(back_then_lost_again),
	};

	return cmocka_run_group_tests_name("reconnect", tests, NULL, NULL);
}
