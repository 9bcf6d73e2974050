/* UUIDs, names, enum strings and request helpers of libnexus. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "libnexus.h"

static void uuid_round_trip(void **state)
{
	struct nexus_uuid u;
	char text[NEXUS_UUID_STRLEN + 1];

	(void)state;
	assert_int_equal(nexus_uuid_parse("123E4567-e89b-12d3-a456-426614174000", &u), 0);
	assert_int_equal(u.bytes[0], 0x12);
	assert_int_equal(u.bytes[15], 0x00);
	assert_string_equal(nexus_uuid_format(&u, text),
			    "123e4567-e89b-12d3-a456-426614174000");
	assert_false(nexus_uuid_is_null(&u));
	memset(&u, 0, sizeof(u));
	assert_true(nexus_uuid_is_null(&u));
}

static void uuid_rejects(void **state)
{
	struct nexus_uuid u;

	(void)state;
	assert_int_equal(nexus_uuid_parse("123e4567e89b12d3a456426614174000", &u), -EINVAL);
	assert_int_equal(nexus_uuid_parse("123e4567-e89b-12d3-a456-42661417400g", &u), -EINVAL);
	assert_int_equal(nexus_uuid_parse("123e4567-e89b-12d3-a456-4266141740000", &u), -EINVAL);
	assert_int_equal(nexus_uuid_parse("123e4567+e89b-12d3-a456-426614174000", &u), -EINVAL);
	assert_int_equal(nexus_uuid_parse("", &u), -EINVAL);
	assert_int_equal(nexus_uuid_parse(NULL, &u), -EINVAL);
}

static void names(void **state)
{
	(void)state;
	assert_true(nexus_name_valid("nx0"));
	assert_true(nexus_name_valid("a.b_c-D"));
	assert_true(nexus_name_valid("0123456789012345678901234567890"));
	assert_false(nexus_name_valid("01234567890123456789012345678901"));
	assert_false(nexus_name_valid(""));
	assert_false(nexus_name_valid(NULL));
	assert_false(nexus_name_valid("a/b"));
	assert_false(nexus_name_valid("a b"));
}

static void enum_strings(void **state)
{
	(void)state;
	assert_string_equal(nexus_state_str(NEXUS_STATE_ONLINE), "online");
	assert_string_equal(nexus_state_str(NEXUS_STATE_DEGRADED), "degraded");
	assert_string_equal(nexus_state_str(NEXUS_STATE_FAULTED), "faulted");
	assert_string_equal(nexus_state_str(0), "unknown");
	assert_string_equal(nexus_child_state_str(NEXUS_CHILD_OUT_OF_SYNC), "out-of-sync");
	assert_string_equal(nexus_child_state_str(NEXUS_CHILD_REBUILDING), "rebuilding");
	assert_string_equal(nexus_child_state_str(NEXUS_CHILD_OFFLINE), "offline");
	assert_string_equal(nexus_child_state_str(99), "unknown");
	assert_string_equal(nexus_child_reason_str(NEXUS_REASON_IO_ERROR), "io-error");
	assert_string_equal(nexus_child_reason_str(NEXUS_REASON_REMOVED), "removed");
	assert_string_equal(nexus_child_reason_str(NEXUS_REASON_ADMIN), "admin");
	assert_string_equal(nexus_child_reason_str(NEXUS_REASON_REBUILD_FAILED), "rebuild-failed");
	assert_string_equal(nexus_rebuild_state_str(NEXUS_REBUILD_PAUSED), "paused");
	assert_string_equal(nexus_event_type_str(NEXUS_EVENT_REBUILD_PROGRESS), "rebuild-progress");
	assert_string_equal(nexus_event_type_str(NEXUS_EVENT_NEXUS_CREATED), "nexus-created");
}

static void create_request_owns_children(void **state)
{
	struct nexus_create_req req;
	char long_path[NEXUS_PATH_MAX + 2];

	(void)state;
	assert_int_equal(nexus_create_req_init(&req, "bad name"), -EINVAL);
	assert_int_equal(nexus_create_req_init(&req, "nx0"), 0);
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(nexus_create_req_add_child(&req, long_path), -EINVAL);
	for (int i = 0; i < NEXUS_MAX_CHILDREN; i++)
		assert_int_equal(nexus_create_req_add_child(&req, "/dev/loop0"), 0);
	assert_int_equal(nexus_create_req_add_child(&req, "/dev/loop0"), -E2BIG);
	nexus_create_req_free(&req);
	assert_int_equal(req.n_children, 0);
	nexus_create_req_free(&req);	/* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_round_trip),
		cmocka_unit_test(uuid_rejects),
		cmocka_unit_test(names),
		cmocka_unit_test(enum_strings),
		cmocka_unit_test(create_request_owns_children),
	};

	return cmocka_run_group_tests_name("types", tests, NULL, NULL);
}
