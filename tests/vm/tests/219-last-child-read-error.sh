# A read error on the last ONLINE child fails that read and nothing else
# (issue 10; found by a review): the child stays ONLINE and serves every
# other block, as a lone disk would (md raid1 never fails its last In_sync
# device either).  Faulting it left a FAULTED nexus that failed every IO,
# and, with a child catching up, labels with no active member that
# assembly refused.
#  1. One child, A, a bad block in its data: reading it fails (EIO), A
#     stays ONLINE, the nexus ONLINE; every other block reads back, a write
#     elsewhere works.
#  2. B is added and copies from A: the copy of the bad block's region
#     fails, so B's rebuild fails (B FAULTED, reason rebuild-failed, as when
#     no source is left), A stays ONLINE, the nexus DEGRADED.
#  3. Destroyed and assembled again from A and B: A is the source, B
#     missing the regions it never got comes back FAULTED or catching up,
#     never the source.
# VM: needs=nexus disks=2 disk_size=64M smp=2 timeout=300 check_kernels=std

MC=$MAYASTOR_CLIENT
cf() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
# bad_block SECTOR: A's table with 8 sectors of error at SECTOR.
bad_block() {
	dmsetup load a --table "0 $1 linear $DISK1 0
$1 8 error
$(($1 + 8)) $((n - $1 - 8)) linear $DISK1 $(($1 + 8))"
	dmsetup suspend a
	dmsetup resume a
}

insmod_nexus
dm_linear a "$DISK1"
n=$(dev_sectors /dev/mapper/a)
A=/dev/mapper/a B=$DISK2

check "$MC" nexus create nx0 $A
wait_for '[ -b /dev/nx0 ]'
udev_settle
SIZE=$(nshow .size)
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=$((SIZE >> 20)) oflag=direct status=none
dd if=/dev/nx0 of=/var/tmp/before bs=1M iflag=direct status=none
BAD=$((20 << 11))	# sector 20 MiB in

log "1: a bad block on the only child"
bad_block $BAD
rc=0
dd if=/dev/nx0 of=/dev/null bs=4k skip=$((BAD / 8)) count=1 iflag=direct status=none 2>/var/tmp/dd.err || rc=$?
check_eq "$rc" 1 "exit status of a read of the bad block ($(cat /var/tmp/dd.err))"
check_grep "Input/output error" /var/tmp/dd.err
check_eq "$(cf $A .state)" online "A's state after the read error"
check_eq "$(cf $A .errors)" 1 "A's errors"
check_eq "$(nshow .state)" online "nexus state"
check cmp -n $((BAD * 512)) /var/tmp/before <(dd if=/dev/nx0 bs=1M count=20 iflag=direct status=none)
check cmp -i $(((BAD + 8) * 512)):0 /var/tmp/before <(dd if=/dev/nx0 bs=4k skip=$((BAD / 8 + 1)) iflag=direct status=none)
head -c 65536 /dev/urandom >/var/tmp/w
check dd if=/var/tmp/w of=/dev/nx0 bs=64k seek=16 oflag=direct status=none
check cmp /var/tmp/w <(dd if=/dev/nx0 bs=64k skip=16 count=1 iflag=direct status=none)

log "2: B copies from A, and the copy meets the bad block"
check "$MC" nexus add nx0 $B
check wait_for "[ \"\$(cf $B .state)\" = faulted ]" 120
"$MC" nexus children nx0
check_eq "$(cf $B .reason)" rebuild-failed "B's reason"
check_eq "$(cf $A .state)" online "A's state after the failed copy"
check_eq "$(nshow .state)" degraded "nexus state"
check cmp /var/tmp/w <(dd if=/dev/nx0 bs=64k skip=16 count=1 iflag=direct status=none)

log "3: assembled again from both, A is the source"
check "$MC" nexus destroy nx0
check "$MC" nexus assemble nx0 $A $B
wait_for '[ -b /dev/nx0 ]'
"$MC" nexus children nx0
check_eq "$(cf $A .state)" online "A's state after assembly"
[ "$(cf $B .state)" != online ] || _check_failed "B came back ONLINE without its copy"
check cmp /var/tmp/w <(dd if=/dev/nx0 bs=64k skip=16 count=1 iflag=direct status=none)
check "$MC" nexus destroy nx0 --force
check rmmod nexus
dm_remove a
finish
