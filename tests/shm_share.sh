# A parent and child pass tokens through shared anonymous memory, a
# /dev/shm segment, a SysV segment, a deleted file (mapped by one, read
# and written through a descriptor by the other) and a named file mapped
# shared (tests/cmd/shm_share.c).  Each channel only moves on if the
# memory is still shared after restart.  Then the same with --save-shared
# and the named file deleted before the restart.
. "$CR_TESTS/lib.sh"

steps=1500

# going STEPFILE: shm_share has passed 100 tokens.
going() {
	[ -s $1 ] && [ "$(cat $1)" -ge 100 ]
}

# run_once OPTS...: checkpoints the pair mid-way with OPTS and kills it.
run_once() {
	d=$(mktemp -d)
	"$CR_TESTS/cmd/shm_share" $d $steps &
	pid=$!
	poll 60 $pid going $d/step || {
		kill -0 $pid 2> /dev/null || fail "shm_share died"
		fail "shm_share did not get going"
	}
	ckpt_kill $d/ctx "$@"
	[ "$(cat $d/step)" -lt $steps ] || fail "finished before the checkpoint"
	[ -e $d/result ] && fail "a result before the restart"
	pgrep -f "shm_share $d" && fail "the child survived --kill"
}

restart_check() {
	timeout 120 cr_restart $d/ctx || fail "cr_restart exited $?"
	grep -qx ok $d/result || fail "after restart: $(cat $d/result 2>&1)"
	[ "$(cat $d/step)" -ge $((steps - 10)) ] ||
		fail "the parent stopped at step $(cat $d/step)"
}

step "by reference"
run_once
restart_check
echo "all five channels shared again after restart"

step "--save-shared, the mapped file deleted"
run_once --save-shared
rm $d/shared
restart_check
echo "the deleted shared file came back from the context file"
