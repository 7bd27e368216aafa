# cr_restart --run-on-*: each outcome runs its own hook and no other, and
# a hook's non-zero exit code becomes cr_restart's: success (run while
# the program runs, before cr_restart waits), fail-args (usage), fail-temp
# (a pid in use: EBUSY), fail-env (no such file), fail-perm (not a context
# file).  --run-on-failure covers the four; a hook that exits 0 leaves
# the error's own code and message.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap '[ -z "${pid:-}" ] || kill -KILL $pid 2> /dev/null' EXIT

# hook NAME CODE: a command that notes NAME in $d/ran and exits CODE.
hook() {
	echo "echo $1 >> $d/ran; exit $2"
}

# on_success CODE: the success hook also notes whether the counter runs.
on_success() {
	local note="echo running >> $d/ran"
	echo "--run-on-success=echo success >> $d/ran; kill -0 $pid && $note; exit $1"
}

# gone PID: PID has exited (a zombie nobody reaps counts).
gone() {
	local stat
	stat=$(cat /proc/$1/stat 2> /dev/null) || return 0
	set -- $stat
	[ $3 = Z ]
}

# expect WANT RC ARGS...: cr_restart ARGS... must run only hook WANT
# (with "running" if the counter ran then) and exit RC.
expect() {
	local want=$1 code=$2 rc ran
	shift 2
	rm -f $d/ran
	cr_restart "$@"
	rc=$?
	ran=$(cat $d/ran 2> /dev/null | tr '\n' ' ')
	[ "$ran" = "$want " ] || fail "ran '$ran', wanted '$want'"
	[ $rc -eq $code ] || fail "cr_restart exited $rc, wanted $code"
}

all=(--run-on-fail-args="$(hook args 12)"
     --run-on-fail-temp="$(hook temp 13)"
     --run-on-fail-env="$(hook env 14)"
     --run-on-fail-perm="$(hook perm 15)")

step "fail-args"
expect args 12 "${all[@]}"
expect args 12 "${all[@]}" --no-such-option $d/ctx
expect args 12 --run-on-failure="$(hook args 12)" $d/a $d/b

step "fail-env"
expect env 14 "${all[@]}" $d/missing
expect env 14 --run-on-failure="$(hook env 14)" $d/missing

step "fail-perm"
head -c 65536 /dev/urandom > $d/garbage
expect perm 15 "${all[@]}" $d/garbage

step "fail-temp"
start_counter $d 60 100 7
ckpt_cont $d/ctx
# the counter holds its pid
expect temp 13 "${all[@]}" $d/ctx
kill -0 $pid || fail "the counter died"
wait $pid

step "a hook that exits 0"
out=$(cr_restart --run-on-failure=true $d/missing 2>&1)
rc=$?
echo "$out"
[ $rc -eq 2 ] || fail "cr_restart exited $rc, wanted ENOENT (2)"
grep -q "Restart failed" <<< "$out" || fail "no error message"
out=$(cr_restart --run-on-failure="exit 3" $d/missing 2>&1)
[ -z "$out" ] || fail "a message although the hook failed: $out"

step "success, hook exits 0"
rm -f $d/out
start_counter $d 30 100 7
ckpt_kill $d/ctx
expect "success running" 7 "${all[@]}" "$(on_success 0)" $d/ctx
check_counter $d 30

step "success, hook exits 11"
rm -f $d/out
start_counter $d 30 100 7
ckpt_kill $d/ctx
expect "success running" 11 "${all[@]}" "$(on_success 11)" $d/ctx
# cr_restart did not wait: the counter goes on, now init's
wait_until 60 "the restarted counter did not finish" gone $pid
check_counter $d 30
echo "each hook ran for its outcome and gave its exit code"
