/* A nexus as the kernel would report it, shared by the output tests. */
#ifndef TEST_FIXTURES_H
#define TEST_FIXTURES_H

#include <stdlib.h>
#include <string.h>
#include "libnexus.h"

static inline void fixture_child(struct nexus_child_info *c, const char *path,
				 uint32_t slot, enum nexus_child_state state)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->path, path);
	c->slot = slot;
	c->state = state;
	c->reason = NEXUS_REASON_NONE;
	c->size = 100ULL << 20;
	c->major = 7;
	c->minor = slot;
	c->reads = 1200;
	c->writes = 345;
	c->errors = 0;
	c->slot_present = c->state_present = c->reason_present = true;
	c->size_present = c->major_present = c->minor_present = true;
	c->reads_present = c->writes_present = c->errors_present = true;
}

/* nx0: 96 MiB, degraded, /dev/loop1 online, /dev/loop2 rebuilding at 50%. */
static inline void fixture_nexus(struct nexus_info *n)
{
	memset(n, 0, sizeof(*n));
	strcpy(n->name, "nx0");
	nexus_uuid_parse("123e4567-e89b-12d3-a456-426614174000", &n->uuid);
	n->size = 96ULL << 20;
	n->state = NEXUS_STATE_DEGRADED;
	n->major = 252;
	n->minor = 0;
	n->block_size = 512;
	n->open_count = 1;
	n->region_size = 1U << 20;
	n->rebuild_rate = 0;
	n->uuid_present = n->size_present = n->state_present = true;
	n->major_present = n->minor_present = n->block_size_present = true;
	n->open_count_present = n->region_size_present = n->rebuild_rate_present = true;
	n->children = calloc(2, sizeof(*n->children));
	n->n_children = 2;
	fixture_child(&n->children[0], "/dev/loop1", 0, NEXUS_CHILD_ONLINE);
	fixture_child(&n->children[1], "/dev/loop2", 1, NEXUS_CHILD_REBUILDING);
	n->children[1].writes = 40;
	n->children[1].rebuild_present = true;
	n->children[1].rebuild = (struct nexus_rebuild_info){
		.state = NEXUS_REBUILD_RUNNING, .done = 48ULL << 20,
		.total = 96ULL << 20, .rate = 12ULL << 20, .source = 0,
		.state_present = true, .done_present = true, .total_present = true,
		.rate_present = true, .source_present = true,
	};
}

#endif
