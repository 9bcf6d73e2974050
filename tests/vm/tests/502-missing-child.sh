# A child missing at reboot: the nexus assembles DEGRADED from the other;
# writes meanwhile are recorded in the bitmap, which keeps them (through a
# grace period and a clean restart) while the child is away; when it comes
# back at the next assembly, or by `nexus add`, only those regions are
# copied.  A member that never returns is shown as missing, can be
# forgotten (the nexus is ONLINE again, its bits clear), and its device is
# refused at assembly after that, or left out by --scan.
# VM: needs=nexus disks=2 disk_size=96M phases=3 timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
rb_total() { "$MC" -o json nexus children nx0 | jq '[.[] | select(.rebuild != null) | .rebuild.total] | add // 0'; }
insmod_nexus bitmap_grace_ms=500
case $PHASE in
1)
	check "$MC" nexus create nx0 "$DISK1" "$DISK2"
	check dd if=/dev/urandom of=/dev/nx0 bs=1M count=24 oflag=direct status=none
	nshow .region_size >"$RESULTS/rs"
	sleep 3	# the bits of those writes are cleared
	check_eq "$(nshow .dirty_regions)" 0 "bitmap clear when idle"
	check "$MC" nexus destroy nx0
	;;
2)
	RS=$(cat "$RESULTS/rs")
	check "$MC" nexus assemble nx0 "$DISK1"
	check_eq "$(nshow .state)" degraded "DISK2 missing"
	log "write 1 MiB in region 2 and 4 KiB in region 7"
	check dd if=/dev/urandom of=/dev/nx0 bs=64k count=16 seek=$((2 * RS / 65536)) oflag=direct status=none
	check dd if=/dev/urandom of=/dev/nx0 bs=4k count=1 seek=$((7 * RS / 4096 + 5)) oflag=direct status=none
	sleep 3	# several sweeps: the bits stay while a member is away
	check_eq "$(nshow .dirty_regions)" 2 "dirty regions kept for the missing child"
	check "$MC" nexus destroy nx0
	;;
3)
	RS=$(cat "$RESULTS/rs")
	log "both back: only the 2 regions written meanwhile are copied"
	check "$MC" nexus assemble nx0 "$DISK2" "$DISK1"
	check wait_for '[ "$(nshow .state)" = online ]' 60
	"$MC" nexus children nx0
	check_eq "$(rb_total)" $((2 * RS)) "bytes copied to the returning child"
	size=$(nshow .size)
	check cmp -n "$size" "$DISK1" "$DISK2"
	check wait_for '[ "$(nshow .dirty_regions)" = 0 ]' 20
	check "$MC" nexus destroy nx0

	log "missing again, then back by nexus add"
	check "$MC" nexus assemble nx0 "$DISK1"
	check dd if=/dev/urandom of=/dev/nx0 bs=64k count=1 seek=$((4 * RS / 65536)) oflag=direct status=none
	check "$MC" nexus add nx0 "$DISK2"
	check wait_for '[ "$(nshow .state)" = online ]' 60
	check_eq "$(rb_total)" $((1 * RS)) "bytes copied after nexus add"
	check cmp -n "$size" "$DISK1" "$DISK2"
	check "$MC" nexus destroy nx0

	log "missing for good: shown, forgotten, then refused as a removed member"
	check "$MC" nexus assemble nx0 "$DISK1"
	"$MC" nexus children nx0 | tee /var/tmp/children
	check_eq "$(awk '$1 == "-" { print $2 }' /var/tmp/children)" missing "table row of the missing member"
	missing=$("$MC" -o json nexus children nx0 | jq -c '[.[] | select(.state == "missing")]')
	log "missing: $missing"
	check_eq "$(jq length <<<"$missing")" 1 "missing members"
	check_eq "$(jq -r '.[0].path' <<<"$missing")" null "path of the missing member"
	U2=$(jq -r '.[0].uuid' <<<"$missing")
	check dd if=/dev/urandom of=/dev/nx0 bs=4k count=1 seek=$((3 * RS / 4096)) oflag=direct status=none
	sleep 2
	check_eq "$(nshow .dirty_regions)" 1 "the bit is kept for the missing member"
	rc=0
	"$MC" nexus remove nx0 00000000-0000-4000-8000-000000000000 2>/var/tmp/err || rc=$?
	check_eq "$rc" 1 "forgetting an unknown member"
	check_grep 'no missing member with that UUID' /var/tmp/err
	check_eq "$(nshow .state)" degraded "state after the refused forget"
	check_eq "$("$MC" nexus remove nx0 "$U2")" "forgot missing member $U2 of nexus nx0" "forget by UUID"
	check_eq "$(nshow .state)" online "state once forgotten"
	check_eq "$("$MC" -o json nexus children nx0 | jq '[.[] | select(.state == "missing")] | length')" 0 \
		"missing members once forgotten"
	check wait_for '[ "$(nshow .dirty_regions)" = 0 ]' 20
	rc=0
	"$MC" nexus remove nx0 missing 2>/var/tmp/err || rc=$?
	check_eq "$rc" 1 "forgetting when none is missing"
	check_grep 'nexus nx0 has no missing member' /var/tmp/err
	check "$MC" nexus destroy nx0
	# DISK2 still carries nx0's label, from before it was forgotten.
	rc=0
	"$MC" nexus assemble nx0 "$DISK1" "$DISK2" 2>/var/tmp/err || rc=$?
	check_eq "$rc" 1 "assembly given the forgotten member"
	check_grep 'no longer a member' /var/tmp/err
	check_eq "$("$MC" -o json nexus list | jq length)" 0 "nexuses after the refused assembly"
	check "$MC" nexus assemble --scan nx0
	check_eq "$("$MC" -o json nexus children nx0 | jq -r '[.[].path] | join(" ")')" "$DISK1" \
		"children assembled by --scan"
	check_eq "$(nshow .state)" online "state after --scan"
	check "$MC" nexus destroy nx0
	;;
esac
check rmmod nexus
finish
