# Every bad input to the pool, replica, snapshot, clone and share commands
# gives its exact one-line error on stderr, nothing on stdout, exit status
# 1, and leaves LVM (vgs, lvs -a, pvs), the loop devices and nvmet's
# configfs byte-for-byte as they were: existing names, unknown and foreign
# pools, a thick replica too large, negative/zero/garbled sizes, destroy of
# a pool with replicas, disks in use (another VG's PV, one of ours, a
# mounted file system, a file system signature), unknown share protocol,
# shrinking resize.
# Inputs the CLI refuses before running anything (docs/cli.md: names,
# sizes, options) are checked in groups: each gives its error and exit
# status, and the group as a whole changes nothing.  (Each LVM report
# takes seconds under TCG.)
# VM: timeout=2400 check_kernels=std

MC=$MAYASTOR_CLIENT
P=mayastor-client
NVMET=/sys/kernel/config/nvmet
# state: everything a failed command must not change (pvs lists every VG
# and orphan PV, lvs every LV with its VG's fields).
state() {
	lvm pvs --noheadings -o pv_name,pv_uuid,vg_name,vg_uuid,vg_tags,vg_size,vg_free 2>&1
	lvm lvs -a --noheadings -o vg_name,lv_name,lv_uuid,lv_size,lv_tags,lv_attr,devices 2>&1
	losetup -l -n -O NAME,BACK-FILE,AUTOCLEAR
	find "$NVMET" 2>/dev/null | sort
	for f in "$NVMET"/subsystems/*/attr_allow_any_host "$NVMET"/subsystems/*/namespaces/*/device_path \
		"$NVMET"/ports/*/addr_*; do
		[ -e "$f" ] && echo "$f=$(cat "$f")"
	done
}
# refused EXPECTED-STDERR ARGS...: mayastor-client ARGS exits 1 with
# exactly that line on stderr and nothing on stdout.
refused() {
	local want=$1 rc=0
	shift
	"$MC" "$@" >/var/tmp/out 2>/var/tmp/err || rc=$?
	check_eq "$rc" 1 "exit status of: $*"
	check_eq "$(cat /var/tmp/err)" "$want" "stderr of: $*"
	check_eq "$(cat /var/tmp/out)" "" "stdout of: $*"
}
# unchanged_since FILE WHAT: state is still what FILE holds.
unchanged_since() {
	udev_settle
	state >/var/tmp/state.now
	if ! cmp -s "$1" /var/tmp/state.now; then
		_check_failed "state changed by: $2"
		diff "$1" /var/tmp/state.now || true
		cp /var/tmp/state.now "$1"	# report each change once
	fi
}
# bad EXPECTED-STDERR ARGS...: refused, and nothing changed.
bad() {
	udev_settle
	state >/var/tmp/state.before
	refused "$@"
	unchanged_since /var/tmp/state.before "${*:2}"
}
# group_start / group_end WHAT: the refused commands between changed nothing.
group_start() { udev_settle; state >/var/tmp/state.group; }
group_end() { unchanged_since /var/tmp/state.group "$1"; }
see() { echo " (see '$P $1 --help')"; }

load_mod dm_thin_pool
load_mod loop
mkimg /var/tmp/t.img 100M
mkimg /var/tmp/o.img 64M
mkimg /var/tmp/f.img 64M
mkimg /var/tmp/m.img 64M
mkimg /var/tmp/spare.img 64M
check "$MC" pool create tpool /var/tmp/t.img
T=$(losetup -j /var/tmp/t.img | cut -d: -f1)
check "$MC" replica create tpool r1 --size 10
check "$MC" replica create tpool r2 --size 100 --thin
check "$MC" replica share tpool/r2 nvmf --allow-any-host --address 127.0.0.1
# A VG that is not ours, on a loop device.
O=$(make_loop /var/tmp/o.img)
lvm pvcreate -q "$O"
lvm vgcreate -q other "$O"
lvm lvcreate -q -y -L 8m -n foreign other
# A disk with a file system (not mounted), one mounted, and a free one.
F=$(make_loop /var/tmp/f.img)
mkfs.ext4 -q "$F"
M=$(make_loop /var/tmp/m.img)
mkfs.ext4 -q "$M"
mkdir -p /var/tmp/mnt/m
mount "$M" /var/tmp/mnt/m
S=$(make_loop /var/tmp/spare.img)
free=$("$MC" pool list tpool -o json | jq -r '.[0].free')
free_h=$(awk -v b="$free" 'BEGIN { printf "%.1fMiB", b / 1048576 }')
state >/var/tmp/state.start
log "tpool on $T, other on $O, ext4 on $F, mounted ext4 on $M, free $S; tpool has $free_h free"

log "pools"
bad "$P: pool create tpool: pool tpool exists already" pool create tpool "$S"
bad "$P: pool create other: a volume group named other exists already (not a mayastor pool)" \
	pool create other "$S"
bad "$P: pool create p2: disk $O: Can't initialize physical volume \"$O\" of volume group \"other\" without -ff" \
	pool create p2 "$O"
bad "$P: pool create p2: disk $T: Can't initialize physical volume \"$T\" of volume group \"tpool\" without -ff" \
	pool create p2 "$T"
bad "$P: pool create p2: disk $M: Can't open $M exclusively.  Mounted filesystem?" \
	pool create p2 "$M"
bad "$P: pool create p2: disk $F: ext4 signature detected on $F at offset 1080 (LVM asked \"Wipe it?\"; the answer is no)" \
	pool create p2 "$F"
# The first disk was fine: its PV is removed again when the second fails.
bad "$P: pool create p2: disk $O: Can't initialize physical volume \"$O\" of volume group \"other\" without -ff" \
	pool create p2 "$S" "$O"
bad "$P: pool create p2: disk /var/tmp/nosuch.img: No such file or directory" \
	pool create p2 /var/tmp/nosuch.img
bad "$P: pool create p2: disk bdev:///var/tmp/spare.img: not a block device" \
	pool create p2 bdev:///var/tmp/spare.img
group_start
refused "$P: pool create: invalid pool name 'bad/name' (1-31 characters of A-Z a-z 0-9 . _ -, not starting with -)$(see 'pool create')" \
	pool create bad/name "$S"
refused "$P: pool create p2: missing DISK$(see 'pool create')" pool create p2
group_end "pool usage errors"
bad "$P: pool destroy tpool: pool has 2 replica(s) or snapshot(s); destroy them first, or use --force" \
	pool destroy tpool
# Forced, but a replica is open: nothing is removed, r2's share is back.
exec 3</dev/tpool/r1
bad "$P: pool destroy tpool: replica r1 is open (in use by a nexus or another program); nothing was removed" \
	pool destroy tpool --force
exec 3<&-
bad "$P: pool destroy other: volume group other is not a mayastor pool (it has no mayastor_pool tag); leaving it alone" \
	pool destroy other
bad "$P: pool destroy other: volume group other is not a mayastor pool (it has no mayastor_pool tag); leaving it alone" \
	pool destroy other --force
bad "$P: pool destroy nosuch: no pool named nosuch" pool destroy nosuch
bad "$P: pool list: no pool named nosuch" pool list nosuch
bad "$P: pool list: volume group other is not a mayastor pool (it has no mayastor_pool tag); leaving it alone" \
	pool list other
bad "$P: pool import nosuch: no pool named nosuch" pool import nosuch
bad "$P: pool import other: volume group other is not a mayastor pool (it has no mayastor_pool tag); leaving it alone" \
	pool import other

log "replicas"
bad "$P: replica create r1: pool tpool already has a volume named r1" \
	replica create tpool r1 --size 10
bad "$P: replica create r2: pool tpool already has a volume named r2" \
	replica create tpool r2 --size 10 --thin
bad "$P: replica create r9: no pool named nosuch" replica create nosuch r9 --size 10
bad "$P: replica create r9: volume group other is not a mayastor pool; leaving it alone" \
	replica create other r9 --size 10
bad "$P: replica create big: not enough space for a thick replica of 1000.0MiB: pool tpool has $free_h free" \
	replica create tpool big --size 1000
bad "$P: replica create big: not enough space for a thick replica of 1.0TiB: pool tpool has $free_h free" \
	replica create tpool big --size 1T
group_start
for sz in -1 -10M; do
	refused "$P: replica create r9: invalid --size '$sz': must not be negative$(see 'replica create')" \
		replica create tpool r9 --size="$sz"
done
for sz in 0 0M 0GiB; do
	refused "$P: replica create r9: invalid --size '$sz': must be greater than zero$(see 'replica create')" \
		replica create tpool r9 --size "$sz"
done
for sz in abc M ' 10'; do
	refused "$P: replica create r9: invalid --size '$sz': not a number (examples: 64, 512MiB, 10G, 4096B)$(see 'replica create')" \
		replica create tpool r9 --size "$sz"
done
for sz in 10x 1.5 10MB 10m3 '10 M'; do
	refused "$P: replica create r9: invalid --size '$sz': unknown unit (use B, K, M, G, T, KiB, MiB, GiB or TiB; a plain number is MiB)$(see 'replica create')" \
		replica create tpool r9 --size "$sz"
done
refused "$P: replica create r9: invalid --size '': empty size$(see 'replica create')" \
	replica create tpool r9 --size ''
refused "$P: replica create r9: invalid --size '99999999999999999999': too large$(see 'replica create')" \
	replica create tpool r9 --size 99999999999999999999
refused "$P: replica create r9: invalid --size '17179869184T': too large$(see 'replica create')" \
	replica create tpool r9 --size 17179869184T
refused "$P: replica create r9: invalid --size '100B': not a multiple of 512 bytes$(see 'replica create')" \
	replica create tpool r9 --size 100B
refused "$P: replica create r9: missing --size$(see 'replica create')" replica create tpool r9
refused "$P: replica create: invalid name 'mayastor_x' (1-31 characters of A-Z a-z 0-9 . _ -, not starting with - or mayastor_)$(see 'replica create')" \
	replica create tpool mayastor_x --size 10
refused "$P: replica create: invalid name 'a b' (1-31 characters of A-Z a-z 0-9 . _ -, not starting with - or mayastor_)$(see 'replica create')" \
	replica create tpool 'a b' --size 10
refused "$P: replica create r9: invalid --uuid 'xyz': expected the 36-character form, like 123e4567-e89b-12d3-a456-426614174000$(see 'replica create')" \
	replica create tpool r9 --size 10 --uuid xyz
group_end "replica create usage errors"
# LVM's own rule, LVM's message.
bad "$P: replica create snapshot1: Names starting \"snapshot\" are reserved. Please choose a different LV name" \
	replica create tpool snapshot1 --size 10
bad "$P: replica destroy nosuch: no replica named nosuch" replica destroy nosuch
bad "$P: replica destroy tpool/nosuch: no replica nosuch in pool tpool" replica destroy tpool/nosuch
bad "$P: replica destroy other/foreign: volume group other is not a mayastor pool; leaving it alone" \
	replica destroy other/foreign
bad "$P: replica resize tpool/r1: replica is 10.0MiB already: it can only grow" \
	replica resize tpool/r1 --size 5
bad "$P: replica resize tpool/r1: replica is 10.0MiB already: it can only grow" \
	replica resize tpool/r1 --size 10
bad "$P: replica resize tpool/r2: replica is 100.0MiB already: it can only grow" \
	replica resize tpool/r2 --size 99M
bad "$P: replica resize tpool/r1: not enough space to grow thick replica r1 to 1000.0MiB: pool tpool has $free_h free" \
	replica resize tpool/r1 --size 1000
group_start
refused "$P: replica resize: invalid --size '-5': must not be negative$(see 'replica resize')" \
	replica resize tpool/r1 --size -5

group_end "replica resize usage error"
log "snapshots and clones"
bad "$P: snapshot create tpool/r1: replica r1 is thick: only thin replicas have snapshots" \
	snapshot create tpool/r1 s1
bad "$P: snapshot create nosuch: no replica or nexus named nosuch" snapshot create nosuch s1
bad "$P: snapshot create tpool/nosuch: no replica nosuch in pool tpool" snapshot create tpool/nosuch s1
group_start
refused "$P: snapshot create: invalid snapshot name 'a/b' (1-31 characters of A-Z a-z 0-9 . _ -)$(see 'snapshot create')" \
	snapshot create tpool/r2 a/b
group_end "snapshot usage error"
bad "$P: snapshot create tpool/r2: Logical Volume \"r1\" already exists in volume group \"tpool\"" \
	snapshot create tpool/r2 r1
bad "$P: snapshot destroy tpool/r2: no snapshot r2 in pool tpool" snapshot destroy tpool/r2
bad "$P: clone create tpool/r2: no snapshot r2 in pool tpool" clone create tpool/r2 c1

log "shares"
group_start
refused "$P: replica share: unknown share protocol 'iscsi' (supported: nvmf)$(see 'replica share')" \
	replica share tpool/r1 iscsi --allow-any-host
refused "$P: replica share: unknown share protocol 'nvme' (supported: nvmf)$(see 'replica share')" \
	replica share tpool/r1 nvme --host nqn.2014-08.org.nvmexpress:uuid:1
refused "$P: replica share: invalid --host 'foo': expected an NQN like nqn.2014-08.org.nvmexpress:uuid:UUID$(see 'replica share')" \
	replica share tpool/r1 nvmf --host foo
refused "$P: replica share: --host and --allow-any-host exclude each other$(see 'replica share')" \
	replica share tpool/r1 nvmf --host nqn.2014-08.org.nvmexpress:uuid:1 --allow-any-host
refused "$P: replica share: invalid --port '0': 1-65535$(see 'replica share')" \
	replica share tpool/r1 nvmf --allow-any-host --port 0
refused "$P: replica share: invalid --port '70000': 1-65535$(see 'replica share')" \
	replica share tpool/r1 nvmf --allow-any-host --port 70000
group_end "share usage errors"
bad "$P: replica share tpool/r2: already shared as nqn.2019-05.io.openebs:$("$MC" replica list -o json | jq -r '.[] | select(.name == "r2") | .uuid')" \
	replica share tpool/r2 nvmf --allow-any-host
bad "$P: replica share nosuch: no replica named nosuch" replica share nosuch nvmf --allow-any-host
bad "$P: replica unshare tpool/r1: replica r1 is not shared" replica unshare tpool/r1

# The foreign VG is never listed as ours.
check_eq "$("$MC" pool list -o json | jq -r '[.[].name] | join(",")')" tpool "pools listed"
check_eq "$("$MC" replica list -o json | jq -r '[.[].name] | join(",")')" r1,r2 "replicas listed"
# Nothing changed over all of it either.
state >/var/tmp/state.end
check diff /var/tmp/state.start /var/tmp/state.end
umount /var/tmp/mnt/m
check "$MC" pool destroy tpool --force
finish
