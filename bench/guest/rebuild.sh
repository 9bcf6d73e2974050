# shellcheck shell=bash disable=SC2034
# Rebuild throughput: a nexus rebuilding a fresh 1 GiB child (`nexus add`)
# against a raw sequential copy of the same devices (dd, O_DIRECT) and md
# raid1's recovery of a fresh leg (`mdadm --add`), idle and under a
# foreground fio load; and the foreground IOPS of that load with and without
# a copy running. All over the same two brd RAM disks, in one VM. After
# every copy the target is compared with the source over the data region,
# so a fast copy can never hide a wrong one. Never fails on low figures,
# only when a step errors or a copy is wrong. Run by bench/run (bench/run
# rebuild), or directly: tests/vm/run --keep bench/guest/rebuild.sh
# VM: needs=nexus kernel=std,std612 timeout=5400 mem=4096 smp=2

# The whole device is the foreground's working set (the copy walks all of it).
BENCH_SIZE=${BENCH_SIZE:-1G}
# shellcheck source=../lib/bench.sh
. "$REPO/bench/lib/bench.sh"

# brd as in the mirror suite: memory backed, bio based, synchronous, so the
# copy's cost is the copier's own. 1028 MiB each: a 1 GiB nexus data region
# plus the nexus's 4 MiB metadata reserve, and room for md's superblock and
# data offset in front of its 1 GiB. 2 x 1028 MiB of RAM disk needs the
# 4 GiB guest of the header.
DEV_MB=1028
COPY_BYTES=$((1 << 30))
COPY_MIB=$((COPY_BYTES >> 20))
RAM0=/dev/ram0 RAM1=/dev/ram1	# source, target
DD_BS=${BENCH_DD_BS:-4M}
LOAD_JOBS=${BENCH_JOBS:-randread-4k-qd32 randwrite-4k-qd32}
METHODS="dd nexus md"
MC=$MAYASTOR_CLIENT
NOTES=$RESULTS/notes.txt
BENCH_BACKING="brd, 2 x ${DEV_MB} MiB RAM disks (modprobe brd rd_nr=2 rd_size=$((DEV_MB * 1024))); source filled with random data, target zeroed before every copy"

load_mod brd rd_nr=2 rd_size=$((DEV_MB * 1024))
bench_wait_dev $RAM1
[ "$(blockdev --getsize64 $RAM0)" = $((DEV_MB << 20)) ] ||
	fail "$RAM0 is not ${DEV_MB} MiB (brd loaded earlier with other parameters?)"
load_mod md_mod
load_mod raid1
# BENCH_NEXUS_PARAMS: module parameters, e.g. rebuild_fg_busy_pct=100.
# shellcheck disable=SC2086
insmod_nexus ${BENCH_NEXUS_PARAMS:-}
on_exit 'rmmod nexus'
: >"$NOTES"

# md's resync/recovery is capped at speed_limit_max (default 200000 KiB/s):
# lift the cap so that md runs as fast as it can. speed_limit_min stays at
# its default (1000 KiB/s): the floor md keeps while it yields to other IO,
# which is its own foreground-first policy.
echo 100000000 >/proc/sys/dev/raid/speed_limit_max
NX_PARAMS="nexus $(cd /sys/module/nexus/parameters && for p in rebuild_*; do printf '%s=%s ' "$p" "$(cat "$p")"; done)"
NX_PARAMS=${NX_PARAMS% }
MD_SPEED="md speed_limit_max=$(cat /proc/sys/dev/raid/speed_limit_max) KiB/s, speed_limit_min=$(cat /proc/sys/dev/raid/speed_limit_min) KiB/s"

# Random data on the source, every page of both disks written (brd serves
# unwritten pages as zeroes, cheaply).
fio --name=fill --filename=$RAM0 --rw=write --bs=1M --direct=1 --ioengine=libaio \
	--iodepth=4 --size=${DEV_MB}M --output=/dev/null ||
	fail "filling $RAM0 failed"
zero_target() {
	dd if=/dev/zero of=$RAM1 bs=4M count=$((DEV_MB / 4)) oflag=direct status=none
}
zero_target
# The comparisons read through the page cache, flushed with BLKFLSBUF before
# and after; make sure that does not drop a RAM disk's contents.
sum0=$(dd if=$RAM0 bs=1M count=4 iflag=direct status=none | md5sum)
blockdev --flushbufs $RAM0
[ "$(dd if=$RAM0 bs=1M count=4 iflag=direct status=none | md5sum)" = "$sum0" ] ||
	fail "blockdev --flushbufs changed $RAM0"
[ "$sum0" != "$(head -c 4M /dev/zero | md5sum)" ] || fail "$RAM0 holds zeroes"

# --- helpers ----------------------------------------------------------------------

# now: seconds since the epoch, microseconds (bash builtin: no fork).
now() { echo "$EPOCHREALTIME"; }
# fdiv A B: A / B with 2 decimals.
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# sample ROUND CONFIG JOB VALUE UNIT
sample() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$BENCH_SAMPLES"
	printf '    %-24s %-8s %12.1f %s\n' "$3" "$2" "$4" "$5"
}
note() {
	echo "NOTE: $*"
	echo "- $*" >>"$NOTES"
}
# dmesg_time TEXT: the timestamp (s) of the last kernel message with TEXT.
dmesg_time() {
	dmesg | grep -F -- "$1" | tail -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}
child_field() {
	"$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"
}
md_member_offset() {	# bytes
	echo $(($(cat "/sys/block/md100/md/dev-${1#/dev/}/offset") * 512))
}
md_stop() {
	mdadm --stop /dev/md100 >/dev/null 2>&1 || true
	# Or udev would assemble it again on the next change event.
	mdadm --zero-superblock $RAM0 >/dev/null 2>&1 || true
	mdadm --zero-superblock $RAM1 >/dev/null 2>&1 || true
	udev_settle
}
md_create() {	# md_create DEV... [mdadm options]
	mdadm --create /dev/md100 --run --quiet --level=1 --raid-devices=2 \
		--metadata=1.2 --bitmap=none --size=$((COPY_BYTES >> 10)) "$@"
	bench_wait_dev /dev/md100
	[ "$(blockdev --getsize64 /dev/md100)" = $COPY_BYTES ] ||
		fail "md100 is not 1 GiB: $(blockdev --getsize64 /dev/md100)"
}

# --- copies: setup, start, wait, check, teardown per method --------------------

COPY_PID='' LOAD_DEV='' EVENTS=/var/tmp/nexus-events EVPID='' EVFD=''

# copy_setup METHOD: a zeroed target (but for dd: the copies that are not
# compared need none), and the device the foreground load goes to.
copy_setup() {
	[ "$1" = dd ] || zero_target
	udev_settle
	case $1 in
	dd) LOAD_DEV=$RAM0 ;;
	nexus)
		"$MC" nexus create --force nxr --size 1G $RAM0 >/dev/null
		bench_wait_dev /dev/nxr
		[ "$(blockdev --getsize64 /dev/nxr)" = $COPY_BYTES ] || fail "nxr is not 1 GiB"
		LOAD_DEV=/dev/nxr
		;;
	md)
		md_create $RAM0 missing
		LOAD_DEV=/dev/md100
		;;
	esac
}

copy_start() {
	case $1 in
	dd)
		dd if=$RAM0 of=$RAM1 bs="$DD_BS" count=$((COPY_BYTES / $(numfmt --from=iec "$DD_BS"))) \
			iflag=direct oflag=direct 2>"$RESULTS/dd.log" &
		COPY_PID=$!
		;;
	nexus)
		# The end is waited for on the events, not by polling: a poll
		# costs two processes, CPU the copy would compete for.
		rm -f "$EVENTS"
		mkfifo "$EVENTS"
		"$MC" -o json events >"$EVENTS" &
		EVPID=$!
		exec {EVFD}<"$EVENTS"
		sleep 1
		"$MC" nexus add --force nxr $RAM1 >/dev/null
		;;
	md) mdadm /dev/md100 --add $RAM1 --quiet ;;
	esac
}

# copy_wait METHOD: wait for the copy to end; set COPY_RATE (MiB/s) as the
# copier measured it: dd's own report, the kernel's start and end messages.
# (Not in a subshell: dd is a child of this shell.)
COPY_RATE=''
copy_wait() {
	local t0 t1 bytes secs i line
	case $1 in
	dd)
		wait "$COPY_PID" || fail "dd failed: $(cat "$RESULTS/dd.log")"
		COPY_PID=''
		read -r bytes secs < <(awk '/copied/ { print $1, $(NF - 3) }' "$RESULTS/dd.log")
		[ "$bytes" = $COPY_BYTES ] || fail "dd copied $bytes bytes: $(cat "$RESULTS/dd.log")"
		;;
	nexus)
		while read -r -t 1800 line <&"$EVFD"; do
			case $line in
			*'"rebuild-done"'* | *'"rebuild-failed"'* | *'"rebuild-stopped"'*) break ;;
			esac
		done
		kill "$EVPID" 2>/dev/null || true
		wait "$EVPID" 2>/dev/null || true
		exec {EVFD}<&-
		# ONLINE follows the done event.
		for ((i = 0; i < 100; i++)); do
			[ "$(child_field nxr $RAM1 .state)" = online ] && break
			sleep 0.2
		done
		[ "$(child_field nxr $RAM1 .state)" = online ] ||
			fail "the rebuild of $RAM1 did not end: $("$MC" nexus children nxr)"
		"$MC" rebuild progress nxr $RAM1 | sed 's/^/    /'
		bytes=$(child_field nxr $RAM1 .rebuild.done)
		[ "$bytes" = $COPY_BYTES ] || fail "the rebuild copied $bytes bytes"
		t0=$(dmesg_time "nxr: rebuild of $RAM1 started")
		t1=$(dmesg_time "nxr: rebuild of $RAM1 done")
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
		;;
	md)
		# --wait returns at once if the recovery has not started yet.
		for ((i = 0; i < 1800; i++)); do
			grep -A1 '^md100' /proc/mdstat | grep -c '\[UU\]' >/dev/null && break
			mdadm --wait /dev/md100 >/dev/null 2>&1 || sleep 0.5
		done
		grep -A1 '^md100' /proc/mdstat | grep -c '\[UU\]' >/dev/null ||
			fail "md100 did not recover: $(cat /proc/mdstat)"
		t0=$(dmesg_time "md: recovery of RAID array md100")
		t1=$(dmesg_time "md: md100: recovery done.")
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
		bytes=$COPY_BYTES
		;;
	esac
	awk -v s="$secs" 'BEGIN { exit !(s > 0) }' || fail "$1: no duration for the copy ($secs)"
	COPY_RATE=$(fdiv "$((bytes >> 20))" "$secs")
}

# copy_check METHOD: the target equals the source over the data region.
# O_DIRECT reads (no page cache to fill and reclaim, none to go stale).
copy_check() {
	local off0=0 off1=0
	if [ "$1" = md ]; then
		off0=$(md_member_offset $RAM0)
		off1=$(md_member_offset $RAM1)
	fi
	# Two halves at once, one per vCPU.
	python3 - $RAM0 "$off0" $RAM1 "$off1" $COPY_BYTES <<-'PY' ||
		import mmap, os, sys
		a, oa, b, ob, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
		half = n // 2
		pid = os.fork()
		lo = 0 if pid else half
		fa = os.open(a, os.O_RDONLY | os.O_DIRECT)
		fb = os.open(b, os.O_RDONLY | os.O_DIRECT)
		chunk = 4 << 20
		ba, bb = mmap.mmap(-1, chunk), mmap.mmap(-1, chunk)
		for off in range(lo, lo + half, chunk):
		    if os.preadv(fa, [ba], oa + off) != chunk or os.preadv(fb, [bb], ob + off) != chunk:
		        sys.exit(f"short read at {off}")
		    if ba[:] != bb[:]:
		        sys.exit(f"{a} and {b} differ in the 4 MiB at {off}")
		if pid == 0:
		    os._exit(0)
		_, st = os.waitpid(pid, 0)
		sys.exit(0 if st == 0 else "the other half differs")
		PY
		fail "$1: the target differs from the source after the copy"
	echo "    $1: target identical to the source over $COPY_MIB MiB"
}

copy_teardown() {
	case $1 in
	dd) ;;
	nexus) "$MC" nexus destroy nxr >/dev/null ;;
	md) md_stop ;;
	esac
}

# copy_idle ROUND METHOD
copy_idle() {
	copy_setup "$2"
	copy_start "$2"
	copy_wait "$2"
	sample "$1" "$2" copy-idle "$COPY_RATE" MiB/s
	# dd, the reference, is compared once, in the warm-up.
	[ "$2" = dd ] || copy_check "$2"
	copy_teardown "$2"
}

# kmsg_offset: epoch seconds minus kernel message timestamp, now.
kmsg_offset() {
	local t0 t1 k
	t0=$(now)
	echo "nexus-bench: mark $t0" >/dev/kmsg
	t1=$(now)
	k=$(dmesg_time "nexus-bench: mark $t0")
	awk -v a="$t0" -v b="$t1" -v k="$k" 'BEGIN { printf "%.6f", (a + b) / 2 - k }'
}

# copy_loaded ROUND METHOD JOB: the copy under fio JOB on the method's
# device (the raw source for dd). fio runs from BENCH_RAMP s before the copy
# starts until it has ended, logging its IOPS every 250 ms; the foreground
# figure is the mean over the log entries within the copy, the copy rate is
# the whole copy's, measured as when idle.
copy_loaded() {
	local r=$1 m=$2 job=$3 fpid rc=0 out log t0 t1 off iops started=/var/tmp/fio-started
	copy_setup "$m"
	rm -f $started
	out=$RESULTS/fio/r$r-$m-copy+$job.json
	log=$RESULTS/fio/r$r-$m-copy+$job
	mkdir -p "$RESULTS/fio"
	# shellcheck disable=SC2086
	fio --name="$job" --filename="$LOAD_DEV" --direct=1 --ioengine=libaio \
		${BENCH_JOB_ARGS[$job]} --size="$BENCH_SIZE" --norandommap \
		--randrepeat=0 --time_based --runtime=1800 --numjobs=1 \
		--write_iops_log="$log" --log_avg_msec=250 --log_unix_epoch=1 \
		--per_job_logs=0 --exec_prerun="touch $started" \
		--output-format=json --output="$out" >"$out.log" 2>&1 &
	fpid=$!
	# fio takes seconds to set up under TCG: wait until its job is about
	# to start IO, then give it its ramp.
	wait_for "[ -e $started ]" 120 || fail "fio $job did not start"
	sleep "$BENCH_RAMP"
	off=$(kmsg_offset)
	t0=$(now)
	copy_start "$m"
	copy_wait "$m"
	t1=$(now)
	sample "$r" "$m" "copy+$job" "$COPY_RATE" MiB/s
	# The copy's interval in epoch seconds: dd's from the shell, the
	# kernel's from its messages.
	case $m in
	nexus)
		t0=$(awk -v k="$(dmesg_time "nxr: rebuild of $RAM1 started")" -v o="$off" 'BEGIN { printf "%.6f", k + o }')
		t1=$(awk -v k="$(dmesg_time "nxr: rebuild of $RAM1 done")" -v o="$off" 'BEGIN { printf "%.6f", k + o }')
		;;
	md)
		t0=$(awk -v k="$(dmesg_time "md: recovery of RAID array md100")" -v o="$off" 'BEGIN { printf "%.6f", k + o }')
		t1=$(awk -v k="$(dmesg_time "md: md100: recovery done.")" -v o="$off" 'BEGIN { printf "%.6f", k + o }')
		;;
	esac
	sleep 0.5
	kill -INT "$fpid"
	wait "$fpid" || rc=$?
	# fio ends with 128 after SIGINT and writes a line before its JSON.
	sed -i '/^{/,$!d' "$out"
	if [ "$rc" != 0 ] && [ "$rc" != 128 ] || ! jq -e '.jobs[0].error == 0' "$out" >/dev/null 2>&1; then
		cat "$out.log" "$out" 2>/dev/null | tail -n 40 >&2
		fail "fio $job on $LOAD_DEV failed during the $m copy (exit $rc)"
	fi
	iops=$(awk -F', *' -v t0="$t0" -v t1="$t1" '
		$1 - 250 >= t0 * 1000 && $1 <= t1 * 1000 { n++; sum += $2 }
		END { if (n >= 2) printf "%.1f", sum / n }' "${log}_iops.log")
	if [ -n "$iops" ]; then
		sample "$r" "$m" "$job" "$iops" IOPS
	else
		note "round $r: fio $job logged too little during the $m copy ($t0 to $t1)"
	fi
	[ "$m" = dd ] || copy_check "$m"
	copy_teardown "$m"
}

# --- foreground IO without a copy -------------------------------------------------

fg_alone() {
	local r=$1 c=$2 dev job
	case $c in
	raw) dev=$RAM0 ;;
	nexus2)
		"$MC" nexus create --force nxf --size 1G $RAM0 $RAM1 >/dev/null
		bench_wait_dev /dev/nxf
		dev=/dev/nxf
		;;
	mdclean)
		md_create --assume-clean $RAM0 $RAM1
		grep -A1 '^md100' /proc/mdstat | grep -c '\[UU\]' >/dev/null ||
			fail "md100 is not a clean 2-way mirror: $(cat /proc/mdstat)"
		dev=/dev/md100
		;;
	esac
	for job in $LOAD_JOBS; do
		bench_fio "$r" "$c" "$job" "$dev"
	done
	case $c in
	nexus2) "$MC" nexus destroy nxf >/dev/null ;;
	mdclean) md_stop ;;
	esac
}

# --- run --------------------------------------------------------------------------

CONFIGS=${BENCH_CONFIGS:-raw dd nexus2 nexus mdclean md}
want() { [[ " $CONFIGS " == *" $1 "* ]]; }

# Warm-up: one dd copy (it writes every page of the target once more),
# checked like the rebuilds.
copy_setup dd
copy_start dd
copy_wait dd
copy_check dd
log "warm-up dd copy: $COPY_RATE MiB/s"

units=()
for m in $METHODS; do
	want "$m" || continue
	units+=("copy_idle $m")
	for job in $LOAD_JOBS; do units+=("copy_loaded $m $job"); done
done
for c in raw nexus2 mdclean; do
	want "$c" && units+=("fg_alone $c")
done

log "rebuild benchmark: $BENCH_ROUNDS round(s), ${#units[@]} units per round, load jobs: $LOAD_JOBS"
: >"$BENCH_SAMPLES"
n=${#units[@]}
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
	log "round $r of $BENCH_ROUNDS"
	for ((i = 0; i < n; i++)); do
		read -ra u <<<"${units[(i + r - 1) % n]}"
		start=$SECONDS
		echo "  ${u[*]}"
		"${u[0]}" "$r" "${u[@]:1}"
		echo "  done in $((SECONDS - start))s"
	done
done

rows="copy-idle"
for job in $LOAD_JOBS; do rows+=" copy+$job"; done
rows+=" $LOAD_JOBS"
copy_rows=${rows% "$LOAD_JOBS"}
LABELS="raw=raw dd=dd-copy nexus2=nexus-2 nexus=nexus-rebuild mdclean=md-clean md=md-recovery"
RATIOS="nexus/dd nexus/md dd/raw nexus/nexus2 md/mdclean"
TARGETS="nexus/dd>=0.8@copy-idle nexus/md>=1.0@${copy_rows// /,} nexus/nexus2>=0.7"
BENCH_NOTE="Copy rows: MiB/s of a 1 GiB copy from ram0 to ram1 (dd-copy: dd bs=$DD_BS iflag=direct oflag=direct; nexus-rebuild: \`nexus add\` of ram1 to a nexus on ram0, $NX_PARAMS; md-recovery: \`mdadm --add\` of ram1 to a degraded raid1 on ram0; $MD_SPEED), idle and under fio JOB on the copy's device (ram0 for dd); from the copier's own start and end (dd's report, the kernel's messages). IOPS rows: fio alone (raw, nexus-2 = both children online, md-clean = --assume-clean; ${BENCH_RUNTIME} s after ${BENCH_RAMP} s ramp), and during the copy (dd-copy, nexus-rebuild, md-recovery: mean of fio's 250 ms IOPS log over the copy, fio's IO started ${BENCH_RAMP} s before it)."
BENCH_JOBS='' bench_summarize "Rebuild throughput (1 GiB, brd)" "$LABELS" "$rows" "$RATIOS" "$TARGETS"
if [ -s "$NOTES" ]; then
	{
		echo
		echo "Notes:"
		echo
		cat "$NOTES"
	} | tee -a "$RESULTS/results.md"
fi
