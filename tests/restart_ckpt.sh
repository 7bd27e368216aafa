# A checkpoint that covers a running cr_restart (util/cr_rstrt_omit.c).
# Each case restarts a killed counter under cr_restart OPTION, checkpoints
# with --kill, and restarts that second file: the counter must finish its
# count in order, and its parent tells whether cr_restart was saved too
# (the old cr_restart, restored with its pid) or omitted (the new one).
# --pid cases take the counter only through cr_restart's forward.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=150

# restart_case NAME OPTION SCOPE KEPT [WRAP]: cr_restart OPTION (run as
# bash's child when WRAP) is checkpointed with SCOPE (the bash with
# WRAP); KEPT says whether the file must hold cr_restart.
restart_case() {
	local c=$d/$1 opt=$2 scope=$3 kept=$4 wrap=${5:-} outer rpid n rc
	local parent want
	step "$1"
	mkdir $c
	start_counter $c $limit 100
	ckpt -f $c/ctx0 --kill $pid
	wait $pid
	n=$(wc -l < $c/out)
	if [ -n "$wrap" ]; then
		# two commands: bash does not exec the last one
		bash -c "cr_restart $opt $c/ctx0; exit \$?" &
	else
		cr_restart $opt $c/ctx0 &
	fi
	outer=$!
	wait_until 60 "the counter ran again" has_lines $((n + 2)) $c/out
	rpid=$outer
	[ -z "$wrap" ] || rpid=$(children $outer)
	[ -n "$rpid" ] || fail "no cr_restart under bash"
	ckpt $scope -f $c/ctx1 --kill $outer
	wait $outer
	rc=$?
	[ $rc -eq 137 ] || fail "cr_restart's run ended with $rc, not 137"
	pgrep -f "cr_counter $c/out" && fail "the counter survived --kill"
	n=$(wc -l < $c/out)
	[ $n -lt $limit ] || fail "the counter finished before the checkpoint"
	cr_restart $c/ctx1 &
	outer=$!
	wait_until 60 "the counter ran again" has_lines $((n + 2)) $c/out
	parent=$(ps -o ppid= -p $pid | tr -d ' ')
	want=$outer
	[ $kept = yes ] && want=$rpid
	[ "$parent" = "$want" ] ||
		fail "the counter's parent is $parent, not $want (cr_restart kept: $kept)"
	wait $outer || fail "cr_restart exited $?"
	check_counter $c $limit
}

restart_case never-pid --omit-never --pid yes
restart_case always-pid --omit-always --pid no
restart_case always-tree --omit-always --tree no
restart_case maybe-target --omit-maybe --tree no
restart_case maybe-child "" --tree yes wrap
rm -rf $d
echo "cr_restart saved or omitted as asked; its counter went on"
