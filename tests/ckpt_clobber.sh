# cr_checkpoint and an existing context file: --atomic (the default) and
# --backup put a new inode in its place (--backup keeps the old one as
# FILE.~N~ or NAME), --clobber writes into the old inode, --noclobber
# fails with EEXIST (17) and leaves it be; the last of them wins.  --dir
# of cr_checkpoint and of cr_restart.
# Checked by contents, inode numbers and timestamps.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap '[ -z "${runner:-}" ] || kill -KILL $runner 2> /dev/null' EXIT
start_counter $d 100000 100
runner=$pid
f=$d/ctx

# old FILE: an "old" file, big (a context written into it must truncate
# it) and dated 2000; sets old_id.
old() {
	rm -f $1
	echo old > $1
	truncate -s 64M $1
	touch -d 2000-01-01 $1
	old_id=$(id_of $1)
}

# id_of FILE: its inode number and mtime.
id_of() {
	stat -c '%i %Y' $1
}

# is_old FILE: FILE is the old file of old, same inode and date.
is_old() {
	[ "$(head -n 1 $1)" = old ] || fail "$1 is not the old file"
	[ "$(id_of $1)" = "$old_id" ] ||
		fail "$1 is $(id_of $1), the old file was $old_id"
}

# is_new FILE: FILE is a context just written, not the old one.
is_new() {
	local size
	[ "$(head -c 3 $1)" != old ] || fail "$1 still holds the old data"
	size=$(stat -c %s $1)
	[ $size -gt 0 ] && [ $size -lt $((64 << 20)) ] ||
		fail "$1 is $size bytes"
	[ $(stat -c %Y $1) -gt $(date -d 2001-01-01 +%s) ] ||
		fail "$1 is not new"
	[ ! -e $(dirname $1)/.$(basename $1).tmp ] ||
		fail "a temporary file is left"
}

# refused OPTION...: cr_checkpoint must fail with EEXIST; $f stays old.
refused() {
	local rc
	cr_checkpoint "$@" -f $f $pid
	rc=$?
	[ $rc -eq 17 ] || fail "cr_checkpoint $* exited $rc, wanted EEXIST (17)"
	is_old $f
}

for opt in "" --atomic "--clobber --atomic"; do
	step "atomic: '$opt'"
	old $f
	ckpt $opt -f $f $pid
	is_new $f
	[ "$(id_of $f)" != "$old_id" ] || fail "the old inode was reused"
done

step "backup to FILE.~N~"
rm -f $f.~*
old $f
ckpt --backup -f $f $pid
is_new $f
is_old $f.~1~
prev=$(id_of $f)
touch $f.~3~
ckpt --backup -f $f $pid
is_new $f
is_old $f.~1~
[ "$(id_of $f.~2~)" = "$prev" ] || fail "FILE.~2~ is not the previous context"
prev=$(id_of $f)
ckpt --backup -f $f $pid
[ "$(id_of $f.~4~)" = "$prev" ] || fail "FILE.~4~ is not the previous context"
[ ! -s $f.~3~ ] || fail "FILE.~3~ was overwritten"

step "backup to NAME"
old $f
ckpt --backup=$d/keep -f $f $pid
is_new $f
is_old $d/keep
prev=$(id_of $f)
ckpt --backup=$d/keep -f $f $pid
is_new $f
[ "$(id_of $d/keep)" = "$prev" ] || fail "NAME is not the previous context"
rm -f $f
ckpt --backup=$d/none -f $f $pid
is_new $f
[ ! -e $d/none ] || fail "a backup of no file"

step "clobber"
old $f
chmod 0400 $f
ckpt --noclobber --clobber -f $f $pid
is_new $f
[ "$(stat -c %i $f)" = "${old_id% *}" ] || fail "not written in place"
rm -f $f
ckpt --clobber -f $f $pid
is_new $f

step "noclobber"
old $f
refused --noclobber
refused --clobber --noclobber
rm -f $f
ckpt --noclobber -f $f $pid
is_new $f

step "--dir"
mkdir $d/dir $d/cwd
cd $d/cwd || fail "cd"
ckpt -d $d/dir $pid
is_new $d/dir/context.$pid
ckpt --dir=$d/dir -f sub $pid
is_new $d/dir/sub
ckpt -d $d/dir -f $d/abs $pid
is_new $d/abs
[ -z "$(ls $d/cwd)" ] || fail "written to the cwd: $(ls $d/cwd)"
cr_checkpoint -d $d/nodir $pid
rc=$?
[ $rc -eq 2 ] || fail "--dir of no directory exited $rc, wanted ENOENT (2)"

step "a clobbered context restarts"
# The old file first: the counter must still run when the checkpoint comes.
old $d/dir/ctx
start_counter $d/dir 30 200 7
ckpt_kill $d/dir/ctx --clobber
is_new $d/dir/ctx
cr_restart $d/dir/ctx
rc=$?
[ $rc -eq 7 ] || fail "cr_restart exited $rc, wanted the counter's 7"
check_counter $d/dir 30

# restarted DIR [OPTION...]: cr_restart -d DIR OPTION... brings back the
# counter of $d/rdir, which exits 9 after 20 lines.  The counter appends:
# its output goes back to what it was at the checkpoint first.
restarted() {
	local dir=$1 rc
	shift
	cp $d/out0 $d/rdir/out
	cr_restart -d $dir "$@"
	rc=$?
	[ $rc -eq 9 ] || fail "cr_restart -d $dir $* exited $rc, wanted 9"
	check_counter $d/rdir 20
}

step "cr_restart --dir"
mkdir $d/rdir $d/rdir/sub
start_counter $d/rdir 20 100 9
cpid=$pid
ckpt --kill -d $d/rdir $cpid
wait $cpid
cp $d/rdir/out $d/out0
[ -f $d/rdir/context.$cpid ] || fail "no context.$cpid in $d/rdir"
touch $d/rdir/context.$cpid.~1~ $d/rdir/context.x $d/rdir/notes
restarted $d/rdir
mv $d/rdir/context.$cpid $d/rdir/sub/ctx
restarted $d/rdir -f sub/ctx
restarted /nodir $d/rdir/sub/ctx
cd $d/rdir/sub || fail "cd"
restarted . ctx
# --dir's errors: no context file, two of them, with --fd
out=$(cr_restart --dir=$d/rdir 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q "no context.ID file in $d/rdir" <<< "$out" ||
	fail "an empty --dir exited $rc: $out"
touch $d/rdir/context.1 $d/rdir/context.2
out=$(cr_restart --dir=$d/rdir 2>&1)
rc=$?
[ $rc -eq 17 ] && grep -q "name one" <<< "$out" ||
	fail "a --dir of two context files exited $rc: $out"
cr_restart -d $d/rdir -F 0 < ctx 2> /dev/null
rc=$?
[ $rc -eq 255 ] || fail "--dir with --fd exited $rc, wanted 255"
echo "atomic, backup, clobber, noclobber and --dir (both tools) as documented"
