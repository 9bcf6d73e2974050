# Every bad netlink request gets a negative errno plus an extack message and
# changes nothing: after each one the dump of all nexuses is what it was and
# no block device appeared.  Requests are hand-made with tests/tools/nlprobe.py.
# VM: needs=nexus timeout=600

insmod_nexus
probe() { python3 "$REPO/tests/tools/nlprobe.py" "$@"; }

for i in 0 1 2 3; do mkimg /var/tmp/c$i.img 64M; done
mkimg /var/tmp/small.img 4M
L0=$(make_loop /var/tmp/c0.img); L1=$(make_loop /var/tmp/c1.img)
L2=$(make_loop /var/tmp/c2.img); L3=$(make_loop /var/tmp/c3.img)
LS=$(make_loop /var/tmp/small.img)

check probe NEXUS_CREATE NAME=str:nx0 "CHILDREN={CHILD={PATH=str:$L0} CHILD={PATH=str:$L1}}"

# expect ERRNAME MESSAGE-REGEX PROBE-ARGS...: the request fails with ERRNAME,
# the extack message matches (the regex runs on nlprobe's whole line,
# "ERR -N ENAME message [missing ATTR]": anchored, it pins the exact reply),
# and nothing changed (the nexus dump and the block devices are as before). Cases are queued (no fork) and run_cases
# sends them all from one nlprobe process: a python start takes seconds
# under TCG, ten on the debug kernel.
CASES=/var/tmp/cases
: >"$CASES"
expect() {
	local IFS=$'\x1f'
	printf '%s\n' "$*" >>"$CASES"
}
run_cases() {
	local out line
	out=$(probe --batch "$CASES" 2>&1)
	while IFS= read -r line; do
		case $line in
		FAIL*) _check_failed "${line#FAIL }" ;;
		*" cases, "*) log "$line" ;;
		*) _check_failed "nlprobe --batch: $line" ;;
		esac
	done <<<"$out"
	: >"$CASES"
}

C2="CHILDREN={CHILD={PATH=str:$L2}}"
log "missing and malformed attributes"
expect EINVAL '^ERR -22 EINVAL \[missing NAME\]$' NEXUS_CREATE "$C2"
expect EINVAL '^ERR -22 EINVAL \[missing CHILDREN\]$' NEXUS_CREATE NAME=str:nx1
expect EINVAL . NEXUS_CREATE NAME=u32:5 "$C2"
expect EINVAL . NEXUS_CREATE NAME=rawstr:nx1 "$C2"
expect EINVAL policy NEXUS_CREATE NAME=str:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "$C2"
expect EINVAL 'name must be' NEXUS_CREATE NAME=str:bad/name "$C2"
expect EINVAL 'name must be' NEXUS_CREATE NAME=str:-dash "$C2"
expect EINVAL 'name must be' NEXUS_CREATE NAME=str: "$C2"
expect EINVAL . NEXUS_CREATE NAME=str:nx1 "$C2" 30=u32:1
expect EINVAL . NEXUS_CREATE NAME=str:nx1 "$C2" STATE=u32:1
expect ERANGE size NEXUS_CREATE NAME=str:nx1 "$C2" UUID=bin:0011
expect EINVAL . NEXUS_CREATE NAME=str:nx1 "$C2" SIZE=u32:1048576
expect EINVAL . NEXUS_CREATE NAME=str:nx1 "$C2" FLAGS=u32:0x100
expect ERANGE . NEXUS_CREATE NAME=str:nx1 "$C2" REGION_SIZE=u32:4096
expect EINVAL 'power of two' NEXUS_CREATE NAME=str:nx1 "$C2" REGION_SIZE=u32:3000000
expect EINVAL Unsupported NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={SLOT=u32:1}}"
expect EINVAL 'no device path' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={}}"
expect EINVAL 'no device path' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:}}"
expect EINVAL . NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=rawstr:$L2}}"
expect EINVAL 'at least one child' NEXUS_CREATE NAME=str:nx1 "CHILDREN={}"

log "names, devices and sizes"
expect EEXIST 'nexus with that name' NEXUS_CREATE NAME=str:nx0 "$C2"
expect EEXIST 'block device with that name' NEXUS_CREATE NAME=str:loop0 "$C2"
expect ENOENT 'does not exist' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:/dev/nonexistent}}"
expect ENOTBLK 'not a block device' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:/etc/passwd}}"
expect EBUSY 'in use' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:$L2} CHILD={PATH=str:$L0}}"
expect EEXIST 'already a child' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:$L2} CHILD={PATH=str:$L2}}"
expect ENOSPC 'too small' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:$L2} CHILD={PATH=str:$LS}}"
expect ENOSPC 'larger than' NEXUS_CREATE NAME=str:nx1 "$C2" SIZE=u64:$((64 << 20))
expect EINVAL 'multiple of' NEXUS_CREATE NAME=str:nx1 "$C2" SIZE=u64:1000
expect EINVAL 'not be zero' NEXUS_CREATE NAME=str:nx1 "$C2" SIZE=u64:0
many=""
for i in $(seq 33); do many="$many CHILD={PATH=str:$L2}"; done
expect E2BIG 'too many children' NEXUS_CREATE NAME=str:nx1 "CHILDREN={${many# }}"

log "other commands"
expect ENOENT 'no nexus with that name' NEXUS_DESTROY NAME=str:nope
expect ENOENT 'no nexus with that name' NEXUS_GET NAME=str:nope
expect EINVAL '^ERR -22 EINVAL \[missing NAME\]$' NEXUS_GET
expect EINVAL 'cannot be changed' NEXUS_SET NAME=str:nx0 SIZE=u64:4096
expect EINVAL 'cannot be changed' NEXUS_SET NAME=str:nx0 UUID=bin:00112233445566778899aabbccddeeff
log "child UUIDs: only CHILD_REMOVE takes one, for a missing member"
U0=$("$MAYASTOR_CLIENT" -o json nexus children nx0 | jq -r '.[0].uuid' | tr -d -)
expect EINVAL 'missing member' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:$L2 UUID=bin:00112233445566778899aabbccddeeff}}"
expect EINVAL 'missing member' CHILD_FAULT NAME=str:nx0 "CHILD={PATH=str:$L0 UUID=bin:$U0}"
expect ERANGE . CHILD_REMOVE NAME=str:nx0 "CHILD={UUID=bin:0011}"
expect ENOENT 'no missing member' CHILD_REMOVE NAME=str:nx0 "CHILD={UUID=bin:00112233445566778899aabbccddeeff}"
expect EBUSY "child $L0 has that UUID" CHILD_REMOVE NAME=str:nx0 "CHILD={UUID=bin:$U0}"
expect ENOENT 'no nexus with that name' CHILD_REMOVE NAME=str:nope "CHILD={UUID=bin:$U0}"
# Python names errno 95 ENOTSUP, which is EOPNOTSUPP on Linux; genetlink
# refuses a command the family lacks with no message and no attribute.
expect ENOTSUP '^ERR -95 ENOTSUP $' --cmd-raw 99
run_cases
exec 3</dev/nx0
# The open fd is part of the state from here on (NEXUS_A_OPEN_COUNT 1).
baseline=$(probe --dump NEXUS_GET)
expect EBUSY 'is open' NEXUS_DESTROY NAME=str:nx0
run_cases

log "unprivileged callers may look but not change"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
out=$(nobody python3 "$REPO/tests/tools/nlprobe.py" NEXUS_CREATE NAME=str:nx1 "$C2" || true)
[[ $out == "ERR "*" EPERM "* ]] || _check_failed "unprivileged create: $out"
out=$(nobody python3 "$REPO/tests/tools/nlprobe.py" NEXUS_DESTROY NAME=str:nx0 || true)
[[ $out == "ERR "*" EPERM "* ]] || _check_failed "unprivileged destroy: $out"
check nobody python3 "$REPO/tests/tools/nlprobe.py" NEXUS_GET NAME=str:nx0
check_eq "$(probe --dump NEXUS_GET)" "$baseline" "nexus dump after unprivileged requests"

log "nothing was held: every device is free, forced destroy of an open nexus works"
check probe NEXUS_DESTROY NAME=str:nx0 FLAGS=u32:1
exec 3<&-
# $L0 and $L1 carry nx0's label now: another nexus takes them only forced.
expect EEXIST 'carries the label of nexus nx0' NEXUS_CREATE NAME=str:nx1 "CHILDREN={CHILD={PATH=str:$L0} CHILD={PATH=str:$L1} CHILD={PATH=str:$L2} CHILD={PATH=str:$L3}}"
run_cases
check probe NEXUS_CREATE NAME=str:nx1 FLAGS=u32:1 "CHILDREN={CHILD={PATH=str:$L0} CHILD={PATH=str:$L1} CHILD={PATH=str:$L2} CHILD={PATH=str:$L3}}"
check probe NEXUS_DESTROY NAME=str:nx1
check_eq "$(probe --dump NEXUS_GET)" "OK" "empty dump"
check rmmod nexus
finish
