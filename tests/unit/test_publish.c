/*
 * Publishing, unpublishing and supervising (agent/core/publish.c,
 * supervise.c, vhost_proc.c) against a fake mayastor-vhost: this binary,
 * run as "test_publish --socket PATH ...", binds PATH and waits for
 * SIGTERM (or, with FAKE_VHOST_FAIL set, says why it cannot and exits 1).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent_record.h"
#include "agent_state.h"
#include "publish.h"
#include "vhost_proc.h"

#define UUID1 "6f1c8e0e-5a3b-4d0e-9a8e-0c4b1f2d3e4f"

/* ---- the fake server ---------------------------------------------------- */

static int fake_server(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *socket_path = argv[2];
	sigset_t set;
	int fd, sig;

	(void)argc;
	if (getenv("FAKE_VHOST_FAIL")) {
		fprintf(stderr, "mayastor-vhost: cannot open %s: No such file or directory\n",
			argv[4]);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path);
	unlink(socket_path);	/* a stale one, as mayastor-vhost does */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1))
		return 1;
	sigwait(&set, &sig);
	unlink(socket_path);
	close(fd);
	return 0;
}

/* ---- fixtures ----------------------------------------------------------- */

struct env {
	char dir[64];
	char state[128];
	char sock[96];
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A state file with nexus nx0 (unpublished), a run dir, the fake server. */
static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct agent_state s = { 0 };
	struct state_nexus *n;
	char err[256];

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/test_publish.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->state, sizeof(e->state), "%s/agent.json", e->dir);
	snprintf(e->sock, sizeof(e->sock), "%s/sock/nx0.sock", e->dir);
	setenv("MAYASTOR_RUN_DIR", e->dir, 1);
	unsetenv("FAKE_VHOST_FAIL");
	n = agent_state_add_nexus(&s);
	assert_non_null(n);
	strcpy(n->name, "nx0");
	strcpy(n->uuid, UUID1);
	n->n_children = 1;
	strcpy(n->children[0], "/dev/loop0");
	assert_int_equal(agent_state_save(e->state, &s, err, sizeof(err)), 0);
	agent_state_free(&s);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char cmd[128];

	unpublish_nexus(e->state, "nx0", (char[256]){ 0 }, 256);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	assert_int_equal(system(cmd), 0);
	free(e);
	return 0;
}

static struct state_share want_share(const struct env *e)
{
	struct state_share sh = { .protocol = "vhost-user", .queues = 2 };

	snprintf(sh.socket, sizeof(sh.socket), "%s", e->sock);
	return sh;
}

static struct state_share recorded(const struct env *e)
{
	struct state_share sh;
	char err[256];

	assert_int_equal(published_share(e->state, "nx0", &sh, err, sizeof(err)), 0);
	return sh;
}

static char *file_text(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* ---- publish and unpublish ---------------------------------------------- */

static void publish_starts_and_records(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got, rec;
	char err[512], log[256];
	struct stat st;

	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), 0);
	assert_true(got.present);
	assert_true(proc_alive(got.pid, got.pid_start));
	assert_int_equal(stat(e->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	rec = recorded(e);
	assert_memory_equal(&rec, &got, sizeof(got));
	assert_int_equal(rec.queues, 2);
	/* The server's log is next to the default sockets. */
	snprintf(log, sizeof(log), "%s/vhost/nx0.log", e->dir);
	assert_int_equal(stat(log, &st), 0);
	/* Its command line: socket, /dev/NAME, queues. */
	snprintf(log, sizeof(log), "/proc/%d/cmdline", (int)got.pid);
	assert_non_null(memmem(file_text(log), 200, "--device", 8));
}

static void publish_twice_is_refused(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got, again;
	char err[512], want_err[300];

	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), 0);
	snprintf(want.socket, sizeof(want.socket), "%s/other.sock", e->dir);
	assert_int_equal(publish_nexus(e->state, "nx0", &want, &again, err, sizeof(err)),
			 -EEXIST);
	snprintf(want_err, sizeof(want_err),
		 "nexus nx0 is already published (vhost-user at %s)", e->sock);
	assert_string_equal(err, want_err);
	assert_true(proc_alive(got.pid, got.pid_start));
	assert_int_equal(recorded(e).pid, got.pid);
	assert_int_equal(access(want.socket, F_OK), -1);
}

static void bad_sockets_are_refused(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got;
	char err[512], want_err[300];
	FILE *f;

	snprintf(want.socket, sizeof(want.socket), "%s/exists.sock", e->dir);
	f = fopen(want.socket, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)),
			 -EEXIST);
	snprintf(want_err, sizeof(want_err), "socket %s exists", want.socket);
	assert_string_equal(err, want_err);
	snprintf(want.socket, sizeof(want.socket), "/proc/nope/x.sock");
	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "cannot create the socket's directory /proc/nope: "
			    "No such file or directory");
	assert_false(recorded(e).present);
}

static void unknown_nexus_is_refused(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got;
	char err[512];

	assert_int_equal(publish_nexus(e->state, "nx9", &want, &got, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "nexus nx9 is not recorded in the state file");
	assert_int_equal(unpublish_nexus(e->state, "nx9", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "nexus nx9 is not published");
}

static void server_that_fails_leaves_nothing(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got;
	char err[512];

	setenv("FAKE_VHOST_FAIL", "1", 1);
	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), -EIO);
	unsetenv("FAKE_VHOST_FAIL");
	assert_string_equal(err, "mayastor-vhost exited: mayastor-vhost: cannot open "
			    "/dev/nx0: No such file or directory");
	assert_false(recorded(e).present);
	assert_int_equal(access(e->sock, F_OK), -1);
}

static void missing_binary_is_said(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got;
	char *old = strdup(getenv("MAYASTOR_VHOST"));
	char err[512];

	setenv("MAYASTOR_VHOST", "/nonexistent/mayastor-vhost", 1);
	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)),
			 -ENOENT);
	setenv("MAYASTOR_VHOST", old, 1);
	free(old);
	assert_string_equal(err, "cannot run mayastor-vhost: No such file or directory");
	assert_false(recorded(e).present);
}

static void unpublish_stops_the_server(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got;
	char err[512];

	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), 0);
	assert_int_equal(unpublish_nexus(e->state, "nx0", err, sizeof(err)), 0);
	assert_false(proc_alive(got.pid, got.pid_start));
	assert_int_equal(access(e->sock, F_OK), -1);
	assert_false(recorded(e).present);
	assert_int_equal(unpublish_nexus(e->state, "nx0", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "nexus nx0 is not published");
}

/* A server killed with SIGKILL leaves its socket; unpublish removes it. */
static void unpublish_after_a_crash(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got;
	char err[512];

	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), 0);
	kill(got.pid, SIGKILL);
	for (int i = 0; i < 100 && proc_alive(got.pid, got.pid_start); i++)
		sleep_ms(10);
	assert_int_equal(access(e->sock, F_OK), 0);
	assert_int_equal(unpublish_nexus(e->state, "nx0", err, sizeof(err)), 0);
	assert_int_equal(access(e->sock, F_OK), -1);
}

/* ---- supervision -------------------------------------------------------- */

struct said {
	char lines[8][512];
	int n;
};

static void collect(void *ctx, enum restore_level level, const char *msg)
{
	struct said *s = ctx;

	(void)level;
	if (s->n < 8)
		snprintf(s->lines[s->n++], sizeof(s->lines[0]), "%s", msg);
}

static void kill_and_wait(const struct state_share *sh)
{
	kill(sh->pid, SIGKILL);
	for (int i = 0; i < 200 && proc_alive(sh->pid, sh->pid_start); i++)
		sleep_ms(10);
	assert_false(proc_alive(sh->pid, sh->pid_start));
}

static void supervisor_restarts_with_backoff(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got, now;
	struct said said = { 0 };
	struct supervisor sv = { .state_file = e->state,
				 .log = { .say = collect, .ctx = &said } };
	char err[512], line[512];

	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), 0);
	supervise_shares(&sv);			/* running: nothing to do */
	assert_int_equal(said.n, 0);
	kill_and_wait(&got);
	supervise_shares(&sv);			/* restart 1, at once */
	now = recorded(e);
	assert_true(proc_alive(now.pid, now.pid_start));
	assert_int_not_equal(now.pid, got.pid);
	snprintf(line, sizeof(line), "nexus nx0: mayastor-vhost (pid %d) is gone; "
		 "restarted it (pid %d, restart 1, next delay 1 s)", (int)got.pid,
		 (int)now.pid);
	assert_int_equal(said.n, 1);
	assert_string_equal(said.lines[0], line);
	kill_and_wait(&now);
	supervise_shares(&sv);			/* within the delay: not yet */
	assert_int_equal(said.n, 1);
	assert_false(proc_alive(recorded(e).pid, recorded(e).pid_start));
	sleep_ms(1100);
	supervise_shares(&sv);			/* restart 2 */
	assert_int_equal(said.n, 2);
	assert_non_null(strstr(said.lines[1], "restart 2, next delay 2 s"));
	assert_true(proc_alive(recorded(e).pid, recorded(e).pid_start));
	supervisor_free(&sv);
}

/* A publication whose server is not running when the agent starts. */
static void supervisor_restores_after_reboot(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got, now;
	struct said said = { 0 };
	struct supervisor sv = { .state_file = e->state,
				 .log = { .say = collect, .ctx = &said } };
	char err[512], line[512], dir[128];

	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), 0);
	kill_and_wait(&got);
	/* /run is empty after a reboot: no socket, no directory. */
	unlink(e->sock);
	snprintf(dir, sizeof(dir), "%s/sock", e->dir);
	assert_int_equal(rmdir(dir), 0);
	supervise_shares(&sv);
	now = recorded(e);
	assert_true(proc_alive(now.pid, now.pid_start));
	snprintf(line, sizeof(line), "nexus nx0: published over vhost-user at %s (pid %d)",
		 e->sock, (int)now.pid);
	assert_int_equal(said.n, 1);
	assert_string_equal(said.lines[0], line);
	/* Unpublished meanwhile: no restart, and the watch goes. */
	assert_int_equal(unpublish_nexus(e->state, "nx0", err, sizeof(err)), 0);
	supervise_shares(&sv);
	assert_int_equal(said.n, 1);
	assert_int_equal(sv.n_watches, 0);
	supervisor_free(&sv);
}

static void supervisor_says_why_it_cannot(void **state)
{
	struct env *e = *state;
	struct state_share want = want_share(e), got;
	struct said said = { 0 };
	struct supervisor sv = { .state_file = e->state,
				 .log = { .say = collect, .ctx = &said } };
	char err[512];

	assert_int_equal(publish_nexus(e->state, "nx0", &want, &got, err, sizeof(err)), 0);
	kill_and_wait(&got);
	setenv("FAKE_VHOST_FAIL", "1", 1);
	supervise_shares(&sv);
	unsetenv("FAKE_VHOST_FAIL");
	assert_int_equal(said.n, 1);
	assert_string_equal(said.lines[0], "nexus nx0: cannot start mayastor-vhost: "
			    "mayastor-vhost exited: mayastor-vhost: cannot open /dev/nx0: "
			    "No such file or directory; trying again in 1 s");
	assert_true(recorded(e).present);	/* still published: tried again */
	supervisor_free(&sv);
}

static void backoff_delays(void **state)
{
	static const unsigned int want[] = { 0, 1, 2, 4, 8, 16, 32, 60, 60, 60 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(supervise_delay(i), want[i]);
	assert_int_equal(supervise_delay(1000), SUPERVISE_MAX_DELAY);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(publish_starts_and_records, setup, teardown),
		cmocka_unit_test_setup_teardown(publish_twice_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_sockets_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_nexus_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(server_that_fails_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_binary_is_said, setup, teardown),
		cmocka_unit_test_setup_teardown(unpublish_stops_the_server, setup, teardown),
		cmocka_unit_test_setup_teardown(unpublish_after_a_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(supervisor_restarts_with_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(supervisor_restores_after_reboot, setup, teardown),
		cmocka_unit_test_setup_teardown(supervisor_says_why_it_cannot, setup, teardown),
		cmocka_unit_test(backoff_delays),
	};
	char self[512];
	ssize_t n;

	if (argc > 2 && strcmp(argv[1], "--socket") == 0)
		return fake_server(argc, argv);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	setenv("MAYASTOR_VHOST", self, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
