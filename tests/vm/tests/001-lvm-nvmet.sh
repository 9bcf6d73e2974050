# The storage stack the nexus tests build on works in the VM: LVM-thin on a
# loop device (needs udevd), and the kernel nvmet target over TCP on
# 127.0.0.1 configured through configfs, reached with nvme-cli.
# VM: timeout=240 check_kernels=std

# --- LVM thin pool and a thin volume --------------------------------------
load_mod dm_thin_pool
mkimg /var/tmp/pv.img 256M
pv=$(make_loop /var/tmp/pv.img)
pvcreate -q "$pv"
vgcreate -q vmtest "$pv"
lvcreate -q -L 128M -T vmtest/pool
lvcreate -q -V 512M -T vmtest/pool -n thin1
udev_settle
check test -b /dev/vmtest/thin1
check_eq "$(blockdev --getsize64 /dev/vmtest/thin1)" $((512 << 20)) "thin LV size"
lvs --reportformat json -o lv_name,pool_lv vmtest >/var/tmp/lvs.json
check_grep '"lv_name":"thin1", "pool_lv":"pool"' /var/tmp/lvs.json
dd if=/dev/urandom of=/var/tmp/chunk bs=1M count=4 status=none
dd if=/var/tmp/chunk of=/dev/vmtest/thin1 bs=1M seek=100 oflag=direct status=none
check cmp /var/tmp/chunk <(dd if=/dev/vmtest/thin1 bs=1M skip=100 count=4 status=none)
lvremove -q -y vmtest
vgremove -q vmtest
pvremove -q "$pv"
losetup -d "$pv"

# --- nvmet over TCP, loopback ------------------------------------------------
nqn=nqn.2024-01.io.nexus:vmtest
mkimg /var/tmp/ns.img 64M
src=$(make_loop /var/tmp/ns.img)
nvmet_export "$nqn" "$src"
ns=$(nvme_connect_tcp "$nqn")
log "connected $nqn as $ns"
check_eq "$(blockdev --getsize64 "$ns")" $((64 << 20)) "namespace size"
dd if=/dev/urandom of=/var/tmp/data bs=64k count=32 status=none
dd if=/var/tmp/data of="$ns" bs=64k seek=16 oflag=direct status=none
# Read back from the source device, bypassing the page cache of the loop
# device's file.
check cmp /var/tmp/data <(dd if="$src" bs=64k skip=16 count=32 iflag=direct status=none)
nvme disconnect -n "$nqn" >/dev/null
wait_for "! _nvme_ns_of '$nqn' >/dev/null" 10
check_fail test -b "$ns"
nvmet_unexport "$nqn"
check_eq "$(find "$NVMET/subsystems" "$NVMET/ports" -mindepth 1 -maxdepth 1 | wc -l)" 0 "nvmet objects left"
losetup -d "$src"
finish
