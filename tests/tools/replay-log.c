/*
 * replay-log: list a dm-log-writes log, find a mark in it, or replay it onto
 * a device (or image file) up to an entry or through a mark, to recreate
 * what the logged device held at that point of a crash.
 *
 *   replay-log --log LOG --list
 *   replay-log --log LOG --find MARK
 *   replay-log --log LOG --replay TARGET [--limit N | --end-mark MARK]
 *              [--start N] [--discard zero|skip] [--log-order]
 *
 * --list prints "# sectorsize S entries N", then per entry
 * "INDEX SECTOR NR_SECTORS FLAGS MARK" (sectors in the log's sector size,
 * FLAGS like FLUSH|FUA or -, MARK the text or -).  --limit N replays
 * entries 0..N-1; --end-mark through the first mark of that text; neither:
 * every entry.  --start N skips (does not apply) entries before N, so that
 * a target already replayed to N can be advanced.  A discard zeroes its
 * range (default; what a discarded loop or dm device reads back) or is
 * skipped.  The replay is coherent (logwrites.h): a write without FUA
 * that the log puts after a FUA write over the same sectors, before the
 * next flush, leaves that FUA write's sectors alone, as a device's cache
 * would; --log-order replays every entry as it comes.  Exit status: 0 done, 1 a bad log, a mark not found, an entry
 * past the target or an IO error, 2 bad usage.
 */
#include "logwrites.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_CHUNK (1U << 20)

struct options {
	const char *log, *find, *target, *end_mark;
	bool list, skip_discards, have_limit, log_order;
	uint64_t limit, start;
};

static void usage(void)
{
	fputs("usage: replay-log --log LOG --list\n"
	      "       replay-log --log LOG --find MARK\n"
	      "       replay-log --log LOG --replay TARGET [--limit N | --end-mark MARK]\n"
	      "                  [--start N] [--discard zero|skip] [--log-order]\n", stderr);
	exit(2);
}

static uint64_t parse_count(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "replay-log: %s: bad number '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "list", no_argument, NULL, 'L' },
		{ "find", required_argument, NULL, 'f' },
		{ "replay", required_argument, NULL, 'r' },
		{ "limit", required_argument, NULL, 'n' },
		{ "end-mark", required_argument, NULL, 'm' },
		{ "start", required_argument, NULL, 's' },
		{ "discard", required_argument, NULL, 'd' },
		{ "log-order", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c, actions;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'l': o->log = optarg; break;
		case 'L': o->list = true; break;
		case 'f': o->find = optarg; break;
		case 'r': o->target = optarg; break;
		case 'n': o->limit = parse_count("--limit", optarg); o->have_limit = true; break;
		case 'm': o->end_mark = optarg; break;
		case 's': o->start = parse_count("--start", optarg); break;
		case 'o': o->log_order = true; break;
		case 'd':
			if (strcmp(optarg, "zero") && strcmp(optarg, "skip"))
				usage();
			o->skip_discards = !strcmp(optarg, "skip");
			break;
		default: usage();
		}
	}
	actions = o->list + !!o->find + !!o->target;
	if (optind != argc || !o->log || actions != 1 ||
	    (o->have_limit && o->end_mark) ||
	    (!o->target && (o->have_limit || o->end_mark || o->start || o->log_order)))
		usage();
}

static int open_log(const char *path, struct lw_log *log)
{
	char err[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "replay-log: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (lw_open(log, fd, err, sizeof(err))) {
		fprintf(stderr, "replay-log: %s: %s\n", path, err);
		close(fd);
		return -1;
	}
	return 0;
}

/* Next entry, or 0 at the end; -1 after printing why the log is bad. */
static int next_entry(struct lw_log *log, const char *path, struct lw_entry *e)
{
	char err[256];
	int r = lw_next(log, e, err, sizeof(err));

	if (r < 0)
		fprintf(stderr, "replay-log: %s: %s\n", path, err);
	return r;
}

static int list_log(struct lw_log *log, const char *path)
{
	static struct lw_entry e;
	char flags[48];
	int r;

	printf("# sectorsize %u entries %" PRIu64 "\n", log->sectorsize, log->nr_entries);
	while ((r = next_entry(log, path, &e)) > 0)
		printf("%" PRIu64 " %" PRIu64 " %" PRIu64 " %s %s\n", e.index, e.sector,
		       e.nr_sectors, lw_flags_str(e.flags, flags, sizeof(flags)),
		       (e.flags & LW_MARK) ? e.mark : "-");
	return r;
}

/* Index of the first mark MARK: 0 found, -1 not found or a bad log. */
static int find_mark(struct lw_log *log, const char *path, const char *mark,
		     uint64_t *index)
{
	static struct lw_entry e;
	int r;

	while ((r = next_entry(log, path, &e)) > 0) {
		if ((e.flags & LW_MARK) && !strcmp(e.mark, mark)) {
			*index = e.index;
			return 0;
		}
	}
	if (r == 0)
		fprintf(stderr, "replay-log: %s: mark '%s' not found\n", path, mark);
	return -1;
}

static int write_all(int fd, const char *buf, size_t len, uint64_t pos,
		     const char *target)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, (off_t)pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "replay-log: writing %s at byte %" PRIu64 ": %s\n",
				target, pos, n < 0 ? strerror(errno) : "no progress");
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		pos += (uint64_t)n;
	}
	return 0;
}

struct apply_ctx {
	const struct lw_log *log;
	int tfd;
	const char *target;
	char *buf;
};

/*
 * Copy sectors [first, first + nr) of entry e from the log (zeroes for a
 * discard) to the target: an lw_apply_fn.
 */
static int apply_range(const struct lw_entry *e, uint64_t first, uint64_t nr, void *arg)
{
	const struct apply_ctx *a = arg;
	uint64_t ss = a->log->sectorsize;
	uint64_t pos = first * ss, left = nr * ss;
	uint64_t from = e->data_pos + (first - e->sector) * ss;
	bool zero = e->flags & LW_DISCARD;

	if (zero)
		memset(a->buf, 0, COPY_CHUNK);
	while (left) {
		size_t n = left < COPY_CHUNK ? (size_t)left : COPY_CHUNK;

		if (!zero && pread(a->log->fd, a->buf, n, (off_t)from) != (ssize_t)n) {
			fprintf(stderr, "replay-log: entry %" PRIu64 ": short read of its data\n",
				e->index);
			return -1;
		}
		if (write_all(a->tfd, a->buf, n, pos, a->target))
			return -1;
		pos += n;
		from += n;
		left -= n;
	}
	return 0;
}

/* Apply entry e (or, skip, only account for it): coherently, or in log order. */
static int apply_entry(struct lw_coherent *coh, const struct lw_entry *e, bool skip,
		       struct apply_ctx *a)
{
	if (!coh)
		return skip || !e->nr_sectors ? 0 : apply_range(e, e->sector, e->nr_sectors, a);
	return lw_coherent_apply(coh, e, skip ? NULL : apply_range, a);
}

static int replay(struct lw_log *log, const struct options *o, uint64_t stop)
{
	static struct lw_entry e;
	struct lw_coherent coherent, *coh = NULL;
	struct apply_ctx a = { .log = log, .target = o->target };
	uint64_t target_bytes;
	int r = -1;

	a.tfd = open(o->target, O_WRONLY | O_CLOEXEC);
	if (a.tfd < 0 || lw_fd_size(a.tfd, &target_bytes) < 0) {
		fprintf(stderr, "replay-log: %s: %s\n", o->target, strerror(errno));
		goto out_close;
	}
	a.buf = malloc(COPY_CHUNK);
	if (!a.buf || (!o->log_order &&
		       lw_coherent_init(&coherent, target_bytes / log->sectorsize))) {
		fputs("replay-log: out of memory\n", stderr);
		goto out_free;
	}
	if (!o->log_order)
		coh = &coherent;
	while ((r = next_entry(log, o->log, &e)) > 0 && e.index < stop) {
		bool skip = e.index < o->start;

		if (e.sector + e.nr_sectors > target_bytes / log->sectorsize) {
			fprintf(stderr, "replay-log: entry %" PRIu64 ": sectors %" PRIu64 "+%" PRIu64
				" lie past the end of %s (%" PRIu64 " bytes)\n", e.index, e.sector,
				e.nr_sectors, o->target, target_bytes);
			r = -1;
			break;
		}
		if ((e.flags & LW_DISCARD) && o->skip_discards)
			continue;
		if (apply_entry(coh, &e, skip, &a)) {
			r = -1;
			break;
		}
	}
	if (r == 0 && o->have_limit && stop > log->nr_entries) {
		fprintf(stderr, "replay-log: %s: --limit %" PRIu64 ": the log has only %" PRIu64
			" entries\n", o->log, stop, log->nr_entries);
		r = -1;
	}
	if (r >= 0 && fsync(a.tfd) < 0) {
		fprintf(stderr, "replay-log: fsync %s: %s\n", o->target, strerror(errno));
		r = -1;
	}
	if (coh)
		lw_coherent_free(coh);
out_free:
	free(a.buf);
out_close:
	if (a.tfd >= 0)
		close(a.tfd);
	return r < 0 ? -1 : 0;
}

/* The entry count to replay: --limit, one past --end-mark's entry, or all. */
static int replay_stop(const struct options *o, uint64_t *stop)
{
	struct lw_log log;
	int r;

	*stop = UINT64_MAX;
	if (o->have_limit)
		*stop = o->limit;
	if (!o->end_mark)
		return 0;
	if (open_log(o->log, &log))
		return -1;
	r = find_mark(&log, o->log, o->end_mark, stop);
	close(log.fd);
	++*stop;
	return r;
}

int main(int argc, char **argv)
{
	struct options o;
	struct lw_log log;
	uint64_t index;
	int r;

	parse_args(argc, argv, &o);
	if (o.target && replay_stop(&o, &index))
		return 1;
	if (open_log(o.log, &log))
		return 1;
	if (o.list) {
		r = list_log(&log, o.log);
	} else if (o.find) {
		r = find_mark(&log, o.log, o.find, &index);
		if (!r)
			printf("%" PRIu64 "\n", index);
	} else {
		r = replay(&log, &o, index);
	}
	close(log.fd);
	if (fflush(stdout) || ferror(stdout))
		r = -1;
	return r < 0 ? 1 : 0;
}
