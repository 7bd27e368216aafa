# A program whose controlling terminal and stdin/stdout are a pty is
# checkpointed and killed, then restarted by a cr_restart running on
# another pty: it goes on writing to the new pty, which is now its
# controlling terminal (tty_nr in /proc/PID/stat).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=50
cmd=$CR_TESTS/cmd

# pts_nr NAME: the tty_nr of /dev/pts/N (major 136).
pts_nr() {
	echo $((136 << 8 | ${1#/dev/pts/}))
}

step checkpoint
"$cmd/pty_run" $d/tty1 "$cmd/ctty_count" $d $limit 100 < /dev/null &
run1=$!
wait_file $d/out $run1 || fail "the program did not start"
sleep 0.3
pid=$(children $run1)
read -r _ nr1 name1 < $d/out
echo "on $name1 (tty_nr $nr1)"
[[ $name1 == /dev/pts/* ]] || fail "stdout is $name1, not a pty"
[ "$nr1" = $(pts_nr $name1) ] || fail "tty_nr $nr1 is not $name1's"
ckpt --tree -f $d/ctx --kill $pid
wait $run1
n=$(wc -l < $d/out)
[ $n -lt $limit ] || fail "the count finished before the checkpoint"

step restart
# Hold the old pty's number, so that the restart gets another one.
"$cmd/pty_run" $d/hold sleep 100 < /dev/null &
hold=$!
sleep 0.5
"$cmd/pty_run" $d/tty2 cr_restart $d/ctx < /dev/null
rc=$?
kill $(children $hold) 2> /dev/null
wait $hold
cat $d/tty2
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
cut -d' ' -f1 $d/out > $d/count
seq 0 $((limit - 1)) | cmp -s - $d/count ||
	fail "the count: $(tr '\n' ' ' < $d/count)"
set -- $(tail -n 1 $d/out)
nr2=$2 name2=$3
echo "after restart on $name2 (tty_nr $nr2)"
[ "$name2" != "$name1" ] || fail "still on $name1"
[ "$nr2" = $(pts_nr $name2) ] ||
	fail "the controlling terminal is $nr2, not $name2's $(pts_nr $name2)"
for i in $(seq $n $((limit - 1))); do
	grep -q "^tick $i" $d/tty2 || fail "tick $i is not on the new pty"
done
echo "the program went on on the new terminal"
