#!/bin/bash
# Build nexus.ko out of tree in a scratch copy: W=1, sparse (C=1) and
# checkpatch --strict.  Usage: tools/kbuild-check.sh [KERNEL_BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${1:-/lib/modules/$(ls /lib/modules | sort -V | tail -1)/build}
# Where Debian's linux-source-* packages put their tarball (a variable only
# so that the "not installed" path can be tested).
src_dir=${NEXUS_LINUX_SOURCE_DIR:-/usr/src}

# checkpatch_script: print the path of checkpatch.pl taken from the installed
# linux-source package (Debian ships the tree only as a tarball), extracted
# once with the two data files it reads from its own directory into
# $NEXUS_CACHE/checkpatch-VERSION. A missing package is an error, not a skip:
# a style step that silently does nothing passes everything.
checkpatch_script() {
	local tarball pkg ver dir tmp
	# 6.1, the kernel we build for, when present: another version's
	# checkpatch has other rules.
	tarball=$(ls "$src_dir"/linux-source-6.1.tar.xz 2>/dev/null ||
		ls "$src_dir"/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1) || true
	if [ -z "$tarball" ]; then
		echo "kbuild-check: no checkpatch.pl: install the Debian package linux-source-6.1" \
			"(apt-get install linux-source-6.1; it is in .ci/packages.txt)" >&2
		return 1
	fi
	pkg=$(dpkg-query -S "$tarball" 2>/dev/null | cut -d: -f1)
	ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
		ver=$(stat -c %Y-%s "$tarball")
	dir=${NEXUS_CACHE:-/var/cache/nexus}/checkpatch-$ver
	if [ ! -f "$dir/checkpatch.pl" ]; then
		mkdir -p "${dir%/*}"
		tmp=$(mktemp -d "$dir.XXXXXX")
		tar -xJf "$tarball" -C "$tmp" --strip-components=2 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' || {
			rm -rf "$tmp"
			echo "kbuild-check: cannot extract checkpatch.pl from $tarball" >&2
			return 1
		}
		# Another run may have won the race; either copy is the same.
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	fi
	echo "$dir/checkpatch.pl"
}

work=$(mktemp -d /var/tmp/nexus-kcheck.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$top/kmod" "$top/uapi" "$work/"
status=0
out=$(make -C "$kdir" M="$work/kmod" W=1 C=1 modules 2>&1) || status=1
warn=$(grep -E 'warning:|error:' <<<"$out" | grep -v 'Skipping BTF' || true)
if [ -n "$warn" ] || [ $status -ne 0 ]; then
	echo "$out" | sed "s#$work/##g" | grep -vE '^make|^  (CC|LD|MODPOST|CHECK)' >&2
	echo "kbuild-check: W=1/sparse build failed" >&2
	status=1
fi
ck=$(checkpatch_script) || status=1
if [ -n "$ck" ]; then
	# Our sources only: an in-tree `make` leaves kbuild's nexus.mod.c there.
	mapfile -t srcs < <(ls "$top"/kmod/*.[ch] "$top"/uapi/linux/*.h | grep -v '\.mod\.c$')
	if ! perl "$ck" --no-tree --strict --terse --show-types -f "${srcs[@]}"; then
		echo "kbuild-check: checkpatch found problems" >&2
		status=1
	fi
fi
[ $status -eq 0 ] && echo "kbuild-check: W=1, sparse and checkpatch clean"
exit $status
