# Crash during random writes, five times: each phase starts 4 writers of
# 64 KiB O_DIRECT blocks over a 32 MiB window of a 2-child nexus, each
# logging to the host every write that completed, and cuts the power after
# a random delay; the next boot assembles the nexus from its labels (the
# device order alternates).  Every 512-byte sector a writer writes names
# its phase, block and sector, so a write at the wrong offset is caught.
# After each crash: the assembly is unclean; the resync copies at least one
# region (writes were in flight), every region the bitmap holds dirty and
# nothing beyond the window; the children end byte-identical; every write that
# completed before the crash reads back; and every sector of the window
# holds a write meant for that very sector (of this phase or an earlier
# one) or zeros.  Each phase must have completed at least MIN_WRITES
# writes, and no writer may have failed before the crash.
# VM: needs=nexus disks=2 disk_size=128M phases=6 timeout=400 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
rb_total() { "$MC" -o json nexus children nx0 | jq '[.[] | select(.rebuild != null) | .rebuild.total] | add // 0'; }
WIN_OFF=16	# MiB
WIN=32		# MiB
BLOCKS=$((WIN * 16))	# of 64 KiB
WRITERS=4
MIN_WRITES=40	# per phase: a phase that did less proves little
insmod_nexus bitmap_grace_ms=1000

# The content of block B in phase P: 128 sectors, each a header naming
# phase, block and sector, then the phase's random seed repeated.
SECTORS_PY='
def sector(seed, p, b, s):
    head = b"nexus-501 phase %04d block %06d sector %03d\n" % (p, b, s)
    return (head + seed * 16)[:512]

def block(seed, p, b):
    return b"".join(sector(seed, p, b, s) for s in range(128))
'

# writer N: write this phase's blocks in a random order, again and again,
# logging each block number once its write completed.
writer() {
	python3 - /dev/nx0 "$RESULTS/seed.$PHASE" "$PHASE" "/var/tmp/order.$1" \
		"$RESULTS/log.$PHASE.$1" $((WIN_OFF * 16)) <<PY
import mmap, os, sys
$SECTORS_PY
dev, seedf, p, orderf, logf, base = sys.argv[1:]
seed, p, base = open(seedf, "rb").read(), int(p), int(base)
order = [int(x) for x in open(orderf).read().split()]
fd = os.open(dev, os.O_WRONLY | os.O_DIRECT)
buf = mmap.mmap(-1, 65536)	# page aligned, as O_DIRECT needs
log = open(logf, "a", buffering=1)
while True:
    for b in order:
        buf[:] = block(seed, p, b)
        if os.pwrite(fd, buf, (base + b) * 65536) != 65536:
            sys.exit("short write of block %d" % b)
        log.write("%d\n" % b)
PY
}

writers() {
	local w pids=() alive=0 pid n
	head -c 32 /dev/urandom >"$RESULTS/seed.$PHASE"
	shuf -i 0-$((BLOCKS - 1)) >/var/tmp/order
	split -n r/$WRITERS -d -a 1 /var/tmp/order /var/tmp/order.
	for ((w = 0; w < WRITERS; w++)); do
		writer "$w" &
		pids+=($!)
	done
	# The crash comes 2 to 6 s after every writer has completed a write
	# (python takes a while to start under TCG).
	check wait_for "[ \"\$(ls $RESULTS/log.$PHASE.* 2>/dev/null | wc -l)\" = $WRITERS ]" 120
	sleep $((2 + RANDOM % 5))
	for pid in "${pids[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			alive=$((alive + 1))
		elif wait "$pid"; then
			_check_failed "writer $pid ended before the crash"
		else
			_check_failed "writer $pid failed with status $?"
		fi
	done
	check_eq "$alive" "$WRITERS" "writers still running at the crash"
	n=$(cat "$RESULTS"/log."$PHASE".* 2>/dev/null | wc -l) || true
	log "crash with $n writes done"
	[ "$n" -ge "$MIN_WRITES" ] || _check_failed "only $n writes completed before the crash (at least $MIN_WRITES expected)"
	crash_vm
}

# verify PHASE: every block logged by that phase holds its content, and every
# sector of the window holds a sector written there by PHASE or earlier, or
# zeros.
verify() {
	local p=$1
	check dd if=/dev/nx0 of=/var/tmp/win bs=1M skip=$WIN_OFF count=$WIN iflag=direct status=none
	cat "$RESULTS"/log."$p".* 2>/dev/null | sort -un >/var/tmp/logged || true
	log "phase $p: $(wc -l </var/tmp/logged) distinct blocks completed before the crash"
	check python3 - /var/tmp/win "$RESULTS" "$p" /var/tmp/logged <<PY
import re, sys
$SECTORS_PY
win, results, p, loggedf = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
win = open(win, "rb").read()
seeds = {q: open("%s/seed.%d" % (results, q), "rb").read() for q in range(1, p + 1)}
bad = [b for b in map(int, open(loggedf).read().split())
       if win[b * 65536:(b + 1) * 65536] != block(seeds[p], p, b)]
if bad:
    sys.exit("acknowledged blocks not read back: %s" % bad[:20])
head = re.compile(rb"nexus-501 phase (\d{4}) block (\d{6}) sector (\d{3})\n")
zero = bytes(512)
for off in range(0, len(win), 512):
    s = win[off:off + 512]
    if s == zero:
        continue
    b, n = divmod(off // 512, 128)
    m = head.match(s)
    q = int(m.group(1)) if m else 0
    if not m or int(m.group(2)) != b or int(m.group(3)) != n or not 1 <= q <= p \
            or s != sector(seeds[q], q, b, n):
        sys.exit("block %d sector %d holds what was never written there: %r"
                 % (b, n, s[:48]))
PY
}

if [ "$PHASE" = 1 ]; then
	check "$MC" nexus create nx0 "$DISK1" "$DISK2"
	check_eq "$(nshow .bitmap)" true "bitmap on"
	nshow .region_size >"$RESULTS/rs"
	writers
fi

RS=$(cat "$RESULTS/rs")
prev=$((PHASE - 1))
if [ $((PHASE % 2)) = 0 ]; then order=("$DISK1" "$DISK2"); else order=("$DISK2" "$DISK1"); fi
check "$MC" nexus assemble nx0 "${order[@]}"
check_eq "$(nshow .clean)" false "assembled after a crash"
# Read after assembly, so possibly after the resync cleared some.
dirty=$(nshow .dirty_regions)
log "dirty regions after assembly: $dirty"
check wait_for '[ "$(nshow .state)" = online ]' 120
"$MC" nexus children nx0
# What the resync set out to copy: the regions dirty when it started.
total=$(rb_total)
log "resync copied $total bytes"
[ "$total" -ge "$RS" ] || _check_failed "resync copied $total bytes: not one region, after a crash during writes"
[ "$total" -ge $((dirty * RS)) ] || _check_failed "resync copied $total bytes, less than the $dirty dirty regions"
[ "$total" -le $((WIN << 20)) ] || _check_failed "resync copied $total bytes, more than the window"
verify $prev
size=$(nshow .size)
check cmp -n "$size" "$DISK1" "$DISK2"
if [ "$PHASE" -lt "$PHASES" ]; then
	writers
fi
check "$MC" nexus destroy nx0
check rmmod nexus
finish
