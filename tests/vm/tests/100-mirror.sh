# A 3-way mirror over loop-backed image files, created by the CLI: list,
# children and JSON output describe it; fio random writes with mixed block
# sizes verify through the nexus; patterns written with dd (the last block
# included) read back; after destroy every child file holds the same bytes
# over the nexus's data region, the patterns at the same offsets, and the
# loop devices are gone; the module unloads.
# VM: needs=nexus timeout=420 scratch_size=1G

MC=$MAYASTOR_CLIENT
IMG_MIB=96
# Data region: child size rounded down to 1 MiB, minus 4 MiB of metadata.
SIZE=$(((IMG_MIB - 4) << 20))

insmod_nexus
# The CLI attaches loop devices through /dev/loop-control (no static
# device nodes in the VM: load the driver first).
load_mod loop
# Direct IO needs a real file system: tmpfs falls back to buffered IO.
S=/var/tmp/scratch
scratch_fs "$S"
files=()
for i in 1 2 3; do
	mkimg $S/c$i.img ${IMG_MIB}M
	files+=($S/c$i.img)
done

log "create"
"$MC" nexus create nx0 "${files[@]}" >/var/tmp/create.out 2>/var/tmp/create.err ||
	fail "create: $(cat /var/tmp/create.err)"
cat /var/tmp/create.out
check_eq "$(cat /var/tmp/create.err)" "" "create stderr (direct IO on ext4: no note)"
check_eq "$(grep -c "^attached $S/c[123].img (/dev/loop[0-9]*)$" /var/tmp/create.out)" 3 "attached lines"
check_grep '^created nexus nx0 \(/dev/nx0\)$' /var/tmp/create.out
wait_for '[ -b /dev/nx0 ]'
check_eq "$(blockdev --getsize64 /dev/nx0)" "$SIZE" "size of /dev/nx0"

# The loop device of each file, from the kernel's backing_file.
loops=()
for f in "${files[@]}"; do
	l=$(losetup -j "$f" -O NAME -n)
	check_eq "$(wc -w <<<"$l")" 1 "loop devices of $f"
	loops+=("$l")
	check_eq "$(cat /sys/block/${l#/dev/}/loop/dio)" 1 "direct IO of $l"
	check_eq "$(cat /sys/block/${l#/dev/}/loop/autoclear)" 1 "autoclear of $l"
done

log "list, children, json"
"$MC" nexus list | tee /var/tmp/list.out
check_grep '^NAME +UUID +SIZE +STATE +CHILDREN +DEVICE +GEN +BITMAP +SHARE$' /var/tmp/list.out
check_grep "^nx0 +[0-9a-f-]{36} +92\.0MiB +online +3 +/dev/nx0 +[0-9]+ +yes +-\$" /var/tmp/list.out
check_eq "$(wc -l </var/tmp/list.out)" 2 "list lines"

"$MC" nexus children nx0 | tee /var/tmp/children.out
check_grep '^PATH +STATE +REASON +SIZE +READS +WRITES +ERRORS +REBUILD%$' /var/tmp/children.out
for l in "${loops[@]}"; do
	check_grep "^$l +online +- +96\.0MiB +[0-9]+ +[0-9]+ +0 +-\$" /var/tmp/children.out
done
check_eq "$(wc -l </var/tmp/children.out)" 4 "children lines"

"$MC" nexus list -o json >/var/tmp/list.json
check_eq "$(jq length /var/tmp/list.json)" 1 "json list length"
check_eq "$(jq -r '.[0] | [.name, .size, .state, .device, (.children | length)] | @tsv' /var/tmp/list.json)" \
	"$(printf 'nx0\t%s\tonline\t/dev/nx0\t3' "$SIZE")" "json nexus"
check_eq "$(jq -r '.[0].uuid | test("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")' /var/tmp/list.json)" true "json uuid"
check_eq "$(jq -r '.[0].major == ('"$((0x$(stat -c %t /dev/nx0)))"') and .[0].minor == ('"$((0x$(stat -c %T /dev/nx0)))"')' /var/tmp/list.json)" true "json major/minor match /dev/nx0"
check_eq "$(jq -r '.[0].open_count' /var/tmp/list.json)" 0 "json open_count"

"$MC" -o json nexus children nx0 >/var/tmp/children.json
check_eq "$(jq -r '[.[].path] | join(" ")' /var/tmp/children.json)" "${loops[*]}" "json children paths"
check_eq "$(jq -r '[.[].slot] | join(" ")' /var/tmp/children.json)" "0 1 2" "json child slots"
check_eq "$(jq -r '[.[] | .state, .reason] | unique | join(" ")' /var/tmp/children.json)" "none online" "json child states"
check_eq "$(jq -r '[.[] | .size == '$((IMG_MIB << 20))' and .errors == 0 and .rebuild == null] | all' /var/tmp/children.json)" true "json child size/errors/rebuild"
# `nexus children -o json` equals the children of `nexus list -o json`
# except for counters that may move between the two calls.
check_eq "$(jq -c '[.[] | del(.reads, .writes)]' /var/tmp/children.json)" \
	"$(jq -c '[.[0].children[] | del(.reads, .writes)]' /var/tmp/list.json)" "children json vs list json"

log "fio random writes with verify"
check fio --name=mirror --filename=/dev/nx0 --direct=1 --ioengine=libaio \
	--rw=randwrite --bsrange=4k-128k --iodepth=16 --size=48M \
	--verify=crc32c --do_verify=1 --verify_fatal=1 --randseed=100 \
	--output-format=json --output=/var/tmp/fio.json
check_eq "$(jq -r '.jobs[0].error' /var/tmp/fio.json)" 0 "fio job error"
log "fio wrote $(jq -r '.jobs[0].write.io_bytes' /var/tmp/fio.json) bytes, read $(jq -r '.jobs[0].read.io_bytes' /var/tmp/fio.json) to verify"
check_eq "$(jq -r '.jobs[0].write.io_bytes >= 48*1048576 and .jobs[0].read.io_bytes >= 48*1048576' /var/tmp/fio.json)" true "fio wrote and verified 48M"

log "patterns with dd, the last block included"
offsets=(0 $((4096 * 3)) $((17 << 20)) $((SIZE / 2 + 8192)) $((60 << 20)) $((SIZE - 4096)))
for o in "${offsets[@]}"; do
	dd if=/dev/urandom of=/var/tmp/pat.$o bs=4096 count=1 status=none
	check dd if=/var/tmp/pat.$o of=/dev/nx0 bs=4096 seek=$((o / 4096)) count=1 oflag=direct status=none
done
# A write past the end must fail and change nothing.
check_fail dd if=/var/tmp/pat.0 of=/dev/nx0 bs=4096 seek=$((SIZE / 4096)) count=1 oflag=direct status=none 2>/dev/null
for o in "${offsets[@]}"; do
	check cmp /var/tmp/pat.$o <(dd if=/dev/nx0 bs=4096 skip=$((o / 4096)) count=1 iflag=direct status=none)
done
# Reads are spread over the children (read balancing): every child served some.
"$MC" -o json nexus children nx0 >/var/tmp/children2.json
check_eq "$(jq -r '[.[] | .errors] | add' /var/tmp/children2.json)" 0 "child errors after IO"
check_eq "$(jq -r '[.[] | .writes] | unique | length' /var/tmp/children2.json)" 1 "every child completed the same number of writes"
log "child reads: $(jq -r '[.[] | .reads] | join(" ")' /var/tmp/children2.json)"
check_eq "$(jq -r '[.[] | .reads > 0] | all' /var/tmp/children2.json)" true "every child served reads"

log "destroy"
check_eq "$("$MC" nexus destroy nx0 2>&1)" "destroyed nexus nx0" "destroy output"
wait_for '[ ! -e /dev/nx0 ]' || _check_failed "/dev/nx0 still exists"
check_fail test -e /sys/block/nx0
check_eq "$("$MC" nexus list -o json | jq -c .)" "[]" "json list after destroy"
# Autoclear: the loop devices go when the nexus closes them.
wait_for '[ -z "$(losetup -j $S/c1.img; losetup -j $S/c2.img; losetup -j $S/c3.img)" ]' ||
	_check_failed "loop devices still attached: $(losetup -a)"
check_eq "$(losetup -a)" "" "losetup -a after destroy"
for l in "${loops[@]}"; do
	check_eq "$(cat /sys/block/${l#/dev/}/size 2>/dev/null || echo 0)" 0 "size of released $l"
done

log "the children are identical over the data region"
check cmp -n "$SIZE" $S/c1.img $S/c2.img
check cmp -n "$SIZE" $S/c1.img $S/c3.img
for f in "${files[@]}"; do
	for o in "${offsets[@]}"; do
		check cmp /var/tmp/pat.$o <(dd if="$f" bs=4096 skip=$((o / 4096)) count=1 status=none)
	done
done
# The data is not all zeroes (fio wrote somewhere in the first 48M).
check_fail cmp -s -n $((48 << 20)) $S/c1.img /dev/zero

check rmmod nexus
check_fail test -d /sys/module/nexus
finish
