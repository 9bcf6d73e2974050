#!/usr/bin/env python3
# Seed inputs for the fuzz targets (tests/fuzz/run writes them into a fresh
# corpus directory): well-formed rings and a well-formed negotiation, so the
# fuzzer starts from inputs that reach deep into the code.
#   seeds.py DIR
import os
import struct
import sys

NEXT, WRITE, INDIRECT = 1, 2, 4
HALF = 32 << 10


def desc(addr, ln, flags, nxt):
    return struct.pack("<QIHH", addr, ln, flags, nxt)


def guest(parts):
    """parts: {offset: bytes} -> guest memory from 0, trimmed."""
    end = max(o + len(b) for o, b in parts.items())
    mem = bytearray(end)
    for o, b in parts.items():
        mem[o:o + len(b)] = b
    return bytes(mem)


def avail(heads, used_event=0, num=8):
    ring = b"".join(struct.pack("<H", h) for h in heads)
    ring += b"\0" * (2 * num - len(ring))
    return struct.pack("<HH", 0, len(heads)) + ring + struct.pack("<H", used_event)


def hdr(t, sector):
    return struct.pack("<IIQ", t, 0, sector)


def blk_seeds():
    rw = {0: desc(0x3000, 16, NEXT, 1) + desc(0x4000, 4096, NEXT | WRITE, 2) +
          desc(0x3100, 1, WRITE, 0), 0x1000: avail([0]), 0x3000: hdr(0, 8)}
    yield "read", bytes([0, 3]) + guest(rw)
    wr = dict(rw)
    wr[0] = desc(0x3000, 16, NEXT, 1) + desc(HALF - 256, 512, NEXT, 2) + desc(0x3100, 1, WRITE, 0)
    wr[0x3000] = hdr(1, 16)
    yield "write-straddling", bytes([2, 3]) + guest(wr)
    ind = {0: desc(0x5000, 48, INDIRECT, 0), 0x1000: avail([0]), 0x3000: hdr(1, 0),
           0x5000: desc(0x3000, 16, NEXT, 1) + desc(0x4000, 1024, NEXT, 2) + desc(0x3100, 1, WRITE, 0)}
    yield "indirect", bytes([1, 3]) + guest(ind)
    dis = {0: desc(0x3000, 16, NEXT, 1) + desc(0x3200, 16, NEXT, 2) + desc(0x3100, 1, WRITE, 0),
           0x1000: avail([0]), 0x3000: hdr(11, 0), 0x3200: struct.pack("<QII", 8, 16, 0)}
    yield "discard", bytes([0, 3]) + guest(dis)
    two = {0: desc(0x3000, 16, NEXT, 1) + desc(0x4000, 512, NEXT | WRITE, 2) + desc(0x3100, 1, WRITE, 0) +
           desc(0x3010, 16, NEXT, 4) + desc(0x3100 + 1, 1, WRITE, 0),
           0x1000: avail([0, 3], used_event=1), 0x3000: hdr(0, 0), 0x3010: hdr(8, 0)}
    yield "event-idx-get-id", bytes([2, 3]) + guest(two)
    yield "inflight", bytes([4, 3]) + guest(rw)


def msg(req, payload=b"", nfds=0, flags=1 | 8):
    return bytes([nfds]) + struct.pack("<III", req, flags, len(payload)) + payload


def msg_seeds():
    uva = 0x7f0000000000
    q = lambda v: struct.pack("<Q", v)
    neg = msg(3) + msg(1) + msg(15) + msg(16, q(0x9209)) + msg(17) + msg(24, struct.pack("<III", 0, 60, 0) + b"\0" * 60)
    neg += msg(2, q((1 << 32) | (1 << 30) | (1 << 29) | (1 << 28)))
    neg += msg(5, struct.pack("<II", 1, 0) + struct.pack("<QQQQ", 0, 1 << 20, uva, 0), nfds=1)
    neg += msg(8, struct.pack("<II", 0, 8))
    neg += msg(31, struct.pack("<QQHH", 0, 0, 1, 8) + b"\0" * 4)
    neg += msg(9, struct.pack("<IIQQQQ", 0, 0, uva, uva + 0x2000, uva + 0x1000, 0))
    neg += msg(10, struct.pack("<II", 0, 0))
    neg += msg(13, q(0), nfds=1) + msg(12, q(0), nfds=1) + msg(18, struct.pack("<II", 0, 1))
    yield "cloud-hypervisor", neg
    yield "add-rem", neg + msg(37, q(0) + struct.pack("<QQQQ", 2 << 20, 1 << 20, uva + (4 << 20), 0), nfds=1) + \
        msg(38, q(0) + struct.pack("<QQQQ", 2 << 20, 1 << 20, uva + (4 << 20), 0)) + msg(11, struct.pack("<II", 0, 0))
    yield "config", msg(16, q(1 << 3)) + msg(25, struct.pack("<III", 32, 1, 0) + b"\1")


def main():
    out = sys.argv[1]
    for target, gen in (("blk_req", blk_seeds), ("vu_msg", msg_seeds)):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in gen():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(data)


main()
