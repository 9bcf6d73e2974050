# A write is acknowledged only when an in-sync child took it (issue 10,
# item 2): nx0 on A (online) and B (added, its rebuild paused, so it stays
# REBUILDING with nothing copied); A then fails every IO.  An O_DIRECT write
# to nx0 must fail with EIO: B alone cannot serve the volume (it has no
# complete copy), so acknowledging the write on it would lose it.
# VM: needs=nexus disks=2 disk_size=96M smp=2 timeout=300

MC=$MAYASTOR_CLIENT
cf() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }
A=/dev/mapper/ca B=/dev/mapper/cb

insmod_nexus
dm_linear ca "$DISK1"
dm_linear cb "$DISK2"
check "$MC" nexus create nx0 $A
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=16 oflag=direct status=none
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus add nx0 $B
check "$MC" rebuild pause nx0 $B
check wait_for "[ \"\$(cf $B .rebuild.state)\" = paused ]" 20
check_eq "$(cf $B .state)" rebuilding "B while its rebuild is paused"
check_eq "$(cf $A .state)" online "A before the fault"
"$MC" nexus children nx0

log "A fails; a write must not be acknowledged on B alone"
dm_error_swap ca
dd if=/dev/urandom of=/var/tmp/blk bs=64k count=1 status=none
rc=0
dd if=/var/tmp/blk of=/dev/nx0 bs=64k seek=100 count=1 oflag=direct status=none 2>/var/tmp/dd.err || rc=$?
log "write with only B writable: exit $rc: $(cat /var/tmp/dd.err)"
check_eq "$rc" 1 "exit status of a write acked by no in-sync child"
check_grep "Input/output error" /var/tmp/dd.err
"$MC" nexus children nx0
check_eq "$(cf $A .state)" faulted "A after its write failed"

"$MC" nexus destroy nx0 --force || "$MC" nexus destroy nx0
check rmmod nexus
dm_remove ca
dm_remove cb
finish
