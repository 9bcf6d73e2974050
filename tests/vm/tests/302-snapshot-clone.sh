# Snapshots and clones on LVM-thin: write a pattern, snapshot, overwrite;
# the snapshot and a clone of it still read the old pattern, the clone is
# writable and independent (of the snapshot and of the replica), the
# snapshot is read-only and either can be destroyed first.  A nexus
# snapshot across 2 lvol children: raw (flushed) and with a mounted ext4
# being written (frozen): the two children's snapshots are identical and
# hold a clean file system with what was written before.
# VM: needs=nexus disks=1 disk_size=512M timeout=900 check_kernels=std

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
MiB=$((1 << 20))
out=/var/tmp/out
# same FILE DEV [BYTES]: DEV starts with FILE (DEV's page cache dropped
# first: it may hold what blkid read before the writes).
same() {
	blockdev --flushbufs "$2"
	cmp -n "${3:-$(stat -c %s "$1")}" "$1" "$2"
}
pat() { dd if=/dev/urandom of="$1" bs=1M count="$2" status=none; }

load_mod dm_thin_pool
insmod_nexus
on_exit 'rmmod nexus'
check mc pool create sp "bdev://$DISK1"

# --- a replica ---------------------------------------------------------------
log "snapshot and clone of a thin replica"
pat /var/tmp/A 16
pat /var/tmp/B 16
pat /var/tmp/C 16
check mc replica create sp r1 --size 32 --thin
check dd if=/var/tmp/A of=/dev/sp/r1 bs=1M oflag=direct status=none
mc snapshot create sp/r1 s1 >$out
check_eq "$(cat $out)" "created snapshot sp/s1 of replica r1" "snapshot create output"
check dd if=/var/tmp/B of=/dev/sp/r1 bs=1M oflag=direct status=none
check same /var/tmp/B /dev/sp/r1
check same /var/tmp/A /dev/sp/s1
check_eq "$(blockdev --getsize64 /dev/sp/s1)" $((32 * MiB)) "snapshot size"
check_eq "$(blockdev --getro /dev/sp/s1)" 1 "snapshot read-only"
check_fail dd if=/var/tmp/C of=/dev/sp/s1 bs=1M count=1 oflag=direct status=none
mc snapshot list >$out
cat $out
check_grep '^POOL +NAME +REPLICA +SIZE +USED +CREATED$' $out
check_eq "$(awk 'NR==2 {print $1, $2, $3, $4}' $out)" "sp s1 r1 32.0MiB" "snapshot list row"
mc snapshot list sp -o json >$out
check_eq "$(jq -r '.[0] | [.pool, .name, .replica, .size, .path] | map(tostring) | join(" ")' $out)" \
	"sp s1 r1 $((32 * MiB)) /dev/sp/s1" "snapshot JSON"
check_eq "$(jq -r '.[0].uuid | test("^[0-9a-f-]{36}$")' $out)" true "snapshot uuid"
# Snapshots are not replicas.
check_eq "$(mc replica list -o json | jq -r '[.[].name] | join(",")')" r1 "replica list"

mc clone create sp/s1 c1 >$out
check_eq "$(cat $out)" "created clone sp/c1 of snapshot s1" "clone create output"
check test -b /dev/sp/c1
check same /var/tmp/A /dev/sp/c1
check dd if=/var/tmp/C of=/dev/sp/c1 bs=1M oflag=direct status=none
check same /var/tmp/C /dev/sp/c1
check same /var/tmp/A /dev/sp/s1
check same /var/tmp/B /dev/sp/r1
mc replica list -o json >$out
check_eq "$(jq -r '.[] | select(.name == "c1") | [.thin, .origin, .size] | map(tostring) | join(" ")' $out)" \
	"true s1 $((32 * MiB))" "clone in replica list"
check_eq "$(mc clone list -o json | jq -r '[.[].name] | join(",")')" c1 "clone list"
# The snapshot goes first: its clone and replica stay as they are.
check mc snapshot destroy sp/s1
check_fail test -e /dev/sp/s1
check same /var/tmp/C /dev/sp/c1
check same /var/tmp/B /dev/sp/r1
check_eq "$(mc snapshot list)" "No snapshots have been created" "no snapshots"
# And the other way: a snapshot of the clone, then the clone goes.
check mc snapshot create sp/c1 s2
check mc replica destroy sp/c1
check same /var/tmp/C /dev/sp/s2
check mc snapshot destroy s2
# Only thin replicas have snapshots.
check mc replica create sp th --size 8
fails_with "mayastor-client: snapshot create sp/th: replica th is thick: only thin replicas have snapshots" \
	snapshot create sp/th s3
check mc replica destroy sp/th
check mc replica destroy sp/r1

# --- a nexus of 2 lvol children, raw --------------------------------------------
log "nexus snapshot, raw device"
check mc replica create sp n1 --size 32 --thin
check mc replica create sp n2 --size 32 --thin
check mc nexus create nx0 lvol://sp/n1 lvol://sp/n2
wait_for '[ -b /dev/nx0 ]'
size=$(blockdev --getsize64 /dev/nx0)
check dd if=/var/tmp/A of=/dev/nx0 bs=1M oflag=direct status=none
mc snapshot create nx0 raw >$out
cat $out
check_eq "$(cat $out)" "created snapshot sp/raw-n1 of replica n1
created snapshot sp/raw-n2 of replica n2" "nexus snapshot output"
check dd if=/var/tmp/B of=/dev/nx0 bs=1M oflag=direct status=none
check same /var/tmp/B /dev/nx0
check same /var/tmp/A /dev/sp/raw-n1
check same /var/tmp/A /dev/sp/raw-n2
# The data region: past it each child holds its own label (uuid, slot).
check cmp -n "$size" /dev/sp/raw-n1 /dev/sp/raw-n2
check_eq "$(mc snapshot list -o json | jq -r '[.[] | "\(.name):\(.replica)"] | sort | join(",")')" \
	"raw-n1:n1,raw-n2:n2" "nexus snapshots listed"

# --- a child not in sync is not snapshotted ------------------------------------
log "nexus snapshot with a child offline"
n2dev=$(mc -o json nexus children nx0 | jq -r '.[1].path')
check mc child offline nx0 "$n2dev"
mc snapshot create nx0 off >$out 2>/var/tmp/off.err
check_eq "$(cat $out)" "created snapshot sp/off-n1 of replica n1" "snapshot output with n2 offline"
check_eq "$(cat /var/tmp/off.err)" "note: child $n2dev is offline, not in sync: no snapshot" \
	"snapshot note for the offline child"
check_fail lvs sp/off-n2
check mc child online nx0 "$n2dev"
check wait_for '[ "$(mc -o json nexus show nx0 | jq -r .state)" = online ]' 60
check mc snapshot destroy sp/off-n1
# Its only replica child offline (the other a plain file): nothing to take.
check mc replica create sp n3 --size 32 --thin
load_mod loop
mkimg /var/tmp/plain.img 64M
check mc nexus create nx1 /var/tmp/plain.img lvol://sp/n3
wait_for '[ -b /dev/nx1 ]'
plaindev=$(mc -o json nexus children nx1 | jq -r '.[0].path')
n3dev=$(mc -o json nexus children nx1 | jq -r '.[1].path')
check mc child offline nx1 "$n3dev"
rc=0
mc snapshot create nx1 none 2>/var/tmp/none.err || rc=$?
check_eq "$rc" 1 "exit status of a snapshot with no replica child in sync"
check_eq "$(cat /var/tmp/none.err)" "note: child $plaindev is not a local replica: no snapshot
note: child $n3dev is offline, not in sync: no snapshot
mayastor-client: snapshot create nx1: nexus nx1 has no local replica child in sync" \
	"stderr of a snapshot with no replica child in sync"
check_fail lvs sp/none-n3
check mc nexus destroy nx1
check mc replica destroy sp/n3

# --- the same nexus with a mounted ext4 being written: frozen ------------------
log "nexus snapshot, mounted ext4 under a writer"
check mkfs.ext4 -q -F /dev/nx0
mkdir -p /var/tmp/mnt/nx
check mount /dev/nx0 /var/tmp/mnt/nx
check cp /var/tmp/A /var/tmp/mnt/nx/a
sync
(
	i=0
	while [ ! -e /var/tmp/stop ]; do
		i=$((i + 1))
		dd if=/var/tmp/C of=/var/tmp/mnt/nx/w bs=64k count=16 conv=notrunc status=none
		echo "$i" >>/var/tmp/mnt/nx/log
	done
) &
wpid=$!
sleep 2
check mc snapshot create nx0 fs
l0=$(wc -l </var/tmp/mnt/nx/log)
check wait_for "[ \$(wc -l </var/tmp/mnt/nx/log) -gt $l0 ]" 60
touch /var/tmp/stop
wait $wpid
check umount /var/tmp/mnt/nx
# Frozen: no write was in flight, both children were snapshotted alike.
check cmp -n "$size" /dev/sp/fs-n1 /dev/sp/fs-n2
check e2fsck -fn /dev/sp/fs-n1
mkdir -p /var/tmp/mnt/snap
check mount -o ro,noload /dev/sp/fs-n1 /var/tmp/mnt/snap
check cmp /var/tmp/A /var/tmp/mnt/snap/a
check test -s /var/tmp/mnt/snap/log
snap_lines=$(wc -l </var/tmp/mnt/snap/log)
check umount /var/tmp/mnt/snap
# Thawed: the writer went on after the snapshot.
check mount /dev/nx0 /var/tmp/mnt/nx
nx_lines=$(wc -l </var/tmp/mnt/nx/log)
log "writer: $snap_lines rounds in the snapshot, $nx_lines in the end"
[ "$nx_lines" -gt "$snap_lines" ] || _check_failed "no write after the thaw"
check umount /var/tmp/mnt/nx

check mc nexus destroy nx0
for s in raw-n1 raw-n2 fs-n1 fs-n2; do
	check mc snapshot destroy "sp/$s"
done
check mc replica destroy sp/n1
check mc replica destroy sp/n2
check mc pool destroy sp
check_eq "$(vgs --noheadings -o vg_name 2>/dev/null | wc -w)" 0 "VGs left"
finish
