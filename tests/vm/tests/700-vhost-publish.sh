# Publishing a nexus over vhost-user (issue 12).  Phase 1: a nexus over two
# loop children (one behind dm-linear) is published with mayastor-client
# (no daemon running: the CLI starts mayastor-vhost itself); the project's
# vhost-user-blk client (tests/tools/vhost-client) drives writes, reads,
# flush, discard and write-zeroes through the socket, and the bytes are
# checked on /dev/nx0 and on both children.  mayastor-agent then runs:
# mayastor-vhost killed with SIGKILL is restarted (a log line, a new pid in
# the state file) and the client connects again.  A child fails (dm-error)
# while the client does IO: the client sees no error, the nexus is
# degraded.  Bad input gives one exact line, exit 1 and no change;
# unpublish stops the server; destroy refuses a published nexus unless
# --force.  A second nexus on files of the scratch disk stays published
# across the reboot.  Phase 2: mayastor-agent assembles it and starts its
# server again; the data written in phase 1 reads back through the socket;
# a read-only publication refuses writes.
# VM: phases=2 timeout=600 needs=nexus,tools check_kernels=std

MC=$MAYASTOR_CLIENT
AGENT=$REPO/agent/mayastor-agent
VC=$REPO/tests/tools/vhost-client
export MAYASTOR_STATE_FILE=/var/tmp/scratch/state/agent.json
state=$MAYASTOR_STATE_FILE
SOCK=/run/mayastor/vhost/nx0.sock
S=/var/tmp/scratch

[ -x "$VC" ] || fail "$VC is not built (make -C tests/tools vhost-client)"

# jstate JQ-EXPR: a value of the state file.
jstate() { jq -r "$1" "$state"; }
# vpid NAME: the recorded server pid of nexus NAME.
vpid() { jstate ".nexuses[] | select(.name == \"$1\") | .share.pid"; }

# client LOG ARGS...: vhost-client ARGS; it must exit 0 with no "not ok".
client() {
	local log=$1 rc=0
	shift
	"$VC" "$@" >"$RESULTS/$log" 2>&1 || rc=$?
	check_eq "$rc" 0 "vhost-client $* exit status (see $log)"
	check_eq "$(grep -c '^not ok' "$RESULTS/$log" || true)" 0 "vhost-client $* failures"
	log "vhost-client $*: $(grep -c '^ok' "$RESULTS/$log" || true) ok"
}

# expect_pattern FILE SECTOR BYTES SEED: the client's pattern (vhost-client.c
# pattern(): byte i of sector s is s * 131 + i * 7 + seed).
expect_pattern() {
	python3 - "$@" <<'EOF'
import sys
path, sector, length, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(path, "wb") as f:
    f.write(bytes(((sector + i // 512) * 131 + (i % 512) * 7 + seed) & 0xff
                  for i in range(length)))
EOF
}

# region DEV SECTOR BYTES: BYTES bytes of DEV from SECTOR, direct IO.
region() {
	dd if="$1" bs=512 skip="$2" count=$(($3 / 512)) iflag=direct status=none
}

setup_nx0() {
	load_mod loop
	mkimg /var/tmp/a.img 64M
	mkimg /var/tmp/b.img 64M
	A=$(make_loop /var/tmp/a.img)
	B=$(make_loop /var/tmp/b.img)
	dm_linear child1 "$B"
	C1=/dev/mapper/child1
	check "$MC" nexus create nx0 "$A" "$C1"
	wait_for '[ -b /dev/nx0 ]'
	udev_settle
}

publish_and_io() {
	local out
	out=$("$MC" nexus publish nx0 vhost-user)
	check_eq "$out" "published nexus nx0 over vhost-user at $SOCK (pid $(vpid nx0))" \
		"publish output"
	check test -S "$SOCK"
	check kill -0 "$(vpid nx0)"
	check_eq "$(tr '\0' ' ' </proc/"$(vpid nx0)"/cmdline)" \
		"$REPO/agent/mayastor-vhost --socket $SOCK --device /dev/nx0 --queues 1 " \
		"server command line"
	check_eq "$(jstate '.nexuses[0].share | [.protocol, .socket, .queues, .read_only] | join(" ")')" \
		"vhost-user $SOCK 1 false" "recorded share"
	# One queue: sectors 0-127 hold seed 1 and 4096-4103 seed 5 after "io"
	# (write-zeroes and discard at 2048 read back as zeroes there).
	client io.log --socket "$SOCK" --queues 1 io
	expect_pattern /var/tmp/p0 0 65536 1
	expect_pattern /var/tmp/p5 4096 4096 5
	head -c 8192 /dev/zero >/var/tmp/z
	for dev in /dev/nx0 "$A" "$C1"; do
		check cmp /var/tmp/p0 <(region "$dev" 0 65536)
		check cmp /var/tmp/p5 <(region "$dev" 4096 4096)
		check cmp /var/tmp/z <(region "$dev" 2048 8192)
	done
	check cmp -n $((32 << 20)) /dev/nx0 "$A"
	check cmp -n $((32 << 20)) "$A" "$C1"

	"$MC" nexus list | tee "$RESULTS/list.out"
	check_grep "  vhost-user:$SOCK\$" "$RESULTS/list.out"
	check_eq "$("$MC" -o json nexus show nx0 | jq -c '.share | del(.pid)')" \
		"{\"protocol\":\"vhost-user\",\"socket\":\"$SOCK\",\"queues\":1,\"read_only\":false,\"running\":true}" \
		"nexus show -o json share"
	check_eq "$("$MC" -o json nexus list | jq -r '.[0].share.pid')" "$(vpid nx0)" "pid in list"
	"$MC" nexus show nx0 | tee "$RESULTS/show.out"
	check_grep "^share +vhost-user at $SOCK, queues 1, read-write, pid $(vpid nx0)\$" \
		"$RESULTS/show.out"
}

bad_input() {
	local before
	before=$(cat "$state")
	fails_with "mayastor-client: nexus publish nx0: nexus nx0 is already published (vhost-user at $SOCK)" \
		nexus publish nx0 vhost-user
	fails_with "mayastor-client: nexus publish nx0: nexus nx0 is already published (vhost-user at $SOCK)" \
		nexus publish nx0 vhost-user --socket /var/tmp/other.sock
	fails_with "mayastor-client: nexus unpublish nx9: nexus nx9 is not published" \
		nexus unpublish nx9
	fails_with "mayastor-client: nexus publish nx9: No such file or directory (nexus: no nexus with that name)" \
		nexus publish nx9 vhost-user
	fails_with "mayastor-client: nexus publish nx0: unknown share protocol 'nvmf' (supported: vhost-user) (see 'mayastor-client nexus publish --help')" \
		nexus publish nx0 nvmf
	fails_with "mayastor-client: nexus publish nx0: invalid --queues '0': 1 to 16 (see 'mayastor-client nexus publish --help')" \
		nexus publish nx0 vhost-user --queues 0
	fails_with "mayastor-client: nexus publish nx0: invalid --socket 'rel.sock': must be an absolute path (see 'mayastor-client nexus publish --help')" \
		nexus publish nx0 vhost-user --socket rel.sock
	fails_with "mayastor-client: nexus destroy nx0: nexus nx0 is published (vhost-user at $SOCK): unpublish it first, or destroy --force" \
		nexus destroy nx0
	check_eq "$(cat "$state")" "$before" "state file unchanged by refusals"
	check test -S "$SOCK"
	check kill -0 "$(vpid nx0)"
	# With nx0 unpublished, its socket path or directory at fault.
	check "$MC" nexus unpublish nx0
	touch /var/tmp/exists.sock
	fails_with "mayastor-client: nexus publish nx0: socket /var/tmp/exists.sock exists" \
		nexus publish nx0 vhost-user --socket /var/tmp/exists.sock
	fails_with "mayastor-client: nexus publish nx0: cannot create the socket's directory /proc/nope: No such file or directory" \
		nexus publish nx0 vhost-user --socket /proc/nope/x.sock
	fails_with "mayastor-client: nexus unpublish nx0: nexus nx0 is not published" \
		nexus unpublish nx0
	check_eq "$(jstate '.nexuses[0].share')" null "no share recorded after refusals"
	check_eq "$(pgrep -c -x mayastor-vhost || true)" 0 "no server left running"
	check "$MC" nexus publish nx0 vhost-user
}

agent_restarts() {
	local old new
	"$AGENT" 2>"$RESULTS/agent1.log" &
	agentpid=$!
	on_exit "kill $agentpid 2>/dev/null || true"
	wait_for 'grep -q "following nexus events" "$RESULTS/agent1.log"' 30
	old=$(vpid nx0)
	kill -9 "$old"
	check wait_for "[ \"\$(vpid nx0)\" != $old ] && kill -0 \"\$(vpid nx0)\"" 20
	new=$(vpid nx0)
	check_grep "^mayastor-agent: warning: nexus nx0: mayastor-vhost \\(pid $old\\) is gone; restarted it \\(pid $new, restart 1, next delay 1 s\\)\$" \
		"$RESULTS/agent1.log"
	check test -S "$SOCK"
	client negotiate.log --socket "$SOCK" --queues 1 negotiate
	# Twice more: the second restart waits a second.
	kill -9 "$new"
	check wait_for "[ \"\$(vpid nx0)\" != $new ] && kill -0 \"\$(vpid nx0)\"" 20
	check_grep "restart 2, next delay 2 s" "$RESULTS/agent1.log"
	client negotiate2.log --socket "$SOCK" --queues 1 negotiate
}

# The client's "io" (every request's status and every byte read back
# checked) runs again and again while child1 starts failing.
child_fault() {
	local cpid rc=0
	(
		for i in 1 2 3 4 5 6; do
			echo "run $i"
			"$VC" --socket "$SOCK" --queues 1 io || echo "exit status $?"
		done
	) >"$RESULTS/io-during-fault.log" 2>&1 &
	cpid=$!
	wait_for 'grep -q "^run 2" "$RESULTS/io-during-fault.log"' 60
	dm_error_swap child1
	wait "$cpid" || rc=$?
	check_eq "$rc" 0 "io loop exit status"
	check_eq "$(grep -c '^run ' "$RESULTS/io-during-fault.log")" 6 "io runs"
	check_eq "$(grep -c '^not ok\|^exit status' "$RESULTS/io-during-fault.log" || true)" 0 \
		"the client saw no error (io-during-fault.log)"
	log "io during the fault: $(grep -c '^ok' "$RESULTS/io-during-fault.log") ok"
	check_eq "$("$MC" -o json nexus show nx0 | jq -r .state)" degraded "nexus state after the fault"
	check_eq "$("$MC" -o json nexus children nx0 | jq -r '.[1].state')" faulted "child state"
	# The client still sees every request succeed.
	client io-after-fault.log --socket "$SOCK" --queues 1 io
	expect_pattern /var/tmp/p0 0 65536 1
	check cmp /var/tmp/p0 <(region /dev/nx0 0 65536)
	check cmp /var/tmp/p0 <(region "$A" 0 65536)
}

destroy_force() {
	local pid
	pid=$(vpid nx0)
	out=$("$MC" nexus destroy nx0 --force)
	check_eq "$out" "unpublished nexus nx0
destroyed nexus nx0" "destroy --force output"
	check_fail kill -0 "$pid"
	check_fail test -e "$SOCK"
	check_eq "$(jstate '.nexuses | length')" 0 "destroyed nexus forgotten"
	dm_remove child1
}

publish_for_reboot() {
	mkimg $S/c.img 64M
	mkimg $S/d.img 64M
	check "$MC" nexus create nx1 $S/c.img $S/d.img
	wait_for '[ -b /dev/nx1 ]'
	udev_settle
	check "$MC" nexus publish nx1 vhost-user --socket /run/vm/nx1.sock --queues 2
	client io-nx1.log --socket /run/vm/nx1.sock --queues 1 io
	check_eq "$(jstate '.nexuses[0].share.queues')" 2 "recorded queues"
	cp "$state" "$RESULTS/state-phase1.json"
	# The agent is stopped; the server goes on serving.
	kill -TERM "$agentpid"
	check wait "$agentpid"
	check kill -0 "$(vpid nx1)"
	sync
}

phase2() {
	local pid
	load_mod loop
	mkdir -p $S
	check mount "$SCRATCH_DEV" $S
	insmod_nexus
	"$AGENT" 2>"$RESULTS/agent2.log" &
	agentpid=$!
	on_exit "kill $agentpid 2>/dev/null || true"
	check wait_for 'grep -q "following nexus events" "$RESULTS/agent2.log"' 60
	check wait_for '[ -S /run/vm/nx1.sock ]' 20
	cat "$RESULTS/agent2.log"
	pid=$(vpid nx1)
	check_grep "^mayastor-agent: nexus nx1: restored with 2 of 2 children\$" "$RESULTS/agent2.log"
	check_grep "^mayastor-agent: nexus nx1: published over vhost-user at /run/vm/nx1.sock \\(pid $pid\\)\$" \
		"$RESULTS/agent2.log"
	check kill -0 "$pid"
	expect_pattern /var/tmp/p0 0 65536 1
	check cmp /var/tmp/p0 <(region /dev/nx1 0 65536)
	client negotiate-nx1.log --socket /run/vm/nx1.sock --queues 2 negotiate
	client io-nx1-2.log --socket /run/vm/nx1.sock --queues 2 io
	check "$MC" nexus unpublish nx1
	check_fail kill -0 "$pid"
	check_fail test -e /run/vm/nx1.sock
	sleep 2
	check_eq "$(pgrep -c -x mayastor-vhost || true)" 0 "the agent does not restart an unpublished nexus"
	# Read-only, as Firecracker negotiates it; JSON output.
	check_eq "$("$MC" -o json nexus publish nx1 vhost-user --read-only --socket /run/vm/ro.sock |
		jq -c 'del(.pid)')" \
		'{"protocol":"vhost-user","socket":"/run/vm/ro.sock","queues":1,"read_only":true,"running":true,"nexus":"nx1"}' \
		"publish -o json"
	client ro.log --socket /run/vm/ro.sock --profile firecracker --queues 1 --qsize 256 ro
	check_eq "$("$MC" -o json nexus unpublish nx1 | jq -r .action)" unpublished "unpublish -o json"
	check "$MC" nexus destroy nx1
}

case $PHASE in
1)
	scratch_fs $S
	insmod_nexus
	setup_nx0
	publish_and_io
	bad_input
	agent_restarts
	child_fault
	destroy_force
	publish_for_reboot
	;;
2)
	phase2
	;;
esac
finish
