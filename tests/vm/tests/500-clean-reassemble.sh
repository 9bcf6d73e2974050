# Clean shutdown and reboot: a nexus destroyed cleanly is found by
# `nexus assemble --scan` after the reboot (labels read from userspace,
# written by the kernel) and comes back ONLINE at once, clean, with no
# resync, holding what was written; the generation moved on.
# VM: needs=nexus disks=2 disk_size=96M phases=2 timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }

insmod_nexus
case $PHASE in
1)
	check "$MC" nexus create nx0 "$DISK1" "$DISK2"
	check_eq "$(nshow .bitmap)" true "bitmap on"
	check_eq "$(nshow .clean)" true "new nexus is clean"
	gen=$(nshow .generation)
	[ "$gen" -ge 1 ] || _check_failed "generation $gen after create"
	dd if=/dev/urandom of="$RESULTS/pattern" bs=1M count=8 status=none
	check dd if="$RESULTS/pattern" of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
	nshow .size >"$RESULTS/size"
	echo "$gen" >"$RESULTS/gen"
	check "$MC" nexus destroy nx0
	;;
2)
	check "$MC" nexus assemble --scan | tee /var/tmp/assemble.out
	check_grep "assembled nexus nx0 .* from 2 devices: online" /var/tmp/assemble.out
	check_eq "$(nshow .state)" online "state right after assembly"
	check_eq "$(nshow .clean)" true "assembled clean"
	"$MC" nexus show nx0
	for d in "$DISK1" "$DISK2"; do
		check_eq "$("$MC" -o json nexus children nx0 |
			jq -r --arg p "$d" '.[] | select(.path == $p) | "\(.state) \(.rebuild)"')" \
			"online null" "$d: online without a rebuild"
	done
	gen=$(nshow .generation)
	[ "$gen" -gt "$(cat "$RESULTS/gen")" ] || _check_failed "generation did not grow: $gen"
	check_eq "$(nshow .size)" "$(cat "$RESULTS/size")" "size from the labels"
	check cmp "$RESULTS/pattern" <(dd if=/dev/nx0 bs=1M skip=4 count=8 iflag=direct status=none)
	size=$(nshow .size)
	check cmp -n "$size" "$DISK1" "$DISK2"
	log "a second scan finds it running"
	check "$MC" nexus assemble --scan 2>/var/tmp/again.err
	check_grep "nx0 is assembled already" /var/tmp/again.err
	check "$MC" nexus destroy nx0
	;;
esac
check rmmod nexus
finish
