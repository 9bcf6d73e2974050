# Smoke test of the VM harness itself: the guest booted into the host's root
# with the writable paths, udev, configfs, loop and device-mapper that every
# other test relies on, and can write to its results share.
# VM: timeout=120

log "kernel $(uname -r) ($KERNEL_KIND), phase $PHASE/$PHASES"
check_eq "$(stat -f -c %T /tmp)" tmpfs "/tmp filesystem"
check_eq "$(stat -f -c %T /etc)" overlayfs "/etc filesystem"
check touch /etc/nexus-write-test /var/lib/nexus-write-test /root/nexus-write-test
check test -d "$REPO/tests/vm"
check test -e /dev/fd/0

# configfs is mounted by guest-run; nvmet and LIO live there.
check_grep ' /sys/kernel/config configfs ' /proc/mounts
check pgrep -x systemd-udevd >/dev/null
check test -b "$SCRATCH_DEV"

# loop + dm-linear over it, with udev creating the /dev/mapper node.
mkimg /var/tmp/boot.img 32M
loopdev=$(make_loop /var/tmp/boot.img)
check test -b "$loopdev"
dm_linear boot-linear "$loopdev"
check test -b /dev/mapper/boot-linear
check_eq "$(dev_sectors /dev/mapper/boot-linear)" 65536 "dm-linear size"
echo hello-from-the-guest | dd of=/dev/mapper/boot-linear oflag=direct,sync bs=4k conv=sync status=none
check_eq "$(head -c 20 "$loopdev")" hello-from-the-guest "data through dm-linear"
dm_remove boot-linear
losetup -d "$loopdev"

# The results share is writable and reaches the host.
echo ok >"$OUTDIR/boot-result"
check_eq "$(cat "$OUTDIR/boot-result")" ok "result file"
finish
