# Re-creating a nexus on children whose clean labels tell different
# histories (issue 10, found by a review).  `nexus create` takes every
# child as in sync, so over this nexus's own clean labels it is safe only
# when all the children were active members at one and the same shutdown.
#   1. nx0 on D1 and D2, destroyed; assembled from D1 alone (D2 missing),
#      written, destroyed: D1's clean label is newer than D2's.  A create
#      on both must be refused (D2 would serve stale reads), naming both
#      children and their generations, and change nothing: D2 still holds
#      the old data, and assembly of both then resyncs D2.
#   2. Destroyed while D2 catches up (rebuild paused): both labels clean,
#      of the same generation, D2's member state behind: refused too.
#   3. A blank child beside D1 and D2's clean labels: refused, naming it.
#   4. After the resync finished, destroy and create again on both: the
#      data is there and the copies identical; --force still overrides.
# VM: needs=nexus disks=2 disk_size=96M timeout=400 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
nshow() { "$MC" -o json nexus show nx0 | jq -r "$1"; }
cstate() { "$MC" -o json nexus children nx0 | jq -r ".[] | select(.path == \"$1\") | .state"; }

# at DEV FILE: DEV holds FILE 4 MiB in.
at() { cmp "$2" <(dd if="$1" bs=1M skip=4 count=8 iflag=direct status=none); }

# What the CLI prints before the module's message (extack).
PRE='^mayastor-client: nexus create nx0: (child [^ ]+: )?File exists \(nexus: '

# refused PATTERN: create nx0 on DISK1 DISK2 fails, stderr matching PATTERN,
# and leaves no nexus behind.
refused() {
	local out rc=0
	out=$("$MC" nexus create nx0 "$@" 2>&1) || rc=$?
	log "create $*: exit $rc: $out"
	check_eq "$rc" 1 "exit status of nexus create nx0 $*"
	echo "$out" >"$RESULTS/refused.out"
	check_grep "$PATTERN" "$RESULTS/refused.out"
	check_fail test -b /dev/nx0
}

insmod_nexus
load_mod loop
dd if=/dev/urandom of="$RESULTS/old" bs=1M count=8 status=none
dd if=/dev/urandom of="$RESULTS/new" bs=1M count=8 status=none

log "1: D2 missing at the last shutdown"
check "$MC" nexus create nx0 "$DISK1" "$DISK2"
check dd if="$RESULTS/old" of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
check "$MC" nexus destroy nx0
check "$MC" nexus assemble nx0 "$DISK1"
check_eq "$(nshow .state)" degraded "nexus assembled without D2"
check dd if="$RESULTS/new" of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
check "$MC" nexus destroy nx0
PATTERN="$PRE"'children '"$DISK1 and $DISK2"' carry different shutdowns of nexus nx0 \(generations [0-9]+ and [0-9]+\): one was not a member at the last; assemble it to resync the copies, or force to overwrite\)$'
refused "$DISK1" "$DISK2"
PATTERN="$PRE"'children '"$DISK2 and $DISK1"' carry different shutdowns '
refused "$DISK2" "$DISK1"
check at "$DISK2" "$RESULTS/old"
check at "$DISK1" "$RESULTS/new"

log "2: destroyed while D2 catches up"
check "$MC" nexus assemble nx0 "$DISK1" "$DISK2"
check "$MC" nexus set nx0 --rebuild-rate 1
state=$(cstate "$DISK2")
log "D2 after assembly: $state"
if [ "$state" != online ]; then
	check "$MC" rebuild pause nx0 "$DISK2"
else
	# The resync of one region was done already: make D2 behind again.
	check "$MC" child offline nx0 "$DISK2"
	check dd if="$RESULTS/new" of=/dev/nx0 bs=1M seek=40 oflag=direct status=none
	check "$MC" child online nx0 "$DISK2"
	check "$MC" rebuild pause nx0 "$DISK2"
fi
check_fail test "$(cstate "$DISK2")" = online
check "$MC" nexus destroy nx0
PATTERN="${PRE}child $DISK2 was not in sync when nexus nx0 was shut down; assemble it to resync the copies, or force to overwrite\\)\$"
refused "$DISK1" "$DISK2"

log "3: a blank child beside the copies"
mkimg /var/tmp/blank.img 96M
BLANK=$(make_loop /var/tmp/blank.img)
check "$MC" nexus assemble nx0 "$DISK1" "$DISK2"
check "$MC" nexus set nx0 --rebuild-rate 0
check wait_for '[ "$(nshow .state)" = online ]' 120
check "$MC" nexus destroy nx0
PATTERN="${PRE}child $BLANK carries no label while $DISK1 carries nexus nx0's: it would be taken as in sync; assemble the nexus and add it with child add, or force\\)\$"
refused "$DISK1" "$DISK2" "$BLANK"

log "4: one shutdown, both in sync: re-create is fine"
check "$MC" nexus create nx0 "$DISK1" "$DISK2"
check_eq "$(nshow .state)" online "state after the re-create"
check at /dev/nx0 "$RESULTS/new"
check at "$DISK2" "$RESULTS/new"
check cmp <(dd if="$DISK1" bs=1M count=88 iflag=direct status=none) \
	<(dd if="$DISK2" bs=1M count=88 iflag=direct status=none)
check "$MC" nexus destroy nx0
check "$MC" nexus create nx0 --force "$DISK1" "$DISK2" "$BLANK"
check_eq "$(nshow .state)" online "state after a forced create"
check "$MC" nexus destroy nx0
losetup -d "$BLANK"
finish
