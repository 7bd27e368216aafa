# A restart has the caller's rights and no more.  nobody checkpoints its
# own counter; the counter's output file is then made root's (0600), and
# nobody's restart must be refused, naming the file, and leave it as it
# was.  Its copy of the program is then made set-uid root: nobody's
# restart must be refused again, since nobody could not have checkpointed
# a program running as root.  Root may restart it, and the counter runs on
# as nobody, not as the file's owner.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
chmod 777 $d
cp "$CR_TESTS/cmd/cr_counter" $d/counter
chown 65534:65534 $d/counter

# refused PATTERN: nobody's restart of $d/ctx fails with a message
# matching PATTERN, and no process of nobody's is left.
refused() {
	local out rc
	out=$("${nobody[@]}" cr_restart --no-restore-pid $d/ctx 2>&1)
	rc=$?
	echo "$out"
	[ $rc -ne 0 ] || fail "nobody's restart succeeded"
	echo "$out" | grep -q "$1" || fail "the message does not match '$1'"
	! pgrep -u 65534 > /dev/null || fail "a process of nobody's was left"
}

step "nobody's checkpoint"
# its fds 0-2 too must be files nobody may open
"${nobody[@]}" $d/counter $d/out 40 100 < /dev/null > /dev/null 2>&1 &
pid=$!
wait_until 30 "the counter started" test -s $d/out
"${nobody[@]}" cr_checkpoint -f $d/ctx --kill $pid ||
	fail "cr_checkpoint exited $?"
wait $pid
cp $d/out $d/saved

step "its output file made root's"
chown root:root $d/out
chmod 600 $d/out
refused "cannot reopen $d/out"
cmp -s $d/out $d/saved || fail "root's file was changed"

step "its program made set-uid root"
chown 65534:65534 $d/out
chown root:root $d/counter
chmod 4755 $d/counter
refused "executable $d/counter is set-id"

step "root restarts it"
n=$(wc -l < $d/saved)
cr_restart $d/ctx &
rpid=$!
# a line written after the restart: the process is whole, ids included
wait_until 30 "the counter went on" has_lines $((n + 1)) $d/out
ids=""
while read -r key val; do
	[ "$key" != Uid: ] || ids=$val
done < /proc/$pid/status
echo "the counter's uids: $ids"
[ "$(echo $ids)" = "65534 65534 65534 65534" ] ||
	fail "the counter runs as uids $ids, not as nobody"
wait $rpid || fail "cr_restart exited $?"
check_counter $d 40
