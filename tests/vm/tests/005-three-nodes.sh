# Three VMs on the harness's hub: all ping each other; node 1 power-cycles
# (phase 2 boots it again on its disks, which keep what it wrote) while
# nodes 2 and 3 keep running, see it gone and back; then node 3's link goes
# down (a partition: nobody reaches it, 1 and 2 still reach each other)
# and up again (everyone reaches everyone).
# VM: nodes=3 phases=2 disks=1 disk_size=16M timeout=600 check_kernels=std

others() { local ip; for ip in $NODE_IPS; do [ "$ip" = "$NODE_IP" ] || echo "$ip"; done; }

# reach_all WHEN: every other node answers (a few tries: ARP, a busy host).
reach_all() {
	local ip
	for ip in $(others); do
		wait_for "ping_ok $ip" 30 || _check_failed "$1: node $NODE cannot reach $ip"
	done
}

# reach IP YES|NO: whether IP answers, as it must.
reach() {
	if [ "$2" = yes ]; then
		wait_for "ping_ok $1" 30 || _check_failed "node $NODE cannot reach $1"
	elif ping_ok "$1" || ping_ok "$1"; then
		_check_failed "node $NODE reaches $1 across the partition"
	fi
}

partition() {
	barrier partition
	[ "$NODE" != 3 ] || link_down
	barrier down
	case $NODE in
	1) reach 10.99.0.2 yes; reach 10.99.0.3 no ;;
	2) reach 10.99.0.1 yes; reach 10.99.0.3 no ;;
	3) reach 10.99.0.1 no; reach 10.99.0.2 no ;;
	esac
	barrier checked
	[ "$NODE" != 3 ] || link_up
	barrier healed
	reach_all "after the partition"
	barrier finished
}

case $NODE.$PHASE in
1.1)
	reach_all before
	dd if=/dev/urandom of="$RESULTS/pattern" bs=64k count=4 status=none
	dd if="$RESULTS/pattern" of="$DISK1" bs=64k oflag=direct status=none
	cat /proc/sys/kernel/random/boot_id >"$RESULTS/boot1"
	barrier cycle
	power_cycle
	;;
1.2)
	check test -f "$RESULTS/node1/crashed"
	check_fail cmp -s "$RESULTS/boot1" /proc/sys/kernel/random/boot_id
	check cmp "$RESULTS/pattern" <(dd if="$DISK1" bs=64k count=4 iflag=direct status=none)
	reach_all "after the power cycle"
	barrier back 300
	partition
	;;
[23].1)
	reach_all before
	barrier cycle
	wait_for '! ping_ok 10.99.0.1' 60 || _check_failed "node 1 still answers after its power cycle"
	log "node 1 is gone"
	wait_for 'ping_ok 10.99.0.1' 300 || _check_failed "node 1 did not come back"
	log "node 1 is back"
	barrier back 300
	partition
	;;
*) fail "node $NODE has no phase $PHASE" ;;
esac
finish
