# A parent and child pass tokens through shared anonymous memory, a
# /dev/shm segment, a SysV segment, a deleted file (mapped by one, read
# and written through a descriptor by the other) and a named file mapped
# shared (tests/cmd/shm_share.c).  Each channel only moves on if the
# memory is still shared after restart.  The named file is on the guest's
# tmpfs /tmp: shared memory with a name, saved by value and written back
# to its path (or where --relocate moves it) even when it was removed,
# and never over a copy that a running job still maps.
. "$CR_TESTS/lib.sh"

# more under a slow (debug) kernel: the pair must not end before the checkpoint
steps=$((1500 * ${CR_SLOW:-1}))

# going STEPFILE: shm_share has passed 100 tokens.
going() {
	[ -s $1 ] && [ "$(cat $1)" -ge 100 ]
}

# start: shm_share in $d until it gets going; sets pid.
start() {
	d=$(mktemp -d)
	"$CR_TESTS/cmd/shm_share" $d $steps &
	pid=$!
	poll 60 $pid going $d/step || {
		kill -0 $pid 2> /dev/null || fail "shm_share died"
		fail "shm_share did not get going"
	}
}

# run_once OPTS...: checkpoints the pair mid-way with OPTS and kills it.
run_once() {
	start
	ckpt_kill $d/ctx "$@"
	[ "$(cat $d/step)" -lt $steps ] || fail "finished before the checkpoint"
	[ -e $d/result ] && fail "a result before the restart"
	pgrep -f "shm_share $d" && fail "the child survived --kill"
}

restart_check() {
	timeout 120 cr_restart "$@" $d/ctx || fail "cr_restart exited $?"
	grep -qx ok $d/result || fail "after restart: $(cat $d/result 2>&1)"
	[ "$(cat $d/step)" -ge $((steps - 10)) ] ||
		fail "the parent stopped at step $(cat $d/step)"
}

# counted FILE: FILE holds the named channel's counter at its end: the
# restarted pair shared the memory at that path.
counted() {
	local v
	[ -f $1 ] || fail "$1 was not written back"
	v=$(od -An -tu4 -N4 $1 | tr -d ' ')
	[ "$v" -ge $steps ] || fail "$1 holds $v, not the channel's end"
}

step "by value, the named file removed before the restart"
run_once
rm $d/shared
restart_check
counted $d/shared
echo "all five channels shared again; $d/shared written back"

step "--save-shared and --relocate of the named file"
run_once --save-shared
rm $d/shared
moved=$(mktemp -d)/sub
restart_check --relocate $d/shared=$moved/shared
counted $moved/shared
[ -e $d/shared ] && fail "written back at the old path too"
echo "written back at $moved/shared, a directory made for it"

step "a restart while the checkpointed pair still maps its file"
start
ckpt -f $d/ctx $pid
out=$(timeout 120 cr_restart --no-restore-pid $d/ctx 2>&1) &&
	fail "the restart succeeded: $out"
echo "$out"
echo "$out" | grep -q "$d/shared is shared memory in use" ||
	fail "the message does not name the file in use"
wait $pid || fail "the running pair exited $?"
grep -qx ok $d/result || fail "the running pair: $(cat $d/result 2>&1)"
counted $d/shared
exit 0
