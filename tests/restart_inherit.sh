# Files from outside at restart, as BLCR gave them: a pipe end whose
# writer is not saved (fd 5) and a device (fd 6, a pty master opened
# write-only) take the descriptors of their numbers that cr_restart's
# caller passes on; where it passes none, the read end becomes
# cr_restart's stdin and the write-only device its stdout.
# An epoll watch on such a pipe end watches what the program gets.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid= wpid=
trap 'kill -KILL $pid $wpid 2> /dev/null; rm -rf $d' EXIT

cat > $d/job.sh <<'JOB'
exec 6> /dev/ptmx
echo started >> $1/out
while read -r -u 5 l; do
	echo "got $l" >> $1/out
	echo "dev $l" >&6
done
echo eof >> $1/out
JOB

step "checkpoint a reader of an outside pipe, holding a device"
mkfifo $d/w
bash $d/job.sh $d 5< $d/w &
pid=$!
exec 8> $d/w
wait_until 30 "the job started" has_lines 1 $d/out
ckpt_kill $d/ctx --pid
exec 8>&-

step "restart with fds 5 and 6 passed on"
printf 'a\nb\n' > $d/in
cr_restart $d/ctx 5< $d/in 6> $d/dev6 < /dev/null ||
	fail "cr_restart exited $?"
printf 'started\ngot a\ngot b\neof\n' | cmp -s - $d/out ||
	fail "the job read: $(cat $d/out)"
printf 'dev a\ndev b\n' | cmp -s - $d/dev6 ||
	fail "the job wrote to its fd 6: $(cat $d/dev6)"

step "restart with neither: stdin and stdout stand in"
echo started > $d/out
printf 'c\n' | cr_restart $d/ctx 5<&- 6>&- > $d/stdout ||
	fail "cr_restart exited $?"
printf 'started\ngot c\neof\n' | cmp -s - $d/out ||
	fail "the job read: $(cat $d/out)"
grep -qx "dev c" $d/stdout || fail "the job's fd 6 wrote: $(cat $d/stdout)"


step "an epoll watch on the outside pipe follows the fd passed on"
cat > $d/ep.py <<'PY'
import os, select, sys
out = open(sys.argv[1], "a", buffering=1)
ep = select.epoll()
ep.register(5, select.EPOLLIN)
out.write("started\n")
line = b""
while not line.endswith(b"b\n"):
	ep.poll()
	line += os.read(5, 100)
out.write("got " + line.decode().replace("\n", " ") + "\n")
PY
rm -f $d/out $d/ctx
python3 $d/ep.py $d/out 5< $d/w &
pid=$!
exec 8> $d/w
wait_until 30 "the python job started" has_lines 1 $d/out
ckpt_kill $d/ctx --pid
exec 8>&-
mkfifo $d/w2
cr_restart $d/ctx 5<> $d/w2 < /dev/null &
pid=$!
printf 'a\nb\n' > $d/w2
wait $pid || fail "cr_restart exited $?: $(cat $d/out)"
pid=
printf 'started\ngot a b \n' | cmp -s - $d/out ||
	fail "the python job read: $(cat $d/out)"
echo "passed on where open, stdin and stdout otherwise, and watched there"
