# Replica resize grows online: a thick replica held open by a reader and a
# thin one under a live nexus get their new size at once, keep their data
# and take writes past the old end; sizes with suffixes; JSON output.
# `pool list -o json` reports the thin pool's data and metadata use as
# LVM does.  A pool deactivated as by a reboot (vgchange -an) is listed
# offline, its replicas inactive and refused as nexus children, until
# `pool import` brings it back with its data.  The owning nexus of a
# replica (--nexus) is an LV tag.
# VM: needs=nexus disks=1 disk_size=256M timeout=900 check_kernels=std

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
MiB=$((1 << 20))
rj() { mc replica list -o json | jq -r --arg n "$1" ".[] | select(.name == \$n) | $2"; }
pj() { mc pool list rp -o json | jq -r ".[0] | $1"; }
same_at() {	# same FILE DEV OFFSET-MiB
	blockdev --flushbufs "$2"
	cmp -n "$(stat -c %s "$1")" "$1" "$2" --ignore-initial=0:$(($3 * MiB))
}

load_mod dm_thin_pool
insmod_nexus
on_exit 'rmmod nexus'
dd if=/dev/urandom of=/var/tmp/A bs=1M count=16 status=none
dd if=/dev/urandom of=/var/tmp/B bs=1M count=4 status=none
check mc pool create rp "bdev://$DISK1"
check mc replica create rp t1 --size 16
check mc replica create rp n1 --size 16MiB --thin
check dd if=/var/tmp/A of=/dev/rp/t1 bs=1M oflag=direct status=none
check dd if=/var/tmp/A of=/dev/rp/n1 bs=1M oflag=direct status=none

log "thick replica grows while a reader has it open"
exec 3</dev/rp/t1
check_eq "$(mc replica resize rp/t1 --size 32)" "resized replica rp/t1" "resize output"
check_eq "$(blockdev --getsize64 /dev/rp/t1)" $((32 * MiB)) "t1 device size"
check_eq "$(rj t1 .size)" $((32 * MiB)) "t1 listed size"
check_eq "$(rj t1 .used)" $((32 * MiB)) "t1 used (thick)"
check same_at /var/tmp/A /dev/rp/t1 0
check dd if=/var/tmp/B of=/dev/rp/t1 bs=1M seek=24 oflag=direct status=none
check same_at /var/tmp/B /dev/rp/t1 24
# The reader's descriptor sees the new size too.
check_eq "$(blockdev --getsize64 /proc/self/fd/3)" $((32 * MiB)) "size through the open descriptor"
exec 3<&-

log "thin replica grows under a live nexus"
check mc nexus create nx0 lvol://rp/n1
wait_for '[ -b /dev/nx0 ]'
nsize=$(blockdev --getsize64 /dev/nx0)
mc -o json replica resize n1 --size 48 >/var/tmp/out
check_eq "$(jq -r '[.name, .size, .thin] | map(tostring) | join(" ")' /var/tmp/out)" \
	"n1 $((48 * MiB)) true" "resize JSON"
check_eq "$(blockdev --getsize64 /dev/rp/n1)" $((48 * MiB)) "n1 device size"
check_eq "$(mc -o json nexus show nx0 | jq -r .state)" online "nexus state after the resize"
check_eq "$(blockdev --getsize64 /dev/nx0)" "$nsize" "nexus size (does not follow its child)"
check dd if=/var/tmp/B of=/dev/nx0 bs=1M seek=4 oflag=direct status=none
check same_at /var/tmp/B /dev/nx0 4
check same_at /var/tmp/B /dev/rp/n1 4
check dd if=/var/tmp/B of=/dev/rp/n1 bs=1M seek=40 oflag=direct status=none
check same_at /var/tmp/B /dev/rp/n1 40
check mc replica resize rp n1 --size 1G
check_eq "$(blockdev --getsize64 /dev/rp/n1)" $((1 << 30)) "n1 at 1G"
check mc nexus destroy nx0

log "the owning nexus lives in an LV tag"
check mc replica create rp o1 --size 4 --thin --nexus nx7 --uuid 0b6c1f4e-5d2a-4c3b-9e8f-7a6b5c4d3e2f
check_eq "$(rj o1 '[.nexus, .uuid] | join(" ")')" "nx7 0b6c1f4e-5d2a-4c3b-9e8f-7a6b5c4d3e2f" "o1 nexus and uuid"
check_eq "$(lvs --noheadings -o lv_tags rp/o1 | tr -d ' ')" \
	"mayastor_nexus:nx7,mayastor_replica,mayastor_thin:1,mayastor_uuid:0b6c1f4e-5d2a-4c3b-9e8f-7a6b5c4d3e2f" "o1 tags"
check_eq "$(rj t1 .nexus)" null "t1 has no owner"
check mc replica destroy rp/o1

log "pool list JSON: data and metadata use as LVM says"
mc pool list rp -o json
read -r dp mp < <(lvs --noheadings -o data_percent,metadata_percent rp/mayastor_thinpool)
check_eq "$(pj .data_percent)" "$(printf '%.1f' "$dp" | sed 's/\.0$//')" "data_percent"
check_eq "$(pj .metadata_percent)" "$(printf '%.1f' "$mp" | sed 's/\.0$//')" "metadata_percent"
tp=$(pj .thin_pool_size)
check_eq "$tp" "$(lvs --noheadings --units b --nosuffix -o lv_size rp/mayastor_thinpool | tr -d ' ')" "thin_pool_size"
check_eq "$(pj .metadata_size)" "$(lvs --noheadings --units b --nosuffix -o lv_metadata_size rp/mayastor_thinpool | tr -d ' ')" "metadata_size"
check_eq "$(pj .used)" "$(awk -v t="$tp" -v d="$dp" -v k=$((32 * MiB)) 'BEGIN { printf "%d", k + int(t * d / 100) }')" \
	"used = thick + thin data"
check_eq "$(pj '[.replicas, .snapshots, .autoextend] | map(tostring) | join(" ")')" "2 0 true" "counts"

log "deactivated (a reboot), then imported"
udev_settle
check vgchange -an rp
check_eq "$(pj .state)" offline "pool state when inactive"
check_eq "$(rj n1 .active)" false "n1 inactive"
fails_with "mayastor-client: nexus create nx1: child lvol://rp/n1: replica rp/n1 is not active (pool import rp)" \
	nexus create nx1 lvol://rp/n1
check_eq "$(mc pool import rp)" "imported pool rp" "import output"
udev_settle
check_eq "$(pj .state)" online "pool state after import"
check_eq "$(rj n1 .active) $(rj t1 .active)" "true true" "replicas active"
check same_at /var/tmp/A /dev/rp/t1 0
check same_at /var/tmp/B /dev/rp/t1 24
check same_at /var/tmp/B /dev/rp/n1 40
check mc pool destroy rp --force
check_eq "$(vgs --noheadings -o vg_name 2>/dev/null | wc -w)" 0 "VGs left"
finish
