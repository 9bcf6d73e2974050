/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vc_bench: vhost-client's load generator, for bench/guest/vhost.sh.
 *   bench: iodepth requests of bs bytes kept in flight on every queue, at
 *          random bs-aligned offsets over the whole device, for ramp then
 *          seconds; IOPS, MiB/s, mean and p99 latency of the measured part,
 *          and with pid the server's CPU (utime + stime) per IO.
 *   idle:  one read per queue, then connected and idle for seconds; the
 *          server's CPU ticks meanwhile.
 */
#ifndef VC_BENCH_H
#define VC_BENCH_H

#include <stdbool.h>

#include "vc.h"

struct bench_opts {
	bool write;		/* randwrite, else randread */
	unsigned int bs;	/* bytes, a multiple of 512 */
	unsigned int iodepth;	/* per queue, at most qsize / 4 */
	double seconds, ramp;
	int pid;		/* the server, for its CPU time; 0: not measured */
};

/* 0, 1 if a request failed or none completed, 2 for bad options. */
int vc_bench(struct vc *c, const struct bench_opts *o);
int vc_idle(struct vc *c, const struct bench_opts *o);
long vc_proc_ticks(int pid);

#endif
