/* virtio-blk request parsing (agent/vhost/blk_req.c) on crafted chains. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "blk_req.h"

static const struct blk_geom geom = { .sectors = 2048, .blk_size = 512,
				      .phys_block_size = 4096, .serial = "serial-1" };

/* A chain of pieces over the test's own buffers. */
struct req_fixture {
	struct vu_chain c;
	struct virtio_blk_outhdr_le h;
	uint8_t data[8192];
	uint8_t status;
};

static struct req_fixture f;

static void chain(uint32_t type, uint64_t sector, uint32_t len, bool data_writable)
{
	memset(&f, 0, sizeof(f));
	f.h.type = type;
	f.h.sector = sector;
	f.status = 0xee;
	f.c.iov[0] = (struct iovec){ &f.h, sizeof(f.h) };
	f.c.nread = 1;
	if (len && !data_writable)
		f.c.iov[f.c.nread++] = (struct iovec){ f.data, len };
	if (len && data_writable)
		f.c.iov[f.c.nread + f.c.nwrite++] = (struct iovec){ f.data, len };
	f.c.iov[f.c.nread + f.c.nwrite++] = (struct iovec){ &f.status, 1 };
}

static enum blk_parse_result parse(struct blk_req *r)
{
	return blk_req_parse(&geom, &f.c, r);
}

static void read_request(void **state)
{
	struct blk_req r;

	(void)state;
	chain(VIRTIO_BLK_T_IN, 8, 4096, true);
	assert_int_equal(parse(&r), BLK_SUBMIT);
	assert_int_equal(r.op, BLK_OP_READ);
	assert_int_equal(r.offset, 8 * 512);
	assert_int_equal(r.len, 4096);
	assert_int_equal(r.niov, 1);
	assert_ptr_equal(r.iov[0].iov_base, f.data);
	assert_ptr_equal(r.status, &f.status);
	assert_int_equal(r.used_len, 4097);
}

static void write_request(void **state)
{
	struct blk_req r;

	(void)state;
	chain(VIRTIO_BLK_T_OUT, 2040, 4096, false);
	assert_int_equal(parse(&r), BLK_SUBMIT);
	assert_int_equal(r.op, BLK_OP_WRITE);
	assert_int_equal(r.used_len, 1);
}

/* The header split over two pieces and the status sharing the data's last piece. */
static void no_framing_assumed(void **state)
{
	uint8_t buf[4096 + 1];
	struct blk_req r;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.h.type = VIRTIO_BLK_T_IN;
	f.h.sector = 16;
	f.c.iov[0] = (struct iovec){ &f.h, 5 };
	f.c.iov[1] = (struct iovec){ (uint8_t *)&f.h + 5, 11 };
	f.c.iov[2] = (struct iovec){ buf, sizeof(buf) };
	f.c.nread = 2;
	f.c.nwrite = 1;
	assert_int_equal(parse(&r), BLK_SUBMIT);
	assert_int_equal(r.offset, 16 * 512);
	assert_int_equal(r.len, 4096);
	assert_ptr_equal(r.status, buf + 4096);
}

static void expect_done(uint8_t code)
{
	struct blk_req r;

	assert_int_equal(parse(&r), BLK_DONE);
	assert_int_equal(r.status_code, code);
	assert_ptr_equal(r.status, &f.status);
}

static void past_the_end(void **state)
{
	(void)state;
	chain(VIRTIO_BLK_T_IN, 2040, 8192, true);	/* 2040 + 16 > 2048 */
	expect_done(VIRTIO_BLK_S_IOERR);
	chain(VIRTIO_BLK_T_OUT, UINT64_MAX - 3, 4096, false);	/* wraps */
	expect_done(VIRTIO_BLK_S_IOERR);
	chain(VIRTIO_BLK_T_IN, 2048, 512, true);
	expect_done(VIRTIO_BLK_S_IOERR);
}

static void wrong_direction_or_size(void **state)
{
	(void)state;
	chain(VIRTIO_BLK_T_IN, 0, 4096, false);		/* read into readable memory */
	expect_done(VIRTIO_BLK_S_IOERR);
	chain(VIRTIO_BLK_T_OUT, 0, 4096, true);		/* write from writable memory */
	expect_done(VIRTIO_BLK_S_IOERR);
	chain(VIRTIO_BLK_T_OUT, 0, 100, false);		/* not whole sectors */
	expect_done(VIRTIO_BLK_S_IOERR);
}

static void unknown_type_unsupported(void **state)
{
	(void)state;
	chain(77, 0, 0, false);
	expect_done(VIRTIO_BLK_S_UNSUPP);
}

static void short_header(void **state)
{
	(void)state;
	chain(VIRTIO_BLK_T_IN, 0, 0, false);
	f.c.iov[0].iov_len = 8;
	expect_done(VIRTIO_BLK_S_IOERR);
}

static void no_status_byte(void **state)
{
	struct blk_req r;

	(void)state;
	chain(VIRTIO_BLK_T_OUT, 0, 512, false);
	f.c.nwrite = 0;
	assert_int_equal(parse(&r), BLK_NO_STATUS);
}

static void flush_and_get_id(void **state)
{
	struct blk_req r;

	(void)state;
	chain(VIRTIO_BLK_T_FLUSH, 0, 0, false);
	assert_int_equal(parse(&r), BLK_SUBMIT);
	assert_int_equal(r.op, BLK_OP_FLUSH);
	chain(VIRTIO_BLK_T_GET_ID, 0, 20, true);
	expect_done(VIRTIO_BLK_S_OK);
	assert_string_equal((char *)f.data, "serial-1");
	chain(VIRTIO_BLK_T_GET_ID, 0, 4, true);		/* a short buffer gets a prefix */
	assert_int_equal(parse(&r), BLK_DONE);
	assert_int_equal(r.used_len, 5);
}

static void segment(uint32_t type, uint64_t sector, uint32_t n, uint32_t flags)
{
	struct virtio_blk_dwz_le s = { sector, n, flags };

	chain(type, 0, sizeof(s), false);
	memcpy(f.data, &s, sizeof(s));
}

static void discard_and_write_zeroes(void **state)
{
	struct blk_req r;

	(void)state;
	segment(VIRTIO_BLK_T_DISCARD, 8, 16, 0);
	assert_int_equal(parse(&r), BLK_SUBMIT);
	assert_int_equal(r.op, BLK_OP_DISCARD);
	assert_int_equal(r.offset, 4096);
	assert_int_equal(r.len, 8192);
	segment(VIRTIO_BLK_T_WRITE_ZEROES, 8, 16, VIRTIO_BLK_WZ_F_UNMAP);
	assert_int_equal(parse(&r), BLK_SUBMIT);
	assert_int_equal(r.op, BLK_OP_WRITE_ZEROES_UNMAP);
	segment(VIRTIO_BLK_T_DISCARD, 8, 16, VIRTIO_BLK_WZ_F_UNMAP);	/* unmap is WZ only */
	expect_done(VIRTIO_BLK_S_UNSUPP);
	segment(VIRTIO_BLK_T_WRITE_ZEROES, 8, 16, 2);
	expect_done(VIRTIO_BLK_S_UNSUPP);
	segment(VIRTIO_BLK_T_DISCARD, 2040, 16, 0);
	expect_done(VIRTIO_BLK_S_IOERR);
	segment(VIRTIO_BLK_T_DISCARD, 0, 0, 0);
	expect_done(VIRTIO_BLK_S_IOERR);
	chain(VIRTIO_BLK_T_DISCARD, 0, 32, false);	/* two segments: max_discard_seg is 1 */
	expect_done(VIRTIO_BLK_S_UNSUPP);
}

static void read_only_device(void **state)
{
	struct blk_geom ro = geom;
	struct blk_req r;

	(void)state;
	ro.ro = true;
	chain(VIRTIO_BLK_T_OUT, 0, 512, false);
	assert_int_equal(blk_req_parse(&ro, &f.c, &r), BLK_DONE);
	assert_int_equal(r.status_code, VIRTIO_BLK_S_IOERR);
	segment(VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0);
	assert_int_equal(blk_req_parse(&ro, &f.c, &r), BLK_DONE);
	chain(VIRTIO_BLK_T_IN, 0, 512, true);
	assert_int_equal(blk_req_parse(&ro, &f.c, &r), BLK_SUBMIT);
}

static void logical_block_alignment(void **state)
{
	struct blk_geom g4k = geom;
	struct blk_req r;

	(void)state;
	g4k.blk_size = 4096;
	chain(VIRTIO_BLK_T_IN, 1, 4096, true);
	assert_int_equal(blk_req_parse(&g4k, &f.c, &r), BLK_DONE);
	chain(VIRTIO_BLK_T_IN, 8, 512, true);
	assert_int_equal(blk_req_parse(&g4k, &f.c, &r), BLK_DONE);
	chain(VIRTIO_BLK_T_IN, 8, 4096, true);
	assert_int_equal(blk_req_parse(&g4k, &f.c, &r), BLK_SUBMIT);
}

static void iov_helpers(void **state)
{
	uint8_t a[3] = { 1, 2, 3 }, b[2] = { 4, 5 }, out[5];
	struct iovec v[2] = { { a, 3 }, { b, 2 } }, *p = v;
	unsigned int n = 2;

	(void)state;
	assert_int_equal(iov_to_buf(v, 2, out, 5), 5);
	assert_int_equal(out[3], 4);
	assert_int_equal(iov_bytes(v, 2), 5);
	iov_skip(&p, &n, 4);
	assert_int_equal(n, 1);
	assert_ptr_equal(p->iov_base, b + 1);
	assert_int_equal(p->iov_len, 1);
	/* The pieces were trimmed in place: one byte of b is left. */
	assert_int_equal(buf_to_iov(v, 2, "xyzuv", 10), 4);
	assert_int_equal(b[1], 'u');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_request), cmocka_unit_test(write_request),
		cmocka_unit_test(no_framing_assumed), cmocka_unit_test(past_the_end),
		cmocka_unit_test(wrong_direction_or_size),
		cmocka_unit_test(unknown_type_unsupported), cmocka_unit_test(short_header),
		cmocka_unit_test(no_status_byte), cmocka_unit_test(flush_and_get_id),
		cmocka_unit_test(discard_and_write_zeroes), cmocka_unit_test(read_only_device),
		cmocka_unit_test(logical_block_alignment), cmocka_unit_test(iov_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
