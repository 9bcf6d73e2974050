// SPDX-License-Identifier: GPL-2.0
/* Probe: a live queue's limits change in one atomic, frozen update (6.12). */
#include <linux/blkdev.h>

int nexus_probe(struct request_queue *q);
int nexus_probe(struct request_queue *q)
{
	struct queue_limits lim = queue_limits_start_update(q);

	return queue_limits_commit_update_frozen(q, &lim);
}
