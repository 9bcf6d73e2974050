# 200 create/destroy cycles of a 2-child nexus over image files, with IO in
# every cycle (a write and its read-back, and the previous cycle's write
# still there) and a short fio every 20th: /dev/nx0 comes and goes, the loop
# devices are released and the module reference dropped each time, and slab
# usage (kmemleak on the debug kernel) does not grow. Then a forced destroy
# of an open nexus: refused without --force, done with it, IO on the open
# fd fails cleanly, the module stays pinned until the fd is closed.
# make check runs it on 6.12 only: on 6.1 the debug kernel's kmemleak
# watches the same create and destroy paths, error paths included, under
# 105's fuzzer (make check-full runs it on every kernel).
# VM: needs=nexus timeout=1800 check_kernels=std612

MC=$MAYASTOR_CLIENT
# kmemleak (debug kernel) finds a single leaked object, and KASAN makes
# each cycle slow there: fewer cycles on debug.
# The counts are taken after WARM cycles (caches and per-CPU slabs filled).
CYCLES=200 WARM=20
[ "$KERNEL_KIND" != debug ] || CYCLES=20 WARM=5
SIZE=$((60 << 20))	# 64 MiB children minus 4 MiB of metadata

insmod_nexus
load_mod loop
S=/var/tmp/scratch
scratch_fs "$S"
mkimg $S/a.img 64M
mkimg $S/b.img 64M

# Loop devices attached to our files, from sysfs without forking (losetup
# is slow to start under TCG).
loops_of_files() {
	local b f name out=
	for b in /sys/block/loop*/loop/backing_file; do
		[ -r "$b" ] || continue
		read -r f <"$b" 2>/dev/null || continue
		[[ $f == "$S/"* ]] || continue
		name=${b#/sys/block/}
		out+="${name%%/*} "
	done
	echo -n "$out"
}
refcnt() { local r; read -r r </sys/module/nexus/refcnt; echo "$r"; }

# slab_snapshot FILE: active objects per cache, after dropping caches.
slab_snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk 'NR > 2 { print $1, $2 }' /proc/slabinfo | sort >"$1"
	grep -E '^(SUnreclaim|Percpu):' /proc/meminfo >>"$1.meminfo"
}

# destroy_nx0 WHAT: destroy nx0, retrying while udev's probe (started by
# the change event that closing a written block device raises) holds it
# open; every retry is logged and counted.
busy_retries=0
destroy_nx0() {
	local out k
	for ((k = 0; k < 10; k++)); do
		out=$("$MC" nexus destroy nx0 2>&1) && return 0
		[[ $out == *"is open"* ]] || fail "$1: destroy failed: $out"
		busy_retries=$((busy_retries + 1))
		log "$1: destroy refused while open (udev probing?): $out"
		udev_settle
		sleep 0.5
	done
	fail "$1: destroy still refused: $out"
}

# One random 64 KiB block per cycle, written at a cycle-dependent offset;
# cmp reads /dev/nx0 itself (a fresh block device each cycle: no page cache).
head -c $((CYCLES * 65536)) /dev/urandom >/var/tmp/pats
KMEMLEAK=/sys/kernel/debug/kmemleak
prev='' cycle_fail=0
for ((i = 1; i <= CYCLES; i++)); do
	if [ "$i" = $((WARM + 1)) ]; then
		slab_snapshot /var/tmp/slab.before
		cp /proc/vmallocinfo "$OUTDIR/vmallocinfo.before"
		[ ! -w $KMEMLEAK ] || echo clear >$KMEMLEAK
	fi
	fails_before=$_lib_failures
	out=$("$MC" nexus create nx0 $S/a.img $S/b.img 2>&1) ||
		fail "cycle $i: create failed: $out"
	[ -b /dev/nx0 ] || wait_for '[ -b /dev/nx0 ]' || _check_failed "cycle $i: no /dev/nx0"
	# >= 1: udev's probe may hold /dev/nx0 open (a module reference) too.
	[ "$(refcnt)" -ge 1 ] || _check_failed "cycle $i: module refcnt 0 with one nexus"
	read -ra loops <<<"$(loops_of_files)"
	[ "${#loops[@]}" = 2 ] || _check_failed "cycle $i: loop devices '${loops[*]}'"

	# The previous cycle's block is still there, on the re-created nexus.
	if [ -n "$prev" ]; then
		cmp -s -n 65536 -i $(((i - 2) * 65536)):$((prev * 65536)) /var/tmp/pats /dev/nx0 ||
			_check_failed "cycle $i: block of cycle $((i - 1)) at 64k*$prev lost"
	fi
	# Before this cycle's block: fio's writes may cover its offset.
	if ((i % 20 == 0)); then
		fio --name=c$i --filename=/dev/nx0 --direct=1 --ioengine=libaio \
			--rw=randwrite --bsrange=4k-64k --iodepth=8 --size=8M \
			--offset=32M --verify=crc32c --do_verify=1 --verify_fatal=1 \
			--output=/var/tmp/fio.out >/dev/null ||
			{ _check_failed "cycle $i: fio failed"; cat /var/tmp/fio.out; }
	fi
	off=$(((i * 37) % (SIZE >> 16)))
	dd if=/var/tmp/pats of=/dev/nx0 bs=64k skip=$((i - 1)) seek="$off" count=1 \
		oflag=direct status=none || _check_failed "cycle $i: write failed"
	cmp -s -n 65536 -i $((i * 65536 - 65536)):$((off * 65536)) /var/tmp/pats /dev/nx0 ||
		_check_failed "cycle $i: read-back differs"
	prev=$off

	udev_settle
	destroy_nx0 "cycle $i"
	[ ! -e /dev/nx0 ] || wait_for '[ ! -e /dev/nx0 ]' || _check_failed "cycle $i: /dev/nx0 left"
	[ ! -e /sys/block/nx0 ] || _check_failed "cycle $i: /sys/block/nx0 left"
	[ -z "$(loops_of_files)" ] || wait_for '[ -z "$(loops_of_files)" ]' ||
		_check_failed "cycle $i: loop devices not released: $(loops_of_files)"
	[ "$(refcnt)" = 0 ] || _check_failed "cycle $i: module refcnt $(refcnt) after destroy"
	[ "$_lib_failures" = "$fails_before" ] || cycle_fail=$((cycle_fail + 1))
	[ "$cycle_fail" -lt 5 ] || fail "giving up after 5 failed cycles"
	((i % 20)) || log "cycle $i done"
done
log "$CYCLES cycles; destroy refused $busy_retries time(s) while udev had the device open"

log "leaks over cycles $((WARM + 1))..$CYCLES"
slab_snapshot /var/tmp/slab.after
cat /var/tmp/slab.before.meminfo /var/tmp/slab.after.meminfo
# Per cache: growth of active objects, in the caches the module allocates
# from (kmalloc, bios and biovecs, the gendisk's queue and bdev inode):
# the other caches follow the test's own processes and udev's workers
# (vm_area_struct, maple_node, anon_vma, names_cache, ...), whose counts
# drift by thousands with no leak. One object per cycle would be
# $CYCLES-$WARM; SLUB's per-CPU slabs make a few hundred objects noise, so the
# bound is two objects per cycle (a leaked nexus would leave far more: its
# bio_set and mempool preallocate 64 objects each). kmemleak, where the
# kernel has it, finds any single leaked object.
MODULE_CACHES='^(kmalloc-|kmalloc-cg-|dma-kmalloc-|bio-|biovec-|nexus|request_queue|bdev_cache|blkdev_)'
join /var/tmp/slab.before /var/tmp/slab.after |
	awk '{ d = $3 - $2; if (d > 0) print d, $1, $2, $3 }' | sort -rn >/var/tmp/slab.delta
log "largest slab growths (objects, cache, before, after):"
head -n 8 /var/tmp/slab.delta
cp /proc/vmallocinfo "$OUTDIR/vmallocinfo.after"
# 6.12 lists lazily freed areas too, as "unpurged vm_area": not live.
live_areas() { grep -vc unpurged "$1"; }
vgrow=$(($(live_areas "$OUTDIR/vmallocinfo.after") - $(live_areas "$OUTDIR/vmallocinfo.before")))
log "live vmalloc areas grew by $vgrow; by caller (areas before, after):"
# Who holds the new areas: the caller column of /proc/vmallocinfo.
vcallers() { awk '{ print $3 }' "$1" | sort | uniq -c | awk '{ print $2, $1 }' | sort; }
join -a2 -e0 -o 0,1.2,2.2 <(vcallers "$OUTDIR/vmallocinfo.before") \
	<(vcallers "$OUTDIR/vmallocinfo.after") | awk '$3 != $2 && n++ < 12'
unrecl() { awk -v w="$2" '$1 == "SUnreclaim:" { n++; if (n == w) print $2 }' "$1"; }
grow=$(($(unrecl /var/tmp/slab.after.meminfo 1) - $(unrecl /var/tmp/slab.before.meminfo 1)))
log "SUnreclaim grew by ${grow} kB"
# Judged only without kmemleak: KASAN keeps freed objects in its
# quarantine, where they still count as active slab objects (thousands
# over a few cycles), and kmemleak is exact anyway.
judge_counts() {
	local limit=$((2 * (CYCLES - WARM))) d name
	[ "$limit" -ge 300 ] || limit=300
	while read -r d name _; do
		[[ $name =~ $MODULE_CACHES ]] || continue
		[ "$d" -lt "$limit" ] || _check_failed "slab cache $name grew by $d objects over $((CYCLES - WARM)) cycles"
	done </var/tmp/slab.delta
	# vmalloc: the areas in use (the bitmaps are kvzalloc'ed, vmalloc
	# when large) do not grow by one per cycle; vmap_area in slabinfo
	# counts lazily freed areas too, as does 6.12's /proc/vmallocinfo
	# ("unpurged vm_area" lines, not counted in live_areas).
	[ "$vgrow" -lt $((CYCLES - WARM)) ] ||
		_check_failed "live vmalloc areas grew by $vgrow over $((CYCLES - WARM)) cycles"
	[ "$grow" -lt 4096 ] || _check_failed "unreclaimable slab grew by $grow kB over $((CYCLES - WARM)) cycles"
}
if [ -w $KMEMLEAK ]; then
	echo scan >$KMEMLEAK
	sleep 6	# kmemleak reports objects older than 5 s
	echo scan >$KMEMLEAK
	cat $KMEMLEAK >"$OUTDIR/kmemleak.cycles"
	check_eq "$(grep -c '^unreferenced object' "$OUTDIR/kmemleak.cycles")" 0 "kmemleak reports after the cycles"
else
	log "no kmemleak on this kernel: judging the counts"
	judge_counts
fi

log "forced destroy of an open nexus"
check "$MC" nexus create nx0 $S/a.img $S/b.img
wait_for '[ -b /dev/nx0 ]'
dd if=/dev/urandom of=/var/tmp/pat bs=4k count=1 status=none
check dd if=/var/tmp/pat of=/dev/nx0 bs=4k seek=1 oflag=direct status=none
udev_settle
exec 3<>/dev/nx0
check_eq "$("$MC" -o json nexus show nx0 | jq .open_count)" 1 "open_count with fd 3 open"
rc=0
"$MC" nexus destroy nx0 >/var/tmp/out 2>/var/tmp/err || rc=$?
check_eq "$rc" 1 "exit status of destroy of an open nexus"
check_eq "$(cat /var/tmp/out)" "" "stdout of the refused destroy"
check_eq "$(wc -l </var/tmp/err)" 1 "stderr lines of the refused destroy"
check_grep '^mayastor-client: nexus destroy nx0: .*open.*(force|--force)' /var/tmp/err
cat /var/tmp/err
check test -b /dev/nx0
check_eq "$("$MC" -o json nexus list | jq -r '.[0].state')" online "state after the refused destroy"
# The open nexus still works through fd 3.
check cmp /var/tmp/pat <(dd if=/dev/nx0 bs=4k skip=1 count=1 iflag=direct status=none)

check_eq "$("$MC" nexus destroy nx0 --force 2>&1)" "destroyed nexus nx0" "forced destroy"
wait_for '[ ! -e /dev/nx0 ]' || _check_failed "/dev/nx0 left after forced destroy"
check_eq "$("$MC" -o json nexus list | jq -c .)" "[]" "list after forced destroy"
wait_for '[ -z "$(loops_of_files)" ]' || _check_failed "loop devices not released: $(loops_of_files)"
# IO on the still-open fd fails (EIO or the like), never hangs or oopses;
# O_DIRECT so that the page cache cannot answer.
cat >/var/tmp/fdio.py <<'EOF'
import errno, fcntl, mmap, os
fcntl.fcntl(3, fcntl.F_SETFL, fcntl.fcntl(3, fcntl.F_GETFL) | os.O_DIRECT)
buf = mmap.mmap(-1, 4096)
for name, op in (("read", os.preadv), ("write", os.pwritev)):
    try:
        n = op(3, [buf], 4096)
        print(name, "ok", n)
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
fcntl.fcntl(3, fcntl.F_SETFL, fcntl.fcntl(3, fcntl.F_GETFL) & ~os.O_DIRECT)
try:
    os.fsync(3)
    print("fsync ok")
except OSError as e:
    print("fsync", errno.errorcode.get(e.errno, e.errno))
EOF
fdio=$(timeout 60 python3 /var/tmp/fdio.py) || _check_failed "IO on the open fd: python exit $? ($fdio)"
log "IO on fd 3 after forced destroy: $(echo $fdio)"
# A forced destroy sets the capacity to 0: a read is past the end (0 bytes,
# EOF) or fails; a write must fail.
[[ $fdio == *"read E"* || $fdio == *"read ok 0"* ]] ||
	_check_failed "read on fd 3 after forced destroy: $fdio"
[[ $fdio == *"write E"* ]] || _check_failed "write on fd 3 after forced destroy: $fdio"
# The fd pins the module (the block device's owner), nothing else does.
check_eq "$(refcnt)" 1 "module refcnt while fd 3 is open"
check_fail rmmod nexus 2>/dev/null
# The name is free again while the old device is still open somewhere.
check "$MC" nexus create nx0 $S/a.img $S/b.img
check cmp /var/tmp/pat <(dd if=/dev/nx0 bs=4k skip=1 count=1 iflag=direct status=none)
udev_settle
destroy_nx0 "second nx0"
exec 3<&-
wait_for '[ "$(refcnt)" = 0 ]' || _check_failed "module refcnt $(refcnt) after closing fd 3"
check_eq "$(losetup -a)" "" "loop devices left"
check rmmod nexus
finish
