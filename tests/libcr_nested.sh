# A checkpoint asked for from inside a callback of a checkpoint that
# covers the asker (tests/cmd/libcr_nested.c): the inner request overlaps
# and fails with EBUSY, and the outer one goes on and succeeds (it used to
# time out after 60 s); the program counts on, and its restart too.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2> /dev/null; rm -rf $d' EXIT
limit=$((40 * ${CR_SLOW:-1}))
"$CR_TESTS/cmd/libcr_nested" $d $limit &
pid=$!
wait_until 30 "the program started" has_lines 1 $d/out
ckpt -f $d/ctx -t 20 $pid
grep -qx "Device or resource busy" $d/inner ||
	fail "the inner request: $(cat $d/inner)"
grep -qx continued $d/inner || fail "the callback: $(cat $d/inner)"
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
