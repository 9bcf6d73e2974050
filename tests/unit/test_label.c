/* Label parsing of agent/core/label.c and scan grouping, without a kernel. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assemble.h"
#include "label.h"

#define DEV (64ULL << 20)		/* a 64 MiB child */
#define MD (DEV - (4ULL << 20))		/* its metadata area */

static void fixture(struct label *l, uint64_t gen)
{
	memset(l, 0, sizeof(*l));
	l->generation = gen;
	l->features = NEXUS_FEAT_BITMAP;
	l->data_sectors = (60ULL << 20) / 512;
	l->child_sectors = DEV / 512;
	l->region_size = 4 << 20;
	l->bitmap_bytes = 4096;
	l->slot = 1;
	memset(l->nexus_uuid, 0xab, NEXUS_UUID_LEN);
	memset(l->child_uuid, 0x02, NEXUS_UUID_LEN);
	strcpy(l->name, "nx0");
	memset(l->members[0].uuid, 0x01, NEXUS_UUID_LEN);
	l->members[0].state = NEXUS_MEMBER_ACTIVE;
	memset(l->members[1].uuid, 0x02, NEXUS_UUID_LEN);
	l->members[1].state = NEXUS_MEMBER_ACTIVE;
}

/* Both slots as the kernel leaves them after generations gen-1 and gen. */
static uint8_t *md_with(uint64_t gen)
{
	uint8_t *md = calloc(1, 2 * NEXUS_LABEL_SIZE);
	struct label l;

	assert_non_null(md);
	fixture(&l, gen - 1);
	label_encode(&l, DEV, md + NEXUS_LABEL_OFFSET((gen - 1) & 1));
	fixture(&l, gen);
	label_encode(&l, DEV, md + NEXUS_LABEL_OFFSET(gen & 1));
	return md;
}

static void crc_check_value(void **state)
{
	(void)state;
	assert_int_equal(label_crc32c("123456789", 9), 0xe3069283);
	assert_int_equal(label_md_offset(DEV), MD);
	assert_int_equal(label_md_offset(DEV + 12345), MD);	/* rounded to 1 MiB */
	assert_int_equal(label_md_offset(4ULL << 20), 0);	/* too small */
}

static void round_trip(void **state)
{
	uint8_t buf[NEXUS_LABEL_SIZE];
	struct label in, out;
	const char *why = NULL;

	(void)state;
	fixture(&in, 6);
	label_encode(&in, DEV, buf);
	assert_memory_equal(buf + 8, "NXLABEL", 8);
	assert_int_equal(label_parse(buf, MD + 0, DEV, &out, &why), 0);
	assert_int_equal(out.generation, 6);
	assert_string_equal(out.name, "nx0");
	assert_int_equal(out.slot, 1);
	assert_int_equal(out.members[1].state, NEXUS_MEMBER_ACTIVE);
	assert_true(label_trusts(&out, in.members[0].uuid));
}

static void damaged_slots(void **state)
{
	uint8_t buf[NEXUS_LABEL_SIZE];
	struct label l, out;
	const char *why = NULL;

	(void)state;
	fixture(&l, 4);
	label_encode(&l, DEV, buf);
	buf[200] ^= 1;
	assert_int_equal(label_parse(buf, MD, DEV, &out, &why), -EBADMSG);
	assert_string_equal(why, "bad label checksum");
	label_encode(&l, DEV, buf);
	buf[8] = 'M';
	assert_int_equal(label_parse(buf, MD, DEV, &out, &why), -ENODATA);
	label_encode(&l, DEV, buf);
	assert_int_equal(label_parse(buf, MD + 4096, DEV, &out, &why), -EBADMSG);
	assert_non_null(strstr(why, "not where it was written"));
	l.features |= 0x80;
	label_encode(&l, DEV, buf);
	assert_int_equal(label_parse(buf, MD, DEV, &out, &why), -EBADMSG);
	assert_non_null(strstr(why, "features"));
	fixture(&l, 4);
	l.members[1].state = NEXUS_MEMBER_EMPTY;
	memset(l.members[1].uuid, 0, NEXUS_UUID_LEN);
	label_encode(&l, DEV, buf);
	assert_int_equal(label_parse(buf, MD, DEV, &out, &why), -EBADMSG);
	assert_non_null(strstr(why, "member table"));
}

static void pick_newest_or_the_other(void **state)
{
	uint8_t *md = md_with(7);
	struct label out;
	const char *why = NULL;

	(void)state;
	assert_int_equal(label_pick(md, DEV, &out, &why), 0);
	assert_int_equal(out.generation, 7);
	assert_int_equal(out.slot_used, 1);
	md[NEXUS_LABEL_OFFSET(1) + 300] ^= 0xff;	/* torn newest write */
	assert_int_equal(label_pick(md, DEV, &out, &why), 0);
	assert_int_equal(out.generation, 6);
	assert_int_equal(out.slot_used, 0);
	md[NEXUS_LABEL_OFFSET(0) + 300] ^= 0xff;
	assert_int_equal(label_pick(md, DEV, &out, &why), -EBADMSG);
	assert_string_equal(why, "bad label checksum");
	memset(md, 0, 2 * NEXUS_LABEL_SIZE);
	assert_int_equal(label_pick(md, DEV, &out, &why), -ENODATA);
	assert_string_equal(why, "no nexus label");
	free(md);
}

static void truncated_device(void **state)
{
	uint8_t *md = md_with(3);
	struct label out;
	const char *why = NULL;

	(void)state;
	/* Same bytes found on a 63 MiB device: at the wrong offset. */
	assert_int_equal(label_pick(md, DEV - (1 << 20), &out, &why), -EBADMSG);
	free(md);
}

static void scan_groups_by_nexus(void **state)
{
	struct assemble_scan scan = { 0 };
	struct label a, b, c;

	(void)state;
	fixture(&a, 5);
	fixture(&b, 9);
	strcpy(b.name, "nx0");
	fixture(&c, 2);
	memset(c.nexus_uuid, 0xcd, NEXUS_UUID_LEN);
	strcpy(c.name, "other");
	assert_int_equal(assemble_scan_add(&scan, "/dev/vdb", &a), 0);
	assert_int_equal(assemble_scan_add(&scan, "/dev/vdc", &c), 0);
	assert_int_equal(assemble_scan_add(&scan, "/dev/vdd", &b), 0);
	assert_int_equal(scan.n, 2);
	assert_int_equal(scan.groups[0].n, 2);
	assert_int_equal(scan.groups[0].generation, 9);
	assert_string_equal(scan.groups[0].name, "nx0");
	assert_string_equal(scan.groups[0].members[1].path, "/dev/vdd");
	assert_string_equal(scan.groups[1].name, "other");
	assemble_scan_free(&scan);
	assert_int_equal(scan.n, 0);
}

/* A removed member that came back is left out of its group. */
static void scan_drops_removed_members(void **state)
{
	struct assemble_scan scan = { 0 };
	struct label kept, removed;

	(void)state;
	/* slot 1 (uuid 02) at generation 9; slot 0 removed since then. */
	fixture(&kept, 9);
	memset(&kept.members[0], 0, sizeof(kept.members[0]));
	/* The removed one: slot 0, uuid 01, stopped at generation 4. */
	fixture(&removed, 4);
	removed.slot = 0;
	memset(removed.child_uuid, 0x01, NEXUS_UUID_LEN);
	assert_true(label_has_member(&kept, &kept));
	assert_false(label_has_member(&kept, &removed));
	assert_true(label_has_member(&removed, &kept));
	assert_int_equal(assemble_scan_add(&scan, "/dev/vdb", &removed), 0);
	assert_int_equal(assemble_scan_add(&scan, "/dev/vdc", &kept), 0);
	assemble_group_drop_removed(&scan.groups[0]);
	assert_int_equal(scan.groups[0].n, 1);
	assert_string_equal(scan.groups[0].members[0].path, "/dev/vdc");
	assemble_scan_free(&scan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_check_value),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(damaged_slots),
		cmocka_unit_test(pick_newest_or_the_other),
		cmocka_unit_test(truncated_device),
		cmocka_unit_test(scan_groups_by_nexus),
		cmocka_unit_test(scan_drops_removed_members),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
