# Incremental images made by cr_diff: a chain of 20 checkpoints of a
# program that rewrites a few pages at a time, each image against the one
# before, restarts from its last image with every page right (the program
# checks them all), as does the full image cr_merge makes of it, and from
# a pipe.  A chain whose parent is missing, changed, truncated or another
# job's is refused with a message naming the file, leaving no process;
# so is an image the module refuses half way through the merged stream.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
ready_secs=120
n=20

# runs cr_restart ARGS..., which must fail, saying $1
refused() {
	local want=$1 out
	shift
	out=$(timeout 60 cr_restart "$@" 2>&1) && fail "restarted: $*"
	echo "$out"
	echo "$out" | grep -q -- "$want" || fail "no message naming $want"
	pgrep -f "cmd/mem_dirty $d" && fail "the failed restart left a process"
	return 0
}

# restarts $d/$1 ($2: more options) and checks every page
restart_check() {
	rm -f $d/go
	touch $d/go
	cr_restart ${2:-} $d/$1 > $d/log 2>&1 ||
		{ cat $d/log; fail "restart of $1 exited $?"; }
	cat $d/log
	grep -q ' 0 bad pages' $d/log || fail "bad pages after restart of $1"
}

step "a chain of $n images"
start_ready $d "$CR_TESTS/cmd/mem_dirty" 8
ckpt -f $d/img.0 $pid
for i in $(seq 1 $n); do
	sleep 0.2
	if [ $i -lt $n ]; then
		cr_checkpoint -f $d/full $pid || fail "checkpoint $i"
	else
		ckpt_kill $d/full
	fi
	cr_diff -o $d/img.$i $d/img.$((i - 1)) $d/full ||
		fail "cr_diff of checkpoint $i exited $?"
done
full=$(stat -c %s $d/full)
inc=$(stat -c %s $d/img.$n)
echo "last image: full $full bytes, incremental $inc"
[ $inc -lt $((full / 4)) ] || fail "the incremental image is not smaller"
cr_info $d/img.$n > $d/info 2>&1 || { cat $d/info; fail "cr_info exited $?"; }
grep 'parent image: img.19 (20 in the chain' $d/info ||
	{ cat $d/info; fail "cr_info does not show the parent"; }

step "cr_merge: a full image equal to the checkpoint"
cr_merge -o $d/merged $d/img.$n || fail "cr_merge exited $?"
cr_info $d/merged | grep -q 'parent image: none' || fail "still incremental"
[ "$(cr_info $d/merged | grep -o '[0-9]* pages of data')" = \
  "$(cr_info $d/full | grep -o '[0-9]* pages of data')" ] ||
	fail "merged and full images differ in pages"
restart_check merged

step "restart of the chain, from the file and from a descriptor"
restart_check img.$n
rm -f $d/go
touch $d/go
cr_restart -F 3 3< $d/img.$n || fail "restart from fd 3 exited $?"

step "--parent-dir"
mkdir $d/away
mv $d/img.[0-9] $d/img.1[0-9] $d/away/
refused img.19 $d/img.$n
restart_check img.$n "--parent-dir $d/away"
mv $d/away/* $d/

step "a stream: cr_merge from standard input, cr_restart from a pipe"
(cd $d && cat img.$n | cr_merge -o - -) > $d/merged2 || fail "cr_merge -"
cmp $d/merged $d/merged2 || fail "merged from a pipe differs"
cat $d/img.$n | refused "incremental image" -F 0 || exit 1

step "an image the module refuses after the tools let it through"
# A mapping record 48 bytes long: the merge goes on writing into the
# pipe, the module has stopped reading; cr_restart must still end.
"$CR_TESTS/cmd/cr_fuzz" --grow-first 9 $d/img.$n $d/img.bad ||
	fail "cr_fuzz --grow-first"
refused "mapping" $d/img.bad

step "a changed, a truncated, another job's parent"
cp $d/img.10 $d/saved
size=$(stat -c %s $d/img.10)
printf '\377' | dd of=$d/img.10 bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
refused img.10 $d/img.$n
cp $d/saved $d/img.10
truncate -s $((size / 2)) $d/img.10
refused img.10 $d/img.$n
cp $d/saved $d/img.10
mv $d/img.0 $d/saved
start_ready $d "$CR_TESTS/cmd/mem_dirty" 8
ckpt_kill $d/img.0
refused img.0 $d/img.$n
cr_merge -o $d/m3 $d/img.$n && fail "cr_merge took another job's parent"
[ ! -e $d/m3 ] && [ ! -e $d/m3.tmp ] || fail "cr_merge left a file"
mv $d/saved $d/img.0
cr_merge -o $d/m3 $d/img.0 && fail "cr_merge of a full image"
cr_diff -o $d/m3 $d/img.0 $d/img.$n && fail "cr_diff of an incremental image"
restart_check img.$n
echo "ok"
