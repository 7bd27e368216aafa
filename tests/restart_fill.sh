# Restart's page fill both ways (vmadump/vmad_fill.c): by the restarting
# thread (fill_jobs=0, the default) and by four workers at once
# (fill_jobs=4).  The same context of 64 MiB of pseudo-random memory is
# restarted each way and the program must find every word in place; a copy
# with one byte of page data flipped must be refused each way with "bad
# page data", leaving no process behind.
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

# A copy with a byte flipped in a page of data: a file page with no
# record header in it or in the page before (a PAGES head and its
# addresses fit in two pages), from the middle of the file on.
cp $d/ctx $d/bad
python3 - $d/bad <<'EOF' || fail "no page of data to flip"
import sys
f = open(sys.argv[1], "r+b")
data = f.read()
off = len(data) // 2 // 4096 * 4096
while b"BLCR" in data[off - 4096:off + 4096]:
	off += 4096
	if off + 4096 > len(data):
		sys.exit(1)
f.seek(off + 100)
f.write(bytes([data[off + 100] ^ 0xff]))
EOF

for jobs in 4 0; do
	step "fill_jobs=$jobs"
	echo $jobs > $param
	out=$(cr_restart $d/bad 2>&1) && fail "a flipped byte restarted"
	echo "$out"
	[[ $out == *"bad page data"* ]] || fail "not refused for its page data"
	pgrep -f "mem_checksum $d" && fail "a process is left"
	truncate -s $logsize $d/log
	restart_go $d
	grep -q "passes, 0 bad words, final checksum $sum " $d/log ||
		fail "the program's memory changed"
	rm $d/go
done
echo "ok"
