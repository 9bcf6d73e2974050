# mayastor-agent brings the node back after a reboot.  Phase 1: a pool on an
# image file with a shared replica, and a nexus over two image files and that
# replica, made with mayastor-client (which records them in the state file);
# a child added while the daemon runs but without the CLI recording it (the
# daemon records it from the kernel's event); a pattern written.  Phase 2, on
# the same disks: `mayastor-agent --restore-only` imports the pool, shares
# the replica again, makes the nexus again from the files (loop devices
# attached anew) and the LV; the pattern reads back.  Then a missing image
# (the nexus comes back without it, said so), a corrupt state file, bad usage
# and no module, each with a clear message and exit status.
# VM: phases=2 timeout=900 needs=nexus check_kernels=std

AGENT=$REPO/agent/mayastor-agent
MC=$MAYASTOR_CLIENT
export MAYASTOR_STATE_FILE=/var/tmp/scratch/state/agent.json
state=$MAYASTOR_STATE_FILE
load_mod dm_thin_pool
load_mod loop
load_mod nvmet_tcp

# jstate JQ-EXPR: a value of the state file.
jstate() { jq -r "$1" "$state"; }

phase1() {
	scratch_fs /var/tmp/scratch
	for f in a b c; do mkimg /var/tmp/scratch/$f.img 64M; done
	mkimg /var/tmp/scratch/p.img 100M
	insmod_nexus

	check "$MC" pool create p0 /var/tmp/scratch/p.img
	check "$MC" replica create p0 r1 --size 60 --thin
	check "$MC" replica share r1 nvmf --allow-any-host
	check "$MC" nexus create nx0 /var/tmp/scratch/a.img /var/tmp/scratch/b.img lvol://p0/r1
	wait_for '[ -b /dev/nx0 ]'
	check_eq "$(jstate '.pools[0].name + " " + .pools[0].disks[0]')" \
		"p0 /var/tmp/scratch/p.img" "recorded pool"
	check_eq "$(jstate '[.nexuses[0].children[]] | join(" ")')" \
		"/var/tmp/scratch/a.img /var/tmp/scratch/b.img lvol://p0/r1" "recorded children"
	uuid=$("$MC" -o json nexus show nx0 | jq -r .uuid)
	check_eq "$(jstate '.nexuses[0].uuid')" "$uuid" "recorded uuid"

	# A change the CLI does not record: the daemon does, from the event.
	"$AGENT" 2>"$RESULTS/agent1.log" &
	agent=$!
	wait_for 'grep -q "following nexus events" "$RESULTS/agent1.log"' 30
	check env -u MAYASTOR_STATE_FILE "$MC" nexus add nx0 /var/tmp/scratch/c.img
	wait_for '[ "$(jstate ".nexuses[0].children | length")" = 4 ]' 30
	check_eq "$(jstate '.nexuses[0].children[3]')" /var/tmp/scratch/c.img "child recorded by the daemon"
	# In sync before the reboot.
	wait_for '[ "$("$MC" -o json nexus show nx0 | jq -r .state)" = online ]' 300

	dd if=/dev/urandom of="$RESULTS/pattern" bs=1M count=8 status=none
	check dd if="$RESULTS/pattern" of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
	kill -TERM $agent
	check wait $agent
	check_grep 'exiting' "$RESULTS/agent1.log"
	cp "$state" "$RESULTS/state-phase1.json"
	sync
}

phase2_restore() {
	mkdir -p /var/tmp/scratch
	check mount "$SCRATCH_DEV" /var/tmp/scratch
	insmod_nexus
	check_fail [ -b /dev/nx0 ]
	check "$AGENT" --restore-only 2>"$RESULTS/agent2.log"
	cat "$RESULTS/agent2.log"
	check_grep '^mayastor-agent: restoring 1 pools and 1 nexuses from /var/tmp/scratch/state/agent.json$' \
		"$RESULTS/agent2.log"
	check_grep '^mayastor-agent: pool p0: imported$' "$RESULTS/agent2.log"
	check_grep '^mayastor-agent: nexus nx0: restored with 4 of 4 children$' \
		"$RESULTS/agent2.log"
	wait_for '[ -b /dev/nx0 ]'
	# Phase 1 ended without a destroy: an unclean assembly resyncs the
	# regions its labels call dirty, then every child is ONLINE.
	check wait_for '[ "$("$MC" -o json nexus show nx0 | jq -r .state)" = online ]' 300
	check_eq "$("$MC" -o json nexus show nx0 | jq -r .uuid)" \
		"$(jq -r '.nexuses[0].uuid' "$RESULTS/state-phase1.json")" "same uuid"
	check cmp "$RESULTS/pattern" <(dd if=/dev/nx0 bs=1M skip=4 count=8 iflag=direct status=none)
	# Loop devices again, over the same files.
	for f in a b c; do
		check_grep "/var/tmp/scratch/$f.img" <(losetup -j /var/tmp/scratch/$f.img)
	done
	# The replica is shared again (configfs, from its LV tags).
	check_eq "$("$MC" -o json replica list | jq -r '.[] | select(.name == "r1") | .share')" \
		nvmf "replica share"
	check test -d /sys/kernel/config/nvmet/subsystems/"$("$MC" -o json replica list |
		jq -r '.[] | select(.name == "r1") | .uri' | sed 's#.*/##')"
	# The state file is unchanged by a restore that found everything.
	check cmp "$RESULTS/state-phase1.json" "$state"
}

phase2_missing_child() {
	check "$MC" nexus destroy nx0
	# Destroy forgets the nexus; put its entry back as the reboot would see it.
	check_eq "$(jq '.nexuses | length' "$state")" 0 "destroyed nexus forgotten"
	cp "$RESULTS/state-phase1.json" "$state"
	mv /var/tmp/scratch/b.img /var/tmp/scratch/b.moved
	check "$AGENT" --restore-only 2>"$RESULTS/agent3.log"
	cat "$RESULTS/agent3.log"
	check_grep '^mayastor-agent: warning: nexus nx0: child /var/tmp/scratch/b.img left out: ' \
		"$RESULTS/agent3.log"
	check_grep '^mayastor-agent: nexus nx0: restored with 3 of 4 children$' \
		"$RESULTS/agent3.log"
	wait_for '[ -b /dev/nx0 ]'
	check cmp "$RESULTS/pattern" <(dd if=/dev/nx0 bs=1M skip=4 count=8 iflag=direct status=none)
	# The entry keeps the missing child: it may come back.
	check_eq "$(jq -r '.nexuses[0].children | join(" ")' "$state")" \
		"/var/tmp/scratch/a.img lvol://p0/r1 /var/tmp/scratch/c.img /var/tmp/scratch/b.img" \
		"missing child kept (after those found)"
	check "$MC" nexus destroy nx0
}

phase2_errors() {
	local rc

	echo '{ "version": 1, "nexuses": [ { "name": "x" } ] }' >/var/tmp/scratch/bad.json
	rc=0
	"$AGENT" --restore-only --state-file /var/tmp/scratch/bad.json 2>"$RESULTS/agent4.log" || rc=$?
	check_eq $rc 1 "exit status, corrupt state file"
	check_grep '^mayastor-agent: error: /var/tmp/scratch/bad.json: nexus x: missing or invalid "uuid"$' \
		"$RESULTS/agent4.log"
	rc=0
	"$AGENT" --bogus 2>/dev/null || rc=$?
	check_eq $rc 2 "exit status, bad usage"
	check "$MC" pool destroy p0 --force
	check_eq "$(jq '.pools | length' "$state")" 0 "destroyed pool forgotten"
	check rmmod nexus
	rc=0
	"$AGENT" --restore-only 2>"$RESULTS/agent5.log" || rc=$?
	check_eq $rc 1 "exit status, no module"
	check_grep '^mayastor-agent: error: nexus.ko is not loaded \(modprobe nexus\)$' \
		"$RESULTS/agent5.log"
}

case $PHASE in
1) phase1 ;;
2)
	phase2_restore
	phase2_missing_child
	phase2_errors
	;;
esac
finish
