# A child taken OFFLINE before its first rebuild finished still needs a full
# copy (issue 10, item 3): nx0 on A is written all over; B is added with a
# slow rebuild and taken offline after a few MiB; nx0 is destroyed and
# assembled from A and B.  B must come back through a full resync and end
# byte-identical to A over the data region, not go ONLINE after copying only
# the few regions in the bitmap.
# VM: needs=nexus disks=2 disk_size=96M smp=2 timeout=400 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
cf() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }

insmod_nexus
check "$MC" nexus create nx0 "$DISK1"
SIZE=$(nshow .size)
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=$((SIZE >> 20)) oflag=direct status=none
# Until the bitmap sweep has cleared the bits of that write, every region
# would be resynced anyway, hiding a missing full copy.
check wait_for '[ "$(nshow .dirty_regions)" = 0 ]' 60
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus add nx0 "$DISK2"
check wait_for "[ \"\$(cf $DISK2 '.rebuild.done // 0')\" -gt 0 ]" 30
check "$MC" child offline nx0 "$DISK2"
"$MC" nexus children nx0
copied=$(cf "$DISK2" '.rebuild.done // 0')
log "B offline after $copied of $SIZE bytes"
[ "$copied" -lt $((SIZE / 2)) ] || fail "the rebuild copied $copied bytes before the offline: too fast to test"
log "dirty regions: $(nshow .dirty_regions)"
check "$MC" nexus destroy nx0

check "$MC" nexus assemble nx0 "$DISK1" "$DISK2"
"$MC" nexus children nx0
check wait_for "[ \"\$(cf $DISK2 .state)\" = online ]" 300
"$MC" -o json nexus children nx0 | jq -c '.[] | {path, state, rebuild}'
check_eq "$(nshow .state)" online "nexus state after the resync"
blockdev --flushbufs "$DISK1" "$DISK2"
check cmp -n "$SIZE" "$DISK1" "$DISK2"
check "$MC" nexus destroy nx0
check rmmod nexus
finish
