# A child taken offline may lose, with its volatile cache, writes it had
# acknowledged but not flushed (its target power-cycled for maintenance):
# nothing flushes a child as it leaves.  `child online` must copy those
# regions too, not only the ones written while it was away (issue 10; found
# by a review).  The bitmap knows them: nothing is cleared while a member
# is offline.
#  1. bitmap_grace_ms is long, so region 2's bit, set by a write just
#     before the offline, is still set: C is then overwritten below the
#     nexus in region 2 with what it held before (the lost cache), region
#     5 is written while C is away; online copies regions 2 and 5, and the
#     children end identical.
#  2. With a clean bitmap (every write flushed), online copies only the
#     region written while C was away.
#  3. Without a bitmap nothing says what C flushed: online copies all of
#     it (as md re-adds a disk to an array without a bitmap).
# VM: needs=nexus disks=2 disk_size=64M smp=2 timeout=300 check_kernels=std

MC=$MAYASTOR_CLIENT
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
nshow() { "$MC" -o json nexus show "$1" | jq -r "$2"; }
# put NEXUS REGION: 1 MiB of new random data at the start of REGION.
put() {
	check dd if=/dev/urandom of=/dev/"$1" bs=1M count=1 seek=$(($2 * RS >> 20)) \
		oflag=direct status=none
}
# back_online NEXUS CHILD: online, then the child's rebuild total once done.
back_online() {
	check "$MC" child online "$1" "$2" >&2
	check wait_for "[ \"\$(cf $1 $2 .state)\" = online ]" 120
	"$MC" rebuild progress "$1" "$2" >&2
	cf "$1" "$2" .rebuild.total
}

insmod_nexus bitmap_grace_ms=600000
A=$DISK1
dm_linear c "$DISK2"
C=/dev/mapper/c

check "$MC" nexus create nx0 $A $C
wait_for '[ -b /dev/nx0 ]'
udev_settle
SIZE=$(nshow nx0 .size)
RS=$(nshow nx0 .region_size)
[ $((SIZE / RS)) -ge 8 ] && [ $((RS >> 20)) -ge 1 ] || fail "unexpected region size $RS"

log "1: region 2 written just before C goes offline, then lost by C"
put nx0 2
check "$MC" child offline nx0 $C
check_eq "$(nshow nx0 .dirty_regions)" 1 "regions set in the bitmap when C left"
dd if=/dev/zero of="$DISK2" bs=1M count=1 seek=$((2 * RS >> 20)) oflag=direct status=none
put nx0 5
check_eq "$(back_online nx0 $C)" $((2 * RS)) "rebuild total: region 2 (not flushed) and 5 (missed)"
blockdev --flushbufs $A $C
check cmp -n "$SIZE" $A $C

check "$MC" nexus destroy nx0
check rmmod nexus

log "2: a clean bitmap when C leaves: only what it missed is copied"
insmod_nexus
for i in 1 2; do
	mkimg /var/tmp/l$i.img 64M
	L[i]=$(make_loop /var/tmp/l$i.img)
done
check "$MC" nexus create nx1 "${L[1]}" "${L[2]}"
wait_for '[ -b /dev/nx1 ]'
udev_settle
SIZE=$(nshow nx1 .size)
RS=$(nshow nx1 .region_size)
put nx1 3
check bitmap_clean nx1
check "$MC" child offline nx1 "${L[2]}"
put nx1 7
check_eq "$(back_online nx1 "${L[2]}")" "$RS" "rebuild total: region 7 only"
blockdev --flushbufs "${L[1]}" "${L[2]}"
check cmp -n "$SIZE" "${L[1]}" "${L[2]}"
check "$MC" nexus destroy nx1

log "3: no bitmap: online copies all of C"
check "$MC" nexus create nx2 --no-bitmap --force "${L[1]}" "${L[2]}"
wait_for '[ -b /dev/nx2 ]'
udev_settle
SIZE=$(nshow nx2 .size)
put nx2 3
check "$MC" child offline nx2 "${L[2]}"
put nx2 4
check_eq "$(back_online nx2 "${L[2]}")" "$SIZE" "rebuild total without a bitmap"
blockdev --flushbufs "${L[1]}" "${L[2]}"
check cmp -n "$SIZE" "${L[1]}" "${L[2]}"
check "$MC" nexus destroy nx2
check rmmod nexus
dm_remove c
finish
