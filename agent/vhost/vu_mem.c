// SPDX-License-Identifier: Apache-2.0
/* Guest memory regions and address translation; see vu_mem.h. */
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vu_mem.h"

/* [a, a + alen) and [b, b + blen) share a byte; lengths are non-zero. */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a <= b + (blen - 1) && b <= a + (alen - 1);
}

/* a + len - 1 does not wrap: the last byte of the range exists. */
static bool range_ok(uint64_t a, uint64_t len)
{
	return len != 0 && a + (len - 1) >= a;
}

const char *vu_mem_check(const struct vu_mem *mem, const struct vu_mem_region_msg *m)
{
	if (!range_ok(m->guest_phys_addr, m->memory_size) ||
	    !range_ok(m->userspace_addr, m->memory_size) ||
	    !range_ok(m->mmap_offset, m->memory_size))
		return "memory region is empty or wraps around";
	/* mmap() takes a size_t and the whole [0, offset + size) is mapped. */
	if (m->mmap_offset + m->memory_size > (uint64_t)SIZE_MAX / 2)
		return "memory region too large";
	if (mem->n >= VU_MAX_MEM_SLOTS)
		return "no free memory slot";
	for (unsigned int i = 0; i < mem->n; i++) {
		const struct vu_region *r = &mem->r[i];

		/* Two host pieces for one guest address would make translation ambiguous. */
		if (overlaps(r->gpa, r->size, m->guest_phys_addr, m->memory_size))
			return "memory region overlaps another's guest addresses";
		if (overlaps(r->uva, r->size, m->userspace_addr, m->memory_size))
			return "memory region overlaps another's user addresses";
	}
	return NULL;
}

static void add(struct vu_mem *mem, const struct vu_mem_region_msg *m, uint8_t *host,
		void *map, uint64_t map_size)
{
	struct vu_region *r = &mem->r[mem->n++];

	r->gpa = m->guest_phys_addr;
	r->size = m->memory_size;
	r->uva = m->userspace_addr;
	r->host = host;
	r->map = map;
	r->map_size = map_size;
}

/*
 * Touching a mapping beyond the end of its file raises SIGBUS: the region
 * must lie inside a regular file (memfd, hugetlbfs, shm) as large as it
 * claims.  (A front-end that shrinks the file later can still do that to
 * its own server process; see docs/vhost-user.md.)
 */
const char *vu_mem_check_fd(int fd, const struct vu_mem_region_msg *m)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return "memory region fd is not a shared memory file";
	if ((uint64_t)st.st_size < m->mmap_offset + m->memory_size)
		return "memory region larger than its file";
	return NULL;
}

const char *vu_mem_add_fd(struct vu_mem *mem, const struct vu_mem_region_msg *m, int fd)
{
	const char *why = vu_mem_check(mem, m);
	uint64_t map_size;
	void *map;

	if (!why)
		why = vu_mem_check_fd(fd, m);
	if (why) {
		close(fd);
		return why;
	}
	/*
	 * Map from offset 0 so that mmap_offset need not be page-aligned; a
	 * file shorter than the mapping faults only where the guest has no RAM.
	 */
	map_size = m->mmap_offset + m->memory_size;
	map = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return "cannot map memory region";
	add(mem, m, (uint8_t *)map + m->mmap_offset, map, map_size);
	return NULL;
}

const char *vu_mem_add_mapped(struct vu_mem *mem, const struct vu_mem_region_msg *m,
			      void *host)
{
	const char *why = vu_mem_check(mem, m);

	if (why)
		return why;
	add(mem, m, host, NULL, 0);
	return NULL;
}

static void unmap(struct vu_region *r)
{
	if (r->map)
		munmap(r->map, r->map_size);
	r->map = NULL;
}

const char *vu_mem_remove(struct vu_mem *mem, const struct vu_mem_region_msg *m)
{
	for (unsigned int i = 0; i < mem->n; i++) {
		struct vu_region *r = &mem->r[i];

		if (r->gpa != m->guest_phys_addr || r->size != m->memory_size)
			continue;
		unmap(r);
		mem->r[i] = mem->r[--mem->n];
		return NULL;
	}
	return "no such memory region";
}

void vu_mem_clear(struct vu_mem *mem)
{
	for (unsigned int i = 0; i < mem->n; i++)
		unmap(&mem->r[i]);
	mem->n = 0;
}

/* The region holding guest address gpa, or NULL. */
static const struct vu_region *find_gpa(const struct vu_mem *mem, uint64_t gpa)
{
	for (unsigned int i = 0; i < mem->n; i++) {
		const struct vu_region *r = &mem->r[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

void *vu_gpa_to_va(const struct vu_mem *mem, uint64_t gpa, uint64_t len)
{
	const struct vu_region *r = find_gpa(mem, gpa);

	if (!r || len > r->size - (gpa - r->gpa))
		return NULL;
	return r->host + (gpa - r->gpa);
}

void *vu_uva_to_va(const struct vu_mem *mem, uint64_t uva, uint64_t len)
{
	for (unsigned int i = 0; i < mem->n; i++) {
		const struct vu_region *r = &mem->r[i];

		if (uva >= r->uva && uva - r->uva < r->size &&
		    len <= r->size - (uva - r->uva))
			return r->host + (uva - r->uva);
	}
	return NULL;
}

int vu_gpa_to_iov(const struct vu_mem *mem, uint64_t gpa, uint64_t len,
		  struct iovec *iov, unsigned int *n, unsigned int max)
{
	if (len && gpa + (len - 1) < gpa)
		return -1;
	while (len) {
		const struct vu_region *r = find_gpa(mem, gpa);
		uint64_t off, piece;

		if (!r || *n >= max)
			return -1;
		off = gpa - r->gpa;
		piece = r->size - off < len ? r->size - off : len;
		iov[*n].iov_base = r->host + off;
		iov[*n].iov_len = piece;
		(*n)++;
		gpa += piece;
		len -= piece;
	}
	return 0;
}
