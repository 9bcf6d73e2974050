#!/bin/bash
# Build nexus.ko out of tree in a scratch copy: W=1, sparse (C=1) and
# checkpatch --strict.  Usage: tools/kbuild-check.sh [KERNEL_BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${1:-/lib/modules/$(ls /lib/modules | sort -V | tail -1)/build}
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
ck=$top/../shared/tools/checkpatch/checkpatch.pl
[ -f "$ck" ] || ck=$top/tools/checkpatch.pl
if [ -f "$ck" ]; then
	# Our sources only: an in-tree `make` leaves kbuild's nexus.mod.c there.
	mapfile -t srcs < <(ls "$top"/kmod/*.[ch] "$top"/uapi/linux/*.h | grep -v '\.mod\.c$')
	if ! perl "$ck" --no-tree --strict --terse --show-types -f "${srcs[@]}"; then
		echo "kbuild-check: checkpatch found problems" >&2
		status=1
	fi
else
	echo "kbuild-check: checkpatch.pl not found, skipped" >&2
fi
[ $status -eq 0 ] && echo "kbuild-check: W=1, sparse and checkpatch clean"
exit $status
