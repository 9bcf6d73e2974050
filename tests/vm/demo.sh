# The nexus end to end, for `make demo` (tests/vm/run --show tests/vm/demo.sh):
# a 3-way mirror over image files, an ext4 file system on it, and then each
# image alone still holds that file system (nexus data starts at offset 0
# of every child).
# VM: needs=nexus timeout=600 scratch_size=1G

MC=$MAYASTOR_CLIENT
D=/var/tmp/demo
step() { printf '\n==> %s\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}

step "Loading the nexus kernel module"
run insmod "$NEXUS_KO"
echo '$ lsmod | grep nexus'
lsmod | grep -E '^(Module|nexus)'
load_mod loop	# the CLI attaches image files to loop devices

step "Creating three 64 MiB image files (on ext4, so loop can use direct IO)"
scratch_fs $D
for i in 1 2 3; do run truncate -s 64M $D/child$i.img; done
run ls -ls $D

step "Creating nexus nx0, a 3-way mirror of the image files"
run "$MC" nexus create nx0 $D/child1.img $D/child2.img $D/child3.img
udev_settle
run ls -l /dev/nx0
echo "size: $(blockdev --getsize64 /dev/nx0) bytes (64 MiB - 4 MiB of metadata per child)"

step "Listing nexuses"
run "$MC" nexus list

step "Listing the children of nx0"
run "$MC" nexus children nx0

step "Making an ext4 file system on /dev/nx0 and writing files"
run mkfs.ext4 -q -L demo /dev/nx0
mkdir -p /var/tmp/mnt
run mount /dev/nx0 /var/tmp/mnt
run cp /etc/os-release /var/tmp/mnt/
run dd if=/dev/urandom of=/var/tmp/mnt/random.bin bs=1M count=8 status=none
mkdir /var/tmp/mnt/docs
run cp "$REPO/docs/cli.md" /var/tmp/mnt/docs/
(cd /var/tmp/mnt && find . -type f ! -path './lost+found/*' -exec md5sum {} + | sort -k2) >/var/tmp/md5
cat /var/tmp/md5
run df -h /var/tmp/mnt

step "nexus show -o json (the mounted file system holds it open)"
run "$MC" -o json nexus show nx0

step "Unmounting and destroying nx0 (the data stays on the children)"
run umount /var/tmp/mnt
run "$MC" nexus children nx0
run "$MC" nexus destroy nx0
udev_settle
run "$MC" nexus list
echo "loop devices still attached: $(losetup -a | wc -l)"

step "Each child image alone holds the whole file system"
for i in 1 2 3; do
	img=$D/child$i.img
	run e2fsck -fn "$img"
	mkdir -p /var/tmp/child$i
	run mount -o ro,loop "$img" /var/tmp/child$i
	run ls -l /var/tmp/child$i
	(cd /var/tmp/child$i && find . -type f ! -path './lost+found/*' -exec md5sum {} + | sort -k2) >/var/tmp/md5.$i
	if cmp -s /var/tmp/md5 /var/tmp/md5.$i; then
		echo "child$i.img: every file is intact (md5sums match)"
	else
		diff /var/tmp/md5 /var/tmp/md5.$i || true
		fail "child$i.img does not hold the files written through the nexus"
	fi
	run umount /var/tmp/child$i
done

step "Unloading the module"
run rmmod nexus
printf '\n==> Demo finished: a 3-way mirror, and every child a full copy.\n'
