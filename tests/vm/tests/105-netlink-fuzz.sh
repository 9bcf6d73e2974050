# A structure-aware fuzzer of the netlink family (tests/tools/nlfuzz.py,
# built from docs/nexus.yaml): every command, mostly well-formed requests
# with one thing wrong (truncated and oversized attributes, strings without
# NUL, nests that are not nests, unknown and duplicate attributes, broken
# headers, unknown commands, random flags), over four loop devices, the
# nexuses it creates and paths that are not block devices.  Every request is
# answered, every refusal is a negative errno and changes nothing; no report
# in dmesg (KASAN, lockdep, UBSAN, kmemleak on the debug kernel); the module
# unloads at the end, every loop device free again.
# Knobs: NLFUZZ_SEED (default 1: CI runs the same requests each time),
# NLFUZZ_ITERATIONS (default 1500, 600 on the debug kernel; make check-full:
# 10000).
# VM: needs=nexus smp=2 timeout=1200

SEED=${NLFUZZ_SEED:-1}
# KASAN and kmemleak make each request slower: fewer by default there
# (every command still comes up dozens of times).
ITERATIONS=${NLFUZZ_ITERATIONS:-$([ "$KERNEL_KIND" = debug ] && echo 600 || echo 1500)}
log "nlfuzz seed $SEED, $ITERATIONS requests (NLFUZZ_SEED=$SEED NLFUZZ_ITERATIONS=$ITERATIONS reproduce them)"

insmod_nexus
devs=()
for i in 0 1 2 3; do
	mkimg /var/tmp/f$i.img 40M
	devs+=("$(make_loop /var/tmp/f$i.img)")
done
udev_settle
list=$(IFS=,; echo "${devs[*]}")

out=/var/tmp/nlfuzz.out
rc=0
python3 "$REPO/tests/tools/nlfuzz.py" --seed "$SEED" --iterations "$ITERATIONS" \
	--devices "$list" >"$out" 2>&1 || rc=$?
cp "$out" "$RESULTS/nlfuzz.out"
grep -v '^FAIL' "$out" || true
while IFS= read -r line; do
	_check_failed "${line#FAIL }"
done < <({ grep '^FAIL' "$out" || true; } | head -n 20)
nfail=$(grep -c '^FAIL' "$out" || true)
[ "$rc" = 0 ] || [ "$nfail" -gt 0 ] ||
	_check_failed "nlfuzz exited $rc without a FAIL line: $(tail -n 3 "$out" | tr '\n' ' ')"
summary=$(grep '^requests ' "$out" || true)
[ -n "$summary" ] || _check_failed "nlfuzz printed no summary"
read -r _ total _ accepted _ refused _ failed <<<"$summary"
check_eq "${total:-0}" "$ITERATIONS" "requests sent"
# The fuzzer did real work: it got through the parsers to state changes.
[ "${accepted:-0}" -ge $((ITERATIONS / 50)) ] ||
	_check_failed "only ${accepted:-0} of $ITERATIONS requests were accepted: the fuzzer does not get past the parsers"
[ "${refused:-0}" -ge $((ITERATIONS / 2)) ] ||
	_check_failed "only ${refused:-0} of $ITERATIONS requests were refused: the fuzzer is not damaging them"

check_eq "$("$MAYASTOR_CLIENT" -o json nexus list | jq length)" 0 "nexuses left"
check rmmod nexus
for d in "${devs[@]}"; do
	check_eq "$(ls "/sys/block/${d##*/}/holders" | wc -l)" 0 "holders of $d"
	check losetup -d "$d"
done
finish
