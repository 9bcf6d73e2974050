# Split brain: each child assembled alone and written (each now believes it
# is the newest and the other missing).  Assembling both is refused without
# --force, naming both children, and writes nothing; with --force the newer
# generation wins, the other is copied in full, and they end identical.
# VM: needs=nexus timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nstate() { "$MC" -o json nexus show nx0 | jq -r .state; }
insmod_nexus
load_mod loop
S=/var/tmp/scratch
scratch_fs "$S"
mkimg $S/a.img 64M
mkimg $S/b.img 64M
check "$MC" nexus create nx0 $S/a.img $S/b.img
check "$MC" nexus destroy nx0

log "a alone"
check "$MC" nexus assemble nx0 $S/a.img
check_eq "$(nstate)" degraded "a alone"
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=2 oflag=direct status=none
check "$MC" nexus destroy nx0
log "b alone, twice: its generation is the higher"
for i in 1 2; do
	check "$MC" nexus assemble nx0 $S/b.img
	check dd if=/dev/urandom of=/dev/nx0 bs=1M count=2 seek=8 oflag=direct status=none
	check "$MC" nexus destroy nx0
done
sums=$(md5sum $S/a.img $S/b.img)
out=$("$MC" nexus assemble nx0 $S/a.img $S/b.img 2>&1) && _check_failed "split brain assembled"
log "$out"
[[ $out == *"split brain"*"a.img"*"b.img"*"force"* ]] || _check_failed "error: $out"
check_eq "$(md5sum $S/a.img $S/b.img)" "$sums" "children untouched"
check_fail test -b /dev/nx0

log "--force: b (newer) wins"
check dd if=$S/b.img of=/var/tmp/b.data bs=1M count=60 status=none
check "$MC" nexus assemble --force nx0 $S/a.img $S/b.img
check wait_for '[ "$(nstate)" = online ]' 60
total=$("$MC" -o json nexus children nx0 | jq '[.[] | select(.rebuild != null) | .rebuild.total] | add')
check_eq "$total" $((60 << 20)) "the loser is copied in full"
check cmp /var/tmp/b.data <(dd if=/dev/nx0 bs=1M count=60 iflag=direct status=none)
check "$MC" nexus destroy nx0
check cmp -n $((60 << 20)) $S/a.img $S/b.img
check rmmod nexus
finish
