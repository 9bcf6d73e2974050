# Thin overcommit: a 1 GiB thin replica on a 96 MiB pool, filled until the
# thin pool is exhausted, behaves as docs/pools.md says: with autoextend
# off, a write needing a new block fails at once (ENOSPC/EIO), rewrites of
# allocated blocks and reads work, data written before is intact, `pool
# list` says full 100.0%, and writes work again once the thin pool has
# room.  With autoextend on, `pool list` grows the thin pool into the VG
# until the VG is used up.  Under a nexus the failed write faults that
# child (io-error, event) while the nexus carries on with its mirror, or
# fails the write when it was the only child: never silent loss.
# VM: needs=nexus disks=2 disk_size=96M timeout=900 check_kernels=std

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
MiB=$((1 << 20))
# pj POOL JQ-EXPR: a field of `pool list POOL -o json`.
pj() { mc pool list "$1" -o json | jq -r ".[0] | $2"; }
cf() { mc -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
nstate() { mc -o json nexus show "$1" | jq -r .state; }
# fill DEV PATTERN: dd PATTERN onto DEV in 1 MiB direct writes until the
# first failure, which must come (the pool is smaller) and be ENOSPC or
# EIO; $filled is the MiB written.
fill() {
	local rc=0
	dd if="$2" of="$1" bs=1M oflag=direct 2>/var/tmp/dd.err || rc=$?
	cat /var/tmp/dd.err
	[ "$rc" -ne 0 ] || _check_failed "dd onto $1 did not fail"
	grep -Eq 'No space left on device|Input/output error' /var/tmp/dd.err ||
		_check_failed "dd error is not ENOSPC/EIO: $(cat /var/tmp/dd.err)"
	filled=$(sed -n 's/^\([0-9]*\)+0 records out$/\1/p' /var/tmp/dd.err)
}
# mapped VG LV: bytes of thin LV VG/LV that have pool blocks (dm-thin's exact
# count). A nexus writes its label and bitmap at the end of each child, so a
# thin child holds that much before any data (docs/pools.md).
mapped() { echo $(($(dmsetup status "$1-$2" | awk '{ print $4 }') * 512)); }
# room T USED: whole MiB of data that fit in a thin pool of T bytes of
# which USED are taken.
room() { echo $((($1 - $2) / MiB * MiB)); }
# same_prefix A DEV BYTES: the first BYTES of A and DEV are equal (DEV's
# page cache dropped first: writes through a nexus bypass it).
same_prefix() {
	blockdev --flushbufs "$2"
	cmp -n "$3" "$1" "$2"
}

load_mod dm_thin_pool
load_mod loop
insmod_nexus
on_exit 'rmmod nexus'

# --- autoextend off: the thin LV itself ------------------------------------
log "pool p1 on $DISK1, --no-autoextend"
check mc pool create p1 "bdev://$DISK1" --no-autoextend
check_eq "$(pj p1 .autoextend)" false "p1 autoextend"
check mc replica create p1 big --size 1G --thin
check_eq "$(blockdev --getsize64 /dev/p1/big)" $((1 << 30)) "big size"
T=$(pj p1 .thin_pool_size)
log "thin pool data: $T bytes"
[ "$T" -lt $((96 * MiB)) ] || _check_failed "thin pool $T is not smaller than the disk"
dd if=/dev/urandom of=/var/tmp/pat bs=1M count=$((T / MiB + 16)) status=none
fill /dev/p1/big /var/tmp/pat
log "wrote $filled MiB before the pool was full"
check_eq "$((filled * MiB))" "$T" "MiB written = thin pool size"
mc pool list p1
check_eq "$(pj p1 .state)" full "p1 state when exhausted"
check_eq "$(pj p1 .data_percent)" 100 "p1 data_percent"
check_eq "$(mc pool list p1 | awk 'NR==2 {print $2, $5}')" "full 100.0%" "p1 table STATE DATA%"
check_eq "$(pj p1 .thin_pool_size)" "$T" "no autoextend"
check_grep 'out-of-data-space' <(dmesg)
# Writes to allocated blocks and all reads work; what was written is intact.
check dd if=/var/tmp/pat of=/dev/p1/big bs=1M count=2 seek=4 skip=4 oflag=direct status=none
check same_prefix /var/tmp/pat /dev/p1/big "$T"
check_eq "$(dd if=/dev/p1/big bs=1M skip=900 count=1 status=none | tr -d '\0' | wc -c)" 0 \
	"unwritten blocks read as zeros"
# A new block fails at once, again.
check_fail dd if=/var/tmp/pat of=/dev/p1/big bs=1M count=1 seek=500 oflag=direct status=none
# Room added by hand (the VG has free space): writes work again.
free=$(pj p1 .free)
[ "$free" -ge $((8 * MiB)) ] || _check_failed "p1 has only $free bytes free"
check lvm lvextend -q -L +8m p1/mayastor_thinpool
check dd if=/var/tmp/pat of=/dev/p1/big bs=1M count=1 seek=500 oflag=direct status=none
check_eq "$(pj p1 .state)" online "p1 state with room again"
blockdev --flushbufs /dev/p1/big
check cmp -n $MiB /var/tmp/pat /dev/p1/big --ignore-initial=0:$((500 * MiB))
check same_prefix /var/tmp/pat /dev/p1/big "$T"

# --- autoextend on: pool list grows the thin pool into the VG ---------------
log "pool p2 on $DISK2, autoextend"
check mc pool create p2 "bdev://$DISK2"
check mc replica create p2 big --size 1G --thin
T2=$(pj p2 .thin_pool_size)
# 80% of the thin pool: past the 70% threshold.
check dd if=/var/tmp/pat of=/dev/p2/big bs=1M count=$((T2 * 8 / 10 / MiB)) oflag=direct status=none
T3=$(pj p2 .thin_pool_size)
log "thin pool $T2 -> $T3 bytes"
check_eq "$T3" $((T2 + T2 / 5 / MiB * MiB)) "grown by 20%"
check_eq "$(pj p2 .state)" online "p2 state after growing"
# Keep writing; every failure is followed by a look at the pool (as the
# daemon will do), until the VG has no room left.
off=$((T2 * 8 / 10 / MiB)) rounds=0
while [ "$rounds" -lt 40 ]; do
	rounds=$((rounds + 1))
	if dd if=/var/tmp/pat of=/dev/p2/big bs=1M count=8 seek=$off skip=$((off % 16)) \
		oflag=direct status=none 2>/dev/null; then
		off=$((off + 8))
		continue
	fi
	before=$(pj p2 .thin_pool_size)	# extends, if it can
	[ "$(pj p2 .thin_pool_size)" = "$before" ] && [ "$(pj p2 .state)" = full ] && break
done
mc pool list p2 -o json
check_eq "$(pj p2 .state)" full "p2 state when the VG is used up"
check_eq "$(pj p2 .data_percent)" 100 "p2 data_percent"
[ "$(pj p2 .free)" -lt $((2 * MiB)) ] || _check_failed "p2 still has $(pj p2 .free) bytes free"
[ "$(pj p2 .thin_pool_size)" -gt "$T3" ] || _check_failed "p2 thin pool did not grow further"

# --- under a nexus ------------------------------------------------------------
log "nexus nx1: thin replica on an exhausting pool + a 1 GiB file"
mkimg /var/tmp/p3.img 96M
mkimg /var/tmp/m.img 1G
check mc pool create p3 /var/tmp/p3.img --no-autoextend
check mc replica create p3 t1 --size 1G --thin
T=$(pj p3 .thin_pool_size)
"$MC" events -o json >"$RESULTS/events.log" &
evpid=$!
on_exit "kill $evpid 2>/dev/null || true"
sleep 1
check mc nexus create nx1 lvol://p3/t1 /var/tmp/m.img
wait_for '[ -b /dev/nx1 ]'
meta=$(mapped p3 t1)
log "the nexus metadata takes $meta bytes of p3's thin pool"
[ "$meta" -gt 0 ] && [ "$meta" -le $((4 * MiB)) ] || _check_failed "metadata mapped on t1: $meta bytes"
mc nexus children nx1
C1=$(mc -o json nexus children nx1 | jq -r '.[0].path')
M1=$(mc -o json nexus children nx1 | jq -r '.[1].path')
check_eq "$(cf nx1 "$C1" .state)" online "t1 state before"
# The nexus takes the write although one child cannot.
check dd if=/var/tmp/pat of=/dev/nx1 bs=1M oflag=direct status=none
mc nexus children nx1
check_eq "$(cf nx1 "$C1" .state)" faulted "t1 state"
check_eq "$(cf nx1 "$C1" .reason)" io-error "t1 reason"
check_eq "$(cf nx1 "$M1" .state)" online "mirror state"
check_eq "$(nstate nx1)" degraded "nx1 state"
size=$(stat -c %s /var/tmp/pat)
check cmp -n "$size" /var/tmp/pat /dev/nx1
check same_prefix /var/tmp/pat "$M1" "$size"
# The replica holds what it took before the pool was full, and zeros
# (never stale or wrong data the nexus would read) after.
check same_prefix /var/tmp/pat /dev/p3/t1 "$(room "$T" "$meta")"
check_eq "$(pj p3 .state)" full "p3 state"
sleep 1
kill $evpid 2>/dev/null || true
wait $evpid 2>/dev/null || true
check_eq "$(jq -c --arg p "$C1" 'select(.event == "child-state" and .nexus == "nx1" and .child.path == $p and .child.state == "faulted" and .child.reason == "io-error")' "$RESULTS/events.log" | wc -l)" 1 \
	"child-state faulted io-error event for t1"
check mc nexus destroy nx1

log "nexus nx2: the thin replica is its only child"
mkimg /var/tmp/p4.img 96M
check mc pool create p4 /var/tmp/p4.img --no-autoextend
check mc replica create p4 t2 --size 1G --thin
T=$(pj p4 .thin_pool_size)
check mc nexus create nx2 lvol://p4/t2
wait_for '[ -b /dev/nx2 ]'
meta=$(mapped p4 t2)
C2=$(mc -o json nexus children nx2 | jq -r '.[0].path')
fill /dev/nx2 /var/tmp/pat
log "wrote $filled MiB through nx2 before the error"
check_eq "$((filled * MiB))" "$(room "$T" "$meta")" "MiB written through nx2 = thin pool less the metadata"
mc nexus children nx2
check_eq "$(cf nx2 "$C2" .state)" faulted "t2 state"
check_eq "$(nstate nx2)" faulted "nx2 state"
check_fail dd if=/var/tmp/pat of=/dev/nx2 bs=1M count=1 oflag=direct status=none
check same_prefix /var/tmp/pat /dev/p4/t2 "$(room "$T" "$meta")"
check mc nexus destroy nx2

for p in p1 p2 p3 p4; do
	check mc pool destroy "$p" --force
done
udev_settle
check_eq "$(vgs --noheadings -o vg_name 2>/dev/null | wc -w)" 0 "VGs left"
finish
