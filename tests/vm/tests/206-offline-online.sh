# Offline/online: writes made while a child is OFFLINE are tracked per region
# and only those regions are copied when it comes back (rebuild total =
# regions touched; the child went offline with a clean bitmap, so no region
# it might not have flushed), after which the children are identical.  Then offline
# and online in the middle of an fio randwrite with verify: no error, the
# returning child is rebuilt while fio runs, and reads back correctly alone.
# VM: needs=nexus timeout=500 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
# cf NEXUS PATH JQ-EXPR: a field of one child (by the path the kernel knows).
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
nstate() { "$MC" -o json nexus show "$1" | jq -r .state; }
LIVE=(fio --name=live --filename=/dev/nx0 --rw=randwrite --bsrange=4k-64k
	--offset=8M --size=32M --iodepth=16 --verify=crc32c --direct=1
	--ioengine=libaio --output-format=json)

insmod_nexus
load_mod loop
L=()
for i in 1 2; do
	mkimg /var/tmp/c$i.img 64M
	L[i]=$(make_loop /var/tmp/c$i.img)
	dm_linear c$i "${L[i]}"
done
C1=/dev/mapper/c1 C2=/dev/mapper/c2

"$MC" events -o json >"$RESULTS/events.log" &
evpid=$!
sleep 1
check "$MC" nexus create nx0 $C1 $C2
wait_for '[ -b /dev/nx0 ]'
SIZE=$(blockdev --getsize64 /dev/nx0)
RS=$("$MC" -o json nexus show nx0 | jq .region_size)
log "size $SIZE, region size $RS"
[ "$RS" -gt 0 ] && [ $((SIZE / RS)) -ge 8 ] || fail "unexpected region size $RS"
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=$((SIZE >> 20)) oflag=direct status=none

log "offline c2, write 1 MiB in region 2 and 64 KiB in region 5"
# Not before c2 has flushed what dd wrote: it would copy that too.
check bitmap_clean nx0
check "$MC" child offline nx0 $C2
check_eq "$(cf nx0 $C2 .state)" offline "c2 state"
check_eq "$(cf nx0 $C2 .reason)" admin "c2 reason"
check_eq "$(nstate nx0)" degraded "nexus state"
w2=$(cf nx0 $C2 .writes)
check dd if=/dev/urandom of=/dev/nx0 bs=64k count=16 seek=$((2 * RS / 65536 + 3)) oflag=direct status=none
check dd if=/dev/urandom of=/dev/nx0 bs=64k count=1 seek=$((5 * RS / 65536)) oflag=direct status=none
check_eq "$(cf nx0 $C2 .writes)" "$w2" "writes to offline c2"
blockdev --flushbufs $C1 $C2
check_fail cmp -s -n "$SIZE" $C1 $C2
check "$MC" child online nx0 $C2
check wait_for "[ \"\$(cf nx0 $C2 .state)\" = online ]" 60
"$MC" rebuild progress nx0 $C2
total=$("$MC" -o json rebuild progress nx0 $C2 | jq .total)
check_eq "$total" $((2 * RS)) "rebuild total after writes to 2 regions"
check_eq "$("$MC" -o json rebuild progress nx0 $C2 | jq -r .state)" done "rebuild state"
check_eq "$(nstate nx0)" online "nexus state"
blockdev --flushbufs $C1 $C2
check cmp -n "$SIZE" $C1 $C2

log "offline with no write meanwhile: online at once, nothing copied"
check bitmap_clean nx0
check "$MC" child offline nx0 $C2
check "$MC" child online nx0 $C2
check wait_for "[ \"\$(cf nx0 $C2 .state)\" = online ]" 20

log "offline and online during an fio randwrite"
check "$MC" nexus set nx0 --rebuild-rate 2
(
	rc=0
	"${LIVE[@]}" --rate=,1m --do_verify=1 --output=/var/tmp/fio-live.json || rc=$?
	echo $rc >/var/tmp/fio-live.rc
) &
fiopid=$!
sleep 4
check "$MC" child offline nx0 $C2
sleep 6
check_eq "$(cf nx0 $C2 .state)" offline "c2 state"
check "$MC" child online nx0 $C2
state=$(cf nx0 $C2 .state)
log "c2 $state after online"
case $state in rebuilding | online) ;; *) _check_failed "c2 state after online: $state" ;; esac
total=$("$MC" -o json rebuild progress nx0 $C2 | jq .total)
log "rebuild total $total"
# fio writes in [8M, 40M): at most the regions it covers.
[ "$total" -gt 0 ] && [ "$total" -le $((32 << 20)) ] || _check_failed "rebuild total $total"
check_eq "$(cat /var/tmp/fio-live.rc 2>/dev/null || echo running)" running "fio running when c2 came back"
wait $fiopid || true
check_eq "$(cat /var/tmp/fio-live.rc)" 0 "fio: exit status"
check_eq "$(jq '.jobs[0].error' /var/tmp/fio-live.json)" 0 "fio: job error"
check_eq "$(jq '.jobs[0].read.io_bytes' /var/tmp/fio-live.json)" $((32 << 20)) "fio: bytes verified"
check wait_for "[ \"\$(cf nx0 $C2 .state)\" = online ]" 120
"$MC" rebuild progress nx0 $C2
"$MC" nexus children nx0

log "c2 alone reads back what fio wrote"
check "$MC" child offline nx0 $C1
rc=0
"${LIVE[@]}" --verify_only --output=/var/tmp/fio-c2.json || rc=$?
check_eq "$rc" 0 "fio verify from c2: exit status"
check_eq "$(jq '.jobs[0].error' /var/tmp/fio-c2.json)" 0 "fio verify from c2: job error"
check "$MC" child online nx0 $C1
check wait_for "[ \"\$(nstate nx0)\" = online ]" 30
blockdev --flushbufs $C1 $C2
check cmp -n "$SIZE" $C1 $C2

kill $evpid 2>/dev/null || true
wait $evpid 2>/dev/null || true
check_grep "\"event\":\"child-state\".*\"path\":\"$C2\",[^}]*\"state\":\"offline\",\"reason\":\"admin\"" "$RESULTS/events.log"
check_grep "\"event\":\"rebuild-done\".*\"path\":\"$C2\"" "$RESULTS/events.log"
for c in $C1 $C2; do check_eq "$(cf nx0 $c .errors)" 0 "$c errors"; done
check "$MC" nexus destroy nx0
check rmmod nexus
for i in 1 2; do dm_remove c$i; done
finish
