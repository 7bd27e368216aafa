# BLCR's "stopped" matrix, 36 cases: a counter with a signal-context or a
# thread-context callback (and a second thread), running or stopped
# (SIGSTOP), checkpointed with no signal option, --stop or --cont, killed
# and restarted with none, --stop or --cont.  After the checkpoint and
# after the restart it must be stopped (every thread, and writing
# nothing) or running (writing) as the options say, with no option
# meaning as it was; continued, it must count on from the checkpoint
# (its callback drops the lines the original wrote after it) past where
# the original got, every number once.
. "$CR_TESTS/lib.sh"

# states PID: the one-letter states of PID's threads, sorted, unique
states() {
	local f s
	for f in /proc/$1/task/*/stat; do
		s=$(< $f) && echo "${s##*) }" | cut -c1
	done | sort -u | tr -d '\n'
}

last() {
	tail -n1 $d/out
}

# expect_state PID stopped|running WHEN
expect_state() {
	local n s
	n=$(last)
	if [ $2 = stopped ]; then
		sleep 0.5
		s=$(states $1)
		[ "$s" = T ] || fail "$3: not every thread stopped (states $s)"
		[ "$(last)" = "$n" ] || fail "$3: it wrote while stopped"
	else
		s=$(states $1)
		case $s in *T*) fail "$3: a thread is stopped (states $s)";; esac
		wait_until 5 "$3: it wrote nothing" test "$(last)" != "$n"
	fi
}

# after INITIAL OPTION: the state OPTION leaves
after() {
	case $2 in
	--stop) echo stopped;;
	--cont) echo running;;
	*) echo $1;;
	esac
}

one_case() {
	local cb=$1 init=$2 copt=$3 ropt=$4 what rpid top
	what="$cb callback, $init, cr_checkpoint ${copt:-(none)}, cr_restart ${ropt:-(none)}"
	step "$what"
	d=$(mktemp -d)
	"$CR_TESTS/cmd/stop_counter" $cb $d/out 100000 50 &
	pid=$!
	wait_until 10 "the counter starting" test -s $d/out
	if [ $init = stopped ]; then
		kill -STOP $pid
		wait_until 5 "the counter stopping" test "$(states $pid)" = T
	fi
	cr_checkpoint -f $d/ctx $copt $pid || fail "cr_checkpoint exited $?"
	expect_state $pid $(after $init "$copt") "after the checkpoint"
	kill -KILL $pid
	wait $pid
	top=$(last)
	cr_restart --run-on-success="touch $d/restored" $ropt $d/ctx &
	rpid=$!
	wait_file $d/restored $rpid || fail "the restart failed"
	expect_state $pid $(after $init "$ropt") "after the restart"
	kill -CONT $pid
	# back to its count at the checkpoint, then past the original's
	wait_until 10 "counting on after the restart" \
		test "$(last)" -gt $((top + 2))
	kill -KILL $pid
	wait $rpid
	check_seq $d/out $(wc -l < $d/out) "the counter"
	rm -rf $d
}

for cb in signal thread; do
	for init in running stopped; do
		for copt in "" --stop --cont; do
			for ropt in "" --stop --cont; do
				one_case $cb $init "$copt" "$ropt"
			done
		done
	done
done
echo "36 cases: stopped or running as the options say, counting on"
