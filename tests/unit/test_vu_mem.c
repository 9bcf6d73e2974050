/* vhost guest memory: region checks and address translation (agent/vhost/vu_mem.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vu_mem.h"

static uint8_t a[8192], b[8192];

static struct vu_mem two_regions(void)
{
	struct vu_mem m = { 0 };
	struct vu_mem_region_msg ra = { 0x1000, sizeof(a), 0x10000, 0 };
	struct vu_mem_region_msg rb = { 0x1000 + sizeof(a), sizeof(b), 0x40000, 0 };

	assert_null(vu_mem_add_mapped(&m, &ra, a));
	assert_null(vu_mem_add_mapped(&m, &rb, b));
	return m;
}

static void translates_inside_a_region(void **state)
{
	struct vu_mem m = two_regions();

	(void)state;
	assert_ptr_equal(vu_gpa_to_va(&m, 0x1000, 1), a);
	assert_ptr_equal(vu_gpa_to_va(&m, 0x1000 + 100, 16), a + 100);
	/* The last byte, and a whole region. */
	assert_ptr_equal(vu_gpa_to_va(&m, 0x1000 + sizeof(a) - 1, 1), a + sizeof(a) - 1);
	assert_ptr_equal(vu_gpa_to_va(&m, 0x1000, sizeof(a)), a);
	assert_ptr_equal(vu_uva_to_va(&m, 0x40000 + 8, 8), b + 8);
}

static void refuses_what_leaves_a_region(void **state)
{
	struct vu_mem m = two_regions();

	(void)state;
	assert_null(vu_gpa_to_va(&m, 0xfff, 1));			/* before */
	assert_null(vu_gpa_to_va(&m, 0x1000 + sizeof(a) - 1, 2));	/* into the next region */
	assert_null(vu_gpa_to_va(&m, 0x1000 + sizeof(a) + sizeof(b), 1)); /* after */
	assert_null(vu_gpa_to_va(&m, 0x1000, UINT64_MAX));		/* length overflows */
	assert_null(vu_gpa_to_va(&m, UINT64_MAX, 2));
	assert_null(vu_uva_to_va(&m, 0x10000 + sizeof(a) - 4, 8));	/* uva regions are apart */
	assert_null(vu_uva_to_va(&m, 0x20000, 1));
}

static void splits_a_buffer_across_adjacent_regions(void **state)
{
	struct vu_mem m = two_regions();
	struct iovec iov[4];
	unsigned int n = 0;

	(void)state;
	assert_int_equal(vu_gpa_to_iov(&m, 0x1000 + sizeof(a) - 10, 30, iov, &n, 4), 0);
	assert_int_equal(n, 2);
	assert_ptr_equal(iov[0].iov_base, a + sizeof(a) - 10);
	assert_int_equal(iov[0].iov_len, 10);
	assert_ptr_equal(iov[1].iov_base, b);
	assert_int_equal(iov[1].iov_len, 20);
	/* Past the end of the second region: refused as a whole. */
	n = 0;
	assert_int_equal(vu_gpa_to_iov(&m, 0x1000 + sizeof(a), sizeof(b) + 1, iov, &n, 4), -1);
	/* No room for the pieces. */
	n = 0;
	assert_int_equal(vu_gpa_to_iov(&m, 0x1000 + sizeof(a) - 10, 30, iov, &n, 1), -1);
	/* Wrapping address. */
	n = 0;
	assert_int_equal(vu_gpa_to_iov(&m, UINT64_MAX - 4, 10, iov, &n, 4), -1);
	/* Zero length: nothing, no error. */
	n = 0;
	assert_int_equal(vu_gpa_to_iov(&m, 0x1000, 0, iov, &n, 4), 0);
	assert_int_equal(n, 0);
}

static void refuses_overlapping_or_wrapping_regions(void **state)
{
	struct vu_mem m = two_regions();
	struct vu_mem_region_msg gpa_overlap = { 0x1000 + 4096, 4096, 0x90000, 0 };
	struct vu_mem_region_msg uva_overlap = { 0x100000, 4096, 0x10000 + 4095, 0 };
	struct vu_mem_region_msg wrap = { UINT64_MAX - 10, 4096, 0x90000, 0 };
	struct vu_mem_region_msg uva_wrap = { 0x100000, 4096, UINT64_MAX - 10, 0 };
	struct vu_mem_region_msg off_wrap = { 0x100000, 4096, 0x90000, UINT64_MAX - 10 };
	struct vu_mem_region_msg empty = { 0x100000, 0, 0x90000, 0 };
	struct vu_mem_region_msg ok = { 0x100000, 4096, 0x90000, 0 };

	(void)state;
	assert_non_null(vu_mem_check(&m, &gpa_overlap));
	assert_non_null(vu_mem_check(&m, &uva_overlap));
	assert_non_null(vu_mem_check(&m, &wrap));
	assert_non_null(vu_mem_check(&m, &uva_wrap));
	assert_non_null(vu_mem_check(&m, &off_wrap));
	assert_non_null(vu_mem_check(&m, &empty));
	assert_null(vu_mem_check(&m, &ok));
}

static void slots_run_out(void **state)
{
	struct vu_mem m = { 0 };

	(void)state;
	for (unsigned int i = 0; i < VU_MAX_MEM_SLOTS; i++) {
		struct vu_mem_region_msg r = { i * 0x10000ull, 0x1000, i * 0x10000ull, 0 };

		assert_null(vu_mem_add_mapped(&m, &r, a));
	}
	struct vu_mem_region_msg extra = { 0x10000000, 0x1000, 0x10000000, 0 };
	assert_non_null(vu_mem_add_mapped(&m, &extra, a));
}

static void removes_by_address_and_size(void **state)
{
	struct vu_mem m = two_regions();
	struct vu_mem_region_msg wrong = { 0x1000, 4096, 0, 0 };
	struct vu_mem_region_msg first = { 0x1000, sizeof(a), 0, 0 };

	(void)state;
	assert_non_null(vu_mem_remove(&m, &wrong));
	assert_null(vu_mem_remove(&m, &first));
	assert_int_equal(m.n, 1);
	assert_null(vu_gpa_to_va(&m, 0x1000, 1));
	assert_ptr_equal(vu_gpa_to_va(&m, 0x1000 + sizeof(a), 1), b);
	vu_mem_clear(&m);
	assert_int_equal(m.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(translates_inside_a_region),
		cmocka_unit_test(refuses_what_leaves_a_region),
		cmocka_unit_test(splits_a_buffer_across_adjacent_regions),
		cmocka_unit_test(refuses_overlapping_or_wrapping_regions),
		cmocka_unit_test(slots_run_out),
		cmocka_unit_test(removes_by_address_and_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
