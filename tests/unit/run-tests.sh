#!/bin/sh
# Runs every cmocka binary given and sums their results into the one line
# "N passed, N failed".  A binary that dies before its summary (a sanitizer
# or valgrind report) counts as one failure, so nothing passes silently; so
# does one that runs longer than UNIT_TIMEOUT seconds (default 60): a hung
# test must not hang `make check`.
runner=$1
shift
limit=${UNIT_TIMEOUT:-60}
passed=0
failed=0
for t in "$@"; do
	# -k: a binary that ignores SIGTERM (stuck in a sanitizer) is killed.
	# shellcheck disable=SC2086
	out=$(timeout -k 5 "$limit" $runner "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "$t: FAILED: still running after ${limit}s (hung?), killed"
		failed=$((failed + 1))
	elif [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		echo "$t: FAILED: exited with status $rc"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
