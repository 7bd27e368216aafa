# Shared by the shell tests; sourced, not run.
set -u

# step NAME: names the part of the test that follows, in the log and in
# the failure messages.
step() {
	cr_step=$1
	echo "=== $1"
}

fail() {
	echo "FAIL: ${cr_step:+$cr_step: }$*"
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# The module under test, as the runner loaded it.
CR_MODULE=${CR_MODULE:-$CR_TOP/blcr.ko}

# "${nobody[@]}" CMD...: CMD as the unprivileged user nobody.
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# The module's switch for pids given back to an unprivileged restart.
pid_param=/sys/module/blcr/parameters/allow_unprivileged_pid_restore

# start_counter DIR LIMIT DELAY_MS [STATUS|sum]: runs cr_counter writing
# DIR/out in the background and waits until it has written a line; sets pid.
# A command in counter_wrap (e.g. "cr_run --omit") runs it; counter_exe
# replaces the program.
start_counter() {
	${counter_wrap:-} "${counter_exe:-$CR_TESTS/cmd/cr_counter}" \
		"$1/out" "$2" "$3" ${4:+"$4"} &
	pid=$!
	poll 30 - test -s "$1/out" || fail "the counter did not start"
}

# check_seq FILE LIMIT WHO: FILE holds every number below LIMIT exactly
# once, in order.
check_seq() {
	seq 0 $(($2 - 1)) | cmp -s - "$1" ||
		fail "$3's output is not 0..$(($2 - 1)): $(tr '\n' ' ' < "$1")"
}

# check_counter DIR LIMIT: the counter's DIR/out is 0..LIMIT-1.
check_counter() {
	check_seq "$1/out" $2 "the counter"
}

now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# poll SECS PID CMD...: the one wait of the tests: runs CMD every 0.1 s
# until it succeeds; false after SECS, or as soon as PID (- for none) has
# died, after a last try.
poll() {
	local end=$((EPOCHSECONDS + $1)) p=$2
	shift 2
	until "$@"; do
		# the clock, not a count of sleeps: a fork is slow under TCG
		[ $EPOCHSECONDS -lt $end ] || return 1
		[ $p = - ] || kill -0 $p 2> /dev/null || "$@" || return 1
		sleep 0.1
	done
}

# wait_file FILE PID [SECS]: until FILE exists; false as soon as PID has
# died (it will never come) or after SECS (default 30).
wait_file() {
	poll ${3:-30} $2 test -e "$1"
}

# descendants PID...: the PIDs and all their descendants.
descendants() {
	local all="$*" new="$*"
	while new=$(pgrep -P "$(echo $new | tr ' ' ,)"); do
		new=$(echo $new)
		all="$all $new"
	done
	echo $all
}

# show_stuck PID...: where each PID and its descendants wait (state,
# wchan, kernel stack of each thread), for a test that found them stuck.
show_stuck() {
	local p t
	for p in $(descendants "$@"); do
		[ -d /proc/$p ] || continue
		echo "stuck: $p $(tr '\0' ' ' < /proc/$p/cmdline)"
		for t in /proc/$p/task/*; do
			echo "  thread ${t##*/}: $(cut -d' ' -f3 $t/stat)" \
				"$(cat $t/wchan 2> /dev/null)"
			sed 's/^/    /' $t/stack 2> /dev/null
		done
	done
}

# wait_until SECS WHAT CMD...: polls CMD until it succeeds; fails saying
# WHAT did not happen if that takes over SECS.
wait_until() {
	poll $1 - "${@:3}" || fail "$2 within $1 s"
}

# Conditions for poll:
# prints WANT CMD...: CMD prints WANT.
prints() {
	[ "$("${@:2}")" = "$1" ]
}

# lines_over N FILE: FILE exists and has more than N lines.
lines_over() {
	[ -f $2 ] && [ "$(wc -l < $2)" -gt $1 ]
}

# has_lines N FILE...: every FILE exists and has at least N lines.  No
# command is run: a fork per file would take seconds under TCG.
has_lines() {
	local n=$1 f l
	shift
	for f; do
		[ -f "$f" ] || return 1
		mapfile -t -n $n l < "$f"
		[ ${#l[@]} -ge $n ] || return 1
	done
}

# ckpt_kill CTX [OPTION...]: checkpoints $pid to CTX with --kill (and the
# OPTIONs, e.g. --tree); it must die of SIGKILL.
ckpt_kill() {
	ckpt -f $1 --kill "${@:2}" $pid
	local rc
	wait $pid
	rc=$?
	[ $rc -eq 137 ] || fail "the program was not killed (exit $rc)"
}

# ckpt_refused CTX PATTERN: cr_checkpoint -f CTX --kill $pid must fail
# with a message matching PATTERN, and leave neither CTX nor a temporary
# file beside it.
ckpt_refused() {
	local out rc
	out=$(cr_checkpoint -f $1 --kill $pid 2>&1)
	rc=$?
	echo "$out"
	[ $rc -ne 0 ] || fail "the checkpoint succeeded"
	echo "$out" | grep -q "$2" || fail "the message does not match '$2'"
	[ ! -e $1 ] || fail "a context file was left"
	ls -a "$(dirname $1)" | grep -q '\.tmp$' &&
		fail "a temporary file was left"
	return 0
}

# ckpt_cont CTX: checkpoints $pid to CTX and leaves it running.
ckpt_cont() {
	ckpt -f $1 $pid
}

# restart_each WANT OUT K...: restarts $d/ctxK for each K in turn, once
# the run is over; after each, the run's output OUT must be WANT again.
restart_each() {
	local want=$1 out=$2 k
	shift 2
	for k; do
		cr_restart $d/ctx$k ||
			fail "the restart of checkpoint $k exited $?"
		cmp $want $out ||
			{ diff $want $out | head -5;
			  fail "the restart of checkpoint $k wrote a different output"; }
		echo "checkpoint $k: the rest of the run is right"
	done
}

# ckpt ARGS...: cr_checkpoint ARGS..., which must succeed.
ckpt() {
	local t0
	t0=$(now_ms)
	cr_checkpoint "$@" || fail "cr_checkpoint exited $?"
	echo "cr_checkpoint took $(($(now_ms) - t0)) ms"
}

# Programs that take a DIR: their output goes to DIR/log, they create
# DIR/ready once set up and then wait for DIR/go, which the test creates
# once it has checkpointed them (cr_ready_wait_go in tests/cr_test_util.h).

# How long start_ready waits; a test with a slow setup raises it.
ready_secs=60

# start_ready DIR PROG ARGS...: runs PROG DIR ARGS... in the background and
# waits until it is ready; sets pid.
start_ready() {
	local dir=$1 prog=$2
	shift 2
	rm -f $dir/ready $dir/go
	"$prog" $dir "$@" > $dir/log 2>&1 &
	pid=$!
	wait_file $dir/ready $pid $ready_secs ||
		{ cat $dir/log; fail "the program did not get ready"; }
}

# go_on DIR WHO: lets the program, checkpointed to DIR/ctx and left
# running, go on; it must exit 0 having said "WHO: ok".  Then DIR/log is cut
# back to what it was at the checkpoint, where a restart writes on.
go_on() {
	local size rc
	size=$(stat -c %s $1/log)	# it still waits for go
	touch $1/go
	wait $pid
	rc=$?
	cat $1/log
	[ $rc -eq 0 ] || fail "the program failed after the checkpoint (exit $rc)"
	said_ok $1 "$2"
	truncate -s $size $1/log
}

# restart_go DIR [WHO]: restarts DIR/ctx and lets it go on at once; it must
# exit 0 (and say "WHO: ok").
restart_go() {
	local rc
	touch $1/go
	cr_restart $1/ctx
	rc=$?
	echo "--- after restart:"
	cat $1/log
	[ $rc -eq 0 ] || fail "cr_restart exited $rc (the program's verification failed?)"
	[ -z "${2:-}" ] || said_ok $1 "$2"
}

# said_ok DIR WHO: the program said "WHO: ok" in DIR/log.
said_ok() {
	grep -q "^$2: ok" $1/log || fail "the program did not finish ok"
}

# cycle DIR [-c] [-t] [-p SECS] NAME ARGS...: the common cycle of
# tests/cmd/NAME ARGS..., a program that takes DIR (start_ready): it is
# checkpointed with --kill (and --tree with -t) and restarted (SECS
# later with -p).  With -c, a run that goes on across a checkpoint comes
# first (DIR/cont, the killed one is then in DIR/kill).  Each time it
# must say "NAME: ok".
cycle() {
	local dir=$1 opt cont= tree= pause= OPTIND=2
	while getopts ctp: opt; do
		case $opt in
		c)	cont=1 ;;
		t)	tree=--tree ;;
		p)	pause=$OPTARG ;;
		*)	fail "cycle: bad option" ;;
		esac
	done
	shift $((OPTIND - 1))
	local prog=$CR_TESTS/cmd/$1
	shift
	if [ -n "$cont" ]; then
		step cont
		mkdir $dir/cont
		start_ready $dir/cont $prog "$@"
		ckpt_cont $dir/cont/ctx
		go_on $dir/cont ${prog##*/}
		dir=$dir/kill
		mkdir $dir
	fi
	step kill
	start_ready $dir $prog "$@"
	ckpt_kill $dir/ctx $tree
	[ -z "$pause" ] || sleep $pause
	restart_go $dir ${prog##*/}
}

# Programs that take OUT: they create OUT.ready once under way and, when
# done, write a report to OUT that says OK on a line of its own iff all
# was well, and exit 0 iff so.

# start_reporting OUT PROG ARGS...: runs PROG OUT ARGS... in the background
# and waits until it is under way; sets pid.
start_reporting() {
	local out=$1 prog=$2
	shift 2
	"$prog" $out "$@" &
	pid=$!
	wait_file $out.ready $pid 30 || fail "${prog##*/} never got going"
}

# report_ok OUT RC WHO: WHO exited RC after the program wrote OUT.
report_ok() {
	[ -f $1 ] || fail "$3 exited $2 and the program wrote no report"
	cat $1
	[ $2 -eq 0 ] || fail "$3 exited $2"
	grep -qx OK $1 || fail "the report does not say OK"
}

# report_test DIR CHECK PROG ARGS...: a checkpoint --kill and restart, a
# checkpoint that the program runs on across, and a restart of that second
# context once the original has gone.  After each, CHECK OUT yes|no (was
# it restarted?) looks further into the report.
report_test() {
	local dir=$1 check=$2 prog=$3
	shift 3

	step "checkpoint --kill, restart"
	start_reporting $dir/out1 $prog "$@"
	ckpt_kill $dir/ctx1
	[ ! -e $dir/out1 ] || fail "the run ended before the checkpoint: $(cat $dir/out1)"
	cr_restart $dir/ctx1
	report_ok $dir/out1 $? cr_restart
	$check $dir/out1 yes

	step "checkpoint, run on"
	start_reporting $dir/out2 $prog "$@"
	ckpt_cont $dir/ctx2
	wait $pid
	report_ok $dir/out2 $? "the continued program"
	$check $dir/out2 no

	step "restart of the run-on checkpoint"
	rm -f $dir/out2
	cr_restart $dir/ctx2
	report_ok $dir/out2 $? cr_restart
	$check $dir/out2 yes
}

# tests/cmd/tree_ids: 32 processes of two threads, which write their ids
# to DIR/before.K and, once DIR/start exists, count into DIR/out.K.T.
tree_nproc=32

# start_tree_ids DIR LIMIT: runs tree_ids in the background and waits until
# every thread counts; sets pid, tree_ks (the process indexes 0..31) and
# tree_outs (the threads' output files).
start_tree_ids() {
	local k befores
	tree_ks=$(seq 0 $((tree_nproc - 1)))
	befores=$(for k in $tree_ks; do echo $1/before.$k; done)
	tree_outs=$(for k in $tree_ks; do echo $1/out.$k.0 $1/out.$k.1; done)
	# 50 ms a count, slower on a slow kernel: it must outlast the setup.
	"$CR_TESTS/cmd/tree_ids" $1 $2 $((50 * ${CR_SLOW:-1})) &
	pid=$!
	echo "tree_ids root pid $pid"
	wait_until 90 "the tree did not start" has_lines 5 $befores
	touch $1/start
	wait_until 60 "the threads did not count" has_lines 3 $tree_outs
}

# check_tree_outs LIMIT: every thread of tree_ids counted to LIMIT once.
check_tree_outs() {
	local f
	for f in $tree_outs; do
		check_seq $f $1 ${f##*/}
	done
}

# mem_go DIR AFTER: lets mem_checksum (started by start_ready DIR) end; it
# must exit 0 with its memory intact after AFTER (e.g. "a failed
# checkpoint").
mem_go() {
	touch $1/go
	wait $pid || fail "the target exited $? after $2"
	grep -q " 0 bad words" $1/log ||
		fail "the target found bad memory after $2: $(cat $1/log)"
}

# mem_ok DIR: mem_checksum's last check, after a restart, found its memory
# as it first summed it.
mem_ok() {
	local c0
	c0=$(sed -n 's/.*MiB at .*, checksum \([0-9a-f]*\)$/\1/p' $1/log)
	[ -n "$c0" ] && grep -q "passes, 0 bad words, final checksum $c0 " \
		$1/log || fail "the program's log does not show a good final check"
}

# have_zstd: the kernel has zstd's compressor (debug kernels may not).
have_zstd() {
	grep -q '^CONFIG_ZSTD_COMPRESS=[ym]' /boot/config-$(uname -r)
}

# module_refs: the module's reference count.
module_refs() {
	cat /sys/module/blcr/refcnt
}

# refs_back REFS: the module's reference count returns to REFS within
# 10 s (a request's last references go as its targets leave the module).
refs_back() {
	poll 10 - prints $1 module_refs ||
		fail "the module's refcount is $(module_refs), was $1"
}

# not_stopped PID...: none of the processes is stopped (state T).
not_stopped() {
	local p st
	for p; do
		read -r st 2> /dev/null < /proc/$p/stat || continue
		st=${st##*) }
		[ "${st%% *}" != T ] || fail "process $p was left stopped"
	done
}

# ckpt_writing CTX CPID: cr_checkpoint CPID has begun to write CTX (its
# unnamed file in CTX's directory, or its temporary file, has bytes), or
# has ended.
ckpt_writing() {
	local f
	for f in /proc/$2/fd/*; do
		[[ $(readlink $f) == "${1%/*}/#"* ]] && [ -s $f ] && return 0
	done
	[ -s "${1%/*}/.${1##*/}.tmp" ] || ! kill -0 $2 2> /dev/null
}

# slow_writes MS: the module waits MS ms before each record of pages it
# writes (its test_write_delay_ms), so that a test surely acts mid-way
# through a checkpoint whatever the guest's speed; 0 turns it off.
slow_writes() {
	echo $1 > /sys/module/blcr/parameters/test_write_delay_ms
}

# children PID: the pids of PID's children (of its main thread), one a
# line, sorted.  Not pgrep -P: its /proc scan took over 20 s under the
# debug kernel.
children() {
	tr ' ' '\n' < /proc/$1/task/$1/children | sort -n
}

# ckpt_bg CTX ARGS...: runs cr_checkpoint -f CTX ARGS... in the
# background and waits until it writes; sets cpid.
ckpt_bg() {
	cr_checkpoint -f "$@" &
	cpid=$!
	wait_until 60 "the checkpoint did not start writing" \
		ckpt_writing $1 $cpid
}
