// SPDX-License-Identifier: Apache-2.0
/* Recording pools and nexuses in the agent's configuration file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_record.h"
#include "loop.h"
#include "iscsi_host.h"
#include "nvmf_host.h"
#include "uri.h"

const char *record_default_file(void)
{
	const char *env = getenv("MAYASTOR_STATE_FILE");

	return env && *env ? env : AGENT_STATE_FILE;
}

/* /dev/POOL/NAME of one of our pools as lvol://POOL/NAME. */
static bool lvol_spec(const char *path, char *out, size_t size)
{
	char pool[LVM_NAME_MAX], err[256];
	const char *p, *slash;

	if (strncmp(path, "/dev/", 5) != 0)
		return false;
	p = path + 5;
	slash = strchr(p, '/');
	if (!slash || slash == p || (size_t)(slash - p) >= sizeof(pool) ||
	    strchr(slash + 1, '/') || !slash[1])
		return false;
	memcpy(pool, p, (size_t)(slash - p));
	pool[slash - p] = '\0';
	if (!pool_name_valid(pool) || pool_check_ours(pool, err, sizeof(err)))
		return false;
	return snprintf(out, size, "lvol://%s/%s", pool, slash + 1) < (int)size;
}

int record_child_spec(const char *path, char *out, size_t size)
{
	char file[PATH_MAX];
	uint32_t block_size;
	int n;

	if (loop_backing_file(path, file, sizeof(file), &block_size) == 0) {
		if (block_size == 512)
			n = snprintf(out, size, "%s", file);
		else
			n = snprintf(out, size, "aio://%s?blk_size=%u", file,
				     block_size);
	} else if (lvol_spec(path, out, size)) {
		return 0;
	} else if (nvmf_host_uri_of(NVMF_SYSFS, path, out, size) == 0 ||
		   iscsi_host_uri_of(ISCSI_SYSFS, path, out, size) == 0) {
		return 0;
	} else {
		n = snprintf(out, size, "%s", path);
	}
	return n < (int)size ? 0 : -ENAMETOOLONG;
}

int record_nexus_entry(const struct nexus_info *info, struct state_nexus *out,
		       char *err, size_t errlen)
{
	char uuid[NEXUS_UUID_STRLEN + 1];

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", info->name);
	snprintf(out->uuid, sizeof(out->uuid), "%s",
		 nexus_uuid_format(&info->uuid, uuid));
	out->size = info->size;
	out->region_size = info->region_size;
	for (size_t i = 0; i < info->n_children && i < NEXUS_MAX_CHILDREN; i++) {
		/* Missing members have no device; the old record keeps them. */
		if (info->children[i].state == NEXUS_CHILD_MISSING)
			continue;
		if (record_child_spec(info->children[i].path,
				      out->children[out->n_children],
				      sizeof(out->children[0]))) {
			snprintf(err, errlen, "child %s: name too long",
				 info->children[i].path);
			return -ENAMETOOLONG;
		}
		if (info->children[i].uuid_present)
			nexus_uuid_format(&info->children[i].uuid,
					  out->members[out->n_children]);
		out->n_children++;
	}
	return 0;
}

static int pool_entry(const struct pool_info *info, struct state_pool *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", info->name);
	out->n_disks = 0;
	for (size_t i = 0; i < info->n_disks && i < POOL_MAX_DISKS; i++)
		if (record_child_spec(info->disks[i], out->disks[out->n_disks++],
				      sizeof(out->disks[0])))
			return -ENAMETOOLONG;
	return 0;
}

/* ---- read-modify-write under the lock ----------------------------------- */

static int lock_state(const char *state_file, char *err, size_t errlen)
{
	char lock[PATH_MAX + 8];
	struct agent_state none = { 0 };
	int fd, rc;

	snprintf(lock, sizeof(lock), "%s.lock", state_file);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT) {
		/* First use: agent_state_save() makes the directory. */
		rc = agent_state_save(state_file, &none, err, errlen);
		if (rc)
			return rc;
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open %s: %s", lock, strerror(-rc));
		return rc;
	}
	while (flock(fd, LOCK_EX) && errno == EINTR)
		;
	return fd;
}

int record_update(const char *state_file, state_change_fn change, void *arg,
		  char *err, size_t errlen)
{
	struct agent_state s;
	int fd = lock_state(state_file, err, errlen);
	int rc;

	if (fd < 0)
		return fd;
	rc = agent_state_load(state_file, &s, err, errlen);
	if (!rc) {
		rc = change(&s, arg);
		if (rc == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		if (rc > 0)	/* changed */
			rc = agent_state_save(state_file, &s, err, errlen);
		agent_state_free(&s);
	}
	close(fd);	/* drops the lock */
	return rc < 0 ? rc : 0;
}

struct state_nexus *record_find_nexus(struct agent_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_nexuses; i++)
		if (strcmp(s->nexuses[i].name, name) == 0)
			return &s->nexuses[i];
	return NULL;
}

static struct state_pool *find_pool(struct agent_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_pools; i++)
		if (strcmp(s->pools[i].name, name) == 0)
			return &s->pools[i];
	return NULL;
}

/* A recorded child whose file or device is not on this node (now). */
static bool child_missing(const char *spec)
{
	struct child_uri uri;
	struct stat st;

	if (child_uri_parse(spec, &uri))
		return false;
	switch (uri.scheme) {
	case CHILD_SCHEME_PATH:
	case CHILD_SCHEME_AIO:
	case CHILD_SCHEME_FILE:
	case CHILD_SCHEME_BDEV:
		return stat(uri.path, &st) != 0 && errno == ENOENT;
	default:
		return false;
	}
}

static bool has_child(const struct state_nexus *n, const char *spec)
{
	for (size_t i = 0; i < n->n_children; i++)
		if (strcmp(n->children[i], spec) == 0)
			return true;
	return false;
}

static bool is_remote_spec(const char *spec)
{
	return strncmp(spec, "nvmf://", 7) == 0 || strncmp(spec, "iscsi://", 8) == 0;
}

/* The entry of old for member (36-character text), or -1. */
static int old_of_member(const struct state_nexus *old, const char *member)
{
	for (size_t i = 0; member[0] && i < old->n_children; i++)
		if (strcmp(old->members[i], member) == 0)
			return (int)i;
	return -1;
}

static void append_child(struct state_nexus *want, const struct state_nexus *old,
			 size_t i)
{
	memcpy(want->children[want->n_children], old->children[i],
	       sizeof(want->children[0]));
	memcpy(want->members[want->n_children], old->members[i],
	       sizeof(want->members[0]));
	want->n_children++;
}

/*
 * Members the kernel still waits for (MISSING) keep their recorded child
 * after those the kernel has, found by member UUID: a nexus restored
 * without a file, a disk or a remote target should get it back when it
 * returns (mayastor-agent reconnects remote ones), not forget it.  Entries
 * of an older record name no member: a file that does not exist or a
 * remote URI that no child of the kernel is stays, up to as many members
 * as the kernel misses and the record does not name.  A member forgotten
 * (nexus remove NAME UUID|missing) or removed is not missing: it goes.
 */
static void keep_missing_children(const struct state_nexus *old,
				  struct state_nexus *want,
				  const struct nexus_info *info)
{
	char uuid[NEXUS_UUID_STRLEN + 1];
	size_t unnamed = 0;
	int i;

	for (size_t k = 0; k < info->n_children; k++) {
		const struct nexus_child_info *c = &info->children[k];

		if (c->state != NEXUS_CHILD_MISSING)
			continue;
		i = c->uuid_present ? old_of_member(old, nexus_uuid_format(&c->uuid, uuid)) : -1;
		if (i < 0)
			unnamed++;
		else if (!has_child(want, old->children[i]) &&
			 want->n_children < NEXUS_MAX_CHILDREN)
			append_child(want, old, (size_t)i);
	}
	for (size_t j = 0; j < old->n_children && unnamed; j++) {
		if (want->n_children == NEXUS_MAX_CHILDREN)
			return;
		if (old->members[j][0] || has_child(want, old->children[j]) ||
		    !(child_missing(old->children[j]) || is_remote_spec(old->children[j])))
			continue;
		append_child(want, old, j);
		unnamed--;
	}
}

/*
 * A remote child's device is gone once its controller is (the target
 * died): the kernel still shows the old /dev/nvmeXnY, which names nothing
 * now.  Such a path keeps the URI recorded for the same member, so that
 * the daemon reconnects it (and a restore after a reboot finds it).  An
 * older record names no member: the first nvmf:// URI the new entry lacks.
 */
static bool vanished_dev(const char *spec)
{
	struct stat st;

	return strncmp(spec, "/dev/", 5) == 0 && stat(spec, &st) != 0;
}

static void keep_remote_children(const struct state_nexus *old,
				 struct state_nexus *want)
{
	size_t next = 0;
	int i;

	for (size_t k = 0; k < want->n_children; k++) {
		if (!vanished_dev(want->children[k]))
			continue;
		i = old_of_member(old, want->members[k]);
		if (i >= 0) {
			if (is_remote_spec(old->children[i]))
				memcpy(want->children[k], old->children[i],
				       sizeof(want->children[0]));
			continue;
		}
		if (strncmp(want->children[k], "/dev/nvme", 9) != 0)
			continue;
		while (next < old->n_children &&
		       (strncmp(old->children[next], "nvmf://", 7) != 0 ||
			old->members[next][0] || has_child(want, old->children[next])))
			next++;
		if (next == old->n_children)
			return;
		memcpy(want->children[k], old->children[next++],
		       sizeof(want->children[0]));
	}
}

/* A nexus entry to record, and the kernel's view it was made from. */
struct nexus_put {
	struct state_nexus *entry;
	const struct nexus_info *info;
};

/* Returns 1 when s changed, 0 when it already said so, -ENOMEM. */
static int put_nexus(struct agent_state *s, void *arg)
{
	const struct nexus_put *put = arg;
	struct state_nexus *want = put->entry;
	struct state_nexus *n = record_find_nexus(s, want->name);

	if (n && strcmp(n->uuid, want->uuid) == 0) {
		keep_remote_children(n, want);
		keep_missing_children(n, want, put->info);
		want->share = n->share;	/* the kernel knows nothing of it */
	}
	if (n && memcmp(n, want, sizeof(*n)) == 0)
		return 0;
	if (!n)
		n = agent_state_add_nexus(s);
	if (!n)
		return -ENOMEM;
	*n = *want;
	return 1;
}

/* ARG points to the name (a const char *). */
static int drop_nexus(struct agent_state *s, void *arg)
{
	const char *const *name = arg;
	struct state_nexus *n = record_find_nexus(s, *name);

	if (!n)
		return 0;
	memmove(n, n + 1, (size_t)(s->nexuses + s->n_nexuses - (n + 1)) * sizeof(*n));
	s->n_nexuses--;
	return 1;
}

static int put_pool(struct agent_state *s, void *arg)
{
	const struct state_pool *want = arg;
	struct state_pool *p = find_pool(s, want->name);

	if (p && memcmp(p, want, sizeof(*p)) == 0)
		return 0;
	if (!p)
		p = agent_state_add_pool(s);
	if (!p)
		return -ENOMEM;
	*p = *want;
	return 1;
}

/* ARG points to the name (a const char *). */
static int drop_pool(struct agent_state *s, void *arg)
{
	const char *const *name = arg;
	struct state_pool *p = find_pool(s, *name);

	if (!p)
		return 0;
	memmove(p, p + 1, (size_t)(s->pools + s->n_pools - (p + 1)) * sizeof(*p));
	s->n_pools--;
	return 1;
}

/* ---- the entry points ---------------------------------------------------- */

int record_put_nexus(struct agent_state *s, const struct nexus_info *info,
		     char *err, size_t errlen)
{
	struct state_nexus *entry = calloc(1, sizeof(*entry));
	struct nexus_put put = { .entry = entry, .info = info };
	int rc;

	if (!entry) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = record_nexus_entry(info, entry, err, errlen);
	if (!rc)
		rc = put_nexus(s, &put);
	free(entry);
	return rc;
}

struct info_put {
	const struct nexus_info *info;
	char *err;
	size_t errlen;
};

static int put_info(struct agent_state *s, void *arg)
{
	struct info_put *p = arg;

	return record_put_nexus(s, p->info, p->err, p->errlen);
}

int record_nexus_info(const char *state_file, const struct nexus_info *info,
		      char *err, size_t errlen)
{
	struct info_put p = { info, err, errlen };

	return record_update(state_file, put_info, &p, err, errlen);
}

struct change_put {
	struct nexus_handle *h;
	const char *name;
	struct record_change *ch;
	char *err;
	size_t errlen;
};

/* The change, then the nexus as the kernel has it now (gone: as it was). */
static int change_and_put(struct agent_state *s, void *arg)
{
	struct change_put *p = arg;
	struct nexus_info info;
	int rc;

	p->ch->op_rc = p->ch->op(s, p->ch->arg);
	p->ch->ran = true;
	/*
	 * A refused change changes nothing, not even the record (recording
	 * looks at the children: LVM, which reads every block device).
	 */
	if (p->ch->op_rc || nexus_get(p->h, p->name, &info))
		return 0;
	rc = record_put_nexus(s, &info, p->err, p->errlen);
	nexus_info_free(&info);
	return rc;
}

int record_nexus_change(struct nexus_handle *h, const char *state_file,
			const char *name, struct record_change *ch, char *err,
			size_t errlen)
{
	struct change_put p = { h, name, ch, err, errlen };
	int rc = 0;

	ch->ran = false;
	if (state_file)
		rc = record_update(state_file, change_and_put, &p, err, errlen);
	/* No lock or no file: the change does not depend on its record. */
	if (!ch->ran)
		ch->op_rc = ch->op(NULL, ch->arg);
	return rc;
}

static int store_pool(const char *state_file, const struct pool_info *info,
		      char *err, size_t errlen)
{
	struct state_pool *entry = calloc(1, sizeof(*entry));
	int rc;

	if (!entry) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = pool_entry(info, entry);
	if (rc)
		snprintf(err, errlen, "pool %s: a disk name is too long", info->name);
	else
		rc = record_update(state_file, put_pool, entry, err, errlen);
	free(entry);
	return rc;
}

int record_nexus(struct nexus_handle *h, const char *state_file,
		 const char *name, char *err, size_t errlen)
{
	struct nexus_info info;
	int rc = nexus_get(h, name, &info);

	if (rc) {
		snprintf(err, errlen, "nexus %s: %s", name, strerror(-rc));
		return rc;
	}
	rc = record_nexus_info(state_file, &info, err, errlen);
	nexus_info_free(&info);
	return rc;
}

int forget_nexus(const char *state_file, const char *name, char *err,
		 size_t errlen)
{
	return record_update(state_file, drop_nexus, &name, err, errlen);
}

int record_pool(const char *state_file, const char *name, char *err,
		size_t errlen)
{
	struct pool_list pools = { 0 };
	int rc = pool_list_get(name, &pools, err, errlen);

	if (!rc && pools.count != 1) {
		snprintf(err, errlen, "no pool named %s", name);
		rc = -ENOENT;
	}
	if (!rc)
		rc = store_pool(state_file, &pools.items[0], err, errlen);
	pool_list_free(&pools);
	return rc;
}

int forget_pool(const char *state_file, const char *name, char *err,
		size_t errlen)
{
	return record_update(state_file, drop_pool, &name, err, errlen);
}

int record_all(struct nexus_handle *h, const char *state_file, char *err,
	       size_t errlen)
{
	struct nexus_list nexuses = { 0 };
	struct pool_list pools = { 0 };
	int rc = 0;

	if (h && (rc = nexus_list(h, &nexuses)) != 0)
		snprintf(err, errlen, "cannot list nexuses: %s", strerror(-rc));
	for (size_t i = 0; !rc && i < nexuses.count; i++)
		rc = record_nexus_info(state_file, &nexuses.items[i], err, errlen);
	nexus_list_free(&nexuses);
	if (!rc)
		rc = pool_list_get(NULL, &pools, err, errlen);
	for (size_t i = 0; !rc && i < pools.count; i++)
		rc = store_pool(state_file, &pools.items[i], err, errlen);
	pool_list_free(&pools);
	return rc;
}
