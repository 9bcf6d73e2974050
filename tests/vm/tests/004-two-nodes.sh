# Two VMs as two nodes: node 1 exports its virtio disk with nvmet over TCP on
# the link between the VMs, node 2 connects to it and writes; node 1 then
# finds the data on its disk.
# VM: nodes=2 disks=1 disk_size=64M timeout=240 check_kernels=std

nqn=nqn.2024-01.io.nexus:twonode
case $NODE in
1)
	nvmet_export "$nqn" "$DISK1" "$NODE_IP" 4420
	barrier exported
	barrier written 180
	check cmp "$RESULTS/pattern" <(dd if="$DISK1" bs=64k count=16 iflag=direct status=none)
	nvmet_unexport "$nqn"
	;;
2)
	barrier exported
	ns=$(nvme_connect_tcp "$nqn" 10.99.0.1 4420)
	dd if=/dev/urandom of="$RESULTS/pattern" bs=64k count=16 status=none
	dd if="$RESULTS/pattern" of="$ns" bs=64k oflag=direct status=none
	nvme disconnect -n "$nqn" >/dev/null
	barrier written
	;;
esac
finish
