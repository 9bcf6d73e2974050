# Crash during random writes, ten times: each phase starts 4 writers of
# 64 KiB O_DIRECT blocks (a known pattern per phase, each completed write
# logged to the host) over a 32 MiB window of a 2-child nexus and cuts the
# power after a random delay; the next boot assembles the nexus from its
# labels (the device order alternates).  The assembly is unclean, the
# resync copies only dirty regions (at most the window's), the children
# end byte-identical, and every write that completed before the crash
# reads back.
# VM: needs=nexus disks=2 disk_size=128M phases=11 timeout=400 smp=2

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
rb_total() { "$MC" -o json nexus children nx0 | jq '[.[] | select(.rebuild != null) | .rebuild.total] | add // 0'; }
WIN_OFF=16	# MiB
WIN=32		# MiB
BLOCKS=$((WIN * 16))	# of 64 KiB
insmod_nexus bitmap_grace_ms=1000

# verify PHASE: every block logged by that phase holds its pattern.
verify() {
	local p=$1
	check dd if=/dev/nx0 of=/var/tmp/win bs=1M skip=$WIN_OFF count=$WIN iflag=direct status=none
	cat "$RESULTS"/log."$p".* 2>/dev/null | sort -un >/var/tmp/logged || true
	log "phase $p: $(wc -l </var/tmp/logged) writes completed before the crash"
	check python3 - /var/tmp/win "$RESULTS/pat.$p" /var/tmp/logged <<'PY'
import sys
win = open(sys.argv[1], 'rb').read()
pat = open(sys.argv[2], 'rb').read()
bad = [b for b in map(int, open(sys.argv[3]).read().split())
       if win[b * 65536:(b + 1) * 65536] != pat]
if bad:
    sys.exit('blocks not read back: %s' % bad[:20])
PY
}

writers() {
	dd if=/dev/urandom of="$RESULTS/pat.$PHASE" bs=64k count=1 status=none
	shuf -i 0-$((BLOCKS - 1)) >/var/tmp/order
	split -n r/4 /var/tmp/order /var/tmp/order.
	local w
	for w in /var/tmp/order.*; do
		(
			while read -r b; do
				dd if="$RESULTS/pat.$PHASE" of=/dev/nx0 bs=64k count=1 \
					seek=$((WIN_OFF * 16 + b)) oflag=direct conv=notrunc \
					status=none || exit 1
				echo "$b" >>"$RESULTS/log.$PHASE.${w##*.}"
			done <"$w"
		) &
	done
	sleep $((2 + RANDOM % 5))
	log "crash with $(cat "$RESULTS"/log."$PHASE".* 2>/dev/null | wc -l) writes done"
	crash_vm
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
dirty=$(nshow .dirty_regions)
log "dirty regions at assembly: $dirty"
[ "$dirty" -le $((WIN * 1048576 / RS)) ] || _check_failed "dirty regions $dirty beyond the window"
check wait_for '[ "$(nshow .state)" = online ]' 120
"$MC" nexus children nx0
total=$(rb_total)
log "resync copied $total bytes"
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
