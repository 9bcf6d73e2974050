/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nexus labels (docs/on-disk-format.md) read from userspace: pure
 * functions over the bytes of a child's metadata area, checked exactly as
 * nexus.ko checks them, so that `nexus assemble --scan` and the daemon can
 * find and group children without the kernel.
 */
#ifndef AGENT_LABEL_H
#define AGENT_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/nexus.h>
#include <linux/nexus_disk.h>

struct label_member {
	uint8_t uuid[NEXUS_UUID_LEN];
	enum nexus_member_state state;
	uint64_t generation;
};

/* A valid label, in host byte order. */
struct label {
	uint64_t generation;
	uint32_t features, flags;
	uint64_t data_sectors, child_sectors;
	uint32_t region_size, bitmap_bytes, slot;
	uint8_t nexus_uuid[NEXUS_UUID_LEN];
	uint8_t child_uuid[NEXUS_UUID_LEN];
	char name[NEXUS_NAME_MAX + 1];
	struct label_member members[NEXUS_MAX_CHILDREN];
	unsigned int slot_used;	/* 0 (A) or 1 (B): where it was read */
};

/* CRC-32C (Castagnoli), init ~0, final xor ~0: "123456789" -> 0xe3069283. */
uint32_t label_crc32c(const void *data, size_t len);

/* Byte offset of the metadata area of a device of dev_bytes; 0: too small. */
uint64_t label_md_offset(uint64_t dev_bytes);

/*
 * Checks one 4096-byte slot read at byte self_offset of a device of
 * dev_bytes.  0 and *out filled, or -ENODATA (no magic), -EBADMSG (damaged;
 * *why says how).  *why is a static string.
 */
int label_parse(const void *buf, uint64_t self_offset, uint64_t dev_bytes,
		struct label *out, const char **why);

/*
 * The newest valid label of the two slots at the start of the metadata
 * area (md: 2 * NEXUS_LABEL_SIZE bytes read at label_md_offset()).  0,
 * -ENODATA or -EBADMSG as label_parse(), the damaged reason winning.
 */
int label_pick(const void *md, uint64_t dev_bytes, struct label *out,
	       const char **why);

/*
 * Encodes a label into a 4096-byte slot buffer, as the kernel writes it
 * (for tests and tools).  The slot is generation % 2.
 */
void label_encode(const struct label *l, uint64_t dev_bytes, void *buf);

/* Does l's member table still hold the child that label of carries? */
bool label_has_member(const struct label *l, const struct label *of);

/* Is member uuid active in l's member table? */
bool label_trusts(const struct label *l, const uint8_t *uuid);

#endif /* AGENT_LABEL_H */
