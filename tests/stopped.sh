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

# Forks are slow under TCG: these set variables instead of printing.

# states PID: st, the one-letter states of PID's threads, each once
states() {
	local f s
	st=
	for f in /proc/$1/task/*/stat; do
		read -r s < $f 2> /dev/null || continue
		s=${s##*) }
		[[ $st == *${s:0:1}* ]] || st+=${s:0:1}
	done
}

# last: ln, the counter's last line
last() {
	local l
	mapfile -t l < $d/out
	ln=${l[-1]:-}
}

# for wait_until
is_stopped() {
	states $1
	[ "$st" = T ]
}

last_is_not() {
	last
	[ "$ln" != "$1" ]
}

last_above() {
	last
	[ "$ln" -gt $1 ] 2> /dev/null
}

# expect_state PID stopped|running WHEN
expect_state() {
	local n
	last
	n=$ln
	if [ $2 = stopped ]; then
		sleep 0.5
		is_stopped $1 || fail "$3: not every thread stopped (states $st)"
		last_is_not "$n" && fail "$3: it wrote while stopped"
	else
		states $1
		[[ $st != *T* ]] || fail "$3: a thread is stopped (states $st)"
		wait_until 5 "$3: it wrote nothing" last_is_not "$n"
	fi
}

# after INITIAL OPTION: want, the state OPTION leaves
after() {
	case $2 in
	--stop) want=stopped;;
	--cont) want=running;;
	*) want=$1;;
	esac
}

one_case() {
	local cb=$1 init=$2 copt=$3 ropt=$4 what rpid top st ln want
	what="$cb callback, $init, cr_checkpoint ${copt:-(none)}, cr_restart ${ropt:-(none)}"
	step "$what"
	d=$(mktemp -d)
	"$CR_TESTS/cmd/stop_counter" $cb $d/out 100000 50 &
	pid=$!
	wait_until 10 "the counter starting" test -s $d/out
	if [ $init = stopped ]; then
		kill -STOP $pid
		wait_until 5 "the counter stopping" is_stopped $pid
	fi
	cr_checkpoint -f $d/ctx $copt $pid || fail "cr_checkpoint exited $?"
	after $init "$copt"
	expect_state $pid $want "after the checkpoint"
	kill -KILL $pid
	wait $pid
	last
	top=$ln
	cr_restart --run-on-success="touch $d/restored" $ropt $d/ctx &
	rpid=$!
	wait_file $d/restored $rpid || fail "the restart failed"
	after $init "$ropt"
	expect_state $pid $want "after the restart"
	kill -CONT $pid
	# back to its count at the checkpoint, then past the original's
	wait_until 10 "counting on after the restart" last_above $((top + 2))
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
