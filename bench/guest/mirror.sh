# shellcheck shell=bash disable=SC2034
# Mirror overhead: fio 4k randread/randwrite at QD1 and QD32 and 128k
# sequential write on a raw device, dm-linear, a 1-child and a 2-child
# nexus, md raid1 and dm-raid1 (dm "mirror" target), all over the same two
# brd RAM disks. Prints medians and ratios; never fails on low figures, only
# when a job or a setup step errors. Run by bench/run (bench/run mirror), or
# directly: tests/vm/run --keep bench/guest/mirror.sh
# VM: needs=nexus kernel=std,std612 timeout=3600 mem=2048 smp=2

# shellcheck source=../lib/bench.sh
. "$REPO/bench/lib/bench.sh"

# brd, not null_blk: both are memory backed, but brd is bio based and
# completes every bio synchronously in submit_bio (no blk-mq tags, no
# softirq completion), so it is the cheapest possible child: what is left is
# the cost of the layer under test. Its rd_size is in KiB.
DEV_MB=${BENCH_DEV_MB:-256}
RAM0=/dev/ram0 RAM1=/dev/ram1
BENCH_BACKING="brd, 2 x ${DEV_MB} MiB RAM disks (modprobe brd rd_nr=2 rd_size=$((DEV_MB * 1024))), fully written before the first job"

load_mod brd rd_nr=2 rd_size=$((DEV_MB * 1024))
bench_wait_dev $RAM1
[ "$(blockdev --getsize64 $RAM0)" = $((DEV_MB << 20)) ] ||
	fail "$RAM0 is not ${DEV_MB} MiB (brd loaded earlier with other parameters?)"
load_mod dm_mod
load_mod dm_mirror
load_mod md_mod
load_mod raid1
insmod_nexus
on_exit 'rmmod nexus'

# Unwritten brd pages read as zeroes without a page lookup: write every
# sector once so that reads cost the same on every config and round.
for d in $RAM0 $RAM1; do
	dd if=/dev/zero of="$d" bs=1M count="$DEV_MB" oflag=direct status=none
done

# --- configurations (cfg_NAME_up sets BENCH_DEV; cfg_NAME_down undoes it) ------

cfg_raw_up() { BENCH_DEV=$RAM0; }
cfg_raw_down() { :; }

cfg_dmlinear_up() {
	dm_linear bench-linear $RAM0
	BENCH_DEV=/dev/mapper/bench-linear
}
cfg_dmlinear_down() { dm_remove bench-linear; }

# nexus_up NAME CHILD...: create a nexus and check it is online.
nexus_up() {
	local name=$1 state
	shift
	# --force: the RAM disks carry the label of the previous config's nexus.
	"$MAYASTOR_CLIENT" nexus create --force "$name" "$@" >/dev/null
	bench_wait_dev "/dev/$name"
	state=$("$MAYASTOR_CLIENT" -o json nexus show "$name" | jq -r .state)
	[ "$state" = online ] || fail "nexus $name is $state, not online"
	BENCH_DEV=/dev/$name
}

# nexus_down NAME: log the children's counters (read balancing) and destroy.
nexus_down() {
	"$MAYASTOR_CLIENT" nexus children "$1" | sed 's/^/    /'
	"$MAYASTOR_CLIENT" nexus destroy "$1" >/dev/null
}

cfg_nexus1_up() { nexus_up nxb1 $RAM0; }
cfg_nexus1_down() { nexus_down nxb1; }
cfg_nexus2_up() { nexus_up nxb2 $RAM0 $RAM1; }
cfg_nexus2_down() { nexus_down nxb2; }

cfg_md_up() {
	mdadm --create /dev/md100 --run --quiet --level=1 --raid-devices=2 \
		--assume-clean --metadata=1.2 --bitmap=none $RAM0 $RAM1
	bench_wait_dev /dev/md100
	grep -A1 '^md100' /proc/mdstat | grep -c '\[UU\]' >/dev/null ||
		fail "md100 is not a clean 2-way mirror: $(cat /proc/mdstat)"
	BENCH_DEV=/dev/md100
}
cfg_md_down() {
	mdadm --stop /dev/md100 >/dev/null 2>&1
	# Or udev would assemble it again on the next change event.
	mdadm --zero-superblock $RAM0 $RAM1
	udev_settle
}

# dm-raid1: in-core log, 512 KiB regions, nosync (like --assume-clean),
# handle_errors (fault a failed leg, as the nexus does).
cfg_dmraid1_up() {
	dmsetup create bench-mirror --table \
		"0 $(dev_sectors $RAM0) mirror core 2 1024 nosync 2 $RAM0 0 $RAM1 0 1 handle_errors"
	udev_settle
	dmsetup status bench-mirror | grep -c ' AA ' >/dev/null ||
		fail "bench-mirror is not an in-sync 2-way mirror: $(dmsetup status bench-mirror)"
	BENCH_DEV=/dev/mapper/bench-mirror
}
cfg_dmraid1_down() { dm_remove bench-mirror; }

# --- run --------------------------------------------------------------------------

CONFIGS="raw dmlinear nexus1 nexus2 md dmraid1"
LABELS="raw=raw dmlinear=dm-linear nexus1=nexus-1 nexus2=nexus-2 md=md-raid1 dmraid1=dm-raid1"
RATIOS="nexus1/raw nexus1/dmlinear nexus2/md nexus2/dmraid1"
TARGETS="nexus1/dmlinear>=1.0 nexus2/md>=1.0 nexus2/dmraid1>=1.0"

log "mirror benchmark: $BENCH_ROUNDS round(s), ${BENCH_RUNTIME}s + ${BENCH_RAMP}s ramp per job, size $BENCH_SIZE"
bench_rounds "$CONFIGS" "$BENCH_ALL_JOBS"
bench_summarize "Mirror overhead (fio on brd)" "$LABELS" "$BENCH_ALL_JOBS" "$RATIOS" "$TARGETS"
