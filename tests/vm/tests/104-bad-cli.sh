# Every bad mayastor-client input exits 1 with exactly one line on stderr
# naming what was wrong, prints nothing on stdout, and changes nothing: the
# JSON list of nexuses, /dev, /sys/block and the attached loop devices are
# as before. Covers unknown objects/commands/options, missing arguments, bad
# names, sizes, UUIDs and URIs, unsupported schemes, kernel refusals (name
# taken, missing/busy/duplicate/small children, size too large, unknown or
# open nexus) and unprivileged callers. Every --help exits 0 with usage.
# VM: needs=nexus timeout=600 check_kernels=std

MC=$MAYASTOR_CLIENT
insmod_nexus
load_mod loop
S=/var/tmp/scratch
scratch_fs "$S"
for i in 1 2 3 4; do mkimg $S/c$i.img 64M; done
mkimg $S/small.img 4M
: >$S/empty.img

check "$MC" nexus create nx0 $S/c1.img $S/c2.img
wait_for '[ -b /dev/nx0 ]'
udev_settle
L1=$(losetup -j $S/c1.img -O NAME -n)
# A block device that no nexus uses, attached by hand.
L4=$(make_loop $S/c4.img)
udev_settle

# A child's read count is left out: a read changes nothing, and LVM's device
# scan (an lvol:// child looks its pool up) reads every block device.
state() {
	"$MC" -o json nexus list | jq 'del(.[].children[].reads)'
	ls /dev /sys/block
	losetup -a -O NAME,BACK-FILE -n | sort
}
baseline=$(state)
n_cases=0

# bad [-u] ERE ARG...: mayastor-client ARG... fails as it should (-u: run
# it as nobody). ERE must match its one stderr line.
bad() {
	local as=() re out err rc=0
	if [ "$1" = -u ]; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
		shift
	fi
	re=$1
	shift
	n_cases=$((n_cases + 1))
	"${as[@]}" "$MC" "$@" >/var/tmp/out 2>/var/tmp/err || rc=$?
	out=$(cat /var/tmp/out) err=$(cat /var/tmp/err)
	echo "\$ mayastor-client $* -> $rc: $err"
	[ "$rc" = 1 ] || _check_failed "[$*] exit status $rc, expected 1"
	[ -z "$out" ] || _check_failed "[$*] printed on stdout: $(head -c 300 <<<"$out")"
	[ "$(wc -l </var/tmp/err)" = 1 ] || _check_failed "[$*] $(wc -l </var/tmp/err) lines on stderr, expected 1"
	[[ $err == "mayastor-client: "* ]] || _check_failed "[$*] stderr does not start with 'mayastor-client: '"
	grep -Eq -- "$re" /var/tmp/err || _check_failed "[$*] stderr does not match /$re/"
	udev_settle
	[ "$(state)" = "$baseline" ] || {
		_check_failed "[$*] changed something:"
		diff <(echo "$baseline") <(state) | head -n 20 >&2 || true
	}
}

log "objects, commands, options"
bad "unknown object 'foo'" foo
bad "unknown command 'foo'" nexus foo
bad "unknown option '--bogus'" nexus create --bogus nx1 $S/c3.img
bad "unknown option '--bogus'" nexus list --bogus
bad "unexpected argument 'extra'" nexus list extra
bad "unexpected argument 'extra'" nexus destroy nx0 extra
bad "-o.*json.*table" -o yaml nexus list
bad "-o.*json.*table" nexus list -o
# No command at all: documented as one line too (docs/cli.md: "A failure
# prints exactly one line on stderr").
bad "COMMAND|command" nexus
bad "OBJECT|object" ""
bad "OBJECT|object|help"

log "missing arguments"
bad "missing NAME" nexus create
bad "missing CHILD" nexus create nx1
bad "missing CHILD" nexus create nx1 --size 10
bad "missing NAME" nexus destroy
bad "missing NAME" nexus children
bad "missing NAME" nexus show
bad "--size needs a value" nexus create nx1 $S/c3.img --size
bad "--uuid needs a value" nexus create nx1 $S/c3.img --uuid

log "names"
bad "invalid nexus name 'bad/name'" nexus create bad/name $S/c3.img
# The kernel wants an alphanumeric first character (docs/cli.md says the
# CLI checks names before anything reaches the kernel).
bad "invalid nexus name '-x'" nexus create -- -x $S/c3.img
bad "invalid nexus name '\.x'" nexus create .x $S/c3.img
bad "invalid nexus name '\.\.'" nexus create .. $S/c3.img
bad "invalid nexus name '_x'" nexus create _x $S/c3.img
bad "invalid nexus name 'a{32}'" nexus create "$(printf 'a%.0s' {1..32})" $S/c3.img
bad "invalid nexus name ''" nexus create "" $S/c3.img
bad "invalid nexus name 'bad name'" nexus destroy "bad name"

log "sizes"
for s in 0 -1 1.5x 10Q 1.5 1.5M "" 99999999999999999999999 16777216T 18446744073709551616B 0x10 " 10" 10MB; do
	# ERE-quote the value
	q=$(sed 's/[.[\*^$()+?{|]/\\&/g' <<<"$s")
	bad "invalid --size '$q'" nexus create nx1 --size "$s" $S/c3.img
done

log "UUIDs"
for u in xyz 123e4567-e89b-12d3-a456-42661417400g 123e4567e89b12d3a456426614174000 \
	123e4567-e89b-12d3-a456-4266141740000 "{123e4567-e89b-12d3-a456-426614174000}" ""; do
	q=$(sed 's/[.[\*^$()+?{|}]/\\&/g' <<<"$u")
	bad "invalid --uuid '$q'" nexus create nx1 --uuid "$u" $S/c3.img
done

log "child URIs"
bad "child 'foo://x'.*unknown scheme" nexus create nx1 "foo://x"
bad "child '://x'.*scheme" nexus create nx1 "://x"
bad "child 'aio://'.*path" nexus create nx1 "aio://"
bad "child 'bdev://x'.*host" nexus create nx1 "bdev://x"
bad "child 'file://relative'" nexus create nx1 "file://relative"
bad "blk_size must be 512 or 4096" nexus create nx1 "aio://$S/c3.img?blk_size=1000"
bad "unknown query parameter" nexus create nx1 "aio://$S/c3.img?foo=1"
bad "child 'nvmf://'.*host" nexus create nx1 "nvmf://"
bad "port out of range" nexus create nx1 "nvmf://h:99999/nqn.x"
bad "missing target IQN or LUN" nexus create nx1 "iscsi://h/iqn.x"
# Remote children whose target is not there (600 and 601 test the rest).
bad "child nvmf://127.0.0.1/nqn.2024-01.io.nexus:x: nothing listens on 127.0.0.1 port 4420 (connection refused)" \
	nexus create nx1 "nvmf://127.0.0.1/nqn.2024-01.io.nexus:x"
bad "child iscsi://127.0.0.1:3260/iqn.2024-01.io.nexus:x/0: nothing listens on 127.0.0.1 port 3260 (connection refused)" \
	nexus create nx1 "iscsi://127.0.0.1:3260/iqn.2024-01.io.nexus:x/0"
bad "lvol" nexus create nx1 "lvol://pool/replica"
bad "child nvmf://127.0.0.1/nqn.2024-01.io.nexus:x: nothing listens" nexus create nx1 $S/c3.img "nvmf://127.0.0.1/nqn.2024-01.io.nexus:x"

log "children the kernel or the system refuses"
bad "nexus create nx1: child /var/tmp/nonexistent.img: .*(No such file|does not exist)" nexus create nx1 /var/tmp/nonexistent.img
bad "child /dev/nonexistent: .*(No such file|does not exist)" nexus create nx1 $S/c3.img /dev/nonexistent
bad "child bdev:///dev/nonexistent: .*(No such file|does not exist)" nexus create nx1 bdev:///dev/nonexistent
bad "child bdev://$S/c3.img: .*(not a block device|block device)" nexus create nx1 "bdev://$S/c3.img"
bad "child $S/empty.img.*(too small|size|empty)" nexus create nx1 $S/empty.img
bad "child $S/small.img.*too small" nexus create nx1 $S/c3.img $S/small.img
bad "child /dev/null.*(not a block device|block device)" nexus create nx1 /dev/null
bad "child $S: .*(directory|not a block device|regular file)" nexus create nx1 $S
bad "larger than" nexus create nx1 --size 61 $S/c3.img
bad "larger than" nexus create nx1 --size 1T $S/c3.img
bad "multiple of" nexus create nx1 --size 1000B $S/c3.img

log "children in use, children twice, names taken"
bad "child $L1.*in use" nexus create nx1 $S/c3.img "$L1"
# The file of a child of nx0: attaching a second loop device to it would
# let two nexuses write the same file.
bad "child $S/c1.img.*in use" nexus create nx1 $S/c3.img $S/c1.img
bad "child '$S/c3.img' given twice" nexus create nx1 $S/c3.img $S/c3.img
bad "child .*given twice" nexus create nx1 "$L4" "$L4"
# The same file or device under two spellings.
bad "given twice" nexus create nx1 $S/c3.img "aio://$S/c3.img"
bad "given twice" nexus create nx1 $S/c3.img $S/./c3.img
bad "given twice" nexus create nx1 "$L4" "bdev://$L4"
bad "given twice" nexus create nx1 "$L4" $S/c4.img
bad "nexus create nx0: .*nexus with that name exists" nexus create nx0 $S/c3.img
bad "nexus create loop0: .*block device with that name exists" nexus create loop0 $S/c3.img
bad "nexus create nx1: .*(itself|own child|in use)" nexus create nx1 /dev/nx0

log "unknown and open nexuses"
bad "nexus destroy nope: .*no nexus with that name" nexus destroy nope
bad "nexus destroy nope: .*no nexus with that name" nexus destroy nope --force
bad "nexus children nope: .*no nexus with that name" nexus children nope
bad "nexus show nope: .*no nexus with that name" nexus show nope
bad "nexus children nope: .*no nexus with that name" -o json nexus children nope
exec 3</dev/nx0
baseline=$(state)
bad "nexus destroy nx0: .*open.*force" nexus destroy nx0
exec 3<&-
baseline=$(state)

log "unprivileged callers"
chmod o+rx $S
bad -u "(ermission|root|CAP_NET_ADMIN|not permitted)" nexus create nx1 $S/c3.img
bad -u "(ermission|root|CAP_NET_ADMIN|not permitted)" nexus create nx1 "$L4"
bad -u "nexus destroy nx0: .*(ermission|root|CAP_NET_ADMIN|not permitted)" nexus destroy nx0
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$MC" nexus list 2>&1) ||
	_check_failed "nexus list as nobody failed: $out"
check_grep . <(echo "$out")
[[ $out == *"nx0 "*"online"*"/dev/nx0"* ]] || _check_failed "nexus list as nobody: $out"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$MC" -o json nexus children nx0 2>&1) ||
	_check_failed "nexus children as nobody failed: $out"
check_eq "$(jq length <<<"$out")" 2 "children of nx0 as nobody"

log "help"
for args in "--help" "-h" "help" "nexus help" "nexus --help" \
	"nexus create --help" "nexus destroy --help" "nexus list --help" \
	"nexus children --help" "nexus show --help" "nexus add --help" \
	"nexus remove --help" "nexus set --help" "nexus create nx1 --help"; do
	rc=0
	# shellcheck disable=SC2086
	"$MC" $args >/var/tmp/out 2>/var/tmp/err || rc=$?
	[ "$rc" = 0 ] || _check_failed "[$args] exit status $rc"
	[ ! -s /var/tmp/err ] || _check_failed "[$args] wrote on stderr: $(head -n 2 /var/tmp/err)"
	grep -q '^Usage: mayastor-client' /var/tmp/out || _check_failed "[$args] no usage on stdout"
done
[ "$(state)" = "$baseline" ] || _check_failed "help changed something"

log "$n_cases bad inputs; nx0 is intact"
check_eq "$("$MC" -o json nexus list | jq -r '.[0] | [.name, .state, (.children | length)] | @tsv')" \
	"$(printf 'nx0\tonline\t2')" "nx0"
check "$MC" nexus destroy nx0
losetup -d "$L4"
wait_for '[ -z "$(losetup -a)" ]' || _check_failed "loop devices left: $(losetup -a)"
check rmmod nexus
finish
