# contrib/pbs's scripts, called as pbs_mom calls them (as root, with its
# argument lists), on a job of nobody's: a session of a shell and two
# counters.  The checkpoint with signal 9 ends the session; the restart,
# right away, in a new session as pbs_mom runs it, must carry both counts
# on to the end.  Then the exit codes of the failures pbs_mom acts on.
. "$CR_TESTS/lib.sh"

pbs=$CR_TOP/contrib/pbs
d=$(mktemp -d)
: > $d/log
chown nobody $d $d/log
limit=120
# The shell waits for its children by pid: they must come back with them.
was=$(cat $pid_param)
echo Y > $pid_param

step "a job session of three processes"
"${nobody[@]}" setsid bash -c "
	$CR_TESTS/cmd/cr_counter $d/a $limit 100 &
	$CR_TESTS/cmd/cr_counter $d/b $limit 100 &
	wait" > $d/log 2>&1 &
sid=$!
trap 'pkill -KILL -s $sid; echo $was > $pid_param' EXIT
wait_until 60 "the counters did not start" has_lines 5 $d/a $d/b

step "blcr_checkpoint_script with signal 0: the job goes on"
$pbs/blcr_checkpoint_script $sid 7.server 65534 65534 $d ckpt.0 0 1 ||
	fail "exit $?"
[ "$(stat -c %U $d/ckpt.0)" = nobody ] || fail "the context is not nobody's"
kill -0 $sid || fail "the job did not go on"

step "blcr_checkpoint_script with signal 9: the job ends"
$pbs/blcr_checkpoint_script $sid 7.server 65534 65534 $d ckpt.1 9 1 ||
	fail "exit $?"
wait $sid
[ $? = 137 ] || fail "the session leader was not killed"
has_lines $limit $d/a && fail "a counter finished before the checkpoint"

step "blcr_restart_script at once, in a new session"
setsid -w $pbs/blcr_restart_script $sid 7.server 65534 65534 $d ckpt.1
rc=$?
[ $rc = 0 ] || fail "blcr_restart_script exited $rc"
check_seq $d/a $limit "counter a"
check_seq $d/b $limit "counter b"

step "failures have non-zero exit codes"
$pbs/blcr_restart_script $sid 7.server 65534 65534 $d missing 2>&1 &&
	fail "a missing checkpoint restarted"
$pbs/blcr_checkpoint_script $sid 7.server 65534 65534 $d ckpt.2 0 1 2>&1 &&
	fail "a checkpoint of a gone session succeeded"
[ ! -e $d/ckpt.2 ] || fail "a failed checkpoint left a file"
# Another user's session is not nobody's to checkpoint.
setsid sleep 30 &
other=$!
$pbs/blcr_checkpoint_script $other 8.server 65534 65534 $d ckpt.3 0 1 2>&1 &&
	fail "nobody checkpointed root's session"
kill $other
echo "pbs scripts: ok"
