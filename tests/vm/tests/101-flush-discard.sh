# Flush, FUA, discard and write-zeroes sent to the nexus reach every child.
# Children are loop devices over files on ext4 (direct IO): their
# /sys/block/loopN/stat counts discards and flushes separately, the block
# tracepoint (block_bio_queue, what blktrace records) shows the flags each
# child's bio carries, and the files show the result (holes for discard and
# punched zeroes, zeroes for write-zeroes). Asserts counters, flags and data.
# VM: needs=nexus timeout=600

MC=$MAYASTOR_CLIENT
MiB=$((1 << 20))

insmod_nexus
load_mod loop
S=/var/tmp/scratch
scratch_fs "$S"
files=()
for i in 1 2 3; do
	mkimg $S/c$i.img 64M
	files+=($S/c$i.img)
done
check "$MC" nexus create nx0 "${files[@]}"
wait_for '[ -b /dev/nx0 ]'
loops=()
for f in "${files[@]}"; do loops+=("$(losetup -j "$f" -O NAME -n)"); done
log "children: ${loops[*]}"
check_eq "${#loops[@]}" 3 "loop devices"

# --- helpers --------------------------------------------------------------------

# stat_field DEV N: field N (1-based) of /sys/block/DEV/stat
# (Documentation/block/stat.rst: 5 write IOs, 7 write sectors, 12 discard IOs,
# 14 discard sectors, 16 flush IOs).
stat_field() { awk -v n="$2" '{ print $n }' "/sys/block/${1#/dev/}/stat"; }

# snap N: the field N of every child, space separated.
snap() {
	local l
	for l in "${loops[@]}"; do printf '%s ' "$(stat_field "$l" "$1")"; done
}

# check_grew WHAT BEFORE AFTER MIN: every child's counter grew by >= MIN.
check_grew() {
	local what=$1 min=$4 i
	local -a b a
	read -ra b <<<"$2"
	read -ra a <<<"$3"
	for i in 0 1 2; do
		[ $((a[i] - b[i])) -ge "$min" ] ||
			_check_failed "$what of ${loops[i]}: ${b[i]} -> ${a[i]}, expected +$min or more"
	done
}

# is_hole OFF LEN FILE...: [OFF, OFF+LEN) of every FILE holds no data
# (SEEK_DATA); one python for all files (python starts slowly under TCG).
is_hole() {
	python3 - "$@" <<'EOF2'
import os, sys
off, n = int(sys.argv[1]), int(sys.argv[2])
bad = []
for f in sys.argv[3:]:
    fd = os.open(f, os.O_RDONLY)
    try:
        d = os.lseek(fd, off, os.SEEK_DATA)
    except OSError:
        d = os.fstat(fd).st_size
    os.close(fd)
    if d < off + n:
        bad.append("%s has data at %d" % (f, d))
if bad:
    print("; ".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
EOF2
}

# is_zero FILE OFF LEN
is_zero() {
	cmp -s -n "$3" <(dd if="$1" bs=1M iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none) /dev/zero
}

# same_as_ref FILE OFF LEN: FILE at OFF holds what was written there (ref).
same_as_ref() {
	cmp -s <(dd if="$1" bs=1M iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none) \
		<(dd if=/var/tmp/ref bs=1M iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none)
}

# Block tracepoint: what blktrace would record, with no package needed.
TR=/sys/kernel/tracing
[ -e $TR/trace ] || TR=/sys/kernel/debug/tracing
if [ -d $TR/events/block/block_bio_queue ]; then
	have_trace=1
else
	have_trace=0
	log "no block_bio_queue tracepoint: checking counters and data only"
fi
tr_start() {
	[ $have_trace = 1 ] || return 0
	echo 0 >$TR/tracing_on
	echo >$TR/trace
	echo 1 >$TR/events/block/block_bio_queue/enable
	echo 1 >$TR/tracing_on
}
# tr_stop NAME: save the trace in $OUTDIR/trace.NAME
tr_stop() {
	[ $have_trace = 1 ] || return 0
	echo 0 >$TR/tracing_on
	echo 0 >$TR/events/block/block_bio_queue/enable
	cat $TR/trace >"$OUTDIR/trace.$1"
}
devnum() { tr : , <"/sys/block/${1#/dev/}/dev"; }	# trace prints 7,0
# tr_check NAME WHAT ERE: every child (and the nexus) queued a bio whose
# "RWBS SECTOR + LEN" matches ERE.
tr_check() {
	local name=$1 what=$2 re=$3 d
	[ $have_trace = 1 ] || return 0
	for d in /dev/nx0 "${loops[@]}"; do
		grep -Eq "block_bio_queue: $(devnum "$d") $re " "$OUTDIR/trace.$name" ||
			_check_failed "$what: no bio /$re/ queued on $d (see trace.$name)"
	done
}

# guarded SECS CMD...: run CMD; if it takes longer than SECS (a hang, not a
# timing assertion: SECS is generous), save the kernel stacks of the stuck
# task and every blocked task in $OUTDIR/hang.txt and fail.
guarded() {
	local secs=$1 pid rc=0 i
	shift
	"$@" &
	pid=$!
	for ((i = 0; i < secs * 5; i++)); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 $pid 2>/dev/null; then
		{
			echo "== $* (pid $pid) stuck after ${secs}s"
			for t in /proc/$pid/task/* $(pgrep -P $pid | sed 's|^|/proc/|'); do
				echo "-- $t: $(cat $t/comm 2>/dev/null)"; cat $t/stack 2>/dev/null
			done
			echo w >/proc/sysrq-trigger
			dmesg | tail -n 200
		} >"$OUTDIR/hang.txt" 2>&1
		fail "hung: $* (stacks in hang.txt)"
	fi
	wait $pid || rc=$?
	return $rc
}

# --- queue limits ---------------------------------------------------------------

log "queue limits of /dev/nx0 and its children"
for d in nx0 "${loops[@]#/dev/}"; do
	echo "$d: write_cache=$(cat /sys/block/$d/queue/write_cache) fua=$(cat /sys/block/$d/queue/fua)" \
		"discard_max=$(cat /sys/block/$d/queue/discard_max_bytes)" \
		"write_zeroes_max=$(cat /sys/block/$d/queue/write_zeroes_max_bytes)"
done
# Loop devices over a file have a volatile cache and no FUA; the nexus
# must have a volatile cache too, or the block layer drops its flushes.
check_eq "$(cat /sys/block/nx0/queue/write_cache)" "write back" "nexus write_cache"
check_eq "$(cat /sys/block/nx0/queue/fua)" "$(cat /sys/block/${loops[0]#/dev/}/queue/fua)" "nexus fua (as its children)"
check test "$(cat /sys/block/nx0/queue/discard_max_bytes)" -gt 0
check test "$(cat /sys/block/nx0/queue/write_zeroes_max_bytes)" -gt 0

# --- data to discard ----------------------------------------------------------

dd if=/dev/urandom of=/var/tmp/ref bs=1M count=32 status=none
check dd if=/var/tmp/ref of=/dev/nx0 bs=1M oflag=direct status=none
for f in "${files[@]}"; do
	check same_as_ref "$f" 0 $((32 * MiB))
done
# The check below must be able to see data: here every file has some at
# exactly 8 MiB, and is_hole must say so for each (not fail some other way).
rc=0
out=$(is_hole $((8 * MiB)) $((8 * MiB)) "${files[@]}" 2>&1) || rc=$?
check_eq "$rc" 1 "is_hole over written data: exit status"
want=$(printf "%s has data at $((8 * MiB))\n" "${files[@]}" | paste -sd';' | sed 's/;/; /g')
check_eq "$out" "$want" "is_hole over written data"

# --- flush ----------------------------------------------------------------------

log "flush: fsync of /dev/nx0"
before=$(snap 16)
tr_start
check guarded 120 python3 -c 'import os; fd = os.open("/dev/nx0", os.O_WRONLY); os.fsync(fd); os.close(fd)'
tr_stop flush
after=$(snap 16)
log "flush counters: $before-> $after"
check_grew "flushes after fsync" "$before" "$after" 1
# An empty bio with PREFLUSH: rwbs "F" then "W".
tr_check flush "flush" 'FW[A-Z]* 0 \+ 0'

# --- FUA ------------------------------------------------------------------------

log "FUA: dd oflag=direct,dsync"
dd if=/dev/urandom of=/var/tmp/fua bs=4k count=1 status=none
dd if=/var/tmp/fua of=/var/tmp/ref bs=4k seek=$((40 * MiB / 4096)) conv=notrunc status=none
before=$(snap 16)
wbefore=$(snap 5)
tr_start
check guarded 120 dd if=/var/tmp/fua of=/dev/nx0 bs=4k seek=$((40 * MiB / 4096)) oflag=direct,dsync status=none
tr_stop fua
after=$(snap 16)
log "flush counters: $before-> $after"
check_grew "writes after the dsync write" "$wbefore" "$(snap 5)" 1
# O_DSYNC direct writes to a block device carry REQ_FUA (and are followed by
# a flush); on the children, which lack FUA, the block layer turns FUA into
# a write and a post-flush, so their flush counters move either way. The
# trace tells FUA apart: rwbs "W" then "F".
check_grew "flushes after the dsync write" "$before" "$after" 1
tr_check fua "FUA write" "WF[A-Z]* $((40 * MiB / 512)) \+ 8"
for f in "${files[@]}"; do check same_as_ref "$f" $((40 * MiB)) 4096; done

# --- discard --------------------------------------------------------------------

log "discard: blkdiscard -o 8M -l 8M /dev/nx0"
blocks_before=()
for f in "${files[@]}"; do blocks_before+=("$(stat -c %b "$f")"); done
before=$(snap 12)
sbefore=$(snap 14)
tr_start
check guarded 120 blkdiscard -o $((8 * MiB)) -l $((8 * MiB)) /dev/nx0
tr_stop discard
log "discard counters: $before-> $(snap 12), sectors: $sbefore-> $(snap 14)"
check_grew "discards" "$before" "$(snap 12)" 1
check_grew "discarded sectors" "$sbefore" "$(snap 14)" $((8 * MiB / 512))
tr_check discard "discard" "D[A-Z]* [0-9]+ \+ [0-9]+"
dd if=/dev/zero of=/var/tmp/ref bs=1M seek=8 count=8 conv=notrunc status=none
check is_hole $((8 * MiB)) $((8 * MiB)) "${files[@]}"
for i in 0 1 2; do
	f=${files[i]}
	# Loop punches a hole in the file for a discard.
	# (ext4 may spend a block or so of it on the extent tree)
	freed=$(((blocks_before[i] - $(stat -c %b "$f")) * 512))
	[ "$freed" -ge $((8 * MiB - 64 * 1024)) ] || _check_failed "$f: $freed bytes freed by the discard, expected about 8 MiB"
	check is_zero "$f" $((8 * MiB)) $((8 * MiB))
	# Around it, nothing changed.
	check same_as_ref "$f" $((7 * MiB)) $((10 * MiB))
done
check is_zero /dev/nx0 $((8 * MiB)) $((8 * MiB))

# --- write zeroes ---------------------------------------------------------------

# BLKZEROOUT (blkdiscard -z) sends REQ_OP_WRITE_ZEROES with REQ_NOUNMAP when
# the device advertises it; loop turns that into FALLOC_FL_ZERO_RANGE:
# unwritten extents, no data (plain writes of zeroes would be data).
log "write zeroes: blkdiscard -z -o 20M -l 4M /dev/nx0"
wbefore=$(snap 5)
tr_start
check guarded 120 blkdiscard -z -o $((20 * MiB)) -l $((4 * MiB)) /dev/nx0
tr_stop zeroout
check_grew "writes after write-zeroes" "$wbefore" "$(snap 5)" 1
# rwbs "N": an operation other than read, write, discard, flush.
tr_check zeroout "write-zeroes" "N[A-Z]* $((20 * MiB / 512)) \+ [0-9]+"
if [ $have_trace = 1 ]; then
	# Writes at or past the metadata area (60 MiB of each 64 MiB child)
	# are the write-intent bitmap's, not data.
	for l in "${loops[@]}"; do
		if grep -Eo "block_bio_queue: $(devnum "$l") W[A-Z]* [0-9]+ " "$OUTDIR/trace.zeroout" |
			awk -v md=$((60 * MiB / 512)) '$4 < md { found = 1 } END { exit !found }'; then
			_check_failed "write-zeroes reached $l as plain writes (see trace.zeroout)"
		fi
	done
fi
dd if=/dev/zero of=/var/tmp/ref bs=1M seek=20 count=4 conv=notrunc status=none
check is_hole $((20 * MiB)) $((4 * MiB)) "${files[@]}"
for f in "${files[@]}"; do
	check is_zero "$f" $((20 * MiB)) $((4 * MiB))
	check same_as_ref "$f" $((19 * MiB)) $((6 * MiB))
done
check is_zero /dev/nx0 $((20 * MiB)) $((4 * MiB))

# fallocate --punch-hole on a block device is write-zeroes that may unmap and
# must not fall back to writing zero pages (BLKDEV_ZERO_NOFALLBACK): it fails
# unless the nexus passes REQ_OP_WRITE_ZEROES down. Loop punches the files.
log "write zeroes (may unmap): fallocate -p -o 26M -l 2M /dev/nx0"
blocks_before=()
for f in "${files[@]}"; do blocks_before+=("$(stat -c %b "$f")"); done
check guarded 120 fallocate -p -o $((26 * MiB)) -l $((2 * MiB)) /dev/nx0
dd if=/dev/zero of=/var/tmp/ref bs=1M seek=26 count=2 conv=notrunc status=none
check is_hole $((26 * MiB)) $((2 * MiB)) "${files[@]}"
for i in 0 1 2; do
	f=${files[i]}
	freed=$(((blocks_before[i] - $(stat -c %b "$f")) * 512))
	[ "$freed" -ge $((2 * MiB - 64 * 1024)) ] || _check_failed "$f: $freed bytes freed by the punch, expected about 2 MiB"
	check same_as_ref "$f" $((25 * MiB)) $((4 * MiB))
done

# --- all of it, through the nexus and on every child ---------------------------

log "the whole data region agrees"
check cmp -n $((32 * MiB)) /var/tmp/ref /dev/nx0
"$MC" -o json nexus children nx0 >/var/tmp/children.json
check_eq "$(jq -r '[.[] | .state] | unique | join(" ")' /var/tmp/children.json)" online "child states"
check_eq "$(jq -r '[.[] | .errors] | add' /var/tmp/children.json)" 0 "child errors"
check_eq "$(jq -r '[.[] | .writes] | unique | length' /var/tmp/children.json)" 1 "same number of writes on every child"
check "$MC" nexus destroy nx0
wait_for '[ -z "$(losetup -a)" ]' || _check_failed "loop devices left: $(losetup -a)"
SIZE=$((60 * MiB))
check cmp -n $SIZE "${files[0]}" "${files[1]}"
check cmp -n $SIZE "${files[0]}" "${files[2]}"
check cmp -n $((32 * MiB)) /var/tmp/ref "${files[0]}"
check rmmod nexus
finish
