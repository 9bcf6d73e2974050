/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "size.h"

struct unit {
	const char *name;
	unsigned shift;
};

/* Matched case-insensitively; "" is a bare number, which means MiB. */
static const struct unit units[] = {
	{ "", 20 }, { "B", 0 },
	{ "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 },
	{ "G", 30 }, { "GiB", 30 }, { "T", 40 }, { "TiB", 40 },
};

static const struct unit *find_unit(const char *suffix)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(suffix, units[i].name) == 0)
			return &units[i];
	return NULL;
}

/* Leading decimal digits into *value; returns the rest, NULL on overflow. */
static const char *parse_digits(const char *p, uint64_t *value)
{
	uint64_t v = 0;

	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	*value = v;
	return p;
}

const char *size_parse(const char *text, uint64_t *bytes)
{
	const struct unit *unit;
	const char *rest;
	uint64_t value;

	if (!text || !*text)
		return "empty size";
	if (*text == '-')
		return "must not be negative";
	if (!isdigit((unsigned char)*text))
		return "not a number (examples: 64, 512MiB, 10G, 4096B)";
	rest = parse_digits(text, &value);
	if (!rest)
		return "too large";
	unit = find_unit(rest);
	if (!unit)
		return "unknown unit (use B, K, M, G, T, KiB, MiB, GiB or TiB; "
		       "a plain number is MiB)";
	if (value == 0)
		return "must be greater than zero";
	if (value > (UINT64_MAX >> unit->shift))
		return "too large";
	*bytes = value << unit->shift;
	return NULL;
}

char *size_format(uint64_t bytes, char buf[SIZE_STR_MAX])
{
	static const char *const names[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double value = (double)bytes;
	size_t i = 0;

	if (bytes < 1024) {
		snprintf(buf, SIZE_STR_MAX, "%lluB", (unsigned long long)bytes);
		return buf;
	}
	value /= 1024;
	while (value >= 1024 && i + 1 < sizeof(names) / sizeof(names[0])) {
		value /= 1024;
		i++;
	}
	snprintf(buf, SIZE_STR_MAX, "%.1f%s", value, names[i]);
	return buf;
}

const char *u32_parse(const char *text, uint32_t *out)
{
	const char *rest;
	uint64_t value;

	if (!text || !*text)
		return "empty number";
	if (*text == '-')
		return "must not be negative";
	if (!isdigit((unsigned char)*text))
		return "not a number";
	rest = parse_digits(text, &value);
	if (!rest || value > UINT32_MAX)
		return "too large";
	if (*rest)
		return "not a whole number";
	*out = (uint32_t)value;
	return NULL;
}
