# cr_info on real context files: a process tree and a threaded program
# are reported with exactly the pids and thread counts /proc showed, a
# shared tmpfs file as an object at its path mapped by both processes,
# two zombies with their parent and wait statuses; --json parses and
# agrees, standard input works, and corrupted copies (a flipped byte,
# half the file, a zeroed header) are refused with the offset of the bad
# record.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)

# running PID...: "pid threads" of each PID as /proc has them, sorted.
running() {
	local p
	for p; do
		echo "$p $(ls /proc/$p/task | wc -l)"
	done | sort -n
}

# json_procs CTX: "pid threads" of each live process cr_info --json saw,
# checking on the way that the JSON parses and its counts agree.
json_procs() {
	cr_info --json $1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
live = [p for p in d["processes"] if not p["zombie"]]
assert d["nprocs"] == len(d["processes"]), "nprocs"
assert sum(p["nthreads"] for p in live) == d["nthreads"], "nthreads"
for p in live:
    assert len(p["threads"]) == p["nthreads"] and p["threads"][0] == p["pid"]
    print(p["pid"], p["nthreads"])
pages = sum(m["pages"] for p in live for m in p["mappings"]) + \
	sum(o["pages"] for o in d["objects"])
assert pages == d["pages"], "pages %d, mappings %d" % (d["pages"], pages)
assert d["bytes"] == int(sys.argv[1]), "bytes %d" % d["bytes"]
' $(stat -c %s $1) | sort -n || fail "cr_info --json $1 is not right"
}

# same_procs CTX EXPECTED: cr_info reports the processes of EXPECTED, in
# JSON and in text.
same_procs() {
	local pid n
	json_procs $1 > $d/got
	cmp -s $2 $d/got ||
		fail "running: $(tr '\n' , < $2) cr_info: $(tr '\n' , < $d/got)"
	cr_info $1 > $d/text || fail "cr_info $1 exited $?"
	while read -r pid n; do
		grep -q "^process $pid ([^)]*): .*, $n threads:" $d/text ||
			fail "no process $pid, $n threads: $(grep ^pro $d/text)"
	done < $2
	grep -q "^$(wc -l < $2) processes (0 zombies)" $d/text ||
		fail "header: $(sed -n 3p $d/text)"
}

step "a tree of 4 processes"
mkdir $d/tree
"$CR_TESTS/cmd/tree_counter" $d/tree 3 100000 100 &
pid=$!
poll 30 - test -s $d/tree/out.3 || fail "the children did not start"
running $pid $(children $pid) > $d/tree/expected
[ $(wc -l < $d/tree/expected) -eq 4 ] || fail "not 4 processes running"
ckpt_kill $d/tree/ctx --tree
same_procs $d/tree/ctx $d/tree/expected
echo "cr_info: $(tr '\n' ' ' < $d/tree/expected)"

step "a process of 10 threads"
mkdir $d/thr
"$CR_TESTS/cmd/threads_mutex" $d/thr/out 1000 &
pid=$!
wait_file $d/thr/out.ready $pid || fail "threads_mutex did not start"
running $pid > $d/thr/expected
[ "$(cut -d' ' -f2 $d/thr/expected)" -gt 8 ] ||
	fail "threads: $(cat $d/thr/expected)"
ckpt_kill $d/thr/ctx
same_procs $d/thr/ctx $d/thr/expected
echo "cr_info: $(cat $d/thr/expected)"

step "a tmpfs file mapped shared by two processes"
mkdir $d/shm
"$CR_TESTS/cmd/shm_share" $d/shm 1500 &
pid=$!
# every channel is set up once tokens go round
stepped() {
	[ -s $1 ] && [ "$(cat $1)" -ge 10 ]
}
poll 60 $pid stepped $d/shm/step || fail "shm_share did not get going"
ckpt_kill $d/shm/ctx --tree
cr_info $d/shm/ctx > $d/shm/text || fail "cr_info exited $?"
grep -Eq "^  object [0-9]+: tmpfs, [0-9]+ bytes, .*, $d/shm/shared\$" \
	$d/shm/text || fail "no tmpfs object: $(grep object $d/shm/text)"
cr_info --json $d/shm/ctx | python3 -c '
import json, sys
d = json.load(sys.stdin)
objs = [o["id"] for o in d["objects"]
	if o["kind"] == "tmpfs" and o["path"] == sys.argv[1]]
assert len(objs) == 1, d["objects"]
mappers = [p["pid"] for p in d["processes"]
	   if any(m["kind"] == "object" and m["object"] == objs[0]
		  for m in p["mappings"])]
assert len(mappers) == 2, mappers
print("object %d at %s, mapped by %s" % (objs[0], sys.argv[1], mappers))
' $d/shm/shared || fail "the tmpfs object is not right"

step "two zombies"
mkdir $d/zom
"$CR_TESTS/cmd/tree_zombie" $d/zom 100000 100 &
pid=$!
wait_file $d/zom/out $pid || fail "tree_zombie did not start"
read exited killed < $d/zom/pids || fail "no pids"
ckpt_kill $d/zom/ctx --tree
cr_info --json $d/zom/ctx | python3 -c '
import json, sys
d = json.load(sys.stdin)
pid, exited, killed = map(int, sys.argv[1:])
z = {p["pid"]: (p["ppid"], p["status"]) for p in d["processes"] if p["zombie"]}
# wait statuses: exit(42), and killed by SIGTERM
assert z == {exited: (pid, 42 << 8), killed: (pid, 15)}, z
assert [p["pid"] for p in d["processes"] if not p["zombie"]] == [pid]
print("zombies", z)
' $pid $exited $killed || fail "the zombies are not right"
cr_info $d/zom/ctx > $d/zom/text || fail "cr_info exited $?"
grep -q "^zombie $exited: ppid $pid, .*status 0x2a00\$" $d/zom/text ||
	fail "text: $(grep ^zombie $d/zom/text)"

step "standard input"
cr_info - < $d/tree/ctx > $d/stdin || fail "cr_info - exited $?"
cr_info $d/tree/ctx > $d/file || fail "cr_info exited $?"
head -1 $d/stdin | grep -q '^-: BLCR context file' ||
	fail "cr_info -: $(head -1 $d/stdin)"
head -12 $d/file
# the same but for the name on the first line (no /dev/fd in the guest)
sed -i 1d $d/file $d/stdin
cmp $d/file $d/stdin || fail "cr_info - differs"

step "corrupted copies"
# refused CTX WHAT: cr_info must fail on CTX, naming an offset, and print
# nothing on stdout.
refused() {
	local rc
	cr_info $1 > $d/out 2> $d/err
	rc=$?
	[ $rc -eq 1 ] || fail "$2: cr_info exited $rc"
	[ -s $d/out ] && fail "$2: printed $(head -3 $d/out)"
	grep -Eq "^cr_info: $1: offset [0-9]+, record [0-9]+ \([A-Z_?]+\): ." \
		$d/err || fail "$2: $(cat $d/err)"
	echo "$2: $(cat $d/err)"
}
size=$(stat -c %s $d/tree/ctx)
python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x5a
open(sys.argv[2], "wb").write(b)
' $d/tree/ctx $d/flipped
refused $d/flipped "a flipped byte"
head -c $((size / 2)) $d/tree/ctx > $d/half
refused $d/half "half the file"
cp $d/tree/ctx $d/zeroed
dd if=/dev/zero of=$d/zeroed bs=136 count=1 conv=notrunc status=none
refused $d/zeroed "a zeroed header"
cr_info -q $d/tree/ctx || fail "the original is refused"
rm -rf $d
