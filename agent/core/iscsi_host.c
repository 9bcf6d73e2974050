// SPDX-License-Identifier: Apache-2.0
/*
 * iscsi:// children through open-iscsi: iscsid, a node record with finite
 * timeouts, login, the LUN's block device, logout when unused.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iscsi_host.h"
#include "lvm.h"		/* exec_capture */
#include "loop.h"		/* blockdev_claimed */
#include "remote_net.h"

#define ISCSID_PID "/run/iscsid.pid"
#define ISCSID_WAIT_MS 5000
#define LUN_WAIT_MS 10000
#define LOGIN_WAIT_MS 15000	/* for a session that is logging in again */
#define POLL_MS 100

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * What iscsiadm says went wrong: the initiator's reason when it gives one
 * ("initiator reported error (24 - iSCSI login failed due to authorization
 * failure)"), else its last message.
 */
static const char *iscsiadm_reason(const struct exec_result *res, char *buf,
				   size_t size)
{
	const char *r = res->err ? strstr(res->err, "reported error (") : NULL;

	if (!r)
		return exec_error_text(res, buf, size);
	r += strlen("reported error (");
	snprintf(buf, size, "%.*s", (int)strcspn(r, "\n"), r);
	if (buf[0] && buf[strlen(buf) - 1] == ')')
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* Runs a tool; 0 if it exited 0, else -EIO and its message in err. */
static int run(const char *const argv[], char *err, size_t errlen)
{
	struct exec_result res;
	char text[512];
	int rc = exec_capture(argv, NULL, &res);

	if (rc) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(-rc));
		return rc;
	}
	if (res.status) {
		snprintf(err, errlen, "%s", iscsiadm_reason(&res, text, sizeof(text)));
		rc = -EIO;
	}
	exec_result_free(&res);
	return rc;
}

static bool iscsid_running(void)
{
	char buf[32] = "";
	FILE *f = fopen(ISCSID_PID, "re");
	long pid = 0;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			pid = strtol(buf, NULL, 10);
		fclose(f);
	}
	return pid > 0 && kill((pid_t)pid, 0) == 0;
}

/*
 * Starts iscsid, which daemonizes: its output goes to /dev/null (a
 * captured pipe would stay open in the daemon).  0 once the first process
 * exited 0.
 */
static int start_iscsid(char *why, size_t size)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/usr/sbin/iscsid", "iscsid", (char *)NULL);
		execl("/sbin/iscsid", "iscsid", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		snprintf(why, size, "%s", strerror(errno));
		return -errno;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(why, size, WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			 "iscsid is not installed (open-iscsi)" : "iscsid failed");
		return -EIO;
	}
	return 0;
}

/* iscsid runs, or is started here, or the error says what to do. */
static int ensure_iscsid(char *err, size_t errlen)
{
	char why[256] = "";

	if (iscsid_running())
		return 0;
	if (start_iscsid(why, sizeof(why)) == 0)
		for (int waited = 0; waited < ISCSID_WAIT_MS; waited += POLL_MS) {
			if (iscsid_running())
				return 0;
			sleep_ms(POLL_MS);
		}
	snprintf(err, errlen, "iscsid is not running and could not be started%s%s "
		 "(start it: systemctl start iscsid)", why[0] ? ": " : "", why);
	return -ESRCH;
}

/* iscsiadm -m node -T IQN -p PORTAL OP [-n NAME -v VALUE] */
static int node_op(const char *iqn, const char *portal, const char *op,
		   const char *name, const char *value, char *err, size_t errlen)
{
	const char *argv[] = { "iscsiadm", "-m", "node", "-T", iqn, "-p", portal,
			       NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	size_t n = 7;

	if (op[0] == '-' && op[1] == '-') {	/* --login, --logout */
		argv[n++] = op;
	} else {
		argv[n++] = "-o";
		argv[n++] = op;
	}
	if (name) {
		argv[n++] = "-n";
		argv[n++] = name;
		argv[n++] = "-v";
		argv[n++] = value;
	}
	return run(argv, err, errlen);
}

static long param_or(const struct child_uri *uri, const char *key, long def)
{
	long v = child_uri_tmo_param(uri, key);

	return v >= 0 ? v : def;
}

/* A node record for the target (manual startup) with this child's timeouts. */
static int make_record(const struct child_uri *uri, const char *portal,
		       char *err, size_t errlen)
{
	static const struct { const char *key, *name; long def; } t[] = {
		{ "replacement_timeout", "node.session.timeo.replacement_timeout",
		  ISCSI_HOST_REPLACEMENT_TIMEOUT },
		{ "noop_out_interval", "node.conn[0].timeo.noop_out_interval",
		  ISCSI_HOST_NOOP_OUT_INTERVAL },
		{ "noop_out_timeout", "node.conn[0].timeo.noop_out_timeout",
		  ISCSI_HOST_NOOP_OUT_TIMEOUT },
	};
	char v[16];
	int rc = node_op(uri->path, portal, "new", NULL, NULL, err, errlen);

	/* Manual startup; a login that fails is not retried for minutes. */
	if (!rc)
		rc = node_op(uri->path, portal, "update", "node.startup", "manual",
			     err, errlen);
	if (!rc)
		rc = node_op(uri->path, portal, "update",
			     "node.session.initial_login_retry_max", "1", err, errlen);
	if (!rc)
		rc = node_op(uri->path, portal, "update",
			     "node.conn[0].timeo.login_timeout", "5", err, errlen);
	for (size_t i = 0; !rc && i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(v, sizeof(v), "%ld", param_or(uri, t[i].key, t[i].def));
		rc = node_op(uri->path, portal, "update", t[i].name, v, err, errlen);
	}
	return rc;
}

static void drop_record(const char *iqn, const char *portal)
{
	char ignored[256];

	node_op(iqn, portal, "delete", NULL, NULL, ignored, sizeof(ignored));
}

/* Logs in with a new record; on failure nothing is left. */
static int login(const struct child_uri *uri, const char *addr, char *err,
		 size_t errlen)
{
	char portal[96], why[512];
	int rc = ensure_iscsid(err, errlen);

	if (!rc)
		rc = remote_probe(addr, uri->port, err, errlen);
	if (rc)
		return rc;
	snprintf(portal, sizeof(portal), "%s:%u", addr, uri->port);
	rc = make_record(uri, portal, why, sizeof(why));
	if (!rc)
		rc = node_op(uri->path, portal, "--login", NULL, NULL, why, sizeof(why));
	if (rc) {
		drop_record(uri->path, portal);
		snprintf(err, errlen, "login to target %s at %s failed: %s", uri->path,
			 portal, why);
	}
	return rc ? -ECONNREFUSED : 0;
}

static int logout(const char *iqn, const char *addr, uint16_t port)
{
	char portal[96], why[512];
	int rc;

	snprintf(portal, sizeof(portal), "%s:%u", addr, port);
	rc = node_op(iqn, portal, "--logout", NULL, NULL, why, sizeof(why));
	drop_record(iqn, portal);
	return rc;
}

/* Waits for LUN lun of session and its /dev node; its path into out->path. */
static int wait_lun(const struct child_uri *uri, const char *session, int wait_ms,
		    struct child_target *out, char *err, size_t errlen)
{
	char dev[ISCSI_DEV_MAX];
	struct stat st;

	for (int waited = 0;; waited += POLL_MS) {
		if (!iscsi_sysfs_lun_dev(ISCSI_SYSFS, session, uri->lun, dev, sizeof(dev))) {
			snprintf(out->path, sizeof(out->path), "/dev/%s", dev);
			if (stat(out->path, &st) == 0 && S_ISBLK(st.st_mode))
				return 0;
		}
		if (waited >= wait_ms)
			break;
		sleep_ms(POLL_MS);
	}
	out->path[0] = '\0';
	snprintf(err, errlen, "target %s has no LUN %u", uri->path, uri->lun);
	return -ENODEV;
}

/* Waits for an existing session (recovering) to be logged in again. */
static int wait_logged_in(const struct child_uri *uri, const char *addr,
			  const char *session, char *err, size_t errlen)
{
	char state[32] = "";

	for (int waited = 0;; waited += POLL_MS) {
		int rc = iscsi_sysfs_session_state(ISCSI_SYSFS, session, state,
						   sizeof(state));

		if (rc || strcmp(state, "LOGGED_IN") == 0)
			return 0;	/* no state attribute: take it as it is */
		if (waited >= LOGIN_WAIT_MS)
			break;
		sleep_ms(POLL_MS);
	}
	snprintf(err, errlen, "session %s to %s at %s port %u is %s, not logged in, "
		 "after %d s (is the target up?)", session, uri->path, addr, uri->port,
		 state, LOGIN_WAIT_MS / 1000);
	return -EHOSTDOWN;
}

/* Logs in and finds the new session; on failure nothing is left. */
static int new_session(const struct child_uri *uri, const char *addr,
		       char *session, size_t size, char *err, size_t errlen)
{
	int rc = login(uri, addr, err, errlen);

	if (rc)
		return rc;
	rc = iscsi_sysfs_find_session(ISCSI_SYSFS, uri->path, addr, uri->port,
				      session, size);
	if (rc) {
		logout(uri->path, addr, uri->port);
		snprintf(err, errlen, "logged in to %s at %s port %u, but sysfs "
			 "shows no such session", uri->path, addr, uri->port);
	}
	return rc;
}

/* The session to the target: this host's (logged in), or a new one. */
static int attach_session(const struct child_uri *uri, enum child_mode mode,
			  const char *addr, char *session, size_t size,
			  struct child_target *out, char *err, size_t errlen)
{
	int rc;

	if (!iscsi_sysfs_find_session(ISCSI_SYSFS, uri->path, addr, uri->port,
				      session, size))
		return mode == CHILD_ATTACH ?
		       wait_logged_in(uri, addr, session, err, errlen) : 0;
	if (mode == CHILD_LOOKUP) {
		snprintf(err, errlen, "not logged in: this host has no session "
			 "to %s at %s port %u", uri->path, addr, uri->port);
		return -ENOENT;
	}
	rc = new_session(uri, addr, session, size, err, errlen);
	out->remote_connected = !rc;
	return rc;
}

int iscsi_host_resolve(const struct child_uri *uri, enum child_mode mode,
		       struct child_target *out, char *err, size_t errlen)
{
	char addr[64], session[ISCSI_DEV_MAX];
	int rc = remote_numeric_addr(uri->host, addr, sizeof(addr), err, errlen);

	if (!rc)
		rc = attach_session(uri, mode, addr, session, sizeof(session), out,
				    err, errlen);
	if (rc)
		return rc;
	rc = wait_lun(uri, session, mode == CHILD_LOOKUP ? 0 : LUN_WAIT_MS, out,
		      err, errlen);
	if (rc && out->remote_connected) {
		logout(uri->path, addr, uri->port);
		out->remote_connected = false;
	}
	return rc;
}

int iscsi_host_release_unused(const char *sysfs, const char *path)
{
	char devs[64][ISCSI_DEV_MAX];
	struct iscsi_remote r;
	int n;

	if (iscsi_sysfs_of_dev(sysfs, remote_dev_name(path), &r))
		return 0;
	n = iscsi_sysfs_session_devs(sysfs, r.session, devs, 64);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (blockdev_claimed(devs[i]))
			return 0;
	return logout(r.iqn, r.addr, r.port) ? -EIO : 1;
}

int iscsi_host_uri_of(const char *sysfs, const char *path, char *out, size_t size)
{
	struct iscsi_remote r;
	int rc = iscsi_sysfs_of_dev(sysfs, remote_dev_name(path), &r);
	bool v6;

	if (rc)
		return rc;
	v6 = strchr(r.addr, ':') != NULL;
	rc = snprintf(out, size, "iscsi://%s%s%s:%u/%s/%u", v6 ? "[" : "", r.addr,
		      v6 ? "]" : "", r.port, r.iqn, r.lun);
	return rc < (int)size ? 0 : -ENAMETOOLONG;
}
