// SPDX-License-Identifier: Apache-2.0
/* virtio-blk request parsing; see blk_req.h. */
#include <string.h>

#include "blk_req.h"

size_t iov_to_buf(const struct iovec *iov, unsigned int n, void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t k = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

		memcpy((uint8_t *)buf + done, iov[i].iov_base, k);
		done += k;
	}
	return done;
}

size_t buf_to_iov(const struct iovec *iov, unsigned int n, const void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t k = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

		memcpy(iov[i].iov_base, (const uint8_t *)buf + done, k);
		done += k;
	}
	return done;
}

void iov_skip(struct iovec **iov, unsigned int *n, size_t len)
{
	while (*n && len >= (*iov)->iov_len) {
		len -= (*iov)->iov_len;
		(*iov)++;
		(*n)--;
	}
	if (*n && len) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + len;
		(*iov)->iov_len -= len;
	}
}

uint64_t iov_bytes(const struct iovec *iov, unsigned int n)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < n; i++)
		sum += iov[i].iov_len;
	return sum;
}

static enum blk_parse_result done(struct blk_req *r, uint8_t code)
{
	r->status_code = code;
	return BLK_DONE;
}

/* [sector, sector + count) lies on the device and on logical blocks. */
static bool range_ok(const struct blk_geom *g, uint64_t sector, uint64_t count)
{
	uint64_t spb = g->blk_size / 512;

	return sector <= g->sectors && count <= g->sectors - sector &&
	       sector % spb == 0 && count % spb == 0;
}

/* IN and OUT: the data is the other direction's pieces, never both. */
static enum blk_parse_result parse_rw(const struct blk_geom *g, struct blk_req *r,
				      uint64_t sector, bool write, struct iovec *rd,
				      unsigned int nrd, struct iovec *wr, unsigned int nwr)
{
	struct iovec *data = write ? rd : wr;
	unsigned int n = write ? nrd : nwr;

	if (write && g->ro)
		return done(r, VIRTIO_BLK_S_IOERR);
	if (iov_bytes(write ? wr : rd, write ? nwr : nrd))
		return done(r, VIRTIO_BLK_S_IOERR);
	r->len = iov_bytes(data, n);
	if (r->len % 512 || r->len > BLK_MAX_REQ_BYTES || !range_ok(g, sector, r->len / 512))
		return done(r, VIRTIO_BLK_S_IOERR);
	r->op = write ? BLK_OP_WRITE : BLK_OP_READ;
	r->offset = sector * 512;
	r->iov = data;
	r->niov = n;
	if (!write)
		r->used_len += (uint32_t)r->len;
	return BLK_SUBMIT;
}

/* DISCARD and WRITE_ZEROES: exactly one segment, flags understood. */
static enum blk_parse_result parse_dwz(const struct blk_geom *g, struct blk_req *r,
				       bool discard, struct iovec *rd, unsigned int nrd)
{
	struct virtio_blk_dwz_le seg;

	if (g->ro)
		return done(r, VIRTIO_BLK_S_IOERR);
	if (iov_bytes(rd, nrd) != sizeof(seg))
		return done(r, VIRTIO_BLK_S_UNSUPP);
	iov_to_buf(rd, nrd, &seg, sizeof(seg));
	if (seg.flags & ~(uint32_t)(discard ? 0 : VIRTIO_BLK_WZ_F_UNMAP))
		return done(r, VIRTIO_BLK_S_UNSUPP);
	if (!seg.num_sectors || seg.num_sectors > BLK_MAX_DWZ_SECTORS ||
	    !range_ok(g, seg.sector, seg.num_sectors))
		return done(r, VIRTIO_BLK_S_IOERR);
	r->offset = seg.sector * 512;
	r->len = (uint64_t)seg.num_sectors * 512;
	r->op = discard ? BLK_OP_DISCARD :
		(seg.flags & VIRTIO_BLK_WZ_F_UNMAP) ? BLK_OP_WRITE_ZEROES_UNMAP :
		BLK_OP_WRITE_ZEROES;
	return BLK_SUBMIT;
}

static enum blk_parse_result parse_get_id(const struct blk_geom *g, struct blk_req *r,
					  struct iovec *wr, unsigned int nwr)
{
	r->used_len += (uint32_t)buf_to_iov(wr, nwr, g->serial, sizeof(g->serial));
	return done(r, VIRTIO_BLK_S_OK);
}

enum blk_parse_result blk_req_parse(const struct blk_geom *g, struct vu_chain *c,
				    struct blk_req *r)
{
	struct iovec *rd = c->iov, *wr = c->iov + c->nread, *last;
	unsigned int nrd = c->nread, nwr = c->nwrite;
	struct virtio_blk_outhdr_le h;

	memset(r, 0, sizeof(*r));
	if (!nwr)
		return BLK_NO_STATUS;
	last = &wr[nwr - 1];
	r->status = (uint8_t *)last->iov_base + last->iov_len - 1;
	if (!--last->iov_len)
		nwr--;
	r->used_len = 1;
	if (iov_to_buf(rd, nrd, &h, sizeof(h)) < sizeof(h))
		return done(r, VIRTIO_BLK_S_IOERR);
	iov_skip(&rd, &nrd, sizeof(h));
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return parse_rw(g, r, h.sector, h.type == VIRTIO_BLK_T_OUT, rd, nrd, wr, nwr);
	case VIRTIO_BLK_T_FLUSH:
		r->op = BLK_OP_FLUSH;
		return BLK_SUBMIT;
	case VIRTIO_BLK_T_GET_ID:
		return parse_get_id(g, r, wr, nwr);
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return parse_dwz(g, r, h.type == VIRTIO_BLK_T_DISCARD, rd, nrd);
	default:
		return done(r, VIRTIO_BLK_S_UNSUPP);
	}
}
