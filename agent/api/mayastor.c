/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libmayastor (agent/include/mayastor.h): the agent core's create and
 * destroy (core/nexus_ops.h), which mayastor-client runs too, behind a
 * context and messages instead of a command line and stderr.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnexus.h>

#include "agent_record.h"
#include "mayastor.h"
#include "nexus_ops.h"

_Static_assert(MAYASTOR_MAX_CHILDREN == NEXUS_MAX_CHILDREN, "children");
_Static_assert(MAYASTOR_NAME_MAX == NEXUS_NAME_MAX, "name");

struct mayastor {
	struct nexus_handle *h;		/* opened on first use */
	const struct child_resolvers *resolvers;
	bool record;			/* keep the state file in step */
	char state_file[PATH_MAX];
};

/* The message buffer is optional. */
static void say(char *msg, size_t msglen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !msglen)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

/* Appends a note to what msg holds already ("; " between two). */
static void note(char *msg, size_t msglen, const char *text)
{
	size_t used;

	if (!msg || !msglen)
		return;
	used = strlen(msg);
	snprintf(msg + used, msglen - used, "%s%s", used ? "; " : "", text);
}

int mayastor_open(struct mayastor **out, const struct mayastor_options *opts,
		  char *msg, size_t msglen)
{
	const char *file = opts && opts->state_file ? opts->state_file
						    : record_default_file();
	struct mayastor *ms;

	say(msg, msglen, "%s", "");
	*out = NULL;
	if (strlen(file) >= sizeof(ms->state_file)) {
		say(msg, msglen, "state file path longer than %d bytes", PATH_MAX - 1);
		return -ENAMETOOLONG;
	}
	ms = calloc(1, sizeof(*ms));
	if (!ms) {
		say(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	ms->resolvers = &child_resolvers_all;
	ms->record = file[0] != '\0';
	memcpy(ms->state_file, file, strlen(file) + 1);
	*out = ms;
	return 0;
}

void mayastor_close(struct mayastor *ms)
{
	if (!ms)
		return;
	nexus_close(ms->h);
	free(ms);
}

static int connect_kernel(struct mayastor *ms, char *msg, size_t msglen)
{
	char why[300];
	int err;

	if (ms->h)
		return 0;
	err = nexus_open(&ms->h);
	if (err) {
		ms->h = NULL;
		say(msg, msglen, "%s", nexus_open_error_text(err, why, sizeof(why)));
	}
	return err;
}

/* Everything mayastor-client checks before it opens the netlink socket. */
static int check_create(const char *name, const char *const *children,
			int n_children, char *why, size_t len)
{
	int err = nexus_name_check(name, why, len);

	if (!err && n_children > 0 && !children) {
		snprintf(why, len, "no children given (children is NULL)");
		err = -EINVAL;
	}
	if (!err)
		err = nexus_children_check(children, n_children, why, len);
	if (!err)
		err = nexus_children_distinct(children, n_children, why, len);
	return err;
}

/* The notes of a create that succeeded, and its record. */
static void created(struct mayastor *ms, const char *name,
		    const char *const *children, const struct child_target *t,
		    int n, char *msg, size_t msglen)
{
	char text[PATH_MAX + 1200], why[1024];

	for (int i = 0; i < n; i++)
		if (t[i].via_loop && !t[i].loop.direct_io) {
			snprintf(text, sizeof(text), "note: %s: filesystem has no "
				 "direct IO; using buffered IO", children[i]);
			note(msg, msglen, text);
		}
	if (ms->record && record_nexus(ms->h, ms->state_file, name, why, sizeof(why))) {
		snprintf(text, sizeof(text), "warning: nexus %s is not recorded in "
			 "%s: %s", name, ms->state_file, why);
		note(msg, msglen, text);
	}
}

int mayastor_nexus_create(struct mayastor *ms, const char *name, uint64_t size,
			  const char *const *children, int n_children,
			  char *msg, size_t msglen)
{
	struct child_target t[NEXUS_MAX_CHILDREN];
	struct nexus_create_req req = { 0 };
	char why[MAYASTOR_MSG_MAX];
	int n = 0, err;

	say(msg, msglen, "%s", "");
	err = check_create(name, children, n_children, why, sizeof(why));
	if (err) {
		say(msg, msglen, "%s", why);
		return err;
	}
	err = connect_kernel(ms, msg, msglen);
	if (err)
		return err;
	nexus_create_req_init(&req, name);	/* name checked above */
	if (size) {
		req.size = size;
		req.size_present = true;
	}
	err = nexus_create_children(ms->h, ms->resolvers, &req, children,
				    n_children, t, &n, why, sizeof(why));
	nexus_create_req_free(&req);
	if (err) {
		say(msg, msglen, "%s", why);
		return err;
	}
	created(ms, name, children, t, n, msg, msglen);
	return 0;
}

int mayastor_nexus_destroy(struct mayastor *ms, const char *name, char *msg,
			   size_t msglen)
{
	char why[MAYASTOR_MSG_MAX];
	bool unpublished;
	int err;

	say(msg, msglen, "%s", "");
	err = nexus_name_check(name, why, sizeof(why));
	if (!err)
		err = nexus_unpublish_for_destroy(ms->record ? ms->state_file : NULL,
						  name, false, &unpublished, why,
						  sizeof(why));
	if (err) {
		say(msg, msglen, "%s", why);
		return err;
	}
	err = connect_kernel(ms, msg, msglen);
	if (err)
		return err;
	err = nexus_destroy_release(ms->h, name, 0);
	if (err) {
		say(msg, msglen, "%s", nexus_error_text(ms->h, err, NULL, why,
							sizeof(why)));
		return err;
	}
	if (ms->record && forget_nexus(ms->state_file, name, why, sizeof(why)))
		say(msg, msglen, "warning: the destroyed nexus %s is not recorded "
		    "in %s: %s", name, ms->state_file, why);
	return 0;
}

int mayastor_nexus_device(const char *name, char *path, size_t size)
{
	if (!name || !nexus_name_valid(name))
		return -EINVAL;
	if ((size_t)snprintf(path, size, "/dev/%s", name) >= size)
		return -ENAMETOOLONG;
	return 0;
}
