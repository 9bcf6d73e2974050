# An old copy of a member assembled in its place (issue 10, found by a
# review): a snapshot, clone or restored image of a child carries that
# member's label, only older.  nx0 on D1 and D2, A written, destroyed; D2
# copied whole to an image file (its label at that generation); nx0
# assembled again from D1 and D2, B written over A, destroyed.  Then nx0 is
# assembled from D1 and the old copy: the newest table calls the member
# active, so the copy used to be resynced only by the bitmap (empty: B's
# bits were cleared once both children had flushed it) and
# served A where the nexus had B.  Now a label two or more generations
# older than an active member's can be is taken as stale: a full copy, and
# the copy then holds B like D1.
# VM: needs=nexus disks=2 disk_size=96M timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }

insmod_nexus
load_mod loop
check "$MC" nexus create nx0 "$DISK1" "$DISK2"
SIZE_MB=$(($(blockdev --getsize64 /dev/nx0) >> 20))
check dd if=/dev/urandom of=/dev/nx0 bs=1M count="$SIZE_MB" oflag=direct status=none
check "$MC" nexus destroy nx0
check dd if="$DISK2" of=/var/tmp/stale.img bs=1M iflag=direct status=none
STALE=$(make_loop /var/tmp/stale.img)

check "$MC" nexus assemble nx0 "$DISK1" "$DISK2"
dd if=/dev/urandom of="$RESULTS/b" bs=1M count=8 status=none
check dd if="$RESULTS/b" of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
# Its bits cleared (both children flushed it): no bitmap says B's regions.
check bitmap_clean nx0
gen=$(nshow .generation)
check "$MC" nexus destroy nx0
log "B written at generation $gen"

check "$MC" nexus assemble nx0 "$DISK1" "$STALE"
check wait_for '[ "$(nshow .state)" = online ]' 180
# Every region copied: the rebuild's total is the nexus's size.
check_eq "$("$MC" -o json rebuild progress nx0 "$STALE" | jq -r .total)" \
	"$(blockdev --getsize64 /dev/nx0)" "bytes copied to the old copy"
check cmp "$RESULTS/b" <(dd if="$STALE" bs=1M skip=4 count=8 iflag=direct status=none)
check cmp <(dd if="$DISK1" bs=1M count="$SIZE_MB" iflag=direct status=none) \
	<(dd if="$STALE" bs=1M count="$SIZE_MB" iflag=direct status=none)
for i in 1 2 3 4; do
	check cmp "$RESULTS/b" <(dd if=/dev/nx0 bs=1M skip=4 count=8 iflag=direct status=none)
done
check "$MC" nexus destroy nx0
losetup -d "$STALE"
finish
