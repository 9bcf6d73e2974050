/*
 * A fake sysfs tree under /tmp for the tests of code that reads sysfs
 * (the nvmf:// and iscsi:// hosts): fake_sysfs_make() creates it,
 * fake_sysfs_put() adds a file (and its directories), fake_sysfs_remove()
 * takes it all away.  Include after <cmocka.h>.
 */
#ifndef TEST_FAKE_SYSFS_H
#define TEST_FAKE_SYSFS_H

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* root (of its size) becomes a new directory /tmp/NAME.XXXXXX. */
static inline void fake_sysfs_make(char *root, size_t size, const char *name)
{
	snprintf(root, size, "/tmp/%s.XXXXXX", name);
	assert_non_null(mkdtemp(root));
}

/* ROOT/REL holding "TEXT\n" (NULL: only the directories up to REL's). */
static inline void fake_sysfs_put(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	mkdir(dir, 0755);
	if (!text)
		return;
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", text);
	fclose(f);
}

static inline int fake_sysfs_rm_one(const char *path, const struct stat *st, int flag,
				    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static inline int fake_sysfs_remove(const char *root)
{
	return nftw(root, fake_sysfs_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* TEST_FAKE_SYSFS_H */
