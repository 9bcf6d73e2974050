/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vhost-user wire format (QEMU's docs/interop/vhost-user.rst) and the
 * virtio-blk constants mayastor-vhost uses.  Everything here is as it
 * travels on the socket or sits in guest memory: little-endian, and only
 * x86-64 and other little-endian hosts are supported (static_assert below).
 */
#ifndef VU_PROTO_H
#define VU_PROTO_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	      "vhost-user and virtio 1.x are little-endian; so must the host be");

/* Front-end requests. */
enum vu_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SET_BACKEND_REQ_FD = 21,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_GET_INFLIGHT_FD = 31,
	VHOST_USER_SET_INFLIGHT_FD = 32,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
	VHOST_USER_MAX_REQUEST = 41,
};

/* Header flags. */
#define VHOST_USER_VERSION	 0x1u
#define VHOST_USER_VERSION_MASK	 0x3u
#define VHOST_USER_REPLY	 0x4u
#define VHOST_USER_NEED_REPLY	 0x8u

/* Virtio feature bits (the device's, plus vhost-user's own bit 30). */
#define VIRTIO_BLK_F_SIZE_MAX	  1
#define VIRTIO_BLK_F_SEG_MAX	  2
#define VIRTIO_BLK_F_RO		  5
#define VIRTIO_BLK_F_BLK_SIZE	  6
#define VIRTIO_BLK_F_FLUSH	  9
#define VIRTIO_BLK_F_TOPOLOGY	  10
#define VIRTIO_BLK_F_CONFIG_WCE	  11
#define VIRTIO_BLK_F_MQ		  12
#define VIRTIO_BLK_F_DISCARD	  13
#define VIRTIO_BLK_F_WRITE_ZEROES 14
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX	  29
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VIRTIO_F_VERSION_1	  32
#define VHOST_F_LOG_ALL		  26

/* Protocol feature bits. */
#define VHOST_USER_PROTOCOL_F_MQ		  0
#define VHOST_USER_PROTOCOL_F_LOG_SHMFD		  1
#define VHOST_USER_PROTOCOL_F_REPLY_ACK		  3
#define VHOST_USER_PROTOCOL_F_CONFIG		  9
#define VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD	  12
#define VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15

#define BIT64(n) (1ULL << (n))

/* At most this many fds ride on one message, and regions in SET_MEM_TABLE. */
#define VHOST_MEMORY_BASELINE_NREGIONS 8
/* Memory slots offered to ADD_MEM_REG (GET_MAX_MEM_SLOTS). */
#define VU_MAX_MEM_SLOTS 32
/* The largest payload any message we accept carries (GET/SET_CONFIG). */
#define VU_MAX_PAYLOAD 4096
/* Bits of a kick/call/err payload: the queue index and "no fd". */
#define VHOST_USER_VRING_IDX_MASK 0xffu
#define VHOST_USER_VRING_NOFD_MASK 0x100u

struct vu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;		/* payload bytes after the header */
} __attribute__((packed));

struct vu_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vu_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;		/* front-end user addresses, not guest-physical */
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};

struct vu_mem_region_msg {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;
};

struct vu_mem_table_msg {
	uint32_t nregions;
	uint32_t padding;
	struct vu_mem_region_msg regions[VHOST_MEMORY_BASELINE_NREGIONS];
};

struct vu_mem_reg_msg {
	uint64_t padding;
	struct vu_mem_region_msg region;
};

#define VU_CONFIG_MAX 256
struct vu_config_msg {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	uint8_t region[VU_CONFIG_MAX];
};

struct vu_inflight_msg {
	uint64_t mmap_size;
	uint64_t mmap_offset;
	uint16_t num_queues;
	uint16_t queue_size;
};

/* Split virtqueue layout (virtio 1.2, 2.7). */
#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_desc_le {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_used_elem_le {
	uint32_t id;
	uint32_t len;
};

/* virtio-blk request types and status. */
#define VIRTIO_BLK_T_IN		  0
#define VIRTIO_BLK_T_OUT	  1
#define VIRTIO_BLK_T_FLUSH	  4
#define VIRTIO_BLK_T_GET_ID	  8
#define VIRTIO_BLK_T_DISCARD	  11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK		  0
#define VIRTIO_BLK_S_IOERR	  1
#define VIRTIO_BLK_S_UNSUPP	  2
#define VIRTIO_BLK_ID_BYTES	  20
#define VIRTIO_BLK_WZ_F_UNMAP	  1

struct virtio_blk_outhdr_le {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector;
};

struct virtio_blk_dwz_le {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

/* The device's configuration space, as far as mayastor-vhost fills it. */
struct virtio_blk_cfg {
	uint64_t capacity;		/*  0: 512-byte sectors */
	uint32_t size_max;		/*  8 */
	uint32_t seg_max;		/* 12 */
	uint16_t cylinders;		/* 16: geometry, not offered */
	uint8_t heads;			/* 18 */
	uint8_t sectors;		/* 19 */
	uint32_t blk_size;		/* 20 */
	uint8_t physical_block_exp;	/* 24 */
	uint8_t alignment_offset;	/* 25 */
	uint16_t min_io_size;		/* 26 */
	uint32_t opt_io_size;		/* 28 */
	uint8_t wce;			/* 32 */
	uint8_t unused0;		/* 33 */
	uint16_t num_queues;		/* 34 */
	uint32_t max_discard_sectors;	/* 36 */
	uint32_t max_discard_seg;	/* 40 */
	uint32_t discard_sector_alignment; /* 44 */
	uint32_t max_write_zeroes_sectors; /* 48 */
	uint32_t max_write_zeroes_seg;	/* 52 */
	uint8_t write_zeroes_may_unmap;	/* 56 */
	uint8_t unused1[3];		/* 57 */
} __attribute__((packed));

static_assert(sizeof(struct vu_hdr) == 12, "vhost-user header");
static_assert(sizeof(struct vu_vring_addr) == 40, "vring address");
static_assert(sizeof(struct vu_mem_table_msg) == 264, "memory table");
static_assert(sizeof(struct vu_mem_reg_msg) == 40, "memory region");
static_assert(sizeof(struct vu_inflight_msg) == 24, "inflight");
static_assert(sizeof(struct vring_desc_le) == 16, "descriptor");
static_assert(sizeof(struct virtio_blk_outhdr_le) == 16, "blk header");
static_assert(sizeof(struct virtio_blk_dwz_le) == 16, "discard segment");
static_assert(offsetof(struct virtio_blk_cfg, blk_size) == 20, "blk_size");
static_assert(offsetof(struct virtio_blk_cfg, num_queues) == 34, "num_queues");
static_assert(offsetof(struct virtio_blk_cfg, write_zeroes_may_unmap) == 56, "wz unmap");
static_assert(sizeof(struct virtio_blk_cfg) == 60, "config");

#endif
