# cr_restart --lazy: the restarted program runs before its private
# anonymous memory is read; cr_restart fills it through each process's
# userfaultfd, on first touch and in the background, and waits until all
# is in.  Every page must come back right: while the program rewrites
# pages (faults racing the background fill), while its memory moves
# (mremap), in children forked after the restart (fork events), for a
# tree (a userfaultfd per process).  A page damaged in the file is found
# by cr_restart, not by the module (proof that the module left the pages
# to it): the processes are killed with a message, and none is left.
# Lazy restart needs a regular file: a pipe is refused.  cr_restart says
# nothing on a file (its notice goes to a terminal only).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
refs0=$(module_refs)

# lazy DIR [SECS]: cr_restart --lazy DIR/ctx, DIR/go made SECS (default 0)
# after it starts; mem_dirty must find every page right.
lazy() {
	local rc
	rm -f $1/go
	: > $1/log
	cr_restart --lazy $1/ctx 2> $1/err &
	sleep ${2:-0}
	touch $1/go
	wait $!
	rc=$?
	cat $1/err
	tr -d '\0' < $1/log
	[ $rc -eq 0 ] || fail "cr_restart --lazy exited $rc"
	[ ! -s $1/err ] || fail "cr_restart said something"
	grep -a -q ' 0 bad pages' $1/log || fail "bad pages after the restart"
}

step "64 MiB, checked at once (every page a fault or a background fill)"
mkdir $d/a
start_ready $d/a "$CR_TESTS/cmd/mem_dirty" 64
ckpt_kill $d/a/ctx
lazy $d/a

step "the same, rewriting pages for a second first"
lazy $d/a 1

step "memory that moves (mremap) while it is filled"
mkdir $d/m
start_ready $d/m "$CR_TESTS/cmd/mem_dirty" 16 move
ckpt_kill $d/m/ctx
lazy $d/m 1

step "children forked after the restart read the parent's memory"
mkdir $d/f
cat > $d/f/sh <<'SH'
d=$1
declare -a a
for ((i = 0; i < 20000; i++)); do a[i]=$((i * 7919 % 10007)); done
sum() { local s=0 x; for x in "${a[@]}"; do s=$((s + x)); done; echo $s; }
want=$(sum)
touch $d/ready
while [ ! -e $d/go ]; do sleep 0.05; done
for k in 1 2 3; do (echo "child $k $(sum)") >> $d/out; done
echo "parent $(sum) want $want" >> $d/out
SH
rm -f $d/f/ready
bash $d/f/sh $d/f > /dev/null 2>&1 &
pid=$!
wait_file $d/f/ready $pid 120 || fail "the shell did not get ready"
ckpt_kill $d/f/ctx
touch $d/f/go
cr_restart --lazy $d/f/ctx || fail "cr_restart --lazy of the shell exited $?"
cat $d/f/out
want=$(sed -n 's/^parent .* want //p' $d/f/out)
[ -n "$want" ] || fail "the shell did not finish"
[ "$(grep -c " $want\$" $d/f/out)" = 4 ] ||
	fail "a child or the parent summed its array wrong"

step "a tree of 4: a userfaultfd each"
t=$d/tree
mkdir $t
start_ready $t "$CR_TESTS/bench/bench_work" tree 4 8
ckpt_kill $t/ctx --tree
touch $t/go
cr_restart --lazy $t/ctx || fail "cr_restart --lazy of the tree exited $?"
grep -qx ok $t/result || fail "tree: $(cat $t/result)"

step "a damaged page: found by cr_restart, the processes killed"
python3 - $d/a/ctx $d/bad <<'PY' || fail "no page of data to flip"
import sys
data = bytearray(open(sys.argv[1], "rb").read())
off = len(data) // 2 // 4096 * 4096
while b"BLCR" in data[off - 4096:off + 4096]:
	off += 4096
data[off + 100] ^= 0xff
open(sys.argv[2], "wb").write(data)
PY
touch $d/a/go
out=$(cr_restart --lazy $d/bad 2>&1) && fail "a damaged image ran to the end"
echo "$out"
[[ $out == *"bad page data at offset"*damaged* ]] ||
	fail "cr_restart did not name the damage"
[[ $out != *"bad page data for"* ]] || fail "the module read the page itself"
sleep 0.5
pgrep -f "mem_dirty $d/a" && fail "a process is left"

step "a pipe is refused"
out=$(cat $d/a/ctx | cr_restart --lazy -F 0 2>&1) && fail "a pipe restarted"
echo "$out"
[[ $out == *"regular file"* ]] || fail "not refused for the pipe"
refs_back $refs0
