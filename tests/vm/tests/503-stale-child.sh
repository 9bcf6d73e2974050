# A stale child (faulted, then the nexus kept writing) is never the source
# after a restart, in either device order: it is copied in full from the
# other child, and the nexus reads back the writes made after the fault.
# VM: needs=nexus timeout=400 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nstate() { "$MC" -o json nexus show nx0 | jq -r .state; }
insmod_nexus
load_mod loop
S=/var/tmp/scratch
scratch_fs "$S"
mkimg $S/a.img 64M
mkimg $S/b.img 64M
check "$MC" nexus create nx0 $S/a.img $S/b.img
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=16 oflag=direct status=none
L=$("$MC" -o json nexus children nx0 | jq -r '.[1].path')
check "$MC" child fault nx0 "$L"
check dd if=/dev/urandom of=/var/tmp/new bs=1M count=16 status=none
check dd if=/var/tmp/new of=/dev/nx0 bs=1M oflag=direct status=none
check "$MC" nexus destroy nx0
check rmmod nexus
cp $S/a.img $S/a.orig
cp $S/b.img $S/b.orig

for order in "a b" "b a"; do
	log "assemble in order: $order"
	cp $S/a.orig $S/a.img
	cp $S/b.orig $S/b.img
	insmod_nexus
	set -- $order
	check "$MC" nexus assemble nx0 $S/$1.img $S/$2.img
	"$MC" nexus children nx0
	stale=$(losetup -j $S/b.img | cut -d: -f1)
	good=$(losetup -j $S/a.img | cut -d: -f1)
	check cmp /var/tmp/new <(dd if=/dev/nx0 bs=1M count=16 iflag=direct status=none)
	check wait_for '[ "$(nstate)" = online ]' 60
	kid() { "$MC" -o json nexus children nx0 | jq -r --arg p "$1" ".[] | select(.path == \$p) | $2"; }
	check_eq "$(kid "$stale" .rebuild.total)" $((60 << 20)) "the stale child ($stale) is copied in full"
	check_eq "$(kid "$stale" .rebuild.source_slot)" "$(kid "$good" .slot)" "copied from the good child"
	check_eq "$(kid "$good" .rebuild)" null "the good child ($good) is not rebuilt"
	check cmp /var/tmp/new <(dd if=/dev/nx0 bs=1M count=16 iflag=direct status=none)
	check "$MC" nexus destroy nx0
	check cmp -n $((60 << 20)) $S/a.img $S/b.img
	check rmmod nexus
done
finish
