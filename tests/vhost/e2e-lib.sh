# shellcheck shell=bash
# tests/vhost/e2e-lib.sh: sourced by the tests that run a QEMU guest on
# mayastor-vhost (tests/vhost/qemu-guest), kill the server while the guest
# has requests in flight and check that the next server resubmits them
# (INFLIGHT_SHMFD): tests/vhost/qemu-e2e on the host and VM test 701 (a
# QEMU nested in the test VM, the server restarted by mayastor-agent).
# Needs python3 and /proc/PID/map_files (root).

# fio_clean JSON: the guest's fio report (qemu-guest's fio_verify): its two
# jobs saw no error, wrote, and their verify read back all they wrote.
fio_clean() {
	python3 - "$1" <<-'EOF'
		import json, sys
		text = open(sys.argv[1]).read()
		jobs = json.loads(text[text.index("{"):])["jobs"]	# after fio's warnings
		w = sum(j["write"]["io_bytes"] for j in jobs)
		r = sum(j["read"]["io_bytes"] for j in jobs)
		errs = [j["error"] for j in jobs if j["error"]]
		print(f"# {sys.argv[1]}: {len(jobs)} jobs, {w >> 20} MiB written, {r >> 20} MiB verified, errors {errs}")
		sys.exit(0 if len(jobs) == 2 and w > 0 and r == w and not errs else 1)
	EOF
}

# inflight_counts PID: per queue, the requests the server PID has popped
# and not completed, as its INFLIGHT_SHMFD area (the mapped memfd) says:
# per queue a 16-byte header (desc_num at byte 10) and a 16-byte entry per
# descriptor (the in-flight flag at byte 0), rounded up to 64 bytes.
inflight_counts() {
	python3 - "$1" <<-'EOF'
		import struct, sys
		pid = sys.argv[1]
		areas = [l.split()[0] for l in open(f"/proc/{pid}/maps")
		         if "memfd:mayastor-vhost-inflight" in l]
		if len(areas) != 1:
		    sys.exit(f"{len(areas)} inflight areas mapped")
		data = open(f"/proc/{pid}/map_files/{areas[0]}", "rb").read()
		off, counts = 0, []
		while off + 16 <= len(data):
		    num = struct.unpack_from("<H", data, off + 10)[0]
		    if num == 0:
		        break
		    counts.append(sum(data[off + 16 + 16 * i] == 1 for i in range(num)))
		    off += (16 + 16 * num + 63) // 64 * 64
		print(*counts)
	EOF
}

# kill_in_flight PID: SIGKILL the server PID while its inflight area holds
# at least two requests on some queue (so one at least must be resubmitted,
# even if the kill lands in the middle of a push, which the next server
# finishes instead).  The server is stopped (SIGSTOP) for a steady look at
# the area, killed if so, else let go and tried again 0.1 s later (killed
# anyway after 150 looks, which fails).  Sets IN_FLIGHT (per queue) and
# TRIES.
kill_in_flight() {
	local pid=$1 n rc=1
	for ((TRIES = 1; TRIES <= 150; TRIES++)); do
		kill -STOP "$pid"
		until [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = T ]; do
			kill -0 "$pid" 2>/dev/null || break 2
			sleep 0.01
		done
		IN_FLIGHT=$(inflight_counts "$pid") || break
		for n in $IN_FLIGHT; do [ "$n" -lt 2 ] || rc=0; done
		[ "$rc" = 1 ] || break
		kill -CONT "$pid"
		sleep 0.1
	done
	# Killed in any case: the test goes on (without its proof on a failure).
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true	# when it is our child
	return "$rc"
}

# resubmitted_as_expected LOG: the new server's "queue Q: resubmitting N"
# lines in LOG against IN_FLIGHT: N is what the area held for Q, or one
# less (a push cut short, finished instead), and something was resubmitted.
resubmitted_as_expected() {
	local q=0 n r total=0
	for n in $IN_FLIGHT; do
		r=$(sed -nE "s/.*queue $q: resubmitting ([0-9]+) requests left in flight/\1/p" "$1")
		echo "# queue $q: $n in flight at the kill, ${r:-0} resubmitted"
		[ "${r:-0}" -le "$n" ] && [ "${r:-0}" -ge $((n - 1)) ] || return 1
		total=$((total + ${r:-0})) q=$((q + 1))
	done
	[ "$total" -gt 0 ]
}
