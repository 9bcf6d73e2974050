# Re-creating a nexus on children that carry an older label of a higher
# generation (issue 10, item 1).  Phase 1: nx0 is created, its generation
# raised by ten offline/online cycles, destroyed; nx0 is created again on the
# same children (a new UUID), written, destroyed: `nexus assemble` must bring
# back the second nexus and its data, not the old label.  Then a third nx0 is
# created, written and the power cut: phase 2's assembly must bring back that
# third UUID and its data.  Phase 2 then writes and crashes again, leaving
# unclean labels: phase 3's `nexus create` of nx0 on them without --force must
# be refused (its resync would be thrown away); --force still works.
# VM: needs=nexus disks=2 disk_size=96M phases=3 timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }

# pattern_check FILE: the first 8 MiB at 4 MiB of nx0 hold FILE.
pattern_check() {
	check cmp "$1" <(dd if=/dev/nx0 bs=1M skip=4 count=8 iflag=direct status=none)
}

insmod_nexus
case $PHASE in
1)
	check "$MC" nexus create nx0 "$DISK1" "$DISK2"
	old_uuid=$(nshow .uuid)
	for i in $(seq 10); do
		check "$MC" child offline nx0 "$DISK2"
		check "$MC" child online nx0 "$DISK2"
		check wait_for '[ "$(nshow .state)" = online ]' 30
	done
	old_gen=$(nshow .generation)
	log "old nexus $old_uuid at generation $old_gen"
	[ "$old_gen" -ge 20 ] || _check_failed "generation $old_gen after ten offline/online cycles"
	check "$MC" nexus destroy nx0

	check "$MC" nexus create nx0 "$DISK1" "$DISK2"
	new_uuid=$(nshow .uuid)
	[ "$new_uuid" != "$old_uuid" ] || fail "the second create kept the UUID $old_uuid"
	log "second nexus $new_uuid at generation $(nshow .generation)"
	dd if=/dev/urandom of="$RESULTS/pattern2" bs=1M count=8 status=none
	check dd if="$RESULTS/pattern2" of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
	check "$MC" nexus destroy nx0
	check "$MC" nexus assemble nx0 "$DISK1" "$DISK2"
	check_eq "$(nshow .uuid)" "$new_uuid" "UUID assembled after re-create + destroy"
	pattern_check "$RESULTS/pattern2"
	"$MC" nexus destroy nx0 || "$MC" nexus destroy nx0 --force || true

	log "re-create once more, write, crash"
	check "$MC" nexus create nx0 "$DISK1" "$DISK2"
	nshow .uuid >"$RESULTS/uuid3"
	dd if=/dev/urandom of="$RESULTS/pattern3" bs=1M count=8 status=none
	check dd if="$RESULTS/pattern3" of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
	crash_vm
	;;
2)
	check "$MC" nexus assemble nx0 "$DISK1" "$DISK2"
	check_eq "$(nshow .uuid)" "$(cat "$RESULTS/uuid3")" "UUID assembled after re-create + crash"
	check wait_for '[ "$(nshow .state)" = online ]' 60
	pattern_check "$RESULTS/pattern3"
	log "write and crash: the labels stay unclean"
	# Left behind whatever nexus came back, or a fresh one on the same disks.
	[ -b /dev/nx0 ] || check "$MC" nexus create nx0 --force "$DISK1" "$DISK2"
	nshow .uuid >"$RESULTS/uuid4"
	check dd if=/dev/urandom of=/dev/nx0 bs=1M seek=4 count=8 oflag=direct status=none
	crash_vm
	;;
3)
	out=$("$MC" nexus create nx0 "$DISK1" "$DISK2" 2>&1) && rc=0 || rc=$?
	log "create over unclean labels: exit $rc: $out"
	check_eq "$rc" 1 "exit status of create over unclean labels without --force"
	[[ $out == *"nexus create nx0: "*@(unclean|not clean|dirty|needs assembly|assemble it)* ]] ||
		_check_failed "create over unclean labels: message does not say they are unclean: '$out'"
	[ -b /dev/nx0 ] && "$MC" nexus destroy nx0
	check "$MC" nexus create nx0 --force "$DISK1" "$DISK2"
	check_eq "$(nshow .state)" online "state after a forced create"
	check "$MC" nexus destroy nx0
	;;
esac
check rmmod nexus
finish
