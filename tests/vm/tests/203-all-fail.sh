# With no healthy child left, IO fails fast (no hang): an fio run in flight
# ends with an error within seconds, later direct and buffered reads and
# writes fail at once, the nexus is FAULTED (and stays so when a faulted
# child's device works again), destroy works and the module unloads.
# VM: needs=nexus timeout=400 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
# cf NEXUS PATH JQ-EXPR: a field of one child (by the path the kernel knows).
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
nstate() { "$MC" -o json nexus show "$1" | jq -r .state; }
# fails_fast WHAT CMD...: CMD, under `timeout 60`, must fail, not be killed
# by the timeout, and return within 20 s.
fails_fast() {
	local what=$1 rc=0 t0 t
	shift
	t0=$(date +%s)
	timeout 60 "$@" || rc=$?
	t=$(($(date +%s) - t0))
	log "$what: exit $rc after ${t}s"
	[ "$rc" -ne 0 ] || _check_failed "$what: succeeded with no healthy child"
	[ "$rc" -ne 124 ] || _check_failed "$what: hung (killed by timeout)"
	[ "$t" -le 20 ] || _check_failed "$what: took ${t}s to fail"
}

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
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=8 oflag=direct status=none

log "both children fail under fio"
(
	rc=0
	fio --name=af --filename=/dev/nx0 --rw=randrw --bs=4k --size=48M \
		--time_based --runtime=120 --direct=1 --ioengine=libaio \
		--iodepth=16 --output=/var/tmp/fio.out || rc=$?
	echo $rc >/var/tmp/fio.rc
) &
fiopid=$!
sleep 3
check_eq "$(cat /var/tmp/fio.rc 2>/dev/null || echo running)" running "fio running before the faults"
dm_error_swap c1
dm_error_swap c2
t0=$(date +%s)
check wait_for '[ -s /var/tmp/fio.rc ]' 60
t=$(($(date +%s) - t0))
log "fio ended ${t}s after the faults"
[ "$t" -le 20 ] || _check_failed "fio took ${t}s to fail"
wait $fiopid || true
cat /var/tmp/fio.out
[ "$(cat /var/tmp/fio.rc)" -ne 0 ] || _check_failed "fio succeeded with no healthy child"
"$MC" nexus children nx0
check_eq "$(nstate nx0)" faulted "nexus state"
for c in $C1 $C2; do
	check_eq "$(cf nx0 $c .state)" faulted "$c state"
	check_eq "$(cf nx0 $c .reason)" io-error "$c reason"
done

log "later IO fails at once"
fails_fast "direct read" dd if=/dev/nx0 of=/dev/null bs=4k count=1 skip=100 iflag=direct status=none
fails_fast "direct write" dd if=/dev/zero of=/dev/nx0 bs=4k count=1 seek=100 oflag=direct status=none
fails_fast "buffered read" dd if=/dev/nx0 of=/dev/null bs=4k count=1 skip=5000 status=none
fails_fast "buffered write" dd if=/dev/zero of=/dev/nx0 bs=4k count=1 seek=5000 conv=fsync status=none

log "a faulted child whose device works again is not used"
n=$(dev_sectors "${L[1]}")
dmsetup suspend c1
dmsetup load c1 --table "0 $n linear ${L[1]} 0"
dmsetup resume c1
w1=$(cf nx0 $C1 .writes)
r1=$(cf nx0 $C1 .reads)
fails_fast "direct read, c1 working" dd if=/dev/nx0 of=/dev/null bs=4k count=1 skip=200 iflag=direct status=none
fails_fast "direct write, c1 working" dd if=/dev/zero of=/dev/nx0 bs=4k count=1 seek=200 oflag=direct status=none
check_eq "$(cf nx0 $C1 .writes)" "$w1" "c1 writes"
check_eq "$(cf nx0 $C1 .reads)" "$r1" "c1 reads"
check_eq "$(nstate nx0)" faulted "nexus state"
"$MC" nexus show nx0

kill $evpid 2>/dev/null || true
wait $evpid 2>/dev/null || true
check_grep '"event":"nexus-state","nexus":"nx0",.*"state":"faulted"' "$RESULTS/events.log"

check timeout 60 "$MC" nexus destroy nx0
check_fail test -e /dev/nx0
check timeout 60 rmmod nexus
check_fail test -d /sys/module/nexus
for i in 1 2; do dm_remove c$i; done
finish
