/* Real LVM output captured in the test VM (tests/unit/fixtures/lvm/). */
#ifndef TEST_FIXTURES_LVM_H
#define TEST_FIXTURES_LVM_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file, NUL-terminated (tests run in tests/unit); NULL if missing. */
static inline char *fixture_read(const char *name)
{
	char path[256];
	FILE *f;
	char *buf;
	long len;

	snprintf(path, sizeof(path), "fixtures/lvm/%s", name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

#endif /* TEST_FIXTURES_LVM_H */
