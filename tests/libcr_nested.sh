# Checkpoints asked for from inside a callback of a checkpoint of the
# asker's tree (tests/cmd/libcr_nested.c), of the asker and of its child:
# both overlap and fail with EBUSY, and the outer one goes on and
# succeeds (the child's used to take the child into both requests, and
# the outer one timed out waiting for it); the program counts on, and
# its restart too.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2> /dev/null; rm -rf $d' EXIT
limit=$((40 * ${CR_SLOW:-1}))
"$CR_TESTS/cmd/libcr_nested" $d $limit &
pid=$!
wait_until 30 "the program started" has_lines 1 $d/out
ckpt --tree -f $d/ctx -t 20 $pid
printf 'Device or resource busy\nDevice or resource busy\ncontinued\n' |
	cmp -s - $d/inner || fail "the inner requests: $(cat $d/inner)"
wait $pid || fail "the program exited $?"
pid=
check_seq $d/out $limit "the program"
rm -f $d/done
: > $d/out
cr_restart $d/ctx || fail "cr_restart exited $?"
[ -e $d/done ] || fail "the restarted program did not finish"
first=$(head -n 1 $d/out)
seq "$first" $((limit - 1)) | cmp -s - $d/out ||
	fail "the restarted program counted: $(tr '\n' ' ' < $d/out)"
echo "the inner request was refused, the outer one went through"
