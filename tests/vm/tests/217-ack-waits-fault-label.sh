# A write whose copy fails on a child that another path is already
# faulting is acknowledged only once the label saying so is durable
# (issue 10; found by a review after item 4).  The fail worker's own
# fault of that child then returns at once (it is FAULTED already), and
# the write used to be acknowledged at that point, with the label still
# unwritten: a crash then could bring the child back as a resync source
# without the write.
#
# A is a dm-linear (to suspend); B a dm-delay in front of W, a dm-linear
# (to fail).  No bitmap, so that nothing but the write itself goes to B.
# The write lands on A while B holds its copy; A is suspended; `child
# fault B` publishes FAULTED and waits in its label write to A; W fails
# and B's held copy is let go, fails, and reaches the fail worker (B's
# error count).  The write must still be waiting; once A resumes, the
# label is written, the fault returns and the write is acknowledged.
# VM: needs=nexus disks=2 disk_size=64M smp=2 timeout=300 check_kernels=std

MC=$MAYASTOR_CLIENT
cf() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }
insmod_nexus
dm_linear a "$DISK1"
dm_linear w "$DISK2"
dm_hold_writes b /dev/mapper/w
A=/dev/mapper/a B=/dev/mapper/b

check "$MC" nexus create nx0 --no-bitmap $A $B
wait_for '[ -b /dev/nx0 ]'
udev_settle
head -c 65536 /dev/urandom >/var/tmp/w1

log "the write lands on A; B holds its copy"
dm_write_delay b 3600000
wa=$(cf $A .writes)
dd if=/var/tmp/w1 of=/dev/nx0 bs=64k seek=16 oflag=direct status=none &
ddpid=$!
check wait_for "[ \"\$(dm_held_writes b)\" -ge 1 ] && [ \"\$(cf $A .writes)\" -gt $wa ]" 60
check dmsetup suspend a

log "child fault B: its label write to A waits"
"$MC" child fault nx0 $B 2>/var/tmp/fault.err &
faultpid=$!
check wait_for "[ \"\$(cf $B .state)\" = faulted ]" 60

log "B's copy fails"
dm_error_swap w
dm_write_delay b 0
check wait_for "[ \"\$(cf $B .errors)\" -ge 1 ]" 60
# The fail worker acknowledged the write right after counting the error.
sleep 5
check kill -0 $ddpid
check_eq "$(kill -0 $faultpid && echo waiting)" waiting "child fault while its label cannot be written"

log "A resumes: the label is written, then the write is acknowledged"
check dmsetup resume a
rc=0
wait $faultpid || rc=$?
check_eq "$rc" 0 "exit status of child fault ($(cat /var/tmp/fault.err))"
rc=0
wait $ddpid || rc=$?
check_eq "$rc" 0 "exit status of the write"
check_eq "$(cf $B .state)" faulted "B's state"
check_eq "$("$MC" -o json nexus show nx0 | jq -r .state)" degraded "nexus state"
check cmp /var/tmp/w1 <(dd if=$A bs=64k skip=16 count=1 iflag=direct status=none)
check cmp /var/tmp/w1 <(dd if=/dev/nx0 bs=64k skip=16 count=1 iflag=direct status=none)

check "$MC" nexus destroy nx0
check rmmod nexus
dm_remove b
dm_remove w
dm_remove a
finish
