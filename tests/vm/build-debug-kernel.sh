#!/bin/bash
# Build (once per machine) a KASAN + lockdep + UBSAN kernel from Debian's
# linux-source-6.1 and print the path of the tree that holds its bzImage.
# The tree is cached under $NEXUS_CACHE (default /var/cache/nexus) and keyed by
# the hash of this script, so changing the config below rebuilds it.
set -euo pipefail

cache=${NEXUS_CACHE:-/var/cache/nexus}
src_tar=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -1)
[ -n "$src_tar" ] || { echo "build-debug-kernel: linux-source-6.1 is not installed" >&2; exit 1; }

key=$(cat "$0" | sha256sum | cut -c1-12)
tree=$cache/debug-kernel-$key
if [ -f "$tree/.built" ]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$cache"
rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
tar -C "$tree.tmp" --strip-components=1 -xf "$src_tar"
cd "$tree.tmp"

make -s defconfig >&2
y_opts="VIRTIO_PCI VIRTIO_BLK VIRTIO_NET NET_9P NET_9P_VIRTIO 9P_FS OVERLAY_FS
	DEVTMPFS DEVTMPFS_MOUNT BLK_DEV_LOOP BLK_DEV_RAM BLK_DEV_NULL_BLK MD BLK_DEV_MD
	MD_RAID1 BLK_DEV_DM DM_MIRROR DM_FLAKEY DM_DELAY DM_THIN_PROVISIONING DM_SNAPSHOT
	NVME_TCP NVME_TARGET NVME_TARGET_TCP CONFIGFS_FS TARGET_CORE ISCSI_TARGET
	TCM_FILEIO TCM_IBLOCK ISCSI_TCP SCSI_ISCSI_ATTRS CRYPTO_CRC32C MEMFD_CREATE TMPFS
	KASAN KASAN_GENERIC KASAN_INLINE PROVE_LOCKING DEBUG_ATOMIC_SLEEP UBSAN
	DEBUG_LIST DEBUG_KMEMLEAK MODULES MODULE_UNLOAD PANIC_ON_OOPS BLK_DEV_INTEGRITY
	VHOST VHOST_NET EXT4_FS XFS_FS DM_LOG_WRITES DM_DUST DETECT_HUNG_TASK
	SOFTLOCKUP_DETECTOR"
for o in $y_opts; do
	scripts/config --enable "$o"
done
# What a TCG guest with virtio devices never uses: a third less to compile
# (KASAN's inline checks make every object slow to build).
n_opts="DRM AGP FB SOUND USB_SUPPORT HID INPUT_JOYSTICK INPUT_TABLET
	INPUT_TOUCHSCREEN INPUT_MISC WIRELESS WLAN CFG80211 MAC80211 RFKILL NETFILTER
	NET_SCHED NFS_FS NFSD ROOT_NFS PCCARD HAMRADIO NET_VENDOR_INTEL NET_VENDOR_REALTEK
	NET_VENDOR_BROADCOM NET_VENDOR_MARVELL NET_VENDOR_NVIDIA NET_VENDOR_AMD
	NET_VENDOR_3COM NET_VENDOR_DEC NET_VENDOR_DLINK NET_VENDOR_RDC NET_VENDOR_8390
	SECURITY_SELINUX AUDIT ATA MACINTOSH_DRIVERS WATCHDOG THERMAL HWMON
	CPU_FREQ PM_SLEEP HIBERNATION SUSPEND KEXEC CRASH_DUMP"
for o in $n_opts; do
	scripts/config --disable "$o"
done
scripts/config --disable DEBUG_INFO --disable DEBUG_INFO_DWARF5 \
	--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --disable DEBUG_INFO_BTF \
	--disable MODULE_SIG --disable SYSTEM_TRUSTED_KEYRING \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
make -s olddefconfig >&2
make -s -j"$(($(nproc) + 1))" bzImage modules >&2
touch .built
cd /
mv "$tree.tmp" "$tree"
echo "$tree"
