# Soak: a program of four threads that write files and malloc, fill and
# check buffers (tests/cmd/soak_work) is checkpointed with --kill and
# restarted, again and again.  After each cycle it must go on (its files
# grow) without having found its state changed; at the end every file
# holds 0, 1, 2... exactly once, it exits 0 with as many fds as it began
# with, and neither unreclaimable slab (after dropping caches) nor the
# module's reference count has grown.
#   CR_SOAK_N  cycles (default 100, within the 600 s of tests/list); make
#              soak N=... runs only this test
. "$CR_TESTS/lib.sh"

n=${CR_SOAK_N:-100}
d=$(mktemp -d)
trap 'touch $d/stop; rm -rf $d' EXIT
outs="$d/out.0 $d/out.1 $d/out.2 $d/out.3"
refs0=$(module_refs)

# unreclaimable_kib: SUnreclaim of /proc/meminfo after dropping caches.
unreclaimable_kib() {
	local k v _
	sync
	echo 3 > /proc/sys/vm/drop_caches
	while read -r k v _; do
		[ "$k" = SUnreclaim: ] && echo $v
	done < /proc/meminfo
}

# nlines FILE: its number of lines, without a fork.
nlines() {
	local l
	mapfile -t l < $1
	echo ${#l[@]}
}

# sizes: out.0..3's sizes.  Not their lines: reading files that grow
# every cycle made a long soak slow down cycle by cycle.
sizes() {
	stat -c %s $outs
}

# went_on SIZES: each of out.0..3 has grown past its size in SIZES; the
# program (cr_restart's child) must not die meanwhile.
went_on() {
	local now=($(sizes)) then=($1) k grown=1
	for k in 0 1 2 3; do
		[ ${now[k]} -gt ${then[k]} ] || grown=0
	done
	[ $grown = 1 ] && return 0
	kill -0 $cur 2> /dev/null && return 1
	wait $cur
	fail "the restarted program died (cr_restart exit $?): $(dmesg | tail -n 4)"
}

"$CR_TESTS/cmd/soak_work" $d &
pid=$!
wait_until 60 "the program did not start" has_lines 2 $outs
fds=(/proc/$pid/fd/*)
nfds=${#fds[@]}
cur=$pid
t0=$EPOCHSECONDS
for i in $(seq $n); do
	step "cycle $i"
	cr_checkpoint -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
	wait $cur
	[ ! -e $d/bad ] || fail "the program found: $(cat $d/bad)"
	before=$(sizes)
	cr_restart $d/ctx &
	cur=$!
	wait_until 60 "the restarted program did not go on" went_on "$before"
	[ $i -ne 1 ] || { slab0=$(unreclaimable_kib); cp /proc/slabinfo $d/slab0; }
done
secs=$((EPOCHSECONDS - t0))

step "end"
fds=(/proc/$pid/fd/*)
[ ${#fds[@]} -eq $nfds ] || fail "the program has ${#fds[@]} fds, began with $nfds"
slab1=$(unreclaimable_kib)
# Where slab grew most (KiB, caches): what to look at if it keeps growing.
awk 'NR == FNR { if (FNR > 2) b[$1] = $3 * $4; next }
     FNR > 2 && $3 * $4 - b[$1] > 0 { printf "%d %s\n", ($3 * $4 - b[$1]) / 1024, $1 }' \
	$d/slab0 /proc/slabinfo | sort -rn | head -n 5 | tr '\n' ' ' |
	sed 's/^/slab growth by cache (KiB): /'
echo
touch $d/stop
wait $cur || fail "the program exited $?: $(cat $d/bad 2> /dev/null)"
for f in $outs; do
	check_seq $f $(nlines $f) ${f##*/}
done
refs_back $refs0
grow=$((slab1 - slab0))
echo "$n cycles in $secs s; unreclaimable slab $slab0 -> $slab1 KiB"
# 2 MiB of noise, and 1 KiB a cycle: a long run (make soak N=2000) sees
# a leak of one small object a cycle.
[ $grow -le $((2048 + n)) ] ||
	fail "unreclaimable slab grew by $grow KiB over $((n - 1)) cycles"
