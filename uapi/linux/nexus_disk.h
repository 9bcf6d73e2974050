/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nexus: on-disk metadata at the end of every child (docs/on-disk-format.md).
 *
 * The last NEXUS_MD_RESERVE bytes below the child's size rounded down to
 * NEXUS_MD_ALIGN hold, from the start of that area:
 *
 *   0x000000  label slot A (4 KiB), written for even generations
 *   0x001000  label slot B (4 KiB), written for odd generations
 *   0x002000  reserved, zero
 *   0x010000  write-intent bitmap, one bit per region, up to the end
 *
 * Everything is little-endian with fixed-size fields.  A label write goes
 * to the slot of its generation, so a torn write leaves the other slot
 * intact with the previous generation; a reader takes the valid slot with
 * the higher generation.
 *
 * Validation order (the first failure names the problem): magic, version,
 * checksum, self-location, features, geometry.
 *
 * Bitmap: bit r (byte r / 8, bit r % 8) set means region r may differ
 * between the members in sync.  It is set (and written with FUA) before a
 * write to region r reaches any child, and cleared lazily once the region
 * has been idle for a grace period, with a cache flush first.  Bits are
 * never cleared while a member is behind by the bitmap (MEMBER_BITMAP), so
 * the bitmap also says what such a member missed.  Bitmap blocks carry no
 * checksum: they rely on sector-atomic writes (as md does), and a torn
 * block only ever holds bits of the old or new value per sector.
 */
#ifndef _UAPI_LINUX_NEXUS_DISK_H
#define _UAPI_LINUX_NEXUS_DISK_H

#include <linux/types.h>

/* "NXLABEL\0" read as a little-endian 64-bit number. */
#define NEXUS_LABEL_MAGIC	0x004c4542414c584eULL
#define NEXUS_LABEL_VERSION	1
#define NEXUS_LABEL_SIZE	4096
#define NEXUS_LABEL_SLOTS	2
/* Byte offsets inside the metadata area. */
#define NEXUS_LABEL_OFFSET(slot)	((slot) * NEXUS_LABEL_SIZE)
#define NEXUS_BITMAP_OFFSET	0x10000
#define NEXUS_BITMAP_BLOCK	4096
/* Bytes available to the bitmap: 1008 blocks. */
#define NEXUS_BITMAP_MAX_BYTES	(0x400000 - NEXUS_BITMAP_OFFSET)

/* features: a reader refuses a label with a bit it does not know. */
#define NEXUS_FEAT_BITMAP	0x1	/* the write-intent bitmap is kept */
#define NEXUS_FEAT_ALL		NEXUS_FEAT_BITMAP

/* flags */
#define NEXUS_LABEL_CLEAN	0x1	/* shut down cleanly: members agree */

/* State of one member slot as the writer of the label saw it. */
enum nexus_member_state {
	NEXUS_MEMBER_EMPTY = 0,		/* slot unused */
	NEXUS_MEMBER_ACTIVE = 1,	/* in sync: holds every write */
	NEXUS_MEMBER_BITMAP = 2,	/* behind by the bitmap's regions */
	NEXUS_MEMBER_FULL = 3,		/* behind: needs every region */
	NEXUS_MEMBER_FAULTED = 4,	/* failed; a full copy if it returns */
};

/* One slot of the member table: 32 bytes. */
struct nexus_disk_member {
	__u8	uuid[16];	/*  0: child UUID, zero when EMPTY */
	__le32	state;		/* 16: enum nexus_member_state */
	__le32	reserved;	/* 20: zero on write */
	__le64	generation;	/* 24: joined or came in sync in; behind: first missed */
};

/*
 * A label: 4096 bytes.  @crc is CRC-32C (Castagnoli, as in iSCSI/ext4:
 * initial value ~0, final inversion) of bytes 4..4095.
 */
struct nexus_disk_label {
	__le32	crc;		/*    0: CRC-32C of bytes 4..4095 */
	__le32	version;	/*    4: NEXUS_LABEL_VERSION */
	__le64	magic;		/*    8: NEXUS_LABEL_MAGIC */
	__le64	self_offset;	/*   16: byte offset of this label on the child */
	__le64	generation;	/*   24: bumped on every label write */
	__le32	features;	/*   32: NEXUS_FEAT_* */
	__le32	flags;		/*   36: NEXUS_LABEL_* */
	__le64	data_sectors;	/*   40: nexus size, 512-byte sectors */
	__le64	child_sectors;	/*   48: size of this child when written */
	__le32	region_size;	/*   56: bytes per region, power of two */
	__le32	bitmap_bytes;	/*   60: bytes of bitmap, whole blocks */
	__le32	slot;		/*   64: this child's slot in @members */
	__le32	nr_members;	/*   68: NEXUS_MAX_CHILDREN (32) */
	__u8	nexus_uuid[16];	/*   72 */
	__u8	child_uuid[16];	/*   88: this child */
	char	name[32];	/*  104: nexus name, NUL-padded */
	__u8	reserved1[120];	/*  136: zero on write */
	struct nexus_disk_member members[32];	/* 256..1279 */
	__u8	reserved2[2816];	/* 1280..4095: zero on write */
};

#endif /* _UAPI_LINUX_NEXUS_DISK_H */
