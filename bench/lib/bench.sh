# shellcheck shell=bash
# Guest-side helpers of the benchmarks (bench/guest/*.sh), sourced after
# tests/vm/lib.sh. A benchmark is a VM "test" that must not fail on slow
# figures but fails loudly when a job errors.
#
# Parameters (environment; bench/run sets them through a wrapper script):
#   BENCH_ROUNDS   rounds of every (config, job) pair; the median is reported
#   BENCH_RUNTIME  seconds measured per fio job (time based)
#   BENCH_RAMP     seconds of fio ramp time before measuring
#   BENCH_SIZE     fio --size: the region exercised on every device
#   BENCH_JOBS     job names to run (space separated; default: all of the suite)
#   BENCH_CONFIGS  config names to run (default: all of the suite)
#   BENCH_ACCEL    how the VM runs, for the report (bench/run --icount sets it)
#   BENCH_CPU      1: also record the guest's CPU per IO of every fio job
#                  (suites set it; see bench_fio)
#
# Samples go to $RESULTS/samples.tsv (round config job value unit), fio's
# JSON output to $RESULTS/fio/, and bench_summarize writes
# $RESULTS/results.json and $RESULTS/results.md.

BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_RUNTIME=${BENCH_RUNTIME:-8}
BENCH_RAMP=${BENCH_RAMP:-2}
BENCH_SIZE=${BENCH_SIZE:-200M}
BENCH_LIB=$REPO/bench/lib
BENCH_SAMPLES=$RESULTS/samples.tsv

# --- fio jobs --------------------------------------------------------------------

# Job table: name, fio arguments, unit (IOPS or MiB/s), what is measured.
declare -A BENCH_JOB_ARGS=(
	[randread-4k-qd1]="--rw=randread --bs=4k --iodepth=1"
	[randread-4k-qd32]="--rw=randread --bs=4k --iodepth=32"
	[randwrite-4k-qd1]="--rw=randwrite --bs=4k --iodepth=1"
	[randwrite-4k-qd32]="--rw=randwrite --bs=4k --iodepth=32"
	[write-128k-qd8]="--rw=write --bs=128k --iodepth=8"
)
declare -A BENCH_JOB_UNIT=(
	[randread-4k-qd1]=IOPS [randread-4k-qd32]=IOPS
	[randwrite-4k-qd1]=IOPS [randwrite-4k-qd32]=IOPS
	[write-128k-qd8]=MiB/s
)
# shellcheck disable=SC2034 # used by the suites
BENCH_ALL_JOBS="randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd1 randwrite-4k-qd32 write-128k-qd8"

# _bench_ticks: the guest's busy and total CPU ticks so far (/proc/stat:
# busy is all but idle and iowait).
_bench_ticks() {
	awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat
}

# bench_fio ROUND CONFIG JOB DEV: run one job on DEV, append its figure to
# the samples. Any fio error (exit status, a job error, no IO done) fails
# the benchmark at once.  With BENCH_CPU=1 also a cpu-JOB sample: the
# guest's busy share of its CPUs over the whole fio run (ramp included:
# the load is the same), over the IOPS, in microseconds of CPU per IO
# (fio, the kernel, every thread and softirq; under --icount, guest
# instructions x 2^shift ns).
bench_fio() {
	local round=$1 config=$2 job=$3 dev=$4 out rc=0 value unit dir t0 t1 cpu
	unit=${BENCH_JOB_UNIT[$job]:?unknown job $job}
	out=$RESULTS/fio/r$round-$config-$job.json
	mkdir -p "$RESULTS/fio"
	case ${BENCH_JOB_ARGS[$job]} in *read*) dir="read" ;; *) dir="write" ;; esac
	t0=$(_bench_ticks)
	# shellcheck disable=SC2086
	fio --name="$job" --filename="$dev" --direct=1 --ioengine=libaio \
		${BENCH_JOB_ARGS[$job]} --size="$BENCH_SIZE" --norandommap \
		--randrepeat=0 --time_based --runtime="$BENCH_RUNTIME" \
		--ramp_time="$BENCH_RAMP" --numjobs=1 --group_reporting \
		--output-format=json --output="$out" >"$out.log" 2>&1 || rc=$?
	t1=$(_bench_ticks)
	if [ "$rc" -ne 0 ] || ! jq -e '.jobs[0].error == 0' "$out" >/dev/null 2>&1; then
		echo "FIO FAILED: round $round, $config, $job on $dev (exit $rc)" >&2
		cat "$out.log" "$out" 2>/dev/null | tail -n 40 >&2
		fail "fio job $job on $config ($dev) failed"
	fi
	if [ "$unit" = IOPS ]; then
		value=$(jq -r ".jobs[0].$dir.iops" "$out")
	else
		value=$(jq -r ".jobs[0].$dir.bw_bytes / 1048576" "$out")
	fi
	jq -e ".jobs[0].$dir.total_ios > 0" "$out" >/dev/null ||
		fail "fio job $job on $config ($dev) did no IO"
	printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$config" "$job" "$value" "$unit" >>"$BENCH_SAMPLES"
	if [ "${BENCH_CPU:-0}" = 1 ] && [ "$unit" = IOPS ]; then
		cpu=$(awk -v a="$t0" -v b="$t1" -v iops="$value" -v n="$(nproc)" 'BEGIN {
			split(a, x, " "); split(b, y, " ")
			printf "%.2f", (y[1] - x[1]) / (y[2] - x[2]) * n * 1e6 / iops }')
		printf '%s\t%s\tcpu-%s\t%s\tus/IO\n' "$round" "$config" "$job" "$cpu" >>"$BENCH_SAMPLES"
		printf '    %-18s %-10s %12.1f %s, %s us CPU/IO\n' "$job" "$config" "$value" "$unit" "$cpu"
	else
		printf '    %-18s %-10s %12.1f %s\n' "$job" "$config" "$value" "$unit"
	fi
}

# --- configurations ---------------------------------------------------------------

# A suite defines, for every config C, cfg_C_up (sets BENCH_DEV to the device
# to measure) and cfg_C_down (undoes it), and lists them in its own order.

# bench_wait_dev DEV: wait for a block device node to appear.
bench_wait_dev() {
	udev_settle
	wait_for "[ -b '$1' ]" 20 || fail "$1 did not appear"
}

# bench_check_size DEV: the device must hold the fio region.
bench_check_size() {
	local have need
	have=$(blockdev --getsize64 "$1")
	need=$(numfmt --from=iec "$BENCH_SIZE")
	[ "$have" -ge "$need" ] || fail "$1 has $have bytes, less than BENCH_SIZE=$BENCH_SIZE"
}

# Several nodes (# VM: nodes=N): node 1 serves (bench_serve), the last
# node measures (bench_rounds); they meet at a barrier before and after
# every config, and may wait that long for each other there.
BENCH_BARRIER_SECS=${BENCH_BARRIER_SECS:-3600}

# bench_rounds SUITE_CONFIGS SUITE_JOBS: every round runs every config (set
# up, every job, torn down). The order of configs and of jobs rotates from
# round to round so that a burst of host noise (the VM is emulated on cores
# shared with other VMs) does not always land on the same configuration.
# With several nodes each config starts and ends with a barrier, where the
# serving node runs its srv_NAME_up and srv_NAME_down (see bench_serve).
bench_rounds() {
	local -a configs jobs
	local r i j n m c job start
	read -ra configs <<<"${BENCH_CONFIGS:-$1}"
	read -ra jobs <<<"${BENCH_JOBS:-$2}"
	n=${#configs[@]} m=${#jobs[@]}
	: >"$BENCH_SAMPLES"
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		log "round $r of $BENCH_ROUNDS"
		for ((i = 0; i < n; i++)); do
			c=${configs[(i + r - 1) % n]}
			[ "${NODES:-1}" -le 1 ] || barrier "bench-r$r-$c-up" "$BENCH_BARRIER_SECS"
			start=$SECONDS
			BENCH_DEV=
			"cfg_${c}_up"
			[ -b "$BENCH_DEV" ] || fail "config $c set up no block device"
			bench_check_size "$BENCH_DEV"
			echo "  $c: $BENCH_DEV"
			for ((j = 0; j < m; j++)); do
				job=${jobs[(j + r - 1) % m]}
				bench_fio "$r" "$c" "$job" "$BENCH_DEV"
			done
			"cfg_${c}_down"
			echo "  $c done in $((SECONDS - start))s"
			[ "${NODES:-1}" -le 1 ] || barrier "bench-r$r-$c-down" "$BENCH_BARRIER_SECS"
		done
	done
}

# bench_serve SUITE_CONFIGS: the serving node's side of bench_rounds, in the
# same order: for every config, srv_NAME_up (if the suite defines it), the
# barrier that lets the measuring node set up and measure, the barrier of
# its teardown, then srv_NAME_down (if defined).
bench_serve() {
	local -a configs
	local r i n c
	read -ra configs <<<"${BENCH_CONFIGS:-$1}"
	n=${#configs[@]}
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		log "round $r of $BENCH_ROUNDS (serving)"
		for ((i = 0; i < n; i++)); do
			c=${configs[(i + r - 1) % n]}
			! declare -F "srv_${c}_up" >/dev/null || "srv_${c}_up"
			barrier "bench-r$r-$c-up" "$BENCH_BARRIER_SECS"
			echo "  $c: served"
			barrier "bench-r$r-$c-down" "$BENCH_BARRIER_SECS"
			! declare -F "srv_${c}_down" >/dev/null || "srv_${c}_down"
		done
	done
}

# bench_summarize TITLE CONFIGS JOBS RATIOS TARGETS: medians, ratios and
# targets as $RESULTS/results.json and results.md (see summarize.jq).
#   CONFIGS  "name=Label ..." in table order
#   RATIOS   "num/den ..." config pairs, one column each
#   TARGETS  "num/den>=X ..." checked on every job whose unit is IOPS;
#            "num/den>=X@job,job" on the jobs named
# BENCH_NOTE, if set, replaces the line on units under the title;
# BENCH_LOAD, if set, says what generated the load instead of fio's options.
bench_summarize() {
	local title=$1 labels=$2 joblist=$3 ratios=$4 targets=$5
	jq -n -R \
		--arg title "$title" \
		--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		--arg kernel "$(uname -r)" \
		--arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
		--arg ncpu "$(nproc)" \
		--arg mem "$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)" \
		--arg backing "${BENCH_BACKING:-}" \
		--arg accel "${BENCH_ACCEL:-tcg}" \
		--arg rounds "$BENCH_ROUNDS" --arg runtime "$BENCH_RUNTIME" \
		--arg ramp "$BENCH_RAMP" --arg size "$BENCH_SIZE" \
		--arg configs "$labels" --arg jobs "${BENCH_JOBS:-$joblist}" \
		--arg ratios "$ratios" --arg targets "$targets" \
		--arg note "${BENCH_NOTE:-4k jobs in IOPS, 128k in MiB/s.}" \
		--arg load "${BENCH_LOAD:-}" \
		-f "$BENCH_LIB/summarize.jq" <"$BENCH_SAMPLES" >"$RESULTS/results.json"
	jq -r -f "$BENCH_LIB/markdown.jq" "$RESULTS/results.json" >"$RESULTS/results.md"
	echo
	cat "$RESULTS/results.md"
}
