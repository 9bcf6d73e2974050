/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing and encoding nexus labels: pure, no IO (see label.h). */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "label.h"

_Static_assert(sizeof(struct nexus_disk_label) == NEXUS_LABEL_SIZE, "label size");
_Static_assert(offsetof(struct nexus_disk_label, members) == 256, "members offset");
_Static_assert(offsetof(struct nexus_disk_label, name) == 104, "name offset");
_Static_assert(sizeof(struct nexus_disk_member) == 32, "member size");

uint32_t label_crc32c(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = ~0U;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1)));
	}
	return ~crc;
}

uint64_t label_md_offset(uint64_t dev_bytes)
{
	uint64_t aligned = dev_bytes & ~((uint64_t)NEXUS_MD_ALIGN - 1);

	return aligned > NEXUS_MD_RESERVE ? aligned - NEXUS_MD_RESERVE : 0;
}

static bool name_valid(const char *name, size_t max)
{
	size_t len = strnlen(name, max);

	if (len == 0 || len == max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || !strchr("._-", c)))
			return false;
	}
	return true;
}

static int check_geometry(const struct nexus_disk_label *d, uint64_t dev_bytes,
			  const char **why)
{
	uint64_t data = le64toh(d->data_sectors);
	uint32_t rs = le32toh(d->region_size), slot = le32toh(d->slot);
	uint64_t regions;

	if (!data || data * 512 > label_md_offset(dev_bytes)) {
		*why = "label's data size does not fit the device (truncated?)";
		return -EBADMSG;
	}
	if (rs < (64U << 10) || rs > (1U << 30) || (rs & (rs - 1))) {
		*why = "label has an invalid region size";
		return -EBADMSG;
	}
	regions = (data * 512 + rs - 1) / rs;
	if ((le32toh(d->features) & NEXUS_FEAT_BITMAP) &&
	    (le32toh(d->bitmap_bytes) > NEXUS_BITMAP_MAX_BYTES ||
	     (uint64_t)le32toh(d->bitmap_bytes) * 8 < regions)) {
		*why = "label has an invalid bitmap size";
		return -EBADMSG;
	}
	if (slot >= NEXUS_MAX_CHILDREN || le32toh(d->nr_members) != NEXUS_MAX_CHILDREN ||
	    memcmp(d->members[slot].uuid, d->child_uuid, NEXUS_UUID_LEN) ||
	    le32toh(d->members[slot].state) > NEXUS_MEMBER_FAULTED) {
		*why = "label has an inconsistent member table";
		return -EBADMSG;
	}
	if (!name_valid(d->name, sizeof(d->name))) {
		*why = "label has an invalid nexus name";
		return -EBADMSG;
	}
	return 0;
}

/* The kernel's order: magic, version, checksum, self-location, features. */
static int check(const struct nexus_disk_label *d, uint64_t self_offset,
		 uint64_t dev_bytes, const char **why)
{
	if (le64toh(d->magic) != NEXUS_LABEL_MAGIC) {
		*why = "no nexus label";
		return -ENODATA;
	}
	if (le32toh(d->version) != NEXUS_LABEL_VERSION) {
		*why = "unsupported label version";
		return -EBADMSG;
	}
	if (le32toh(d->crc) != label_crc32c((const uint8_t *)d + 4, NEXUS_LABEL_SIZE - 4)) {
		*why = "bad label checksum";
		return -EBADMSG;
	}
	if (le64toh(d->self_offset) != self_offset) {
		*why = "label is not where it was written (device resized?)";
		return -EBADMSG;
	}
	if (le32toh(d->features) & ~NEXUS_FEAT_ALL) {
		*why = "label has features this version does not know";
		return -EBADMSG;
	}
	return check_geometry(d, dev_bytes, why);
}

static void decode(const struct nexus_disk_label *d, struct label *out)
{
	memset(out, 0, sizeof(*out));
	out->generation = le64toh(d->generation);
	out->features = le32toh(d->features);
	out->flags = le32toh(d->flags);
	out->data_sectors = le64toh(d->data_sectors);
	out->child_sectors = le64toh(d->child_sectors);
	out->region_size = le32toh(d->region_size);
	out->bitmap_bytes = le32toh(d->bitmap_bytes);
	out->slot = le32toh(d->slot);
	memcpy(out->nexus_uuid, d->nexus_uuid, NEXUS_UUID_LEN);
	memcpy(out->child_uuid, d->child_uuid, NEXUS_UUID_LEN);
	memcpy(out->name, d->name, strnlen(d->name, NEXUS_NAME_MAX));
	for (int s = 0; s < NEXUS_MAX_CHILDREN; s++) {
		memcpy(out->members[s].uuid, d->members[s].uuid, NEXUS_UUID_LEN);
		out->members[s].state = le32toh(d->members[s].state);
		out->members[s].generation = le64toh(d->members[s].generation);
	}
}

int label_parse(const void *buf, uint64_t self_offset, uint64_t dev_bytes,
		struct label *out, const char **why)
{
	struct nexus_disk_label d;
	int err;

	memcpy(&d, buf, sizeof(d));	/* buf need not be aligned */
	err = check(&d, self_offset, dev_bytes, why);
	if (!err)
		decode(&d, out);
	return err;
}

int label_pick(const void *md, uint64_t dev_bytes, struct label *out,
	       const char **why)
{
	uint64_t base = label_md_offset(dev_bytes);
	const char *slot_why = NULL;
	int ret = -ENODATA;
	bool found = false;
	struct label l;

	*why = "no nexus label";
	if (!base)
		return -ENODATA;
	for (unsigned int s = 0; s < NEXUS_LABEL_SLOTS; s++) {
		int err = label_parse((const uint8_t *)md + NEXUS_LABEL_OFFSET(s),
				      base + NEXUS_LABEL_OFFSET(s), dev_bytes, &l,
				      &slot_why);

		if (!err && (!found || l.generation > out->generation)) {
			*out = l;
			out->slot_used = s;
			found = true;
		} else if (err == -EBADMSG && ret == -ENODATA) {
			ret = err;
			*why = slot_why;
		}
	}
	return found ? 0 : ret;
}

void label_encode(const struct label *l, uint64_t dev_bytes, void *buf)
{
	struct nexus_disk_label d;
	unsigned int slot = l->generation & 1;

	memset(&d, 0, sizeof(d));
	d.version = htole32(NEXUS_LABEL_VERSION);
	d.magic = htole64(NEXUS_LABEL_MAGIC);
	d.self_offset = htole64(label_md_offset(dev_bytes) + NEXUS_LABEL_OFFSET(slot));
	d.generation = htole64(l->generation);
	d.features = htole32(l->features);
	d.flags = htole32(l->flags);
	d.data_sectors = htole64(l->data_sectors);
	d.child_sectors = htole64(l->child_sectors);
	d.region_size = htole32(l->region_size);
	d.bitmap_bytes = htole32(l->bitmap_bytes);
	d.slot = htole32(l->slot);
	d.nr_members = htole32(NEXUS_MAX_CHILDREN);
	memcpy(d.nexus_uuid, l->nexus_uuid, NEXUS_UUID_LEN);
	memcpy(d.child_uuid, l->child_uuid, NEXUS_UUID_LEN);
	memcpy(d.name, l->name, strnlen(l->name, NEXUS_NAME_MAX));
	for (int s = 0; s < NEXUS_MAX_CHILDREN; s++) {
		memcpy(d.members[s].uuid, l->members[s].uuid, NEXUS_UUID_LEN);
		d.members[s].state = htole32(l->members[s].state);
		d.members[s].generation = htole64(l->members[s].generation);
	}
	d.crc = htole32(label_crc32c((const uint8_t *)&d + 4, NEXUS_LABEL_SIZE - 4));
	memcpy(buf, &d, sizeof(d));
}

bool label_has_member(const struct label *l, const struct label *of)
{
	const struct label_member *m;

	if (of->slot >= NEXUS_MAX_CHILDREN)
		return false;
	m = &l->members[of->slot];
	return m->state != NEXUS_MEMBER_EMPTY &&
	       !memcmp(m->uuid, of->child_uuid, NEXUS_UUID_LEN);
}

bool label_trusts(const struct label *l, const uint8_t *uuid)
{
	for (int s = 0; s < NEXUS_MAX_CHILDREN; s++)
		if (!memcmp(l->members[s].uuid, uuid, NEXUS_UUID_LEN))
			return l->members[s].state == NEXUS_MEMBER_ACTIVE;
	return false;
}
