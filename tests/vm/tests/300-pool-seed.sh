# The original MayaStor client session, verbatim, on LVM-thin in a real
# kernel: a pool on a loop device of a 100 MiB file, a thick and a thin
# replica, list, destroy (both forms), pool destroy; every output checked,
# and LVM checked to be back where it started.  Then the same with an
# aio:// file disk (the CLI attaches the loop device, which goes away with
# the pool), JSON output, and import after the VG was deactivated.
# VM: timeout=900 check_kernels=std

load_mod dm_thin_pool
load_mod loop
mc() { "$MAYASTOR_CLIENT" "$@"; }
out=/var/tmp/out

# --- the seed session ------------------------------------------------------
truncate -s 100m /var/tmp/disk.img
loop=$(losetup --find --show /var/tmp/disk.img)
check mc pool create tpool "$loop"
mc pool list >$out
cat $out
check_grep '^NAME +STATE +CAPACITY +USED +DATA% +META% +DISKS$' $out
check_eq "$(awk 'NR==2 {print $1, $2, $3, $4, $5, $7}' $out)" \
	"tpool online 99.0MiB 0B 0.0% $loop" "pool list row"
check_eq "$(wc -l <$out)" 2 "pool list lines"
check mc replica create tpool replica1 --size=10
check mc replica create tpool replica2 --size=1000 --thin
mc replica list >$out
cat $out
check_grep '^POOL +NAME +UUID +THIN +SIZE +USED +SHARE +URI$' $out
check_eq "$(awk '$2 == "replica1" {print $1, $4, $5, $6, $7, $8}' $out)" \
	"tpool false 10.0MiB 10.0MiB none bdev:///dev/tpool/replica1" "replica1 row"
check_eq "$(awk '$2 == "replica2" {print $1, $4, $5, $6, $7, $8}' $out)" \
	"tpool true 1000.0MiB 0B none bdev:///dev/tpool/replica2" "replica2 row"
check_grep '^tpool +replica1 +[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} ' $out
check_eq "$(blockdev --getsize64 /dev/tpool/replica1)" $((10 << 20)) "replica1 device size"
check_eq "$(blockdev --getsize64 /dev/tpool/replica2)" $((1000 << 20)) "replica2 device size"
# Identity lives in LV tags.
uuid1=$(awk '$2 == "replica1" {print $3}' $out)
check_grep "mayastor_uuid:$uuid1" <(lvs --noheadings -o lv_tags tpool/replica1)
# The pool now has 10 MiB of thick replica in use.
check_eq "$(mc pool list | awk 'NR==2 {print $4}')" 10.0MiB "pool used"
check mc replica destroy tpool replica1		# the seed's form
check mc replica destroy replica2		# the bare name
mc replica list >$out
check_eq "$(cat $out)" "No replicas have been created" "empty replica list"
check mc pool destroy tpool
check_eq "$(mc pool list)" "No pools have been created" "empty pool list"
check_eq "$(vgs --noheadings -o vg_name 2>/dev/null | wc -w)" 0 "VGs left"
check_eq "$(pvs --noheadings -o pv_name 2>/dev/null | wc -w)" 0 "PVs left"
losetup -d "$loop"

# --- aio:// disk, JSON, import -----------------------------------------------
truncate -s 100m /var/tmp/disk2.img
check mc pool create tpool2 'aio:///var/tmp/disk2.img?blk_size=512'
loop2=$(losetup -j /var/tmp/disk2.img | cut -d: -f1)
check test -b "$loop2"
mc -o json pool list >$out
check_eq "$(jq -r '.[0] | [.name, .state, .capacity, .used, .autoextend, (.disks | join(","))] | join(" ")' $out)" \
	"tpool2 online $((99 << 20)) 0 true $loop2" "pool JSON"
check_eq "$(jq -r '.[0].thin_pool_size > 0 and .[0].data_percent == 0' $out)" true "thin pool JSON"
check mc replica create tpool2 r1 --size 8MiB --uuid 123e4567-e89b-42d3-a456-426614174000
mc replica list -o json >$out
check_eq "$(jq -r '.[0] | [.pool, .name, .uuid, .thin, .size, .used, .share, .uri, .path] | map(tostring) | join(" ")' $out)" \
	"tpool2 r1 123e4567-e89b-42d3-a456-426614174000 false $((8 << 20)) $((8 << 20)) none bdev:///dev/tpool2/r1 /dev/tpool2/r1" \
	"replica JSON"
# After a "reboot" (VG deactivated), import brings it back with its replicas.
# The file's loop device has autoclear: it goes with the last LV, so the
# file is given again (docs/pools.md).
vgchange -an tpool2 >/dev/null
udev_settle
check_fail test -b /dev/tpool2/r1
wait_for "[ -z \"\$(losetup -j /var/tmp/disk2.img)\" ]" 10 || _check_failed "loop device stayed after vgchange -an"
check mc pool import tpool2 /var/tmp/disk2.img
udev_settle
check test -b /dev/tpool2/r1
check_eq "$(mc replica list | awk 'NR==2 {print $3}')" 123e4567-e89b-42d3-a456-426614174000 "uuid after import"
check_eq "$(mc pool list tpool2 -o json | jq -r '.[0].replicas')" 1 "replica count"
check mc pool destroy tpool2 --force
udev_settle
wait_for "[ -z \"\$(losetup -j /var/tmp/disk2.img)\" ]" 10 || _check_failed "loop device of the aio disk still attached"
check_eq "$(vgs --noheadings -o vg_name 2>/dev/null | wc -w)" 0 "VGs left"
finish
