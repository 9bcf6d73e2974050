/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk requests (virtio 1.2, 5.2.6): turns a popped descriptor chain
 * into what the backend must do, or into the status the driver gets at once.
 * No framing is assumed: the header may span descriptors, and the status
 * byte is the chain's last writable byte.
 */
#ifndef BLK_REQ_H
#define BLK_REQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vu_ring.h"

/* Largest data transfer of one request: seg_max * size_max fits under it. */
#define BLK_MAX_REQ_BYTES (32u << 20)
#define BLK_SIZE_MAX (256u << 10)
/* One discard/write-zeroes segment per request (max_*_seg in the config). */
#define BLK_MAX_DWZ_SECTORS (1u << 22)

/* What the device is; read-only to the parser. */
struct blk_geom {
	uint64_t sectors;	/* capacity in 512-byte sectors */
	uint32_t blk_size;	/* logical block size, a power of two >= 512 */
	uint32_t phys_block_size;	/* a power-of-two multiple of blk_size */
	uint32_t opt_io_size;	/* bytes, 0 when unknown */
	bool ro;
	char serial[VIRTIO_BLK_ID_BYTES];	/* GET_ID, NUL-padded */
};

enum blk_op { BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH, BLK_OP_DISCARD,
	      BLK_OP_WRITE_ZEROES, BLK_OP_WRITE_ZEROES_UNMAP };

enum blk_parse_result {
	BLK_SUBMIT,	/* r->op for the backend */
	BLK_DONE,	/* r->status decided now (errors, GET_ID) */
	BLK_NO_STATUS,	/* no writable status byte: the chain is unusable */
};

struct blk_req {
	enum blk_op op;
	uint8_t *status;	/* the guest's status byte */
	uint8_t status_code;	/* for BLK_DONE */
	uint32_t used_len;	/* bytes written into the guest, status included */
	uint64_t offset;	/* bytes */
	uint64_t len;		/* bytes */
	struct iovec *iov;	/* data pieces, inside the chain's iov */
	unsigned int niov;
};

/*
 * Parses chain c (whose iov it trims in place) into r.  Never touches guest
 * memory outside c's pieces; GET_ID writes its answer here.
 */
enum blk_parse_result blk_req_parse(const struct blk_geom *g, struct vu_chain *c,
				    struct blk_req *r);

/* Copies up to len bytes from iov into buf; returns how many. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, void *buf, size_t len);
/* Copies up to len bytes from buf into iov; returns how many. */
size_t buf_to_iov(const struct iovec *iov, unsigned int n, const void *buf, size_t len);
/* Drops the first len bytes of the pieces (len <= their total). */
void iov_skip(struct iovec **iov, unsigned int *n, size_t len);
uint64_t iov_bytes(const struct iovec *iov, unsigned int n);

#endif
