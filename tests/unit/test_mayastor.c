/*
 * libmayastor (agent/include/mayastor.h): the arguments of create and
 * destroy are checked before anything of the system is touched: a bad
 * name, no child, more than 32, a child that is no path or URI, one given
 * twice, the same file under two spellings each give -errno and the line
 * mayastor-client gives, no loop device is attached, no state file
 * written, the kernel never asked.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "loop.h"
#include "mayastor.h"

struct fixture {
	struct mayastor *ms;
	char dir[64];		/* a temporary directory */
	char state[128];	/* a state file in it, never to be written */
	char img[128];		/* an image file in it */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct mayastor_options opts = { 0 };
	char msg[MAYASTOR_MSG_MAX];
	FILE *img;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_mayastor.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->state, sizeof(f->state), "%s/agent.json", f->dir);
	snprintf(f->img, sizeof(f->img), "%s/a.img", f->dir);
	img = fopen(f->img, "w");
	if (!img || ftruncate(fileno(img), 1 << 20) || fclose(img))
		return -1;
	opts.state_file = f->state;
	if (mayastor_open(&f->ms, &opts, msg, sizeof(msg)))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mayastor_close(f->ms);
	unlink(f->img);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Nothing of the system was touched: no record, no loop device. */
static void untouched(const struct fixture *f)
{
	char dev[LOOP_DEV_MAX];

	assert_int_not_equal(access(f->state, F_OK), 0);
	assert_int_equal(loop_find_backing(f->img, dev, sizeof(dev)), -ENOENT);
}

/* create fails with err and exactly the message want. */
static void refused(struct fixture *f, const char *name,
		    const char *const *children, int n, int err, const char *want)
{
	char msg[MAYASTOR_MSG_MAX] = "junk";

	assert_int_equal(mayastor_nexus_create(f->ms, name, 0, children, n, msg,
					       sizeof(msg)), err);
	assert_string_equal(msg, want);
	untouched(f);
}

static void bad_name(void **state)
{
	struct fixture *f = *state;
	const char *const one[] = { f->img };

	refused(f, "bad/name", one, 1, -EINVAL,
		"invalid nexus name 'bad/name' (1-31 characters of A-Z a-z 0-9 . _ -, "
		"starting with a letter or digit)");
	refused(f, "", one, 1, -EINVAL,
		"invalid nexus name '' (1-31 characters of A-Z a-z 0-9 . _ -, "
		"starting with a letter or digit)");
	refused(f, "a23456789012345678901234567890123", one, 1, -EINVAL,
		"invalid nexus name 'a23456789012345678901234567890123' (1-31 "
		"characters of A-Z a-z 0-9 . _ -, starting with a letter or digit)");
	refused(f, NULL, one, 1, -EINVAL,
		"invalid nexus name '(null)' (1-31 characters of A-Z a-z 0-9 . _ -, "
		"starting with a letter or digit)");
}

static void no_children(void **state)
{
	struct fixture *f = *state;

	refused(f, "nx0", NULL, 0, -EINVAL, "a nexus needs at least one child");
	refused(f, "nx0", NULL, -1, -EINVAL, "a nexus needs at least one child");
	refused(f, "nx0", NULL, 2, -EINVAL, "no children given (children is NULL)");
}

static void too_many_children(void **state)
{
	struct fixture *f = *state;
	const char *many[MAYASTOR_MAX_CHILDREN + 1];
	char names[MAYASTOR_MAX_CHILDREN + 1][32];

	for (int i = 0; i <= MAYASTOR_MAX_CHILDREN; i++) {
		snprintf(names[i], sizeof(names[i]), "/dev/loop%d", i);
		many[i] = names[i];
	}
	refused(f, "nx0", many, MAYASTOR_MAX_CHILDREN + 1, -E2BIG,
		"too many children (at most 32)");
}

static void bad_children(void **state)
{
	struct fixture *f = *state;
	const char *const ftp[] = { f->img, "ftp://x/y" };
	const char *const twice[] = { "/dev/loop0", "/dev/loop0" };
	const char *const lun[] = { f->img, "iscsi://127.0.0.1/iqn.2019-05.io.openebs:disk2/x" };
	const char *const tmo[] = { "nvmf://127.0.0.1/nqn.x?fast_io_fail_tmo=0", f->img };
	const char *const empty[] = { f->img, "" };
	const char *const null[] = { f->img, NULL };

	refused(f, "nx0", ftp, 2, -EINVAL,
		"child 'ftp://x/y': unknown scheme (use aio, file, bdev, nvmf, iscsi or lvol)");
	refused(f, "nx0", twice, 2, -EINVAL, "child '/dev/loop0' given twice");
	refused(f, "nx0", lun, 2, -EINVAL,
		"child 'iscsi://127.0.0.1/iqn.2019-05.io.openebs:disk2/x': LUN must be a number");
	refused(f, "nx0", tmo, 2, -EINVAL,
		"child 'nvmf://127.0.0.1/nqn.x?fast_io_fail_tmo=0': fast_io_fail_tmo "
		"must be 1-600 seconds");
	refused(f, "nx0", empty, 2, -EINVAL, "child '': empty path");
	refused(f, "nx0", null, 2, -EINVAL, "child '(null)': no text");
}

/* A path and its aio:// URI name one file: refused before attaching. */
static void same_file_twice(void **state)
{
	struct fixture *f = *state;
	char uri[200], want[600];
	const char *const two[] = { f->img, uri };

	snprintf(uri, sizeof(uri), "aio://%s?blk_size=512", f->img);
	snprintf(want, sizeof(want), "child '%s' given twice: it is the same file as '%s'",
		 uri, f->img);
	refused(f, "nx0", two, 2, -EINVAL, want);
}

/* No buffer, or a small one: the same error, a truncated message. */
static void message_buffers(void **state)
{
	struct fixture *f = *state;
	const char *const one[] = { "ftp://x/y" };
	char small[8];

	assert_int_equal(mayastor_nexus_create(f->ms, "nx0", 0, one, 1, NULL, 0), -EINVAL);
	assert_int_equal(mayastor_nexus_create(f->ms, "nx0", 0, one, 1, small,
					       sizeof(small)), -EINVAL);
	assert_string_equal(small, "child '");
	untouched(f);
}

/* Valid arguments get as far as the kernel (or the missing file). */
static void valid_arguments_go_on(void **state)
{
	struct fixture *f = *state;
	const char *const one[] = { "/nonexistent/test_mayastor.img" };
	char msg[MAYASTOR_MSG_MAX];

	assert_int_equal(mayastor_nexus_create(f->ms, "nx0", 0, one, 1, msg,
					       sizeof(msg)), -ENOENT);
	if (strcmp(msg, "the nexus kernel module is not loaded (modprobe nexus)") != 0)
		assert_string_equal(msg, "child /nonexistent/test_mayastor.img: "
				    "No such file or directory");
	untouched(f);
}

static void destroy_checks_the_name(void **state)
{
	struct fixture *f = *state;
	char msg[MAYASTOR_MSG_MAX];

	assert_int_equal(mayastor_nexus_destroy(f->ms, "no good", msg, sizeof(msg)),
			 -EINVAL);
	assert_string_equal(msg, "invalid nexus name 'no good' (1-31 characters of "
			    "A-Z a-z 0-9 . _ -, starting with a letter or digit)");
	untouched(f);
}

static void device_path(void **state)
{
	char path[64], tiny[6];

	(void)state;
	assert_int_equal(mayastor_nexus_device("nexus0", path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/nexus0");
	assert_int_equal(mayastor_nexus_device("bad/name", path, sizeof(path)), -EINVAL);
	assert_int_equal(mayastor_nexus_device(NULL, path, sizeof(path)), -EINVAL);
	assert_int_equal(mayastor_nexus_device("nexus0", tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
}

static void open_options(void **state)
{
	struct mayastor_options opts = { .state_file = "" };
	struct mayastor *ms = (struct mayastor *)state;	/* overwritten */
	char *longpath = malloc(PATH_MAX + 10);
	char msg[MAYASTOR_MSG_MAX];

	assert_non_null(longpath);
	assert_int_equal(mayastor_open(&ms, &opts, msg, sizeof(msg)), 0);
	assert_non_null(ms);
	assert_string_equal(msg, "");
	mayastor_close(ms);
	assert_int_equal(mayastor_open(&ms, NULL, NULL, 0), 0);
	mayastor_close(ms);
	memset(longpath, 'a', PATH_MAX + 9);
	longpath[0] = '/';
	longpath[PATH_MAX + 9] = '\0';
	opts.state_file = longpath;
	assert_int_equal(mayastor_open(&ms, &opts, msg, sizeof(msg)), -ENAMETOOLONG);
	assert_null(ms);
	assert_string_equal(msg, "state file path longer than 4095 bytes");
	mayastor_close(NULL);
	free(longpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bad_name, setup, teardown),
		cmocka_unit_test_setup_teardown(no_children, setup, teardown),
		cmocka_unit_test_setup_teardown(too_many_children, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_children, setup, teardown),
		cmocka_unit_test_setup_teardown(same_file_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(message_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(valid_arguments_go_on, setup, teardown),
		cmocka_unit_test_setup_teardown(destroy_checks_the_name, setup, teardown),
		cmocka_unit_test(device_path),
		cmocka_unit_test(open_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
