/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Value types of libnexus: names, UUIDs, enum names and *_free(). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libnexus.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *enum_name(const char *const *names, size_t n, unsigned v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

const char *nexus_state_str(enum nexus_state state)
{
	static const char *const names[] = {
		[NEXUS_STATE_ONLINE] = "online",
		[NEXUS_STATE_DEGRADED] = "degraded",
		[NEXUS_STATE_FAULTED] = "faulted",
		[NEXUS_STATE_SHUTDOWN] = "shutdown",
	};
	return enum_name(names, ARRAY_SIZE(names), state);
}

const char *nexus_child_state_str(enum nexus_child_state state)
{
	static const char *const names[] = {
		[NEXUS_CHILD_ONLINE] = "online",
		[NEXUS_CHILD_OUT_OF_SYNC] = "out-of-sync",
		[NEXUS_CHILD_REBUILDING] = "rebuilding",
		[NEXUS_CHILD_FAULTED] = "faulted",
		[NEXUS_CHILD_OFFLINE] = "offline",
		[NEXUS_CHILD_MISSING] = "missing",
	};
	return enum_name(names, ARRAY_SIZE(names), state);
}

const char *nexus_child_reason_str(enum nexus_child_reason reason)
{
	static const char *const names[] = {
		[NEXUS_REASON_NONE] = "none",
		[NEXUS_REASON_IO_ERROR] = "io-error",
		[NEXUS_REASON_REMOVED] = "removed",
		[NEXUS_REASON_ADMIN] = "admin",
		[NEXUS_REASON_REBUILD_FAILED] = "rebuild-failed",
	};
	return enum_name(names, ARRAY_SIZE(names), reason);
}

const char *nexus_rebuild_state_str(enum nexus_rebuild_state state)
{
	static const char *const names[] = {
		[NEXUS_REBUILD_NONE] = "none",
		[NEXUS_REBUILD_RUNNING] = "running",
		[NEXUS_REBUILD_PAUSED] = "paused",
		[NEXUS_REBUILD_STOPPED] = "stopped",
		[NEXUS_REBUILD_DONE] = "done",
		[NEXUS_REBUILD_FAILED] = "failed",
	};
	return enum_name(names, ARRAY_SIZE(names), state);
}

const char *nexus_event_type_str(enum nexus_event_type type)
{
	static const char *const names[] = {
		[NEXUS_EVENT_NEXUS_CREATED] = "nexus-created",
		[NEXUS_EVENT_NEXUS_DESTROYED] = "nexus-destroyed",
		[NEXUS_EVENT_NEXUS_STATE] = "nexus-state",
		[NEXUS_EVENT_CHILD_ADDED] = "child-added",
		[NEXUS_EVENT_CHILD_REMOVED] = "child-removed",
		[NEXUS_EVENT_CHILD_STATE] = "child-state",
		[NEXUS_EVENT_REBUILD_STARTED] = "rebuild-started",
		[NEXUS_EVENT_REBUILD_PROGRESS] = "rebuild-progress",
		[NEXUS_EVENT_REBUILD_DONE] = "rebuild-done",
		[NEXUS_EVENT_REBUILD_FAILED] = "rebuild-failed",
		[NEXUS_EVENT_REBUILD_STOPPED] = "rebuild-stopped",
		[NEXUS_EVENT_SCRUB_STARTED] = "scrub-started",
		[NEXUS_EVENT_SCRUB_PROGRESS] = "scrub-progress",
		[NEXUS_EVENT_SCRUB_DONE] = "scrub-done",
		[NEXUS_EVENT_SCRUB_STOPPED] = "scrub-stopped",
		[NEXUS_EVENT_SCRUB_FAILED] = "scrub-failed",
	};
	return enum_name(names, ARRAY_SIZE(names), type);
}

const char *nexus_scrub_state_str(enum nexus_scrub_state state)
{
	static const char *const names[] = {
		[NEXUS_SCRUB_IDLE] = "idle",
		[NEXUS_SCRUB_RUNNING] = "running",
		[NEXUS_SCRUB_DONE] = "done",
		[NEXUS_SCRUB_STOPPED] = "stopped",
		[NEXUS_SCRUB_FAILED] = "failed",
	};
	return enum_name(names, ARRAY_SIZE(names), state);
}

const char *nexus_scrub_mode_str(enum nexus_scrub_mode mode)
{
	static const char *const names[] = {
		[NEXUS_SCRUB_CHECK] = "check",
		[NEXUS_SCRUB_REPAIR] = "repair",
	};
	return enum_name(names, ARRAY_SIZE(names), mode);
}

bool nexus_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	/* As nexus.ko: no leading '.', '_' or '-' ("..", "-x" are no names). */
	if (len == 0 || len > NEXUS_NAME_MAX || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

bool nexus_path_valid(const char *path)
{
	size_t len = path ? strlen(path) : 0;

	return len > 0 && len <= NEXUS_PATH_MAX;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool uuid_dash_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

int nexus_uuid_parse(const char *text, struct nexus_uuid *out)
{
	struct nexus_uuid uuid;
	size_t nibble = 0;

	if (!text || strlen(text) != NEXUS_UUID_STRLEN)
		return -EINVAL;
	for (size_t i = 0; i < NEXUS_UUID_STRLEN; i++) {
		int v;

		if (uuid_dash_at(i)) {
			if (text[i] != '-')
				return -EINVAL;
			continue;
		}
		v = hex_value(text[i]);
		if (v < 0)
			return -EINVAL;
		if (nibble % 2 == 0)
			uuid.bytes[nibble / 2] = (uint8_t)(v << 4);
		else
			uuid.bytes[nibble / 2] |= (uint8_t)v;
		nibble++;
	}
	*out = uuid;
	return 0;
}

char *nexus_uuid_format(const struct nexus_uuid *uuid,
			char buf[NEXUS_UUID_STRLEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t pos = 0;

	for (size_t i = 0; i < NEXUS_UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[pos++] = '-';
		buf[pos++] = hex[uuid->bytes[i] >> 4];
		buf[pos++] = hex[uuid->bytes[i] & 0xf];
	}
	buf[pos] = '\0';
	return buf;
}

bool nexus_uuid_is_null(const struct nexus_uuid *uuid)
{
	static const struct nexus_uuid null_uuid;

	return memcmp(uuid, &null_uuid, sizeof(*uuid)) == 0;
}

const struct nexus_child_info *nexus_info_find_child(const struct nexus_info *info,
						     const char *path)
{
	for (size_t i = 0; i < info->n_children; i++)
		if (strcmp(info->children[i].path, path) == 0)
			return &info->children[i];
	return NULL;
}

void nexus_child_info_free(struct nexus_child_info *child)
{
	/* Owns nothing on the heap today; keep the call for future fields. */
	memset(child, 0, sizeof(*child));
}

void nexus_info_free(struct nexus_info *info)
{
	for (size_t i = 0; i < info->n_children; i++)
		nexus_child_info_free(&info->children[i]);
	free(info->children);
	memset(info, 0, sizeof(*info));
}

void nexus_list_free(struct nexus_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		nexus_info_free(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void nexus_event_free(struct nexus_event *event)
{
	nexus_child_info_free(&event->child);
	memset(event, 0, sizeof(*event));
}

int nexus_create_req_init(struct nexus_create_req *req, const char *name)
{
	memset(req, 0, sizeof(*req));
	if (!nexus_name_valid(name))
		return -EINVAL;
	strcpy(req->name, name);
	return 0;
}

int nexus_create_req_add_child(struct nexus_create_req *req, const char *path)
{
	char **grown;
	char *copy;

	if (!nexus_path_valid(path))
		return -EINVAL;
	if (req->n_children >= NEXUS_MAX_CHILDREN)
		return -E2BIG;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	grown = realloc(req->children, (req->n_children + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	grown[req->n_children++] = copy;
	req->children = grown;
	return 0;
}

void nexus_create_req_free(struct nexus_create_req *req)
{
	for (size_t i = 0; i < req->n_children; i++)
		free(req->children[i]);
	free(req->children);
	memset(req, 0, sizeof(*req));
}

void nexus_set_req_free(struct nexus_set_req *req)
{
	memset(req, 0, sizeof(*req));
}
