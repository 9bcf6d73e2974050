#!/bin/bash
# dkms-check: the committed tree as a DKMS package, in a private DKMS tree
# (nothing under /usr/src or /var/lib/dkms is touched): `dkms build` must
# succeed for every installed kernel line nexus.ko supports (tools/kernels),
# and refuse, before any build, a kernel line it does not (dkms.conf's
# BUILD_EXCLUSIVE_KERNEL: exit 77 and its message).  Prints what it checked;
# exit 1 on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

command -v dkms >/dev/null || { echo "dkms-check: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
work=$(mktemp -d /var/tmp/nexus-dkms.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/$name-$version" "$work/tree"
# The work tree as it is (a check of what is about to be committed).
git ls-files -z --cached --others --exclude-standard |
	tar --null -T - -cf - | tar -xf - -C "$work/src/$name-$version"
dk=(dkms --dkmstree "$work/tree" --sourcetree "$work/src")

failed=0
"${dk[@]}" add "$name/$version" >"$work/add.log" 2>&1 ||
	{ echo "dkms-check: dkms add failed:"; cat "$work/add.log"; exit 1; }

kvers=$(for line in 6.1 6.12; do tools/kernels "$line" || true; done)
[ -n "$kvers" ] || { echo "dkms-check: no supported kernel with headers installed (tools/kernels)" >&2; exit 1; }
for kver in $kvers; do
	if "${dk[@]}" build "$name/$version" -k "$kver" >"$work/build-$kver.log" 2>&1 &&
		compgen -G "$work/tree/$name/$version/$kver/*/module/nexus.ko*" >/dev/null; then
		echo "dkms-check: $kver: built"
	else
		echo "dkms-check: $kver: dkms build failed:"
		tail -n 20 "$work/build-$kver.log"
		failed=1
	fi
done

# An unsupported line, with real headers behind it (6.12's): refused by
# BUILD_EXCLUSIVE_KERNEL before anything is compiled.
fake=6.6.0-0-nexus-dkms-check
real=$(echo "$kvers" | tail -n 1)
rc=0
"${dk[@]}" build "$name/$version" -k "$fake" --kernelsourcedir "/lib/modules/$real/build" \
	>"$work/build-$fake.log" 2>&1 || rc=$?
if [ "$rc" = 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$work/build-$fake.log"; then
	echo "dkms-check: $fake: refused (BUILD_EXCLUSIVE_KERNEL)"
else
	echo "dkms-check: $fake: not refused as expected (exit $rc):"
	tail -n 20 "$work/build-$fake.log"
	failed=1
fi
exit $failed
