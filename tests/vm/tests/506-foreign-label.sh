# A child labelled for another nexus: creating a nexus on it, or adding it
# to one, is refused without --force (the error names the child and the
# nexus it belongs to, and nothing is written); with --force it is taken.
# Re-creating the same nexus on its own children is allowed.
# VM: needs=nexus timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
insmod_nexus
load_mod loop
S=/var/tmp/scratch
scratch_fs "$S"
for x in a b c; do mkimg $S/$x.img 64M; done

check "$MC" nexus create nx0 $S/a.img $S/b.img
check "$MC" nexus destroy nx0
sums=$(md5sum $S/a.img $S/b.img)

log "create nx1 on a child of nx0"
out=$("$MC" nexus create nx1 $S/c.img $S/a.img 2>&1) && _check_failed "create on a foreign child succeeded"
log "$out"
[[ $out == *"$S/a.img"*"carries the label of nexus nx0"*"force"* ]] || _check_failed "error: $out"
check_eq "$(md5sum $S/a.img $S/b.img)" "$sums" "children untouched"
check_fail test -b /dev/nx1

log "add a child of nx0 to nx1"
check "$MC" nexus create nx1 $S/c.img
out=$("$MC" nexus add nx1 $S/b.img 2>&1) && _check_failed "add of a foreign child succeeded"
log "$out"
[[ $out == *"$S/b.img"*"nx0"* ]] || _check_failed "error: $out"
check_eq "$(md5sum $S/a.img $S/b.img)" "$sums" "children untouched"
check "$MC" nexus add --force nx1 $S/b.img
check wait_for '[ "$("$MC" -o json nexus show nx1 | jq -r .state)" = online ]' 60
check "$MC" nexus destroy nx1

log "with --force"
check "$MC" nexus create --force nx2 $S/a.img
check "$MC" nexus destroy nx2
log "the same nexus again on its own children"
check "$MC" nexus create nx2 $S/a.img
check "$MC" nexus destroy nx2
check rmmod nexus
finish
