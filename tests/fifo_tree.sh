# A FIFO between processes of the checkpoint, opened through two hard
# links: a producer writes to one name, a consumer reads the other, and a
# third process holds it open for reading and writing.  Checkpointed with
# data in the FIFO and killed, the tree goes on after restart: the
# consumer gets every line once, in order, then the END that the
# read-write holder writes once the producer is done (not after a fixed
# time: a slow checkpoint and restart would let END overtake the lines).
# The read-write open keeps its flags (fdinfo's, as F_GETFL: O_LARGEFILE).
. "$CR_TESTS/lib.sh"

# flowing: the consumer has 100 lines and the holder its flags.
flowing() {
	lines_over 99 $d/out && [ -s $d/flags0 ]
}

d=$(mktemp -d)
n=6000
mkfifo $d/fifo
ln $d/fifo $d/link
bash -c '
	d=$1 n=$2
	(while read -r x; do
		echo "$x" >> $d/out
		[ "$x" = END ] && break
	done < $d/link) &
	({ seq 1 $((n / 2)); sleep 4; seq $((n / 2 + 1)) $n; } > $d/fifo
	 touch $d/produced) &
	(exec 4<> $d/fifo
	 grep ^flags: /proc/$BASHPID/fdinfo/4 > $d/flags0
	 until [ -e $d/produced ]; do sleep 0.2; done
	 grep ^flags: /proc/$BASHPID/fdinfo/4 > $d/flags1
	 echo END >&4) &
	wait
	echo done > $d/result
' fifo_tree $d $n &
pid=$!
poll 60 - flowing
[ -s $d/out ] || fail "the consumer did not start"
ckpt_kill $d/ctx
sleep 0.2
pgrep -f "fifo_tree $d" && fail "a process survived --kill"
lines=$(wc -l < $d/out)
[ $lines -lt $n ] || fail "the consumer had everything before the checkpoint"
echo "checkpointed after $lines of $n lines"
timeout 120 cr_restart $d/ctx || fail "cr_restart exited $?"
grep -qx done $d/result || fail "the tree did not finish"
{ seq 1 $n; echo END; } | cmp - $d/out ||
	fail "the consumer's lines differ: $(tail -n 3 $d/out | tr '\n' ' ')"
cmp $d/flags0 $d/flags1 ||
	fail "the read-write FIFO fd's $(cat $d/flags0) became $(cat $d/flags1)"
echo "every line came through the FIFO once, in order, then END"
