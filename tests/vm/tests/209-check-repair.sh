# nexus check / repair (scrub): on a nexus of three children, a check of
# identical children finds nothing; after corrupting chosen regions of the
# children behind the nexus's back (writes to the image files below loop
# and dm-linear), check reports exactly those regions, also while fio
# random-writes every other region through the nexus (no false mismatch
# from a write in flight); repair makes them identical (a check finds 0,
# cmp agrees), taking the first child's copy.  Stop, a rebuild stopping a
# check, a check refused during a rebuild, the bad inputs (unknown nexus,
# one ONLINE child, a check while one runs) and destroy during a check.
# VM: needs=nexus smp=2 timeout=900 check_kernels=std

MC=$MAYASTOR_CLIENT
# sc NEXUS JQ-EXPR: a field of the nexus's check state (null if none).
sc() { "$MC" -o json nexus check "$1" --progress | jq -r "$2"; }
writes() { "$MC" -o json nexus children "$1" | jq '[.[].writes] | add'; }
# corrupt FILE REGION OFFSET BYTES: overwrite BYTES at OFFSET of REGION of
# the image file itself, with data that surely differs (every byte plus one).
corrupt() {
	local at=$(($2 * RS + $3))
	dd if="$1" bs=512 skip=$((at / 512)) count=$(($4 / 512)) status=none |
		tr '\000-\377' '\001-\377\000' >/var/tmp/flip.$2
	check dd if=/var/tmp/flip.$2 of="$1" bs=512 seek=$((at / 512)) conv=notrunc status=none
}

insmod_nexus
load_mod loop
L=()
for i in 1 2 3; do
	mkimg /var/tmp/c$i.img 132M
	L[i]=$(make_loop /var/tmp/c$i.img)
	dm_linear c$i "${L[i]}"
done
for i in 4 5; do
	mkimg /var/tmp/c$i.img 36M
	L[i]=$(make_loop /var/tmp/c$i.img)
done
C1=/dev/mapper/c1 C2=/dev/mapper/c2 C3=/dev/mapper/c3

"$MC" events -o json >"$RESULTS/events.log" &
evpid=$!
sleep 1
check "$MC" nexus create nx0 $C1 $C2 $C3
wait_for '[ -b /dev/nx0 ]'
SIZE=$(blockdev --getsize64 /dev/nx0)
RS=$("$MC" -o json nexus show nx0 | jq .region_size)
NR=$((SIZE / RS))
check_eq "$NR" 32 "regions of nx0"
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=$((SIZE >> 20)) oflag=direct status=none

log "bad inputs"
fails_with "mayastor-client: nexus check nope: No such file or directory (nexus: no nexus with that name)" nexus check nope
fails_with "mayastor-client: nexus repair nope: No such file or directory (nexus: no nexus with that name)" nexus repair nope
fails_with "mayastor-client: nexus check nx0: Invalid argument (nexus: no check is running on the nexus)" nexus check nx0 --stop
check_eq "$("$MC" nexus check nx0 --progress)" "nx0: never checked" "progress before any check"
check "$MC" nexus create nx1 "${L[4]}" "${L[5]}"
check "$MC" child offline nx1 "${L[5]}"
fails_with "mayastor-client: nexus check nx1: Invalid argument (nexus: a check needs at least two ONLINE children)" nexus check nx1
check "$MC" nexus remove nx1 "${L[5]}"
fails_with "mayastor-client: nexus repair nx1: Invalid argument (nexus: a check needs at least two ONLINE children)" nexus repair nx1
check "$MC" nexus destroy nx1

log "identical children: nothing found"
# 4096 MiB/s is 2^32 bytes/s: the throttle once divided by it as a u32,
# by zero, and oopsed (found by 105 with NLFUZZ_ITERATIONS=10000).
check "$MC" nexus set nx0 --rebuild-rate 4096
check "$MC" -o json nexus check nx0 --wait >/var/tmp/clean.json
check "$MC" nexus set nx0 --rebuild-rate 0
cat /var/tmp/clean.json
check_eq "$(jq -c '[.state, .mode, .done, .total, .mismatches, .regions, .truncated]' /var/tmp/clean.json)" \
	'["done","check",32,32,0,[],false]' "clean check"

log "corrupt regions 2 9 17 23 30 below the nexus"
corrupt /var/tmp/c2.img 2 0 4096
corrupt /var/tmp/c3.img 9 $((1 << 20)) 4096
corrupt /var/tmp/c2.img 17 $((RS - 512)) 512
corrupt /var/tmp/c1.img 23 $((2 << 20)) 65536
corrupt /var/tmp/c2.img 30 $(((3 << 20) + 512)) 8192
sync
echo 3 >/proc/sys/vm/drop_caches
rc=0
"$MC" -o json nexus check nx0 --wait >/var/tmp/bad.json 2>/var/tmp/bad.err || rc=$?
cat /var/tmp/bad.json
check_eq "$rc" 1 "exit status of check --wait with mismatches"
check_eq "$(cat /var/tmp/bad.err)" \
	"mayastor-client: nexus check nx0: 5 of 32 regions differ between the children (run 'nexus repair')" \
	"stderr of check --wait with mismatches"
check_eq "$(jq -c '[.state, .done, .mismatches, .repaired, .regions, .truncated]' /var/tmp/bad.json)" \
	'["done",32,5,0,[2,9,17,23,30],false]' "check of the corrupted children"
check_eq "$("$MC" nexus check nx0 --progress)" \
	"nx0: check done, 32 of 32 regions (100.0%), 5 mismatched: 2 9 17 23 30" "progress text"
check_eq "$("$MC" -o json nexus show nx0 | jq -c '.scrub.regions')" "[2,9,17,23,30]" "nexus show's check"

log "check under fio random writes to every other region"
check "$MC" nexus set nx0 --rebuild-rate 8
jobs=()
prev=0
for r in 2 9 17 23 30 32; do
	if [ "$r" -gt "$prev" ]; then
		jobs+=(--name=gap$prev --offset=$((prev * RS)) --size=$(((r - prev) * RS)))
	fi
	prev=$((r + 1))
done
fio --filename=/dev/nx0 --direct=1 --ioengine=libaio --rw=randwrite --bs=4k \
	--iodepth=8 --time_based --runtime=600 --randrepeat=0 \
	--output-format=json --output=/var/tmp/fio.json "${jobs[@]}" &
fiopid=$!
check wait_for "[ \$(writes nx0) -gt $(($(writes nx0) + 300)) ]" 60
w0=$(writes nx0)
check "$MC" nexus check nx0
fails_with "mayastor-client: nexus check nx0: Device or resource busy (nexus: a check is already running on the nexus)" nexus check nx0
fails_with "mayastor-client: nexus repair nx0: Device or resource busy (nexus: a check is already running on the nexus)" nexus repair nx0
check wait_for "[ \"\$(sc nx0 .state)\" != running ]" 300
w1=$(writes nx0)
check kill -0 $fiopid
kill -INT $fiopid
wait $fiopid || true
# fio may put a line ("fio: terminating on signal 2") before its JSON.
sed -n '/^{/,$p' /var/tmp/fio.json >/var/tmp/fio-only.json
check_eq "$(jq -r '[.jobs[].error] | add' /var/tmp/fio-only.json)" 0 "fio job errors"
check_eq "$(jq -r '.jobs | length' /var/tmp/fio-only.json)" 6 "fio jobs"
log "fio: $(jq -r '[.jobs[].write.io_bytes] | add' /var/tmp/fio-only.json) bytes by 6 jobs; $((w1 - w0)) child writes during the check"
[ $((w1 - w0)) -gt 1000 ] || _check_failed "only $((w1 - w0)) child writes during the check"
"$MC" -o json nexus check nx0 --progress >/var/tmp/fio-check.json
check_eq "$(jq -c '[.state, .done, .mismatches, .regions]' /var/tmp/fio-check.json)" \
	'["done",32,5,[2,9,17,23,30]]' "check under fio"
check_eq "$("$MC" -o json nexus children nx0 | jq -r '[.[] | .state, .errors] | unique | join(" ")')" \
	"0 online" "children after the check under fio"

log "stop, and a rebuild stops a check"
# At 1 MiB/s a check takes 128 s and the copy below 52 s: room for the steps
# between them however slowly a loaded host runs the VM (at 4 MiB/s and a
# 12 s copy, both once ended early on the debug kernel).
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus check nx0
check wait_for "[ \"\$(sc nx0 .done)\" -gt 0 ]" 30
check "$MC" nexus check nx0 --stop
check_eq "$(sc nx0 .state)" stopped "state after --stop"
d=$(sc nx0 .done)
[ "$d" -lt 32 ] || _check_failed "the check ended before it was stopped"
sleep 2
check_eq "$(sc nx0 .done)" "$d" "progress after --stop"
# online_paused: C3, having missed regions 3-8 and 10-16 (none of the
# corrupted ones), comes back while a check runs, so that only `child
# online` comes between the running check and the copy that must stop it;
# the copy is paused at once.  A VM starved by a loaded host can take
# longer than that copy (52 s at 1 MiB/s) or the check (128 s) between two
# commands: then C3 goes offline and comes back again (3 tries).
EXTRA_DONE=''
online_paused() {
	local try r paused state
	for try in 1 2 3; do
		check "$MC" child offline nx0 $C3
		for r in 3:6 10:7; do
			check dd if=/dev/urandom of=/dev/nx0 bs=1M seek=$((${r%:*} * RS >> 20)) \
				count=$((${r#*:} * RS >> 20)) oflag=direct status=none
		done
		check "$MC" nexus check nx0
		check wait_for "[ \"\$(sc nx0 .done)\" -gt 0 ]" 30
		check "$MC" child online nx0 $C3
		paused=0
		! "$MC" rebuild pause nx0 $C3 || paused=1
		state=$(sc nx0 .state)
		[ "$paused $state" != "1 stopped" ] || return 0
		log "try $try: the check ($state) or the copy (paused: $paused) ended first; again"
		# A check that ended is one more scrub-done event.
		[ "$state" != done ] || EXTRA_DONE+="[\"check\",$(sc nx0 .mismatches)]"
		[ "$paused" = 0 ] || check "$MC" rebuild resume nx0 $C3
		check wait_for "[ \"\$(\"$MC\" -o json nexus children nx0 | jq -r '.[2].state')\" = online ]" 120
	done
	_check_failed "no copy paused while a check ran, in 3 tries"
}
online_paused
fails_with "mayastor-client: nexus check nx0: Device or resource busy (nexus: a rebuild is running; check when it has finished)" nexus check nx0
check "$MC" nexus set nx0 --rebuild-rate 0
check "$MC" rebuild resume nx0 $C3
check wait_for "[ \"\$(\"$MC\" -o json nexus children nx0 | jq -r '.[2].state')\" = online ]" 120

log "repair"
check "$MC" -o json nexus repair nx0 --wait >/var/tmp/repair.json
cat /var/tmp/repair.json
check_eq "$(jq -c '[.state, .mode, .done, .mismatches, .repaired, .regions]' /var/tmp/repair.json)" \
	'["done","repair",32,5,5,[2,9,17,23,30]]' "repair"
check "$MC" -o json nexus check nx0 --wait >/var/tmp/after.json
check_eq "$(jq -c '[.state, .mismatches, .regions]' /var/tmp/after.json)" \
	'["done",0,[]]' "check after repair"
blockdev --flushbufs $C1 $C2 $C3
check cmp -n "$SIZE" $C1 $C2
check cmp -n "$SIZE" $C1 $C3
# The first child's copy won, its own corruption (region 23) included.
dd if=$C3 bs=64k skip=$(((23 * RS + (2 << 20)) / 65536)) count=1 iflag=direct status=none >/var/tmp/r23
check cmp /var/tmp/flip.23 /var/tmp/r23

log "destroy during a check"
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus check nx0
check timeout 60 "$MC" nexus destroy nx0
check_fail test -e /dev/nx0

kill $evpid 2>/dev/null || true
wait $evpid 2>/dev/null || true
ev() { jq -c "select(.event == \"$1\")" "$RESULTS/events.log" | wc -l; }
[ "$(ev scrub-started)" -ge 7 ] || _check_failed "fewer than 7 scrub-started events"
[ "$(ev scrub-stopped)" -ge 3 ] || _check_failed "fewer than 3 scrub-stopped events"
check_eq "$(jq -c 'select(.event == "scrub-done") | [.scrub.mode, .scrub.mismatches]' "$RESULTS/events.log" | tr -d '\n')" \
	"[\"check\",0][\"check\",5][\"check\",5]$EXTRA_DONE[\"repair\",5][\"check\",0]" "scrub-done events"
[ "$(ev scrub-progress)" -ge 1 ] || _check_failed "no scrub-progress event"

check timeout 60 rmmod nexus
for i in 1 2 3; do dm_remove c$i; done
finish
