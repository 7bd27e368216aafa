# A program checkpoints itself through libcr (tests/cmd/libcr_self.c), in
# every scope that holds it, from a child of its own, and through the
# deprecated cr_request_file(), cr_request_fd() and cr_request(): it goes
# on with its threads working and its callbacks run, and its restarted
# self is told so (CR_ERESTARTED) and counts on the same way.
# CR_CHKPT_PROHIBIT_SELF is refused with EDEADLK.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2> /dev/null; rm -rf $d' EXIT

# lives WORD: what one life writes from the checkpoint on.
lives() {
	echo "$1"
	echo "reader woke"
	echo "spinner runs"
	seq 9 19
	echo done
}

for how in proc pid tree pgrp sess child file fd request; do
	step "$how"
	rm -f $d/*
	setsid "$CR_TESTS/cmd/libcr_self" $how $d &
	pid=$!
	wait $pid || fail "libcr_self exited $?: $(cat $d/out)"
	pid=
	word=continued
	[ $how = request ] && word=requested
	{ seq 0 8; lives $word; } > $d/want
	cmp -s $d/want $d/out || fail "the run that went on: $(cat $d/out)"
	[ $how = child ] || printf 'checkpoint\ncontinue\n' | cmp -s - $d/cb ||
		fail "callbacks: $(cat $d/cb)"
	ctx=$d/ctx
	[ $how = request ] && ctx=$(echo $d/context.*)
	cr_restart $ctx || fail "cr_restart exited $?: $(cat $d/out)"
	[ $how = request ] || word=restarted
	lives $word >> $d/want
	cmp -s $d/want $d/out || fail "after the restart: $(cat $d/out)"
	[ $how = child ] ||
		printf 'checkpoint\ncontinue\nrestart\n' | cmp -s - $d/cb ||
		fail "callbacks after the restart: $(cat $d/cb)"
	echo "$how: went on, and restarted as such"
done

step "prohibit"
rm -f $d/*
"$CR_TESTS/cmd/libcr_self" prohibit $d || fail "libcr_self exited $?"
grep -qx "prohibited: EDEADLK" $d/out || fail "$(cat $d/out)"
[ ! -s $d/ctx ] || fail "a context file was written"
