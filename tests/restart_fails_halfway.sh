# A restart that fails half-way leaves nothing behind.  A tree of four
# processes whose third (child 2) had a file open that is gone at restart:
# cr_restart fails with a message, no process of the tree is left, nor a
# module reference; with the file back, the same context restarts.  And a
# 64 MiB process restarted under an address-space limit (RLIMIT_AS) too
# small for its memory: the same.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
mkdir $d/tree $d/mem
refs0=$(module_refs)
limit=60

# restart_fails CTX [PRLIMIT_ARGS...]: cr_restart CTX must fail with a
# message and leave no test program running.
restart_fails() {
	local ctx=$1 rc left
	shift
	timeout 120 prlimit "$@" cr_restart $ctx > $d/msg 2>&1
	rc=$?
	cat $d/msg
	[ $rc -ne 124 ] || fail "cr_restart hung"
	[ $rc -ne 0 ] && [ $rc -lt 128 ] || fail "cr_restart exited $rc"
	grep -q "^Restart failed" $d/msg || fail "no message"
	sleep 0.5
	left=$(pgrep -f "$CR_TESTS/cmd/")
	[ -z "$left" ] || fail "processes left: $(ps -o pid,stat,args -p "$left")"
	refs_back $refs0
}

step "a file of the third process is missing"
"$CR_TESTS/cmd/tree_counter" $d/tree 3 $limit 100 &
pid=$!
wait_until 60 "the tree did not start" has_lines 3 $d/tree/out.{0,1,2,3}
ckpt_kill $d/tree/ctx --tree
mv $d/tree/out.2 $d/tree/saved.2
restart_fails $d/tree/ctx
grep -qi "out.2" $d/msg || fail "the message does not name the file"
mv $d/tree/saved.2 $d/tree/out.2
cr_restart $d/tree/ctx || fail "with the file back, cr_restart exited $?"
grep -qx ok $d/tree/result || fail "parent: $(cat $d/tree/result)"
for k in 0 1 2 3; do
	check_seq $d/tree/out.$k $limit "process $k"
done

step "RLIMIT_AS too small for the memory"
start_ready $d/mem "$CR_TESTS/cmd/mem_checksum" 64
ckpt_kill $d/mem/ctx
restart_fails $d/mem/ctx --as=$((48 << 20))
restart_go $d/mem
grep -q " 0 bad words" $d/mem/log || fail "bad memory after the restart"
refs_back $refs0
echo "failed restarts left nothing behind; the contexts restart"
