/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's memory as the front-end shares it: regions of guest-physical
 * space, each an fd we mmap.  Every pointer into guest memory that the server
 * uses comes from vu_gpa_to_va(), vu_gpa_to_iov() or vu_uva_to_va(): they
 * return memory wholly inside the regions or nothing.
 */
#ifndef VU_MEM_H
#define VU_MEM_H

#include <stdint.h>
#include <sys/uio.h>

#include "vu_proto.h"

struct vu_region {
	uint64_t gpa;		/* guest-physical start */
	uint64_t size;
	uint64_t uva;		/* the front-end's user address of gpa */
	uint8_t *host;		/* our address of gpa */
	void *map;		/* what we mmap()ed, NULL when not ours */
	uint64_t map_size;
};

struct vu_mem {
	unsigned int n;
	struct vu_region r[VU_MAX_MEM_SLOTS];
};

/* NULL when the region may be added, else why not (a fixed string). */
const char *vu_mem_check(const struct vu_mem *mem, const struct vu_mem_region_msg *m);
/* NULL when fd can back the region (a regular file large enough), else why not. */
const char *vu_mem_check_fd(int fd, const struct vu_mem_region_msg *m);
/* Maps fd (always consumed) and adds the region; NULL or why not. */
const char *vu_mem_add_fd(struct vu_mem *mem, const struct vu_mem_region_msg *m, int fd);
/* Adds memory already mapped at host (tests, fuzzing). */
const char *vu_mem_add_mapped(struct vu_mem *mem, const struct vu_mem_region_msg *m,
			      void *host);
/* Removes the region of that guest address and size; NULL or why not. */
const char *vu_mem_remove(struct vu_mem *mem, const struct vu_mem_region_msg *m);
void vu_mem_clear(struct vu_mem *mem);

void *vu_gpa_to_va(const struct vu_mem *mem, uint64_t gpa, uint64_t len);
void *vu_uva_to_va(const struct vu_mem *mem, uint64_t uva, uint64_t len);
/*
 * Appends the host pieces of [gpa, gpa + len) to iov[*n..max): a buffer may
 * cross from one region into an adjacent one.  -1 when any byte is outside
 * every region or more than max pieces would be needed.
 */
int vu_gpa_to_iov(const struct vu_mem *mem, uint64_t gpa, uint64_t len,
		  struct iovec *iov, unsigned int *n, unsigned int max);

#endif
