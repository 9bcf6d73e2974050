# A child faulted by IO errors (a lost target, often) comes back with
# `child online`, and only what it missed is copied (issue 11: the partial
# rebuild of a returning remote child, here on local devices).  The labels
# keep such a child behind by the write-intent bitmap, whose bits are not
# cleared while it is away: the rebuild total is the regions written since
# the fault, the failed write's among them, not the whole nexus, and the
# children then compare equal.  Then the same member back on another device
# (as a remote namespace that returns under a new name): CHILD_ONLINE with
# its member UUID and the new path, again only the regions written
# meanwhile, the old device let go.  Refused, changing nothing: a device
# without a label, a device that is already a child, an online member.  A
# child faulted by hand comes back with a full copy.  Last, a faulted child
# across destroy and assembly: the labels still call it behind by the
# bitmap, and assembly copies only the bitmap's regions to it.  And a child
# whose flush before a bit was cleared failed (the bitmap block that
# clears it), so that its cache may have lost that region's data: the bit
# is put back before its fault is recorded, and it comes back with that
# region copied, not the whole nexus (before that fix: a full copy).
# VM: needs=nexus smp=2 timeout=500 check_kernels=std

MC=$MAYASTOR_CLIENT
cf() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
probe() { python3 "$REPO/tests/tools/nlprobe.py" "$@"; }
total_of() { "$MC" -o json rebuild progress nx0 "$1" | jq -r .total; }
# write64k REGION: 64 KiB of new data at the start of region REGION.
write64k() {
	check dd if=/dev/urandom of=/dev/nx0 bs=64k count=1 seek=$(($1 * RS / 65536)) \
		oflag=direct status=none
}
# caught_up CHILD REGIONS: CHILD rebuilt, REGIONS regions copied, same bytes as C1.
caught_up() {
	check wait_for "[ \"\$(cf $1 .state)\" = online ]" 120
	"$MC" rebuild progress nx0 "$1"
	check_eq "$(total_of "$1")" $(($2 * RS)) "rebuild total of $1 ($2 regions)"
	blockdev --flushbufs $C1 "$1"
	check cmp -n "$SIZE" $C1 "$1"
}

insmod_nexus bitmap_grace_ms=300
load_mod loop
L=()
for i in 1 2 3; do
	mkimg /var/tmp/c$i.img 64M
	L[i]=$(make_loop /var/tmp/c$i.img)
done
dm_linear c1 "${L[1]}"
dm_linear c2 "${L[2]}"
C1=/dev/mapper/c1 C2=/dev/mapper/c2

check "$MC" nexus create nx0 $C1 $C2
SIZE=$(nshow .size)
RS=$(nshow .region_size)
log "size $SIZE, region size $RS"
[ $((SIZE / RS)) -ge 10 ] || fail "unexpected region size $RS for $SIZE bytes"
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=$((SIZE >> 20)) oflag=direct status=none
check wait_for '[ "$(nshow .dirty_regions)" = 0 ]' 30
U2=$(cf $C2 .uuid | tr -d -)

log "c2 fails: the write to region 2 faults it, region 5 is written while it is away"
dm_error_swap c2
write64k 2
check_eq "$(cf $C2 .state)" faulted "c2 state"
check_eq "$(cf $C2 .reason)" io-error "c2 reason"
write64k 5
# Idle far beyond bitmap_grace_ms: the bits stay, c2 is behind by them.
sleep 3
check_eq "$(nshow .dirty_regions)" 2 "dirty regions while c2 is faulted"
dm_linear_swap c2 "${L[2]}"
check "$MC" child online nx0 $C2
caught_up $C2 2
check wait_for '[ "$(nshow .dirty_regions)" = 0 ]' 30

log "c2 fails again; the member comes back on another device, c2b"
dm_error_swap c2
write64k 7
check_eq "$(cf $C2 .state)" faulted "c2 state"
write64k 9
dm_linear c2b "${L[2]}"
dm_linear blank "${L[3]}"
C2B=/dev/mapper/c2b
U1=$(cf $C1 .uuid | tr -d -)
# Refused, and nothing changes: c2 stays faulted at its path.
bad_online() {
	local rc=0 out
	out=$(probe CHILD_ONLINE NAME=str:nx0 "CHILD={PATH=str:$2 UUID=bin:$3}") || rc=$?
	log "online member $3 at $2: $out"
	check_eq "$rc" 1 "exit of CHILD_ONLINE at $2"
	[[ $out =~ $1 ]] || _check_failed "CHILD_ONLINE at $2: '$out' does not match '$1'"
	check_eq "$(cf $C2 .state)" faulted "c2 state after the refused online"
}
bad_online "EINVAL.*carries no valid nexus label" /dev/mapper/blank "$U2"
bad_online "EEXIST.*already a child" $C1 "$U2"
bad_online "EINVAL.*not offline or faulted" $C2B "$U1"
check probe CHILD_ONLINE NAME=str:nx0 "CHILD={PATH=str:$C2B UUID=bin:$U2}"
check_eq "$(cf $C2 .state)" "" "c2 is no child any more"
caught_up $C2B 2
check_eq "$(dmsetup info -c --noheadings -o open c2 | tr -d " ")" 0 "opens of c2 (the old device let go)"

log "c2b faulted by hand: a full copy"
check "$MC" child fault nx0 $C2B
write64k 3
check "$MC" child online nx0 $C2B
check wait_for "[ \"\$(cf $C2B .state)\" = online ]" 120
check_eq "$(total_of $C2B)" "$SIZE" "rebuild total after a fault by hand"
blockdev --flushbufs $C1 $C2B
check cmp -n "$SIZE" $C1 $C2B

log "c2b fails, then destroy and assemble: the labels keep it behind by the bitmap"
check wait_for '[ "$(nshow .dirty_regions)" = 0 ]' 30
dm_error_swap c2b
write64k 4
check_eq "$(cf $C2B .state)" faulted "c2b state"
write64k 6
check "$MC" nexus destroy nx0
dm_linear_swap c2b "${L[2]}"
check "$MC" nexus assemble nx0 $C1 $C2B
caught_up $C2B 2

log "the bitmap block that clears a bit fails on c2b: the bit is put back"
# That block write carries the flush which makes c2b's data durable; the
# bit is cleared on c1 all the same, so c2b's volatile cache may have lost
# the region's data: the bit must be set again (and durable on c1) before
# c2b's fault goes to the labels as "behind by the bitmap".  Its data area
# works; its metadata area (the last 4 MiB below its size rounded down to
# 1 MiB) fails.
check wait_for '[ "$(nshow .dirty_regions)" = 0 ]' 30
n=$(dev_sectors "${L[2]}")
md=$((n / 2048 * 2048 - 8192))
# Time to swap the table before the sweep clears the bit (the sweep in
# progress still runs at the old pace, so the first sweep after it too).
echo 10000 >/sys/module/nexus/parameters/bitmap_grace_ms
sleep 1
write64k 8
dmsetup suspend c2b
dmsetup load c2b --table "0 $md linear ${L[2]} 0
$md $((n - md)) error"
dmsetup resume c2b
check_eq "$(nshow .dirty_regions)" 1 "dirty regions before the sweep"
echo 300 >/sys/module/nexus/parameters/bitmap_grace_ms
check wait_for "[ \"\$(cf $C2B .state)\" = faulted ]" 60
check_eq "$(cf $C2B .reason)" io-error "c2b reason"
# Put back, and kept while c2b is behind: sweeps come and go.
sleep 2
check_eq "$(nshow .dirty_regions)" 1 "dirty regions after the clearing block failed"
dm_linear_swap c2b "${L[2]}"
check "$MC" child online nx0 $C2B
caught_up $C2B 1

check "$MC" nexus destroy nx0
check rmmod nexus
for d in blank c2b c2 c1; do dm_remove $d; done
finish
