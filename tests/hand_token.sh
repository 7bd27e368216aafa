# The module's side of libcr callbacks, with raw ioctls (tests/cmd/hand_token.c):
# a registered process is stopped only when its handler answers; the
# answer returns 0 in the process that goes on and 1 after a restart; a
# handler that refuses fails the checkpoint with its code and nothing is
# written.
. "$CR_TESTS/lib.sh"

# start DIR [REFUSE]: hand_token running with its handler registered.
start() {
	"$CR_TESTS/cmd/hand_token" "$@" &
	pid=$!
	wait_file $1/ready $pid || fail "the handler did not start"
	# It registers on entering its first wait, just after "ready".
	sleep 1
}

d=$(mktemp -d)
start $d
cr_checkpoint -f $d/ctx1 $pid || fail "cr_checkpoint exited $?"
echo "answer 0" > $d/expect
sleep 1
grep -qx "answer 0" $d/log || fail "the handler did not answer: $(cat $d/log)"
cr_checkpoint -f $d/ctx2 --kill $pid || fail "cr_checkpoint --kill exited $?"
wait $pid
[ $? -eq 137 ] || fail "the program was not killed"
echo "answer 1" > $d/expect
touch $d/go
cr_restart $d/ctx2 || fail "after restart: exit $?, log: $(cat $d/log)"

d=$(mktemp -d)
start $d 42
out=$(cr_checkpoint -f $d/ctx $pid 2>&1) && fail "a refused checkpoint succeeded"
echo "$out"
echo "$out" | grep -q "$(perl -e '$! = 42; print "$!"')" ||
	fail "the message does not carry the handler's code 42"
[ -e $d/ctx ] && fail "a context file was left"
echo "answer -200" > $d/expect
touch $d/go
wait $pid || fail "the program did not go on after the refusal"
echo "callbacks answered, continued, restarted and refused"
