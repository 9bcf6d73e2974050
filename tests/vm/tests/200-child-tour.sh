# Quick tour of online child management: add with a full rebuild,
# offline/online with a rebuild of only the region written meanwhile,
# remove, admin fault, events.  The children are compared directly after
# dropping their page caches (nexus IO bypasses them).
# VM: needs=nexus timeout=300 smp=2 check_kernels=std
insmod_nexus
MC=$MAYASTOR_CLIENT
for i in 0 1 2; do mkimg /var/tmp/c$i.img 64M; done
L0=$(make_loop /var/tmp/c0.img); L1=$(make_loop /var/tmp/c1.img); L2=$(make_loop /var/tmp/c2.img)
$MC events -o json > "$RESULTS/events.log" &
evpid=$!
check $MC nexus create nx0 $L0 $L1
dd if=/dev/urandom of=/dev/nx0 bs=1M count=20 oflag=direct status=none
check $MC nexus add nx0 $L2
check wait_for "grep -q 'loop2 *online' < <($MC nexus children nx0)" 60
$MC nexus children nx0
$MC rebuild progress nx0 $L2
size=$(blockdev --getsize64 /dev/nx0)
blockdev --flushbufs $L0 $L1 $L2
check cmp -n $size $L0 $L2
# Once every child flushed the writes above: else L1 copies them too.
check bitmap_clean nx0
check $MC child offline nx0 $L1
dd if=/dev/urandom of=/dev/nx0 bs=1M count=2 seek=30 oflag=direct status=none
$MC nexus children nx0
check $MC child online nx0 $L1
check wait_for "grep -q 'loop1 *online' < <($MC nexus children nx0)" 60
$MC rebuild progress nx0 $L1
$MC -o json rebuild progress nx0 $L1
check_eq "$($MC -o json rebuild progress nx0 $L1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" 4194304 "offline/online copied one region"
blockdev --flushbufs $L0 $L1 $L2
check cmp -n $size $L0 $L1
check cmp -n $size $L0 $L2
check $MC nexus remove nx0 $L2
check_fail $MC nexus remove nx0 $L2
check $MC child fault nx0 $L1
check_fail $MC child fault nx0 $L0
$MC nexus list
check $MC nexus destroy nx0
kill $evpid
check_grep '"event":"rebuild-done"' "$RESULTS/events.log"
check_grep '"reason":"admin"' "$RESULTS/events.log"
check rmmod nexus
finish
