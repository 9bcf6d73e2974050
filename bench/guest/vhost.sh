# shellcheck shell=bash disable=SC2034
# vhost-user-blk servers: mayastor-vhost (started by `mayastor-client nexus
# publish`) against qemu-storage-daemon's vhost-user-blk export, both
# serving the same 2-child nexus over two brd RAM disks, both driven by the
# project's own front-end (tests/tools/vhost-client bench) in the same VM:
# 4k randread and randwrite at QD1 and QD32 per queue over 1 and 2 queues.
# Per job: IOPS and the server's CPU per IO (utime + stime of all its
# threads over the measured seconds / IOs); per server: its CPU ticks over
# BENCH_IDLE seconds with the client connected and idle.  Never fails on low
# figures, only when a setup step or a request fails.  Run by bench/run
# (bench/run --icount 2 vhost), or: tests/vm/run --keep bench/guest/vhost.sh
# VM: needs=nexus,tools kernel=std,std612 timeout=3600 mem=2048 smp=1

# shellcheck source=../lib/bench.sh
. "$REPO/bench/lib/bench.sh"

DEV_MB=${BENCH_DEV_MB:-256}
RAM0=/dev/ram0 RAM1=/dev/ram1
NX=nxv
VC=$REPO/tests/tools/vhost-client
QSD=$(command -v qemu-storage-daemon) || skip "no qemu-storage-daemon"
IDLE_S=${BENCH_IDLE:-5}
QUEUES=2	# both servers offer two queues; a job uses one or both
VC_DIR=$RESULTS/vc
BENCH_BACKING="a 2-child nexus over brd, 2 x ${DEV_MB} MiB RAM disks (modprobe brd rd_nr=2 rd_size=$((DEV_MB * 1024))), fully written before the first job; both servers open /dev/$NX O_DIRECT and submit through io_uring"
BENCH_LOAD="load: tests/tools/vhost-client bench (QEMU's negotiation, EVENT_IDX, queue size 128, N requests in flight per queue at random 4 KiB-aligned offsets over the whole device, waits on the call eventfds)"
BENCH_NOTE="IOPS rows: the client's completions per second; cpu- rows: the server's CPU (utime + stime, all threads, from /proc/PID/stat) per IO in microseconds of guest time; idle-ticks: the server's CPU ticks (1/$(getconf CLK_TCK) s) in ${IDLE_S} s with the client connected and idle."

[ -x "$VC" ] || fail "$VC is not built (make -C tests/tools vhost-client)"
load_mod brd rd_nr=2 rd_size=$((DEV_MB * 1024))
bench_wait_dev $RAM1
[ "$(blockdev --getsize64 $RAM0)" = $((DEV_MB << 20)) ] ||
	fail "$RAM0 is not ${DEV_MB} MiB (brd loaded earlier with other parameters?)"
insmod_nexus
on_exit 'rmmod nexus'
# Unwritten brd pages read as zeroes without a page lookup (see mirror.sh).
for d in $RAM0 $RAM1; do
	dd if=/dev/zero of="$d" bs=1M count="$DEV_MB" oflag=direct status=none
done
"$MAYASTOR_CLIENT" nexus create --force $NX $RAM0 $RAM1 >/dev/null
on_exit "'$MAYASTOR_CLIENT' nexus destroy --force $NX >/dev/null 2>&1 || true"
bench_wait_dev /dev/$NX
[ "$("$MAYASTOR_CLIENT" -o json nexus show $NX | jq -r .state)" = online ] ||
	fail "nexus $NX is not online"
mkdir -p "$VC_DIR"

# --- the servers (cfg_NAME_up sets SOCK and SPID; cfg_NAME_down stops it) ------

SOCK='' SPID=''

# As the product starts it: `nexus publish` spawns a detached mayastor-vhost.
cfg_mvhost_up() {
	local out
	out=$("$MAYASTOR_CLIENT" nexus publish $NX vhost-user --queues $QUEUES)
	SOCK=/run/mayastor/vhost/$NX.sock
	SPID=$(sed -n 's/.*(pid \([0-9]*\))$/\1/p' <<<"$out")
	if [ -z "$SPID" ] || [ ! -S "$SOCK" ]; then fail "publish gave no server: $out"; fi
	echo "    $(tr '\0' ' ' </proc/"$SPID"/cmdline)"
}
cfg_mvhost_down() {
	# Its threads' scheduling classes (B: SCHED_BATCH), io-wq workers with
	# them, while the last job's are still there.
	echo "    threads: $(ps -L -o cls=,comm= -p "$SPID" | awk '{ print $1, $2 }' |
		sed 's/-[0-9]*$//' | sort | uniq -c | sed 's/^ *//' | paste -sd, -)"
	"$MAYASTOR_CLIENT" nexus unpublish $NX >/dev/null
	SPID=
}

# qemu-storage-daemon's export of the same device: O_DIRECT, io_uring, the
# same number of queues, its default write cache (on, as mayastor-vhost's).
cfg_qsd_up() {
	SOCK=/var/tmp/qsd-$NX.sock
	rm -f "$SOCK"
	"$QSD" --blockdev "driver=host_device,node-name=n0,filename=/dev/$NX,cache.direct=on,aio=io_uring" \
		--export "type=vhost-user-blk,id=e0,node-name=n0,addr.type=unix,addr.path=$SOCK,writable=on,num-queues=$QUEUES" \
		>>"$RESULTS/qsd.log" 2>&1 &
	SPID=$!
	wait_for "[ -S '$SOCK' ]" 20 || fail "qemu-storage-daemon did not come up: $(tail -n 5 "$RESULTS/qsd.log")"
	echo "    $(tr '\0' ' ' </proc/"$SPID"/cmdline)"
}
cfg_qsd_down() {
	kill -TERM "$SPID"
	wait "$SPID" || true
	rm -f "$SOCK"
	SPID=
}
# Whatever is still running when the suite stops (expanded then).
# shellcheck disable=SC2016
on_exit '[ -z "$SPID" ] || kill -9 "$SPID" 2>/dev/null || true'

# --- jobs: name -> vhost-client arguments ------------------------------------------

declare -A VJOB=(
	[randread-qd1-1q]="--rw randread --iodepth 1 --queues 1"
	[randread-qd1-2q]="--rw randread --iodepth 1 --queues 2"
	[randread-qd32-1q]="--rw randread --iodepth 32 --queues 1"
	[randread-qd32-2q]="--rw randread --iodepth 32 --queues 2"
	[randwrite-qd1-1q]="--rw randwrite --iodepth 1 --queues 1"
	[randwrite-qd1-2q]="--rw randwrite --iodepth 1 --queues 2"
	[randwrite-qd32-1q]="--rw randwrite --iodepth 32 --queues 1"
	[randwrite-qd32-2q]="--rw randwrite --iodepth 32 --queues 2"
)
VJOBS="randread-qd1-1q randread-qd1-2q randread-qd32-1q randread-qd32-2q randwrite-qd1-1q randwrite-qd1-2q randwrite-qd32-1q randwrite-qd32-2q"

sample() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_SAMPLES"; }

# vjob ROUND CONFIG JOB: one client run; its IOPS and the server's CPU per IO.
vjob() {
	local r=$1 c=$2 j=$3 out=$VC_DIR/r$1-$2-$3.json rc=0 iops cpu
	# shellcheck disable=SC2086
	"$VC" --socket "$SOCK" ${VJOB[$j]} bench --bs 4096 --seconds "$BENCH_RUNTIME" \
		--ramp "$BENCH_RAMP" --pid "$SPID" >"$out" 2>"$out.err" || rc=$?
	if [ "$rc" -ne 0 ] || ! jq -e '.ios > 0 and .errors == 0' "$out" >/dev/null 2>&1; then
		cat "$out" "$out.err" >&2
		fail "vhost-client bench $j against $c failed (exit $rc)"
	fi
	iops=$(jq -r .iops "$out")
	cpu=$(jq -r .server_cpu_us_per_io "$out")
	sample "$r" "$c" "$j" "$iops" IOPS
	sample "$r" "$c" "cpu-$j" "$cpu" us/IO
	printf '    %-18s %-7s %10.1f IOPS %7.2f us/IO server, p99 %s us\n' "$j" "$c" "$iops" \
		"$cpu" "$(jq -r .lat_p99_us "$out")"
}

# vidle ROUND CONFIG: the server's ticks while the client is connected, idle.
vidle() {
	local out=$VC_DIR/r$1-$2-idle.json ticks
	"$VC" --socket "$SOCK" --queues $QUEUES idle --seconds "$IDLE_S" --pid "$SPID" >"$out" ||
		fail "vhost-client idle against $2 failed"
	ticks=$(jq -r .server_ticks "$out")
	sample "$1" "$2" idle-ticks "$ticks" ticks
	printf '    %-18s %-7s %10s ticks in %s s\n' idle "$2" "$ticks" "$IDLE_S"
}

# Every round starts each server, runs every job and the idle check, stops
# it; the order of servers and of jobs rotates from round to round.
vrounds() {
	local -a configs jobs
	local r i k c
	read -ra configs <<<"${BENCH_CONFIGS:-$1}"
	read -ra jobs <<<"${BENCH_JOBS:-$2}"
	: >"$BENCH_SAMPLES"
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		log "round $r of $BENCH_ROUNDS"
		for ((i = 0; i < ${#configs[@]}; i++)); do
			c=${configs[(i + r - 1) % ${#configs[@]}]}
			echo "  $c:"
			"cfg_${c}_up"
			for ((k = 0; k < ${#jobs[@]}; k++)); do
				vjob "$r" "$c" "${jobs[(k + r - 1) % ${#jobs[@]}]}"
			done
			vidle "$r" "$c"
			"cfg_${c}_down"
		done
	done
}

CONFIGS="mvhost qsd"
LABELS="mvhost=mayastor-vhost qsd=qemu-storage-daemon"
sel=${BENCH_JOBS:-$VJOBS}
qd32=$(tr ' ' '\n' <<<"$sel" | grep qd32 | paste -sd, || true)
qd1=$(tr ' ' '\n' <<<"$sel" | grep qd1- | paste -sd, || true)
cpu=$(tr ' ' '\n' <<<"$sel" | sed 's/^/cpu-/' | paste -sd,)
TARGETS="mvhost/qsd>=1.2@$qd32 mvhost/qsd>=1.0@$qd1 qsd/mvhost>=1.0@$cpu"
# The table's rows: every job's IOPS, then its CPU per IO, then idle.
ROWS="$sel $(tr ' ' '\n' <<<"$sel" | sed 's/^/cpu-/' | paste -sd' ') idle-ticks"

log "vhost benchmark: $BENCH_ROUNDS round(s), ${BENCH_RUNTIME}s + ${BENCH_RAMP}s ramp per job, idle ${IDLE_S}s"
vrounds "$CONFIGS" "$VJOBS"
BENCH_JOBS=
bench_summarize "vhost-user-blk: mayastor-vhost against qemu-storage-daemon" "$LABELS" \
	"$ROWS" "mvhost/qsd" "$TARGETS"
