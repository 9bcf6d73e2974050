# `child offline` must not overwrite FAULTED (issue 10, item 7).  C, the
# target of a rebuild, is a dm-delay in front of W, a dm-linear device.
# Once the rebuild has a copy write held in dm-delay (held until the test
# lets it go, so that no loaded host can outrun the window), W is switched
# to error and `child offline C` is sent; when offline waits in the kernel
# for the rebuild to stop, the held write is let go: it fails and faults C.
# C must end FAULTED, not OFFLINE, and offline must say so; and `child
# online C` must not bring it back with only the offline-time regions: C
# faulted before its first copy was done, so it comes back with a full
# copy, and the copies end identical.
# VM: needs=nexus disks=2 disk_size=96M smp=2 timeout=400 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
cf() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }

insmod_nexus
dm_linear w "$DISK2"
n=$(dev_sectors /dev/mapper/w)
dm_hold_writes c /dev/mapper/w
C=/dev/mapper/c

check "$MC" nexus create nx0 "$DISK1"
SIZE=$(nshow .size)
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=$((SIZE >> 20)) oflag=direct status=none
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus add nx0 $C
check "$MC" rebuild pause nx0 $C
# An hour: the write is let go below, by replacing C's table.
dm_write_delay c 3600000
check "$MC" rebuild resume nx0 $C
check wait_for "[ \"\$(dm_held_writes c)\" -ge 1 ]" 60
"$MC" nexus children nx0
check_eq "$(cf $C .state)" rebuilding "C's state while its copy write is held"
log "W fails; offline C while its copy write is held"
dm_error_swap w
"$MC" child offline nx0 $C 2>/var/tmp/offline.err &
offpid=$!
# Offline has stopped the rebuild and waits for its copy write.
check wait_for "grep -q nexus_rebuild_stop /proc/$offpid/stack" 60
log "offline waits in the kernel: let the held write go (to the failing W)"
dm_write_delay c 0
# The stopped rebuild faults C: offline must then fail, saying so.
rc=0
wait $offpid || rc=$?
log "child offline: exit $rc $(cat /var/tmp/offline.err)"
check_eq "$rc" 1 "exit status of child offline over a fault"
grep -q "faulted" /var/tmp/offline.err || fail "child offline's error does not say the child faulted: $(cat /var/tmp/offline.err)"
"$MC" nexus children nx0
check wait_for "[ \"\$(cf $C .state)\" != rebuilding ]" 30
errors=$(cf $C .errors)
log "C: state $(cf $C .state), reason $(cf $C .reason), errors $errors"
[ "$errors" -ge 1 ] || fail "no copy write to C failed: the scenario did not happen"
check_eq "$(cf $C .state)" faulted "C's state after its copy write failed under offline"

log "W works again; online must not bring C back with only the offline-time regions"
dmsetup suspend w
dmsetup load w --table "0 $n linear $DISK2 0"
dmsetup resume w
# C faulted before its first copy was done: it comes back with a full one.
check "$MC" nexus set nx0 --rebuild-rate 0
check "$MC" child online nx0 $C
check wait_for "[ \"\$(cf $C .state)\" = online ]" 300
"$MC" -o json nexus children nx0 | jq -c '.[] | {path, state, rebuild}'
check_eq "$(cf $C .rebuild.total)" "$SIZE" "rebuild total (a full copy)"
blockdev --flushbufs "$DISK1" $C
check cmp -n "$SIZE" "$DISK1" $C
"$MC" nexus destroy nx0 --force
check rmmod nexus
dm_remove c
dm_remove w
finish
