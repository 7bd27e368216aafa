# Interval timers survive checkpoint/restart: ITIMER_REAL (50 ms, still
# ticking afterwards), ITIMER_PROF and ITIMER_VIRTUAL are reported by
# getitimer().
# Plain checkpoint first (the program goes on and checks itself), then a
# checkpoint with --kill and a restart from that context file.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
wait_file() {
	local i
	for i in $(seq 1 600); do
		[ -e "$1" ] && return 0
		kill -0 $pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# run kill|cont
run() {
	local rc
	rm -rf $d/*
	"$CR_TESTS/cmd/signals_itimer" $d > $d/log 2>&1 &
	pid=$!
	wait_file $d/ready || { cat $d/log; fail "$1: the program did not get ready"; }
	if [ $1 = cont ]; then
		cr_checkpoint -f $d/ctx $pid || fail "$1: cr_checkpoint exited $?"
		touch $d/go
		wait $pid
		rc=$?
		cat $d/log
		[ $rc -eq 0 ] || fail "$1: the program failed after the checkpoint (exit $rc)"
	else
		cr_checkpoint -f $d/ctx --kill $pid || fail "$1: cr_checkpoint exited $?"
		wait $pid
		rc=$?
		[ $rc -eq 137 ] || fail "$1: the program was not killed (exit $rc)"
		touch $d/go
		cr_restart $d/ctx
		rc=$?
		echo "--- after restart:"
		cat $d/log
		[ $rc -eq 0 ] || fail "$1: cr_restart exited $rc (the program's verification failed?)"
	fi
	grep -q "^signals_itimer: ok" $d/log || fail "$1: the program did not finish ok"
}

run cont
run kill
echo ok
