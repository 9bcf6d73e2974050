# An old copy of a member taken in its place (issue 10, found by reviews):
# a snapshot, clone or restored image of a child carries that member's
# label, only older, and missed writes whose bits were cleared once every
# child had flushed them: it needs a full copy, never the bitmap's regions.
# Each copy is taken while the nexus runs, one label before the last its
# member's own device got (a snapshot of a replica under a live nexus):
#   1. Assembled in its place, a member the newest table calls active: nx0
#      on D1 and D2, A written; D2 copied (STALE); B written over A; nx0
#      destroyed (a clean label); assembled from D1 and STALE (used to be
#      resynced only by the empty bitmap and served A where the nexus had
#      B).
#   2. Added back after an assembly that missed it (`nexus add`): nx0 on D1
#      and STALE, STALE copied (OLD2), B2 written, destroyed; assembled from
#      D1 alone, OLD2 added (used to get the bitmap's regions only, as the
#      member was kept behind by the bitmap from that assembly on).
#   3. Assembled in place of a member that was offline at the shutdown
#      (behind by the bitmap): OLD2 copied (OLD3) after a destroy; nx0 on D1
#      and OLD2, OLD2 offline and online twice, B3 written, OLD2 offline,
#      more written, destroyed; assembled from D1 and OLD3 (used to get only
#      the regions written while OLD2 was offline, and missed B3).
# A label older than the member's own device can hold is taken as stale
# (kmod/nexus_assemble.c nexus_label_stale()).  Not tested, as it cannot be
# told: a copy taken after the member's last label write.
# VM: needs=nexus disks=2 disk_size=96M timeout=420 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }

insmod_nexus
load_mod loop
check "$MC" nexus create nx0 "$DISK1" "$DISK2"
SIZE_MB=$(($(blockdev --getsize64 /dev/nx0) >> 20))
check dd if=/dev/urandom of=/dev/nx0 bs=1M count="$SIZE_MB" oflag=direct status=none
check bitmap_clean nx0
# copy_of DEV FILE: DEV copied whole to FILE while nx0 runs, idle.
copy_of() {
	check dd if="$1" of="$2" bs=1M iflag=direct status=none
	log "$2: a copy of $1 at generation $(nshow .generation)"
}
copy_of "$DISK2" /var/tmp/stale.img
STALE=$(make_loop /var/tmp/stale.img)

# full_copy DEV WHAT FILE MB: DEV was copied whole and holds FILE at MB
# MiB, as D1 does everything; the nexus serves FILE there.
full_copy() {
	local i
	check wait_for '[ "$(nshow .state)" = online ]' 180
	check_eq "$("$MC" -o json rebuild progress nx0 "$1" | jq -r .total)" \
		"$(blockdev --getsize64 /dev/nx0)" "bytes copied to $2"
	check cmp "$3" <(dd if="$1" bs=1M skip="$4" count=8 iflag=direct status=none)
	check cmp <(dd if="$DISK1" bs=1M count="$SIZE_MB" iflag=direct status=none) \
		<(dd if="$1" bs=1M count="$SIZE_MB" iflag=direct status=none)
	for i in 1 2 3 4; do
		check cmp "$3" <(dd if=/dev/nx0 bs=1M skip="$4" count=8 iflag=direct status=none)
	done
}

# write_at MB NAME [behind]: 8 MiB of new random data at MB MiB, kept as
# $RESULTS/NAME; its bits then cleared (every child flushed it): no bitmap
# says its regions.  With "behind", a member is behind: the bits stay.
write_at() {
	dd if=/dev/urandom of="$RESULTS/$2" bs=1M count=8 status=none
	check dd if="$RESULTS/$2" of=/dev/nx0 bs=1M seek="$1" oflag=direct status=none
	[ -n "${3:-}" ] || check bitmap_clean nx0
}

log "1: an old copy of an active member, assembled in its place"
write_at 4 b
check "$MC" nexus destroy nx0
check "$MC" nexus assemble nx0 "$DISK1" "$STALE"
full_copy "$STALE" "the old copy" "$RESULTS/b" 4
check "$MC" nexus destroy nx0

log "2: an old copy of a member an assembly missed, added back"
check "$MC" nexus assemble nx0 "$DISK1" "$STALE"
copy_of "$STALE" /var/tmp/old2.img
write_at 16 b2
check "$MC" nexus destroy nx0
losetup -d "$STALE"
check "$MC" nexus assemble nx0 "$DISK1"
check_eq "$(nshow '.state')" degraded "nx0 with a member missing"
OLD2=$(make_loop /var/tmp/old2.img)
check "$MC" nexus add nx0 "$OLD2"
full_copy "$OLD2" "the old copy added back" "$RESULTS/b2" 16
check "$MC" nexus destroy nx0

log "3: an old copy of a member that was offline, assembled in its place"
check dd if="$OLD2" of=/var/tmp/old3.img bs=1M iflag=direct status=none
check "$MC" nexus assemble nx0 "$DISK1" "$OLD2"
check wait_for '[ "$(nshow .state)" = online ]' 180
for i in 1 2; do
	check "$MC" child offline nx0 "$OLD2"
	check "$MC" child online nx0 "$OLD2"
	check wait_for '[ "$(nshow .state)" = online ]' 180
done
write_at 24 b3
check "$MC" child offline nx0 "$OLD2"
write_at 40 e3 behind
gen=$(nshow .generation)
check "$MC" nexus destroy nx0
log "OLD2 offline from generation $gen on"
losetup -d "$OLD2"
OLD3=$(make_loop /var/tmp/old3.img)
check "$MC" nexus assemble nx0 "$DISK1" "$OLD3"
full_copy "$OLD3" "the old copy of an offline member" "$RESULTS/b3" 24
check cmp "$RESULTS/e3" <(dd if="$OLD3" bs=1M skip=40 count=8 iflag=direct status=none)
check "$MC" nexus destroy nx0
losetup -d "$OLD3"
finish
