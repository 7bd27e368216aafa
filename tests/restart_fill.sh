# Restart's page fill both ways (vmadump/vmad_fill.c): by the restarting
# thread (fill_jobs=0, the default) and by four workers at once
# (fill_jobs=4).  The same context of 64 MiB of pseudo-random memory is
# restarted each way and the program must find every word in place; a copy
# with one byte of page data flipped must be refused each way with "bad
# page data", leaving no process behind.  A tree of 4 (each process but
# the last fills its pages after its turn) must restart whole, and be
# refused whole for a bad page in its first process.
. "$CR_TESTS/lib.sh"

mib=64
d=$(mktemp -d)
param=/sys/module/blcr/parameters/fill_jobs
trap 'echo 0 > $param; rm -rf $d' EXIT
[ -w $param ] || fail "no $param"

start_ready $d "$CR_TESTS/cmd/mem_checksum" $mib
ckpt_kill $d/ctx
logsize=$(stat -c %s $d/log)
sum=$(sed -n 's/.*MiB at .*, checksum \([0-9a-f]*\)$/\1/p' $d/log)
[ -n "$sum" ] || fail "no checksum in the log"

# flip CTX COPY DEN: COPY is CTX with a byte flipped in a page of data, a
# file page with no record header in it or in the page before (a PAGES
# head and its addresses fit in two pages), from 1/DEN of the file on.
flip() {
	cp $1 $2
	python3 - $2 $3 <<'EOF' || fail "no page of data to flip"
import sys
f = open(sys.argv[1], "r+b")
data = f.read()
off = len(data) // int(sys.argv[2]) // 4096 * 4096
while b"BLCR" in data[off - 4096:off + 4096]:
	off += 4096
	if off + 4096 > len(data):
		sys.exit(1)
f.seek(off + 100)
f.write(bytes([data[off + 100] ^ 0xff]))
EOF
}

# refused CTX PATTERN: cr_restart CTX fails for its page data and leaves
# no process matching PATTERN.
refused() {
	local out

	out=$(cr_restart $1 2>&1) && fail "a flipped byte restarted"
	echo "$out"
	[[ $out == *"bad page data"* ]] || fail "not refused for its page data"
	pgrep -f "$2" && fail "a process is left"
	return 0
}

flip $d/ctx $d/bad 2

for jobs in 4 0; do
	step "fill_jobs=$jobs"
	echo $jobs > $param
	refused $d/bad "mem_checksum $d"
	truncate -s $logsize $d/log
	restart_go $d
	grep -q "passes, 0 bad words, final checksum $sum " $d/log ||
		fail "the program's memory changed"
	rm $d/go
done

# A tree's processes but the last fill their pages after handing the
# stream on, so a bad page of the first (in the first quarter of the file)
# is found while the others go on: the restart must still fail whole.
step "tree"
t=$d/tree
mkdir $t
start_ready $t "$CR_TESTS/bench/bench_work" tree 4 8
ckpt_kill $t/ctx --tree
flip $t/ctx $t/bad 8
refused $t/bad "bench_work $t"
touch $t/go
cr_restart $t/ctx || fail "cr_restart of the tree exited $?"
grep -qx ok $t/result || fail "tree: $(cat $t/result)"
[ $(ls $t/resumed.* | wc -l) -eq 3 ] || fail "not every child resumed"
echo "ok"
