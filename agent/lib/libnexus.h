/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnexus: the one piece of userspace that speaks the "nexus" generic
 * netlink family of nexus.ko (see uapi/linux/nexus.h).
 *
 * Rules every function follows:
 *  - returns 0 (or a count) on success and a negative errno on failure;
 *  - never prints; the kernel's extack text (or a client-side reason) of the
 *    last failed call is kept in the handle: nexus_last_error();
 *  - keeps no global state: everything lives in struct nexus_handle.
 *
 * Structs filled by the library own their memory; release it with the
 * matching *_free(), which also zeroes the struct (safe to call twice and
 * on a zeroed struct).  Fields the kernel may omit come with a *_present
 * bit, because "absent" and "zero" mean different things.
 */
#ifndef LIBNEXUS_H
#define LIBNEXUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/nexus.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nexus_handle;

/* ---- identifiers ------------------------------------------------------ */

struct nexus_uuid {
	uint8_t bytes[NEXUS_UUID_LEN];
};

#define NEXUS_UUID_STRLEN 36	/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */

/* Parses the 36-character form (either case); -EINVAL if malformed. */
int nexus_uuid_parse(const char *text, struct nexus_uuid *out);
/* Writes the lower-case 36-character form plus NUL into buf. */
char *nexus_uuid_format(const struct nexus_uuid *uuid,
			char buf[NEXUS_UUID_STRLEN + 1]);
bool nexus_uuid_is_null(const struct nexus_uuid *uuid);

/*
 * true if name is 1..NEXUS_NAME_MAX characters of [A-Za-z0-9._-] starting
 * with a letter or digit, as the kernel requires.
 */
bool nexus_name_valid(const char *name);
/* true if path is 1..NEXUS_PATH_MAX characters. */
bool nexus_path_valid(const char *path);

/* ---- enum names (lower case; "unknown" for values this build lacks) --- */

const char *nexus_state_str(enum nexus_state state);
const char *nexus_child_state_str(enum nexus_child_state state);
const char *nexus_child_reason_str(enum nexus_child_reason reason);
const char *nexus_rebuild_state_str(enum nexus_rebuild_state state);
const char *nexus_event_type_str(enum nexus_event_type type);
const char *nexus_scrub_state_str(enum nexus_scrub_state state);
const char *nexus_scrub_mode_str(enum nexus_scrub_mode mode);

/* ---- replies ---------------------------------------------------------- */

struct nexus_rebuild_info {
	enum nexus_rebuild_state state;
	uint64_t done;		/* bytes copied */
	uint64_t total;		/* bytes to copy */
	uint64_t rate;		/* bytes/s over the last second */
	uint32_t source;	/* slot of the source child */
	bool state_present, done_present, total_present;
	bool rate_present, source_present;
};

/* The last check or repair of a nexus (NEXUS_A_SCRUB); counts in regions. */
struct nexus_scrub_info {
	enum nexus_scrub_state state;
	enum nexus_scrub_mode mode;
	uint64_t done;		/* regions compared */
	uint64_t total;		/* regions of the nexus */
	uint64_t mismatches;	/* regions whose children differed */
	uint64_t repaired;	/* regions rewritten by a repair */
	uint64_t regions[NEXUS_SCRUB_MAX_LISTED];	/* the first mismatched */
	size_t n_regions;
	bool truncated;		/* more mismatched than regions[] holds */
	uint64_t start, end;	/* seconds since the epoch; end 0 = running */
	bool state_present, mode_present, done_present, total_present;
	bool mismatches_present, repaired_present, regions_present;
	bool truncated_present, start_present, end_present;
};

/* A child, or a missing member (state NEXUS_CHILD_MISSING, path ""). */
struct nexus_child_info {
	char path[NEXUS_PATH_MAX + 1];
	uint32_t slot;
	enum nexus_child_state state;
	enum nexus_child_reason reason;
	uint64_t size;
	uint32_t major, minor;
	struct nexus_uuid uuid;
	uint64_t reads, writes, errors;
	uint64_t generation;	/* of the last label the child holds; of a
				 * missing member, the first its device missed */
	struct nexus_rebuild_info rebuild;
	bool slot_present, state_present, reason_present, size_present;
	bool major_present, minor_present, uuid_present;
	bool reads_present, writes_present, errors_present;
	bool generation_present;
	bool rebuild_present;	/* a rebuild exists for this child */
};

struct nexus_info {
	char name[NEXUS_NAME_MAX + 1];
	struct nexus_uuid uuid;
	uint64_t size;
	enum nexus_state state;
	uint32_t major, minor;
	uint32_t block_size;
	uint32_t open_count;
	uint32_t region_size;
	uint32_t rebuild_rate;	/* MiB/s, 0 = unlimited */
	uint64_t generation;	/* of the labels */
	bool clean;		/* new, or assembled from a clean shutdown */
	bool bitmap;		/* a write-intent bitmap is kept */
	uint64_t dirty_regions;	/* bits set in the bitmap */
	struct nexus_child_info *children;	/* owned */
	size_t n_children;
	struct nexus_scrub_info scrub;
	bool scrub_present;	/* a check has been started on the nexus */
	bool uuid_present, size_present, state_present;
	bool major_present, minor_present, block_size_present;
	bool open_count_present, region_size_present, rebuild_rate_present;
	bool generation_present, clean_present, bitmap_present;
	bool dirty_regions_present;
};

struct nexus_list {
	struct nexus_info *items;	/* owned */
	size_t count;
};

struct nexus_event {
	enum nexus_event_type type;
	uint64_t seq;
	char name[NEXUS_NAME_MAX + 1];
	struct nexus_uuid uuid;
	enum nexus_state state;
	struct nexus_child_info child;
	struct nexus_scrub_info scrub;	/* scrub events */
	bool seq_present, uuid_present, state_present;
	bool child_present, scrub_present;
};

void nexus_child_info_free(struct nexus_child_info *child);
void nexus_info_free(struct nexus_info *info);
void nexus_list_free(struct nexus_list *list);
void nexus_event_free(struct nexus_event *event);

/* The child whose path equals path, or NULL. */
const struct nexus_child_info *nexus_info_find_child(const struct nexus_info *info,
						     const char *path);

/* ---- requests --------------------------------------------------------- */

struct nexus_create_req {
	char name[NEXUS_NAME_MAX + 1];
	char **children;	/* owned, n_children block device paths */
	size_t n_children;
	struct nexus_uuid uuid;
	uint64_t size;		/* bytes */
	uint32_t region_size;	/* bytes */
	/* NEXUS_F_FORCE, NEXUS_F_ASSEMBLE (children's labels decide uuid,
	 * size and region size), NEXUS_F_NOBITMAP */
	uint32_t flags;
	bool uuid_present, size_present, region_size_present;
};

/* -EINVAL if the name is not valid (see nexus_name_valid()). */
int nexus_create_req_init(struct nexus_create_req *req, const char *name);
/* -EINVAL on a bad path, -E2BIG past NEXUS_MAX_CHILDREN, -ENOMEM. */
int nexus_create_req_add_child(struct nexus_create_req *req, const char *path);
void nexus_create_req_free(struct nexus_create_req *req);

struct nexus_set_req {
	uint32_t rebuild_rate;	/* MiB/s, 0 = unlimited */
	bool rebuild_rate_present;
};

void nexus_set_req_free(struct nexus_set_req *req);

/* ---- the handle ------------------------------------------------------- */

/*
 * Opens a generic netlink socket and resolves the family and its "events"
 * group.  -ENOENT means the family is not registered: nexus.ko is not loaded.
 */
int nexus_open(struct nexus_handle **out);
void nexus_close(struct nexus_handle *h);
/* For __attribute__((cleanup)): see nexus_cleanup_handle. */
void nexus_closep(struct nexus_handle **hp);
#define nexus_cleanup_handle __attribute__((cleanup(nexus_closep)))

/* Text explaining the last failure ("" if the kernel gave none). */
const char *nexus_last_error(const struct nexus_handle *h);
/*
 * When the kernel pointed at one child of the last request (extack offset
 * inside a NEXUS_A_CHILD nest), that child's path; otherwise NULL.
 */
const char *nexus_last_error_child(const struct nexus_handle *h);
/*
 * Whether the kernel pointed at an attribute of the last request at all
 * (NEXUS_A_NAME for an unknown nexus, a child's nest, ...).
 */
bool nexus_last_error_pointed(const struct nexus_handle *h);

int nexus_family_id(const struct nexus_handle *h);

/* ---- commands --------------------------------------------------------- */

int nexus_create(struct nexus_handle *h, const struct nexus_create_req *req);
int nexus_destroy(struct nexus_handle *h, const char *name, uint32_t flags);
int nexus_get(struct nexus_handle *h, const char *name, struct nexus_info *out);
int nexus_list(struct nexus_handle *h, struct nexus_list *out);
int nexus_set(struct nexus_handle *h, const char *name,
	      const struct nexus_set_req *req);

int nexus_child_add(struct nexus_handle *h, const char *name,
		    const char *path, uint32_t flags);
int nexus_child_remove(struct nexus_handle *h, const char *name,
		       const char *path, uint32_t flags);
/*
 * Forgets a member that is missing (state NEXUS_CHILD_MISSING in
 * nexus_info.children) for good: the nexus stops waiting for it.
 */
int nexus_forget_missing(struct nexus_handle *h, const char *name,
			 const struct nexus_uuid *uuid);
int nexus_child_fault(struct nexus_handle *h, const char *name, const char *path);
int nexus_child_offline(struct nexus_handle *h, const char *name, const char *path);
/*
 * Brings an OFFLINE child back (its dirty regions are copied), or a
 * FAULTED one: the kernel opens its path again, and the regions copied
 * are the write-intent bitmap's when the child faulted on an IO error
 * (the labels kept it behind by the bitmap), else all of them.
 */
int nexus_child_online(struct nexus_handle *h, const char *name, const char *path);
/*
 * Brings member uuid (a child that is OFFLINE or FAULTED) back on the
 * device at path, which must carry that member's label: a remote child
 * may come back as another device.  The kernel opens path and lets go of
 * the member's old device; what is copied is as for nexus_child_online().
 */
int nexus_child_online_member(struct nexus_handle *h, const char *name,
			      const struct nexus_uuid *uuid, const char *path);

int nexus_rebuild_start(struct nexus_handle *h, const char *name, const char *path);
int nexus_rebuild_stop(struct nexus_handle *h, const char *name, const char *path);
int nexus_rebuild_pause(struct nexus_handle *h, const char *name, const char *path);
int nexus_rebuild_resume(struct nexus_handle *h, const char *name, const char *path);

/*
 * Starts comparing the ONLINE children of nexus name (a "check"); with
 * NEXUS_F_REPAIR in flags, also rewrites the regions that differ from the
 * first ONLINE child.  Progress and results: nexus_info.scrub.
 */
int nexus_check(struct nexus_handle *h, const char *name, uint32_t flags);
int nexus_check_stop(struct nexus_handle *h, const char *name);

/* ---- events ------------------------------------------------------------ */

/*
 * Joins the "events" group.  A subscribed handle is for events only (its
 * requests fail with -EBUSY), because replies and notifications would
 * otherwise interleave on one socket; open a second handle for requests.
 */
int nexus_subscribe(struct nexus_handle *h);
/* The socket's fd, for poll(); readable when an event is waiting. */
int nexus_event_fd(const struct nexus_handle *h);
/*
 * Reads the next event into *out (blocking unless the fd was made
 * non-blocking, then -EAGAIN).  -ENOBUFS: the socket overran and events
 * were lost; the caller should resynchronise with nexus_list().
 */
int nexus_event_read(struct nexus_handle *h, struct nexus_event *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBNEXUS_H */
