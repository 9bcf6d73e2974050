# Hot add while fio writes: a third child added to a 2-way nexus during an
# fio randwrite (paced, ~27 s) is rebuilt (rate-limited, and paused while the
# checks look at it in flight, so that the rebuild
# overlaps fio) and comes online; fio sees no error and its verify passes;
# verify-only passes over both data sets then pass, also with the new child
# as the only reader; the three children are byte-identical over the data
# region.
# VM: needs=nexus timeout=500 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
# cf NEXUS PATH JQ-EXPR: a field of one child (by the path the kernel knows).
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
nstate() { "$MC" -o json nexus show "$1" | jq -r .state; }
COMMON=(--filename=/dev/nx0 --verify=crc32c --direct=1 --ioengine=libaio
	--output-format=json)
# A static data set in [0, 16M), and the live one fio rewrites in [16M, 56M).
STATIC=(fio --name=static "${COMMON[@]}" --rw=write --bs=64k --offset=0 --size=16M --iodepth=8)
LIVE=(fio --name=live "${COMMON[@]}" --rw=randwrite --bsrange=4k-64k --offset=16M
	--size=40M --iodepth=16)
# run_fio TAG CMD...: CMD must exit 0 with no job error.
run_fio() {
	local tag=$1 rc=0
	shift
	"$@" --output=/var/tmp/fio-$tag.json || rc=$?
	check_eq "$rc" 0 "fio $tag: exit status"
	check_eq "$(jq '.jobs[0].error' /var/tmp/fio-$tag.json)" 0 "fio $tag: job error"
}

insmod_nexus
load_mod loop
L=()
for i in 1 2 3; do
	mkimg /var/tmp/c$i.img 64M
	L[i]=$(make_loop /var/tmp/c$i.img)
	dm_linear c$i "${L[i]}"
done
C1=/dev/mapper/c1 C2=/dev/mapper/c2 C3=/dev/mapper/c3

"$MC" events -o json >"$RESULTS/events.log" &
evpid=$!
sleep 1
check "$MC" nexus create nx0 $C1 $C2
wait_for '[ -b /dev/nx0 ]'
SIZE=$(blockdev --getsize64 /dev/nx0)
check "$MC" nexus set nx0 --rebuild-rate 2
check_eq "$("$MC" -o json nexus show nx0 | jq .rebuild_rate)" 2 "rebuild_rate"
run_fio static-write "${STATIC[@]}" --do_verify=0

log "fio randwrite in the background, add c3"
(
	rc=0
	"${LIVE[@]}" --rate=,1536k --do_verify=1 --output=/var/tmp/fio-live.json || rc=$?
	echo $rc >/var/tmp/fio-live.rc
) &
fiopid=$!
sleep 4
check "$MC" nexus add nx0 $C3
# Held at once, so that the checks below find the copy in flight however
# slowly a loaded host runs this VM (a 32 s copy once ended before them).
check "$MC" rebuild pause nx0 $C3
check_eq "$(cat /var/tmp/fio-live.rc 2>/dev/null || echo running)" running "fio running during the rebuild"
"$MC" nexus children nx0
check_eq "$(cf nx0 $C3 .state)" rebuilding "c3 state while fio writes"
check_eq "$(nstate nx0)" degraded "nexus state during the rebuild"
check_eq "$(cf nx0 $C3 .rebuild.total)" "$SIZE" "rebuild total"
check "$MC" rebuild resume nx0 $C3
check wait_for "[ \"\$(cf nx0 $C3 .rebuild.done)\" -gt 0 ]" 60
"$MC" rebuild progress nx0 $C3

wait $fiopid || true
check_eq "$(cat /var/tmp/fio-live.rc)" 0 "fio live: exit status"
check_eq "$(jq '.jobs[0].error' /var/tmp/fio-live.json)" 0 "fio live: job error"
check_eq "$(jq '.jobs[0].write.io_bytes' /var/tmp/fio-live.json)" $((40 << 20)) "fio live: bytes written"
check_eq "$(jq '.jobs[0].read.io_bytes' /var/tmp/fio-live.json)" $((40 << 20)) "fio live: bytes verified"
"$MC" rebuild progress nx0 $C3
check wait_for "[ \"\$(cf nx0 $C3 .state)\" = online ]" 180
"$MC" nexus children nx0
"$MC" rebuild progress nx0 $C3
check_eq "$(cf nx0 $C3 .rebuild.state)" done "rebuild state"
check_eq "$(cf nx0 $C3 .rebuild.done)" "$SIZE" "rebuild done bytes"
check_eq "$(nstate nx0)" online "nexus state"
for c in $C1 $C2 $C3; do check_eq "$(cf nx0 $c .errors)" 0 "$c errors"; done

log "verify passes, then with c3 as the only reader"
run_fio static-verify "${STATIC[@]}" --verify_only
run_fio live-verify "${LIVE[@]}" --verify_only
check "$MC" child offline nx0 $C1
check "$MC" child offline nx0 $C2
r3=$(cf nx0 $C3 .reads)
r1=$(cf nx0 $C1 .reads)
run_fio static-verify-c3 "${STATIC[@]}" --verify_only
run_fio live-verify-c3 "${LIVE[@]}" --verify_only
check_eq "$(cf nx0 $C1 .reads)" "$r1" "reads of offline c1"
[ "$(cf nx0 $C3 .reads)" -gt "$r3" ] || _check_failed "c3 was not read"
check "$MC" child online nx0 $C1
check "$MC" child online nx0 $C2
check wait_for "[ \"\$(nstate nx0)\" = online ]" 60
"$MC" nexus children nx0

log "the children are identical"
blockdev --flushbufs $C1 $C2 $C3
check cmp -n "$SIZE" $C1 $C2
check cmp -n "$SIZE" $C1 $C3

kill $evpid 2>/dev/null || true
wait $evpid 2>/dev/null || true
check_grep "\"event\":\"rebuild-started\".*\"path\":\"$C3\"" "$RESULTS/events.log"
check_grep "\"event\":\"rebuild-done\".*\"path\":\"$C3\"" "$RESULTS/events.log"
check_grep "\"event\":\"rebuild-progress\".*\"path\":\"$C3\"" "$RESULTS/events.log"
check "$MC" nexus destroy nx0
check rmmod nexus
for i in 1 2 3; do dm_remove c$i; done
finish
