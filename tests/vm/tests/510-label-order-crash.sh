# A crash in the middle of a label update must not leave the newest
# generation only on a child that is not in sync (issue 10; found by 507's
# independent crash model).  nx0 on A, B, C (slots 0, 1, 2); A is taken
# offline, misses a write of the whole volume, comes back and its catch-up
# is paused: A is
# REBUILDING, so still written to, but not a source.  B's device is then
# suspended and C taken offline: the label update that excludes C blocks
# on B.  When labels went out in slot order, A already held the new
# generation by then (calling itself behind and B active, while B's own
# label was one older): after a power cut nothing held "the newest data"
# and assembly refused the nexus.  Labels now reach the children the new
# table calls active first, so A gets nothing until B has it.
# Phase 2 assembles from the raw disks: nx0 must come back with every
# acknowledged write, and A (and C) catch up to byte-identical copies.
# VM: needs=nexus disks=3 disk_size=96M phases=2 smp=2 timeout=400 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
cf() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }

insmod_nexus
case $PHASE in
1)
	dm_linear la "$DISK1"
	dm_linear lb "$DISK2"
	dm_linear lc "$DISK3"
	A=/dev/mapper/la B=/dev/mapper/lb C=/dev/mapper/lc
	check "$MC" nexus create nx0 "$A" "$B" "$C"
	check_eq "$(cf $A .slot) $(cf $B .slot) $(cf $C .slot)" "0 1 2" "slots"
	size=$(nshow .size)
	echo "$size" >"$RESULTS/size"
	dd if=/dev/urandom of="$RESULTS/data" bs=1M count=$((size >> 20)) status=none
	check "$MC" child offline nx0 "$A"
	# Every region dirty: A's catch-up is long enough to pause.
	check dd if="$RESULTS/data" of=/dev/nx0 bs=1M oflag=direct conv=fsync status=none
	check "$MC" nexus set nx0 --rebuild-rate 1
	check "$MC" child online nx0 "$A"
	check wait_for "[ \"\$(cf $A '.rebuild.done // 0')\" -gt 0 ]" 30
	check "$MC" rebuild pause nx0 "$A"
	check wait_for "[ \"\$(cf $A .rebuild.state)\" = paused ]" 60
	check_eq "$(cf $A .state)" rebuilding "A: written to, not in sync"
	"$MC" nexus children nx0
	gen=$(nshow .generation)
	log "labels at generation $gen; B suspended, C going offline"
	# The label update blocks on the suspended B until the power cut, on
	# purpose: on the debug kernel on a loaded host that has outlasted the
	# hung-task timeout (60 s in the guests), which would fail the phase.
	echo 600 >/proc/sys/kernel/hung_task_timeout_secs
	check dmsetup suspend lb
	"$MC" child offline nx0 "$C" >/var/tmp/offline.out 2>&1 &
	# A's label at gen + 1 would be written within a second; give it far
	# longer.  (With the fix it never is: the update waits on B.)
	if wait_for "[ \"\$(timeout 5 $MC -o json nexus children nx0 |
		jq -r --arg p $A '.[] | select(.path == \$p) | .generation')\" -gt $gen ]" 15; then
		log "A holds generation $((gen + 1)) while B does not"
	else
		log "A still at generation $gen"
	fi
	crash_vm
	;;
2)
	check "$MC" nexus assemble nx0 "$DISK1" "$DISK2" "$DISK3" 2>&1 | tee /var/tmp/assemble.out
	check_grep "assembled nexus nx0" /var/tmp/assemble.out
	"$MC" nexus children nx0
	check_eq "$(cf "$DISK2" .state)" online "B: the source after the crash"
	check wait_for "[ \"\$($MC -o json nexus children nx0 | jq '[.[] | select(.state != \"online\")] | length')\" = 0 ]" 240
	check_eq "$(nshow .state)" online "nexus state after the catch-up"
	check_eq "$(nshow .size)" "$(cat "$RESULTS/size")" "size from the labels"
	check cmp "$RESULTS/data" <(dd if=/dev/nx0 bs=1M count=$(($(cat "$RESULTS/size") >> 20)) iflag=direct status=none)
	size=$(nshow .size)
	blockdev --flushbufs "$DISK1" "$DISK2" "$DISK3"
	check cmp -n "$size" "$DISK1" "$DISK2"
	check cmp -n "$size" "$DISK2" "$DISK3"
	check "$MC" nexus destroy nx0
	;;
esac
check rmmod nexus
finish
