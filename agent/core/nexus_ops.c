/* SPDX-License-Identifier: Apache-2.0 */
/* Creating and destroying a nexus from its children's names (nexus_ops.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "iscsi_host.h"
#include "nexus_ops.h"
#include "nvmf_host.h"
#include "publish.h"
#include "replica.h"
#include "uri.h"

const struct child_resolvers child_resolvers_all = {
	.lvol = replica_resolve_lvol,
	.nvmf = nvmf_host_resolve,
	.iscsi = iscsi_host_resolve,
};

/* ---- checks before anything is touched ------------------------------ */

int nexus_name_check(const char *name, char *why, size_t len)
{
	if (name && nexus_name_valid(name))
		return 0;
	snprintf(why, len, "invalid nexus name '%s' (1-%d characters of A-Z a-z "
		 "0-9 . _ -, starting with a letter or digit)",
		 name ? name : "(null)", NEXUS_NAME_MAX);
	return -EINVAL;
}

int nexus_children_check(const char *const *children, int n, char *why,
			 size_t len)
{
	struct child_uri uri;
	const char *bad;

	if (n < 1) {
		snprintf(why, len, "a nexus needs at least one child");
		return -EINVAL;
	}
	if (n > NEXUS_MAX_CHILDREN) {
		snprintf(why, len, "too many children (at most %d)", NEXUS_MAX_CHILDREN);
		return -E2BIG;
	}
	for (int i = 0; i < n; i++) {
		bad = children[i] ? child_uri_parse(children[i], &uri) : "no text";
		if (bad) {
			snprintf(why, len, "child '%s': %s",
				 children[i] ? children[i] : "(null)", bad);
			return -EINVAL;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(children[i], children[j]) == 0) {
				snprintf(why, len, "child '%s' given twice", children[i]);
				return -EINVAL;
			}
	}
	return 0;
}

/*
 * Two loop devices on one file would make a nexus that mirrors onto
 * itself.
 */
int nexus_children_distinct(const char *const *children, int n, char *why,
			    size_t len)
{
	struct child_identity id[NEXUS_MAX_CHILDREN];
	bool known[NEXUS_MAX_CHILDREN];

	for (int i = 0; i < n && i < NEXUS_MAX_CHILDREN; i++) {
		known[i] = child_identity_of(children[i], &id[i]) == 0;
		for (int j = 0; known[i] && j < i; j++)
			if (known[j] && child_identity_eq(&id[i], &id[j])) {
				snprintf(why, len, "child '%s' given twice: it is "
					 "the same %s as '%s'", children[i],
					 id[i].file ? "file" : "device", children[j]);
				return -EINVAL;
			}
	}
	return 0;
}

/* ---- errors --------------------------------------------------------- */

const char *nexus_open_error_text(int err, char *buf, size_t size)
{
	if (err == -ENOENT)
		snprintf(buf, size, "the nexus kernel module is not loaded (modprobe nexus)");
	else
		snprintf(buf, size, "cannot talk to the nexus kernel module: %s",
			 strerror(-err));
	return buf;
}

const char *child_label(const char *text, const char *kernel_path, char *buf,
			size_t size)
{
	if (!kernel_path || strcmp(text, kernel_path) == 0)
		snprintf(buf, size, "%s", text);
	else
		snprintf(buf, size, "%s (%s)", text, kernel_path);
	return buf;
}

const char *nexus_create_blamed(struct nexus_handle *h,
				const char *const *children,
				const struct child_target *t, int n, char *buf,
				size_t size)
{
	const char *path = h ? nexus_last_error_child(h) : NULL;

	for (int i = 0; path && i < n; i++)
		if (strcmp(t[i].path, path) == 0)
			return child_label(children[i], path, buf, size);
	return path;
}

/* What to add when the kernel said nothing more specific. */
static const char *hint_for(int err)
{
	switch (err) {
	case -EPERM:
	case -EACCES:
		return "CAP_NET_ADMIN is needed: run as root";
	case -EOPNOTSUPP:
		return "the loaded nexus module does not implement this yet";
	default:
		return NULL;
	}
}

const char *nexus_error_text(struct nexus_handle *h, int err, const char *child,
			     char *buf, size_t size)
{
	const char *text = h ? nexus_last_error(h) : "";
	char extra[300] = "";

	/* The kernel blamed another attribute (the nexus name): not the child. */
	if (child && h && nexus_last_error_pointed(h) && !nexus_last_error_child(h))
		child = NULL;
	if (!text[0] && hint_for(err))
		text = hint_for(err);
	if (text[0])
		snprintf(extra, sizeof(extra), " (%s)", text);
	if (child)
		snprintf(buf, size, "child %s: %s%s", child, strerror(-err), extra);
	else
		snprintf(buf, size, "%s%s", strerror(-err), extra);
	return buf;
}

/* ---- create --------------------------------------------------------- */

int nexus_create_children(struct nexus_handle *h,
			  const struct child_resolvers *resolvers,
			  struct nexus_create_req *req,
			  const char *const *children, int n,
			  struct child_target *t, int *n_resolved, char *why,
			  size_t len)
{
	char reason[300], label[600];
	int attempted = 0, rc = 0;

	*n_resolved = 0;
	if (n < 1 || n > NEXUS_MAX_CHILDREN) {
		snprintf(why, len, "%d children (1 to %d)", n, NEXUS_MAX_CHILDREN);
		return -EINVAL;
	}
	for (int i = 0; i < n && !rc; i++) {
		attempted++;
		rc = child_resolve(children[i], CHILD_ATTACH, resolvers, &t[i],
				   reason, sizeof(reason));
		if (rc) {
			snprintf(why, len, "child %s: %s", children[i], reason);
			break;
		}
		++*n_resolved;
		rc = nexus_create_req_add_child(req, t[i].path);
		if (rc)
			snprintf(why, len, "out of memory");
	}
	if (!rc) {
		rc = nexus_create(h, req);
		if (rc)
			nexus_error_text(h, rc, nexus_create_blamed(h, children, t, n,
								    label, sizeof(label)),
					 why, len);
	}
	/* The nexus holds its children now (or autoclear drops the loops). */
	for (int i = 0; i < attempted; i++)
		child_target_release(&t[i]);
	return rc;
}

/* ---- destroy -------------------------------------------------------- */

int nexus_unpublish_for_destroy(const char *state_file, const char *name,
				bool force, bool *unpublished, char *why,
				size_t len)
{
	struct state_share sh;
	char err[2048];
	int rc;

	*unpublished = false;
	if (!state_file ||
	    published_share(state_file, name, &sh, err, sizeof(err)) ||
	    !sh.present)
		return 0;
	if (!force) {
		snprintf(why, len, "nexus %s is published (%s at %s): unpublish it "
			 "first, or destroy --force", name, sh.protocol, sh.socket);
		return -EBUSY;
	}
	rc = unpublish_nexus(state_file, name, err, sizeof(err));
	if (rc && rc != -ENOENT) {	/* ENOENT: unpublished meanwhile */
		snprintf(why, len, "cannot unpublish: %s", err);
		return rc;
	}
	*unpublished = true;
	return 0;
}

/*
 * How long destroy waits for a short-lived opener to go.  udev opens a new
 * block device to probe it; a destroy that follows a create in a script
 * would otherwise fail "open" for a moment (mdadm --stop and lvremove retry
 * for the same reason).  A real opener (a mount, an fd) outlasts this.
 */
#define DESTROY_BUSY_MS 5000
#define DESTROY_RETRY_MS 100

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int destroy_waiting_for_probes(struct nexus_handle *h, const char *name,
				      uint32_t flags)
{
	int err, waited = 0;

	for (;;) {
		err = nexus_destroy(h, name, flags);
		if (err != -EBUSY || (flags & NEXUS_F_FORCE) ||
		    waited >= DESTROY_BUSY_MS)
			return err;
		sleep_ms(DESTROY_RETRY_MS);
		waited += DESTROY_RETRY_MS;
	}
}

int nexus_destroy_release(struct nexus_handle *h, const char *name,
			  uint32_t flags)
{
	struct nexus_info info;
	bool known = nexus_get(h, name, &info) == 0;
	int err = destroy_waiting_for_probes(h, name, flags);

	if (known && !err) {
		/* Its remote children's controllers and sessions, unless used elsewhere. */
		for (size_t i = 0; i < info.n_children; i++)
			child_release_remote(info.children[i].path);
	}
	if (known)
		nexus_info_free(&info);
	return err;
}
