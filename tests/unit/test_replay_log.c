/* The dm-log-writes log reader of tests/tools (replay-log), on crafted logs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "logwrites.h"

#define SS 512U

/* A log being crafted in memory, then written to a temp file. */
struct craft {
	unsigned char buf[64 * SS];
	size_t len;
	uint64_t entries;
};

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void super(struct craft *c, uint64_t magic, uint64_t version, uint32_t ss)
{
	memset(c, 0, sizeof(*c));
	put_le(c->buf, magic, 8);
	put_le(c->buf + 8, version, 8);
	put_le(c->buf + 24, ss, 4);
	c->len = SS;
}

/* entry: header (and mark text) in one block, then nr data blocks of fill. */
static void entry(struct craft *c, uint64_t sector, uint64_t nr, uint64_t flags,
		  const char *mark, uint64_t data_len, unsigned char fill)
{
	unsigned char *p = c->buf + c->len;

	put_le(p, sector, 8);
	put_le(p + 8, nr, 8);
	put_le(p + 16, flags, 8);
	put_le(p + 24, data_len, 8);
	if (mark)
		memcpy(p + 32, mark, strlen(mark));
	c->len += SS;
	if (!(flags & (LW_DISCARD | LW_MARK))) {
		memset(c->buf + c->len, fill, nr * SS);
		c->len += nr * SS;
	}
	c->entries++;
	put_le(c->buf + 16, c->entries, 8);
}

/* Write the first len bytes to a temp file, return it open (unlinked). */
static int to_file(const struct craft *c, size_t len)
{
	char path[] = "/tmp/test_replay_log.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, c->buf, len), (ssize_t)len);
	return fd;
}

static struct craft c;
static char err[256];

/* Open the crafted log (first len bytes) and read every entry: the result
 * of the first call that did not return 1 (0 end, -1 error). */
static int read_all(size_t len, struct lw_entry *last, uint64_t *count)
{
	struct lw_log log;
	struct lw_entry e;
	int fd = to_file(&c, len), r;

	err[0] = '\0';
	*count = 0;
	r = lw_open(&log, fd, err, sizeof(err));
	if (r == 0) {
		while ((r = lw_next(&log, &e, err, sizeof(err))) == 1) {
			++*count;
			if (last)
				*last = e;
		}
	}
	close(fd);
	return r;
}

static void expect_error(size_t len, const char *reason)
{
	uint64_t n;

	assert_int_equal(read_all(len, NULL, &n), -1);
	if (!strstr(err, reason))
		fail_msg("error '%s' does not say '%s'", err, reason);
}

static void valid_log_lists_every_entry(void **state)
{
	struct lw_log log;
	struct lw_entry e;
	int fd;

	(void)state;
	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 8, 2, 0, NULL, 0, 0xaa);
	entry(&c, 0, 0, LW_FLUSH, NULL, 0, 0);
	entry(&c, 0, 0, LW_MARK, "epoch1", 6, 0);
	entry(&c, 16, 4, LW_DISCARD, NULL, 0, 0);
	entry(&c, 3, 1, LW_FUA | LW_METADATA, NULL, 0, 0xbb);
	fd = to_file(&c, c.len);
	assert_int_equal(lw_open(&log, fd, err, sizeof(err)), 0);
	assert_int_equal(log.sectorsize, SS);
	assert_int_equal(log.nr_entries, 5);

	assert_int_equal(lw_next(&log, &e, err, sizeof(err)), 1);
	assert_int_equal(e.index, 0);
	assert_int_equal(e.sector, 8);
	assert_int_equal(e.nr_sectors, 2);
	assert_int_equal(e.data_pos, 2 * SS);
	assert_int_equal(e.data_bytes, 2 * SS);

	assert_int_equal(lw_next(&log, &e, err, sizeof(err)), 1);
	assert_int_equal(e.flags, LW_FLUSH);
	assert_int_equal(e.data_bytes, 0);

	assert_int_equal(lw_next(&log, &e, err, sizeof(err)), 1);
	assert_int_equal(e.flags, LW_MARK);
	assert_string_equal(e.mark, "epoch1");

	assert_int_equal(lw_next(&log, &e, err, sizeof(err)), 1);
	assert_int_equal(e.flags, LW_DISCARD);
	assert_int_equal(e.nr_sectors, 4);
	assert_int_equal(e.data_bytes, 0);	/* a discard logs no data */

	assert_int_equal(lw_next(&log, &e, err, sizeof(err)), 1);
	assert_int_equal(e.index, 4);
	assert_int_equal(e.data_pos, 8 * SS);	/* super, 2 + 2 data, flush, mark, discard, header */
	assert_int_equal(lw_next(&log, &e, err, sizeof(err)), 0);
	close(fd);
}

static void entries_past_the_count_are_not_read(void **state)
{
	struct lw_entry last;
	uint64_t n;

	(void)state;
	/* The super is rewritten only at FUA and marks: later entries wait. */
	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 0, 1, 0, NULL, 0, 1);
	entry(&c, 0, 0, LW_MARK, "m", 1, 0);
	entry(&c, 5, 1, 0, NULL, 0, 2);
	put_le(c.buf + 16, 2, 8);
	assert_int_equal(read_all(c.len, &last, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(last.mark, "m");
}

static void bad_super_blocks_are_refused(void **state)
{
	(void)state;
	super(&c, LW_MAGIC + 1, 1, SS);
	expect_error(c.len, "bad magic");
	super(&c, LW_MAGIC, 2, SS);
	expect_error(c.len, "unsupported log version 2");
	super(&c, LW_MAGIC, 1, 1000);
	expect_error(c.len, "bad sector size 1000");
	super(&c, LW_MAGIC, 1, 8192);
	expect_error(c.len, "bad sector size 8192");
	super(&c, LW_MAGIC, 1, SS);
	expect_error(20, "truncated log");	/* a super cut short */
	put_le(c.buf + 16, 1000, 8);
	expect_error(c.len, "claims 1000 entries");
}

static void truncated_logs_are_refused(void **state)
{
	(void)state;
	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 0, 4, 0, NULL, 0, 7);
	entry(&c, 0, 0, LW_FLUSH, NULL, 0, 0);
	/* The second header cut in half. */
	expect_error(c.len - SS / 2, "truncated log");
	/* The first entry's data cut short. */
	expect_error(3 * SS, "run past the end of the log");
}

static void bad_entries_are_refused(void **state)
{
	char long_mark[SS];

	(void)state;
	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 0, 0, 1ULL << 9, NULL, 0, 0);
	expect_error(c.len, "unknown flags 0x200");

	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 0, 0, LW_MARK, "x", SS - 31, 0);
	expect_error(c.len, "does not fit");

	memset(long_mark, 'a', sizeof(long_mark));
	long_mark[SS - 33] = '\0';
	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 0, 0, LW_MARK, long_mark, SS - 32, 0);	/* its last byte is 0 */
	expect_error(c.len, "NUL");

	super(&c, LW_MAGIC, 1, SS);
	entry(&c, UINT64_MAX / SS, 1, LW_DISCARD, NULL, 0, 0);
	expect_error(c.len, "overflows");

	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 0, 1, LW_METADATA, NULL, 16, 0);
	expect_error(c.len, "inline data");

	super(&c, LW_MAGIC, 1, SS);
	entry(&c, 0, 1, LW_MARK, "m", 1, 0);
	expect_error(c.len, "a mark with 1 sectors");
}

static void flags_are_named(void **state)
{
	char buf[48];

	(void)state;
	assert_string_equal(lw_flags_str(0, buf, sizeof(buf)), "-");
	assert_string_equal(lw_flags_str(LW_FLUSH | LW_FUA, buf, sizeof(buf)), "FLUSH|FUA");
	assert_string_equal(lw_flags_str(LW_KNOWN_FLAGS, buf, sizeof(buf)),
			    "FLUSH|FUA|DISCARD|MARK|METADATA");
	assert_string_equal(lw_flags_str(LW_KNOWN_FLAGS, buf, 8), "FLUSH|F");
}

/* What a coherent replay applies: "first+nr" runs, in order. */
struct runs {
	char text[256];
};

static int note_run(const struct lw_entry *e, uint64_t first, uint64_t nr, void *arg)
{
	struct runs *r = arg;
	size_t len = strlen(r->text);

	(void)e;
	snprintf(r->text + len, sizeof(r->text) - len, "%s%llu+%llu", len ? " " : "",
		 (unsigned long long)first, (unsigned long long)nr);
	return 0;
}

static const char *coherent(struct lw_coherent *coh, uint64_t sector, uint64_t nr,
			    uint64_t flags, struct runs *r)
{
	struct lw_entry e = { .sector = sector, .nr_sectors = nr, .flags = flags };

	r->text[0] = '\0';
	assert_int_equal(lw_coherent_apply(coh, &e, note_run, r), 0);
	return r->text;
}

static void a_fua_write_keeps_its_sectors_until_the_next_flush(void **state)
{
	struct lw_coherent coh;
	struct runs r;

	(void)state;
	assert_int_equal(lw_coherent_init(&coh, 200), 0);
	/* Nothing guarded: every write applies whole. */
	assert_string_equal(coherent(&coh, 0, 8, 0, &r), "0+8");
	/* A FUA write applies whole and guards 10..13 and 130..137. */
	assert_string_equal(coherent(&coh, 10, 4, LW_FUA, &r), "10+4");
	assert_string_equal(coherent(&coh, 130, 8, LW_FUA | LW_METADATA, &r), "130+8");
	/* An older write logged at the next flush: only what F left. */
	assert_string_equal(coherent(&coh, 8, 8, 0, &r), "8+2 14+2");
	assert_string_equal(coherent(&coh, 11, 2, 0, &r), "");
	assert_string_equal(coherent(&coh, 128, 12, LW_DISCARD, &r), "128+2 138+2");
	/* A later FUA write over the same sectors applies. */
	assert_string_equal(coherent(&coh, 12, 4, LW_FUA, &r), "12+4");
	/* Marks and empty flushes apply nothing; the flush ends the guard. */
	assert_string_equal(coherent(&coh, 0, 0, LW_MARK, &r), "");
	assert_string_equal(coherent(&coh, 0, 0, LW_FLUSH, &r), "");
	assert_string_equal(coherent(&coh, 8, 8, 0, &r), "8+8");
	assert_string_equal(coherent(&coh, 199, 1, 0, &r), "199+1");
	lw_coherent_free(&coh);
}

static void a_flush_with_data_ends_the_guard_first(void **state)
{
	struct lw_coherent coh;
	struct lw_entry e = { .sector = 4, .nr_sectors = 4 };
	struct runs r;

	(void)state;
	assert_int_equal(lw_coherent_init(&coh, 64), 0);
	assert_string_equal(coherent(&coh, 0, 8, LW_FUA, &r), "0+8");
	/* A PREFLUSH write: the group before it is flushed, its data applies. */
	assert_string_equal(coherent(&coh, 4, 4, LW_FLUSH, &r), "4+4");
	assert_string_equal(coherent(&coh, 0, 8, 0, &r), "0+8");
	/* A FLUSH|FUA write guards what it wrote for the next group. */
	assert_string_equal(coherent(&coh, 0, 2, LW_FLUSH | LW_FUA, &r), "0+2");
	assert_string_equal(coherent(&coh, 0, 4, 0, &r), "2+2");
	/* Skipped entries (apply NULL) still guard: a resumed replay agrees. */
	e.flags = LW_FUA;
	assert_int_equal(lw_coherent_apply(&coh, &e, NULL, NULL), 0);
	assert_string_equal(coherent(&coh, 0, 8, 0, &r), "2+2");
	lw_coherent_free(&coh);
}

static void an_entry_past_the_target_is_refused(void **state)
{
	struct lw_coherent coh;
	struct lw_entry e = { .sector = 60, .nr_sectors = 8 };
	struct runs r = { "" };

	(void)state;
	assert_int_equal(lw_coherent_init(&coh, 64), 0);
	assert_int_equal(lw_coherent_apply(&coh, &e, note_run, &r), -1);
	assert_string_equal(r.text, "");
	lw_coherent_free(&coh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_log_lists_every_entry),
		cmocka_unit_test(entries_past_the_count_are_not_read),
		cmocka_unit_test(bad_super_blocks_are_refused),
		cmocka_unit_test(truncated_logs_are_refused),
		cmocka_unit_test(bad_entries_are_refused),
		cmocka_unit_test(flags_are_named),
		cmocka_unit_test(a_fua_write_keeps_its_sectors_until_the_next_flush),
		cmocka_unit_test(a_flush_with_data_ends_the_guard_first),
		cmocka_unit_test(an_entry_past_the_target_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
