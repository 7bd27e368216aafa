# Requests that meet.  While a checkpoint is being written (into a FIFO
# read only later), a second one of the same target (as a tree, or the
# process only) gets EBUSY (exit 16) with a message and leaves no file,
# and rmmod is refused; the first succeeds and its context restarts.  Two
# requests started together: one may get EBUSY, none may fail otherwise.
# A checkpoint of a process that cr_restart is still rebuilding (from a
# pipe) is refused or works (and then restarts), but does not hang.  Idle
# again, the module unloads.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d; [ -e /proc/checkpoint ] || insmod "$CR_MODULE"' EXIT
mkdir $d/a $d/b $d/c
mem=$CR_TESTS/cmd/mem_checksum

step "a second request while the first writes"
# The first writes into a FIFO that is not read: it stays under way.
start_ready $d/a $mem 16
mkfifo $d/a/fifo
cr_checkpoint -f $d/a/fifo --kill $pid &
cpid=$!
exec 3< $d/a/fifo
for scope in --tree --pid; do
	timeout 60 cr_checkpoint -f $d/a/ctx2 $scope $pid > $d/msg 2>&1
	rc=$?
	cat $d/msg
	[ $rc -eq 16 ] || fail "the second request ($scope) exited $rc, not 16"
	grep -qi "busy" $d/msg || fail "the message does not say busy"
	[ -z "$(ls -A $d/a | grep ctx2)" ] || fail "files left: $(ls -A $d/a)"
done
rmmod blcr 2> $d/msg && fail "rmmod succeeded during a checkpoint"
echo "rmmod refused: $(cat $d/msg)"
[ -e /proc/checkpoint/ctrl ] || fail "the module went away"
kill -0 $cpid 2> /dev/null || fail "the first checkpoint ended too early"
cat <&3 > $d/a/ctx &
exec 3<&-
wait $cpid || fail "the first checkpoint exited $?"
wait $pid
wait
restart_go $d/a
grep -q " 0 bad words" $d/a/log || fail "bad memory after the restart"

step "two requests at once"
start_counter $d/b 40 100
cr_checkpoint -f $d/b/ctx1 $pid > $d/msg1 2>&1 &
c1=$!
cr_checkpoint -f $d/b/ctx2 $pid > $d/msg2 2>&1 &
c2=$!
wait $c1
r1=$?
wait $c2
r2=$?
echo "exits $r1 and $r2"; cat $d/msg1 $d/msg2
case "$r1 $r2" in
"0 0" | "0 16" | "16 0") ;;
*) fail "exits $r1 and $r2: not both 0, nor one 0 and one EBUSY (16)" ;;
esac
wait $pid || fail "the counter exited $?"
check_counter $d/b 40

step "a checkpoint of a process being restarted"
start_ready $d/c $mem 128
ckpt_kill $d/c/ctx
# through a pipe, whose read the checkpoint's notification interrupts
cat $d/c/ctx | cr_restart -F 0 &
rpid=$!
wait_until 60 "the restart did not create the process" test -e /proc/$pid
timeout 60 cr_checkpoint -f $d/c/ctx2 $pid
rc=$?
echo "cr_checkpoint of the restarting process exited $rc"
[ $rc -ne 124 ] || fail "cr_checkpoint hung"
size=$(stat -c %s $d/c/log)
touch $d/c/go
wait $rpid || fail "the restart exited $?"
grep -q " 0 bad words" $d/c/log || fail "bad memory after the restart"
if [ $rc -eq 0 ]; then
	truncate -s $size $d/c/log
	cr_restart $d/c/ctx2 ||
		fail "the context taken during the restart: cr_restart exited $?"
	grep -q " 0 bad words" $d/c/log || fail "bad memory in the second restart"
fi

step "rmmod when idle"
refs_back 0
rmmod blcr || fail "rmmod when idle"
insmod "$CR_MODULE" || fail "insmod"
echo "EBUSY for the second request, rmmod refused while busy, no hang"
