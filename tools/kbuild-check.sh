#!/bin/bash
# Build nexus.ko out of tree in a scratch copy: W=1, sparse (C=1) and
# checkpatch --strict, once per kernel, each with that kernel line's own
# checkpatch.pl.  Usage: tools/kbuild-check.sh [KERNEL_BUILD_DIR...]
# (default: every supported kernel installed, see tools/kernels).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# Where Debian's linux-source-* packages put their tarball (a variable only
# so that the "not installed" path can be tested).
src_dir=${NEXUS_LINUX_SOURCE_DIR:-/usr/src}

# checkpatch_script: print the path of checkpatch.pl taken from the installed
# linux-source package (Debian ships the tree only as a tarball), extracted
# once with the two data files it reads from its own directory into
# $NEXUS_CACHE/checkpatch-VERSION. A missing package is an error, not a skip:
# a style step that silently does nothing passes everything.
checkpatch_script() {
	local line=$1 tarball=$src_dir/linux-source-$1.tar.xz pkg ver dir tmp
	# That kernel's own: another version's checkpatch has other rules.
	if [ ! -f "$tarball" ]; then
		echo "kbuild-check: no checkpatch.pl for $line: install the Debian package" \
			"linux-source-$line (it is in .ci/packages.txt)" >&2
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

# check_kernel KDIR: W=1, sparse and checkpatch for the kernel built in KDIR.
check_kernel() {
	local kdir=$1 rel line out warn ck status=0
	rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) || {
		echo "kbuild-check: $kdir is not a kernel build tree (no include/config/kernel.release)" >&2
		return 1
	}
	line=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$rel")
	echo "kbuild-check: $rel ($kdir)"
	rm -rf "$work/kmod" "$work/uapi"
	cp -r "$top/kmod" "$top/uapi" "$work/"
	out=$(make -C "$kdir" M="$work/kmod" W=1 C=1 modules 2>&1) || status=1
	warn=$(grep -E 'warning:|error:' <<<"$out" | grep -v 'Skipping BTF' || true)
	if [ -n "$warn" ] || [ $status -ne 0 ]; then
		echo "$out" | sed "s#$work/##g" | grep -vE '^make|^  (CC|LD|MODPOST|CHECK)' >&2
		echo "kbuild-check: $rel: W=1/sparse build failed" >&2
		status=1
	fi
	ck=$(checkpatch_script "$line") || status=1
	if [ -n "$ck" ]; then
		# Our sources only: an in-tree `make` leaves kbuild's nexus.mod.c there.
		mapfile -t srcs < <(ls "$top"/kmod/*.[ch] "$top"/kmod/probes/*.c "$top"/uapi/linux/*.h | grep -v '\.mod\.c$')
		if ! perl "$ck" --no-tree --strict --terse --show-types -f "${srcs[@]}"; then
			echo "kbuild-check: $rel: checkpatch ($line) found problems" >&2
			status=1
		fi
	fi
	return $status
}

kdirs=("$@")
if [ ${#kdirs[@]} -eq 0 ]; then
	while read -r _ rel; do
		kdirs+=("/lib/modules/$rel/build")
	done < <("$top/tools/kernels")
fi
if [ ${#kdirs[@]} -eq 0 ]; then
	echo "kbuild-check: no supported kernel's headers are installed" \
		"(linux-headers-amd64, linux-headers-6.12-amd64; see tools/kernels)" >&2
	exit 1
fi
work=$(mktemp -d /var/tmp/nexus-kcheck.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
for kdir in "${kdirs[@]}"; do
	check_kernel "$kdir" || status=1
done
[ $status -eq 0 ] && echo "kbuild-check: W=1, sparse and checkpatch clean on ${#kdirs[@]} kernel(s)"
exit $status
