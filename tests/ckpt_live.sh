# cr_checkpoint --live: the targets' memory is written (a pre-copy) while
# they run, then they are stopped only to write the rest and the pages
# written since the pre-copy began; cr_restart merges the two.  A program
# whose pages change a few at a time restarts with every page right, its
# image referring pages to the pre-copy; so do programs that
# rewrite pages as fast as they can while the pre-copy reads them, in
# private memory, shared memory (an object) and memory that moves
# (mremap, whole page tables: also once, back to where it began, while
# the pre-copy's stream is held), a tree of two such programs under a
# shell, and one beside a shell that forks and execs all the while.  Without
# --kill the target goes on unharmed, and its image restarts right too.
# Written to a pipe the stream keeps its pre-copy; cr_merge makes a full
# image of it that restarts right.  --live with --incremental is refused,
# leaving the target running; a live image cut in its pre-copy is refused
# by cr_restart, leaving no process.  The module's count comes back.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_was=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $thp 2> /dev/null)
# a failure may leave programs that spin (tick 0): end them, by pid
trap 'for p in $(pgrep -f "$d/"); do kill -9 $p; done
      [ -z "$thp_was" ] || echo $thp_was > $thp; rm -rf $d' EXIT
ready_secs=120
ref0=$(module_refs)
md=$CR_TESTS/cmd/mem_dirty

# restarts $d/$1 ($2: the programs' directories) and checks every page:
# the programs write their verdicts to $d/log, their output (emptied:
# each writes at the offset it had)
restart_check() {
	local dir rc rpid
	for dir in ${2:-$d}; do
		rm -f $dir/go
		touch $dir/go
	done
	: > $d/log
	cr_restart $d/$1 &
	rpid=$!
	# one hang was seen once, under load, in CI: say where it waits
	if ! poll 150 - eval '! kill -0 $rpid 2> /dev/null'; then
		show_stuck $rpid $(pgrep -f "$CR_TESTS/cmd/mem_dirty")
		kill -9 $rpid
	fi
	wait $rpid
	rc=$?
	tr -d '\0' < $d/log
	[ $rc -eq 0 ] || fail "restart of $1 exited $rc"
	[ "$(grep -a -c ' 0 bad pages' $d/log)" = "$(echo ${2:-$d} | wc -w)" ] ||
		fail "bad pages after the restart of $1"
}

# live_pages CTX: CTX's final image has its pre-copy behind it; sets ref,
# the pages it refers to the pre-copy for (cr_info's "parent image: ...
# N pages there": with pages rewritten as fast as can be, all may have
# changed), and own, the pages it holds itself
live_pages() {
	local rc
	cr_info $d/$1 > $d/info 2>&1
	rc=$?
	[ $rc -eq 0 ] || { cat $d/info; fail "cr_info $1 exited $rc"; }
	grep 'parent image:' $d/info
	ref=$(sed -n 's/.*parent image:.* \([0-9][0-9]*\) pages there.*/\1/p' \
		$d/info)
	own=$(sed -n 's/.* \([0-9][0-9]*\) pages of data.*/\1/p' $d/info)
	[ -n "$ref" ] && [ -n "$own" ] ||
		{ cat $d/info; fail "cr_info shows no pre-copy behind $1"; }
	echo "$1: $ref pages referred to the pre-copy, $own written after"
}

# A write marks a whole transparent huge page soft-dirty: without them,
# a few pages a second change, and most of the 8192 are the pre-copy's.
step "32 MiB changing every 5 ms, --live --kill, no huge pages"
[ -z "$thp_was" ] || echo never > $thp
start_ready $d "$md" 32 - 5
ckpt_kill $d/a.ctx --live
[ -z "$thp_was" ] || echo $thp_was > $thp
live_pages a.ctx
# the stack at least was written after the clear; every one of the
# program's 8192 pages is in the image, one way or the other
[ $own -gt 0 ] || fail "every page was referred to the pre-copy"
[ $ref -gt $((3 * own)) ] ||
	fail "$own pages written at the stop, of $((ref + own))"
[ $((ref + own)) -ge 8192 ] ||
	fail "the image holds $((ref + own)) pages, the program has 8192"
restart_check a.ctx
rm -f $d/a.ctx

# With them (where the kernel has them), from here on: dirty by 2 MiB.

step "pages rewritten while the pre-copy reads them"
start_ready $d "$md" 16 - 0
ckpt_kill $d/b.ctx --live
live_pages b.ctx
restart_check b.ctx
# b.ctx is cut below

for mode in shared move; do
	step "$mode memory rewritten while the pre-copy reads it"
	start_ready $d "$md" 16 $mode 0
	ckpt_kill $d/$mode.ctx --live
	live_pages $mode.ctx
	restart_check $mode.ctx
	rm -f $d/$mode.ctx
done

# mremap moves whole page tables without marking their pages written: a
# page the pre-copy read at one address would be referred to at another.
# The program sits away from where its memory began; the checkpoint's
# stream is held once the pre-copy is past its 16 MiB, while it moves
# them back; the image must not refer to the pre-copy for them.
step "memory moved back where it began, during the pre-copy"
start_ready $d "$md" 16 flip 5
cr_checkpoint -f - --live $pid |
	{ dd bs=1M count=16 iflag=fullblock status=none
	  touch $d/move
	  wait_file $d/moved $pid 60 || echo "the program did not move" >&2
	  cat; } > $d/flip.ctx
rc=${PIPESTATUS[0]}
[ $rc -eq 0 ] || fail "cr_checkpoint --live to the held pipe exited $rc"
[ -e $d/moved ] || fail "the program did not move its memory"
touch $d/go
wait $pid || fail "the program exited $? after the checkpoint"
live_pages flip.ctx
restart_check flip.ctx
rm -f $d/flip.ctx $d/moved

step "a tree: a private and a shared program under a shell"
mkdir $d/a $d/b
setsid bash -c "\"$md\" $d/a 8 - 0 & \"$md\" $d/b 8 shared 0 & wait" \
	> $d/log 2>&1 &
pid=$!
wait_file $d/a/ready $pid $ready_secs && wait_file $d/b/ready $pid $ready_secs ||
	{ cat $d/log; fail "the tree did not get ready"; }
ckpt_kill $d/t.ctx --tree --live
live_pages t.ctx
grep -q '^3 processes' $d/info || fail "t.ctx does not hold 3 processes"
restart_check t.ctx "$d/a $d/b"
rm -f $d/t.ctx

# New processes and address spaces during the pre-copy are saved whole
# at the stop: a shell that forks and execs all along, until go.
step "a tree that forks and execs while the pre-copy runs"
mkdir $d/f
setsid bash -c "\"$md\" $d/f 16 - 0 & while [ ! -e $d/f/go ]; do
	/bin/true; x=\$(echo \$x); done; wait" > $d/log 2>&1 &
pid=$!
wait_file $d/f/ready $pid $ready_secs ||
	{ cat $d/log; fail "the tree did not get ready"; }
# a child caught exiting fails the stop (ESRCH, "is exiting"): again
for try in 1 2 3 4 5 6 7 8; do
	cr_checkpoint -f $d/f.ctx --kill --tree --live $pid && break
	[ $try -lt 8 ] || fail "cr_checkpoint of the forking tree failed 8 times"
done
wait $pid
[ $? -eq 137 ] || fail "the forking tree was not killed"
live_pages f.ctx
restart_check f.ctx $d/f
rm -f $d/f.ctx

step "--live without --kill: the target goes on, its image restarts"
start_ready $d "$md" 16 - 0
ckpt -f $d/e.ctx --live $pid
kill -0 $pid 2> /dev/null || fail "the target did not survive the checkpoint"
not_stopped $pid
sleep 0.5
touch $d/go
wait $pid
rc=$?
cat $d/log
[ $rc -eq 0 ] || fail "the target exited $rc after the checkpoint"
grep -q ' 0 bad pages' $d/log || fail "the target's memory went wrong"
live_pages e.ctx
restart_check e.ctx
rm -f $d/e.ctx

step "to a pipe; cr_merge to a full image"
start_ready $d "$md" 16 - 0
cr_checkpoint --live -f - --kill $pid | cat > $d/p.ctx
rc=${PIPESTATUS[0]}
[ $rc -eq 0 ] || fail "cr_checkpoint --live -f - exited $rc"
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "the program was not killed (exit $rc)"
live_pages p.ctx
restart_check p.ctx
cr_merge -o $d/m.ctx $d/p.ctx || fail "cr_merge exited $?"
cr_info $d/m.ctx > $d/info 2>&1 || { cat $d/info; fail "cr_info of the merge"; }
grep 'parent image: none' $d/info || fail "the merged image is not full"
merged=$(sed -n 's/.* \([0-9][0-9]*\) pages of data.*/\1/p' $d/info)
[ "$merged" = $((ref + own)) ] ||
	fail "the merged image has $merged pages, not $ref + $own"
restart_check m.ctx
rm -f $d/p.ctx $d/m.ctx

step "refused: --live --incremental; a live image cut in its pre-copy"
start_ready $d "$md" 4
out=$(cr_checkpoint --live --incremental -f $d/x.ctx $pid 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "--live --incremental was taken"
[ -n "$out" ] || fail "--live --incremental refused without a message"
[ ! -e $d/x.ctx ] || fail "a context file was left"
ls -a $d | grep -q '\.tmp$' && fail "a temporary file was left"
kill -0 $pid 2> /dev/null || fail "the target died"
not_stopped $pid
touch $d/go
wait $pid || fail "the target exited $? after the refusal"
cat $d/log
grep -q ' 0 bad pages' $d/log || fail "the target's memory went wrong"
# the pre-copy comes first and holds b's 4096 pages of 16 MiB: 4 MiB and
# a bit is in it
[ "$(stat -c %s $d/b.ctx)" -gt $((16 * 1048576)) ] || fail "b.ctx is too small"
head -c $((4 * 1048576 + 100)) $d/b.ctx > $d/cut.ctx
rm -f $d/go
out=$(timeout 60 cr_restart $d/cut.ctx 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "a cut live image was restarted"
[ $rc -ne 124 ] || fail "cr_restart hung on a cut live image"
[ -n "$out" ] || fail "a cut live image was refused without a message"
pgrep -f "cmd/mem_dirty $d" && fail "the failed restart left a process"
refs_back $ref0
echo "ok"
