# Restart of untrusted context files: mutants of valid contexts of a
# counter, a multithreaded program, a process tree and a pair sharing
# memory and a deleted file (these two with their pages compressed), a
# program with many open files, one with zombie children, an epoll
# watching a pipe, an eventfd and a timerfd, an inotify with its
# watches, Unix sockets of every kind, TCP and UDP sockets
# (tests/cmd/inet_socks.c tcp4), netlink sockets, POSIX timers, and a pty
# pair with its session and queues both ways, an incremental image
# whose parent stays next to it, and a live checkpoint (its pre-copy in
# the same file), so that cr_restart's merge reads the mutants first (tests/cmd/cr_fuzz.c makes
# them; most have their sums redone so that they get past the framing)
# go through cr_restart, as root and as nobody.  Each must end in a clean
# error or in a restart that ran;
# a restart still inside the module at the timeout, a process that
# SIGKILL does not remove, a cr_restart failing without saying so, a
# module reference left behind, or a kernel warning (the runner checks
# dmesg) fails the test.
#   CR_FUZZ_N        mutants (default: the first argument, else 300;
#                    cr_fuzz --run restarts them)
#   CR_FUZZ_SEED     seed (default: the time); a failure is reproduced by
#                    cr_fuzz BASE OUT SEED MUTANT on the same base context
#   CR_FUZZ_TIMEOUT  seconds for one restart (default 30)
#   CR_FUZZ_SAVE     directory to copy the base contexts to on a failure
. "$CR_TESTS/lib.sh"

n=${CR_FUZZ_N:-${1:-300}}
seed=${CR_FUZZ_SEED:-$(date +%s)}
tmo=${CR_FUZZ_TIMEOUT:-30}
d=$(mktemp -d)
chmod 755 $d
fuzz=$CR_TESTS/cmd/cr_fuzz
cmd=$CR_TESTS/cmd
echo "seed $seed, $n mutants"

# ckpt DIR NAME PID READY: checkpoint PID into DIR/NAME.ctx (as the
# owner of DIR) once the test READY succeeds, and kill it; with $opts
# (--compress, --incremental) for some.  Run by contexts, whose stdout and stderr are
# fds 3 and 4.  The programs are far from their end: a checkpoint must
# not race with their exit.
opts=
ckpt() {
	poll 60 $3 eval "$4" || kill -0 $3 2> /dev/null ||
		fail "$2: the program ended early" >&3
	$as cr_checkpoint --tree $opts -f $1/$2.ctx --kill $3 2>&4 ||
		fail "$1/$2: cr_checkpoint exited $?" >&3
	wait $3 2> /dev/null
}

# ready_go DIR NAME PROG ARGS...: tests/cmd/PROG DIR/NAME ARGS... (one
# that says DIR/NAME/ready, then waits for go), checkpointed into
# DIR/NAME.ctx, then let go (a restart of it runs to its end).
ready_go() {
	local c=$1 n=$2
	$as "$cmd/$3" $c/$n "${@:4}" 3>&- 4>&- &
	ckpt $c $n $! "[ -e $c/$n/ready ]"
	$as touch $c/$n/go
}

# contexts DIR: the programs' contexts in DIR, by the owner of DIR
# ($as), the programs' files under DIR too.
contexts() {
	local c=$1
	mkdir $c/counter $c/threads $c/tree $c/files $c/shm $c/zombie $c/ev \
		$c/socks $c/pt $c/in $c/inet $c/pty $c/nl $c/inc $c/live
	[ -z "$as" ] || chown -R 65534:65534 $c
	# Standard files by path: /dev/null, which nobody may reopen too.
	exec 3>&1 4>&2 > /dev/null 2>&1 < /dev/null
	$as "$cmd/cr_counter" $c/counter/out 1000 100 3>&- 4>&- &
	ckpt $c counter $! '[ -s $c/counter/out ]'
	$as "$cmd/threads_mutex" $c/threads/out 1000 3>&- 4>&- &
	ckpt $c threads $! '[ -e $c/threads/out.ready ]'
	# Compressed page data: a tree's memory, and shm's objects.
	! have_zstd || opts=--compress
	$as "$cmd/tree_counter" $c/tree 2 1000 100 3>&- 4>&- &
	ckpt $c tree $! '[ -s $c/tree/out.2 ]'
	$as "$cmd/shm_share" $c/shm 1000000 3>&- 4>&- &
	ckpt $c shm $! '[ -s $c/shm/step ]'
	opts=
	# files_state waits for "go", then checks its files and exits.
	ready_go $c files files_state
	$as "$cmd/tree_zombie" $c/zombie 1000 100 3>&- 4>&- &
	ckpt $c zombie $! '[ -s $c/zombie/out ]'
	ready_go $c ev evfiles epoll
	ready_go $c in evfiles inotify
	ready_go $c socks unix_socks pairs
	ready_go $c inet inet_socks tcp4
	ready_go $c pt ptimers restart
	ready_go $c pty pty_expect 3
	ready_go $c nl nlsocks keep
	$as "$cmd/mem_dirty" $c/inc 2 3>&- 4>&- &
	poll 60 $! eval "[ -e $c/inc/ready ]" || fail "mem_dirty did not start" >&3
	$as cr_checkpoint --incremental -f $c/inc.0 $! 2>&4 ||
		fail "$c/inc.0: cr_checkpoint exited $?" >&3
	opts=--incremental
	ckpt $c inc $! true
	opts=
	$as touch $c/inc/go
	$as "$cmd/mem_dirty" $c/live 2 3>&- 4>&- &
	opts=--live
	ckpt $c live $! "[ -e $c/live/ready ]"
	opts=
	$as touch $c/live/go
	exec 1>&3 2>&4 3>&- 4>&-
}
mkdir $d/root $d/nobody
chmod 755 $d/root $d/nobody
as=
contexts $d/root
as=${nobody[*]}
contexts $d/nobody
ctxs=(counter threads tree files shm zombie ev socks pt in inet pty nl inc
      live)

ref0=$(module_refs)
fails=0
save() {
	fails=1
	[ -n "${CR_FUZZ_SAVE:-}" ] || return 0
	mkdir -p "$CR_FUZZ_SAVE" && cp -r $d/root $d/nobody "$CR_FUZZ_SAVE/"
}

# Mutated programs fault in user space; the kernel must not log that
# as "general protection" for the runner to take for a kernel bug.
trace=$(cat /proc/sys/debug/exception-trace)
trap 'echo $trace > /proc/sys/debug/exception-trace' EXIT
echo 0 > /proc/sys/debug/exception-trace

# files_state must find its files as they were at the checkpoint.
run=("$fuzz" --run --after files=files/viaat)
"${run[@]}" --valid $seed 0 $tmo $d "${ctxs[@]}" ||
	fail "a valid context does not restart"
"${run[@]}" $seed $n $tmo $d "${ctxs[@]}" || save

refs_back $ref0
left=$(pgrep -f "$d/" | grep -vx $$)
[ -z "$left" ] || fail "processes left: $(ps -o pid,stat,args -p $left)"
[ $fails -eq 0 ] || fail "mutants failed (above), seed $seed"
rm -rf $d
