# Children anywhere, on three nodes (issue 11).  Nodes 1 (A) and 2 (B)
# each have a pool and a thick 160 MiB replica shared over NVMe-oF/TCP to
# node 3 (C) only (B's own host NQN is refused: exact error, no controller
# left); their state files are on their scratch disks, which survive a
# power cut.  C mirrors the two replicas (`nexus create nx0 nvmf://A...
# nvmf://B...`, keep_alive_tmo=10: see below) with mayastor-agent running
# (reconnects after 1 s, backoff up to 4 s).  A 32 MiB pattern is
# written; then fio writes 8 MiB with verify while A is powered off
# (`power_cycle`, no sync): no fio error, no IO error on nx0, A's child
# FAULTED (io-error) within 90 s of the power-off barrier (a silent
# target, docs/remote-children.md: 4 x keep_alive_tmo + 2 + 2 = 44 s,
# doubled for the guests' late timers as 600 does), the nexus DEGRADED,
# the agent says the child is lost.  A boots again (phase 2) and
# `mayastor-agent --restore-only` (the restore the unit's daemon makes at
# boot, once; its state file on the scratch disk) imports the pool and
# shares the replica again, same URI, to C only; C's agent brings A's
# child back by itself: its line and the kernel's rebuild total agree and
# say that only the regions fio wrote were copied (at least 1, at most
# fio's 2 of the nexus's ~39).  fio's data verifies and the children are byte-identical
# over the nexus's size.  Then B is powered off the same way while fio
# writes another 8 MiB: B's child FAULTED within 90 s, and from A alone
# the first fio's data verifies and the pattern reads back byte for byte;
# B comes back and is rebuilt the same way (only the second fio's
# regions); fio verifies, the children are identical, and each holds the
# pattern; destroy leaves no controller.  Last, the seed's three-child
# example from the CLI across nodes: on C, nexus0 over an aio:// image
# on C, an iscsi:// LUN of an LIO target on A (allowed for C's initiator
# only) and an nvmf:// namespace of a replica of B; 16 MiB of random data
# written through it reads back, each child holds it and the three are
# byte-identical over the nexus's size; destroy leaves no nexus,
# controller, iSCSI session, node record or loop device.
# Why keep_alive_tmo=10 (and NOP-Outs every 10 s for the LUN): three TCG
# guests on a 2-core host shared with other VM suites (load 12) saw
# keep-alive round trips of up to 3.7 s, and with the default 3 s both
# children of nx0 faulted before anything was powered off.
# VM: nodes=3 phases=2 disks=1 disk_size=512M needs=nexus timeout=2400 check_kernels=std

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
AGENT=$REPO/agent/mayastor-agent
A=10.99.0.1
IQN=iqn.2024-01.io.nexus:node-a.r2
# C's own iSCSI initiator name, which A allows.
INIT_C=iqn.2024-01.io.nexus:node-c
MIB=1048576
SCRATCH=/var/tmp/scratch
# The remote children's timeouts (above).
NVMF_Q='?keep_alive_tmo=10'
ISCSI_Q='?noop_out_interval=10&noop_out_timeout=10&replacement_timeout=30'
# A's and B's state files survive their power cut on the scratch disk
# (/var/lib is a tmpfs in the guests); C is never powered off.
if [ "$NODE" = 3 ]; then
	export MAYASTOR_STATE_FILE=/var/lib/mayastor/agent.json
else
	export MAYASTOR_STATE_FILE=$SCRATCH/state/agent.json
fi

nctrls() { { ls /sys/class/nvme 2>/dev/null || true; } | wc -l; }
sessions() { { ls /sys/class/iscsi_session 2>/dev/null || true; } | wc -l; }
records() { { iscsiadm -m node 2>/dev/null || true; } | wc -l; }

# ---- nodes A and B ------------------------------------------------------------

# target_first_boot POOL: POOL on the disk, replica POOL/r1 shared to C
# (its URI in $RESULTS/uri_POOL).
target_first_boot() {
	local p=$1
	scratch_fs "$SCRATCH"
	barrier hosts
	pool_on_disk "$p" "$DISK1"
	check mc replica create "$p" r1 --size 160
	replica_share_nvmf "$p/r1" "$RESULTS/uri_$p" --host "$(cat "$RESULTS/hostnqn_c")"
	# What the node set up long before a real power cut is on its disks.
	sync
	barrier shared
}

# target_restore POOL: after the power cut, as at boot: the agent imports
# the pool and shares its replica again (from its LV tags), to C only.
target_restore() {
	local p=$1 log=$RESULTS/restore-$1.log rc=0
	check test -f "$RESULTS/node$NODE/crashed"
	pool_node_up
	"$AGENT" --restore-only >"$log" 2>&1 || rc=$?
	cat "$log"
	check_eq "$rc" 0 "exit status of mayastor-agent --restore-only"
	check_grep "^mayastor-agent: restoring 1 pools and 0 nexuses from $MAYASTOR_STATE_FILE\$" "$log"
	check_grep "^mayastor-agent: pool $p: (imported|present)\$" "$log"
	check_eq "$(mc -o json replica list | jq -r '.[] | select(.name == "r1") | .uri')" \
		"$(cat "$RESULTS/uri_$p")" "URI of r1 shared again"
	check_eq "$(mc -o json replica list | jq -c '.[] | select(.name == "r1") | .allowed_hosts')" \
		"[\"$(cat "$RESULTS/hostnqn_c")\"]" "hosts allowed to r1 again"
}

node_a_before() {
	target_first_boot pa
	barrier writingA 900
	barrier downA
	log "A: powering off"
	power_cycle
}

node_a_after() {
	barrier faultedA 900
	target_restore pa
	barrier backA
	barrier writingB 1200
	barrier downB
	barrier faultedB 900
	barrier backB 900
	log "A: LUN 0 of $IQN, a new replica, for C's initiator only"
	check mc replica create pa r2 --size 64
	lio_export "$IQN" r2 /dev/pa/r2 "$(cat "$RESULTS/iqn_c")"
	barrier seed-targets 900
	barrier done 1200
}

node_b_before() {
	local uri
	insmod_nexus
	target_first_boot pb
	load_mod nvme_tcp
	uri=$(cat "$RESULTS/uri_pa")
	log "B: A's replica refuses B"
	fails_with "mayastor-client: nexus create nxb: child $uri: the target at $A port 4420 refused to connect: it exports no subsystem ${uri##*/}, or this host ($(cat /etc/nvme/hostnqn)) is not allowed to use it" \
		nexus create nxb "$uri"
	check_eq "$(nctrls)" 0 "controllers left on B"
	barrier writingA 900
	barrier downA
	barrier faultedA 900
	barrier backA 900
	barrier writingB 1200
	barrier downB
	log "B: powering off"
	power_cycle
}

node_b_after() {
	barrier faultedB 900
	target_restore pb
	barrier backB
	log "B: a new replica for the seed's example, to C only"
	check mc replica create pb r2 --size 64
	replica_share_nvmf pb/r2 "$RESULTS/uri_pb2" --host "$(cat "$RESULTS/hostnqn_c")"
	barrier seed-targets 900
	barrier done 1200
}

# ---- node C -------------------------------------------------------------------

child_json() { mc nexus children "${1:-nx0}" -o json; }
# child_of MEMBER FIELD: FIELD of nx0's child that is member MEMBER (a UUID).
child_of() { child_json | jq -r --arg u "$1" ".[] | select(.uuid == \$u) | .$2"; }
nshow() { mc -o json nexus show "$1" | jq -r "$2"; }
total_of() { mc -o json rebuild progress nx0 "$1" | jq -r .total; }
# The child remote_fault_under_fio (lib.sh) watches: member $LOST.
remote_state() { child_of "$LOST" state; }
# ere TEXT: TEXT as an extended regex (a URI: its dots and query's "?").
ere() {
	local s=${1//./\\.}
	echo "${s//\?/\\?}"
}
# regions_of OFFSET SIZE: how many regions bytes OFFSET to OFFSET+SIZE touch.
regions_of() { echo $((($1 + $2 - 1) / RS - $1 / RS + 1)); }
# copied LINE: R of "copying R of T regions" in the agent's line.
copied() { sed -n 's/.*copying \([0-9]*\) of \([0-9]*\) regions.*/\1/p' <<<"$1"; }


# fio_job NAME OFFSET_MIB: a fio job writing 8 MiB of nx0 from OFFSET_MIB
# at random with verify, one argument a line.
fio_job() {
	printf '%s\n' --name="$1" --filename=/dev/nx0 --rw=randwrite --bs=4k \
		--direct=1 --ioengine=libaio --iodepth=4 --offset="$2M" --size=8M \
		--randrepeat=1 --rate_iops=50 --verify=crc32c --verify_fatal=1
}
mapfile -t JOB_A < <(fio_job A 0)

# outage NODE MEMBER URI OFFSET_MIB: NODE (A or B) is powered off while
# fio writes 8 MiB from OFFSET_MIB with verify; it comes back and C's agent
# brings its child back, copying only the regions fio wrote.
outage() {
	local who=$1 m=$2 uri=$3 off=$4 line path total r max job
	mapfile -t job < <(fio_job "$who" "$off")
	LOST=$m
	check wait_for '[ "$(nshow nx0 .dirty_regions)" = 0 ]' 60
	log "$who: fio with verify while $who is powered off"
	remote_fault_under_fio "$who" 90000 "$who's child" "$RESULTS/fio$who.txt" "${job[@]}"
	check_eq "$(nshow nx0 .state)" degraded "nexus state with $who's child faulted"
	check_eq "$(child_of "$m" reason)" io-error "reason of $who's child"
	check wait_for "grep -q '^mayastor-agent: reconnect nx0 member $m ($uri): lost (faulted, io-error); first attempt in 1 s$' '$AGENT_LOG'" 60
	if [ "$who" = B ]; then
		log "B: from A alone, what was written before is there"
		fio "${JOB_A[@]}" --verify_only --output="$RESULTS/fioA-verify-from-a.txt" ||
			check false "fio verify of the first fio's data from A alone"
		check cmp /var/tmp/pattern <(dd if=/dev/nx0 bs=1M skip=64 count=32 iflag=direct status=none)
	fi
	# A power cut and a boot take a while under TCG.
	barrier "faulted$who" 600
	barrier "back$who" 900
	check wait_for "grep -q 'reconnect nx0 member $m .*: attempt [0-9]* succeeded' '$AGENT_LOG'" 300
	check wait_for '[ "$(nshow nx0 .state)" = online ]' 300
	cat "$AGENT_LOG"
	line=$(grep "reconnect nx0 member $m .*succeeded" "$AGENT_LOG" || true)
	check_grep "^mayastor-agent: reconnect nx0 member $m \($(ere "$uri")\): attempt ([2-9]|[1-9][0-9]+) succeeded: back on /dev/nvme[0-9]+n[0-9]+ \(was faulted, io-error\), copying [0-9]+ of $NREG regions \([0-9.]+[KMG]iB\) written while it was away$" "$AGENT_LOG"
	check_eq "$(child_of "$m" state)" online "$who's child after its return"
	path=$(child_of "$m" path)
	total=$(total_of "$path")
	r=$(copied "$line")
	max=$(regions_of $((off * MIB)) $((8 * MIB)))
	log "$who: its child came back as $path; the agent copied $r of $NREG regions ($total bytes); fio wrote $max regions"
	echo "$who $r $NREG" >>"$RESULTS/regions"
	check_eq "$total" $((${r:-0} * RS)) "rebuild total of $who's child"
	check test "${r:-0}" -ge 1
	check test "${r:-999}" -le "$max"
	check_grep "nx0: child $path back as member [0-9]+ \(bitmap regions\)" <(dmesg)
	verify_mirror nx0 "$RESULTS/fio$who-verify.txt" "after $who's child came back" "${job[@]}"
}

# seed_example: nexus0 over an image on C, a LUN on A and a namespace on B.
seed_example() {
	local aio="aio://$SCRATCH/c.img?blk_size=512"
	local iscsi="iscsi://$A/$IQN/0$ISCSI_Q" nvmf loops0 p
	nvmf=$(cat "$RESULTS/uri_pb2")$NVMF_Q
	scratch_fs "$SCRATCH"
	mkimg "$SCRATCH/c.img" 64M
	load_mod iscsi_tcp
	load_mod crc32c
	loops0=$(losetup -a | wc -l)
	log "the seed's example: nexus0 over $aio $iscsi $nvmf"
	check mc nexus create nexus0 "$aio" "$iscsi" "$nvmf"
	check_eq "$(child_json nexus0 | jq -r '[.[].state] | join(" ")')" "online online online" "nexus0's children"
	check_eq "$(nshow nexus0 .state)" online "nexus0 state"
	# The iscsi:// child is recorded as the session says (no query), the
	# nvmf:// one with its timeouts that are not the defaults.
	check_eq "$(jq -c '.nexuses[] | select(.name == "nexus0") | .children' "$MAYASTOR_STATE_FILE")" \
		"[\"$SCRATCH/c.img\",\"iscsi://$A:3260/$IQN/0\",\"$nvmf\"]" "nexus0's recorded children"
	check_eq "$(sessions) $(nctrls)" "1 1" "iSCSI sessions and NVMe controllers"
	dd if=/dev/urandom of=/var/tmp/pattern2 bs=1M count=16 status=none
	check dd if=/var/tmp/pattern2 of=/dev/nexus0 bs=1M seek=8 oflag=direct status=none
	check cmp /var/tmp/pattern2 <(dd if=/dev/nexus0 bs=1M skip=8 count=16 iflag=direct status=none)
	children_identical nexus0
	# The children's data starts at offset 0 (602): each holds it there.
	for p in $(child_json nexus0 | jq -r '.[].path'); do
		check cmp -n $((16 * MIB)) /var/tmp/pattern2 "$p" --ignore-initial=0:$((8 * MIB))
	done
	check mc nexus destroy nexus0
	# A loop device goes when its last opener closes it (autoclear).
	wait_for '[ "$(losetup -a | wc -l)" = "$loops0" ] && [ "$(nctrls)" = 0 ] && [ "$(sessions)" = 0 ]' 30 || true
	check_eq "$(mc nexus list -o json | jq length)" 0 "nexuses left"
	check test ! -e /dev/nexus0
	check_eq "$(nctrls)" 0 "NVMe controllers left"
	check_eq "$(sessions)" 0 "iSCSI sessions left"
	check_eq "$(records)" 0 "iSCSI node records left"
	check_eq "$(losetup -a | wc -l)" "$loops0" "loop devices left"
	check_eq "$(losetup -j "$SCRATCH/c.img")" "" "loop device of c.img left"
	check_eq "$(jq '.nexuses | length' "$MAYASTOR_STATE_FILE")" 0 "nexuses in the state file"
}

node_c() {
	local uri_a uri_b ma mb pa pb u
	AGENT_LOG=$RESULTS/agent.log
	insmod_nexus bitmap_grace_ms=300
	load_mod nvme_tcp
	load_mod loop
	# This node's own NVMe host NQN and iSCSI initiator name (the guests
	# would otherwise share the host's), which A and B allow.  iscsid is
	# not running yet: the first iscsi:// child starts it, with this name.
	mkdir -p /etc/nvme /etc/iscsi
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "nqn.2014-08.org.nvmexpress:uuid:$u" >/etc/nvme/hostnqn
	echo "$u" >/etc/nvme/hostid
	echo "InitiatorName=$INIT_C" >/etc/iscsi/initiatorname.iscsi
	cp /etc/nvme/hostnqn "$RESULTS/hostnqn_c"
	echo "$INIT_C" >"$RESULTS/iqn_c"
	barrier hosts
	barrier shared 600
	uri_a=$(cat "$RESULTS/uri_pa")$NVMF_Q
	uri_b=$(cat "$RESULTS/uri_pb")$NVMF_Q
	log "nx0 over $uri_a and $uri_b"
	check mc nexus create nx0 "$uri_a" "$uri_b"
	check_eq "$(nctrls)" 2 "controllers"
	check_eq "$(cat /sys/class/nvme/nvme*/kato | tr '\n' ' ')" "10 10 " "the controllers' keep_alive_tmo"
	check_eq "$(jq -c '.nexuses[0].children' "$MAYASTOR_STATE_FILE")" "[\"$uri_a\",\"$uri_b\"]" "recorded children"
	ma=$(jq -r '.nexuses[0].members[0]' "$MAYASTOR_STATE_FILE")
	mb=$(jq -r '.nexuses[0].members[1]' "$MAYASTOR_STATE_FILE")
	check_eq "$(child_of "$ma" state) $(child_of "$mb" state)" "online online" "children"
	check_eq "$(nshow nx0 .state)" online "nexus state"
	SIZE=$(nshow nx0 .size)
	RS=$(nshow nx0 .region_size)
	NREG=$(((SIZE + RS - 1) / RS))
	log "nx0: $SIZE bytes, $NREG regions of $RS bytes; A is member $ma, B $mb"
	check test "$NREG" -ge 32
	start_agent "$AGENT_LOG" --reconnect-delay 1 --reconnect-max-delay 4
	check_grep '^mayastor-agent: reconnecting lost remote children: first attempt after 1 s, then up to every 4 s, never giving up$' "$AGENT_LOG"
	dd if=/dev/urandom of=/var/tmp/pattern bs=1M count=32 status=none
	check dd if=/var/tmp/pattern of=/dev/nx0 bs=1M seek=64 oflag=direct status=none

	outage A "$ma" "$uri_a" 0
	outage B "$mb" "$uri_b" 16

	log "both replicas hold the pattern and the first fio's data"
	pa=$(child_of "$ma" path)
	pb=$(child_of "$mb" path)
	check blockdev --flushbufs "$pa" "$pb"
	check cmp -n $((32 * MIB)) /var/tmp/pattern "$pa" --ignore-initial=0:$((64 * MIB))
	check cmp -n $((32 * MIB)) /var/tmp/pattern "$pb" --ignore-initial=0:$((64 * MIB))
	fio "${JOB_A[@]}" --verify_only --output="$RESULTS/fioA-verify-end.txt" ||
		check false "fio verify of the first fio's data at the end"
	check_eq "$(jq -c '.nexuses[0].children' "$MAYASTOR_STATE_FILE")" "[\"$uri_a\",\"$uri_b\"]" \
		"recorded children after the reconnects"
	kill "$agent_pid"
	check wait "$agent_pid"
	check mc nexus destroy nx0
	wait_for '[ "$(nctrls)" = 0 ]' 30 || true
	check_eq "$(nctrls)" 0 "controllers after destroying nx0"
	barrier seed-targets 900
	seed_example
	barrier done
}

case $NODE.$PHASE in
1.1) node_a_before ;;
1.2) node_a_after ;;
2.1) node_b_before ;;
2.2) node_b_after ;;
3.1) node_c ;;
*) fail "node $NODE has no phase $PHASE" ;;
esac
finish
