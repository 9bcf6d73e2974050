# Reads go to the child that serves them fastest, and the others are still
# probed: in a 2-way nexus whose second child is a dm-delay adding 50 ms to
# its reads (not its writes), 2000 4k random reads at QD1 are nearly all
# (>= 90%) served by the dm-linear child, yet the slow one, its estimate
# grown old, still serves at least one.  Then the delay goes (the slow
# child is reloaded as dm-linear): once probed it is found fast again, and
# the two alike children share 8 s of 4k random reads at QD8 (each >= 20%).
# Why 8 s and QD8: a TCG stall nearly doubles a child's estimate and keeps
# it out until its next probe (nexus_io.c, "Read balancing"), and 4000
# reads take about one second here: before a slow probe stopped setting the
# estimate, 80/20 at QD1 (CI) and 85/15 at QD8 were seen over 4000 reads.
# Only the kernel's per-child read counts are checked, never timings.
# VM: needs=nexus timeout=300 smp=2 check_kernels=std

MC=$MAYASTOR_CLIENT
# cf NEXUS PATH JQ-EXPR: a field of one child (by the path the kernel knows).
cf() { "$MC" -o json nexus children "$1" | jq -r --arg p "$2" ".[] | select(.path == \$p) | $3"; }
# dm_delay_reads NAME DEV MS: /dev/mapper/NAME, all of DEV, its reads
# delayed by MS milliseconds and its writes not at all.
dm_delay_reads() {
	load_mod dm_delay
	_dm_create "$1" "0 $(dev_sectors "$2") delay $2 0 $3 $2 0 0"
}
# read_run TAG QD FIO-OPTS...: 4k random reads of nx0 at queue depth QD, as
# many as FIO-OPTS say, after the nexus was idle longer than any child's
# estimate is trusted (1 s, nexus_io.c); sets N to the reads fio made, R1
# and R2 to the reads C1 and C2 served meanwhile.
read_run() {
	local tag=$1 qd=$2 rc=0 r1 r2
	shift 2
	sleep 2
	r1=$(cf nx0 $C1 .reads)
	r2=$(cf nx0 $C2 .reads)
	fio --name=rr --filename=/dev/nx0 --rw=randread --bs=4k --iodepth="$qd" \
		--direct=1 --ioengine=libaio --readonly "$@" \
		--output-format=json --output=/var/tmp/fio-"$tag".json || rc=$?
	check_eq "$rc" 0 "fio $tag: exit status"
	check_eq "$(jq '.jobs[0].error' /var/tmp/fio-"$tag".json)" 0 "fio $tag: job error"
	N=$(jq '.jobs[0].read.total_ios' /var/tmp/fio-"$tag".json)
	R1=$(($(cf nx0 $C1 .reads) - r1))
	R2=$(($(cf nx0 $C2 .reads) - r2))
	log "$tag: fio made $N reads; c1 served $R1, c2 $R2"
	"$MC" nexus children nx0
}

insmod_nexus
L=()
for i in 1 2; do
	mkimg /var/tmp/c$i.img 64M
	L[i]=$(make_loop /var/tmp/c$i.img)
done
dm_linear c1 "${L[1]}"
dm_delay_reads c2 "${L[2]}" 50
C1=/dev/mapper/c1 C2=/dev/mapper/c2

check "$MC" nexus create nx0 $C1 $C2
wait_for '[ -b /dev/nx0 ]'
udev_settle

log "c2 takes 50 ms a read"
read_run slow 1 --number_ios=2000
check_eq "$N" 2000 "fio slow: reads"
total=$((R1 + R2))
[ "$total" -ge 2000 ] || _check_failed "children served $total reads, expected >= 2000"
[ $((R1 * 100)) -ge $((total * 90)) ] ||
	_check_failed "the fast child served $R1 of $total reads, expected >= 90%"
[ "$R2" -ge 1 ] || _check_failed "the slow child was never probed"

log "c2 is fast again"
dm_linear_swap c2 "${L[2]}"
read_run alike 8 --runtime=8 --time_based
total=$((R1 + R2))
[ "$N" -ge 4000 ] || _check_failed "fio made $N reads in 8 s, expected >= 4000"
[ "$total" -ge "$N" ] || _check_failed "children served $total reads, expected >= $N"
for r in "$R1" "$R2"; do
	[ $((r * 100)) -ge $((total * 20)) ] ||
		_check_failed "a child served $r of $total reads, expected >= 20% each"
done
check_eq "$(cf nx0 $C1 .errors)/$(cf nx0 $C2 .errors)" 0/0 "child errors"
check_eq "$(cf nx0 $C1 .state)/$(cf nx0 $C2 .state)" online/online "child states"

check "$MC" nexus destroy nx0
check rmmod nexus
dm_remove c1
dm_remove c2
finish
