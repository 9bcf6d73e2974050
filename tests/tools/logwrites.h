/*
 * Reader of dm-log-writes logs (the kernel's
 * Documentation/admin-guide/device-mapper/log-writes.rst): a super block at
 * byte 0, then for each entry one block of the log's sector size holding
 * the entry header (and a mark's text), followed by the written data
 * (nr_sectors blocks; none for a discard or a mark).  All integers are
 * little-endian; sector and nr_sectors count blocks of the log's sector
 * size.  Everything read is checked: the log is input, not trusted.
 */
#ifndef LOGWRITES_H
#define LOGWRITES_H

#include <stddef.h>
#include <stdint.h>

#define LW_MAGIC	0x6a736677736872ULL
#define LW_VERSION	1ULL

#define LW_FLUSH	(1ULL << 0)
#define LW_FUA		(1ULL << 1)
#define LW_DISCARD	(1ULL << 2)
#define LW_MARK		(1ULL << 3)
#define LW_METADATA	(1ULL << 4)
#define LW_KNOWN_FLAGS	(LW_FLUSH | LW_FUA | LW_DISCARD | LW_MARK | LW_METADATA)

/* Largest logical block size accepted (that of every common device). */
#define LW_MAX_SECTORSIZE 4096U
#define LW_HEADER_BYTES	32U	/* struct log_write_entry */
#define LW_MAX_MARK	(LW_MAX_SECTORSIZE - LW_HEADER_BYTES)

struct lw_log {
	int fd;
	uint64_t log_bytes;	/* size of the log device or file */
	uint32_t sectorsize;
	uint64_t nr_entries;	/* as the super block says */
	uint64_t next_index;
	uint64_t next_pos;	/* byte offset of the next entry header */
};

struct lw_entry {
	uint64_t index;
	uint64_t sector;	/* in sectorsize units, on the logged device */
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_pos;	/* byte offset of the data in the log */
	uint64_t data_bytes;	/* 0 for discards and marks */
	char mark[LW_MAX_MARK + 1];	/* NUL-terminated, "" unless LW_MARK */
};

/* Size in bytes of a regular file or block device; -1 and errno on failure. */
int lw_fd_size(int fd, uint64_t *bytes);

/*
 * Read and check the super block of the log open on fd.  0 on success; -1
 * with a reason in err otherwise.
 */
int lw_open(struct lw_log *log, int fd, char *err, size_t errlen);

/*
 * Read and check the next entry: 1 with *e filled, 0 after the last entry,
 * -1 with a reason in err.
 */
int lw_next(struct lw_log *log, struct lw_entry *e, char *err, size_t errlen);

/* "FLUSH|FUA", "-" for none; buf of at least 40 bytes. */
const char *lw_flags_str(uint64_t flags, char *buf, size_t len);

/*
 * Coherent replay.  dm-log-writes logs a write without FUA at the first
 * flush after it completed, and a FUA write as soon as it completes.  So a
 * write W that completed before a FUA write F over the same sectors was
 * even submitted can follow F in the log, at the flush that comes after
 * both: replayed in log order, W's older data lands over F's.  No device
 * does that: a read after F returns F's data, and so does the medium after
 * a power cut, whatever the volatile cache still held of W.  The log cannot
 * tell that W from one submitted after F completed (which would be newer);
 * a coherent replay takes the first reading: a write without FUA (or a
 * discard) logged after a FUA write and before the next flush entry leaves
 * the FUA write's sectors alone.  That is exact for writers that never
 * cover a FUA write's sectors, between two flushes, with other data
 * without FUA, which is what the crash-point test's writers and a nexus's
 * copies (they carry what the source holds, F included) do.
 */
struct lw_coherent {
	uint64_t nr_sectors;	/* of the replay target, in log sectors */
	uint64_t *guarded;	/* sectors a FUA write took since the last flush */
	int any;		/* some bit of guarded is set */
};

/* For a target of nr_sectors; 0, or -1 and errno. */
int lw_coherent_init(struct lw_coherent *c, uint64_t nr_sectors);
void lw_coherent_free(struct lw_coherent *c);

/* Apply sectors [first, first + nr) of entry e to the target; 0 or an error. */
typedef int (*lw_apply_fn)(const struct lw_entry *e, uint64_t first, uint64_t nr,
			   void *arg);

/*
 * Replay entry e (its sectors within the target): call apply, in order, for
 * each run of its sectors a coherent device takes, and note what it
 * guards.  apply NULL: only note (an entry a resumed replay skips).
 * Returns the first nonzero apply() result, else 0.
 */
int lw_coherent_apply(struct lw_coherent *c, const struct lw_entry *e,
		      lw_apply_fn apply, void *arg);

#endif
