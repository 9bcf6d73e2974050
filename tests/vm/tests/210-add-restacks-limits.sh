# `nexus add` re-stacks the queue limits (issue 10, item 6).  Write cache:
# nx0 is created on a write-through child A; after B (a virtio disk with a
# volatile cache: write back) is added, nx0 must read "write back", and an
# fsync on nx0 must send a flush that reaches B (else the block layer strips
# PREFLUSH/FUA before the nexus sees them and nothing is flushed).  Discard:
# nx1 on two loop devices that discard; C, a loop device whose discard is
# switched off, is added: nx1 must then not advertise discard, or a discard
# of nx1 must still leave the children identical.
# VM: needs=nexus disks=2 disk_size=96M smp=2 timeout=300

MC=$MAYASTOR_CLIENT
# flushes DEV: flush requests DEV has completed (field 16 of its stat).
flushes() { awk '{print $16}' "/sys/block/${1##*/}/stat"; }

insmod_nexus
dm_linear wa "$DISK1"
A=/dev/mapper/wa
adm=$(basename "$(readlink -f $A)")
echo "write through" >"/sys/block/$adm/queue/write_cache"
check_eq "$(cat "/sys/block/$adm/queue/write_cache")" "write through" "A's write cache"
B=$DISK2
check_eq "$(cat "/sys/block/${B##*/}/queue/write_cache")" "write back" "B's write cache"

check "$MC" nexus create nx0 $A
check_eq "$(cat /sys/block/nx0/queue/write_cache)" "write through" "nx0 on A alone"
check "$MC" nexus add nx0 $B
check wait_for '[ "$("$MC" -o json nexus show nx0 | jq -r .state)" = online ]' 60
check_eq "$(cat /sys/block/nx0/queue/write_cache)" "write back" "nx0 after adding write-back B"
log "fua: A $(cat "/sys/block/$adm/queue/fua") B $(cat "/sys/block/${B##*/}/queue/fua") nx0 $(cat /sys/block/nx0/queue/fua)"
check_eq "$(cat /sys/block/nx0/queue/fua)" "$(cat "/sys/block/${B##*/}/queue/fua")" "nx0 fua after adding B (A is write through)"
check dd if=/dev/urandom of=/dev/nx0 bs=64k count=4 oflag=direct status=none
# The bitmap's own label writes flush too: let them settle, then count
# only what an fsync of nx0 (sync FILE) sends, three times.
check wait_for '[ "$("$MC" -o json nexus show nx0 | jq -r .dirty_regions)" = 0 ]' 60
sleep 2
for i in 1 2 3; do
	f0=$(flushes "$B")
	check sync /dev/nx0
	f1=$(flushes "$B")
	log "flushes completed by B: $f0 before fsync $i of nx0, $f1 after"
	[ "$f1" -gt "$f0" ] || _check_failed "fsync $i of nx0 sent no flush to B (write back): $f0 -> $f1"
done
check "$MC" nexus destroy nx0

log "discard: a child without discard joins children that discard"
for i in 1 2 3; do
	mkimg /var/tmp/d$i.img 64M
	L[i]=$(make_loop /var/tmp/d$i.img)
done
# C: a dm-linear device stacked on a loop device whose discard is off, so
# that nothing (a loop reconfiguration) can bring discard back under it.
echo 0 >"/sys/block/${L[3]##*/}/queue/discard_max_bytes"
dm_linear nodiscard "${L[3]}"
C=/dev/mapper/nodiscard
cdm=$(basename "$(readlink -f $C)")
check_eq "$(cat "/sys/block/$cdm/queue/discard_max_bytes")" 0 "C's discard_max_bytes"
rc=0
blkdiscard -o 0 -l 1M $C 2>/dev/null || rc=$?
check_eq "$rc" 1 "exit status of a discard of C itself"
[ "$(cat "/sys/block/${L[1]##*/}/queue/discard_max_bytes")" -gt 0 ] || fail "loop devices do not discard here"
check "$MC" nexus create nx1 "${L[1]}" "${L[2]}"
[ "$(cat /sys/block/nx1/queue/discard_max_bytes)" -gt 0 ] || _check_failed "nx1 does not discard on children that do"
check blkdiscard -o 0 -l 1M /dev/nx1
check "$MC" nexus add nx1 $C
check wait_for '[ "$("$MC" -o json nexus show nx1 | jq -r .state)" = online ]' 60
dmax=$(cat /sys/block/nx1/queue/discard_max_bytes)
log "nx1 discard_max_bytes after adding C: $dmax (C: $(cat "/sys/block/$cdm/queue/discard_max_bytes"))"
# BLKDISCARD reports success even when the device answered EOPNOTSUPP
# (blkdev_issue_discard drops that error): what counts is that the copies
# still agree after it.
check dd if=/dev/urandom of=/dev/nx1 bs=1M count=1 oflag=direct status=none
blkdiscard -o 0 -l 1M /dev/nx1 || log "blkdiscard of nx1 refused (exit $?)"
blockdev --flushbufs "${L[1]}" "${L[2]}" $C
for d in "${L[1]}" "${L[2]}"; do
	check cmp -n 1048576 "$d" $C
done
"$MC" nexus children nx1
check_eq "$("$MC" -o json nexus show nx1 | jq -r .state)" online "nx1 state after the discard"
check "$MC" nexus destroy nx1
check rmmod nexus
dm_remove wa
dm_remove nodiscard
finish
