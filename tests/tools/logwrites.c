/* Reader of dm-log-writes logs: see logwrites.h. */
#include "logwrites.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#define SUPER_BYTES 28U	/* magic, version, nr_entries (u64), sectorsize (u32) */

static void say(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int lw_fd_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) < 0 ? -1 : 0;
	errno = EINVAL;
	return -1;
}

/* Read exactly len bytes at pos; a short read is a truncated log. */
static int read_exact(const struct lw_log *log, void *buf, size_t len,
		      uint64_t pos, const char *what, char *err, size_t errlen)
{
	size_t done = 0;

	if (pos > log->log_bytes || len > log->log_bytes - pos) {
		say(err, errlen, "%s at byte %llu: past the end of the log (%llu bytes): truncated log",
		    what, (unsigned long long)pos, (unsigned long long)log->log_bytes);
		return -1;
	}
	while (done < len) {
		ssize_t n = pread(log->fd, (char *)buf + done, len - done,
				  (off_t)(pos + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say(err, errlen, "reading %s at byte %llu: %s", what,
			    (unsigned long long)pos, strerror(errno));
			return -1;
		}
		if (n == 0) {
			say(err, errlen, "%s at byte %llu: unexpected end of log: truncated log",
			    what, (unsigned long long)pos);
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int sectorsize_ok(uint32_t s)
{
	return s >= 512 && s <= LW_MAX_SECTORSIZE && (s & (s - 1)) == 0;
}

int lw_open(struct lw_log *log, int fd, char *err, size_t errlen)
{
	unsigned char sb[SUPER_BYTES];
	uint64_t magic, version;

	memset(log, 0, sizeof(*log));
	log->fd = fd;
	if (lw_fd_size(fd, &log->log_bytes) < 0) {
		say(err, errlen, "cannot size the log: %s", strerror(errno));
		return -1;
	}
	if (read_exact(log, sb, sizeof(sb), 0, "super block", err, errlen))
		return -1;
	magic = get_le64(sb);
	version = get_le64(sb + 8);
	log->nr_entries = get_le64(sb + 16);
	log->sectorsize = get_le32(sb + 24);
	if (magic != LW_MAGIC) {
		say(err, errlen, "bad magic 0x%llx (expected 0x%llx): not a dm-log-writes log",
		    (unsigned long long)magic, LW_MAGIC);
		return -1;
	}
	if (version != LW_VERSION) {
		say(err, errlen, "unsupported log version %llu (expected %llu)",
		    (unsigned long long)version, LW_VERSION);
		return -1;
	}
	if (!sectorsize_ok(log->sectorsize)) {
		say(err, errlen, "bad sector size %u (a power of two, 512..%u)",
		    log->sectorsize, LW_MAX_SECTORSIZE);
		return -1;
	}
	/* Every entry takes at least one block after the super's. */
	if (log->nr_entries > log->log_bytes / log->sectorsize) {
		say(err, errlen, "super block claims %llu entries, more than a %llu-byte log can hold",
		    (unsigned long long)log->nr_entries,
		    (unsigned long long)log->log_bytes);
		return -1;
	}
	log->next_pos = log->sectorsize;
	return 0;
}

/* Mark text: data_len bytes after the header, no NUL inside. */
static int take_mark(struct lw_entry *e, const unsigned char *block,
		     uint64_t data_len, uint32_t sectorsize, char *err, size_t errlen)
{
	if (data_len > sectorsize - LW_HEADER_BYTES) {
		say(err, errlen, "entry %llu: mark of %llu bytes does not fit its %u-byte block",
		    (unsigned long long)e->index, (unsigned long long)data_len, sectorsize);
		return -1;
	}
	if (memchr(block + LW_HEADER_BYTES, '\0', data_len)) {
		say(err, errlen, "entry %llu: mark text holds a NUL byte",
		    (unsigned long long)e->index);
		return -1;
	}
	memcpy(e->mark, block + LW_HEADER_BYTES, data_len);
	e->mark[data_len] = '\0';
	return 0;
}

static int check_entry(const struct lw_log *log, const struct lw_entry *e,
		       uint64_t data_len, char *err, size_t errlen)
{
	uint64_t max_sectors = UINT64_MAX / log->sectorsize;

	if (e->flags & ~LW_KNOWN_FLAGS) {
		say(err, errlen, "entry %llu: unknown flags 0x%llx",
		    (unsigned long long)e->index, (unsigned long long)e->flags);
		return -1;
	}
	if (data_len && !(e->flags & LW_MARK)) {
		/* The kernel writes inline data only for DAX; nothing to replay it to. */
		say(err, errlen, "entry %llu: %llu bytes of inline data on a non-mark entry (unsupported)",
		    (unsigned long long)e->index, (unsigned long long)data_len);
		return -1;
	}
	if ((e->flags & LW_MARK) && e->nr_sectors) {
		say(err, errlen, "entry %llu: a mark with %llu sectors of data",
		    (unsigned long long)e->index, (unsigned long long)e->nr_sectors);
		return -1;
	}
	if (e->nr_sectors > max_sectors || e->sector > max_sectors - e->nr_sectors) {
		say(err, errlen, "entry %llu: sector %llu + %llu overflows",
		    (unsigned long long)e->index, (unsigned long long)e->sector,
		    (unsigned long long)e->nr_sectors);
		return -1;
	}
	return 0;
}

int lw_next(struct lw_log *log, struct lw_entry *e, char *err, size_t errlen)
{
	unsigned char block[LW_MAX_SECTORSIZE];
	uint64_t data_len, pos = log->next_pos;

	if (log->next_index >= log->nr_entries)
		return 0;
	memset(e, 0, sizeof(*e));
	e->index = log->next_index;
	if (read_exact(log, block, log->sectorsize, pos, "entry header", err, errlen)) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n, " (entry %llu of %llu)",
			 (unsigned long long)e->index, (unsigned long long)log->nr_entries);
		return -1;
	}
	e->sector = get_le64(block);
	e->nr_sectors = get_le64(block + 8);
	e->flags = get_le64(block + 16);
	data_len = get_le64(block + 24);
	if (check_entry(log, e, data_len, err, errlen))
		return -1;
	if ((e->flags & LW_MARK) &&
	    take_mark(e, block, data_len, log->sectorsize, err, errlen))
		return -1;
	pos += log->sectorsize;
	e->data_pos = pos;
	if (!(e->flags & LW_DISCARD))
		e->data_bytes = e->nr_sectors * log->sectorsize;
	if (e->data_bytes > log->log_bytes - pos) {
		say(err, errlen, "entry %llu: %llu bytes of data at byte %llu run past the end of the log: truncated log",
		    (unsigned long long)e->index, (unsigned long long)e->data_bytes,
		    (unsigned long long)pos);
		return -1;
	}
	log->next_pos = pos + e->data_bytes;
	log->next_index++;
	return 1;
}

const char *lw_flags_str(uint64_t flags, char *buf, size_t len)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ LW_FLUSH, "FLUSH" }, { LW_FUA, "FUA" }, { LW_DISCARD, "DISCARD" },
		{ LW_MARK, "MARK" }, { LW_METADATA, "METADATA" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "|" : "", names[i].name);
		if (n >= len)
			break;
	}
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

#define WORD_BITS 64U

static int guarded(const struct lw_coherent *c, uint64_t s)
{
	return (c->guarded[s / WORD_BITS] >> (s % WORD_BITS)) & 1;
}

int lw_coherent_init(struct lw_coherent *c, uint64_t nr_sectors)
{
	c->nr_sectors = nr_sectors;
	c->any = 0;
	c->guarded = calloc(nr_sectors / WORD_BITS + 1, sizeof(*c->guarded));
	return c->guarded ? 0 : -1;
}

void lw_coherent_free(struct lw_coherent *c)
{
	free(c->guarded);
	c->guarded = NULL;
}

static void guard(struct lw_coherent *c, uint64_t first, uint64_t nr)
{
	for (uint64_t s = first; s < first + nr; s++)
		c->guarded[s / WORD_BITS] |= 1ULL << (s % WORD_BITS);
	c->any = 1;
}

/* The runs of [first, first + nr) that no FUA write guards. */
static int apply_unguarded(const struct lw_coherent *c, const struct lw_entry *e,
			   lw_apply_fn apply, void *arg)
{
	uint64_t s = e->sector, end = e->sector + e->nr_sectors;

	while (s < end) {
		uint64_t run;
		int r;

		while (s < end && guarded(c, s))
			s++;
		for (run = 0; s + run < end && !guarded(c, s + run); run++)
			;
		if (run && (r = apply(e, s, run, arg)))
			return r;
		s += run;
	}
	return 0;
}

int lw_coherent_apply(struct lw_coherent *c, const struct lw_entry *e,
		      lw_apply_fn apply, void *arg)
{
	int r = 0;

	if ((e->flags & LW_FLUSH) && c->any) {
		memset(c->guarded, 0, (c->nr_sectors / WORD_BITS + 1) * sizeof(*c->guarded));
		c->any = 0;
	}
	if (!e->nr_sectors || (e->flags & LW_MARK))
		return 0;
	if (e->sector + e->nr_sectors > c->nr_sectors) {
		errno = ERANGE;
		return -1;
	}
	if ((e->flags & LW_FUA) && !(e->flags & LW_DISCARD)) {
		if (apply)
			r = apply(e, e->sector, e->nr_sectors, arg);
		guard(c, e->sector, e->nr_sectors);
		return r;
	}
	if (!apply)
		return 0;
	return c->any ? apply_unguarded(c, e, apply, arg) :
			apply(e, e->sector, e->nr_sectors, arg);
}
