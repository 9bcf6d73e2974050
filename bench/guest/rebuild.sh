# shellcheck shell=bash
# Rebuild throughput (placeholder: the nexus has no rebuild yet).
#
# To measure, once `mayastor-client nexus add` rebuilds a child:
#   - rebuild throughput of a nexus child, idle and under fio load, against a
#     raw `dd` copy of the same device (the ceiling) and an md raid1 resync
#     (`mdadm --create` without --assume-clean, or --add of a fresh leg);
#   - foreground IOPS lost while rebuilding: the mirror suite's 4k jobs with
#     and without a rebuild running (and with `nexus set --rebuild-rate`).
# Reuse bench/lib/bench.sh: cfg_NAME_up/down for the configs, bench_rounds
# or bench_fio for the jobs, a sample unit such as MiB/s for rebuild rates,
# and bench_summarize for results.json / results.md.
# VM: needs=nexus kernel=std timeout=3600 mem=2048 smp=2

# shellcheck source=../lib/bench.sh
. "$REPO/bench/lib/bench.sh"

skip "rebuild benchmark not implemented yet (needs nexus rebuild)"
