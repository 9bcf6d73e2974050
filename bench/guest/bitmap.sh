# shellcheck shell=bash disable=SC2034
# Write-intent bitmap cost: fio 4k randwrite at QD1 and QD32 and 128k
# sequential write on a 2-child nexus with its bitmap and without
# (`nexus create --no-bitmap`), against md raid1 with an internal bitmap and
# without (`--bitmap=internal` / `--bitmap=none`), all over the same two brd
# RAM disks.  Prints medians and ratios; never fails on low figures, only
# when a job or a setup step errors.  Run by bench/run (bench/run bitmap),
# or directly: tests/vm/run --keep bench/guest/bitmap.sh
# VM: needs=nexus kernel=std,std612 timeout=3600 mem=2048 smp=2

# shellcheck source=../lib/bench.sh
. "$REPO/bench/lib/bench.sh"

DEV_MB=${BENCH_DEV_MB:-256}
RAM0=/dev/ram0 RAM1=/dev/ram1
BENCH_BACKING="brd, 2 x ${DEV_MB} MiB RAM disks (modprobe brd rd_nr=2 rd_size=$((DEV_MB * 1024))), fully written before the first job"

load_mod brd rd_nr=2 rd_size=$((DEV_MB * 1024))
bench_wait_dev $RAM1
load_mod md_mod
load_mod raid1
insmod_nexus
on_exit 'rmmod nexus'
for d in $RAM0 $RAM1; do
	dd if=/dev/zero of="$d" bs=1M count="$DEV_MB" oflag=direct status=none
done

# nexus_up NAME [CREATE-OPTS...]: a 2-child nexus, online.
nexus_up() {
	local name=$1 state
	shift
	"$MAYASTOR_CLIENT" nexus create --force "$@" "$name" $RAM0 $RAM1 >/dev/null
	bench_wait_dev "/dev/$name"
	state=$("$MAYASTOR_CLIENT" -o json nexus show "$name" | jq -r .state)
	[ "$state" = online ] || fail "nexus $name is $state, not online"
	BENCH_DEV=/dev/$name
}
nexus_down() {
	"$MAYASTOR_CLIENT" -o json nexus show "$1" | jq -c '{bitmap, dirty_regions, generation}' | sed 's/^/    /'
	"$MAYASTOR_CLIENT" nexus destroy "$1" >/dev/null
}

cfg_nxbitmap_up() { nexus_up nxbm; }
cfg_nxbitmap_down() { nexus_down nxbm; }
cfg_nxnobitmap_up() { nexus_up nxnb --no-bitmap; }
cfg_nxnobitmap_down() { nexus_down nxnb; }

# md_up BITMAP: md raid1 over the same disks.
md_up() {
	mdadm --create /dev/md100 --run --quiet --level=1 --raid-devices=2 \
		--assume-clean --metadata=1.2 --bitmap="$1" $RAM0 $RAM1
	bench_wait_dev /dev/md100
	grep -A1 '^md100' /proc/mdstat | grep -c '\[UU\]' >/dev/null ||
		fail "md100 is not a clean 2-way mirror: $(cat /proc/mdstat)"
	BENCH_DEV=/dev/md100
}
md_down() {
	mdadm --stop /dev/md100 >/dev/null 2>&1
	mdadm --zero-superblock $RAM0 $RAM1
	udev_settle
}
cfg_mdbitmap_up() { md_up internal; }
cfg_mdbitmap_down() { md_down; }
cfg_mdnobitmap_up() { md_up none; }
cfg_mdnobitmap_down() { md_down; }

CONFIGS="nxbitmap nxnobitmap mdbitmap mdnobitmap"
LABELS="nxbitmap=nexus-bitmap nxnobitmap=nexus-nobitmap mdbitmap=md-bitmap mdnobitmap=md-nobitmap"
RATIOS="nxbitmap/nxnobitmap nxbitmap/mdbitmap nxnobitmap/mdnobitmap"
TARGETS="nxbitmap/mdbitmap>=1.0"
JOBS="randwrite-4k-qd1 randwrite-4k-qd32 write-128k-qd8"

log "bitmap benchmark: $BENCH_ROUNDS round(s), ${BENCH_RUNTIME}s + ${BENCH_RAMP}s ramp per job, size $BENCH_SIZE"
bench_rounds "$CONFIGS" "$JOBS"
bench_summarize "Write-intent bitmap cost (fio on brd)" "$LABELS" "$JOBS" "$RATIOS" "$TARGETS"
