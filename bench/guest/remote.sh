# shellcheck shell=bash disable=SC2034,SC2016
# Two-node mirrors: fio 4k randread and randwrite at QD1 and QD32 on node 2
# against a mirror of a local device and node 1's device, as the nexus
# (a local child and an nvmf:// child), md raid1 (the same local device
# and the same NVMe/TCP namespace) and DRBD (protocol C between the two
# nodes, each over its own device) do it, with node 2's device alone and
# the NVMe/TCP namespace alone for scale.  Every node has one brd RAM disk
# of the same size, the same device for every config.  Node 1 serves (the
# nvmet export, its DRBD peer), node 2 measures.  Prints medians and
# ratios; never fails on low figures, only when a job or a setup step
# errors.  Run by bench/run (bench/run remote), or directly:
# tests/vm/run --keep bench/guest/remote.sh
# VM: nodes=2 needs=nexus kernel=std,std612 timeout=7200 mem=2048 smp=1

# shellcheck source=../lib/bench.sh
. "$REPO/bench/lib/bench.sh"

# brd on both nodes (see mirror.sh): the device costs next to nothing, so
# what is measured is each product's path and the network between the VMs.
DEV_MB=${BENCH_DEV_MB:-256}
RAM0=/dev/ram0
SERVER=10.99.0.1
NQN=nqn.2026-12.io.nexus:bench-remote
# The nexus connects its nvmf:// child with these (the agent's defaults,
# docs/remote-children.md); md and the namespace alone are connected by
# hand with the same (but fast_io_fail_tmo, which nvme-cli 2.3 does not
# set and which matters only once a connection fails), so all three use
# the same kind of controller: its queues are logged for each config.
URI=nvmf://$SERVER:4420/$NQN
NVME_OPTS=(--ctrl-loss-tmo=30 --reconnect-delay=2 --keep-alive-tmo=3)
DRBD_CONF=/var/tmp/drbd-bench.conf
DRBD_RES=bench
BENCH_BACKING="brd, one ${DEV_MB} MiB RAM disk on each node (modprobe brd rd_nr=1 rd_size=$((DEV_MB * 1024))), fully written before the first job; node 1's exported with nvmet over TCP (10.99.0.1:4420) and connected on node 2 with nvme-tcp; the nodes are two QEMU VMs linked by the harness's hub"

load_mod brd rd_nr=1 rd_size=$((DEV_MB * 1024))
bench_wait_dev $RAM0
[ "$(blockdev --getsize64 $RAM0)" = $((DEV_MB << 20)) ] ||
	fail "$RAM0 is not ${DEV_MB} MiB (brd loaded earlier with other parameters?)"
# Unwritten brd pages read as zeroes without a page lookup (see mirror.sh).
dd if=/dev/zero of=$RAM0 bs=1M count="$DEV_MB" oflag=direct status=none

# DRBD 8.4 (the kernel's own module; drbd-utils' drbdadm hands 8.4 kernels
# to its drbdadm-84).  Its defaults but for usage-count: protocol C,
# internal metadata at the end of the same RAM disk (as the nexus keeps its
# label and bitmap at the end of each child), the activity log of 1237
# 4 MiB extents, which covers the 200 MiB fio uses, and reads from the
# local disk (read-balancing prefer-local).  floating: each node finds its
# section by its own address.
cat >$DRBD_CONF <<EOF
global { usage-count no; }
resource $DRBD_RES {
	net { protocol C; }
	floating ipv4 10.99.0.1:7789 { device /dev/drbd0; disk $RAM0; meta-disk internal; }
	floating ipv4 10.99.0.2:7789 { device /dev/drbd0; disk $RAM0; meta-disk internal; }
}
EOF
command -v drbdadm >/dev/null || fail "no drbdadm on the host (apt-get install drbd-utils, see .ci/packages.txt)"
load_mod drbd
drbd() { drbdadm -c $DRBD_CONF "$@"; }
# A fresh metadata block each time (--force: the RAM disk's end holds an
# earlier one, or a nexus label), with no bitmap to resync from.
drbd_create_md() {
	drbd -- --force create-md $DRBD_RES >"$OUTDIR/drbd-create-md.log" 2>&1 ||
		fail "drbdadm create-md failed: $(tail -n 5 "$OUTDIR/drbd-create-md.log")"
}
drbd_down() {
	drbd down $DRBD_RES
	# Or the next config's device would carry DRBD's metadata.
	dd if=/dev/zero of=$RAM0 bs=1M seek=$((DEV_MB - 1)) count=1 oflag=direct status=none
}

# --- node 1: the target and the DRBD peer -----------------------------------------

if [ "$NODE" = 1 ]; then
	nvmet_export "$NQN" $RAM0 $SERVER 4420
	NS_ENABLE=$NVMET/subsystems/$NQN/namespaces/1/enable
	# DRBD holds the disk exclusively meanwhile: the namespace is off.
	srv_drbd_up() {
		echo 0 >"$NS_ENABLE"
		drbd_create_md
		drbd up $DRBD_RES
	}
	srv_drbd_down() {
		drbd_down
		echo 1 >"$NS_ENABLE"
	}
fi

# --- node 2: the configs (cfg_NAME_up sets BENCH_DEV; cfg_NAME_down undoes it) ----

NS=''
# remote_connect: connect the namespace as the nexus would; NS is its device.
remote_connect() {
	load_mod nvme_tcp
	nvme connect -t tcp -a $SERVER -s 4420 -n "$NQN" "${NVME_OPTS[@]}" >/dev/null
	wait_for "_nvme_ns_of '$NQN' >/dev/null" 30 || fail "no namespace of $NQN"
	udev_settle
	NS=$(_nvme_ns_of "$NQN")
	remote_show
}
# remote_show: the controller's parameters and the IO its namespace did
# since it was connected (the multipath head keeps no statistics: those of
# its path, nvmeXcYnZ), so where a mirror's reads went.
remote_show() {
	local c p
	for c in /sys/class/nvme/nvme*; do
		[ "$(cat "$c/subsysnqn")" = "$NQN" ] || continue
		echo "    ${c##*/}: $(cat "$c/transport") $(cat "$c/address"), $(cat "$c/queue_count") queues of $(($(cat "$c/sqsize") + 1)), kato $(cat "$c/kato")"
		for p in "$c"/nvme*n*; do
			[ -f "$p/stat" ] || continue
			echo "    ${p##*/}: $(awk '{print "reads " $1 ", writes " $5}' "$p/stat")"
		done
	done
}
# remote_disconnect: no controller of NQN left (the nexus's destroy may
# have disconnected it already).
remote_disconnect() {
	[ -n "$(_nvme_ns_of "$NQN" 2>/dev/null)" ] && nvme disconnect -n "$NQN" >/dev/null
	wait_for "! _nvme_ns_of '$NQN' >/dev/null" 30 || fail "$NQN still connected"
	NS=''
}

# Node 2's RAM disk alone: the reads' ceiling.
cfg_local_up() { BENCH_DEV=$RAM0; }
cfg_local_down() { :; }

# The NVMe/TCP namespace alone: no mirror writes faster.
cfg_nvme_up() {
	remote_connect
	BENCH_DEV=$NS
}
cfg_nvme_down() {
	remote_show
	remote_disconnect
}

# The nexus: the local RAM disk and node 1's through its nvmf:// child (as
# the product makes a remote child: the agent connects the controller).
# Its defaults: bitmap on, reads to the child with the fewest in flight.
cfg_nexus_up() {
	local state
	# --force: the RAM disks carry the label of the previous round's nexus.
	"$MAYASTOR_CLIENT" nexus create --force nxr $RAM0 "$URI" >/dev/null
	bench_wait_dev /dev/nxr
	state=$("$MAYASTOR_CLIENT" -o json nexus show nxr | jq -r .state)
	[ "$state" = online ] || fail "nexus nxr is $state, not online"
	NS=$("$MAYASTOR_CLIENT" -o json nexus children nxr | jq -r '.[] | select(.path | startswith("/dev/nvme")) | .path')
	[ -b "$NS" ] || fail "no nvme child in nexus nxr"
	remote_show
	BENCH_DEV=/dev/nxr
}
cfg_nexus_down() {
	local state
	# Where the reads went: the children's counters.
	"$MAYASTOR_CLIENT" nexus children nxr | sed 's/^/    /'
	remote_show
	state=$("$MAYASTOR_CLIENT" -o json nexus show nxr | jq -r .state)
	[ "$state" = online ] || fail "nexus nxr is $state after the jobs"
	"$MAYASTOR_CLIENT" nexus destroy nxr >/dev/null
	remote_disconnect
}

# Not in the default run (bench/run --configs): the nexus without its
# bitmap, md with an internal one, to tell the bitmaps' part in writes.
cfg_nexusnb_up() {
	local state
	"$MAYASTOR_CLIENT" nexus create --force --no-bitmap nxr $RAM0 "$URI" >/dev/null
	bench_wait_dev /dev/nxr
	state=$("$MAYASTOR_CLIENT" -o json nexus show nxr | jq -r .state)
	[ "$state" = online ] || fail "nexus nxr is $state, not online"
	remote_show
	BENCH_DEV=/dev/nxr
}
cfg_nexusnb_down() { cfg_nexus_down; }

# md raid1 over the same two devices, local first (md reads from the first
# idle mirror: with brd's synchronous completions, the local one), mdadm's
# defaults: metadata 1.2 and, on arrays under 100 GiB, no write-intent
# bitmap (checked and logged).  --assume-clean: no initial resync.
cfg_md_up() {
	remote_connect
	mdadm --create /dev/md100 --run --quiet --level=1 --raid-devices=2 \
		--assume-clean "${MD_BITMAP[@]}" $RAM0 "$NS"
	bench_wait_dev /dev/md100
	grep -A1 '^md100' /proc/mdstat | grep -c '\[UU\]' >/dev/null ||
		fail "md100 is not a clean 2-way mirror: $(cat /proc/mdstat)"
	echo "    md100: bitmap $(cat /sys/block/md100/md/bitmap/location 2>/dev/null || echo none)"
	BENCH_DEV=/dev/md100
}
cfg_mdbm_up() {
	MD_BITMAP=(--bitmap=internal)
	cfg_md_up
	MD_BITMAP=()
}
cfg_mdbm_down() { cfg_md_down; }
MD_BITMAP=()
cfg_md_down() {
	remote_show
	grep -A1 '^md100' /proc/mdstat | grep -c '\[UU\]' >/dev/null ||
		fail "md100 is not a clean 2-way mirror after the jobs: $(cat /proc/mdstat)"
	mdadm --stop /dev/md100 >/dev/null 2>&1
	# Or udev would assemble it again on the next change event.
	mdadm --zero-superblock $RAM0 "$NS"
	udev_settle
	remote_disconnect
}

# DRBD protocol C: node 2 Primary, node 1 (srv_drbd_up) Secondary.  The
# initial sync is skipped: both sides' fresh metadata is marked UpToDate
# with a new current UUID and a clear bitmap once connected.
drbd_state() { echo "$(drbd role $DRBD_RES) $(drbd cstate $DRBD_RES) $(drbd dstate $DRBD_RES)"; }
cfg_drbd_up() {
	drbd_create_md
	drbd up $DRBD_RES
	wait_for '[ "$(drbd cstate $DRBD_RES)" = Connected ]' 120 ||
		fail "DRBD did not connect: $(drbd_state)"
	drbd -- --clear-bitmap new-current-uuid $DRBD_RES
	drbd primary $DRBD_RES
	wait_for '[ "$(drbd_state)" = "Primary/Secondary Connected UpToDate/UpToDate" ]' 30 ||
		fail "DRBD is $(drbd_state), not Primary/Secondary Connected UpToDate/UpToDate"
	echo "    drbd0: $(drbd_state)"
	bench_wait_dev /dev/drbd0
	BENCH_DEV=/dev/drbd0
}
cfg_drbd_down() {
	local st
	st=$(drbd_state)
	echo "    drbd0: $st"
	[ "$st" = "Primary/Secondary Connected UpToDate/UpToDate" ] ||
		fail "DRBD is $st after the jobs"
	drbd secondary $DRBD_RES
	drbd_down
}

# --- run --------------------------------------------------------------------------

CONFIGS="local nvme nexus md drbd"
LABELS="local=local-ram nvme=nvme-tcp nexus=nexus md=md-raid1 drbd=drbd nexusnb=nexus-nobitmap mdbm=md-bitmap"
JOBS="randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd1 randwrite-4k-qd32"
RATIOS="nexus/drbd nexus/md nexus/nvme"
TARGETS="nexus/drbd>=1.0 nexus/md>=1.0"
BENCH_NOTE="IOPS rows: fio's IOPS on node 2; lat- rows: fio's mean latency (submission to completion) in microseconds; cpu- rows: node 2's CPU (all of it: fio, the kernel, its threads and softirqs, from /proc/stat) per IO in microseconds.  For lat- and cpu- rows lower is better (the ratio columns divide them the same way).  Node 1 serves its RAM disk (nvmet) or is DRBD's Secondary."
# Node 2's CPU per IO: under --icount its instructions, which the host's
# load does not move, while IOPS and latency also hold the real time that
# node 2 waits for node 1 and the network.
BENCH_CPU=1

# lat_samples: each fio run's mean latency as a lat-JOB sample.
lat_samples() {
	local f r c j dir
	for f in "$RESULTS"/fio/r*.json; do
		IFS=- read -r r c j <<<"$(basename "$f" .json)"
		case $j in *read*) dir="read" ;; *) dir="write" ;; esac
		printf '%s\t%s\tlat-%s\t%s\tus\n' "${r#r}" "$c" "$j" \
			"$(jq -r ".jobs[0].$dir.lat_ns.mean / 1000" "$f")" >>"$BENCH_SAMPLES"
	done
}

case $NODE in
1)
	log "remote benchmark, node 1: serving $RAM0 as $URI and as DRBD's peer"
	bench_serve "$CONFIGS"
	nvmet_unexport "$NQN"
	;;
2)
	insmod_nexus
	on_exit 'rmmod nexus'
	load_mod md_mod
	load_mod raid1
	load_mod nvme_tcp
	log "remote benchmark: $BENCH_ROUNDS round(s), ${BENCH_RUNTIME}s + ${BENCH_RAMP}s ramp per job, size $BENCH_SIZE"
	bench_rounds "$CONFIGS" "$JOBS"
	lat_samples
	sel=${BENCH_JOBS:-$JOBS}
	BENCH_JOBS=
	bench_summarize "Two-node mirrors (fio on node 2)" "$LABELS" \
		"$sel $(sed 's/[^ ]*/lat-&/g' <<<"$sel") $(sed 's/[^ ]*/cpu-&/g' <<<"$sel")" \
		"$RATIOS" "$TARGETS"
	;;
esac
