// SPDX-License-Identifier: Apache-2.0
/* Publishing nexuses over vhost-user, and keeping their servers running. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_record.h"
#include "publish.h"
#include "vhost_proc.h"

struct share_op {
	const char *name;
	const struct state_share *want;	/* publish */
	struct state_share *out;	/* publish, lookup */
	char *err;
	size_t errlen;
	bool started;			/* publish: a server runs */
};

static int fail(struct share_op *op, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct share_op *op, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op->err, op->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* The socket's directory exists or can be made, and the socket does not exist. */
static int check_socket(struct share_op *op, const char *socket)
{
	char dir[SHARE_SOCKET_MAX];
	struct stat st;
	int rc;

	if (lstat(socket, &st) == 0)
		return fail(op, -EEXIST, "socket %s exists", socket);
	if (errno != ENOENT && errno != ENOTDIR)
		return fail(op, -errno, "socket %s: %s", socket, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", socket);
	*strrchr(dir, '/') = '\0';
	rc = dir[0] ? agent_state_mkdirs(dir) : 0;
	if (rc)
		return fail(op, rc, "cannot create the socket's directory %s: %s",
			    dir, strerror(-rc));
	if (dir[0] && access(dir, W_OK))
		return fail(op, -errno, "cannot create socket %s: %s", socket,
			    strerror(errno));
	return 0;
}

static int publish_change(struct agent_state *s, void *arg)
{
	struct share_op *op = arg;
	struct state_nexus *n = record_find_nexus(s, op->name);
	struct state_share sh = *op->want;
	int rc;

	if (!n)
		return fail(op, -ENOENT, "nexus %s is not recorded in the state file",
			    op->name);
	if (n->share.present)
		return fail(op, -EEXIST, "nexus %s is already published (%s at %s)",
			    op->name, n->share.protocol, n->share.socket);
	rc = check_socket(op, sh.socket);
	if (!rc)
		rc = vhost_start(op->name, &sh, op->err, op->errlen);
	if (rc)
		return rc;
	sh.present = true;
	n->share = sh;
	*op->out = sh;
	op->started = true;
	return 1;
}

int publish_nexus(const char *state_file, const char *name,
		  const struct state_share *want, struct state_share *out,
		  char *err, size_t errlen)
{
	struct share_op op = { .name = name, .want = want, .out = out,
			       .err = err, .errlen = errlen };
	int rc = record_update(state_file, publish_change, &op, err, errlen);

	if (rc && op.started) {
		/* Not recorded: nobody would know of it. */
		vhost_stop(out->pid, out->pid_start);
		unlink(out->socket);
	}
	return rc;
}

/* The socket a server left behind (killed, or stopped by SIGKILL). */
static void remove_socket(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}

static int unpublish_change(struct agent_state *s, void *arg)
{
	struct share_op *op = arg;
	struct state_nexus *n = record_find_nexus(s, op->name);
	int rc;

	if (!n || !n->share.present)
		return fail(op, -ENOENT, "nexus %s is not published", op->name);
	rc = vhost_stop(n->share.pid, n->share.pid_start);
	if (rc)
		return fail(op, rc, "mayastor-vhost (pid %d) does not exit",
			    (int)n->share.pid);
	remove_socket(n->share.socket);
	memset(&n->share, 0, sizeof(n->share));
	return 1;
}

int unpublish_nexus(const char *state_file, const char *name, char *err,
		    size_t errlen)
{
	struct share_op op = { .name = name, .err = err, .errlen = errlen };

	return record_update(state_file, unpublish_change, &op, err, errlen);
}

int published_share(const char *state_file, const char *name,
		    struct state_share *out, char *err, size_t errlen)
{
	struct agent_state s;
	struct state_nexus *n;
	int rc = agent_state_load(state_file, &s, err, errlen);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	n = record_find_nexus(&s, name);
	if (n)
		*out = n->share;
	agent_state_free(&s);
	return 0;
}
