# A daemon (its parent gone, so init's or a subreaper's child) is
# checkpointed by session and killed.  cr_restart brings it back and
# returns once it runs; the daemon is again the child of the same process
# (init here) and finishes its count.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
# 100 ms ticks, more of them on a slow kernel: the count must outlast the
# checkpoint.
limit=$((40 * ${CR_SLOW:-1}))
"$CR_TESTS/cmd/orphan_counter" $d $limit 100 || fail "the daemon's parent exited $?"
poll 30 - test -s $d/out || fail "the daemon did not start"
pid=$(cat $d/pid)
ppid=$(awk '/^PPid:/ { print $2 }' /proc/$pid/status)
echo "daemon $pid, parent $ppid"
ckpt --sid -f $d/ctx --kill $pid
poll 15 - test ! -e /proc/$pid || fail "the daemon survived --kill"
[ ! -e $d/result ] || fail "the count finished before the checkpoint"

step restart
cr_restart $d/ctx || fail "cr_restart exited $?"
[ -e /proc/$pid ] || fail "no process $pid after cr_restart returned"
[ ! -e $d/result ] || fail "cr_restart waited for the daemon"
now=$(awk '/^PPid:/ { print $2 }' /proc/$pid/status)
[ "$now" = "$ppid" ] || fail "the daemon's parent is $now, not $ppid"
poll $((60 * ${CR_SLOW:-1})) - test -e $d/result ||
	fail "the daemon did not finish"
cut -d' ' -f1 $d/out > $d/count
seq 0 $((limit - 1)) | cmp -s - $d/count ||
	fail "the count: $(cut -d' ' -f1 $d/out | tr '\n' ' ')"
parents=$(cut -d' ' -f2 $d/out | sort -u | tr '\n' ' ')
[ "$parents" = "$ppid " ] || fail "the daemon saw parents $parents"
echo "the daemon went back to pid $ppid and finished"
