// SPDX-License-Identifier: Apache-2.0
/* Starting, watching and stopping mayastor-vhost processes (vhost_proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_state.h"
#include "vhost_proc.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- /proc -------------------------------------------------------------- */

int proc_start_time(pid_t pid, uint64_t *start)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks;
	char state;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* "PID (COMM) STATE PPID ...": COMM may hold anything but ends at the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s"
			 " %*s %*s %*s %*s %*s %*s %*s %llu", &state, &ticks) != 2)
		return -EIO;
	if (state == 'Z' || state == 'X')
		return -ESRCH;
	*start = ticks;
	return 0;
}

bool proc_alive(pid_t pid, uint64_t start)
{
	uint64_t now;

	return pid > 0 && proc_start_time(pid, &now) == 0 && now == start;
}

/* ---- starting ----------------------------------------------------------- */

void vhost_binary(char *out, size_t size)
{
	const char *env = getenv("MAYASTOR_VHOST");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		snprintf(out, size, "%s/mayastor-vhost", dirname(self));
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(out, size, "mayastor-vhost");
}

/* In the new process: exec the server; on failure its errno to err_fd. */
static void exec_server(char *const argv[], int log_fd, int err_fd)
{
	int null = open("/dev/null", O_RDONLY);
	sigset_t none;
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the daemon blocks some */
	signal(SIGPIPE, SIG_DFL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(log_fd, 1) < 0 ||
	    dup2(log_fd, 2) < 0)
		_exit(127);
	/* Nothing of the starter's (netlink sockets, the state lock) goes along. */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	if (strchr(argv[0], '/'))
		execv(argv[0], argv);
	else
		execvp(argv[0], argv);
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* The middle process: a new session, the server forked off it, its pid sent. */
static void detach(char *const argv[], int log_fd, int pid_fd, int err_fd)
{
	pid_t pid;

	setsid();
	pid = fork();
	if (pid == 0)
		exec_server(argv, log_fd, err_fd);
	if (write(pid_fd, &pid, sizeof(pid)) != sizeof(pid))
		_exit(1);
	_exit(pid < 0);
}

/*
 * Double fork: the server is no child of ours and outlives us.  Returns
 * its pid, or -errno (the exec's errno when the binary could not run).
 */
static pid_t spawn_detached(char *const argv[], int log_fd)
{
	int pid_pipe[2], err_pipe[2], e = 0;
	pid_t mid, pid = -1;

	if (pipe2(pid_pipe, O_CLOEXEC))
		return -errno;
	if (pipe2(err_pipe, O_CLOEXEC)) {
		e = -errno;
		goto close_pid_pipe;
	}
	mid = fork();
	if (mid == 0)
		detach(argv, log_fd, pid_pipe[1], err_pipe[1]);
	close(pid_pipe[1]);
	close(err_pipe[1]);
	if (mid < 0 || read(pid_pipe[0], &pid, sizeof(pid)) != sizeof(pid) || pid < 0)
		e = -EAGAIN;
	if (mid > 0)
		waitpid(mid, NULL, 0);
	/* EOF once the server has exec'd (the pipe is close-on-exec). */
	if (!e && read(err_pipe[0], &e, sizeof(e)) == sizeof(e))
		e = -e;
	close(err_pipe[0]);
	close(pid_pipe[0]);
	return e ? e : pid;
close_pid_pipe:
	close(pid_pipe[0]);
	close(pid_pipe[1]);
	return e;
}

/* The last non-empty line of the server's log, into out. */
static void log_tail(const char *log, char *out, size_t size)
{
	char buf[1024], *end, *line;
	ssize_t n = 0;
	off_t len;
	int fd = open(log, O_RDONLY | O_CLOEXEC);

	snprintf(out, size, "no message (see %s)", log);
	if (fd < 0)
		return;
	len = lseek(fd, 0, SEEK_END);
	if (len > 0)
		n = pread(fd, buf, sizeof(buf) - 1,
			  len > (off_t)sizeof(buf) - 1 ? len - (off_t)sizeof(buf) + 1 : 0);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (end = buf + n; end > buf && end[-1] == '\n'; end--)
		end[-1] = '\0';
	line = strrchr(buf, '\n');
	if (end > buf)
		snprintf(out, size, "%s", line ? line + 1 : buf);
}

static bool socket_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Until the socket is there; -EIO (err says why) when the server exits first. */
static int wait_ready(const struct state_share *sh, const char *log,
		      char *err, size_t errlen)
{
	char why[PATH_MAX + 1100];

	for (int waited = 0; waited < VHOST_READY_MS; waited += 20) {
		if (!proc_alive(sh->pid, sh->pid_start)) {
			log_tail(log, why, sizeof(why));
			snprintf(err, errlen, "mayastor-vhost exited: %s", why);
			return -EIO;
		}
		if (socket_exists(sh->socket))
			return 0;
		sleep_ms(20);
	}
	snprintf(err, errlen, "mayastor-vhost made no socket %s within %d s (see %s)",
		 sh->socket, VHOST_READY_MS / 1000, log);
	return -ETIMEDOUT;
}

static int open_log(const char *name, char *log, size_t size, char *err,
		    size_t errlen)
{
	char dir[PATH_MAX];
	int fd, rc;

	if (share_log_path(name, log, size)) {
		snprintf(err, errlen, "run directory %s: path too long", share_run_dir());
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s/vhost", share_run_dir());
	rc = agent_state_mkdirs(dir);
	fd = rc ? rc : open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0) {
		rc = rc ? rc : -errno;
		snprintf(err, errlen, "cannot open %s: %s", log, strerror(-rc));
	}
	return fd < 0 ? rc : fd;
}

static pid_t spawn_server(const char *name, const struct state_share *sh,
			  int log_fd)
{
	char bin[PATH_MAX], device[80], queues[16];
	char *argv[] = { bin, "--socket", (char *)sh->socket, "--device", device,
			 "--queues", queues, sh->read_only ? "--read-only" : NULL,
			 NULL };

	vhost_binary(bin, sizeof(bin));
	snprintf(device, sizeof(device), "/dev/%s", name);
	snprintf(queues, sizeof(queues), "%u", sh->queues);
	return spawn_detached(argv, log_fd);
}

/* The socket's directory: after a reboot /run is empty again. */
static int make_socket_dir(const char *socket, char *err, size_t errlen)
{
	char dir[SHARE_SOCKET_MAX];
	int rc;

	snprintf(dir, sizeof(dir), "%s", socket);
	*(strrchr(dir, '/') ?: dir) = '\0';
	rc = dir[0] ? agent_state_mkdirs(dir) : 0;
	if (rc)
		snprintf(err, errlen, "cannot create the socket's directory %s: %s",
			 dir, strerror(-rc));
	return rc;
}

int vhost_start(const char *name, struct state_share *sh, char *err,
		size_t errlen)
{
	char log[PATH_MAX];
	int log_fd, rc;
	pid_t pid;

	rc = make_socket_dir(sh->socket, err, errlen);
	if (rc)
		return rc;
	log_fd = open_log(name, log, sizeof(log), err, errlen);
	if (log_fd < 0)
		return log_fd;
	pid = spawn_server(name, sh, log_fd);
	close(log_fd);
	if (pid < 0) {
		snprintf(err, errlen, "cannot run mayastor-vhost: %s", strerror((int)-pid));
		return (int)pid;
	}
	sh->pid = pid;
	rc = proc_start_time(pid, &sh->pid_start);
	if (rc)
		sh->pid_start = 0;	/* exited already: wait_ready says why */
	rc = wait_ready(sh, log, err, errlen);
	if (rc) {
		vhost_stop(sh->pid, sh->pid_start);
		sh->pid = 0;
		sh->pid_start = 0;
	}
	return rc;
}

/* ---- stopping ----------------------------------------------------------- */

static bool wait_gone(pid_t pid, uint64_t start, int ms)
{
	for (int waited = 0; waited < ms; waited += 20) {
		if (!proc_alive(pid, start))
			return true;
		sleep_ms(20);
	}
	return !proc_alive(pid, start);
}

int vhost_stop(pid_t pid, uint64_t start)
{
	if (!proc_alive(pid, start))
		return 0;
	kill(pid, SIGTERM);
	if (wait_gone(pid, start, VHOST_STOP_MS))
		return 0;
	kill(pid, SIGKILL);
	return wait_gone(pid, start, 1000) ? 0 : -ETIMEDOUT;
}
