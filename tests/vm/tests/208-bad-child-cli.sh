# Every bad request to the child and rebuild commands is refused with exit
# status 1, one clear line on stderr (nothing on stdout) and no change to
# any nexus (`nexus list -o json` before and after): unknown nexus or
# child, the last healthy child (remove without --force, offline, fault),
# a child added twice or in use by another nexus, a child smaller than the
# nexus (left free), online of a child that is not offline, offline of one
# that is, rebuild stop/pause/resume/start in the wrong state.
# VM: needs=nexus timeout=700 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
# cf NEXUS PATH JQ-EXPR: a field of one child (by the path the kernel knows).
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
# snap: every nexus and child, without the fields a running rebuild moves.
snap() {
	"$MC" -o json nexus list | jq -S -c 'map(del(.children[].rebuild.done,
		.children[].rebuild.rate, .children[].rebuild.percent))'
}
# excl_free DEV: nobody holds DEV exclusively.
excl_free() {
	python3 -c 'import os, sys; os.close(os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL))' "$1"
}
# bad ERE ARGS...: `mayastor-client ARGS` must fail as described above,
# its message matching the extended regex ERE.
nbad=0
bad() {
	local phrase=$1 before after rc=0 msg
	shift
	nbad=$((nbad + 1))
	# A probe of /dev/nx0 by udev after an earlier change reads through it
	# and moves the read counters in the snapshots: let it finish first.
	udevadm settle
	before=$(snap)
	"$MC" "$@" >/var/tmp/bad.out 2>/var/tmp/bad.err || rc=$?
	after=$(snap)
	msg=$(cat /var/tmp/bad.err)
	echo "  $* -> [$rc] $msg"
	check_eq "$rc" 1 "exit status of '$*'"
	check_eq "$(wc -l </var/tmp/bad.err)" 1 "stderr lines of '$*'"
	check_eq "$(wc -c </var/tmp/bad.out)" 0 "stdout bytes of '$*'"
	[[ $msg == "mayastor-client: "* ]] || _check_failed "'$*': message does not start with 'mayastor-client: ': $msg"
	grep -Eq -- "$phrase" <<<"$msg" || _check_failed "'$*': message does not match '$phrase': $msg"
	[ "$before" = "$after" ] || _check_failed "'$*' changed the nexus list: $before => $after"
}

insmod_nexus
load_mod loop
L=()
for i in 1 2 3 4; do
	mkimg /var/tmp/c$i.img 64M
	L[i]=$(make_loop /var/tmp/c$i.img)
	dm_linear c$i "${L[i]}"
done
C1=/dev/mapper/c1 C2=/dev/mapper/c2 C3=/dev/mapper/c3 C4=/dev/mapper/c4
mkimg /var/tmp/small.img 32M
SMALL=$(make_loop /var/tmp/small.img)

check "$MC" nexus create nx0 $C1 $C2
check "$MC" nexus create nx1 $C4
wait_for '[ -b /dev/nx0 ] && [ -b /dev/nx1 ]'
"$MC" nexus list

log "unknown nexus"
for args in "nexus add nxZ $C3" "nexus remove nxZ $C1" "child fault nxZ $C1" \
	"child offline nxZ $C1" "child online nxZ $C1" "rebuild start nxZ $C1" \
	"rebuild stop nxZ $C1" "rebuild pause nxZ $C1" "rebuild resume nxZ $C1" \
	"rebuild progress nxZ $C1" "nexus children nxZ" "nexus set nxZ --rebuild-rate 1"; do
	# shellcheck disable=SC2086
	bad "no nexus with that name" $args
	# The nexus is missing, not the child: the message must not blame it.
	if grep -q "child /dev/mapper/c[13]:" /var/tmp/bad.err; then
		_check_failed "'$args': an unknown nexus is reported as an error of the child: $(cat /var/tmp/bad.err)"
	fi
done

log "unknown child"
for args in "nexus remove nx0 $C3" "child fault nx0 $C3" "child offline nx0 $C3" \
	"child online nx0 $C3" "rebuild start nx0 $C3" "rebuild stop nx0 $C3" \
	"rebuild pause nx0 $C3" "rebuild resume nx0 $C3" "rebuild progress nx0 $C3" \
	"child fault nx0 $C4"; do
	# shellcheck disable=SC2086
	bad "no such child|not a child of" $args
done
bad "/dev/mapper/nosuch: (No such file or directory|does not exist)" child fault nx0 /dev/mapper/nosuch
bad "/dev/mapper/nosuch: (No such file or directory|does not exist)" nexus remove nx0 /dev/mapper/nosuch

log "the last healthy child"
bad "cannot remove the last healthy child without force" nexus remove nx1 $C4
bad "cannot take the last healthy child offline" child offline nx1 $C4
bad "cannot fault the last healthy child without force" child fault nx1 $C4

log "bad adds"
bad "already a child of the nexus" nexus add nx0 $C1
bad "already a child of the nexus" nexus add nx0 $C2 --norebuild
bad "in use" nexus add nx0 $C4
bad "smaller than the nexus" nexus add nx0 $SMALL
bad "smaller than the nexus" nexus add nx0 $SMALL --norebuild
check excl_free $SMALL
bad "No such file or directory|does not exist" nexus add nx0 /dev/mapper/nosuch

log "wrong state for online and rebuild commands"
bad "not offline" child online nx0 $C1
bad "no rebuild is running" rebuild stop nx0 $C1
bad "no rebuild is running" rebuild pause nx0 $C1
bad "no rebuild is running" rebuild resume nx0 $C1
bad "not out of sync" rebuild start nx0 $C1

log "c2 offline: c1 is the last healthy child of nx0"
check "$MC" child offline nx0 $C2
bad "not online" child offline nx0 $C2
bad "cannot remove the last healthy child without force" nexus remove nx0 $C1
bad "cannot take the last healthy child offline" child offline nx0 $C1
bad "cannot fault the last healthy child without force" child fault nx0 $C1
bad "not out of sync" rebuild start nx0 $C2
bad "already a child of the nexus" nexus add nx0 $C2
check "$MC" child online nx0 $C2
check wait_for "[ \"\$(cf nx0 $C2 .state)\" = online ]" 30

log "a running rebuild"
check "$MC" nexus set nx0 --rebuild-rate 1
check "$MC" nexus add nx0 $C3
check_eq "$(cf nx0 $C3 .state)" rebuilding "c3 state"
# Paused for the slow checks, so that a loaded host does not see it finish.
check "$MC" rebuild pause nx0 $C3
# The worker pauses once the region it is copying is done.
check wait_for "[ \"\$(cf nx0 $C3 .rebuild.state)\" = paused ]" 30
bad "already paused" rebuild pause nx0 $C3
bad "not out of sync" rebuild start nx0 $C3
bad "not offline" child online nx0 $C3
bad "already a child of the nexus" nexus add nx0 $C3
check "$MC" rebuild resume nx0 $C3
bad "not paused" rebuild resume nx0 $C3
check "$MC" rebuild stop nx0 $C3
check_eq "$(cf nx0 $C3 .state)" out-of-sync "c3 state after stop"
bad "no rebuild is running" rebuild stop nx0 $C3
bad "no rebuild is running" rebuild pause nx0 $C3
bad "no rebuild is running" rebuild resume nx0 $C3
bad "not offline" child online nx0 $C3
check "$MC" child fault nx0 $C3
bad "already faulted" child fault nx0 $C3
bad "not online" child offline nx0 $C3
bad "not out of sync" rebuild start nx0 $C3
"$MC" nexus list
"$MC" nexus children nx0
log "$nbad bad requests refused"

check "$MC" nexus destroy nx0
check "$MC" nexus destroy nx1
check rmmod nexus
for i in 1 2 3 4; do dm_remove c$i; done
finish
