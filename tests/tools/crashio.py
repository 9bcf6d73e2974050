#!/usr/bin/env python3
"""Writers, crash-point plans and checks of the crash-point test (507).

Every 4 KiB block written carries its own identity: each of its eight
512-byte sectors is the 32-byte record (MAGIC, block * 8 + sector,
generation, seed) repeated, so a block at the wrong offset, a stale or torn
version, or another run's data is recognised.  Writer W owns a contiguous
range of blocks and numbers its writes 1, 2, ... (the generation), so the
generations of a block only grow.

  crashio.py write DEV W NWRITERS BLOCKS SEED ACKFILE STOPFILE [dsync]
      Writes runs of 1-4 blocks (O_DIRECT) at random in its range until
      STOPFILE exists; after every batch of 1-4 writes fdatasync (or, with
      dsync, O_DSYNC: each write is durable when it returns), then appends
      "BLOCK GEN" per block and "F" to ACKFILE in one write: a line there
      means acknowledged AND flushed.  Prints its write count.
  crashio.py plan LISTFILE --children N --epochs N --points N --seed S
                  [--missing P] [--model between|marks]
      From the children's one log (`replay-log --list`): N crash points
      "E LIMIT MISSING", a random epoch E and a replay limit (entries to
      replay): with the model between (default) from just past the mark
      epochE to the mark epoch(E+1) (or the log's end), at a FLUSH/FUA
      entry or anywhere between; with the model marks through the mark
      epochE (see limit_in_epoch); MISSING is the child left out of
      assembly (-1: none; chance P).
  crashio.py verify DEV BLOCKS SEED EPOCHSFILE E ACKFILE...
      Every block acknowledged by epoch E (the ack files' sizes recorded for
      E in EPOCHSFILE) holds that generation or a later one; every block
      holds a valid pattern of its own number (or zeroes, if never
      acknowledged).  Prints "checked N lost N invalid N"; exit 1 if any.
"""
import mmap
import os
import random
import struct
import sys
import time

MAGIC = 0x4B434F4C42584E31  # "1NXBLOCK"
BLOCK = 4096
SECTOR = 512
REC = struct.Struct('<QQQQ')
PAUSE = 0.05  # seconds after each batch


def pattern(block, gen, seed):
    return b''.join(REC.pack(MAGIC, block * 8 + s, gen, seed) * (SECTOR // REC.size)
                    for s in range(BLOCK // SECTOR))


def write(dev, w, nwriters, blocks, seed, ackfile, stopfile, dsync=False):
    lo, hi = w * blocks // nwriters, (w + 1) * blocks // nwriters
    rng = random.Random(seed * 1000 + w)
    flags = os.O_RDWR | os.O_DIRECT | (os.O_DSYNC if dsync else 0)
    fd = os.open(dev, flags)
    ack = os.open(ackfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    buf = mmap.mmap(-1, 8 * BLOCK)
    gen = 0
    while not os.path.exists(stopfile):
        lines = []
        for _ in range(rng.randint(1, 4)):
            gen += 1
            n = rng.randint(1, 4)
            start = rng.randrange(lo, hi - n + 1)
            buf.seek(0)
            for b in range(start, start + n):
                buf.write(pattern(b, gen, seed))
            if os.pwritev(fd, [memoryview(buf)[:n * BLOCK]], start * BLOCK) != n * BLOCK:
                sys.exit('writer %d: short write at block %d' % (w, start))
            lines += ['%d %d' % (b, gen) for b in range(start, start + n)]
        if not dsync:
            os.fdatasync(fd)
        os.write(ack, ('\n'.join(lines) + '\nF\n').encode())
        # Paced: a few thousand writes per run keep the logs and replays small.
        time.sleep(PAUSE)
    print(gen)


def read_list(path):
    """(entries, {mark: index}, [indexes of FLUSH/FUA entries])"""
    marks, flushes, n = {}, [], 0
    with open(path) as f:
        for line in f:
            if line.startswith('#'):
                continue
            idx, _sector, _nr, flags, mark = line.split(None, 4)
            idx, mark = int(idx), mark.strip()
            n = idx + 1
            if 'MARK' in flags:
                marks.setdefault(mark, idx)
            if 'FLUSH' in flags or 'FUA' in flags:
                flushes.append(idx)
    return n, marks, flushes


def limit_in_epoch(rng, log, epoch, model):
    """Entries of the log to replay for a crash in EPOCH.

    The log holds every child's writes in the one order they became
    durable, so each of its prefixes is a state a power cut can leave.
    model "marks": through the mark epochE: what was flushed when the mark
    went in.  model "between": anywhere from there to the next mark, at a
    flush or between: part of the writes that a flush made durable (of one
    child or several) are there, the rest lost with the caches."""
    n, marks, flushes = log
    if model == 'marks':
        return marks['epoch%d' % epoch] + 1
    lo = marks['epoch%d' % epoch] + 1
    hi = marks.get('epoch%d' % (epoch + 1), n - 1) + 1
    cuts = [i + 1 for i in flushes if lo <= i + 1 <= hi]
    if cuts and rng.random() < 0.5:
        return rng.choice(cuts)
    return rng.randint(lo, hi)


def plan(args):
    lists, opts = [], {'--missing': '0', '--model': 'between'}
    while args:
        a = args.pop(0)
        if a.startswith('--'):
            opts[a] = args.pop(0)
        else:
            lists.append(a)
    if len(lists) != 1 or opts['--model'] not in ('between', 'marks'):
        sys.exit('plan: one LISTFILE and --model between|marks')
    log = read_list(lists[0])
    nchild = int(opts['--children'])
    epochs, points = int(opts['--epochs']), int(opts['--points'])
    rng = random.Random(int(opts['--seed']))
    p_missing = float(opts['--missing'])
    for _ in range(points):
        e = rng.randint(0, epochs)
        limit = limit_in_epoch(rng, log, e, opts['--model'])
        missing = rng.randrange(nchild) if rng.random() < p_missing else -1
        print(e, limit, missing)


def acked_by(epochsfile, epoch, ackfiles):
    """{block: highest generation acknowledged and flushed by epoch}"""
    sizes = None
    with open(epochsfile) as f:
        for line in f:
            fields = line.split()
            if int(fields[0]) == epoch:
                sizes = [int(s) for s in fields[1:]]
    if sizes is None or len(sizes) != len(ackfiles):
        sys.exit('no sizes for epoch %d in %s' % (epoch, epochsfile))
    need = {}
    for path, size in zip(ackfiles, sizes):
        with open(path, 'rb') as f:
            text = f.read(size).decode()
        # Only whole batches, up to their "F" line, were flushed for sure.
        text = text[:text.rfind('F\n') + 1] if 'F\n' in text else ''
        for line in text.splitlines():
            if line != 'F':
                b, g = map(int, line.split())
                need[b] = max(need.get(b, 0), g)
    return need


def verify(dev, blocks, seed, epochsfile, epoch, ackfiles):
    need = acked_by(epochsfile, epoch, ackfiles)
    lost = invalid = 0
    zero = bytes(BLOCK)
    with open(dev, 'rb', buffering=0) as f:
        data = f.read(blocks * BLOCK)
    if len(data) != blocks * BLOCK:
        sys.exit('%s: short read' % dev)
    for b in range(blocks):
        blk = data[b * BLOCK:(b + 1) * BLOCK]
        if blk == zero:
            gen = 0
        else:
            gen = REC.unpack_from(blk)[2]
            if blk != pattern(b, gen, seed):
                invalid += 1
                if invalid <= 10:
                    print('block %d: not a valid pattern of its own (header %s)'
                          % (b, REC.unpack_from(blk)), file=sys.stderr)
                continue
        if gen < need.get(b, 0):
            lost += 1
            if lost <= 10:
                print('block %d: generation %d, but %d was acknowledged and flushed by epoch %d'
                      % (b, gen, need[b], epoch), file=sys.stderr)
    print('checked %d lost %d invalid %d' % (len(need), lost, invalid))
    return 1 if lost or invalid else 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == 'write':
        write(args[0], int(args[1]), int(args[2]), int(args[3]), int(args[4]),
              args[5], args[6], len(args) > 7 and args[7] == 'dsync')
    elif cmd == 'plan':
        plan(args)
    elif cmd == 'verify':
        return verify(args[0], int(args[1]), int(args[2]), args[3], int(args[4]), args[5:])
    else:
        sys.exit('unknown command %s' % cmd)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
