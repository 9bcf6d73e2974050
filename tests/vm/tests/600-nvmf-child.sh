# nvmf:// children across two nodes (issue 11).  Node 1 (A) has a pool and
# a replica shared over NVMe-oF/TCP; node 2 (B) makes a nexus of a local
# disk and A's nvmf:// URI.  First every bad input on B: a closed port, an
# unknown NQN, a host A does not allow (B's host NQN, made by the agent
# since /etc/nvme/hostnqn is removed first), an unreachable host, bad query
# parameters, a namespace smaller than the nexus: each one exact line,
# exit 1, no controller left.  Then fio writes with verify on B while A
# takes the subsystem off its nvmet port: no IO error on the nexus, the
# remote child FAULTED within 15 s (docs/remote-children.md: about 5 s;
# the guests' kernel timers run late on a loaded TCG host),
# the nexus DEGRADED, events for both.  A puts the port back: `child
# online` reconnects, the child is rebuilt, fio's data verifies, the two
# children are byte-identical.  Then destroy disconnects the controller,
# `nexus assemble` with the URI and `mayastor-agent --restore-only` from
# the state file connect it again and bring the nexus back; a controller
# connected by hand is reused, and disconnected by nexus remove of its
# last user.  Last, a silent
# target (A's link down) with timeouts from the URI's query: FAULTED within
# 30 s (keep-alive: about 16 s), the controller given up and its namespace gone, and `child online`
# finds the child again by its label under its new device name.
# VM: nodes=2 disks=1 disk_size=256M needs=nexus timeout=900 check_kernels=std612

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
AGENT=$REPO/agent/mayastor-agent
export MAYASTOR_STATE_FILE=/var/lib/mayastor/agent.json
A=10.99.0.1
HOST_OTHER=nqn.2024-01.io.nexus:not-node-b

# The nvmet port directory that serves subsystem $1.
port_of() {
	local p
	for p in "$NVMET"/ports/*; do
		[ -L "$p/subsystems/$1" ] && { echo "$p"; return 0; }
	done
	return 1
}

node_a() {
	pool_on_disk pa "$DISK1"
	check mc replica create pa r1 --size 64
	replica_share_nvmf pa/r1 "$RESULTS/uri" --host "$HOST_OTHER"
	barrier shared-other
	barrier bad-input-done 300
	check mc replica unshare pa/r1
	replica_share_nvmf pa/r1 /var/tmp/uri-b --host "$(cat "$RESULTS/hostnqn_b")"
	check_eq "$(cat /var/tmp/uri-b)" "$(cat "$RESULTS/uri")" "URI of the share to node B"
	barrier shared-b
	barrier writing 300
	local nqn port
	nqn=$(sed 's|.*/||' "$RESULTS/uri")
	port=$(port_of "$nqn")
	log "taking $nqn off $port"
	rm "$port/subsystems/$nqn"
	barrier down
	barrier faulted 120
	ln -s "$NVMET/subsystems/$nqn" "$port/subsystems/$nqn"
	barrier up
	barrier writing2 300
	log "taking the link ($NET_DEV) down"
	ip link set "$NET_DEV" down
	barrier down2
	barrier faulted2 120
	ip link set "$NET_DEV" up
	barrier up2
	barrier done 600
	check mc replica unshare pa/r1
}

ctrls() { ls /sys/class/nvme 2>/dev/null | tr '\n' ' '; }
nctrls() { ls /sys/class/nvme 2>/dev/null | wc -l; }
child_json() { mc nexus children nx0 -o json; }
remote_state() { child_json | jq -r '.[] | select(.path | startswith("/dev/nvme")) | .state'; }
remote_path() { child_json | jq -r '.[] | select(.path | startswith("/dev/nvme")) | .path'; }

# bad WANT ARGS...: mayastor-client ARGS fails with exactly the line WANT
# and leaves no controller and no nexus behind.
bad() {
	local want=$1 rc=0
	shift
	"$MC" "$@" >/var/tmp/bad.out 2>/var/tmp/bad.err || rc=$?
	check_eq "$rc" 1 "exit status of: $*"
	check_eq "$(cat /var/tmp/bad.err)" "$want" "stderr of: $*"
	check_eq "$(ctrls)" "" "controllers left by: $*"
	check test ! -e /dev/nx0
}

bad_input() {
	local uri=$1 nqn=${1##*/} pre="mayastor-client: nexus create nx0: child"
	local host t0
	rm -f /etc/nvme/hostnqn /etc/nvme/hostid
	bad "$pre nvmf://$A:4421/$nqn: nothing listens on $A port 4421 (connection refused)" \
		nexus create nx0 "$DISK1" "nvmf://$A:4421/$nqn"
	# That made this host's NQN and ID, as nvme gen-hostnqn would.
	host=$(cat /etc/nvme/hostnqn)
	check_grep '^nqn\.2014-08\.org\.nvmexpress:uuid:[0-9a-f-]{36}$' /etc/nvme/hostnqn
	check_eq "$(cat /etc/nvme/hostid)" "${host##*:uuid:}" "host ID"
	cp /etc/nvme/hostnqn "$RESULTS/hostnqn_b"
	bad "$pre $uri: the target at $A port 4420 refused to connect: it exports no subsystem $nqn, or this host ($host) is not allowed to use it" \
		nexus create nx0 "$DISK1" "$uri"
	bad "$pre nvmf://$A/nqn.2024-01.io.nexus:nosuch: the target at $A port 4420 refused to connect: it exports no subsystem nqn.2024-01.io.nexus:nosuch, or this host ($host) is not allowed to use it" \
		nexus create nx0 "$DISK1" "nvmf://$A/nqn.2024-01.io.nexus:nosuch"
	bad "$pre nvmf://10.98.0.1/$nqn: cannot reach 10.98.0.1 port 4420: Network is unreachable" \
		nexus create nx0 "$DISK1" "nvmf://10.98.0.1/$nqn"
	# On the link but nobody there: bounded (ARP gives up, or the 3 s probe).
	t0=$SECONDS
	check_fail mc nexus create nx0 "$DISK1" "nvmf://10.99.0.9/$nqn" 2>/var/tmp/bad.err
	check_grep "^$pre nvmf://10.99.0.9/$nqn: (host 10.99.0.9 does not answer on port 4420 \(no reply within 3 s\)|cannot reach 10.99.0.9 port 4420: No route to host)$" /var/tmp/bad.err
	check test $((SECONDS - t0)) -le 6
	check_eq "$(ctrls)" "" "controllers left by the unreachable host"
	bad "$pre 'nvmf://$A:70000/$nqn': port out of range (1-65535) (see 'mayastor-client nexus create --help')" \
		nexus create nx0 "$DISK1" "nvmf://$A:70000/$nqn"
	bad "$pre '$uri?fast_io_fail_tmo=0': fast_io_fail_tmo must be 1-600 seconds (see 'mayastor-client nexus create --help')" \
		nexus create nx0 "$DISK1" "$uri?fast_io_fail_tmo=0"
	bad "$pre '$uri?ctrl_loss_tmo=5&reconnect_delay=9': reconnect_delay must not be longer than ctrl_loss_tmo (see 'mayastor-client nexus create --help')" \
		nexus create nx0 "$DISK1" "$uri?ctrl_loss_tmo=5&reconnect_delay=9"
	bad "$pre '$uri?timeout=3': unknown query parameter (known: ctrl_loss_tmo, reconnect_delay, fast_io_fail_tmo, keep_alive_tmo) (see 'mayastor-client nexus create --help')" \
		nexus create nx0 "$DISK1" "$uri?timeout=3"
	bad "mayastor-client: child offline nx0: child $uri: not connected: this host has no controller of $nqn at $A port 4420" \
		child offline nx0 "$uri"
}

FIO_JOB=(--name=v --filename=/dev/nx0 --rw=randwrite --bs=4k --direct=1
	--ioengine=libaio --iodepth=4 --size=48M --randrepeat=1 --rate_iops=800
	--verify=crc32c --verify_fatal=1)

node_b() {
	insmod_nexus
	load_mod nvme_tcp
	barrier shared-other
	local uri nqn evpid c
	uri=$(cat "$RESULTS/uri")
	nqn=${uri##*/}
	log "bad input against $uri"
	bad_input "$uri"
	barrier bad-input-done
	barrier shared-b

	log "a create that fails half-way lets go of the controller it connected"
	bad "mayastor-client: nexus create nx0: No space left on device (nexus: size is larger than the smallest child's data region)" \
		nexus create nx0 --size 200M "$DISK1" "$uri"

	log "nexus over $DISK1 and $uri"
	"$MC" events -o json >"$RESULTS/events.log" &
	evpid=$!
	sleep 1
	check mc nexus create nx0 "$DISK1" "$uri"
	check_eq "$(nctrls)" 1 "controllers"
	c=/sys/class/nvme/$(ls /sys/class/nvme)
	check_eq "$(cat $c/ctrl_loss_tmo) $(cat $c/reconnect_delay) $(cat $c/fast_io_fail_tmo) $(cat $c/kato)" \
		"30 2 2 3" "ctrl_loss_tmo reconnect_delay fast_io_fail_tmo kato"
	check_eq "$(cat $c/transport) $(cat $c/subsysnqn) $(cat $c/address)" \
		"tcp $nqn traddr=$A,trsvcid=4420,src_addr=10.99.0.2" "controller"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\",\"$uri\"]" "recorded children"
	check_eq "$(mc nexus list -o json | jq -r '.[0].state')" online "nexus state"

	log "fio with verify while A takes the subsystem off its port"
	remote_fault_under_fio "" 15000 "remote child" "$RESULTS/fio-write.txt" "${FIO_JOB[@]}"
	check_eq "$(mc nexus list -o json | jq -r '.[0].state')" degraded "nexus state"
	barrier faulted

	log "the target is back: child online reconnects and rebuilds"
	barrier up
	check mc child online nx0 "$uri"
	wait_for '[ "$(mc nexus list -o json | jq -r ".[0].state")" = online ]' 180
	check_eq "$(remote_state)" online "remote child after online"
	check_eq "$(nctrls)" 1 "controllers after online"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\",\"$uri\"]" "recorded children after online"
	kill "$evpid"
	check_grep '"event":"child-state","nexus":"nx0",.*"state":"faulted"' "$RESULTS/events.log"
	check_grep '"event":"nexus-state","nexus":"nx0",.*"state":"degraded"' "$RESULTS/events.log"
	verify_mirror nx0 "$RESULTS/fio-verify.txt" "after the rebuild" "${FIO_JOB[@]}"

	log "destroy disconnects; assemble with the URI connects again"
	cp $MAYASTOR_STATE_FILE /var/tmp/state.json
	check mc nexus destroy nx0
	wait_for '[ -z "$(ctrls)" ]' 10 || true
	check_eq "$(ctrls)" "" "controllers after destroy"
	check mc nexus assemble nx0 "$DISK1" "$uri"
	check_eq "$(mc nexus list -o json | jq -r '.[0].state')" online "assembled nexus state"
	check_eq "$(nctrls)" 1 "controllers after assemble"
	check mc nexus destroy nx0
	wait_for '[ -z "$(ctrls)" ]' 10 || true

	log "mayastor-agent reconnects the recorded remote child before assembling"
	cp /var/tmp/state.json $MAYASTOR_STATE_FILE
	check "$AGENT" --restore-only
	check_eq "$(mc nexus list -o json | jq -r '.[0].state')" online "restored nexus state"
	check_eq "$(mc nexus children nx0 -o json | jq length)" 2 "restored children"
	check_eq "$(nctrls)" 1 "controllers after restore"
	fio "${FIO_JOB[@]}" --verify_only --output="$RESULTS/fio-verify2.txt" ||
		check false "fio verify after the restore"
	check mc nexus destroy nx0
	wait_for '[ -z "$(ctrls)" ]' 10 || true
	silent_target "$uri?ctrl_loss_tmo=10&reconnect_delay=1"
	check mc nexus destroy nx0
	wait_for '[ -z "$(ctrls)" ]' 10 || true
	check_eq "$(ctrls)" "" "controllers at the end"
	gone_device
	log "a controller connected by hand is reused, and goes with its last user"
	nvme connect -t tcp -a $A -s 4420 -n "$nqn" >/dev/null
	wait_for '[ "$(nctrls)" = 1 ]' 20 || true
	check_eq "$(nctrls)" 1 "controllers connected by hand"
	check mc nexus assemble nx0 "$DISK1" "$uri"
	check_eq "$(nctrls)" 1 "controllers after assembling over the connected one"
	check mc nexus remove nx0 "$uri"
	wait_for '[ -z "$(ctrls)" ]' 10 || true
	check_eq "$(ctrls)" "" "controllers after nexus remove of the remote child"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\"]" "recorded children after the remove"
	check mc nexus destroy nx0
	barrier done
}

# nexus remove of a child whose device node is gone (as a namespace after
# ctrl_loss_tmo): by the path the kernel shows for it.
gone_device() {
	local l1 l2
	log "remove a child whose device is gone"
	mkimg /var/tmp/l1.img 64M
	mkimg /var/tmp/l2.img 64M
	l1=$(make_loop /var/tmp/l1.img)
	l2=$(make_loop /var/tmp/l2.img)
	check mc nexus create nx1 "$l1" "$l2"
	rm "$l2"
	check mc nexus remove nx1 "$l2"
	check_eq "$(mc nexus children nx1 -o json | jq -r '.[].path')" "$l1" "children after removing the gone one"
	check_fail mc nexus remove nx1 /dev/loop-never-there
	check mc nexus destroy nx1
}

# A's link goes down: nothing closes the connection, keep-alive notices.
# The controller is given up (ctrl_loss_tmo) and its namespace vanishes;
# child online connects again and finds the child by its label.
silent_target() {
	local uri=$1 c old new
	local job=("${FIO_JOB[@]}" --size=24M)
	log "a silent target (A's link down) with $uri"
	check mc nexus create nx0 "$DISK1" "$uri"
	c=/sys/class/nvme/$(ls /sys/class/nvme)
	check_eq "$(cat $c/ctrl_loss_tmo) $(cat $c/reconnect_delay) $(cat $c/fast_io_fail_tmo) $(cat $c/kato)" \
		"10 1 2 3" "ctrl_loss_tmo reconnect_delay fast_io_fail_tmo kato from the URI"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\",\"$uri\"]" "recorded children with parameters"
	old=$(remote_path)
	remote_fault_under_fio 2 30000 "remote child (silent target)" "$RESULTS/fio-write3.txt" "${job[@]}"
	# ctrl_loss_tmo=10: the controller and its namespace go.
	wait_for "[ ! -e $old ] && [ -z \"\$(ctrls)\" ]" 60 || true
	check test ! -e "$old"
	check_eq "$(ctrls)" "" "controllers once ctrl_loss_tmo passed"
	check_eq "$(remote_path)" "$old" "the kernel's child path of the vanished namespace"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\",\"$uri\"]" "recorded children while the namespace is gone"
	barrier faulted2
	barrier up2
	check mc child online nx0 "$uri"
	new=$(remote_path)
	log "the namespace came back as $new (was $old)"
	wait_for '[ "$(mc nexus list -o json | jq -r ".[0].state")" = online ]' 180
	check_eq "$(remote_state)" online "remote child after online (silent target)"
	check_eq "$(nctrls)" 1 "controllers after online (silent target)"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\",\"$uri\"]" "recorded children after online (silent target)"
	verify_mirror nx0 "$RESULTS/fio-verify3.txt" "after the silent target came back" "${job[@]}"
}

case $NODE in
1) node_a ;;
2) node_b ;;
esac
finish
