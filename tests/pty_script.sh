# A counter run by util-linux script(1), which holds the pty's master and
# copies what the counter writes on its slave (its controlling terminal)
# to a file: script alone (the slave's other holder outside) and then the
# tree checkpointed and left running, then the tree checkpointed and
# killed and restarted.  script's input is /dev/null: at its end
# script writes an end-of-file to the slave, input the counter never reads,
# which the checkpoints keep.  The copy must hold every tick exactly once,
# byte for byte, and the restarted counter's controlling terminal must be
# the new pty on its stdout.
. "$CR_TESTS/lib.sh"

command -v script > /dev/null || skip "no script(1)"
d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill $pid 2> /dev/null; rm -rf $d' EXIT
limit=30

step run
script -qfc "$CR_TESTS/cmd/ctty_count $d $limit 100" /dev/null \
	< /dev/null > $d/tty &
pid=$!
wait_until 30 "the counter did not start" has_lines 3 $d/out
ckpt -f $d/ctx0 --pid $pid
ckpt -f $d/ctx1 --tree $pid
wait_until 30 "the counter did not go on" has_lines 8 $d/out
ckpt_kill $d/ctx --tree
n=$(wc -l < $d/out)
[ $n -lt $limit ] || fail "the count finished before the checkpoint"

step restart
cr_restart $d/ctx < /dev/null
rc=$?
pid=
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
cut -d' ' -f1 $d/out > $d/count
check_seq $d/count $limit "the counter"
for i in $(seq 0 $((limit - 1))); do
	printf 'tick %d\r\n' $i
done | cmp - $d/tty || fail "the copy of the terminal is not every tick once"
read -r _ nr1 name1 < $d/out
set -- $(tail -n 1 $d/out)
nr2=$2 name2=$3
echo "before on $name1 ($nr1), after on $name2 ($nr2)"
[[ $name2 == /dev/pts/* ]] || fail "stdout is $name2 after the restart"
[ "$nr2" = $((136 << 8 | ${name2#/dev/pts/})) ] ||
	fail "the controlling terminal is $nr2, not $name2's"
echo ok
