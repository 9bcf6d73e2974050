# The harness's canary, MEANT TO FAIL: it loads the test-only nexus_canary
# module and makes the kernel report a lockdep splat, a WARN and a KASAN
# out-of-bounds read (debug kernel; only the WARN on std, which has neither
# KASAN nor lockdep). Its own checks pass (each report did appear), so the
# harness must fail it for the reports alone. Not in tests/: run it through
# tests/vm/canary/check, which asserts that verdict and its reason.
# VM: needs=canary timeout=120

case $KERNEL_KIND in
debug) kinds="lockdep warn kasan" ;;	# lockdep first: KASAN turns it off
*) kinds="warn" ;;
esac
declare -A expect=(
	[lockdep]='possible circular locking dependency detected'
	[warn]='nexus_canary: deliberate warning'
	[kasan]='BUG: KASAN: slab-out-of-bounds in canary_kasan'
)

insmod "$CANARY_KO"
on_exit 'rmmod nexus_canary'
for k in $kinds; do
	log "trigger $k"
	check sh -c "echo 1 > /sys/kernel/debug/nexus_canary/$k"
	dmesg >/var/tmp/dmesg.$k
	check_grep "${expect[$k]}" /var/tmp/dmesg.$k
done
finish
