# shellcheck shell=bash
# Guest-side library of the VM tests, sourced before every test script (and by
# guest-run). Tests run under `set -eEuo pipefail`: an unchecked failing
# command ends the test as FAIL, with the line that failed printed.
#
# Environment provided by the harness (see README.md):
#   TEST_NAME TEST_FILE PHASE PHASES KERNEL_KIND REPO VM_DIR
#   NEXUS_KO MAYASTOR_CLIENT NDISKS DISKS DISK1.. SCRATCH_DEV
#   RESULTS (the test's results dir, kept across phases) OUTDIR (this phase's)
#   NODE NODES NODE_IP NODE_IPS NET_DEV (tests with several nodes)

_lib_failures=0

# Called by guest-run before it sources the test script.
_lib_test_prelude() {
	set -eEuo pipefail
	trap '_lib_err $? "${BASH_SOURCE[0]}" "$LINENO" "$BASH_COMMAND"' ERR
}

_lib_err() {
	# With errtrace a failure is reported again by every function it
	# returns through: show the command, not each `return`.
	[[ $4 == return* ]] && return
	echo "ERROR: ${2##*/}:$3: '$4' exited $1" >&2
}

# --- reporting ---------------------------------------------------------------

log() { echo "--- $*"; }

# fail MSG: abort the test now.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip MSG: stop and report the test as skipped (exit status 77).
skip() {
	echo "SKIP: $*"
	exit 77
}

_check_failed() {
	_lib_failures=$((_lib_failures + 1))
	echo "CHECK FAILED (line ${BASH_LINENO[1]}): $*" >&2
}

# check CMD...: CMD must succeed; counts a failure otherwise and goes on.
check() {
	local rc=0
	"$@" || rc=$?
	[ "$rc" -eq 0 ] || _check_failed "$* (exit $rc)"
	return 0
}

# check_fail CMD...: CMD must fail (non-zero exit).
check_fail() {
	if "$@"; then
		_check_failed "expected failure: $*"
	fi
	return 0
}

# check_eq ACTUAL EXPECTED WHAT
check_eq() {
	[ "$1" = "$2" ] || _check_failed "${3:-value}: got '$1', expected '$2'"
	return 0
}

# check_grep PATTERN FILE: extended regex PATTERN must occur in FILE.
check_grep() {
	grep -Eq -- "$1" "$2" || _check_failed "'$1' not found in $2"
	return 0
}

# finish: end the test; FAIL if any check failed, in this phase or in an
# earlier one that ended by crash_vm (which cannot report a verdict itself).
finish() {
	local f
	for f in "${RESULTS:-/nonexistent}/crash-checks-failed.$(_lib_crash_tag)"*; do
		[ -f "$f" ] || continue
		[ "$(cat "$f")" = 0 ] && continue
		echo "${NODE_IP:+node $NODE: }phase ${f##*.} crashed with $(cat "$f") failed check(s)" >&2
		_lib_failures=$((_lib_failures + $(cat "$f")))
	done
	if [ "$_lib_failures" -ne 0 ]; then
		echo "$_lib_failures check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# udev_settle [TIMEOUT]: udevadm settle (default 60 s), the one way tests and
# the guest setup wait for udev.  systemd 252's udevd drops a control
# connection whose first message arrives between its accept() and its
# setsockopt(SO_PASSCRED) on the new socket (the message then carries no
# credentials: "No sender credentials received, ignoring message", and
# udevadm's next send fails with "Failed to wait for daemon to reply: Broken
# pipe").  A preempted udevd under TCG on a loaded host hits that window now
# and then; udevd itself is fine, so the settle is simply asked again.
# A udevd that really exited is started again, and that is said.
udev_settle() {
	local timeout=${1:-60} try err
	for try in 1 2 3; do
		err=$(udevadm settle --timeout="$timeout" 2>&1) && return 0
		echo "udev_settle: try $try: ${err:-timed out after ${timeout}s}" >&2
		if ! pgrep -x systemd-udevd >/dev/null; then
			echo "udev_settle: udevd had exited; starting it again" >&2
			/lib/systemd/systemd-udevd --daemon
		fi
		sleep 1
	done
	return 1
}

# wait_for COND [TIMEOUT]: poll the shell condition COND (a string, eval'd)
# every 0.2 s for up to TIMEOUT seconds (default 10). Returns 1 on timeout.
wait_for() {
	local cond=$1 timeout=${2:-10} i
	for ((i = 0; i < timeout * 5; i++)); do
		eval "$cond" && return 0
		sleep 0.2
	done
	echo "timed out after ${timeout}s waiting for: $cond" >&2
	return 1
}

# on_exit CMD: run CMD (a string) when the test exits, last registered first.
_lib_on_exit=
on_exit() {
	_lib_on_exit="$1${_lib_on_exit:+; $_lib_on_exit}"
	# shellcheck disable=SC2064
	trap "set +e; $_lib_on_exit" EXIT
}

# --- modules -----------------------------------------------------------------

# load_mod NAME [PARAM=VALUE...]: modprobe NAME, or accept it as built in
# (the debug kernel has every driver built in and no /lib/modules of its own).
load_mod() {
	local name=${1//-/_}
	[ -d "/sys/module/$name" ] && return 0
	modprobe "$@" 2>/dev/null && return 0
	if [ -n "${KERNEL_BUILTIN:-}" ] && [ -r "$KERNEL_BUILTIN" ] &&
		grep -Eq "/${name//_/[-_]}\.ko\$" "$KERNEL_BUILTIN"; then
		return 0
	fi
	modprobe "$@"	# once more, for its error message
}

# insmod_nexus [PARAM=VALUE...]: load the nexus.ko built for this kernel.
insmod_nexus() {
	[ -f "${NEXUS_KO:-}" ] ||
		fail "nexus.ko not available (NEXUS_KO='${NEXUS_KO:-}'); declare '# VM: needs=nexus'"
	insmod "$NEXUS_KO" "$@" || fail "insmod $NEXUS_KO failed"
}

# --- images and block devices -------------------------------------------------

# mkimg PATH SIZE: sparse image file (SIZE as for truncate: 64M, 1G). Keep
# images under /var/tmp (tmpfs: no O_DIRECT) or on scratch_fs (O_DIRECT).
mkimg() {
	mkdir -p "$(dirname "$1")"
	rm -f "$1"
	truncate -s "$2" "$1"
}

# make_loop FILE [LOSETUP-OPTS...]: attach FILE, print the loop device.
make_loop() {
	local f=$1
	shift
	load_mod loop
	losetup --find --show "$@" "$f"
}

# dev_sectors DEV: size in 512-byte sectors.
dev_sectors() { blockdev --getsz "$1"; }

# scratch_fs [MOUNTPOINT]: ext4 on the harness's scratch disk, mounted at
# MOUNTPOINT (default /var/tmp/scratch: the root is read-only), for image
# files that need O_DIRECT.
scratch_fs() {
	local mnt=${1:-/var/tmp/scratch}
	mkfs.ext4 -q -F -E lazy_itable_init=1,lazy_journal_init=1 "$SCRATCH_DEV"
	mkdir -p "$mnt"
	mount "$SCRATCH_DEV" "$mnt"
}

# fails_with STDERR ARGS...: mayastor-client ARGS exits 1 with exactly STDERR
# on stderr (a check: counts a failure and goes on).
fails_with() {
	local want=$1 rc=0
	shift
	"$MAYASTOR_CLIENT" "$@" >/var/tmp/fw.out 2>/var/tmp/fw.err || rc=$?
	check_eq "$rc" 1 "exit status of: $*"
	check_eq "$(cat /var/tmp/fw.err)" "$want" "stderr of: $*"
}

# bitmap_clean NEXUS [TIMEOUT]: wait (default 60 s) until NEXUS's write-intent
# bitmap has no region set, i.e. every child has flushed every write made so
# far.  A child taken offline before that also copies, when it comes back,
# the regions still set: it may have lost their data with its cache.
bitmap_clean() {
	wait_for "[ \"\$(\"\$MAYASTOR_CLIENT\" -o json nexus show $1 | jq -r .dirty_regions)\" = 0 ]" "${2:-60}"
}

# --- nodes and the agent -------------------------------------------------------

# pool_node_up: what a node serving replicas needs: its scratch file system
# mounted at $SCRATCH (it survives a power cut), nexus.ko, nvmet-tcp,
# dm-thin and loop.
pool_node_up() {
	mkdir -p "$SCRATCH"
	check mount "$SCRATCH_DEV" "$SCRATCH"
	insmod_nexus
	load_mod nvmet_tcp
	load_mod dm_thin_pool
	load_mod loop
}

agent_pid=
# start_agent LOG ARGS...: $AGENT (the test's mayastor-agent) in the
# background with ARGS, its lines in LOG; agent_pid its pid.
start_agent() {
	local log=$1
	shift
	"$AGENT" "$@" >"$log" 2>&1 &
	agent_pid=$!
	wait_for "grep -q 'following nexus events' '$log'" 120 ||
		fail "mayastor-agent did not start: $(cat "$log")"
}

# --- device-mapper fault injection --------------------------------------------

_dm_create() {
	load_mod dm_mod
	dmsetup create "$1" --table "$2"
	udevadm settle
}

# dm_linear NAME DEV: /dev/mapper/NAME mapping all of DEV.
dm_linear() {
	_dm_create "$1" "0 $(dev_sectors "$2") linear $2 0"
}

# dm_error_swap NAME: make every IO to NAME fail from now on (suspend, load
# an error table of the same size, resume).
dm_error_swap() {
	local n
	n=$(dmsetup table "$1" | awk '{s += $2} END {print s}')
	dmsetup suspend "$1"
	dmsetup load "$1" --table "0 $n error"
	dmsetup resume "$1"
}

# dm_linear_swap NAME DEV: NAME maps all of DEV again (suspend, load a
# linear table, resume): a device dm_error_swap failed comes back.
dm_linear_swap() {
	dmsetup suspend "$1"
	dmsetup load "$1" --table "0 $(dev_sectors "$2") linear $2 0"
	dmsetup resume "$1"
}

# dm_flakey NAME DEV UP_SECS DOWN_SECS [FEATURE...]: DEV works UP_SECS, then
# fails (or does FEATURE, e.g. drop_writes) DOWN_SECS, and so on.
dm_flakey() {
	local name=$1 dev=$2 up=$3 down=$4
	shift 4
	load_mod dm_flakey
	_dm_create "$name" "0 $(dev_sectors "$dev") flakey $dev 0 $up $down${*:+ $# $*}"
}

# dm_delay NAME DEV MS: every IO to DEV delayed by MS milliseconds.
dm_delay() {
	load_mod dm_delay
	_dm_create "$1" "0 $(dev_sectors "$2") delay $2 0 $3"
}

# dm_hold_writes NAME DEV: /dev/mapper/NAME, all of DEV, reads passed at
# once; its writes are held (dm_write_delay) until let go.
dm_hold_writes() {
	load_mod dm_delay
	_dm_create "$1" "0 $(dev_sectors "$2") delay $2 0 0 $2 0 0"
}

# dm_write_delay NAME MS: NAME (made by dm_hold_writes) holds each write MS
# ms from now on (3600000: until the next call); the table swap sends the
# writes it holds on at once (dm-delay's presuspend).
dm_write_delay() {
	local dev
	dev=$(dmsetup table "$1" | awk '{ print $4 }')
	dmsetup load "$1" --table "0 $(dev_sectors "/dev/mapper/$1") delay $dev 0 0 $dev 0 $2"
	dmsetup suspend "$1"
	dmsetup resume "$1"
}

# dm_held_writes NAME: the writes NAME's dm-delay holds now (its status:
# reads, writes, flushes held).
dm_held_writes() { dmsetup status "$1" | awk '{ print $5 }'; }

# dm_remove NAME
dm_remove() {
	dmsetup remove --retry "$1"
}

# --- NVMe over TCP (kernel nvmet target + nvme-cli host) ---------------------

NVMET=/sys/kernel/config/nvmet

# nvmet_export NQN DEV [ADDR] [SVCID] [PORTID]: export DEV as namespace 1 of
# subsystem NQN on an nvmet TCP port (created if needed).
nvmet_export() {
	local nqn=$1 dev=$2 addr=${3:-127.0.0.1} svcid=${4:-4420} portid=${5:-1}
	local s=$NVMET/subsystems/$nqn p=$NVMET/ports/$portid
	load_mod nvmet
	load_mod nvmet_tcp
	mkdir "$s"
	echo 1 >"$s/attr_allow_any_host"
	mkdir "$s/namespaces/1"
	echo "$dev" >"$s/namespaces/1/device_path"
	echo 1 >"$s/namespaces/1/enable"
	if [ ! -d "$p" ]; then
		mkdir "$p"
		echo tcp >"$p/addr_trtype"
		echo ipv4 >"$p/addr_adrfam"
		echo "$addr" >"$p/addr_traddr"
		echo "$svcid" >"$p/addr_trsvcid"
	fi
	ln -s "$s" "$p/subsystems/$nqn"
}

# nvmet_unexport NQN [PORTID]: undo nvmet_export (the port goes with its
# last subsystem).
nvmet_unexport() {
	local nqn=$1 portid=${2:-1}
	local s=$NVMET/subsystems/$nqn p=$NVMET/ports/$portid
	rm -f "$p/subsystems/$nqn"
	echo 0 >"$s/namespaces/1/enable"
	rmdir "$s/namespaces/1" "$s"
	if [ -z "$(ls "$p/subsystems")" ]; then
		rmdir "$p"
	fi
}

# nvme_connect_tcp NQN [ADDR] [SVCID]: connect and print the namespace's
# block device (/dev/nvmeXnY).
nvme_connect_tcp() {
	local nqn=$1 addr=${2:-127.0.0.1} svcid=${3:-4420}
	load_mod nvme_tcp
	nvme connect -t tcp -a "$addr" -s "$svcid" -n "$nqn" >&2
	wait_for "_nvme_ns_of '$nqn' >/dev/null" 20
	udevadm settle
	_nvme_ns_of "$nqn"
}

# _nvme_ns_of NQN: the block device of a namespace of NQN. With native NVMe
# multipath (Debian's default) it hangs off the subsystem (nvme-subsys0/
# nvme0n1) and the controller only has the hidden path device nvme0c0n1.
_nvme_ns_of() {
	local d ns
	for d in /sys/class/nvme-subsystem/* /sys/class/nvme/*; do
		[ "$(cat "$d/subsysnqn" 2>/dev/null)" = "$1" ] || continue
		for ns in "$d"/nvme*n*; do
			[ -b "/dev/${ns##*/}" ] && { echo "/dev/${ns##*/}"; return 0; }
		done
	done
	return 1
}

# --- targets of remote children (600, 601, 603, 605) ----------------------------

# pool_on_disk POOL DISK: a pool on DISK (a check), its modules loaded first.
pool_on_disk() {
	load_mod dm_thin_pool
	load_mod loop
	check "$MAYASTOR_CLIENT" pool create "$1" "$2"
}

# replica_share_nvmf POOL/NAME URIFILE SHARE-OPTION...: share the replica over
# NVMe-oF/TCP at this node's address (SHARE-OPTION: --host HOSTNQN...,
# --allow-any-host), its nvmf:// URI written to URIFILE.
replica_share_nvmf() {
	local replica=$1 urifile=$2
	shift 2
	"$MAYASTOR_CLIENT" replica share "$replica" nvmf "$@" --address "$NODE_IP" >"$urifile"
}

LIO=/sys/kernel/config/target

# lio_export IQN NAME DEV [INITIATOR...]: serve DEV as LUN 0 of the iSCSI
# target IQN (LIO through configfs: iblock backstore NAME, no
# authentication, no generated ACLs) to each INITIATOR (an ACL each;
# lio_allow adds one later), at this node's address, port 3260.  The
# portal comes last, so that an initiator logging in again (iscsid's
# session recovery while the target is configured anew) finds the target
# complete or not at all.
lio_export() {
	local iqn=$1 name=$2 dev=$3 init
	local tpg=$LIO/iscsi/$iqn/tpgt_1 bs=$LIO/core/iblock_0/$name
	shift 3
	load_mod crc32c
	load_mod target_core_mod
	load_mod target_core_iblock
	load_mod iscsi_target_mod
	mkdir -p "$bs"
	echo "udev_path=$dev" >"$bs/control"
	echo 1 >"$bs/enable"
	mkdir -p "$tpg/lun/lun_0"
	ln -s "$bs" "$tpg/lun/lun_0/$name"
	echo 0 >"$tpg/attrib/authentication"
	echo 0 >"$tpg/attrib/generate_node_acls"
	for init; do lio_allow "$iqn" "$init"; done
	echo 1 >"$tpg/enable"
	mkdir "$tpg/np/$NODE_IP:3260"
}

# lio_allow IQN INITIATOR: let INITIATOR use LUN 0 of the target IQN.
lio_allow() {
	local tpg=$LIO/iscsi/$1/tpgt_1
	mkdir -p "$tpg/acls/$2/lun_0"
	ln -s "$tpg/lun/lun_0" "$tpg/acls/$2/lun_0/lun_0"
}

# children_identical NEXUS: every child of NEXUS, as the kernel lists them
# (at least two), byte-identical to the first over the nexus's size (their
# page caches dropped first).
children_identical() {
	local size kids c
	size=$("$MAYASTOR_CLIENT" -o json nexus show "$1" | jq -r .size)
	mapfile -t kids < <("$MAYASTOR_CLIENT" -o json nexus children "$1" | jq -r '.[].path')
	check test "${#kids[@]}" -ge 2
	check blockdev --flushbufs "${kids[@]}"
	for c in "${kids[@]:1}"; do
		check cmp -n "$size" "${kids[0]}" "$c"
	done
}

# verify_mirror NEXUS FIO_OUT WHAT FIO_ARG...: fio's verify_only pass of the
# job FIO_ARG... (which wrote through /dev/NEXUS) passes, output in FIO_OUT,
# and children_identical NEXUS.
verify_mirror() {
	local nexus=$1 out=$2 what=$3
	shift 3
	fio "$@" --verify_only --output="$out" || check false "fio verify $what"
	children_identical "$nexus"
}

# fio_finished PID FIO_OUT: the fio PID running in the background (writes
# with verify, output in FIO_OUT) ended without an error, nor was there
# any IO error on /dev/nx0.
fio_finished() {
	local rc=0
	wait "$1" || rc=$?
	cat "$2"
	check_eq "$rc" 0 "fio exit status (writes and verify)"
	check_grep 'err= 0' "$2"
	check_eq "$(dmesg | grep -c 'error on dev nx0' || true)" 0 "IO errors on /dev/nx0"
}

# --- several nodes (# VM: nodes=N) -------------------------------------------

# barrier NAME [TIMEOUT]: wait until every node has reached barrier NAME
# (files in the results dir, which all VMs share uncached over 9p).
barrier() {
	local name=$1 timeout=${2:-120} k
	: >"$RESULTS/barrier.$name.$NODE"
	for ((k = 1; k <= NODES; k++)); do
		wait_for "[ -e '$RESULTS/barrier.$name.$k' ]" "$timeout" ||
			fail "barrier $name: node $k did not arrive"
	done
}

# link_down [K]: take node K's link (default: this node's) down at the hub:
# its frames to and from every node are dropped, a partition, until
# link_up K.  Returns once the hub applies it (its hub.down file says so).
link_down() {
	: >"$RESULTS/link-down.${1:-$NODE}"
	_hub_applied "${1:-$NODE}" down
}

# link_up [K]: undo link_down K.
link_up() {
	rm -f "$RESULTS/link-down.${1:-$NODE}"
	_hub_applied "${1:-$NODE}" up
}

_hub_applied() {
	local k=$1 want=$2
	wait_for '_hub_link_is "$k" "$want"' 10 || fail "the hub did not take node $k's link $want"
}

_hub_link_is() {
	local down
	down=" $(cat "$RESULTS/hub.down") "
	if [ "$2" = down ]; then [[ $down == *" $1 "* ]]; else [[ $down != *" $1 "* ]]; fi
}

# ping_ok IP: one ping answered within 2 s (busybox: the host has no ping).
ping_ok() {
	busybox ping -c 1 -W 2 "$1" >/dev/null 2>&1
}

# power_cycle: cut this node's power now (crash_vm: no sync, the disks keep
# what reached them); the harness boots the node again on the same disks as
# its next phase (PHASE+1, up to the header's phases=N) while the other
# nodes keep running, and it joins the hub again as node NODE.
power_cycle() {
	crash_vm
}

# remote_fault_under_fio TAG MAX_MS WHAT FIO_OUT FIO_ARG...: run fio (writes
# with verify) on this node while another node takes the remote child's
# target away (barriers writing$TAG and down$TAG); the child, as the
# test's remote_state prints it, must be FAULTED within MAX_MS (written to
# $RESULTS/fault$TAG-ms; watched for twice that, at least 60 s), and fio
# must finish without an error, nor any IO error on /dev/nx0.
remote_fault_under_fio() {
	local tag=$1 max_ms=$2 what=$3 out=$4 fio_pid t0 t1 ms watch
	shift 4
	watch=$((max_ms / 500))
	[ "$watch" -ge 60 ] || watch=60
	fio "$@" --output="$out" &
	fio_pid=$!
	sleep 3
	barrier "writing$tag"
	barrier "down$tag"
	t0=$(date +%s%N)
	wait_for '[ "$(remote_state)" = faulted ]' "$watch" || true
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	log "$what faulted $ms ms after its target went"
	echo "$ms" >"$RESULTS/fault$tag-ms"
	check_eq "$(remote_state)" faulted "$what state"
	check test "$ms" -le "$max_ms"
	fio_finished "$fio_pid" "$out"
}

# --- crash tests ----------------------------------------------------------------

# _lib_crash_tag: what names this node's crash files among the nodes' (none
# when there is one node: the names stay what they were).
_lib_crash_tag() {
	[ "${NODES:-1}" -le 1 ] || echo "node$NODE."
}

# crash_vm: reset the VM now, like a power cut (the virtio disks keep what
# reached them). In a test declaring `# VM: phases=N` the harness then boots
# the next phase on the same disks. dmesg is saved first: it is lost after.
crash_vm() {
	dmesg >"$OUTDIR/dmesg.txt" 2>&1 || true
	# The harness takes a crash as the planned end of the phase: its
	# failed checks are counted by the next phase's finish.
	echo "$_lib_failures" >"$RESULTS/crash-checks-failed.$(_lib_crash_tag)$PHASE"
	# No sync: unwritten data must be lost as in a real crash. The marker
	# goes straight to the host (9p without cache).
	: >"$OUTDIR/crashed"
	echo b >/proc/sysrq-trigger
	sleep 60
	fail "the VM survived sysrq-b"
}
