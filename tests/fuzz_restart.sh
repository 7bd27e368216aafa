# Restart of untrusted context files: mutants of valid contexts of a
# counter, a multithreaded program, a process tree, a program with many
# open files, a pair sharing memory and a deleted file, one with zombie
# children, an epoll watching a pipe, an eventfd and a timerfd, an
# inotify with its watches, Unix sockets of every kind, and POSIX timers
# (tests/cmd/cr_fuzz.c makes them; most have their crcs
# redone so that they get past the framing) go through cr_restart, as root
# and as nobody.  Each must end in a clean error or in a restart that ran;
# a restart still inside the module at the timeout, a process that
# SIGKILL does not remove, a cr_restart failing without saying so, a
# module reference left behind, or a kernel warning (the runner checks
# dmesg) fails the test.
#   CR_FUZZ_N        mutants (default 120: about 3 s each under TCG,
#                    within the 600 s of tests/list)
#   CR_FUZZ_SEED     seed (default: the time); a failure is reproduced by
#                    cr_fuzz BASE OUT SEED MUTANT on the same base context
#   CR_FUZZ_TIMEOUT  seconds for one restart (default 30)
#   CR_FUZZ_SAVE     directory to copy the base contexts to on a failure
. "$CR_TESTS/lib.sh"

n=${CR_FUZZ_N:-120}
seed=${CR_FUZZ_SEED:-$(date +%s)}
tmo=${CR_FUZZ_TIMEOUT:-30}
d=$(mktemp -d)
chmod 755 $d
fuzz=$CR_TESTS/cmd/cr_fuzz
cmd=$CR_TESTS/cmd
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
echo "seed $seed, $n mutants"

# ckpt DIR NAME PID READY: checkpoint PID into DIR/NAME.ctx (as the
# owner of DIR) once the test READY succeeds, and kill it.  The programs
# are far from their end: a checkpoint must not race with their exit.
ckpt() {
	local i
	for i in $(seq 300); do
		eval "$4" && break
		kill -0 $3 2> /dev/null || fail "$2: the program ended early"
		sleep 0.1
	done
	$as cr_checkpoint --tree -f $1/$2.ctx --kill $3 ||
		fail "$1/$2: cr_checkpoint exited $?"
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
		$c/socks $c/pt $c/in
	[ -z "$as" ] || chown -R 65534:65534 $c
	# Standard files by path: /dev/null, which nobody may reopen too.
	exec 3>&1 4>&2 > /dev/null 2>&1 < /dev/null
	$as "$cmd/cr_counter" $c/counter/out 1000 100 3>&- 4>&- &
	ckpt $c counter $! '[ -s $c/counter/out ]'
	$as "$cmd/threads_mutex" $c/threads/out 1000 3>&- 4>&- &
	ckpt $c threads $! '[ -e $c/threads/out.ready ]'
	$as "$cmd/tree_counter" $c/tree 2 1000 100 3>&- 4>&- &
	ckpt $c tree $! '[ -s $c/tree/out.2 ]'
	# files_state waits for "go", then checks its files and exits.
	ready_go $c files files_state
	$as "$cmd/shm_share" $c/shm 1000000 3>&- 4>&- &
	ckpt $c shm $! '[ -s $c/shm/step ]'
	$as "$cmd/tree_zombie" $c/zombie 1000 100 3>&- 4>&- &
	ckpt $c zombie $! '[ -s $c/zombie/out ]'
	ready_go $c ev evfiles epoll
	ready_go $c in evfiles inotify
	ready_go $c socks unix_socks pairs
	ready_go $c pt ptimers restart
	exec 1>&3 2>&4 3>&- 4>&-
}
mkdir $d/root $d/nobody
chmod 755 $d/root $d/nobody
as=
contexts $d/root
as=${nobody[*]}
contexts $d/nobody
ctxs=(counter threads tree files shm zombie ev socks pt in)

refcnt() { cat /sys/module/blcr/refcnt; }
ref0=$(refcnt)
fails=0 rejected=0 ran=0
bad() {
	echo "FAIL: mutant $i ($k, $who): $*"
	echo "    $desc"
	echo "    reproduce: cr_fuzz $who/$k.ctx m $seed $i; cr_restart m"
	fails=$((fails + 1))
	[ $fails -gt 1 ] || save
}
save() {
	[ -n "${CR_FUZZ_SAVE:-}" ] || return 0
	mkdir -p "$CR_FUZZ_SAVE" && cp -r $d/root $d/nobody "$CR_FUZZ_SAVE/"
}

# session_pids SID: the processes in session SID (no exec: TCG is slow).
session_pids() {
	local f st
	for f in /proc/[0-9]*/stat; do
		read -r st 2> /dev/null < "$f" || continue
		set -- ${st##*) }
		[ "${4:-}" = "$sid" ] && echo "${f//[!0-9]/}"
	done
}

# reap: kill what is left of the mutant's session; it must go away.
reap() {
	local left t
	kill -KILL -- -$sid 2> /dev/null
	for ((t = 0; t < 50; t++)); do
		left=$(session_pids)
		[ -z "$left" ] && return 0
		kill -KILL $left 2> /dev/null
		sleep 0.1
	done
	bad "SIGKILL does not remove: $(for p in $left; do
		tr '\0' ' ' < /proc/$p/cmdline; grep State /proc/$p/status
		echo "wchan $(cat /proc/$p/wchan)"; done 2> /dev/null)"
}

# run_one CMD...: one restart.  Once cr_restart waits for its program
# (do_wait) the restart has run: the program is killed rather than waited
# for.  Still in the module after $tmo seconds: a hang.
run_one() {
	local rc timer done w t=0
	setsid "$@" > $d/msg 2>&1 < /dev/null &
	sid=$!
	while :; do
		sleep 1 &
		timer=$!
		wait -n -p done $sid $timer 2> /dev/null
		rc=$?
		[ "$done" = $sid ] && break
		t=$((t + 1))
		w=$(cat /proc/$sid/wchan 2> /dev/null)
		[ "$w" = do_wait ] || [ $t -ge $tmo ] || continue
		if [ "$w" = do_wait ]; then
			ran=$((ran + 1))
		else
			bad "hung for ${tmo}s (cr_restart in $w)"
		fi
		reap
		wait $sid 2> /dev/null
		return
	done
	kill $timer 2> /dev/null
	wait $timer 2> /dev/null
	reap
	msg=
	read -r -d '' msg < $d/msg
	if [[ $msg == "Restart failed"* ]]; then
		[ $rc -gt 0 ] && [ $rc -lt 128 ] || bad "exit $rc after: $msg"
		rejected=$((rejected + 1))
	elif [[ $msg == @(cr_restart|setpriv):* ]]; then
		bad "exit $rc: $msg"
	else
		ran=$((ran + 1))	# the program's own status is its business
	fi
}

# Mutated programs fault in user space; the kernel must not log that
# as "general protection" for the runner to take for a kernel bug.
trace=$(cat /proc/sys/debug/exception-trace)
trap 'echo $trace > /proc/sys/debug/exception-trace' EXIT
echo 0 > /proc/sys/debug/exception-trace

# restart WHO CTX: as root with the pids, or as nobody without.
restart() {
	if [ $1 = root ]; then
		run_one cr_restart $2
	else
		run_one "${nobody[@]}" cr_restart --no-restore-pid $2
	fi
}

# The unmutated contexts must restart, else the mutants prove nothing.
i=-1 desc=unmutated
for who in root nobody; do
	for k in "${ctxs[@]}"; do
		restart $who $d/$who/$k.ctx
		[ $ran = 1 ] || fail "$who/$k: the valid context does not restart: $(cat $d/msg)"
		ran=0
	done
done

t0=$(date +%s)
for i in $(seq 0 $((n - 1))); do
	k=${ctxs[i % ${#ctxs[@]}]}
	who=root
	[ $((i / ${#ctxs[@]} % 2)) = 0 ] || who=nobody
	# The mutant belongs to the restarting user, as a context must.
	if [ $who = root ]; then
		desc=$("$fuzz" $d/root/$k.ctx $d/root/m $seed $i)
	else
		desc=$("${nobody[@]}" "$fuzz" $d/nobody/$k.ctx $d/nobody/m \
			$seed $i)
	fi || fail "cr_fuzz: $desc"
	restart $who $d/$who/m
	# files_state must find its files as they were at the checkpoint.
	[ $k = files ] && rm -f $d/$who/files/viaat
	[ $((i % 100)) = 99 ] &&
		echo "$((i + 1)) mutants in $(( $(date +%s) - t0 ))s"
done
secs=$(( $(date +%s) - t0 ))
echo "$n mutants in ${secs}s: $rejected rejected cleanly, $ran restarted" \
	"and ran, $fails failed"

for _ in $(seq 50); do
	[ "$(refcnt)" = "$ref0" ] && break
	sleep 0.1
done
[ "$(refcnt)" = "$ref0" ] || bad "module refcount $(refcnt), was $ref0"
left=$(pgrep -f "$d/" | grep -vx $$)
[ -z "$left" ] || bad "processes left: $(ps -o pid,stat,args -p $left)"
# A fuzzer that never gets past the crcs, or never breaks one, is broken.
if [ $n -ge 50 ]; then
	[ $ran -gt 0 ] || bad "no mutant restarted"
	[ $rejected -gt 0 ] || bad "no mutant was rejected"
fi
[ $fails -eq 0 ] || fail "$fails failure(s), seed $seed"
rm -rf $d
