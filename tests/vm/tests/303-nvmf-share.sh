# Sharing replicas over NVMe-oF/TCP with the kernel's nvmet: `replica share
# ... nvmf --host` prints the nvmf:// URI, configfs has the subsystem, the
# allowed host, the namespace (its UUID the replica's) and one port per
# address; the allowed host connects over 127.0.0.1 from this VM, others
# are refused; what is written through /dev/nvmeXnY is on the LV and the
# other way round.
# --allow-any-host opens a share to every host and reuses the port.  The
# share lives in configfs (no process keeps it), the LV tags only say how
# to make it again: after configfs was emptied as by a reboot, `pool
# import` shares again.  Unshare takes everything apart.
# VM: disks=1 disk_size=256M timeout=900 check_kernels=std

MC=$MAYASTOR_CLIENT
mc() { "$MC" "$@"; }
NVMET=/sys/kernel/config/nvmet
out=/var/tmp/out
HOST1=nqn.2014-08.org.nvmexpress:uuid:11111111-2222-4333-8444-555555555555
HOST2=nqn.2014-08.org.nvmexpress:uuid:66666666-7777-4888-8999-000000000000
# ns_of NQN: the block device of NQN's namespace on this host.
ns_of() { _nvme_ns_of "$1"; }
# connect NQN HOSTNQN [ADDR PORT]: prints the namespace's device.
connect() {
	nvme connect -t tcp -a "${3:-127.0.0.1}" -s "${4:-4420}" -n "$1" -q "$2" >&2 || return 1
	wait_for "ns_of '$1' >/dev/null" 30 || return 1
	udev_settle
	ns_of "$1"
}
disconnect() {
	nvme disconnect -n "$1" >&2
	wait_for "! ns_of '$1' >/dev/null" 30
}
tags() { lvs --noheadings -o lv_tags "$1" | tr -d ' '; }
same() {
	blockdev --flushbufs "$2"
	cmp -n "$(stat -c %s "$1")" "$1" "$2"
}

load_mod dm_thin_pool
load_mod loop
load_mod nvme_tcp
# nvmet is the agent's to load (the debug kernel has it built in).
[ "$KERNEL_KIND" = debug ] || check_eq "$(test -d /sys/module/nvmet_tcp && echo loaded)" "" "nvmet_tcp before"
mkimg /var/tmp/p.img 128M
check mc pool create np /var/tmp/p.img
check mc replica create np r1 --size 16 --thin
check mc replica create np r2 --size 16
check mc replica create np r3 --size 8 --thin
U1=$(mc replica list -o json | jq -r '.[] | select(.name == "r1") | .uuid')
U2=$(mc replica list -o json | jq -r '.[] | select(.name == "r2") | .uuid')
N1=nqn.2019-05.io.openebs:$U1 N2=nqn.2019-05.io.openebs:$U2

# --- share to one host ----------------------------------------------------------
log "share r1 to $HOST1"
mc replica share np/r1 nvmf --host "$HOST1" --address 127.0.0.1 >$out
check_eq "$(cat $out)" "nvmf://127.0.0.1:4420/$N1" "share output"
check test -d "$NVMET/subsystems/$N1"
check_eq "$(cat "$NVMET/subsystems/$N1/attr_allow_any_host")" 0 "allow_any_host"
check test -L "$NVMET/subsystems/$N1/allowed_hosts/$HOST1"
check test -d "$NVMET/hosts/$HOST1"
check_eq "$(cat "$NVMET/subsystems/$N1/namespaces/1/device_path")" /dev/np/r1 "device_path"
check_eq "$(cat "$NVMET/subsystems/$N1/namespaces/1/device_uuid")" "$U1" "device_uuid: the replica's UUID"
check_eq "$(cat "$NVMET/subsystems/$N1/namespaces/1/enable")" 1 "namespace enabled"
check_eq "$(ls "$NVMET/ports")" 1 "ports"
check_eq "$(cat $NVMET/ports/1/addr_trtype) $(cat $NVMET/ports/1/addr_adrfam) $(cat $NVMET/ports/1/addr_traddr) $(cat $NVMET/ports/1/addr_trsvcid)" \
	"tcp ipv4 127.0.0.1 4420" "port 1 address"
check test -L "$NVMET/ports/1/subsystems/$N1"
check_grep "mayastor_share:nvmf" <(tags np/r1)
check_grep "mayastor_share_addr:127.0.0.1:4420" <(tags np/r1)
check_grep "mayastor_share_host:$HOST1" <(tags np/r1)
# The CLI is gone; configfs says it is shared.
mc replica list >$out
cat $out
check_eq "$(awk '$2 == "r1" {print $7, $8}' $out)" "nvmf nvmf://127.0.0.1:4420/$N1" "r1 row"
check_eq "$(awk '$2 == "r2" {print $7, $8}' $out)" "none bdev:///dev/np/r2" "r2 row"
mc replica list -o json >$out
check_eq "$(jq -c '.[] | select(.name == "r1") | [.share, .nqn, .allow_any_host, .allowed_hosts]' $out)" \
	"[\"nvmf\",\"$N1\",false,[\"$HOST1\"]]" "r1 JSON share"
check_eq "$(jq -c '.[] | select(.name == "r2") | [.share, .nqn, .allow_any_host, .allowed_hosts]' $out)" \
	'["none",null,null,null]' "r2 JSON share"

log "the other host is refused, the allowed one writes"
# Refused by the target's host check, not some other way (an unreachable
# port fails too): nvme-cli's EIO and both sides' kernel messages, no device.
rc=0
skip_lines=$(dmesg | wc -l)
nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$N1" -q "$HOST2" >/var/tmp/refused.out 2>&1 || rc=$?
dmesg | tail -n +$((skip_lines + 1)) >/var/tmp/refused.dmesg
check_eq "$rc" 1 "exit status of the refused connect"
check_grep '^Failed to write to /dev/nvme-fabrics: Input/output error$' /var/tmp/refused.out
check_grep "nvmet: connect by host $HOST2 for subsystem $N1 not allowed" /var/tmp/refused.dmesg
check_grep "Connect for subsystem $N1 is not allowed, hostnqn: $HOST2" /var/tmp/refused.dmesg
check_fail ns_of "$N1"
dev=$(connect "$N1" "$HOST1") || fail "connect as $HOST1 failed"
log "connected: $dev"
check_eq "$(blockdev --getsize64 "$dev")" $((16 << 20)) "namespace size"
dd if=/dev/urandom of=/var/tmp/A bs=1M count=4 status=none
dd if=/dev/urandom of=/var/tmp/B bs=1M count=4 status=none
check dd if=/var/tmp/A of="$dev" bs=1M oflag=direct status=none
check same /var/tmp/A /dev/np/r1
check dd if=/var/tmp/B of=/dev/np/r1 bs=1M seek=8 oflag=direct status=none
blockdev --flushbufs "$dev"
check cmp -n $((4 << 20)) /var/tmp/B "$dev" --ignore-initial=0:$((8 << 20))
disconnect "$N1"

# --- any host, same port; another address, another port ------------------------
log "share r2 to any host, r3 on 127.0.0.2:4421"
fails_with "mayastor-client: replica share: give --host HOSTNQN, or --allow-any-host to let every host connect (see 'mayastor-client replica share --help')" \
	replica share np/r2 nvmf
mc replica share np/r2 nvmf --allow-any-host --address 127.0.0.1 >$out
check_eq "$(cat $out)" "nvmf://127.0.0.1:4420/$N2" "share r2 output"
check_eq "$(cat "$NVMET/subsystems/$N2/attr_allow_any_host")" 1 "r2 allow_any_host"
check_eq "$(ls "$NVMET/subsystems/$N2/allowed_hosts" | wc -l)" 0 "r2 allowed hosts"
check_eq "$(ls "$NVMET/ports")" 1 "one port for one address"
check_eq "$(ls "$NVMET/ports/1/subsystems" | sort | tr '\n' ' ')" "$(printf '%s\n' "$N1" "$N2" | sort | tr '\n' ' ')" "port 1 subsystems"
check_grep mayastor_share_any_host <(tags np/r2)
dev=$(connect "$N2" "$HOST2") || fail "connect to r2 as $HOST2 failed"
check dd if=/var/tmp/A of="$dev" bs=1M oflag=direct status=none
check same /var/tmp/A /dev/np/r2
disconnect "$N2"
U3=$(mc replica list -o json | jq -r '.[] | select(.name == "r3") | .uuid')
N3=nqn.2019-05.io.openebs:$U3
check_eq "$(mc replica share r3 nvmf --allow-any-host --address 127.0.0.2 --port 4421)" \
	"nvmf://127.0.0.2:4421/$N3" "share r3 output"
check_eq "$(ls "$NVMET/ports" | sort | tr '\n' ' ')" "1 2 " "a port per address"
check_eq "$(cat $NVMET/ports/2/addr_traddr):$(cat $NVMET/ports/2/addr_trsvcid)" 127.0.0.2:4421 "port 2 address"
dev=$(connect "$N3" "$HOST1" 127.0.0.2 4421) || fail "connect to r3 failed"
check_eq "$(blockdev --getsize64 "$dev")" $((8 << 20)) "r3 namespace size"
# Online grow of a shared replica: the host sees the new size.
check mc replica resize np/r3 --size 12
check wait_for "[ \"\$(blockdev --getsize64 $dev)\" = $((12 << 20)) ]" 30
disconnect "$N3"
check mc replica unshare np/r3
check_eq "$(ls "$NVMET/ports")" 1 "port 2 went with its last subsystem"
check_eq "$(tags np/r3)" "mayastor_replica,mayastor_thin:1,mayastor_uuid:$U3" "r3 tags after unshare"
fails_with "mayastor-client: replica unshare np/r3: replica r3 is not shared" \
	replica unshare np/r3
fails_with "mayastor-client: replica share np/r1: already shared as $N1" \
	replica share np/r1 nvmf --allow-any-host

# --- configfs is the truth, tags remember -----------------------------------------
log "configfs emptied as by a reboot; pool import shares again"
find $NVMET | sort >/var/tmp/cfg.before
nvmet_teardown() {
	local p s
	for p in "$NVMET"/ports/*; do
		rm -f "$p"/subsystems/*
		rmdir "$p"
	done
	for s in "$NVMET"/subsystems/*; do
		rm -f "$s"/allowed_hosts/*
		echo 0 >"$s/namespaces/1/enable"
		rmdir "$s/namespaces/1" "$s"
	done
	rmdir "$NVMET"/hosts/* 2>/dev/null || true
}
nvmet_teardown
check_eq "$(find $NVMET -mindepth 2 | wc -l)" 0 "configfs empty"
check_eq "$(mc replica list -o json | jq -r '[.[] | .share] | join(",")')" none,none,none \
	"nothing shared once configfs is empty"
check mc pool import np /var/tmp/p.img
find $NVMET | sort >/var/tmp/cfg.after
check diff /var/tmp/cfg.before /var/tmp/cfg.after
check_eq "$(mc replica list | awk '$2 == "r1" {print $7, $8}')" "nvmf nvmf://127.0.0.1:4420/$N1" "r1 after import"
check_eq "$(cat "$NVMET/subsystems/$N2/attr_allow_any_host")" 1 "r2 allow_any_host after import"
dev=$(connect "$N1" "$HOST1") || fail "connect after import failed"
blockdev --flushbufs "$dev"
check cmp -n $((4 << 20)) /var/tmp/A "$dev"
disconnect "$N1"

# --- unshare ---------------------------------------------------------------------
log "unshare"
check_eq "$(mc replica unshare np/r1)" "unshared replica np/r1" "unshare output"
check_fail test -e "$NVMET/subsystems/$N1"
check_fail test -e "$NVMET/hosts/$HOST1"
check_eq "$(ls "$NVMET/ports/1/subsystems")" "$N2" "port 1 keeps r2"
check_eq "$(tags np/r1)" "mayastor_replica,mayastor_thin:1,mayastor_uuid:$U1" "r1 tags after unshare"
# Destroy unshares first.
check mc replica destroy np/r2
check_eq "$(find $NVMET -mindepth 2 | wc -l)" 0 "configfs empty at the end"
check mc pool destroy np --force
finish
