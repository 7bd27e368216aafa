# cwd, umask, rlimits, personality, name, no_new_privs, keepcaps,
# securebits and ids survive a restart; a user's job restarted by root
# runs as that user again; a context file of root's is refused to another
# user, and one whose securebits that user may not set, to that user.
. "$CR_TESTS/lib.sh"

prog=$CR_TESTS/cmd/proc_state

# run DIR AS...: starts the program as the given command prefix,
# checkpoints it with --kill, then lets the caller restart it.
run() {
	local d=$1
	shift
	"$@" $prog $d &
	pid=$!
	wait_file $d/ready $pid || fail "the program did not get ready"
	cr_checkpoint -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
	wait $pid
	touch $d/go
}

d=$(mktemp -d)
chmod 755 $d
run $d env
cr_restart $d/ctx || fail "cr_restart exited $?: $(cat $d/result)"
grep -qx ok $d/result || fail "$(cat $d/result)"

# A job of nobody's, restarted by root, is nobody's again.
u=$(mktemp -d)
chmod 777 $u
run $u "${nobody[@]}"
cr_restart $u/ctx || fail "root's restart of nobody's job exited $?: $(cat $u/result)"
grep -qx ok $u/result || fail "$(cat $u/result)"

# nobody's job with the noroot securebit (set by root before the switch):
# nobody may not set it, so its restart is refused, naming the bit; root's
# brings it back with the bit.
s=$(mktemp -d)
chmod 777 $s
run $s "${nobody[@]}" --securebits +noroot
chmod 444 $s/ctx
out=$("${nobody[@]}" cr_restart --no-restore-pid $s/ctx 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "nobody restarted a job with a securebit it may not set"
echo "$out" | grep -q "securebit noroot" || fail "no clear refusal of the securebit"
cr_restart $s/ctx || fail "root's restart of the noroot job exited $?: $(cat $s/result)"
grep -qx ok $s/result || fail "$(cat $s/result)"

# root's context file, readable by nobody, is refused to nobody.
cp $d/ctx $u/rootctx
chmod 444 $u/rootctx
out=$("${nobody[@]}" cr_restart $u/rootctx 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "nobody restarted root's context file"
echo "$out" | grep -q "needs CAP_CHECKPOINT_RESTORE" ||
	fail "no clear refusal to restore pids"
out=$("${nobody[@]}" cr_restart --no-restore-pid $u/rootctx 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "nobody restarted root's context file"
echo "$out" | grep -q "belongs to uid 0" || fail "no clear refusal"
echo "process state restored; ids never gained"
