/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nexus: generic netlink interface of the nexus.ko mirroring block driver.
 *
 * This header is the one public control API of nexus.ko.  It is written by
 * hand from docs/nexus.yaml (the family's spec); keep the two in step and
 * never renumber or reuse a value: retired values stay reserved.
 *
 * Family "nexus", version NEXUS_GENL_VERSION, multicast group "events".
 * Every mutating command needs CAP_NET_ADMIN (GENL_ADMIN_PERM).
 * Errors are a negative errno in the netlink ack plus an extack message.
 */
#ifndef _UAPI_LINUX_NEXUS_H
#define _UAPI_LINUX_NEXUS_H

#define NEXUS_GENL_NAME		"nexus"
#define NEXUS_GENL_VERSION	1
#define NEXUS_GENL_MCGRP_EVENTS	"events"

/* Longest nexus name, without the NUL; the name is also the gendisk name. */
#define NEXUS_NAME_MAX		31
/* Longest child device path, without the NUL. */
#define NEXUS_PATH_MAX		255
#define NEXUS_UUID_LEN		16
#define NEXUS_MAX_CHILDREN	32

/*
 * Bytes reserved for metadata at the end of every child.  A child's data
 * starts at offset 0; its metadata area starts at
 * round_down(child_size, NEXUS_MD_ALIGN) - NEXUS_MD_RESERVE.
 */
#define NEXUS_MD_RESERVE	0x400000	/* 4 MiB */
#define NEXUS_MD_ALIGN		0x100000	/* 1 MiB */

enum nexus_state {
	NEXUS_STATE_ONLINE = 1,		/* every child ONLINE */
	NEXUS_STATE_DEGRADED,		/* >= 1 child ONLINE, some are not */
	NEXUS_STATE_FAULTED,		/* no ONLINE child: IO fails */
	NEXUS_STATE_SHUTDOWN,		/* being destroyed */
};

enum nexus_child_state {
	NEXUS_CHILD_ONLINE = 1,		/* in sync, serves reads and writes */
	NEXUS_CHILD_OUT_OF_SYNC,	/* gets new writes, waits for rebuild */
	NEXUS_CHILD_REBUILDING,		/* gets new writes, being rebuilt */
	NEXUS_CHILD_FAULTED,		/* never written until re-added */
	NEXUS_CHILD_OFFLINE,		/* admin offline, expected back */
	NEXUS_CHILD_MISSING,		/* device not here (NEXUS_A_MISSING) */
};

enum nexus_child_reason {
	NEXUS_REASON_NONE = 0,
	NEXUS_REASON_IO_ERROR,
	NEXUS_REASON_REMOVED,
	NEXUS_REASON_ADMIN,
	NEXUS_REASON_REBUILD_FAILED,
};

enum nexus_rebuild_state {
	NEXUS_REBUILD_NONE = 0,
	NEXUS_REBUILD_RUNNING,
	NEXUS_REBUILD_PAUSED,
	NEXUS_REBUILD_STOPPED,
	NEXUS_REBUILD_DONE,
	NEXUS_REBUILD_FAILED,
};

enum nexus_event_type {
	NEXUS_EVENT_NEXUS_CREATED = 1,
	NEXUS_EVENT_NEXUS_DESTROYED,
	NEXUS_EVENT_NEXUS_STATE,	/* NEXUS_A_STATE changed */
	NEXUS_EVENT_CHILD_ADDED,
	NEXUS_EVENT_CHILD_REMOVED,
	NEXUS_EVENT_CHILD_STATE,	/* child state (and reason) changed */
	NEXUS_EVENT_REBUILD_STARTED,
	NEXUS_EVENT_REBUILD_PROGRESS,	/* at most once a second per child */
	NEXUS_EVENT_REBUILD_DONE,
	NEXUS_EVENT_REBUILD_FAILED,
	NEXUS_EVENT_REBUILD_STOPPED,
	/* Scrub (NEXUS_CMD_NEXUS_CHECK); each carries NEXUS_A_SCRUB. */
	NEXUS_EVENT_SCRUB_STARTED,
	NEXUS_EVENT_SCRUB_PROGRESS,	/* at most once a second per nexus */
	NEXUS_EVENT_SCRUB_DONE,		/* every region compared */
	NEXUS_EVENT_SCRUB_STOPPED,	/* by CHECK_STOP, a rebuild or destroy */
	NEXUS_EVENT_SCRUB_FAILED,	/* fewer than two ONLINE children left */
};

enum nexus_scrub_state {
	NEXUS_SCRUB_IDLE = 0,		/* never run on this nexus */
	NEXUS_SCRUB_RUNNING,
	NEXUS_SCRUB_DONE,
	NEXUS_SCRUB_STOPPED,
	NEXUS_SCRUB_FAILED,
};

enum nexus_scrub_mode {
	NEXUS_SCRUB_CHECK = 1,		/* compare and count only */
	NEXUS_SCRUB_REPAIR,		/* also copy the first ONLINE child over */
};

/* NEXUS_A_FLAGS bits. */
/*
 * FORCE: destroy while open; remove the last child; create or add over a
 * foreign label; assemble despite split brain.
 */
#define NEXUS_F_FORCE		0x1
#define NEXUS_F_NOREBUILD	0x2	/* child add: do not start a rebuild */
#define NEXUS_F_ASSEMBLE	0x4	/* create: from the children's labels */
#define NEXUS_F_NOBITMAP	0x8	/* create: no write-intent bitmap */
#define NEXUS_F_REPAIR		0x10	/* nexus check: repair what differs */
#define NEXUS_F_ALL		(NEXUS_F_FORCE | NEXUS_F_NOREBUILD | \
				 NEXUS_F_ASSEMBLE | NEXUS_F_NOBITMAP | \
				 NEXUS_F_REPAIR)

/* Attributes of a nexus (top level of every message). */
enum nexus_attr {
	NEXUS_A_UNSPEC,
	NEXUS_A_NAME,		/* string, 1..NEXUS_NAME_MAX, [A-Za-z0-9._-] */
	NEXUS_A_UUID,		/* binary, NEXUS_UUID_LEN */
	NEXUS_A_SIZE,		/* u64, bytes of the data region */
	NEXUS_A_STATE,		/* u32, enum nexus_state (reply only) */
	NEXUS_A_FLAGS,		/* u32, NEXUS_F_* (request only) */
	NEXUS_A_CHILDREN,	/* nest of NEXUS_A_CHILD (create, reply) */
	NEXUS_A_CHILD,		/* nest, enum nexus_child_attr */
	NEXUS_A_MAJOR,		/* u32 (reply only) */
	NEXUS_A_MINOR,		/* u32 (reply only) */
	NEXUS_A_BLOCK_SIZE,	/* u32, logical block size (reply only) */
	NEXUS_A_OPEN_COUNT,	/* u32, openers of the block device */
	NEXUS_A_REGION_SIZE,	/* u32, bytes per dirty-tracking region */
	NEXUS_A_REBUILD_RATE,	/* u32, MiB/s per rebuild, 0 = unlimited */
	NEXUS_A_EVENT,		/* u32, enum nexus_event_type (events) */
	NEXUS_A_SEQ,		/* u64, event sequence number (events) */
	NEXUS_A_PAD,
	NEXUS_A_GENERATION,	/* u64, label generation (reply only) */
	NEXUS_A_CLEAN,		/* u32, 1: new, or assembled clean (reply only) */
	NEXUS_A_BITMAP,		/* u32, 1: write-intent bitmap kept (reply only) */
	NEXUS_A_DIRTY_REGIONS,	/* u64, bits set in the bitmap (reply only) */
	/*
	 * nest of NEXUS_A_CHILD (reply only): members of the labels whose
	 * device is not part of the nexus (missing at assembly), each with
	 * SLOT, UUID, STATE (MISSING) and GENERATION but no PATH.  They keep
	 * the nexus DEGRADED until they return or CHILD_REMOVE forgets them.
	 */
	NEXUS_A_MISSING,
	NEXUS_A_SCRUB,		/* nest, enum nexus_scrub_attr (reply, scrub events) */
	/* 24..31 reserved for nexus-level additions */

	__NEXUS_A_MAX,
	NEXUS_A_MAX = __NEXUS_A_MAX - 1
};

/* Attributes of one child, inside NEXUS_A_CHILD. */
enum nexus_child_attr {
	NEXUS_CHILD_A_UNSPEC,
	NEXUS_CHILD_A_PATH,	/* string, block device path */
	NEXUS_CHILD_A_SLOT,	/* u32, index in the nexus (reply only) */
	NEXUS_CHILD_A_STATE,	/* u32, enum nexus_child_state */
	NEXUS_CHILD_A_REASON,	/* u32, enum nexus_child_reason */
	NEXUS_CHILD_A_SIZE,	/* u64, bytes of the whole device */
	NEXUS_CHILD_A_MAJOR,	/* u32 */
	NEXUS_CHILD_A_MINOR,	/* u32 */
	NEXUS_CHILD_A_UUID,	/* binary, NEXUS_UUID_LEN */
	NEXUS_CHILD_A_READS,	/* u64, completed read bios */
	NEXUS_CHILD_A_WRITES,	/* u64, completed write bios */
	NEXUS_CHILD_A_ERRORS,	/* u64, failed bios */
	NEXUS_CHILD_A_REBUILD,	/* nest, enum nexus_rebuild_attr */
	NEXUS_CHILD_A_PAD,
	NEXUS_CHILD_A_GENERATION,	/* u64, of the last label it holds */
	/* 15..31 reserved for child-level additions */

	__NEXUS_CHILD_A_MAX,
	NEXUS_CHILD_A_MAX = __NEXUS_CHILD_A_MAX - 1
};

/* Rebuild progress of one child, inside NEXUS_CHILD_A_REBUILD. */
enum nexus_rebuild_attr {
	NEXUS_REBUILD_A_UNSPEC,
	NEXUS_REBUILD_A_STATE,		/* u32, enum nexus_rebuild_state */
	NEXUS_REBUILD_A_DONE,		/* u64, bytes copied so far */
	NEXUS_REBUILD_A_TOTAL,		/* u64, bytes to copy */
	NEXUS_REBUILD_A_RATE,		/* u64, bytes/s over the last second */
	NEXUS_REBUILD_A_SOURCE,		/* u32, slot of the source child */
	NEXUS_REBUILD_A_PAD,

	__NEXUS_REBUILD_A_MAX,
	NEXUS_REBUILD_A_MAX = __NEXUS_REBUILD_A_MAX - 1
};

/* Maximum number of region numbers in NEXUS_SCRUB_A_REGIONS. */
#define NEXUS_SCRUB_MAX_LISTED	64

/*
 * The last scrub of a nexus, inside NEXUS_A_SCRUB; present once a check
 * has been started.  Counts are in regions (NEXUS_A_REGION_SIZE bytes).
 */
enum nexus_scrub_attr {
	NEXUS_SCRUB_A_UNSPEC,
	NEXUS_SCRUB_A_STATE,		/* u32, enum nexus_scrub_state */
	NEXUS_SCRUB_A_MODE,		/* u32, enum nexus_scrub_mode */
	NEXUS_SCRUB_A_DONE,		/* u64, regions compared so far */
	NEXUS_SCRUB_A_TOTAL,		/* u64, regions of the nexus */
	NEXUS_SCRUB_A_MISMATCHES,	/* u64, regions whose children differed */
	NEXUS_SCRUB_A_REPAIRED,		/* u64, regions rewritten (repair) */
	/* nest of NEXUS_SCRUB_A_REGION: the first mismatched regions, ascending */
	NEXUS_SCRUB_A_REGIONS,
	NEXUS_SCRUB_A_REGION,		/* u64, a region number */
	NEXUS_SCRUB_A_TRUNCATED,	/* u32, 1: more than NEXUS_SCRUB_MAX_LISTED */
	NEXUS_SCRUB_A_START,		/* u64, seconds since the epoch */
	NEXUS_SCRUB_A_END,		/* u64, seconds since the epoch; 0 while running */
	NEXUS_SCRUB_A_PAD,

	__NEXUS_SCRUB_A_MAX,
	NEXUS_SCRUB_A_MAX = __NEXUS_SCRUB_A_MAX - 1
};

enum nexus_cmd {
	NEXUS_CMD_UNSPEC,
	/* NAME, CHILDREN, [UUID, SIZE, REGION_SIZE, FLAGS: FORCE ASSEMBLE NOBITMAP] */
	NEXUS_CMD_NEXUS_CREATE,
	NEXUS_CMD_NEXUS_DESTROY,	/* NAME, [FLAGS: FORCE] */
	NEXUS_CMD_NEXUS_GET,		/* do: NAME; dump: every nexus */
	NEXUS_CMD_NEXUS_SET,		/* NAME, [REBUILD_RATE]; immutables refused */
	NEXUS_CMD_CHILD_ADD,		/* NAME, CHILD{PATH}, [FLAGS: NOREBUILD, FORCE] */
	NEXUS_CMD_CHILD_REMOVE,		/* NAME, CHILD{PATH}, [FLAGS: FORCE] */
	NEXUS_CMD_CHILD_FAULT,		/* NAME, CHILD{PATH} */
	NEXUS_CMD_CHILD_OFFLINE,	/* NAME, CHILD{PATH} */
	NEXUS_CMD_CHILD_ONLINE,		/* NAME, CHILD{PATH} */
	NEXUS_CMD_REBUILD_START,	/* NAME, CHILD{PATH} */
	NEXUS_CMD_REBUILD_STOP,		/* NAME, CHILD{PATH} */
	NEXUS_CMD_REBUILD_PAUSE,	/* NAME, CHILD{PATH} */
	NEXUS_CMD_REBUILD_RESUME,	/* NAME, CHILD{PATH} */
	NEXUS_CMD_EVENT,		/* notification on the "events" group */
	NEXUS_CMD_NEXUS_CHECK,		/* NAME, [FLAGS: REPAIR]: start a scrub */
	NEXUS_CMD_NEXUS_CHECK_STOP,	/* NAME: stop the running scrub */

	__NEXUS_CMD_MAX,
	NEXUS_CMD_MAX = __NEXUS_CMD_MAX - 1
};

#endif /* _UAPI_LINUX_NEXUS_H */
