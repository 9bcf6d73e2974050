# Crash points with volatile disk caches: the children of the nexus are
# slices (dm-linear) of one dm-log-writes device, which logs the writes of
# all of them in the one order they became durable (writes at the next
# flush, FUA writes when they complete), so that any prefix of the log is
# a state a power cut can leave, across children too.  Writers (O_DIRECT,
# fdatasync or O_DSYNC, self-identifying 4 KiB blocks) keep a log of what
# was acknowledged and flushed; after each epoch's flushes a mark goes into
# the log.  Then, for each crash point, the log is replayed to a point
# between its marks epochE and epoch(E+1), at a flush or anywhere
# (CRASH_MODEL=between, the default: within a batch of writes that a flush
# made durable, some children kept more of their cache than others), or to
# the mark epochE itself (CRASH_MODEL=marks); the children are cut out of
# the replayed image, the nexus is assembled from them, resynced, and must
# hold every write flushed by epoch E, valid blocks only, identical
# children.
# The replay is coherent (tests/tools/logwrites.h): dm-log-writes logs a
# write without FUA at the next flush, a FUA write at once, so a rebuild's
# copy of a region can follow in the log the FUA write that waited for that
# copy, and replayed in log order it would put the region's old data back
# over an acknowledged write, which no device does.  Two checks keep that
# model honest: each workload's log replayed whole must equal what its
# children hold at the end, and the live nexus must hold every acknowledged
# write with identical children before it is destroyed (a copy that truly
# overtook a write would fail both).
# Workloads: a healthy 2-way nexus (also assembled with a child missing),
# a third child added and rebuilt and then the first removed while writing,
# a child offline/online and a child failing (dm-error below its log) while
# writing.
# Knobs: CRASH_POINTS (default 10, over all workloads: make check; make
# check-full runs 300; a tenth on the debug kernel), CRASH_SEED,
# CRASH_EPOCH_SECS (default 1).
# VM: needs=nexus,tools smp=2 mem=2048 timeout=1200

MC=$MAYASTOR_CLIENT
RL=$REPO/tests/tools/replay-log
CIO=(python3 "$REPO/tests/tools/crashio.py")
POINTS=${CRASH_POINTS:-10}
# KASAN and lockdep make each point ~6x slower; the debug kernel checks the
# paths, the std kernels the numbers.
[ "$KERNEL_KIND" != debug ] || POINTS=$(((POINTS + 9) / 10))
# Per workload: 40 %, 30 %, the rest; at least one each.
N_HEALTHY=$((POINTS * 2 / 5 > 0 ? POINTS * 2 / 5 : 1))
N_REBUILD=$((POINTS * 3 / 10 > 0 ? POINTS * 3 / 10 : 1))
N_OFFLINE=$((POINTS - N_HEALTHY - N_REBUILD > 0 ? POINTS - N_HEALTHY - N_REBUILD : 1))
# CRASH_MODEL: between (default) or marks; see tests/tools/crashio.py
# limit_in_epoch.
MODEL=${CRASH_MODEL:-between}
case $MODEL in marks | between) ;; *) fail "CRASH_MODEL must be between or marks" ;; esac
SEED=${CRASH_SEED:-$((RANDOM * 32768 + RANDOM))}
EPOCH_SECS=${CRASH_EPOCH_SECS:-1}
W=/var/tmp/cw			# working files (tmpfs)
CHILD_MB=32
LOG_MB=112
NWRITERS=3
MIN_ACKED=200			# acknowledged writes a workload must reach
log "crash seed $SEED, model $MODEL (CRASH_SEED=$SEED CRASH_POINTS=$POINTS CRASH_MODEL=$MODEL reproduce the crash points)"

insmod_nexus bitmap_grace_ms=300
load_mod loop
load_mod dm_log_writes
on_exit 'rmmod nexus'

# Totals over every workload.
T_POINTS=0 T_CHECKED=0 T_LOST=0 T_INVALID=0 T_DIVERGENT=0 T_ASMFAIL=0

nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
# all_online [missing]: every child online (but for members missing at assembly).
all_online() {
	local skip=${1:+missing}
	[ "$("$MC" -o json nexus children nx0 |
		jq --arg skip "$skip" '[.[] | select(.state != "online" and .state != $skip)] | length')" = 0 ]
}

# children N: N fresh children i=0..N-1: the dm-linear slices lw$i of one
# log-writes device lwlog over data.img, logging to log.img.  (lw$i is
# also what a test fails, with dm_error_swap: its writes then never reach
# the log, as a dead disk keeps none.)
children() {
	local i sectors=$((CHILD_MB * 2048))
	rm -rf "$W"
	mkdir -p "$W"
	mkimg "$W/data.img" $(($1 * CHILD_MB))M
	mkimg "$W/log.img" $(($1 * LOG_MB))M
	loops=("$(make_loop "$W/data.img")" "$(make_loop "$W/log.img")")
	dmsetup create lwlog --table "0 $(($1 * sectors)) log-writes ${loops[0]} ${loops[1]}"
	for ((i = 0; i < $1; i++)); do
		dmsetup create lw$i --table "0 $sectors linear /dev/mapper/lwlog $((i * sectors))"
	done
	NCHILD=$1
	udev_settle
}

# epoch E: record how far each writer's acknowledgements go, then mark the
# log: everything acknowledged so far was flushed before it.
epoch() {
	local i sizes=()
	for ((i = 0; i < NWRITERS; i++)); do sizes+=("$(stat -c %s "$W/ack.$i")"); done
	echo "$1 ${sizes[*]}" >>"$W/epochs"
	dmsetup message lwlog 0 mark "epoch$1"
}

# write_epochs N HOOK: writers run through epochs 1..N; HOOK E runs at the
# start of epoch E (a state change while writing).
write_epochs() {
	local n=$1 hook=$2 e i rc pids=()
	: >"$W/epochs"
	for ((i = 0; i < NWRITERS; i++)); do : >"$W/ack.$i"; done
	epoch 0
	for ((i = 0; i < NWRITERS; i++)); do
		mode=fdatasync
		[ $i != $((NWRITERS - 1)) ] || mode=dsync
		"${CIO[@]}" write /dev/nx0 $i $NWRITERS "$BLOCKS" "$SEED" "$W/ack.$i" "$W/stop" $mode \
			>"$W/writer.$i.out" 2>&1 &
		pids+=($!)
	done
	for ((e = 1; e <= n; e++)); do
		$hook $e
		sleep "$EPOCH_SECS"
		epoch $e
	done
	touch "$W/stop"
	for ((i = 0; i < NWRITERS; i++)); do
		rc=0
		wait "${pids[i]}" || rc=$?
		check_eq "$rc" 0 "writer $i exit status ($(tail -n 3 "$W/writer.$i.out" | tr '\n' ' '))"
	done
	rm -f "$W/stop"
	acked=$(cat "$W"/ack.* | grep -vc '^F$' || true)
	log "$WORKLOAD: $acked block writes acknowledged and flushed in $n epochs"
	[ "$acked" -ge "$MIN_ACKED" ] || _check_failed "$WORKLOAD: only $acked acknowledged writes (want >= $MIN_ACKED)"
}

# settled: every child online or faulted (nothing left to copy).
settled() {
	[ "$("$MC" -o json nexus children nx0 |
		jq '[.[] | select(.state != "online" and .state != "faulted")] | length')" = 0 ]
}

# online_divergent SIZE: how many online children differ from the first
# over SIZE bytes (cmp says where, on stderr); exit status 1 if none is
# online.  The nexus wrote below their page caches, which udev's probe
# filled: flushed first.
online_divergent() {
	local kids i n=0
	mapfile -t kids < <("$MC" -o json nexus children nx0 | jq -r '.[] | select(.state == "online") | .path')
	[ "${#kids[@]}" -ge 1 ] || { echo 0; return 1; }
	blockdev --flushbufs "${kids[@]}"
	for ((i = 1; i < ${#kids[@]}; i++)); do
		cmp -n "$1" "${kids[0]}" "${kids[i]}" >&2 || n=$((n + 1))
	done
	echo "$n"
}

# live_check E: once settled, the live nexus holds every write acknowledged
# by epoch E and its online children are identical.
live_check() {
	local out d
	check wait_for settled 120
	out=$("${CIO[@]}" verify /dev/nx0 "$BLOCKS" "$SEED" "$W/epochs" "$1" "$W"/ack.* 2>&1) ||
		_check_failed "$WORKLOAD: the live nexus at the end: $out"
	log "$WORKLOAD: the live nexus at the end: $(tail -n 1 <<<"$out")"
	d=$(online_divergent "$((BLOCKS * 4096))") || true
	[ "$d" = 0 ] || _check_failed "$WORKLOAD: $d live children differ from the first"
}

# close_logs: take the log-writes device down (the final mark updates the
# super block), list its log, and check the model: the whole log replayed
# equals what the children hold now.
close_logs() {
	local i st
	st=$(dmsetup status lwlog)
	[[ $st != *logging_disabled* ]] || _check_failed "lwlog: logging disabled (log full?): $st"
	for ((i = 0; i < NCHILD; i++)); do dmsetup remove lw$i; done
	dmsetup remove lwlog
	"$RL" --log "$W/log.img" --list >"$W/list"
	log "$WORKLOAD: $(($(wc -l <"$W/list") - 1)) log entries"
	for i in "${loops[@]}"; do losetup -d "$i"; done
	mkdir -p "$RESULTS/$WORKLOAD"
	cp "$W"/list "$W"/ack.* "$W"/epochs "$RESULTS/$WORKLOAD/"
	truncate -s $((NCHILD * CHILD_MB))M "$W/s.img"
	check "$RL" --log "$W/log.img" --replay "$W/s.img"
	cmp "$W/s.img" "$W/data.img" ||
		_check_failed "$WORKLOAD: the whole log replayed differs from the children it logged"
	rm -f "$W/s.img"
}

# replay LIMIT: the first LIMIT log entries replayed onto a fresh image, cut
# into the children's scratch images s$I.img.
replay() {
	local i
	rm -f "$W"/s*.img
	truncate -s $((NCHILD * CHILD_MB))M "$W/s.img"
	"$RL" --log "$W/log.img" --replay "$W/s.img" --limit "$1" || return 1
	for ((i = 0; i < NCHILD; i++)); do
		dd if="$W/s.img" of="$W/s$i.img" bs=1M skip=$((i * CHILD_MB)) count=$CHILD_MB status=none ||
			return 1
	done
	rm -f "$W/s.img"
}

# has_label IMG: a nexus label (either slot) is on the image.
has_label() {
	local md=$(((CHILD_MB - 4) * 256))	# in 4 KiB blocks
	# Not `dd | grep -q`: under pipefail, grep leaving at the first slot's
	# match can kill dd with SIGPIPE before it writes the second and turn a
	# label found into none.
	grep -qa NXLABEL < <(dd if="$1" bs=4096 skip=$md count=2 status=none)
}

# lap [STEP]: add the milliseconds since the last lap to STEP's total
# (where a crash point's time goes: LAPS, printed per workload).
declare -A LAPS=()
lap() {
	local now=${EPOCHREALTIME/./}
	[ -z "${1:-}" ] || LAPS[$1]=$((${LAPS[$1]:-0} + (now - LAP_T) / 1000))
	LAP_T=$now
}

# assemble_members IMG...: assemble nx0 from the images, leaving out those
# the labels say were removed (the CLI names one per refusal, as it would
# to an operator: a removal that reached the labels before the crash point
# is as final as any other).
assemble_members() {
	local devs=("$@") gone i
	for ((i = 0; i <= NCHILD; i++)); do
		"$MC" nexus assemble nx0 "${devs[@]}" >"$W/asm.out" 2>&1 && return 0
		gone=$(sed -n 's/.*child \([^ ]*\) is no longer a member of nexus nx0.*/\1/p' "$W/asm.out")
		[ -n "$gone" ] || return 1
		log "$WORKLOAD: $gone was removed before this crash point: assembled without it"
		mapfile -t devs < <(printf '%s\n' "${devs[@]}" | grep -vxF -- "$gone")
	done
	return 1
}

# crash_point E MISSING LIMIT: replay the log's first LIMIT entries, run
# $TAMPER if set, assemble without child MISSING (-1: none), resync, check.
# Returns 1 if anything was wrong (and says what on stderr).
crash_point() {
	local e=$1 missing=$2 limit=$3 i out bad=0 devs=() size allow= d
	lap
	replay "$limit" || return 1
	[ -z "${TAMPER:-}" ] || $TAMPER
	[ "$missing" = -1 ] || allow=missing
	for ((i = 0; i < NCHILD; i++)); do
		[ "$i" != "$missing" ] || continue
		if has_label "$W/s$i.img"; then
			devs+=("$W/s$i.img")
		else
			# Its label is not on disk yet, but the table that
			# names it may be on the others' (a label write goes to
			# the active members first, a joining child last): then
			# assembly shows it missing, as an operator would see a
			# member whose disk came back blank.
			allow=missing
		fi
	done
	T_POINTS=$((T_POINTS + 1))
	lap replay
	if ! assemble_members "${devs[@]}"; then
		echo "assembly failed: $(cat "$W/asm.out")" >&2
		T_ASMFAIL=$((T_ASMFAIL + 1))
		return 1
	fi
	if ! wait_for "all_online ${allow:-}" 120; then
		"$MC" nexus children nx0 >&2
		bad=1
	fi
	lap assemble
	out=$("${CIO[@]}" verify /dev/nx0 "$BLOCKS" "$SEED" "$W/epochs" "$e" "$W"/ack.*) || bad=1
	read -r _ c _ l _ v <<<"$out"
	T_CHECKED=$((T_CHECKED + c)) T_LOST=$((T_LOST + l)) T_INVALID=$((T_INVALID + v))
	lap verify
	size=$(nshow .size)
	# The copies that must agree: every child the nexus took (a member
	# removed before the crash point is rightly left out).
	d=$(online_divergent "$size") || { echo "no child online after assembly" >&2; bad=1; }
	[ "$d" = 0 ] || { T_DIVERGENT=$((T_DIVERGENT + d)); bad=1; }
	lap compare
	"$MC" nexus destroy nx0 >/dev/null || { echo "nexus destroy failed" >&2; return 1; }
	lap destroy
	return $bad
}

# crash_points N MISSING_CHANCE EPOCHS: N crash points of this workload.
crash_points() {
	local n=$1 e missing limit bad=0 lost0=$T_LOST checked0=$T_CHECKED points0=$T_POINTS
	local t0=$SECONDS
	"${CIO[@]}" plan "$W/list" --children "$NCHILD" --epochs "$3" --points "$n" --seed "$SEED" \
		--missing "$2" --model "$MODEL" >"$W/plan"
	cp "$W/plan" "$RESULTS/$WORKLOAD/plan"
	while read -r e limit missing; do
		if ! crash_point "$e" "$missing" "$limit"; then
			_check_failed "$WORKLOAD: crash point 'epoch $e, replayed entries $limit, missing child $missing' (seed $SEED) went wrong"
			bad=$((bad + 1))
			[ "$bad" -lt 5 ] || { log "$WORKLOAD: stopping after $bad bad crash points"; break; }
		fi
	done <"$W/plan"
	log "$WORKLOAD: $((T_POINTS - points0)) crash points, $((T_CHECKED - checked0)) acknowledged writes checked, $((T_LOST - lost0)) lost ($((SECONDS - t0)) s: $(for k in replay assemble verify compare destroy; do printf '%s %d ms, ' $k "${LAPS[$k]:-0}"; done))"
	LAPS=()
}

# new_nexus: nx0 over every lw child; BLOCKS = its 4 KiB blocks.
new_nexus() {
	local i devs=()
	for ((i = 0; i < $1; i++)); do devs+=(/dev/mapper/lw$i); done
	check "$MC" nexus create nx0 "${devs[@]}"
	BLOCKS=$(($(nshow .size) / 4096))
}

no_hook() { :; }

# --- healthy 2-way nexus; a quarter of the assemblies miss a child ---------
WORKLOAD=healthy
children 2
new_nexus 2
write_epochs 6 no_hook
live_check 6
check "$MC" nexus destroy nx0
close_logs

# Negative controls: the checks must catch a lost write and a misplaced block.
# negative_control WHAT GREP E LIMIT: crash_point E must fail, saying GREP.
negative_control() {
	local what=$1 want=$2 e=$3
	shift 3
	log "negative control: $what"
	if crash_point "$e" -1 "$1" 2>"$W/neg.err"; then
		_check_failed "negative control went unnoticed: $what"
	fi
	cat "$W/neg.err"
	check_grep "$want" "$W/neg.err"
	check_eq "$T_ASMFAIL $T_DIVERGENT" "0 0" "negative control $what: assembly failures, divergent"
	log "negative control: $what: $T_LOST lost, $T_INVALID invalid"
	T_LOST=0 T_POINTS=0 T_CHECKED=0 T_INVALID=0
}
through2=$(($("$RL" --log "$W/log.img" --find epoch2) + 1))
through3=$(($("$RL" --log "$W/log.img" --find epoch3) + 1))
negative_control "the log replayed through epoch2 only, checked against epoch3" \
	'acknowledged and flushed by epoch 3' 3 "$through2"
# A written block copied one block further on every child (a misdirected write).
misplace() {
	local i b
	b=$(awk 'NR == 1 { print $1 }' "$W/ack.0")
	for ((i = 0; i < NCHILD; i++)); do
		dd if="$W/s$i.img" of="$W/s$i.img" bs=4096 skip="$b" seek=$((b + 1)) count=1 conv=notrunc status=none
	done
}
TAMPER=misplace negative_control "a block copied to the next block's place" \
	'not a valid pattern of its own' 3 "$through3"

crash_points "$N_HEALTHY" 0.25 6

# --- a third child added (and rebuilt), then the first removed, while writing --
WORKLOAD=rebuild
children 3
new_nexus 2
check "$MC" nexus set nx0 --rebuild-rate 8
add_hook() {
	case $1 in
	2) check "$MC" nexus add nx0 /dev/mapper/lw2 ;;
	# Removed while writing (and perhaps while lw2 still copies from it):
	# crash points after this must leave lw0 out, whatever its own label.
	5) check "$MC" nexus remove nx0 /dev/mapper/lw0 ;;
	esac
}
write_epochs 6 add_hook
check wait_for all_online 120
live_check 6
check "$MC" nexus destroy nx0
close_logs
crash_points "$N_REBUILD" 0 6

# --- a child offline then online, another failing, while writing -------------
WORKLOAD=offline-fault
children 3
new_nexus 3
state_hook() {
	case $1 in
	2) check "$MC" child offline nx0 /dev/mapper/lw1 ;;
	3) check "$MC" child online nx0 /dev/mapper/lw1 ;;
	5) dm_error_swap lw2 ;;
	esac
}
write_epochs 6 state_hook
check_eq "$("$MC" -o json nexus children nx0 | jq -r '.[] | select(.path == "/dev/mapper/lw2") | .state')" faulted "lw2 after its disk failed"
live_check 6
check "$MC" nexus destroy nx0
close_logs
crash_points "$N_OFFLINE" 0 6

log "crash points: $T_POINTS tried, $T_CHECKED acknowledged writes checked, $T_LOST lost, $T_INVALID invalid blocks, $T_DIVERGENT divergent, $T_ASMFAIL assemblies failed"
check_eq "$T_LOST $T_INVALID $T_DIVERGENT $T_ASMFAIL" "0 0 0 0" "lost, invalid, divergent, failed assemblies"
[ "$T_POINTS" -ge "$POINTS" ] || _check_failed "only $T_POINTS of $POINTS crash points run"
finish
