// SPDX-License-Identifier: Apache-2.0
/*
 * child online NAME nvmf://...|iscsi://...: reconnect a remote child and
 * bring it back.  The controller is reconnected (or reused once live
 * again; an iSCSI session once logged in again) and the device found
 * afresh: it may come back as another /dev/nvmeXnY, so the nexus's child
 * is recognised by the member UUID in the device's label, not by its path.  An OFFLINE child at the same path is simply onlined
 * (only the regions written meanwhile are copied); a FAULTED one is
 * removed and added again (a full copy: a faulted member keeps no bitmap);
 * a MISSING member (assembled without it) is added back and rejoins its
 * slot (the bitmap's regions when the bitmap covers what it missed).
 */
#include <errno.h>
#include <string.h>

#include "assemble.h"
#include "cli.h"
#include "label.h"

/* The nexus's child that t is: by path, else by the label's member UUID. */
static const struct nexus_child_info *which_child(const struct nexus_info *info,
						  const struct child_target *t)
{
	const struct nexus_child_info *c = nexus_info_find_child(info, t->path);
	struct label l;
	const char *why;

	if (c || assemble_read_label(t->path, &l, &why))
		return c;
	for (size_t i = 0; i < info->n_children; i++)
		if (info->children[i].uuid_present &&
		    !memcmp(info->children[i].uuid.bytes, l.child_uuid, NEXUS_UUID_LEN))
			return &info->children[i];
	return NULL;
}

/* Replaces a faulted child by its reconnected namespace. */
static int readd(struct cli_ctx *ctx, const char *name,
		 const struct nexus_child_info *c, const struct child_target *t,
		 const char *label)
{
	int err = 0;

	if (c->state != NEXUS_CHILD_MISSING)
		err = nexus_child_remove(ctx->h, name, c->path, 0);
	if (!err)
		err = nexus_child_add(ctx->h, name, t->path, 0);
	return err ? cli_nexus_error(ctx, err, label) : 0;
}

static int online_found(struct cli_ctx *ctx, const char *name,
			const struct nexus_child_info *c, const struct child_target *t,
			const char *label)
{
	int err;

	switch (c->state) {
	case NEXUS_CHILD_OFFLINE:
		if (strcmp(c->path, t->path) == 0) {
			err = nexus_child_online(ctx->h, name, t->path);
			return err ? cli_nexus_error(ctx, err, label) : 0;
		}
		/* Another device now: as a faulted one. */
		/* fall through */
	case NEXUS_CHILD_FAULTED:
	case NEXUS_CHILD_MISSING:
		return readd(ctx, name, c, t, label);
	default:
		return cli_error(ctx, "child %s: it is %s, not offline or faulted",
				 label, nexus_child_state_str(c->state));
	}
}

int cli_child_online_remote(struct cli_ctx *ctx, const char *name, const char *child)
{
	const struct nexus_child_info *c;
	struct nexus_info info;
	struct child_target t;
	char label[600];
	int err, rc;

	if (cli_connect(ctx) || cli_attach_child(ctx, child, &t))
		return 1;
	child_label(child, t.path, label, sizeof(label));
	err = nexus_get(ctx->h, name, &info);
	if (err) {
		rc = cli_nexus_error(ctx, err, NULL);
	} else {
		c = which_child(&info, &t);
		rc = c ? online_found(ctx, name, c, &t, label) :
			 cli_error(ctx, "child %s: not a member of nexus %s (its label "
				   "names no member of it)", label, name);
		nexus_info_free(&info);
	}
	if (!rc) {
		cli_record_nexus(ctx, name);
		rc = cli_report(ctx, "onlined", name, child, t.path);
	}
	/* Disconnects a controller connected here unless the nexus holds it. */
	child_target_release(&t);
	return rc;
}
