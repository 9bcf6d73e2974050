# The harness attaches fresh raw virtio disks as /dev/vdb, /dev/vdc (vda is
# the harness's scratch disk) and they support O_DIRECT, unlike images on
# the guest's tmpfs.
# VM: disks=2 disk_size=64M timeout=120 check_kernels=std

check_eq "$DISKS" "/dev/vdb /dev/vdc" "DISKS"
check_eq "$SCRATCH_DEV" /dev/vda "scratch disk"
for d in /dev/vdb /dev/vdc; do
	check test -b "$d"
	check_eq "$(blockdev --getsize64 "$d")" $((64 << 20)) "size of $d"
	# Fresh per test: all zeroes.
	check_eq "$(head -c 1M "$d" | tr -d '\0' | wc -c)" 0 "$d initially zero"
	check dd if=/dev/urandom of=/var/tmp/pattern bs=64k count=16 status=none
	check dd if=/var/tmp/pattern of="$d" bs=64k oflag=direct status=none
	check cmp /var/tmp/pattern <(dd if="$d" bs=64k count=16 iflag=direct status=none)
done
finish
