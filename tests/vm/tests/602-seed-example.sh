# The seed's program, in C (issue 11): tools/examples/nexus-example, on
# libmayastor (agent/include/mayastor.h), creates nexus0 from the seed's
# three children, an aio:// image file, an iscsi:// LUN and an nvmf://
# namespace, writes 1 MiB of 0xff at offset 0 with O_DIRECT, reads it back
# and checks it, and destroys the nexus.  One VM serves both remote
# children on 127.0.0.1: a file-backed LUN over LIO iSCSI, a file-backed
# namespace over nvmet TCP.  Then each child's backing file holds 0xff
# over that MiB (it was zero), and nothing is left behind: no nexus, no
# loop device, no NVMe controller, no iSCSI session or node record, the
# state file with no nexus.  Bad input: a malformed URI is refused before
# anything is touched, and an NQN the target does not export (the last
# child, after the file was attached and the LUN logged in) gives exit 1,
# one line naming the child, and leaves nothing behind either.  Last, the
# program with its defaults (the seed's very URIs) under valgrind: no
# leak, no error.
# VM: needs=nexus timeout=600 check_kernels=std

EXAMPLE=$REPO/tools/examples/nexus-example
[ -x "$EXAMPLE" ] || fail "$EXAMPLE is not built (make -C agent builds it)"
export MAYASTOR_STATE_FILE=/var/lib/mayastor/agent.json
S=/var/tmp/scratch
IQN=iqn.2019-05.io.openebs:disk2
NQN=nqn.2019-05.io.openebs:disk3
T=/sys/kernel/config/target
TPG=$T/iscsi/$IQN/tpgt_1
INIT=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)
MIB=1048576

insmod_nexus
load_mod loop
load_mod crc32c
load_mod target_core_mod
load_mod target_core_file
load_mod iscsi_target_mod
load_mod iscsi_tcp
load_mod nvme_tcp
scratch_fs "$S"
mkimg "$S/disk1.img" 64M
mkimg "$S/disk2.img" 64M
mkimg "$S/disk3.img" 64M

# LUN 0 of $IQN on 127.0.0.1:3260: $S/disk2.img through LIO's fileio
# backstore (O_DSYNC: what the initiator wrote is in the file).
serve_iscsi() {
	mkdir -p "$T/core/fileio_0/disk2"
	echo "fd_dev_name=$S/disk2.img,fd_dev_size=$((64 * MIB))" >"$T/core/fileio_0/disk2/control"
	echo 1 >"$T/core/fileio_0/disk2/enable"
	mkdir -p "$TPG/lun/lun_0" "$TPG/np/127.0.0.1:3260"
	ln -s "$T/core/fileio_0/disk2" "$TPG/lun/lun_0/disk2"
	echo 0 >"$TPG/attrib/authentication"
	echo 0 >"$TPG/attrib/generate_node_acls"
	mkdir -p "$TPG/acls/$INIT/lun_0"
	ln -s "$TPG/lun/lun_0" "$TPG/acls/$INIT/lun_0/disk2"
	echo 1 >"$TPG/enable"
}
serve_iscsi
# Namespace 1 of $NQN on 127.0.0.1:4420: $S/disk3.img (nvmet's file
# backend, O_DIRECT on ext4).
nvmet_export "$NQN" "$S/disk3.img"

sessions() { { ls /sys/class/iscsi_session 2>/dev/null || true; } | wc -l; }
records() { { iscsiadm -m node 2>/dev/null || true; } | wc -l; }
nctrls() { { ls /sys/class/nvme 2>/dev/null || true; } | wc -l; }
loops() { losetup -a | wc -l; }
nexuses() { "$MAYASTOR_CLIENT" nexus list -o json | jq length; }
LOOPS0=$(loops)

# nothing_left WHAT: no nexus, loop device, controller, session or record.
nothing_left() {
	# A loop device goes when its last opener closes it (autoclear).
	wait_for '[ "$(loops)" = "$LOOPS0" ] && [ "$(nctrls)" = 0 ] && [ "$(sessions)" = 0 ]' 15 || true
	check_eq "$(nexuses)" 0 "nexuses left by $1"
	check test ! -e /dev/nexus0
	check_eq "$(loops)" "$LOOPS0" "loop devices left by $1"
	check_eq "$(losetup -j "$S/disk1.img")" "" "loop device of disk1.img left by $1"
	check_eq "$(nctrls)" 0 "NVMe controllers left by $1"
	check_eq "$(sessions)" 0 "iSCSI sessions left by $1"
	check_eq "$(records)" 0 "iSCSI node records left by $1"
	if [ -f "$MAYASTOR_STATE_FILE" ]; then
		check_eq "$(jq '.nexuses | length' "$MAYASTOR_STATE_FILE")" 0 \
			"nexuses in the state file after $1"
	fi
}

head -c $MIB /dev/zero >/var/tmp/zero.bin
head -c $MIB /dev/zero | tr '\0' '\377' >/var/tmp/ff.bin
for i in 1 2 3; do
	check cmp -n $MIB /var/tmp/zero.bin "$S/disk$i.img"
done

AIO="aio://$S/disk1.img?blk_size=512"
ISCSI="iscsi://127.0.0.1/$IQN/0"
NVMF="nvmf://127.0.0.1/$NQN"

log "the seed's example: nexus0 over $AIO $ISCSI $NVMF"
rc=0
"$EXAMPLE" nexus0 "$AIO" "$ISCSI" "$NVMF" >"$RESULTS/example.out" 2>"$RESULTS/example.err" || rc=$?
cat "$RESULTS/example.out" "$RESULTS/example.err"
check_eq "$rc" 0 "exit status of nexus-example"
check_eq "$(cat "$RESULTS/example.err")" "" "stderr of nexus-example"
check_eq "$(cat "$RESULTS/example.out")" "created nexus nexus0 (/dev/nexus0) from 3 children:
  $AIO
  $ISCSI
  $NVMF
wrote 1048576 bytes of 0xff at offset 0 of /dev/nexus0 (O_DIRECT)
read them back: all 1048576 bytes are 0xff
destroyed nexus nexus0" "stdout of nexus-example"
# The children's data starts at offset 0: each holds the 0xff written.
for i in 1 2 3; do
	check cmp -n $MIB /var/tmp/ff.bin "$S/disk$i.img"
done
check test -f "$MAYASTOR_STATE_FILE"
nothing_left "the example"

log "bad input: a malformed URI, then an NQN the target does not export"
rc=0
"$EXAMPLE" nexus0 "$AIO" "nvmf://127.0.0.1:70000/$NQN" >/var/tmp/bad.out 2>/var/tmp/bad.err || rc=$?
check_eq "$rc" 1 "exit status with a malformed URI"
check_eq "$(cat /var/tmp/bad.err)" "nexus-example: create nexus0: child 'nvmf://127.0.0.1:70000/$NQN': port out of range (1-65535)" \
	"stderr with a malformed URI"
check_eq "$(cat /var/tmp/bad.out)" "" "stdout with a malformed URI"
nothing_left "a malformed URI"
rc=0
"$EXAMPLE" nexus0 "$AIO" "$ISCSI" "nvmf://127.0.0.1/$NQN.nosuch" >/var/tmp/bad.out 2>/var/tmp/bad.err || rc=$?
cat /var/tmp/bad.err
check_eq "$rc" 1 "exit status with an unknown NQN"
check_eq "$(wc -l </var/tmp/bad.err)" 1 "stderr lines with an unknown NQN"
check_grep "^nexus-example: create nexus0: child nvmf://127.0.0.1/$NQN.nosuch: the target at 127.0.0.1 port 4420 refused to connect: it exports no subsystem $NQN.nosuch, or this host \(.+\) is not allowed to use it$" \
	/var/tmp/bad.err
check_eq "$(cat /var/tmp/bad.out)" "" "stdout with an unknown NQN"
nothing_left "an unknown NQN"

log "the defaults (the seed's URIs, /tmp/disk1.img) under valgrind"
mkimg /tmp/disk1.img 64M
# A new volume: its remote replicas blank too, as they would be.  The first
# run left nexus0's clean label on them, and create does not take a blank
# child (disk1.img) beside children labelled for the nexus.
for i in 2 3; do
	check dd if=/dev/zero of="$S/disk$i.img" bs=1M seek=59 count=5 \
		oflag=direct conv=notrunc status=none
done
if command -v valgrind >/dev/null; then
	# Its own report in a file: it warns on stderr of the loop ioctls
	# it does not know.
	VG=(valgrind --quiet --log-file="$RESULTS/valgrind.log" --leak-check=full
		--show-leak-kinds=definite,indirect
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99)
else
	log "no valgrind here: running it plainly"
	VG=()
fi
rc=0
"${VG[@]}" "$EXAMPLE" >"$RESULTS/defaults.out" 2>"$RESULTS/defaults.err" || rc=$?
cat "$RESULTS/defaults.out" "$RESULTS/defaults.err"
[ -f "$RESULTS/valgrind.log" ] && cat "$RESULTS/valgrind.log"
check_eq "$rc" 0 "exit status of nexus-example with its defaults"
# /tmp is tmpfs, which takes direct IO from 6.6 on: before, the loop
# device has none, and the example says so.
want="nexus-example: note: aio:///tmp/disk1.img?blk_size=512: filesystem has no direct IO; using buffered IO"
case $(uname -r) in [6].[6-9]* | 6.[1-9][0-9]* | [7-9].*) want="" ;; esac
check_eq "$(cat "$RESULTS/defaults.err")" "$want" "stderr of nexus-example with its defaults"
check_grep '^read them back: all 1048576 bytes are 0xff$' "$RESULTS/defaults.out"
check cmp -n $MIB /var/tmp/ff.bin /tmp/disk1.img
nothing_left "the example with its defaults"
finish
