# Requests that must fail cleanly: a clear message, a non-zero exit, no
# context file (nor its temporary) left behind, the target untouched, and
# no kernel warning (the runner checks dmesg).  Checkpoints of a pid that
# does not exist, of a kernel thread (kthreadd), of pid 1 and of a root
# process by an unprivileged user; restarts of a missing, an empty, a random
# and a truncated context file.  A good context still restarts afterwards.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
chmod 755 $d
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# ckpt_fails WHAT PATTERN [cr_checkpoint args...]: must fail with a message
# matching PATTERN (extended regex, case-insensitive) and leave no file.
ckpt_fails() {
	local what=$1 pat=$2 rc
	shift 2
	rm -f $d/ctx $d/.ctx.tmp
	timeout 30 "$@" > $d/msg 2>&1
	rc=$?
	[ $rc -eq 124 ] && { bad "$what: cr_checkpoint hung"; return; }
	[ $rc -ne 0 ] || bad "$what: cr_checkpoint succeeded"
	[ -s $d/msg ] || bad "$what: no message (exit $rc)"
	grep -qiE "$pat" $d/msg || bad "$what: message does not say /$pat/: $(cat $d/msg)"
	ls -a $d | grep -q 'ctx' && bad "$what: file left: $(ls -a $d | grep ctx)"
	echo "$what: exit $rc: $(head -c 300 $d/msg | tr '\n' ' ')"
}

# rstrt_fails WHAT FILE PID: cr_restart FILE must fail with a message, and
# no process PID may be left behind.
rstrt_fails() {
	local what=$1 f=$2 p=${3:-} rc
	timeout 30 cr_restart $f > $d/msg 2>&1
	rc=$?
	[ $rc -eq 124 ] && { bad "$what: cr_restart hung"; return; }
	[ $rc -ne 0 ] || bad "$what: cr_restart succeeded"
	[ $rc -ne 0 ] && [ $rc -lt 128 ] || bad "$what: cr_restart exit $rc (a signal?)"
	[ -s $d/msg ] || bad "$what: no message (exit $rc)"
	grep -qi "restart failed" $d/msg || bad "$what: unclear message: $(cat $d/msg)"
	if [ -n "$p" ] && [ -e /proc/$p ]; then
		bad "$what: process $p left behind ($(cat /proc/$p/status | head -3 | tr '\n' ' '))"
		kill -9 $p 2> /dev/null
	fi
	echo "$what: exit $rc: $(head -c 300 $d/msg | tr '\n' ' ')"
}

# --- checkpoint ---
true &
gone=$!
wait $gone
[ -e /proc/$gone ] && skip "pid $gone reused already"
ckpt_fails "no such pid" "no such process" cr_checkpoint -f $d/ctx $gone
ckpt_fails "kthreadd (pid 2)" "not permitted|not allowed|invalid|not supported|kernel" \
	cr_checkpoint -f $d/ctx 2
ckpt_fails "pid 1" "not permitted|not allowed|invalid|not supported|busy|init" \
	cr_checkpoint -f $d/ctx 1
# the guest's pid 1 and kthreadd must still be alive and running
[ "$(cat /proc/1/status | sed -n 's/^State:\t//p' | cut -c1)" != T ] ||
	bad "pid 1 left stopped"

# an unprivileged user against a root process: EPERM, target goes on
"$CR_TESTS/cmd/cr_counter" $d/count 60 100 &
pid=$!
sleep 0.7
chmod 1777 $d
ckpt_fails "unprivileged user" "not permitted|not allowed|permission" \
	"${nobody[@]}" cr_checkpoint -f $d/ctx $pid
chmod 755 $d
wait $pid
rc=$?
[ $rc -eq 0 ] || bad "the target of the refused checkpoint exited $rc"
seq 0 59 | cmp -s - $d/count || bad "the target of the refused checkpoint miscounted"

# --- restart ---
rstrt_fails "missing file" $d/nonexistent
grep -qi "no such file" $d/msg || bad "missing file: message does not say so: $(cat $d/msg)"
: > $d/empty
rstrt_fails "empty file" $d/empty
head -c 65536 /dev/urandom > $d/random
rstrt_fails "random bytes" $d/random
head -c 100 /dev/zero > $d/zeros
rstrt_fails "zeros" $d/zeros

# a good context, and pieces of it
"$CR_TESTS/cmd/cr_counter" $d/count 60 100 &
pid=$!
sleep 0.7
cr_checkpoint -f $d/good --kill $pid || fail "cr_checkpoint of a counter exited $?"
wait $pid
size=$(stat -c %s $d/good)
echo "good context: $size bytes"
for n in 1 8 16 64 256 1024 4096 $((size / 3)) $((size / 2)) \
	 $((size - 4096)) $((size - 100)) $((size - 1)); do
	[ $n -gt 0 ] && [ $n -lt $size ] || continue
	head -c $n $d/good > $d/cut
	rstrt_fails "cut at $n of $size" $d/cut $pid
done
# a good header with garbage after it
{ head -c 512 $d/good; head -c 65536 /dev/urandom; } > $d/garbled
rstrt_fails "header + random" $d/garbled $pid

# the module is still fine: the good context restarts and finishes
before=$(wc -l < $d/count)
timeout 60 cr_restart $d/good
rc=$?
[ $rc -eq 0 ] || bad "the good context did not restart after the failures (exit $rc)"
seq 0 59 | cmp -s - $d/count || bad "the restarted counter miscounted (had $before lines)"

[ $fails -eq 0 ] || fail "$fails problem(s), see above"
rm -rf $d
