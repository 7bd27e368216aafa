# The address space layout survives checkpoint/restart: /proc/self/maps
# (but the dev/inode columns), region contents, protections, a mremap'd and
# a MAP_GROWSDOWN region (still growing), the brk heap (sbrk still works),
# 24 x 64 KiB stack frames of a recursion in progress, /proc/self/cmdline,
# environ, auxv, exe and getauxval().  Plain checkpoint first (the program
# goes on and checks itself), then a restart after it has exited.
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

MEM_LAYOUT_VAR="an environment value with spaces = and symbols !@#" \
	"$CR_TESTS/cmd/mem_layout" $d "an argument" "" "last" > $d/log 2>&1 &
pid=$!
wait_file $d/ready || { cat $d/log; fail "the program did not get ready"; }
off=$(stat -c %s $d/log)	# the program's offset in its log
cr_checkpoint -f $d/ctx $pid || fail "cr_checkpoint exited $?"
touch $d/go
wait $pid
rc=$?
cat $d/log
[ $rc -eq 0 ] || fail "the program failed after the checkpoint (exit $rc)"
grep -q "^mem_layout: ok" $d/log || fail "the program did not finish ok"
truncate -s $off $d/log		# as it was at the checkpoint
cr_restart $d/ctx
rc=$?
echo "--- after restart:"
cat $d/log
[ $rc -eq 0 ] || fail "cr_restart exited $rc (the program's verification failed?)"
grep -q "^mem_layout: ok" $d/log || fail "the restarted program did not finish ok"
echo ok
