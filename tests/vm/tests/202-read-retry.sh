# Failed reads are retried transparently on another healthy child and the
# failing child is faulted: a data set written with fio verify headers reads
# back and verifies (several passes, so reads reach every child) while one
# child fails reads only (dm-flakey), then while another fails entirely
# (dm error).  A faulted or out-of-sync child is never read.
# VM: needs=nexus timeout=400 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
# cf NEXUS PATH JQ-EXPR: a field of one child (by the path the kernel knows).
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
nstate() { "$MC" -o json nexus show "$1" | jq -r .state; }
# dm_swap_flakey NAME DEV UP DOWN: reload NAME as dm-flakey over DEV. With
# no feature, a "down" dm-flakey fails every read and passes writes.
dm_swap_flakey() {
	load_mod dm_flakey
	dmsetup suspend "$1"
	dmsetup load "$1" --table "0 $(dev_sectors "$2") flakey $2 0 $3 $4"
	dmsetup resume "$1"
}
DATA=$((32 << 20))
FIO=(fio --name=rr --filename=/dev/nx0 --rw=write --bs=16k --size=32M
	--verify=crc32c --direct=1 --ioengine=libaio --iodepth=8 --output-format=json)
# verify_pass TAG: a verify-only pass over the data set; no error allowed.
verify_pass() {
	local rc=0
	"${FIO[@]}" --verify_only --output=/var/tmp/fio-$1.json || rc=$?
	check_eq "$rc" 0 "fio verify $1: exit status"
	check_eq "$(jq '.jobs[0].error' /var/tmp/fio-$1.json)" 0 "fio verify $1: job error"
	check_eq "$(jq '.jobs[0].read.io_bytes' /var/tmp/fio-$1.json)" $DATA "fio verify $1: bytes read"
}

insmod_nexus
load_mod loop
L=()
for i in 1 2 3 4; do
	mkimg /var/tmp/c$i.img 64M
	L[i]=$(make_loop /var/tmp/c$i.img)
done
for i in 1 2 3; do dm_linear c$i "${L[i]}"; done
C1=/dev/mapper/c1 C2=/dev/mapper/c2 C3=/dev/mapper/c3 C4=${L[4]}

"$MC" events -o json >"$RESULTS/events.log" &
evpid=$!
sleep 1
check "$MC" nexus create nx0 $C1 $C2 $C3
wait_for '[ -b /dev/nx0 ]'

log "write the data set"
rc=0
"${FIO[@]}" --do_verify=0 --output=/var/tmp/fio-write.json || rc=$?
check_eq "$rc" 0 "fio write: exit status"
verify_pass clean
"$MC" nexus children nx0
for c in $C1 $C2 $C3; do
	[ "$(cf nx0 $c .reads)" -gt 0 ] || _check_failed "$c not read by the clean pass"
done

log "c2 fails reads only"
dm_swap_flakey c2 "${L[2]}" 0 3600
check_fail dd if=$C2 of=/dev/null bs=4k count=1 iflag=direct status=none
for k in 1 2 3; do
	verify_pass c2-bad-$k
	if [ $k = 1 ]; then r2=$(cf nx0 $C2 .reads); fi
done
"$MC" nexus children nx0
check_eq "$(cf nx0 $C2 .state)" faulted "c2 state"
check_eq "$(cf nx0 $C2 .reason)" io-error "c2 reason"
e2=$(cf nx0 $C2 .errors)
[ "$e2" -ge 1 ] || _check_failed "c2 errors: $e2, expected >= 1"
check_eq "$(cf nx0 $C2 .reads)" "$r2" "c2 reads after it faulted"
check_eq "$(cf nx0 $C1 .state)" online "c1 state"
check_eq "$(cf nx0 $C3 .state)" online "c3 state"
check_eq "$(nstate nx0)" degraded "nexus state"

log "c3 fails entirely"
r1=$(cf nx0 $C1 .reads)
dm_error_swap c3
for k in 1 2; do verify_pass c3-bad-$k; done
"$MC" nexus children nx0
check_eq "$(cf nx0 $C3 .state)" faulted "c3 state"
check_eq "$(cf nx0 $C3 .reason)" io-error "c3 reason"
check_eq "$(cf nx0 $C2 .reads)" "$r2" "c2 reads while faulted"
check_eq "$(cf nx0 $C2 .errors)" "$e2" "c2 errors while faulted"
check_eq "$(cf nx0 $C1 .state)" online "c1 state"
check_eq "$(cf nx0 $C1 .errors)" 0 "c1 errors"
[ "$(cf nx0 $C1 .reads)" -gt "$r1" ] || _check_failed "c1 reads did not increase"
check_eq "$(nstate nx0)" degraded "nexus state with one healthy child"

log "an out-of-sync child is never read"
check "$MC" nexus add nx0 $C4 --norebuild
check_eq "$(cf nx0 $C4 .state)" out-of-sync "c4 state"
verify_pass c4-oos
check_eq "$(cf nx0 $C4 .reads)" 0 "reads of the out-of-sync child"
"$MC" nexus children nx0

kill $evpid 2>/dev/null || true
wait $evpid 2>/dev/null || true
for c in $C2 $C3; do
	check_eq "$(jq -c --arg p $c 'select(.event == "child-state" and .child.path == $p and .child.state == "faulted" and .child.reason == "io-error")' "$RESULTS/events.log" | wc -l)" 1 "faulted io-error events of $c"
done
check "$MC" nexus destroy nx0
check rmmod nexus
for i in 1 2 3; do dm_remove c$i; done
finish
