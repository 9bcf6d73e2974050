# A child resized under a live nexus (issue 10, found by a review).  The
# metadata area lives at a child's end; it used to be recomputed from the
# child's size at every label and bitmap write.
#   1. Grown: nx0 on three loop devices; L3 taken offline, 8 MiB written
#      (the write-intent bits go to L1 and L2's bitmaps); L1 and L2 grow by
#      16 MiB (the file extended, `losetup -c`); nx0 destroyed and assembled
#      from all three.  Before, the clean label went to the new end with a
#      bitmap that only had the blocks written since, so L3 came back ONLINE
#      without the region it missed.  Now the label write moves the metadata
#      (its kernel message says so), assembly finds it at the new end, L3 is
#      resynced and all three are byte-identical.
#   2. Shrunk: L2 cut by 24 MiB, into the nexus's data, and a label write
#      forced (L3 offline): before, label and bitmap went to the new end,
#      over the nexus's data on L2.  Now they go where they were, which is
#      gone: L2 faults, and what it still has of the data is untouched.
# VM: needs=nexus timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
M=$((1024 * 1024))
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
cstate() { "$MC" -o json nexus children nx0 | jq -r ".[] | select(.path == \"$1\") | .state"; }

# head_of DEV MB: the first MB MiB of DEV.
head_of() { dd if="$1" bs=1M count="$2" iflag=direct status=none; }

# resize FILE LOOP MB: FILE and its loop device LOOP get MB MiB more (or less).
resize() {
	truncate -s "$(($(stat -c %s "$1") + $3 * M))" "$1"
	losetup -c "$2"
	log "$2 is now $(blockdev --getsize64 "$2") bytes"
}

insmod_nexus
load_mod loop
for i in 1 2 3; do
	mkimg /var/tmp/c$i.img 64M
done
L1=$(make_loop /var/tmp/c1.img)
L2=$(make_loop /var/tmp/c2.img)
L3=$(make_loop /var/tmp/c3.img)

log "1: two children grow while the third is away"
check "$MC" nexus create nx0 "$L1" "$L2" "$L3"
SIZE_MB=$(($(blockdev --getsize64 /dev/nx0) / M))
check dd if=/dev/urandom of=/dev/nx0 bs=1M count="$SIZE_MB" oflag=direct status=none
check bitmap_clean nx0
check "$MC" child offline nx0 "$L3"
check dd if=/dev/urandom of=/dev/nx0 bs=1M seek=4 count=8 oflag=direct status=none
resize /var/tmp/c1.img "$L1" 16
resize /var/tmp/c2.img "$L2" 16
check "$MC" nexus destroy nx0
check grep -q "nx0: child $L1 grew: its metadata moves" <(dmesg)
check "$MC" nexus assemble nx0 "$L1" "$L2" "$L3"
check wait_for '[ "$(nshow .state)" = online ]' 120
check cmp <(head_of "$L1" "$SIZE_MB") <(head_of "$L3" "$SIZE_MB")
check cmp <(head_of "$L1" "$SIZE_MB") <(head_of "$L2" "$SIZE_MB")
check cmp <(head_of /dev/nx0 "$SIZE_MB") <(head_of "$L3" "$SIZE_MB")
check "$MC" nexus destroy nx0
check "$MC" nexus assemble nx0 "$L1" "$L2" "$L3"
check_eq "$(nshow .state)" online "state assembled again from the moved labels"

log "2: a child shrinks into the nexus's data"
head_of "$L2" "$SIZE_MB" >"$RESULTS/l2.before"
resize /var/tmp/c2.img "$L2" -24
left=$(($(blockdev --getsize64 "$L2") / M))
check "$MC" child offline nx0 "$L3"
check wait_for "[ \"\$(cstate $L2)\" = faulted ]" 30
check_eq "$(nshow .state)" degraded "nexus state with L2 faulted, L3 offline"
check cmp <(head -c $((left * M)) "$RESULTS/l2.before") <(head_of "$L2" "$left")
check cmp <(head_of /dev/nx0 "$SIZE_MB") <(head_of "$L1" "$SIZE_MB")
check "$MC" nexus destroy nx0 --force
finish
