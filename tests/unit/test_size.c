/* Size and count parsing, human sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "size.h"

static uint64_t parsed(const char *text)
{
	uint64_t bytes = 0;

	assert_null(size_parse(text, &bytes));
	return bytes;
}

static void plain_number_is_mib(void **state)
{
	(void)state;
	assert_int_equal(parsed("10"), 10ULL << 20);
	assert_int_equal(parsed("96"), 96ULL << 20);
}

static void suffixes_are_powers_of_1024(void **state)
{
	(void)state;
	assert_int_equal(parsed("4096B"), 4096);
	assert_int_equal(parsed("1K"), 1024);
	assert_int_equal(parsed("1KiB"), 1024);
	assert_int_equal(parsed("512M"), 512ULL << 20);
	assert_int_equal(parsed("512mib"), 512ULL << 20);
	assert_int_equal(parsed("2G"), 2ULL << 30);
	assert_int_equal(parsed("2GiB"), 2ULL << 30);
	assert_int_equal(parsed("3T"), 3ULL << 40);
	assert_int_equal(parsed("3TiB"), 3ULL << 40);
}

static void bad_sizes_say_why(void **state)
{
	uint64_t bytes = 7;

	(void)state;
	assert_string_equal(size_parse("-1", &bytes), "must not be negative");
	assert_string_equal(size_parse("0", &bytes), "must be greater than zero");
	assert_string_equal(size_parse("0G", &bytes), "must be greater than zero");
	assert_string_equal(size_parse("", &bytes), "empty size");
	assert_non_null(strstr(size_parse("abc", &bytes), "not a number"));
	assert_non_null(strstr(size_parse("10X", &bytes), "unknown unit"));
	assert_non_null(strstr(size_parse("1.5G", &bytes), "unknown unit"));
	assert_non_null(strstr(size_parse("10 M", &bytes), "unknown unit"));
	assert_string_equal(size_parse("99999999999999999999", &bytes), "too large");
	assert_string_equal(size_parse("16777216T", &bytes), "too large");
	assert_string_equal(size_parse("17592186044416", &bytes), "too large");
	assert_int_equal(bytes, 7);	/* untouched on failure */
}

static void human_sizes(void **state)
{
	char buf[SIZE_STR_MAX];

	(void)state;
	assert_string_equal(size_format(0, buf), "0B");
	assert_string_equal(size_format(1023, buf), "1023B");
	assert_string_equal(size_format(1024, buf), "1.0KiB");
	assert_string_equal(size_format(96ULL << 20, buf), "96.0MiB");
	assert_string_equal(size_format(3ULL << 29, buf), "1.5GiB");
	assert_string_equal(size_format(UINT64_MAX, buf), "16.0EiB");
}

static void u32_counts(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_null(u32_parse("0", &v));
	assert_int_equal(v, 0);
	assert_null(u32_parse("4294967295", &v));
	assert_int_equal(v, UINT32_MAX);
	assert_string_equal(u32_parse("4294967296", &v), "too large");
	assert_string_equal(u32_parse("-3", &v), "must not be negative");
	assert_string_equal(u32_parse("5x", &v), "not a whole number");
	assert_string_equal(u32_parse("x", &v), "not a number");
	assert_string_equal(u32_parse("", &v), "empty number");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_number_is_mib),
		cmocka_unit_test(suffixes_are_powers_of_1024),
		cmocka_unit_test(bad_sizes_say_why),
		cmocka_unit_test(human_sizes),
		cmocka_unit_test(u32_counts),
	};

	return cmocka_run_group_tests_name("size", tests, NULL, NULL);
}
