# mayastor-agent brings lost remote children back by itself, copying only
# what they missed (issue 11).  Node 1 (A) shares two replicas over
# NVMe-oF/TCP; node 2 (B) mirrors a local disk and A's first replica,
# with mayastor-agent running.  1: fio with verify writes 8 MiB of the
# nexus while A takes the subsystem off its port: the remote child
# FAULTED, and one more known 64 KiB write far away; the agent says it is
# lost and fails at least one attempt; A puts the port back; the agent
# brings the child back by itself: its journal line and the kernel's
# rebuild total agree, and say only the regions written around the outage
# were copied (bits a sweep cleared while the target was gone, so that the
# child could not flush for them, are put back before its fault is
# recorded); fio's data verifies, the children are byte-identical.  2: with the agent's reconnects off,
# `mayastor-client child online` of the FAULTED child copies just the two
# regions written while it was away.  3: the remote child removed while
# its target is down is never tried again, nor added back once the target
# answers, even after a SIGHUP; meanwhile the agent, idle, uses next to
# no CPU.  4: a nexus (local image + A's second replica) restored by the
# agent while that target is down comes back with a missing member, which
# the agent adds back once the target answers, copying the one region
# written meanwhile.
# VM: nodes=2 disks=1 disk_size=512M needs=nexus timeout=900 check_kernels=std

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
AGENT=$REPO/agent/mayastor-agent
export MAYASTOR_STATE_FILE=/var/lib/mayastor/agent.json

# The nvmet port directory that serves subsystem $1.
port_of() {
	local p
	for p in "$NVMET"/ports/*; do
		[ -L "$p/subsystems/$1" ] && { echo "$p"; return 0; }
	done
	return 1
}

# outage TAG URIFILE: A takes the subsystem of the URI in URIFILE off its
# port at barrier down$TAG and puts it back once B reached faulted$TAG.
outage() {
	local tag=$1 nqn port
	nqn=$(sed 's|.*/||' "$RESULTS/$2")
	barrier "writing$tag" 600
	port=$(port_of "$nqn")
	log "outage $tag: taking $nqn off $port"
	rm "$port/subsystems/$nqn"
	barrier "down$tag"
	barrier "faulted$tag" 300
	log "outage $tag: $nqn back"
	ln -s "$NVMET/subsystems/$nqn" "$port/subsystems/$nqn"
	barrier "up$tag"
}

node_a() {
	pool_on_disk pa "$DISK1"
	check mc replica create pa r1 --size 160
	check mc replica create pa r2 --size 48
	replica_share_nvmf pa/r1 "$RESULTS/uri1" --allow-any-host
	replica_share_nvmf pa/r2 "$RESULTS/uri2" --allow-any-host
	barrier shared
	outage 1 uri1
	outage 2 uri1
	outage 3 uri1
	outage 4 uri2
	barrier done 600
	check mc replica unshare pa/r1
	check mc replica unshare pa/r2
}

# ---- node B -----------------------------------------------------------------

child_json() { mc nexus children "${1:-nx0}" -o json; }
remote_state() { child_json | jq -r '.[] | select(.path // "" | startswith("/dev/nvme")) | .state'; }
remote_path() { child_json | jq -r '.[] | select(.path // "" | startswith("/dev/nvme")) | .path'; }
nshow() { mc -o json nexus show "$1" | jq -r "$2"; }
nexus_state() { nshow "${1:-nx0}" .state; }
total_of() { mc -o json rebuild progress "$1" "$2" | jq -r .total; }
# write64k NEXUS REGION: 64 KiB of new data at the start of region REGION.
write64k() {
	check dd if=/dev/urandom of="/dev/$1" bs=64k count=1 \
		seek=$(($2 * RS / 65536)) oflag=direct status=none
}
# fault_by_writing REGION: write region REGION of nx0 until the remote
# child, whose target is going, faults (a write that beats the host to the
# closed connection still reaches it).
fault_by_writing() {
	local i
	for ((i = 0; i < 20; i++)); do
		write64k nx0 "$1"
		[ "$(remote_state)" = faulted ] && return 0
		sleep 1
	done
	check_eq "$(remote_state)" faulted "remote child state after writing region $1"
}

stop_agent() {
	kill "$agent_pid"
	wait "$agent_pid" || true
	agent_pid=
}
# CPU clock ticks the agent used so far.
agent_ticks() { awk '{ print $14 + $15 }' "/proc/$agent_pid/stat"; }
# copied LINE: R of "copying R of T regions" in the agent's line.
copied() { sed -n 's/.*copying \([0-9]*\) of \([0-9]*\) regions.*/\1/p' <<<"$1"; }
of_regions() { sed -n 's/.*copying \([0-9]*\) of \([0-9]*\) regions.*/\2/p' <<<"$1"; }

FIO_JOB=(--name=v --filename=/dev/nx0 --rw=randwrite --bs=4k --direct=1
	--ioengine=libaio --iodepth=4 --size=8M --randrepeat=1 --rate_iops=100
	--verify=crc32c --verify_fatal=1)

# 1: the agent brings the faulted remote child back by itself.
by_the_agent() {
	local log=$RESULTS/agent1.log line path total r fio_regions
	start_agent "$log" --reconnect-delay 1 --reconnect-max-delay 4
	check_grep '^mayastor-agent: reconnecting lost remote children: first attempt after 1 s, then up to every 4 s, never giving up$' "$log"
	log "1: fio with verify on 8 MiB while A takes the subsystem off its port"
	remote_fault_under_fio 1 15000 "remote child" "$RESULTS/fio1.txt" "${FIO_JOB[@]}"
	check_eq "$(nexus_state)" degraded "nexus state with the remote child faulted"
	write64k nx0 $((NREG - 2))
	check wait_for "grep -q '^mayastor-agent: reconnect nx0 member $M2 ($URI1): attempt 1 failed: ' '$log'" 90
	check_grep "^mayastor-agent: reconnect nx0 member $M2 \($URI1\): lost \(faulted, io-error\); first attempt in 1 s$" "$log"
	barrier faulted1
	barrier up1
	check wait_for "grep -q 'reconnect nx0 member $M2 .*: attempt [0-9]* succeeded' '$log'" 120
	check wait_for '[ "$(nexus_state)" = online ]' 180
	cat "$log"
	line=$(grep "reconnect nx0 member $M2 .*succeeded" "$log" || true)
	# Only the regions written around the outage: bits a sweep cleared
	# while its target was gone (its flush for them failed) were put back
	# before its fault was recorded (nexus_bitmap.c "Putting bits back").
	check_grep "^mayastor-agent: reconnect nx0 member $M2 \($URI1\): attempt ([2-9]|[1-9][0-9]+) succeeded: back on /dev/nvme[0-9]+n[0-9]+ \(was faulted, io-error\), copying [0-9]+ of $NREG regions \([0-9.]+[KMG]iB\) written while it was away" "$log"
	path=$(remote_path)
	total=$(total_of nx0 "$path")
	r=$(copied "$line")
	fio_regions=$(((8 * 1024 * 1024 + RS - 1) / RS))
	log "1: the agent copied $r of $NREG regions ($total bytes); fio wrote $fio_regions regions, one more 64 KiB write"
	echo "$r $NREG" >"$RESULTS/regions1"
	check_eq "$total" $((r * RS)) "rebuild total of the returned child"
	check test "$r" -ge 1
	check test "$r" -le $((fio_regions + 1))
	check_grep "nx0: child $path back as member [0-9]+ \(bitmap regions\)" <(dmesg)
	verify_mirror nx0 "$RESULTS/fio1-verify.txt" "after the agent brought the child back" "${FIO_JOB[@]}"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\",\"$URI1\"]" "recorded children"
	check_eq "$(jq -r '.nexuses[0].members[1]' $MAYASTOR_STATE_FILE)" "$M2" "recorded member of the URI"
	stop_agent
}

# 2: child online by hand (the agent's reconnects off) copies the bitmap's regions.
by_hand() {
	local log=$RESULTS/agent2.log path
	start_agent "$log" --reconnect off
	check_grep '^mayastor-agent: reconnecting lost remote children: off$' "$log"
	check wait_for '[ "$(nshow nx0 .dirty_regions)" = 0 ]' 60
	barrier writing2
	barrier down2
	log "2: the write to region 3 faults the remote child, region 9 is written while it is away"
	fault_by_writing 3
	write64k nx0 9
	sleep 2
	check_eq "$(nshow nx0 .dirty_regions)" 2 "dirty regions while the remote child is faulted"
	barrier faulted2
	barrier up2
	check mc child online nx0 "$URI1"
	check wait_for '[ "$(nexus_state)" = online ]' 180
	path=$(remote_path)
	check_eq "$(total_of nx0 "$path")" $((2 * RS)) "rebuild total after child online (2 regions)"
	children_identical nx0
	check_eq "$(grep -c 'reconnect nx0' "$log" || true)" 0 "reconnect lines with --reconnect off"
	stop_agent
}

# 3: a child removed while its target is down is left alone.
removed_on_purpose() {
	local log=$RESULTS/agent3.log path n t0 t1
	start_agent "$log" --reconnect-delay 1 --reconnect-max-delay 4
	check wait_for '[ "$(nshow nx0 .dirty_regions)" = 0 ]' 60
	barrier writing3
	barrier down3
	fault_by_writing 5
	check wait_for "grep -q 'reconnect nx0 member $M2 .*: lost' '$log'" 30
	path=$(remote_path)
	log "3: removing the faulted remote child $path"
	check mc nexus remove nx0 "$path"
	check wait_for "grep -q 'reconnect nx0 member $M2 .*: stopped: ' '$log'" 60
	n=$(grep -c 'reconnect nx0' "$log" || true)
	barrier faulted3
	barrier up3
	# The target answers again; SIGHUP makes the agent forget every
	# backoff and look for lost children at once: nothing to find.
	t0=$(agent_ticks)
	sleep 5
	kill -HUP "$agent_pid"
	sleep 15
	t1=$(agent_ticks)
	cat "$log"
	log "3: the agent used $((t1 - t0)) clock ticks in 20 s"
	check test $((t1 - t0)) -lt 500
	check_eq "$(grep -c 'reconnect nx0' "$log" || true)" "$n" "reconnect lines once the child was removed"
	check_eq "$(grep -c 'succeeded' "$log" || true)" 0 "reconnects that succeeded"
	check_eq "$(child_json | jq -c '[.[].path]')" "[\"$DISK1\"]" "children after the remove"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\"]" "recorded children after the remove"
	stop_agent
}

# 4: a member missing after a restore (its target down) is added back.
missing_after_restore() {
	local log=$RESULTS/agent4.log uri2 m line r
	uri2=$(cat "$RESULTS/uri2")
	mkimg /var/tmp/l1.img 64M
	check mc nexus create nx1 /var/tmp/l1.img "$uri2"
	m=$(child_json nx1 | jq -r '.[] | select(.path | startswith("/dev/nvme")) | .uuid')
	check wait_for '[ "$(nshow nx1 .dirty_regions)" = 0 ]' 60
	cp $MAYASTOR_STATE_FILE /var/tmp/state.json
	check mc nexus destroy nx1
	# As after a reboot: the record of nx1 is there, nx1 is not.
	cp /var/tmp/state.json $MAYASTOR_STATE_FILE
	barrier writing4
	barrier down4
	start_agent "$log" --reconnect-delay 1 --reconnect-max-delay 4
	check_grep '^mayastor-agent: nexus nx1: restored with 1 of 2 children$' "$log"
	check_eq "$(child_json nx1 | jq -r '[.[].state] | sort | join(" ")')" "missing online" "nx1 children after the restore"
	check_eq "$(jq -c '.nexuses[] | select(.name == "nx1") | .children[1]' $MAYASTOR_STATE_FILE)" "\"$uri2\"" "recorded URI of the missing member"
	check wait_for "grep -q 'reconnect nx1 member $m ($uri2): lost (missing since assembly)' '$log'" 60
	write64k nx1 3
	check wait_for "grep -q 'reconnect nx1 member $m .*: attempt 1 failed' '$log'" 90
	barrier faulted4
	barrier up4
	check wait_for "grep -q 'reconnect nx1 member $m .*succeeded' '$log'" 120
	check wait_for '[ "$(nexus_state nx1)" = online ]' 120
	cat "$log"
	line=$(grep "reconnect nx1 member $m .*succeeded" "$log" || true)
	check_grep "reconnect nx1 member $m \($uri2\): attempt ([2-9]|[1-9][0-9]+) succeeded: back on /dev/nvme[0-9]+n[0-9]+ \(was missing since assembly\), copying [0-9]+ of [0-9]+ regions" "$log"
	r=$(copied "$line")
	log "4: the agent copied $r of $(of_regions "$line") regions to the returning member"
	echo "$r $(of_regions "$line")" >"$RESULTS/regions4"
	check test "$r" -ge 1
	check test "$r" -le 2
	children_identical nx1
	stop_agent
}

node_b() {
	insmod_nexus bitmap_grace_ms=300
	load_mod nvme_tcp
	load_mod loop
	barrier shared
	URI1=$(cat "$RESULTS/uri1")
	check mc nexus create nx0 "$DISK1" "$URI1"
	SIZE=$(nshow nx0 .size)
	RS=$(nshow nx0 .region_size)
	NREG=$(((SIZE + RS - 1) / RS))
	M2=$(child_json | jq -r '.[] | select(.path | startswith("/dev/nvme")) | .uuid')
	log "nx0: $SIZE bytes, $NREG regions of $RS bytes; the remote child is member $M2"
	check test "$NREG" -ge 32
	by_the_agent
	by_hand
	removed_on_purpose
	missing_after_restore
	check mc nexus destroy nx0
	check mc nexus destroy nx1
	barrier done
}

case $NODE in
1) node_a ;;
2) node_b ;;
esac
finish
