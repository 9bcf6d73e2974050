# Crash support of the harness: phase 1 writes to a virtio disk and crashes
# the VM (sysrq-b, like a power cut); the harness boots phase 2 on the same
# disks, which must hold what was written with O_DIRECT before the crash.
# VM: disks=1 disk_size=64M phases=2 timeout=120 check_kernels=std

case $PHASE in
1)
	dd if=/dev/urandom of="$RESULTS/pattern" bs=64k count=16 status=none
	dd if="$RESULTS/pattern" of="$DISK1" bs=64k seek=8 oflag=direct status=none
	uname -r >"$RESULTS/phase1-ran"
	crash_vm
	;;
2)
	check test -f "$RESULTS/phase1-ran"
	check test -f "$RESULTS/phase1/crashed"
	check cmp "$RESULTS/pattern" <(dd if="$DISK1" bs=64k skip=8 count=16 iflag=direct status=none)
	;;
esac
finish
