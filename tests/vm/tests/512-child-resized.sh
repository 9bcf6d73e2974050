# A child resized under a live nexus (issue 10, found by a review).  The
# metadata area lives at a child's end; it used to be recomputed from the
# child's size at every label and bitmap write.  The children are dm-linear
# devices over the three disks, resized as lvextend/lvreduce do (suspend,
# load a longer or shorter table, resume).
#   1. Grown: nx0 on c1 c2 c3 (64 MiB each); c3 taken offline, 8 MiB
#      written (the write-intent bits go to c1 and c2's bitmaps); c1 and c2
#      grow to 80 MiB; nx0 destroyed and assembled from all three.  Before,
#      the clean label went to the new end with a bitmap holding only the
#      blocks written since, so c3 came back ONLINE without the region it
#      missed.  Now the label write moves the metadata (its kernel message
#      says so), assembly finds it at the new end, c3 is resynced and all
#      three are byte-identical.
#   2. Grown while nothing changes: c1 grows to 96 MiB under the live,
#      idle nexus; the bitmap's sweep moves its metadata within seconds;
#      the power is cut.  Phase 2 assembles nx0 from the three (before, c1
#      had no label at its new end: "no nexus label").
#   3. Shrunk: c2 cut to 56 MiB, into the nexus's data, and a label write
#      forced (c3 offline): before, label and bitmap went to the new end,
#      over the nexus's data on c2.  Now they go where they were, which is
#      gone: c2 faults, and what it still has of the data is untouched.
# VM: needs=nexus disks=3 disk_size=128M phases=2 timeout=400 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
M=$((1024 * 1024))
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
cstate() { "$MC" -o json nexus children nx0 | jq -r ".[] | select(.path == \"$1\") | .state"; }

# head_of DEV MB: the first MB MiB of DEV.
head_of() { dd if="$1" bs=1M count="$2" iflag=direct status=none; }

# child N DISK MB: /dev/mapper/cN, the first MB MiB of DISK.
child() { _dm_create "c$1" "0 $(($3 * M / 512)) linear $2 0"; }

# resize N DISK MB: cN now maps MB MiB of DISK.
resize() {
	dmsetup suspend "c$1"
	dmsetup load "c$1" --table "0 $(($3 * M / 512)) linear $2 0"
	dmsetup resume "c$1"
	log "c$1 is now $(blockdev --getsize64 "/dev/mapper/c$1") bytes"
}

# moves N: how many times the module said it moved cN's metadata.
moves() { dmesg | grep -c "nx0: child /dev/mapper/c$1 grew: its metadata moves" || true; }

C1=/dev/mapper/c1 C2=/dev/mapper/c2 C3=/dev/mapper/c3
insmod_nexus
case $PHASE in
1)
	child 1 "$DISK1" 64
	child 2 "$DISK2" 64
	child 3 "$DISK3" 64
	log "1: two children grow while the third is away"
	check "$MC" nexus create nx0 "$C1" "$C2" "$C3"
	SIZE_MB=$(($(blockdev --getsize64 /dev/nx0) / M))
	echo "$SIZE_MB" >"$RESULTS/size_mb"
	check dd if=/dev/urandom of=/dev/nx0 bs=1M count="$SIZE_MB" oflag=direct status=none
	check bitmap_clean nx0
	check "$MC" child offline nx0 "$C3"
	check dd if=/dev/urandom of=/dev/nx0 bs=1M seek=4 count=8 oflag=direct status=none
	resize 1 "$DISK1" 80
	resize 2 "$DISK2" 80
	check "$MC" nexus destroy nx0
	check_eq "$(moves 1)" 1 "metadata moves of c1"
	check_eq "$(moves 2)" 1 "metadata moves of c2"
	check "$MC" nexus assemble nx0 "$C1" "$C2" "$C3"
	check wait_for '[ "$(nshow .state)" = online ]' 120
	check cmp <(head_of "$C1" "$SIZE_MB") <(head_of "$C3" "$SIZE_MB")
	check cmp <(head_of "$C1" "$SIZE_MB") <(head_of "$C2" "$SIZE_MB")
	check cmp <(head_of /dev/nx0 "$SIZE_MB") <(head_of "$C3" "$SIZE_MB")

	log "2: a child grows under the idle nexus; then the power is cut"
	check bitmap_clean nx0
	resize 1 "$DISK1" 96
	check wait_for '[ "$(moves 1)" = 2 ]' 30
	crash_vm
	;;
2)
	SIZE_MB=$(cat "$RESULTS/size_mb")
	child 1 "$DISK1" 96
	child 2 "$DISK2" 80
	child 3 "$DISK3" 64
	check "$MC" nexus assemble nx0 "$C1" "$C2" "$C3"
	check wait_for '[ "$(nshow .state)" = online ]' 120
	check cmp <(head_of "$C1" "$SIZE_MB") <(head_of "$C2" "$SIZE_MB")
	check cmp <(head_of "$C1" "$SIZE_MB") <(head_of "$C3" "$SIZE_MB")

	log "3: a child shrinks into the nexus's data"
	head_of "$C2" "$SIZE_MB" >"$RESULTS/c2.before"
	resize 2 "$DISK2" 56
	check "$MC" child offline nx0 "$C3"
	check wait_for "[ \"\$(cstate $C2)\" = faulted ]" 30
	check_eq "$(nshow .state)" degraded "nexus state with c2 faulted, c3 offline"
	check cmp <(head -c $((56 * M)) "$RESULTS/c2.before") <(head_of "$C2" 56)
	check cmp <(head_of /dev/nx0 "$SIZE_MB") <(head_of "$C1" "$SIZE_MB")
	check "$MC" nexus destroy nx0 --force
	dmsetup remove c1 c2 c3
	finish
	;;
esac
