# iscsi:// children across two nodes (issue 11).  Node 1 (A) serves a
# replica as LUN 0 of an LIO iSCSI target (configfs), first to no
# initiator, then to node B's only (an ACL).  Node B: bad input first (a
# closed port, an initiator the target does not allow, an unknown IQN, bad
# query parameters): one line each, exit 1, no session and no node record
# left; iscsid, not running, is started by the agent.  Then a nexus over a
# local disk and A's LUN with fio writing and verifying while A's link goes
# down: no IO error, the iSCSI child FAULTED within 25 s (noop-out 2 + 2 s,
# replacement_timeout 5 s: 10-14 s measured), the nexus DEGRADED.  The link comes back:
# `child online` waits for the session to log in again, the child is
# rebuilt, fio verifies, the children are byte-identical; a LUN the target
# does not have is refused without touching the session; destroy logs out
# and deletes the node record; mayastor-agent --restore-only logs in to the
# recorded LUN and assembles the nexus again.
# VM: nodes=2 disks=1 disk_size=256M needs=nexus timeout=900 check_kernels=std

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
export MAYASTOR_STATE_FILE=/var/lib/mayastor/agent.json
A=10.99.0.1
IQN=iqn.2024-01.io.nexus:node-a.r1
INIT=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)

node_a() {
	pool_on_disk pa "$DISK1"
	check mc replica create pa r1 --size 64
	# To no initiator yet.
	lio_export "$IQN" r1 /dev/pa/r1
	barrier target-up
	barrier bad-input-done 300
	lio_allow "$IQN" "$INIT"
	barrier acl
	barrier writing 300
	log "taking the link ($NET_DEV) down"
	ip link set "$NET_DEV" down
	barrier down
	barrier faulted 120
	ip link set "$NET_DEV" up
	barrier up
	barrier done 600
}

sessions() { { ls /sys/class/iscsi_session 2>/dev/null || true; } | wc -l; }
records() { { iscsiadm -m node 2>/dev/null || true; } | wc -l; }
child_json() { mc nexus children nx0 -o json; }
remote_state() { child_json | jq -r --arg p "$DISK1" '.[] | select(.path != $p) | .state'; }
remote_path() { child_json | jq -r --arg p "$DISK1" '.[] | select(.path != $p) | .path'; }

# nothing_left WHAT: no session, no node record, no nexus.
nothing_left() {
	check_eq "$(sessions)" 0 "iSCSI sessions left by $1"
	check_eq "$(records)" 0 "node records left by $1"
	check test ! -e /dev/nx0
}

# bad WANT ARGS...: fails with exactly the line WANT, nothing left.
bad() {
	local want=$1 rc=0
	shift
	"$MC" "$@" >/var/tmp/bad.out 2>/var/tmp/bad.err || rc=$?
	check_eq "$rc" 1 "exit status of: $*"
	check_eq "$(cat /var/tmp/bad.err)" "$want" "stderr of: $*"
	nothing_left "$*"
}

# refused ERE ARGS...: fails with one line matching ERE, nothing left.
refused() {
	local want=$1 rc=0
	shift
	"$MC" "$@" >/var/tmp/bad.out 2>/var/tmp/bad.err || rc=$?
	check_eq "$rc" 1 "exit status of: $*"
	check_eq "$(wc -l </var/tmp/bad.err)" 1 "stderr lines of: $*"
	check_grep "$want" /var/tmp/bad.err
	cat /var/tmp/bad.err
	nothing_left "$*"
}

bad_input() {
	local uri=$1 pre="mayastor-client: nexus create nx0: child" t0
	check_eq "$(pgrep -x iscsid >/dev/null && echo running)" "" "iscsid before the first login"
	bad "$pre iscsi://$A:3261/$IQN/0: nothing listens on $A port 3261 (connection refused)" \
		nexus create nx0 "$DISK1" "iscsi://$A:3261/$IQN/0"
	check_eq "$(pgrep -x iscsid >/dev/null && echo running)" running "iscsid started by the agent"
	# No ACL for this initiator yet.
	refused "^$pre $uri: login to target $IQN at $A:3260 failed: .*authori[sz]ation failure$" \
		nexus create nx0 "$DISK1" "$uri"
	t0=$SECONDS
	refused "^$pre iscsi://$A/iqn.2024-01.io.nexus:nosuch/0: login to target iqn.2024-01.io.nexus:nosuch at $A:3260 failed: .+" \
		nexus create nx0 "$DISK1" "iscsi://$A/iqn.2024-01.io.nexus:nosuch/0"
	log "the refused login took $((SECONDS - t0)) s"
	check test $((SECONDS - t0)) -le 20
	bad "$pre 'iscsi://$A/$IQN/0?replacement_timeout=0': replacement_timeout must be 1-600 seconds (see 'mayastor-client nexus create --help')" \
		nexus create nx0 "$DISK1" "iscsi://$A/$IQN/0?replacement_timeout=0"
	bad "$pre 'iscsi://$A/$IQN/0?keep_alive_tmo=3': unknown query parameter (known: replacement_timeout, noop_out_interval, noop_out_timeout) (see 'mayastor-client nexus create --help')" \
		nexus create nx0 "$DISK1" "iscsi://$A/$IQN/0?keep_alive_tmo=3"
	bad "$pre 'iscsi://$A/$IQN/x': LUN must be a number (see 'mayastor-client nexus create --help')" \
		nexus create nx0 "$DISK1" "iscsi://$A/$IQN/x"
}

FIO_JOB=(--name=v --filename=/dev/nx0 --rw=randwrite --bs=4k --direct=1
	--ioengine=libaio --iodepth=4 --size=32M --randrepeat=1 --rate_iops=800
	--verify=crc32c --verify_fatal=1)

node_b() {
	insmod_nexus
	load_mod iscsi_tcp
	load_mod crc32c
	local uri="iscsi://$A/$IQN/0" rec="iscsi://$A:3260/$IQN/0"
	local dev s rc
	barrier target-up
	log "bad input against $uri"
	bad_input "$uri"
	barrier bad-input-done
	barrier acl

	log "nexus over $DISK1 and $uri"
	check mc nexus create nx0 "$DISK1" "$uri"
	check_eq "$(sessions)" 1 "sessions"
	s=/sys/class/iscsi_session/$(ls /sys/class/iscsi_session)
	check_eq "$(cat $s/targetname) $(cat $s/recovery_tmo)" "$IQN 5" "session target and replacement_timeout"
	check_eq "$(jq -c '.nexuses[0].children' $MAYASTOR_STATE_FILE)" "[\"$DISK1\",\"$rec\"]" "recorded children"
	dev=$(remote_path)
	log "LUN 0 is $dev"
	rc=0
	mc nexus add nx0 "iscsi://$A/$IQN/5" 2>/var/tmp/bad.err || rc=$?
	check_eq "$rc" 1 "exit status of nexus add of LUN 5"
	check_eq "$(cat /var/tmp/bad.err)" "mayastor-client: nexus add nx0: child iscsi://$A/$IQN/5: target $IQN has no LUN 5" "stderr of nexus add of LUN 5"
	check_eq "$(sessions)" 1 "sessions after a LUN that is not there"

	log "fio with verify while A's link goes down"
	remote_fault_under_fio "" 25000 "iSCSI child" "$RESULTS/fio-write.txt" "${FIO_JOB[@]}"
	check_eq "$(mc nexus list -o json | jq -r '.[0].state')" degraded "nexus state"
	barrier faulted

	log "the link is back: child online waits for the session and rebuilds"
	barrier up
	check mc child online nx0 "$uri"
	wait_for '[ "$(mc nexus list -o json | jq -r ".[0].state")" = online ]' 180
	check_eq "$(remote_state)" online "iSCSI child after online"
	check_eq "$(sessions)" 1 "sessions after online"
	verify_mirror nx0 "$RESULTS/fio-verify.txt" "after the rebuild" "${FIO_JOB[@]}"

	log "destroy logs out and deletes the node record"
	cp $MAYASTOR_STATE_FILE /var/tmp/state.json
	check mc nexus destroy nx0
	nothing_left "nexus destroy"

	log "mayastor-agent logs in to the recorded LUN before assembling"
	cp /var/tmp/state.json $MAYASTOR_STATE_FILE
	check "$REPO/agent/mayastor-agent" --restore-only
	check_eq "$(mc nexus list -o json | jq -r '.[0].state')" online "restored nexus state"
	check_eq "$(mc nexus children nx0 -o json | jq length)" 2 "restored children"
	check_eq "$(sessions)" 1 "sessions after restore"
	fio "${FIO_JOB[@]}" --verify_only --output="$RESULTS/fio-verify2.txt" ||
		check false "fio verify after the restore"
	check mc nexus destroy nx0
	nothing_left "nexus destroy after the restore"
	barrier done
}

case $NODE in
1) node_a ;;
2) node_b ;;
esac
finish
