# shellcheck shell=bash
# Bitmap cost (placeholder: the nexus has no write-intent bitmap yet).
#
# To measure, once the nexus keeps a dirty-region bitmap: the mirror suite's
# jobs (randwrite above all) on a 2-child nexus with and without its bitmap,
# against md raid1 with and without an internal bitmap
# (`mdadm --create ... --bitmap=internal` vs `--bitmap=none`), over the same
# brd devices; ratios nexus-bitmap/nexus-nobitmap and nexus-bitmap/md-bitmap.
# Reuse bench/lib/bench.sh (see bench/guest/mirror.sh for the pattern).
# VM: needs=nexus kernel=std timeout=3600 mem=2048 smp=2

# shellcheck source=../lib/bench.sh
. "$REPO/bench/lib/bench.sh"

skip "bitmap benchmark not implemented yet (needs the nexus bitmap)"
