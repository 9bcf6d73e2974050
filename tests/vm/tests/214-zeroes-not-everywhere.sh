# Write-zeroes that not every child can do (issue 10, item 13).
# Stacking: nx0 over a loop device (write-zeroes) and a dm-delay device
# (none: the target does not pass write-zeroes on) must not offer write-zeroes (the block layer then writes zero
# pages, which every child takes); a BLKZEROOUT of nx0 zeroes both copies.
# The kernel's old min_not_zero stacking offered it if any child had it.
# At run time: a loop device over a tmpfs file offers write-zeroes but
# refuses it (tmpfs has no FALLOC_FL_ZERO_RANGE); next to a loop device
# over an ext4 file that applies it, the refusing child must be faulted
# (a full copy brings it back), never left ONLINE with different data.
# Secure erase follows the same stacking rule (nexus_stack_limits), but
# no device in these VMs offers it, so it is checked only as refused.
# VM: needs=nexus smp=2 timeout=600 check_kernels=std

MC=$MAYASTOR_CLIENT
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
wz() { cat "/sys/block/${1##*/}/queue/write_zeroes_max_bytes"; }

insmod_nexus
load_mod loop
load_mod dm_delay
S=/var/tmp/scratch
scratch_fs "$S"

log "stacking: a child without write-zeroes"
mkimg $S/a.img 64M
mkimg $S/b.img 64M
A=$(make_loop $S/a.img)
LB=$(make_loop $S/b.img)
_dm_create zc "0 $(dev_sectors "$LB") delay $LB 0 0"
B=/dev/mapper/zc
log "write_zeroes_max_bytes: A $(wz "$A"), B $(wz "$(readlink -f $B)")"
[ "$(wz "$A")" -gt 0 ] || fail "the loop device offers no write-zeroes here"
check_eq "$(wz "$(readlink -f $B)")" 0 "dm-delay's write_zeroes_max_bytes"
check "$MC" nexus create nx0 "$A" $B
wait_for '[ -b /dev/nx0 ]'
check_eq "$(wz /dev/nx0)" 0 "nx0's write_zeroes_max_bytes (a child has none)"
check dd if=/dev/urandom of=/dev/nx0 bs=1M count=4 oflag=direct status=none
check blkdiscard -z -o 1M -l 2M /dev/nx0
check cmp -n 2M -i 1M /dev/nx0 /dev/zero
blockdev --flushbufs "$A" $B
check cmp -n 4M "$A" $B
check_eq "$("$MC" -o json nexus show nx0 | jq -r .state)" online "nx0 state after the zeroing"
rc=0
blkdiscard -s -o 0 -l 1M /dev/nx0 2>/var/tmp/err || rc=$?
log "secure erase of nx0: exit $rc: $(cat /var/tmp/err)"
check_eq "$rc" 1 "exit status of a secure erase of nx0 (no child has it)"
check_eq "$("$MC" -o json nexus show nx0 | jq -r .state)" online "nx0 state after the refused secure erase"
check "$MC" nexus destroy nx0
dm_remove zc

log "run time: one child refuses a write-zeroes the other applies"
mkdir -p /var/tmp/tmpfs
mkimg /var/tmp/tmpfs/t.img 64M
T=$(make_loop /var/tmp/tmpfs/t.img)
log "write_zeroes_max_bytes: A (ext4 file) $(wz "$A"), T (tmpfs file) $(wz "$T")"
if [ "$(wz "$T")" = 0 ]; then
	log "this kernel's loop driver offers no write-zeroes over tmpfs: nothing to refuse at run time"
else
	rc=0
	blkdiscard -z -f --no-fallback -o 0 -l 1M "$T" 2>/var/tmp/err || rc=$?
	log "BLKZEROOUT without fallback on T itself: exit $rc: $(cat /var/tmp/err)"
	[ "$rc" != 0 ] || fail "T applied a write-zeroes: nothing to refuse at run time"
	check "$MC" nexus create --force nx1 "$A" "$T"
	wait_for '[ -b /dev/nx1 ]'
	check dd if=/dev/urandom of=/dev/nx1 bs=1M count=4 oflag=direct status=none
	check blkdiscard -z -o 1M -l 2M /dev/nx1
	check cmp -n 2M -i 1M /dev/nx1 /dev/zero
	"$MC" nexus children nx1
	blockdev --flushbufs "$A" "$T"
	if cmp -s -n 4M "$A" "$T"; then
		log "the copies agree (the block layer fell back to writing zeroes)"
	else
		check_eq "$(cf nx1 "$T" .state)" faulted "T, which refused the write-zeroes A applied"
		check_eq "$("$MC" -o json nexus show nx1 | jq -r .state)" degraded "nx1 state"
	fi
	check_eq "$(cf nx1 "$A" .state)" online "A, which applied it"
	check "$MC" nexus destroy nx1
fi
check rmmod nexus
finish
