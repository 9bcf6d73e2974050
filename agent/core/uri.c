/* SPDX-License-Identifier: Apache-2.0 */
/* A small strict URI parser: scheme://authority/path?key=value&... */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uri.h"

#define NVMF_DEFAULT_PORT 4420
#define ISCSI_DEFAULT_PORT 3260

static const char *const scheme_names[] = {
	[CHILD_SCHEME_PATH] = "path",
	[CHILD_SCHEME_AIO] = "aio",
	[CHILD_SCHEME_FILE] = "file",
	[CHILD_SCHEME_BDEV] = "bdev",
	[CHILD_SCHEME_NVMF] = "nvmf",
	[CHILD_SCHEME_ISCSI] = "iscsi",
	[CHILD_SCHEME_LVOL] = "lvol",
};

const char *child_scheme_str(enum child_scheme scheme)
{
	if ((size_t)scheme < sizeof(scheme_names) / sizeof(scheme_names[0]))
		return scheme_names[scheme];
	return "unknown";
}

/* The text of one URI, cut into its parts (all NUL-terminated copies). */
struct uri_parts {
	char authority[300];
	char path[PATH_MAX];
	char query[512];
};

static int hex_digit(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes src[0..len) into dst; NULL or the reason. */
static const char *decode(const char *src, size_t len, char *dst, size_t size)
{
	size_t out = 0;

	for (size_t i = 0; i < len; i++) {
		char c = src[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return "incomplete %-escape";
			hi = hex_digit(src[i + 1]);
			lo = hex_digit(src[i + 2]);
			if (hi < 0 || lo < 0)
				return "bad %-escape";
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return "%00 is not allowed";
			i += 2;
		}
		if (out + 1 >= size)
			return "too long";
		dst[out++] = c;
	}
	dst[out] = '\0';
	return NULL;
}

static const char *copy_part(const char *start, size_t len, char *dst, size_t size)
{
	if (len >= size)
		return "too long";
	memcpy(dst, start, len);
	dst[len] = '\0';
	return NULL;
}

/* Splits "authority/path?query" (what follows "scheme://"). */
static const char *split(const char *rest, struct uri_parts *parts)
{
	const char *query = strchr(rest, '?');
	size_t before_query = query ? (size_t)(query - rest) : strlen(rest);
	const char *slash = memchr(rest, '/', before_query);
	size_t auth_len = slash ? (size_t)(slash - rest) : before_query;
	const char *err;

	err = copy_part(rest, auth_len, parts->authority, sizeof(parts->authority));
	if (!err)
		err = copy_part(rest + auth_len, before_query - auth_len,
				parts->path, sizeof(parts->path));
	if (!err && query)
		err = copy_part(query + 1, strlen(query + 1), parts->query,
				sizeof(parts->query));
	return err;
}

static const char *parse_port(const char *text, struct child_uri *out)
{
	unsigned long port = 0;

	if (!*text)
		return "empty port";
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return "port is not a number";
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535)
			return "port out of range (1-65535)";
	}
	if (port == 0)
		return "port out of range (1-65535)";
	out->port = (uint16_t)port;
	out->port_present = true;
	return NULL;
}

/* host, host:port, [v6addr], [v6addr]:port */
static const char *parse_authority(char *auth, struct child_uri *out)
{
	char *port = NULL;

	if (auth[0] == '[') {
		char *end = strchr(auth, ']');

		if (!end)
			return "missing ']' after IPv6 address";
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return "junk after ']'";
		*end = '\0';
		auth++;		/* the host is the address inside the brackets */
	} else {
		port = strchr(auth, ':');
		if (port)
			*port++ = '\0';
	}
	if (port) {
		const char *err = parse_port(port, out);

		if (err)
			return err;
	}
	return decode(auth, strlen(auth), out->host, sizeof(out->host));
}

static const char *add_param(const char *pair, size_t len, struct child_uri *out)
{
	const char *eq = memchr(pair, '=', len);
	size_t key_len = eq ? (size_t)(eq - pair) : len;
	struct uri_param *p;
	const char *err;

	if (key_len == 0)
		return "query parameter without a name";
	if (out->n_params >= URI_MAX_PARAMS)
		return "too many query parameters";
	p = &out->params[out->n_params];
	err = decode(pair, key_len, p->key, sizeof(p->key));
	if (!err && eq)
		err = decode(eq + 1, len - key_len - 1, p->value, sizeof(p->value));
	if (err)
		return err;
	if (child_uri_param(out, p->key))
		return "query parameter given twice";
	out->n_params++;
	return NULL;
}

static const char *parse_query(const char *query, struct child_uri *out)
{
	while (*query) {
		size_t len = strcspn(query, "&");
		const char *err = len ? add_param(query, len, out) : NULL;

		if (err)
			return err;
		query += len;
		if (*query == '&')
			query++;
	}
	return NULL;
}

const char *child_uri_param(const struct child_uri *uri, const char *key)
{
	for (size_t i = 0; i < uri->n_params; i++)
		if (strcmp(uri->params[i].key, key) == 0)
			return uri->params[i].value;
	return NULL;
}

/* aio, file and bdev name a local path and know one parameter. */
static const char *check_local(const struct child_uri *uri)
{
	const char *bs;

	if (uri->host[0] || uri->port_present)
		return "a local URI takes no host (write scheme:///absolute/path)";
	if (uri->path[0] != '/')
		return "missing absolute path";
	for (size_t i = 0; i < uri->n_params; i++)
		if (strcmp(uri->params[i].key, "blk_size") != 0)
			return "unknown query parameter (only blk_size is known)";
	bs = child_uri_param(uri, "blk_size");
	if (bs && strcmp(bs, "512") != 0 && strcmp(bs, "4096") != 0)
		return "blk_size must be 512 or 4096";
	return NULL;
}

/* Moves "/name" to "name": remote schemes carry a name, not a path. */
static void drop_leading_slash(char *path)
{
	if (path[0] == '/')
		memmove(path, path + 1, strlen(path));
}

/* The query parameters of nvmf:// and iscsi://: timeouts, in seconds. */
struct tmo_param {
	const char *key;
	long min, max;
	const char *why;
};

static const struct tmo_param nvmf_params[] = {
	{ "ctrl_loss_tmo", 1, 3600, "ctrl_loss_tmo must be 1-3600 seconds" },
	{ "reconnect_delay", 1, 600, "reconnect_delay must be 1-600 seconds" },
	{ "fast_io_fail_tmo", 1, 600, "fast_io_fail_tmo must be 1-600 seconds" },
	{ "keep_alive_tmo", 1, 600, "keep_alive_tmo must be 1-600 seconds" },
	{ 0 },
};

static const struct tmo_param iscsi_params[] = {
	{ "replacement_timeout", 1, 600, "replacement_timeout must be 1-600 seconds" },
	{ "noop_out_interval", 1, 60, "noop_out_interval must be 1-60 seconds" },
	{ "noop_out_timeout", 1, 60, "noop_out_timeout must be 1-60 seconds" },
	{ 0 },
};

static const struct tmo_param *params_of(enum child_scheme scheme)
{
	return scheme == CHILD_SCHEME_NVMF ? nvmf_params :
	       scheme == CHILD_SCHEME_ISCSI ? iscsi_params : NULL;
}

/* A decimal number in [min, max], else -1 (ranges start at 0 or more). */
static long param_number(const char *text, long min, long max)
{
	long v = 0;

	if (!*text || strlen(text) > 9 || strspn(text, "0123456789") != strlen(text))
		return -1;
	v = strtol(text, NULL, 10);
	return v >= min && v <= max ? v : -1;
}

long child_uri_tmo_param(const struct child_uri *uri, const char *key)
{
	const struct tmo_param *t = params_of(uri->scheme);
	const char *v = child_uri_param(uri, key);

	for (; t && v && t->key; t++)
		if (strcmp(t->key, key) == 0)
			return param_number(v, t->min, t->max);
	return -1;
}

/* Every parameter known and in range; unknown: "known: a, b, c". */
static const char *check_tmo_params(const struct child_uri *uri,
				    const char *unknown)
{
	const struct tmo_param *t = params_of(uri->scheme);

	for (size_t i = 0; i < uri->n_params; i++) {
		const struct tmo_param *k = t;

		while (k->key && strcmp(k->key, uri->params[i].key) != 0)
			k++;
		if (!k->key)
			return unknown;
		if (param_number(uri->params[i].value, k->min, k->max) < 0)
			return k->why;
	}
	return NULL;
}

static const char *check_nvmf_params(const struct child_uri *uri)
{
	const char *why = check_tmo_params(uri, "unknown query parameter (known: "
					   "ctrl_loss_tmo, reconnect_delay, "
					   "fast_io_fail_tmo, keep_alive_tmo)");
	long loss, delay, fail;

	if (why)
		return why;
	loss = child_uri_tmo_param(uri, "ctrl_loss_tmo");
	delay = child_uri_tmo_param(uri, "reconnect_delay");
	fail = child_uri_tmo_param(uri, "fast_io_fail_tmo");
	if (loss >= 0 && delay > loss)
		return "reconnect_delay must not be longer than ctrl_loss_tmo";
	if (loss >= 0 && fail > loss)
		return "fast_io_fail_tmo must not be longer than ctrl_loss_tmo";
	return NULL;
}

static const char *check_nvmf(struct child_uri *uri)
{
	if (!uri->host[0])
		return "missing host";
	drop_leading_slash(uri->path);
	if (!uri->path[0])
		return "missing NQN (nvmf://host:port/nqn)";
	if (strlen(uri->path) > 223)
		return "NQN longer than 223 bytes";
	if (strchr(uri->path, '/') || strchr(uri->path, ','))
		return "NQN must not contain '/' or ','";
	if (strchr(uri->host, ','))
		return "host must not contain ','";
	if (!uri->port_present)
		uri->port = NVMF_DEFAULT_PORT;
	return check_nvmf_params(uri);
}

static const char *check_iscsi(struct child_uri *uri)
{
	char *slash;

	if (!uri->host[0])
		return "missing host";
	drop_leading_slash(uri->path);
	slash = strrchr(uri->path, '/');
	if (!slash || slash == uri->path)
		return "missing target IQN or LUN (iscsi://host:port/iqn/lun)";
	*slash = '\0';
	if (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    strlen(slash + 1) > 5)
		return "LUN must be a number";
	uri->lun = (uint32_t)strtoul(slash + 1, NULL, 10);
	if (uri->lun > 16383)
		return "LUN out of range (0-16383)";
	if (strchr(uri->path, '/') || strchr(uri->path, ','))
		return "IQN must not contain '/' or ','";
	if (strlen(uri->path) > 223)
		return "IQN longer than 223 bytes";
	if (!uri->port_present)
		uri->port = ISCSI_DEFAULT_PORT;
	return check_tmo_params(uri, "unknown query parameter (known: "
				"replacement_timeout, noop_out_interval, "
				"noop_out_timeout)");
}

static const char *check_lvol(struct child_uri *uri)
{
	if (!uri->host[0])
		return "missing pool (lvol://pool/replica)";
	if (uri->port_present)
		return "lvol takes no port";
	drop_leading_slash(uri->path);
	if (!uri->path[0])
		return "missing replica name (lvol://pool/replica)";
	if (strchr(uri->path, '/'))
		return "replica name must not contain '/'";
	return NULL;
}

static const char *check_scheme(struct child_uri *uri)
{
	switch (uri->scheme) {
	case CHILD_SCHEME_AIO:
	case CHILD_SCHEME_FILE:
	case CHILD_SCHEME_BDEV:
		return check_local(uri);
	case CHILD_SCHEME_NVMF:
		return check_nvmf(uri);
	case CHILD_SCHEME_ISCSI:
		return check_iscsi(uri);
	case CHILD_SCHEME_LVOL:
		return check_lvol(uri);
	default:
		return NULL;
	}
}

static const char *parse_scheme(const char *text, size_t len, struct child_uri *out)
{
	for (size_t i = CHILD_SCHEME_AIO; i <= CHILD_SCHEME_LVOL; i++) {
		if (strlen(scheme_names[i]) == len &&
		    strncasecmp(text, scheme_names[i], len) == 0) {
			out->scheme = (enum child_scheme)i;
			return NULL;
		}
	}
	return "unknown scheme (use aio, file, bdev, nvmf, iscsi or lvol)";
}

static const char *parse_plain_path(const char *text, struct child_uri *out)
{
	out->scheme = CHILD_SCHEME_PATH;
	if (!*text)
		return "empty path";
	return copy_part(text, strlen(text), out->path, sizeof(out->path));
}

const char *child_uri_parse(const char *text, struct child_uri *out)
{
	const char *sep = text ? strstr(text, "://") : NULL;
	struct uri_parts parts = { 0 };
	const char *err;

	memset(out, 0, sizeof(*out));
	if (!text)
		return "empty path";
	if (!sep)
		return parse_plain_path(text, out);
	err = parse_scheme(text, (size_t)(sep - text), out);
	if (!err)
		err = split(sep + 3, &parts);
	if (!err)
		err = parse_authority(parts.authority, out);
	if (!err)
		err = decode(parts.path, strlen(parts.path), out->path, sizeof(out->path));
	if (!err)
		err = parse_query(parts.query, out);
	if (!err)
		err = check_scheme(out);
	return err;
}
