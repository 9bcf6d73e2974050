# Rebuild control and failures: pause (progress stops), resume, stop (child
# left out-of-sync, regions copied so far kept), start (copies the rest,
# child online and identical); the source failing mid-rebuild with another
# healthy source (the copy goes on from it) and with none (rebuild fails,
# child FAULTED rebuild-failed, event); remove of a rebuilding child;
# destroy during a rebuild; a paused rebuild whose target faults ends;
# rmmod afterwards.
# VM: needs=nexus timeout=900 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
# cf NEXUS PATH JQ-EXPR: a field of one child (by the path the kernel knows).
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
nstate() { "$MC" -o json nexus show "$1" | jq -r .state; }
# done_gt NEXUS CHILD BYTES: the child's rebuild has copied more than BYTES.
done_gt() { [ "$(cf "$1" "$2" '.rebuild.done // 0')" -gt "$3" ]; }

insmod_nexus
load_mod loop
L=()
for i in 1 2 3 4 5; do
	mkimg /var/tmp/c$i.img 64M
	L[i]=$(make_loop /var/tmp/c$i.img)
	dm_linear c$i "${L[i]}"
done
C1=/dev/mapper/c1 C2=/dev/mapper/c2 C3=/dev/mapper/c3 C4=/dev/mapper/c4 C5=/dev/mapper/c5

"$MC" events -o json >"$RESULTS/events.log" &
evpid=$!
sleep 1
check "$MC" nexus create nx0 $C1 $C2
wait_for '[ -b /dev/nx0 ]'
SIZE=$(blockdev --getsize64 /dev/nx0)
RS=$("$MC" -o json nexus show nx0 | jq .region_size)
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=$((SIZE >> 20)) oflag=direct status=none
check "$MC" nexus set nx0 --rebuild-rate 1

log "pause, resume, stop, start"
check "$MC" nexus add nx0 $C3
check wait_for "done_gt nx0 $C3 0" 30
check "$MC" rebuild pause nx0 $C3
check wait_for "[ \"\$(cf nx0 $C3 .rebuild.state)\" = paused ]" 20
"$MC" rebuild progress nx0 $C3
d1=$(cf nx0 $C3 .rebuild.done)
sleep 4
check_eq "$(cf nx0 $C3 .rebuild.done)" "$d1" "progress while paused"
check_eq "$(cf nx0 $C3 .state)" rebuilding "child state while paused"
check "$MC" rebuild resume nx0 $C3
check wait_for "done_gt nx0 $C3 $d1" 30
check_eq "$(cf nx0 $C3 .rebuild.state)" running "rebuild state after resume"
check "$MC" rebuild stop nx0 $C3
"$MC" rebuild progress nx0 $C3
check_eq "$(cf nx0 $C3 .state)" out-of-sync "child state after stop"
check_eq "$(cf nx0 $C3 .rebuild.state)" stopped "rebuild state after stop"
d3=$(cf nx0 $C3 .rebuild.done)
sleep 2
check_eq "$(cf nx0 $C3 .rebuild.done)" "$d3" "progress after stop"
[ "$d3" -lt "$SIZE" ] || fail "the rebuild finished before it could be stopped"
check_eq "$(nstate nx0)" degraded "nexus state"
check "$MC" rebuild start nx0 $C3
check_eq "$(cf nx0 $C3 .rebuild.total)" $((SIZE - d3)) "rebuild total after a restart (the rest)"
# Nothing more to see while it runs: the rest at full speed (a running
# rebuild takes a new rate at its next region).  4096 MiB/s is 2^32
# bytes/s: the throttle once divided by it as a u32, by zero, and oopsed
# (found by 105 with NLFUZZ_ITERATIONS=10000).
check "$MC" nexus set nx0 --rebuild-rate 4096
check wait_for "[ \"\$(cf nx0 $C3 .state)\" = online ]" 300
"$MC" rebuild progress nx0 $C3
check_eq "$(cf nx0 $C3 .rebuild.state)" done "rebuild state"
check_eq "$(nstate nx0)" online "nexus state"
blockdev --flushbufs $C1 $C3
check cmp -n "$SIZE" $C1 $C3

log "source fails mid-rebuild, another source is left"
check "$MC" nexus remove nx0 $C3
check dd if=/dev/zero of=$C3 bs=1M count=$((SIZE >> 20)) oflag=direct status=none
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus add nx0 $C3
check wait_for "done_gt nx0 $C3 0" 30
s1=$(cf nx0 $C1 .slot)
s2=$(cf nx0 $C2 .slot)
check_eq "$(cf nx0 $C3 .rebuild.source_slot)" "$s1" "rebuild source"
dm_error_swap c1
# The source has failed mid-rebuild; the copy goes on from c2 at full speed.
check "$MC" nexus set nx0 --rebuild-rate 0
check wait_for "[ \"\$(cf nx0 $C3 .state)\" = online ]" 300
"$MC" nexus children nx0
"$MC" rebuild progress nx0 $C3
check_eq "$(cf nx0 $C1 .state)" faulted "c1 state"
check_eq "$(cf nx0 $C1 .reason)" io-error "c1 reason"
check_eq "$(cf nx0 $C3 .rebuild.source_slot)" "$s2" "rebuild source at the end"
check_eq "$(cf nx0 $C3 .rebuild.done)" "$SIZE" "rebuild done bytes"
check_eq "$(nstate nx0)" degraded "nexus state"
blockdev --flushbufs $C2 $C3
check cmp -n "$SIZE" $C2 $C3

log "remove a rebuilding child"
check "$MC" nexus remove nx0 $C1
check "$MC" nexus remove nx0 $C3
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus add nx0 $C3
check wait_for "done_gt nx0 $C3 0" 30
check_eq "$(cf nx0 $C3 .state)" rebuilding "c3 state"
check timeout 60 "$MC" nexus remove nx0 $C3
check_eq "$("$MC" -o json nexus children nx0 | jq -r '[.[].path] | join(" ")')" "$C2" "children after remove"
check_eq "$(nstate nx0)" online "nexus state"

log "destroy during a rebuild"
check "$MC" nexus create nx1 $C4
wait_for '[ -b /dev/nx1 ]'
check "$MC" nexus set nx1 --rebuild-rate 1
check "$MC" nexus add nx1 $C5
check wait_for "done_gt nx1 $C5 0" 30
check_eq "$(cf nx1 $C5 .state)" rebuilding "c5 state"
check timeout 60 "$MC" nexus destroy nx1
check_fail test -e /dev/nx1

log "a paused rebuild whose target faults ends (issue 10 item 15)"
check "$MC" nexus add nx0 $C4 --force
check wait_for "done_gt nx0 $C4 0" 30
check "$MC" rebuild pause nx0 $C4
check wait_for "[ \"\$(cf nx0 $C4 .rebuild.state)\" = paused ]" 20
dm_error_swap c4
# Region 0 is copied: a write there goes to the rebuilding target and fails.
check dd if=/dev/urandom of=/dev/nx0 bs=64k count=16 oflag=direct status=none
check wait_for "[ \"\$(cf nx0 $C4 .state)\" = faulted ]" 30
check wait_for "[ \"\$(cf nx0 $C4 .rebuild.state)\" != paused ]" 30
"$MC" rebuild progress nx0 $C4 || true
rs=$(cf nx0 $C4 .rebuild.state)
[ "$rs" != running ] || _check_failed "the rebuild of the faulted target is running"
check_fail "$MC" rebuild resume nx0 $C4
check "$MC" nexus remove nx0 $C4
check_eq "$(nstate nx0)" online "nexus state without the faulted c4"

log "source fails mid-rebuild, no other source"
check "$MC" nexus add nx0 $C3
check wait_for "done_gt nx0 $C3 0" 30
dm_error_swap c2
check wait_for "[ \"\$(cf nx0 $C3 .state)\" = faulted ]" 60
"$MC" nexus children nx0
"$MC" rebuild progress nx0 $C3
check_eq "$(cf nx0 $C3 .reason)" rebuild-failed "c3 reason"
check_eq "$(cf nx0 $C3 .rebuild.state)" failed "rebuild state"
check_eq "$(cf nx0 $C2 .state)" faulted "c2 state"
check_eq "$(cf nx0 $C2 .reason)" io-error "c2 reason"
check_eq "$(nstate nx0)" faulted "nexus state"

kill $evpid 2>/dev/null || true
wait $evpid 2>/dev/null || true
ev() { jq -c --arg p "$2" "select(.event == \"$1\" and .child.path == \$p)" "$RESULTS/events.log" | wc -l; }
check_eq "$(ev rebuild-failed $C3)" 1 "rebuild-failed events"
check_eq "$(jq -c --arg p $C3 'select(.event == "child-state" and .child.path == $p and .child.state == "faulted" and .child.reason == "rebuild-failed")' "$RESULTS/events.log" | wc -l)" 1 "c3 faulted rebuild-failed events"
[ "$(ev rebuild-stopped $C3)" -ge 1 ] || _check_failed "no rebuild-stopped event"
[ "$(ev rebuild-done $C3)" -ge 2 ] || _check_failed "fewer than 2 rebuild-done events"
[ "$(ev child-removed $C3)" -ge 2 ] || _check_failed "fewer than 2 child-removed events"
check_grep '"event":"nexus-destroyed","nexus":"nx1"' "$RESULTS/events.log"

check timeout 60 "$MC" nexus destroy nx0
check timeout 60 rmmod nexus
for i in 1 2 3 4 5; do dm_remove c$i; done
finish
