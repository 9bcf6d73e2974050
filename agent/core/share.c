// SPDX-License-Identifier: Apache-2.0
/* A nexus's publication as the state file records it (share.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share.h"

const char *share_protocol_check(const char *protocol)
{
	if (strcmp(protocol, SHARE_PROTOCOL_VHOST) == 0)
		return NULL;
	return "unknown share protocol (supported: " SHARE_PROTOCOL_VHOST ")";
}

const char *share_socket_check(const char *path)
{
	if (path[0] != '/')
		return "must be an absolute path";
	if (strlen(path) >= SHARE_SOCKET_MAX)
		return "too long for a unix socket (at most 107 bytes)";
	if (path[strlen(path) - 1] == '/')
		return "names a directory";
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "has control characters";
	return NULL;
}

const char *share_run_dir(void)
{
	const char *env = getenv("MAYASTOR_RUN_DIR");

	return env && *env ? env : SHARE_RUN_DIR;
}

static int run_file(const char *name, const char *suffix, char *out,
		    size_t size)
{
	int n = snprintf(out, size, "%s/vhost/%s.%s", share_run_dir(), name,
			 suffix);

	return n >= 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

int share_default_socket(const char *name, char *out, size_t size)
{
	return run_file(name, "sock", out, size);
}

int share_log_path(const char *name, char *out, size_t size)
{
	return run_file(name, "log", out, size);
}

json_object *share_to_state_json(const struct state_share *sh)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "protocol", json_object_new_string(sh->protocol));
	json_object_object_add(o, "socket", json_object_new_string(sh->socket));
	json_object_object_add(o, "queues", json_object_new_int64(sh->queues));
	json_object_object_add(o, "read_only", json_object_new_boolean(sh->read_only));
	json_object_object_add(o, "pid", json_object_new_int64(sh->pid));
	json_object_object_add(o, "pid_start",
			       json_object_new_int64((int64_t)sh->pid_start));
	return o;
}

/* ---- parsing ------------------------------------------------------------ */

static int bad(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "share: %s", what);
	return -EINVAL;
}

static const char *get_string(json_object *obj, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An integer in [min, max]; *ok false when absent, wrong-typed or out. */
static int64_t get_int(json_object *obj, const char *key, int64_t min,
		       int64_t max, bool *ok)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_int)) {
		*ok = false;
		return 0;
	}
	n = json_object_get_int64(v);
	if (n < min || n > max)
		*ok = false;
	return n;
}

static int parse_strings(json_object *obj, struct state_share *out, char *err,
			 size_t errlen)
{
	const char *protocol = get_string(obj, "protocol");
	const char *socket = get_string(obj, "socket");

	if (!protocol || share_protocol_check(protocol))
		return bad(err, errlen, "missing or unknown \"protocol\"");
	if (!socket || share_socket_check(socket))
		return bad(err, errlen, "missing or invalid \"socket\"");
	snprintf(out->protocol, sizeof(out->protocol), "%s", protocol);
	snprintf(out->socket, sizeof(out->socket), "%s", socket);
	return 0;
}

int share_parse(json_object *obj, struct state_share *out, char *err,
		size_t errlen)
{
	json_object *ro;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object))
		return bad(err, errlen, "expected an object");
	if (parse_strings(obj, out, err, errlen))
		return -EINVAL;
	out->queues = (uint32_t)get_int(obj, "queues", 1, SHARE_QUEUES_MAX, &ok);
	if (!ok)
		return bad(err, errlen, "\"queues\": expected 1 to 16");
	out->pid = (pid_t)get_int(obj, "pid", 0, INT32_MAX, &ok);
	out->pid_start = (uint64_t)get_int(obj, "pid_start", 0, INT64_MAX, &ok);
	if (!ok)
		return bad(err, errlen, "\"pid\", \"pid_start\": expected numbers");
	if (!json_object_object_get_ex(obj, "read_only", &ro) ||
	    !json_object_is_type(ro, json_type_boolean))
		return bad(err, errlen, "\"read_only\": expected true or false");
	out->read_only = json_object_get_boolean(ro);
	out->present = true;
	return 0;
}

json_object *share_to_json(const struct state_share *sh, bool running)
{
	json_object *o;

	if (!sh || !sh->present)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "protocol", json_object_new_string(sh->protocol));
	json_object_object_add(o, "socket", json_object_new_string(sh->socket));
	json_object_object_add(o, "queues", json_object_new_int64(sh->queues));
	json_object_object_add(o, "read_only", json_object_new_boolean(sh->read_only));
	json_object_object_add(o, "pid", running ? json_object_new_int64(sh->pid) : NULL);
	json_object_object_add(o, "running", json_object_new_boolean(running));
	return o;
}
