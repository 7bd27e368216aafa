# cr_checkpoint --ptraced-* and --ptracer-* (BLCR's exit codes: 56 for
# CR_EPTRACED, 57 for CR_EPTRACER, 3 when all were left out), --kmsg-*
# on both tools, and cr_restart's signal options: the restarted program
# gets the signal before it runs, and cr_restart exits as it does.
# cr_checkpoint -F FD and -v, and BLCR's hidden --early-stop/--early-abrt.
. "$CR_TESTS/lib.sh"

EPTRACED=56
EPTRACER=57
ESRCH=3

# expect_rc RC CMD...: CMD exits RC; its stderr is left in $d/err
expect_rc() {
	local want=$1 rc
	shift
	"$@" 2> $d/err
	rc=$?
	cat $d/err
	[ $rc -eq $want ] || fail "$* exited $rc, not $want"
}

# has_kmsg PATTERN: stderr had the module's line "- PATTERN..."
has_kmsg() {
	grep -q "^- $1" $d/err || fail "no module message '- $1'"
}

no_kmsg() {
	! grep -q '^- ' $d/err || fail "a module message was printed"
}

d=$(mktemp -d)

step "a traced process"
start_counter $d 100000 50
traced=$pid
"$CR_TESTS/cmd/tracer" $traced $d/attached &
tracer=$!
wait_file $d/attached $tracer || fail "the tracer did not attach"
expect_rc $EPTRACED cr_checkpoint -f $d/ctx $traced
grep -q "being traced" $d/err || fail "cr_strerror's message is missing"
has_kmsg "pid $traced is being traced"
expect_rc $EPTRACED cr_checkpoint -f $d/ctx --ptraced-error $traced
expect_rc $EPTRACED cr_checkpoint -f $d/ctx --ptracer-skip $traced
expect_rc $ESRCH cr_checkpoint -f $d/ctx --ptraced-skip $traced
[ ! -e $d/ctx ] || fail "a refused checkpoint left a file"

step "--kmsg-* on a failure"
expect_rc $EPTRACED cr_checkpoint -f $d/ctx --kmsg-none $traced
no_kmsg
expect_rc $EPTRACED cr_checkpoint -f $d/ctx --kmsg-warning $traced
has_kmsg "pid $traced is being traced"
expect_rc $EPTRACED cr_checkpoint -f $d/ctx --kmsg-none --kmsg-error $traced
has_kmsg "pid $traced is being traced"

step "a tracer"
expect_rc $EPTRACER cr_checkpoint -f $d/ctx $tracer
has_kmsg "pid $tracer is tracing"
expect_rc $EPTRACER cr_checkpoint -f $d/ctx --ptracer-error $tracer
expect_rc $EPTRACER cr_checkpoint -f $d/ctx --ptraced-skip $tracer
expect_rc $EPTRACER cr_checkpoint -f $d/ctx --ptraced-allow $tracer
expect_rc $ESRCH cr_checkpoint -f $d/ctx --ptracer-skip $tracer

step "--ptraced-allow: the tracer lets the checkpoint happen"
expect_rc 0 cr_checkpoint -f $d/ctx --ptraced-allow --kill $traced
wait $traced
[ $? -eq 137 ] || fail "the traced counter was not killed"
wait $tracer
cr_restart $d/ctx &
rpid=$!
before=$(wc -l < $d/out)
wait_until 10 "the restarted counter going on" has_lines $((before + 3)) $d/out
kill -KILL $traced
wait $rpid
check_seq $d/out $(wc -l < $d/out) "the counter"

step "--ptraced-skip under a tree: the rest is checkpointed, with a warning"
rm -f $d/ctx $d/attached
(
	"$CR_TESTS/cmd/cr_counter" $d/out2 100000 50 &
	echo $! > $d/child
	wait
) &
parent=$!
wait_until 10 "the child counter starting" test -s $d/out2
child=$(< $d/child)
"$CR_TESTS/cmd/tracer" $child $d/attached &
tracer=$!
wait_file $d/attached $tracer || fail "the tracer did not attach"
expect_rc 0 cr_checkpoint -f $d/ctx --tree --ptraced-skip $parent
no_kmsg
expect_rc 0 cr_checkpoint -f $d/ctx --tree --ptraced-skip --kmsg-warning \
	$parent
has_kmsg "pid $child left out: it is being traced"
expect_rc 0 cr_checkpoint -f $d/ctx --tree --ptraced-skip --kmsg-none $parent
no_kmsg
expect_rc $EPTRACED cr_checkpoint -f $d/ctx --tree $parent
kill -KILL $child $parent
wait $parent $tracer

step "--kmsg-* on cr_restart"
start_counter $d 100000 50
ckpt_kill $d/ctx3 --pid
head -c 2000 $d/ctx3 > $d/bad
cr_restart $d/bad 2> $d/err
rc=$?
cat $d/err
[ $rc -ne 0 ] || fail "a truncated context file was restarted"
grep -q '^- ' $d/err || fail "cr_restart printed no module message"
expect_rc $rc cr_restart --kmsg-none $d/bad
no_kmsg
expect_rc $rc cr_restart --kmsg-warning $d/bad
grep -q '^- ' $d/err || fail "--kmsg-warning printed no module message"

# counting LINES: $d/out has LINES; fails if $pid died
counting() {
	has_lines $1 $d/out && return 0
	[ -e /proc/$pid ] || fail "the restarted counter died"
	return 1
}

# restart_rc CTX OPTIONS RC: restarted with OPTIONS, cr_restart exits RC
restart_rc() {
	expect_rc $3 cr_restart $2 $1
}

step "cr_restart's signal options"
restart_rc $d/ctx3 --kill 137
restart_rc $d/ctx3 --term 143
restart_rc $d/ctx3 --abort 134
restart_rc $d/ctx3 "-S 15" 143
restart_rc $d/ctx3 "--kill --term" 143
restart_rc $d/ctx3 "--term --run --kill" 137
for opt in --stop --freeze; do
	rm -f $d/restored
	cr_restart --run-on-success="touch $d/restored" $opt $d/ctx3 &
	rpid=$!
	wait_file $d/restored $rpid || fail "$opt: the restart failed"
	n=$(wc -l < $d/out)
	sleep 0.5
	s=$(sed 's/.*) //' /proc/$pid/stat | cut -c1)
	[ "$s" = T ] || fail "$opt: the restarted counter is not stopped ($s)"
	[ $(wc -l < $d/out) -eq $n ] || fail "$opt: it wrote while stopped"
	kill -CONT $pid
	wait_until 20 "$opt: counting once continued" counting $((n + 3))
	kill -TERM $rpid
	wait $rpid
	[ $? -eq 143 ] || fail "$opt: cr_restart did not die of SIGTERM"
done

step "cr_restart exits as the program does"
rm -f $d/out
start_counter $d 60 50 7
ckpt_kill $d/ctx4 --pid
for opt in --run --cont; do
	restart_rc $d/ctx4 $opt 7
done
step "cr_checkpoint -F FD -v --early-stop; cr_restart --early-abrt"
rm -f $d/out
start_counter $d 60 50 7
# The context goes after what FD already holds, from its offset.
exec 8> $d/ctx5.fd
printf head >&8
expect_rc 0 cr_checkpoint -v -F 8 --pid --early-stop $pid
exec 8>&-
grep -q "process $pid saved to fd 8, .* MiB in" $d/err ||
	fail "-v did not say what was saved"
[ "$(head -c 4 $d/ctx5.fd)" = head ] || fail "-F FD overwrote its start"
tail -c +5 $d/ctx5.fd > $d/ctx5
s=$(sed 's/.*) //' /proc/$pid/stat | cut -c1)
[ "$s" = T ] || fail "--early-stop: the counter is not stopped ($s)"
kill -KILL $pid
wait $pid
n=$(wc -l < $d/out)
restart_rc $d/ctx5 --early-abrt 134
[ $(wc -l < $d/out) -eq $n ] || fail "--early-abrt: it ran before the signal"
restart_rc $d/ctx5 --run 7
check_counter $d 60

echo "ptrace options, --kmsg-*, cr_restart's signals and exit statuses"
