/* SPDX-License-Identifier: Apache-2.0 */
/* Sizes and counts given on the command line, and sizes shown to people. */
#ifndef AGENT_SIZE_H
#define AGENT_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Longest size_format() result with its NUL ("1023.9EiB" fits easily). */
#define SIZE_STR_MAX 24

/*
 * Parses SIZE.  A plain number is MiB, as in the original MayaStor CLI
 * (--size=10 is 10 MiB); suffixes K M G T or KiB MiB GiB TiB (any case,
 * powers of 1024) and B for bytes.  Returns NULL on success, else the
 * reason ("must be greater than zero", ...).
 */
const char *size_parse(const char *text, uint64_t *bytes);

/* "512B", "96.0MiB", "1.5GiB": one decimal, binary units. */
char *size_format(uint64_t bytes, char buf[SIZE_STR_MAX]);

/* A non-negative decimal integer that fits in 32 bits; NULL or reason. */
const char *u32_parse(const char *text, uint32_t *out);

#endif /* AGENT_SIZE_H */
