// SPDX-License-Identifier: Apache-2.0
/* The agent's persisted configuration: JSON form and atomic file updates. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agent_state.h"

void agent_state_free(struct agent_state *s)
{
	free(s->pools);
	free(s->nexuses);
	memset(s, 0, sizeof(*s));
}

static void *grow(void *items, size_t count, size_t item_size)
{
	char *p = realloc(items, (count + 1) * item_size);

	if (p)
		memset(p + count * item_size, 0, item_size);
	return p;
}

struct state_pool *agent_state_add_pool(struct agent_state *s)
{
	struct state_pool *p = grow(s->pools, s->n_pools, sizeof(*p));

	if (!p)
		return NULL;
	s->pools = p;
	return &p[s->n_pools++];
}

struct state_nexus *agent_state_add_nexus(struct agent_state *s)
{
	struct state_nexus *n = grow(s->nexuses, s->n_nexuses, sizeof(*n));

	if (!n)
		return NULL;
	s->nexuses = n;
	return &n[s->n_nexuses++];
}

/* ---- parsing ------------------------------------------------------------ */

struct parse_ctx {
	char *err;
	size_t errlen;
};

static int bad(struct parse_ctx *pc, const char *fmt, const char *what)
{
	snprintf(pc->err, pc->errlen, fmt, what);
	return -EINVAL;
}

/* The value of key in obj if it has type type, else NULL. */
static json_object *member(json_object *obj, const char *key, json_type type)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int copy_string(struct parse_ctx *pc, json_object *v, char *dst,
		       size_t size, const char *what)
{
	const char *s = json_object_get_string(v);

	if (!json_object_is_type(v, json_type_string) || !*s)
		return bad(pc, "%s: expected a non-empty string", what);
	if (strlen(s) >= size)
		return bad(pc, "%s: too long", what);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* A string array into count entries of dst (max entries of PATH_MAX). */
static int copy_paths(struct parse_ctx *pc, json_object *obj, const char *key,
		      char (*dst)[PATH_MAX], size_t max, size_t *count)
{
	json_object *arr = member(obj, key, json_type_array);
	size_t n;

	if (!arr)
		return bad(pc, "missing array \"%s\"", key);
	n = json_object_array_length(arr);
	if (n > max)
		return bad(pc, "too many entries in \"%s\"", key);
	for (size_t i = 0; i < n; i++)
		if (copy_string(pc, json_object_array_get_idx(arr, i), dst[i],
				PATH_MAX, key))
			return -EINVAL;
	*count = n;
	return 0;
}

static int parse_pool(struct parse_ctx *pc, json_object *obj,
		      struct state_pool *p)
{
	json_object *name = member(obj, "name", json_type_string);

	if (!name)
		return bad(pc, "%s", "pool without a \"name\"");
	if (copy_string(pc, name, p->name, sizeof(p->name), "pool name"))
		return -EINVAL;
	if (!pool_name_valid(p->name))
		return bad(pc, "invalid pool name '%s'", p->name);
	return copy_paths(pc, obj, "disks", p->disks, POOL_MAX_DISKS, &p->n_disks);
}

static int parse_number(struct parse_ctx *pc, json_object *obj, const char *key,
			uint64_t max, uint64_t *out)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(obj, key, &v)) {
		*out = 0;
		return 0;
	}
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < 0 || (uint64_t)n > max)
		return bad(pc, "\"%s\": expected a number of bytes", key);
	*out = (uint64_t)n;
	return 0;
}

/* "members": optional; one UUID (or null) per child. */
static int parse_members(struct parse_ctx *pc, json_object *obj,
			 struct state_nexus *n)
{
	json_object *arr, *v;
	struct nexus_uuid u;

	if (!json_object_object_get_ex(obj, "members", &arr) || !arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) != n->n_children)
		return bad(pc, "nexus %s: \"members\": expected one member UUID "
			   "(or null) per child", n->name);
	for (size_t i = 0; i < n->n_children; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!v)
			continue;
		if (!json_object_is_type(v, json_type_string) ||
		    nexus_uuid_parse(json_object_get_string(v), &u))
			return bad(pc, "nexus %s: \"members\": expected one member "
				   "UUID (or null) per child", n->name);
		nexus_uuid_format(&u, n->members[i]);
	}
	return 0;
}

/* "share": only while published. */
static int parse_share(struct parse_ctx *pc, json_object *obj,
		       struct state_nexus *n)
{
	json_object *share;
	char why[256];

	if (!json_object_object_get_ex(obj, "share", &share) || !share)
		return 0;
	if (!share_parse(share, &n->share, why, sizeof(why)))
		return 0;
	snprintf(pc->err, pc->errlen, "nexus %s: %s", n->name, why);
	return -EINVAL;
}

static int parse_nexus(struct parse_ctx *pc, json_object *obj,
		       struct state_nexus *n)
{
	json_object *name = member(obj, "name", json_type_string);
	json_object *uuid = member(obj, "uuid", json_type_string);
	struct nexus_uuid parsed;
	uint64_t region = 0;

	if (!name)
		return bad(pc, "%s", "nexus without a \"name\"");
	if (copy_string(pc, name, n->name, sizeof(n->name), "nexus name"))
		return -EINVAL;
	if (!nexus_name_valid(n->name))
		return bad(pc, "invalid nexus name '%s'", n->name);
	if (!uuid || copy_string(pc, uuid, n->uuid, sizeof(n->uuid), "uuid") ||
	    nexus_uuid_parse(n->uuid, &parsed))
		return bad(pc, "nexus %s: missing or invalid \"uuid\"", n->name);
	if (parse_number(pc, obj, "size", UINT64_MAX >> 1, &n->size) ||
	    parse_number(pc, obj, "region_size", UINT32_MAX, &region))
		return -EINVAL;
	n->region_size = (uint32_t)region;
	if (copy_paths(pc, obj, "children", n->children, NEXUS_MAX_CHILDREN,
		       &n->n_children))
		return -EINVAL;
	if (!n->n_children)
		return bad(pc, "nexus %s: no children", n->name);
	if (parse_members(pc, obj, n))
		return -EINVAL;
	return parse_share(pc, obj, n);
}

static int parse_all(struct parse_ctx *pc, json_object *root,
		     struct agent_state *out)
{
	json_object *pools = member(root, "pools", json_type_array);
	json_object *nexuses = member(root, "nexuses", json_type_array);
	json_object *version = member(root, "version", json_type_int);

	if (!version || json_object_get_int(version) != AGENT_STATE_VERSION)
		return bad(pc, "unsupported \"version\" (this agent reads %s)", "1");
	for (size_t i = 0; pools && i < json_object_array_length(pools); i++) {
		struct state_pool *p = agent_state_add_pool(out);

		if (!p)
			return -ENOMEM;
		if (parse_pool(pc, json_object_array_get_idx(pools, i), p))
			return -EINVAL;
	}
	for (size_t i = 0; nexuses && i < json_object_array_length(nexuses); i++) {
		struct state_nexus *n = agent_state_add_nexus(out);

		if (!n)
			return -ENOMEM;
		if (parse_nexus(pc, json_object_array_get_idx(nexuses, i), n))
			return -EINVAL;
	}
	return 0;
}

int agent_state_parse(const char *text, struct agent_state *out, char *err,
		      size_t errlen)
{
	struct parse_ctx pc = { .err = err, .errlen = errlen };
	json_object *root = json_tokener_parse(text);
	int rc;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return bad(&pc, "%s", "not a JSON object");
	}
	rc = parse_all(&pc, root, out);
	json_object_put(root);
	if (rc)
		agent_state_free(out);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	return rc;
}

/* ---- formatting --------------------------------------------------------- */

static json_object *paths_to_json(const char (*paths)[PATH_MAX], size_t n)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < n; i++)
		json_object_array_add(arr, json_object_new_string(paths[i]));
	return arr;
}

/* The "members" array, or NULL when no member is known (an older entry). */
static json_object *members_to_json(const struct state_nexus *n)
{
	json_object *arr;
	bool any = false;

	for (size_t i = 0; i < n->n_children; i++)
		any |= n->members[i][0] != '\0';
	if (!any)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; arr && i < n->n_children; i++)
		json_object_array_add(arr, n->members[i][0] ?
				      json_object_new_string(n->members[i]) : NULL);
	return arr;
}

static json_object *pool_to_json(const struct state_pool *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "disks", paths_to_json(p->disks, p->n_disks));
	return o;
}

static json_object *nexus_to_state_json(const struct state_nexus *n)
{
	json_object *o = json_object_new_object();
	json_object *members;

	json_object_object_add(o, "name", json_object_new_string(n->name));
	json_object_object_add(o, "uuid", json_object_new_string(n->uuid));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)n->size));
	json_object_object_add(o, "region_size", json_object_new_int64(n->region_size));
	json_object_object_add(o, "children",
			       paths_to_json(n->children, n->n_children));
	members = members_to_json(n);
	if (members)
		json_object_object_add(o, "members", members);
	if (n->share.present)
		json_object_object_add(o, "share", share_to_state_json(&n->share));
	return o;
}

char *agent_state_format(const struct agent_state *s)
{
	json_object *root = json_object_new_object();
	json_object *pools = json_object_new_array();
	json_object *nexuses = json_object_new_array();
	const char *text;
	char *out = NULL;

	json_object_object_add(root, "version", json_object_new_int(AGENT_STATE_VERSION));
	json_object_object_add(root, "pools", pools);
	json_object_object_add(root, "nexuses", nexuses);
	for (size_t i = 0; i < s->n_pools; i++)
		json_object_array_add(pools, pool_to_json(&s->pools[i]));
	for (size_t i = 0; i < s->n_nexuses; i++)
		json_object_array_add(nexuses, nexus_to_state_json(&s->nexuses[i]));
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && asprintf(&out, "%s\n", text) < 0)
		out = NULL;
	json_object_put(root);
	return out;
}

/* ---- files -------------------------------------------------------------- */

static char *read_all(FILE *f)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *p;
	size_t got;

	while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len > 1)
			continue;
		p = realloc(buf, cap * 2);
		if (!p) {
			free(buf);
			return NULL;
		}
		buf = p;
		cap *= 2;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

int agent_state_load(const char *path, struct agent_state *out, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "re");
	char why[512];
	char *text;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!f) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	text = read_all(f);
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!text || rc) {
		free(text);
		snprintf(err, errlen, "%s: %s", path, rc ? "read error" : "out of memory");
		return rc ?: -ENOMEM;
	}
	rc = agent_state_parse(text, out, why, sizeof(why));
	free(text);
	if (rc)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}

int agent_state_mkdirs(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; ; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*p = '/';
	}
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		rc = -errno;
	close(fd);
	return rc;
}

static int write_all(int fd, const char *text)
{
	size_t len = strlen(text), done = 0;

	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return fsync(fd) ? -errno : 0;
}

/* Writes text to a new file next to path and renames it over path. */
static int replace_file(const char *path, const char *dir, const char *text)
{
	char tmp[PATH_MAX + 16];
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, text);
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	return fsync_dir(dir);
}

int agent_state_save(const char *path, const struct agent_state *s, char *err,
		     size_t errlen)
{
	char dir[PATH_MAX];
	char *text;
	int rc;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	*(strrchr(dir, '/') ?: dir) = '\0';
	if (!dir[0])
		snprintf(dir, sizeof(dir), "%s", path[0] == '/' ? "/" : ".");
	rc = agent_state_mkdirs(dir);
	if (rc) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(-rc));
		return rc;
	}
	text = agent_state_format(s);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = replace_file(path, dir, text);
	free(text);
	if (rc)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
	return rc;
}
