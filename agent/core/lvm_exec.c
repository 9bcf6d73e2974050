/* SPDX-License-Identifier: Apache-2.0 */
/* Running an external tool with posix_spawn, its output captured. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvm.h"

extern char **environ;

#define ENV_MAX 256

struct buffer {
	char *data;
	size_t len, cap;
};

static int buffer_read(struct buffer *b, int fd)
{
	ssize_t n;

	if (b->cap - b->len < 4097) {
		size_t cap = b->cap ? b->cap * 2 : 8192;
		char *data = realloc(b->data, cap);

		if (!data)
			return -ENOMEM;
		b->data = data;
		b->cap = cap;
	}
	n = read(fd, b->data + b->len, b->cap - b->len - 1);
	if (n < 0)
		return errno == EINTR ? 1 : -errno;
	b->len += (size_t)n;
	b->data[b->len] = '\0';
	return n > 0;	/* 0: end of file */
}

/* An empty output is "", never NULL. */
static bool buffer_read_ok(struct buffer *b)
{
	if (!b->data)
		b->data = calloc(1, 1);
	return b->data != NULL;
}

/* Reads both pipes until both are closed (a full pipe would block the tool). */
static int drain(int out_fd, int err_fd, struct buffer *out, struct buffer *err)
{
	struct pollfd p[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	struct buffer *b[2] = { out, err };
	int open_fds = 2;

	while (open_fds) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < 2; i++) {
			int rc;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			rc = buffer_read(b[i], p[i].fd);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
	return 0;
}

/* environ plus extra_env, in a caller-owned array. */
static void build_env(const char *env[ENV_MAX + 1], const char *const extra_env[])
{
	size_t n = 0;

	for (size_t i = 0; extra_env && extra_env[i] && n < ENV_MAX; i++)
		env[n++] = extra_env[i];
	for (char **e = environ; e && *e && n < ENV_MAX; e++)
		env[n++] = *e;
	env[n] = NULL;
}

/* Is dir/name (dir of len bytes) an executable file?  Its path in path. */
static bool try_dir(const char *dir, size_t len, const char *name, char *path,
		    size_t size)
{
	int n = snprintf(path, size, "%.*s%s%s", (int)len, dir, len ? "/" : "", name);

	return n > 0 && (size_t)n < size && access(path, X_OK) == 0;
}

/*
 * Finds the program ourselves rather than trusting posix_spawnp's error:
 * under valgrind (no CLONE_VFORK) a failed exec only shows as exit 127.
 * PATH first, then /usr/sbin and /sbin: a plain user's PATH often lacks sbin.
 */
static int find_program(const char *name, char *path, size_t size)
{
	const char *dirs = getenv("PATH");

	if (strchr(name, '/'))
		return try_dir("", 0, name, path, size) ? 0 : -ENOENT;
	for (const char *p = dirs ? dirs : ""; *p;) {
		size_t len = strcspn(p, ":");

		if (len && try_dir(p, len, name, path, size))
			return 0;
		p += len + (p[len] ? 1 : 0);
	}
	if (try_dir("/usr/sbin", 9, name, path, size) ||
	    try_dir("/sbin", 5, name, path, size))
		return 0;
	return -ENOENT;
}

static int spawn(const char *const argv[], const char *const env[],
		 posix_spawn_file_actions_t *fa, pid_t *pid)
{
	char path[PATH_MAX];
	int rc = find_program(argv[0], path, sizeof(path));

	if (rc)
		return rc;
	return -posix_spawn(pid, path, fa, NULL, (char *const *)argv,
			    (char *const *)env);
}

static int start(const char *const argv[], const char *const extra_env[],
		 int out_pipe[2], int err_pipe[2], pid_t *pid)
{
	const char *env[ENV_MAX + 1];
	posix_spawn_file_actions_t fa;
	int rc;

	build_env(env, extra_env);
	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
	rc = spawn(argv, env, &fa, pid);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 128;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void close_pipes(int a[2], int b[2])
{
	for (int i = 0; i < 2; i++) {
		if (a[i] >= 0)
			close(a[i]);
		if (b[i] >= 0)
			close(b[i]);
	}
}

int exec_capture(const char *const argv[], const char *const extra_env[],
		 struct exec_result *res)
{
	int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	struct buffer out = { 0 }, err = { 0 };
	pid_t pid;
	int rc;

	memset(res, 0, sizeof(*res));
	/* O_CLOEXEC: the tool must not inherit our ends (LVM warns about leaks). */
	if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC)) {
		rc = -errno;
		close_pipes(out_pipe, err_pipe);
		return rc;
	}
	rc = start(argv, extra_env, out_pipe, err_pipe, &pid);
	close(out_pipe[1]);
	close(err_pipe[1]);
	out_pipe[1] = err_pipe[1] = -1;
	if (!rc) {
		rc = drain(out_pipe[0], err_pipe[0], &out, &err);
		res->status = wait_status(pid);
	}
	close_pipes(out_pipe, err_pipe);
	if (!rc && (!buffer_read_ok(&out) || !buffer_read_ok(&err)))
		rc = -ENOMEM;
	if (rc) {
		free(out.data);
		free(err.data);
		return rc;
	}
	res->out = out.data;
	res->err = err.data;
	return 0;
}

void exec_result_free(struct exec_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

/* LVM's warnings and notes are not the reason a command failed. */
static bool is_noise(const char *line, size_t len)
{
	static const char *const prefixes[] = {
		"WARNING:", "File descriptor", "Rounding", "Logical volume", "  WARNING",
	};

	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (!len)
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (len >= strlen(prefixes[i]) &&
		    strncmp(line, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* Copies one line without its indentation or line end. */
static void copy_line(const char *line, size_t len, char *buf, size_t size)
{
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len && (line[len - 1] == '\n' || line[len - 1] == ' ' ||
		       line[len - 1] == '.'))
		len--;
	snprintf(buf, size, "%.*s", (int)len, line);
}

/*
 * "WARNING: ext4 signature detected on /dev/loop0 at offset 1080. Wipe it?
 * [y/n]: [n]": LVM asked, stdin (/dev/null) said no, and that is why the
 * tool stopped; the lines after it ("Aborted wiping of ext4.") are only
 * consequences.  Writes what was found and what was asked; false if line
 * is no question.
 */
static bool question_text(const char *line, size_t len, char *buf, size_t size)
{
	const char *yn = memmem(line, len, "[y/n]", 5), *end, *ask;

	if (!yn)
		return false;
	while (line < yn && (*line == ' ' || *line == '\t'))
		line++;
	if (yn - line >= 9 && strncmp(line, "WARNING: ", 9) == 0)
		line += 9;
	for (end = yn; end > line && end[-1] == ' '; end--)
		;
	/* The question is the last sentence: it follows the last ". ". */
	for (ask = end; ask - line >= 2 && !(ask[-2] == '.' && ask[-1] == ' '); ask--)
		;
	if (ask - line >= 2)
		snprintf(buf, size, "%.*s (LVM asked \"%.*s\"; the answer is no)",
			 (int)(ask - 2 - line), line, (int)(end - ask), ask);
	else
		snprintf(buf, size, "%.*s (the answer is no)", (int)(end - line), line);
	return true;
}

const char *exec_error_text(const struct exec_result *res, char *buf, size_t size)
{
	const char *text = res->err ? res->err : "";
	const char *best = NULL, *any = NULL;
	size_t best_len = 0, any_len = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (question_text(p, len, buf, size))
			return buf;
		/* The first real error: later lines are often consequences. */
		if (!best && !is_noise(p, len)) {
			best = p;
			best_len = len;
		}
		if (len) {
			any = p;
			any_len = len;
		}
		p += len + (nl ? 1 : 0);
	}
	if (!best) {
		best = any;
		best_len = any_len;
	}
	if (best)
		copy_line(best, best_len, buf, size);
	else
		snprintf(buf, size, "failed with exit status %d", res->status);
	return buf;
}
