# Damaged labels: a bad checksum or wrong magic in the newest label slot of
# one child is survived (the other slot is used, the child is resynced from
# the bitmap); both slots bad, wrong magic everywhere, or a truncated child
# refuse assembly with an error naming the child and the reason, and write
# nothing to any child.
# VM: needs=nexus timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
insmod_nexus
load_mod loop
S=/var/tmp/scratch
scratch_fs "$S"
MD=$(((64 - 4) << 20))	# metadata area of a 64 MiB child
mkimg $S/a.img 64M
mkimg $S/b.img 64M
check "$MC" nexus create nx0 $S/a.img $S/b.img
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=4 oflag=direct status=none
GEN=$("$MC" -o json nexus show nx0 | jq .generation)
check "$MC" nexus destroy nx0
GEN=$((GEN + 1))	# the clean label written at destroy
log "newest label generation $GEN in slot $((GEN % 2))"
cp $S/a.img $S/a.orig
cp $S/b.img $S/b.orig

# poke FILE SLOT OFFSET BYTES: overwrite bytes of a label slot.
poke() { printf "$4" | dd of="$1" bs=1 seek=$((MD + $2 * 4096 + $3)) conv=notrunc status=none; }
restore() { cp $S/a.orig $S/a.img; cp $S/b.orig $S/b.img; }
# refused WHAT ERE: assembly fails with an error matching ERE, nothing written.
refused() {
	local sums out
	sums=$(md5sum $S/a.img $S/b.img)
	out=$("$MC" nexus assemble nx0 $S/a.img $S/b.img 2>&1) &&
		{ _check_failed "$1: assembled"; "$MC" nexus destroy nx0; return; }
	log "$1: $out"
	[[ $out =~ $2 ]] || _check_failed "$1: error '$out' does not match '$2'"
	check_eq "$(md5sum $S/a.img $S/b.img)" "$sums" "$1: children untouched"
	check_fail test -b /dev/nx0
}

log "bad checksum in the newest slot of a: the older slot is used"
poke $S/a.img $((GEN % 2)) 200 'X'
check "$MC" nexus assemble nx0 $S/a.img $S/b.img
check_grep "slot [AB]: bad label checksum; using the other slot" <(dmesg)
check wait_for '[ "$("$MC" -o json nexus show nx0 | jq -r .state)" = online ]' 60
blockdev --flushbufs /dev/nx0
check cmp -n $MD $S/a.img $S/b.img
check "$MC" nexus destroy nx0
restore

log "wrong magic in the newest slot of b: the older slot is used"
poke $S/b.img $((GEN % 2)) 8 'Y'
check "$MC" nexus assemble nx0 $S/a.img $S/b.img
check wait_for '[ "$("$MC" -o json nexus show nx0 | jq -r .state)" = online ]' 60
check "$MC" nexus destroy nx0
restore

poke $S/a.img 0 300 'Z'
poke $S/a.img 1 300 'Z'
refused "bad checksum in both slots" "child .*a\.img.*: bad label checksum"
restore
poke $S/b.img 0 8 'W'
poke $S/b.img 1 8 'W'
refused "no magic in either slot" "child .*b\.img.*: no nexus label"
restore
truncate -s 62M $S/a.img
refused "truncated child" "child .*a\.img.*(no nexus label|does not fit)"
restore
check "$MC" nexus assemble nx0 $S/a.img $S/b.img
check_eq "$("$MC" -o json nexus show nx0 | jq -r .state)" online "restored children assemble"
check "$MC" nexus destroy nx0
check rmmod nexus
finish
