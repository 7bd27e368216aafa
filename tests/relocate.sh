# cr_restart --relocate OLD=NEW.  tests/cmd/reloc_prog runs from its own
# directory (bin), reads a file (data), loops records through a FIFO
# (fifo) and appends to "out" in its cwd (cwd), each in a directory of
# its own.  Checkpointed with --kill, one directory is copied to a new
# place and the original removed, and the restart relocates it; then all
# four at once.  Each time the program must go on where it was: the
# records it reads and gets back match, out counts 0..LIMIT-1 once, and
# its executable and cwd are the new ones where they moved.  Also: bad
# --relocate arguments are usage errors (255), the module refuses a bad
# table (cr_test_ioctl), a relocated executable must keep the saved size
# and mtime, and a relocation to nowhere fails with a clear message and
# leaves nothing running, except a FIFO's, which the restart makes (a
# FIFO whose every end is in the checkpoint is the job's own).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
r=$d/r
limit=100

# start: a fresh layout and program, checkpointed with --kill to $d/ctx.
start() {
	rm -rf $r $d/ctx $d/log
	mkdir -p $r/bin $r/data $r/fifo $r/cwd
	cp -p "$CR_TESTS/cmd/reloc_prog" $r/bin/
	seq -f %06g 0 $((limit - 1)) > $r/data/in
	mkfifo $r/fifo/f
	$r/bin/reloc_prog $r/cwd $r/data/in $r/fifo/f $limit 100 \
		> $d/log 2>&1 &
	pid=$!
	wait_until 60 "the program did not start" has_lines 5 $r/cwd/out
	ckpt_kill $d/ctx
}

# move DIR: DIR is copied (cp -a keeps mtimes) to DIR.new and removed.
move() {
	cp -a $r/$1 $r/$1.new || fail "cp $1"
	rm -rf $r/$1
}

# where DIR: the directory DIR is now in.
where() {
	if [ -d $r/$1.new ]; then echo $r/$1.new; else echo $r/$1; fi
}

# restart_ok OPTION...: cr_restart OPTION... $d/ctx; the program must
# finish well where the directories now are.
restart_ok() {
	local rc
	cr_restart "$@" $d/ctx
	rc=$?
	cat $d/log
	[ $rc -eq 0 ] || fail "cr_restart exited $rc"
	said_ok $d reloc_prog
	grep -qx "exe: $(where bin)/reloc_prog" $d/log ||
		fail "the executable is not $(where bin)/reloc_prog"
	grep -qx "cwd: $(where cwd)" $d/log || fail "the cwd is not $(where cwd)"
	check_seq $(where cwd)/out $limit "the program"
}

# restart_fails RC PATTERN OPTION...: cr_restart must exit RC saying
# PATTERN, and leave no process of the restart behind.
restart_fails() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$(cr_restart "$@" $d/ctx 2>&1)
	got=$?
	echo "$out"
	[ $got -eq $rc ] || fail "cr_restart exited $got, not $rc"
	echo "$out" | grep -q -- "$pat" || fail "no message matching '$pat'"
	sleep 0.2
	! kill -0 $pid 2> /dev/null || fail "a process of the restart is left"
	! pgrep -f "$r/" > /dev/null || fail "a process of the restart is left"
}

# relocated DIR PATTERN: only DIR moves.  Relocated to nowhere, the
# restart fails saying PATTERN; relocated to DIR.new, it works.
relocated() {
	start
	move $1
	restart_fails 2 "$2" --relocate $r/$1=$r/nowhere
	restart_ok --relocate $r/$1=$r/$1.new
}

step "bad --relocate arguments"
start
restart_fails 255 "OLDPATH=NEWPATH" --relocate $r/bin
restart_fails 255 "absolute" --relocate bin=$r/bin.new
restart_fails 255 "absolute" --relocate $r/bin=bin.new
restart_fails 255 "at most 16" \
	$(for i in $(seq 17); do echo --relocate /a$i=/b$i; done)
# the module checks the table itself
"$CR_TESTS/cmd/cr_test_ioctl" relocate $d/ctx || fail "the module took a bad table"

step "the executable"
move bin
restart_fails 2 "cannot open mapped file $r/nowhere/reloc_prog" \
	--relocate $r/bin=$r/nowhere
# a copy with a new mtime is not the saved executable
cp $r/bin.new/reloc_prog $r/other
restart_fails 116 "mapped file $r/other: its size or mtime" \
	--relocate $r/bin/reloc_prog=$r/other
restart_ok --relocate $r/bin/=$r/bin.new/

step "an open file"
relocated data "cannot reopen $r/nowhere/in"

step "a FIFO, made again where it is relocated"
start
move fifo
restart_ok --relocate $r/fifo=$r/nowhere
[ -p $r/nowhere/f ] || fail "no FIFO at $r/nowhere/f"

step "the cwd"
relocated cwd "cannot enter $r/nowhere"

step "all"
start
for x in bin data fifo cwd; do
	move $x
done
# identity pairs are dropped; $r/cw is no whole-component prefix of
# $r/cwd; the first pair that matches wins
restart_ok --relocate /=/ --relocate $r/cw=/nowhere \
	--relocate $r/bin=$r/bin.new --relocate $r/data=$r/data.new \
	--relocate $r/fifo=$r/fifo.new --relocate $r/cwd=$r/cwd.new \
	--relocate $r=/nowhere
echo ok
