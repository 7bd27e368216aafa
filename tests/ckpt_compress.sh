# cr_checkpoint --compress: memory of three kinds (random words, an array
# of doubles, text) comes back exactly from a compressed context file,
# through a file and through pipes both ways, mapped files saved by value
# too.  Data that compresses makes the file smaller; random data is
# stored as it is, no bigger.  cr_info reads the file; a compressed record
# whose data inflates past the pages it declares is refused, with the
# restart leaving nothing behind.
. "$CR_TESTS/lib.sh"

mib=24
d=$(mktemp -d)
trap 'rm -rf $d' EXIT
ready_secs=120

if ! have_zstd; then
	start_ready $d "$CR_TESTS/cmd/mem_checksum" 1
	out=$(cr_checkpoint --compress -f $d/ctx $pid 2>&1) &&
		fail "--compress worked with no compressor"
	echo "$out"
	echo "$out" | grep -q "no zstd compressor" || fail "no clear message"
	mem_go $d "a refused checkpoint"
	skip "this kernel has no zstd compressor: --compress is refused"
fi

# sizes KIND: checkpoints $pid plain (left running), then compressed
# (killed); sets plain and zipped to the two files' sizes.
sizes() {
	ckpt -f $d/plain $pid
	ckpt_kill $d/ctx --compress
	plain=$(stat -c %s $d/plain)
	zipped=$(stat -c %s $d/ctx)
	echo "$1: plain $plain bytes, compressed $zipped" \
	     "($((zipped * 100 / plain))%)"
	cr_info $d/ctx | grep '^compression:'
}

step "random words: written as they are"
start_ready $d "$CR_TESTS/cmd/mem_checksum" $mib rand
sizes random
[ $zipped -le $plain ] || fail "compressed file larger than the plain one"
[ $zipped -ge $((plain - plain / 20)) ] ||
	fail "random data compressed by more than 5%?"
restart_go $d
mem_ok $d

step "doubles, text and random words: compressed"
start_ready $d "$CR_TESTS/cmd/mem_checksum" $mib mixed
sizes mixed
[ $zipped -le $((plain * 3 / 4)) ] ||
	fail "mixed data compressed to more than 3/4"
cr_info $d/ctx | grep -q '^compression: zstd, [1-9]' ||
	fail "cr_info does not see compressed pages"
"$CR_TESTS/cmd/cr_fuzz" --shrink-zipped $d/ctx $d/bad || fail "no compressed record"
out=$(cr_restart $d/bad 2>&1) && fail "a record inflating past its pages was restarted"
echo "$out"
echo "$out" | grep -q "bad page data" || fail "no message about the page data"
pgrep -f "cmd/mem_checksum $d" && fail "the failed restart left a process"
restart_go $d
mem_ok $d

step "through pipes, with the mapped files saved by value"
start_ready $d "$CR_TESTS/cmd/mem_checksum" $mib mixed
cr_checkpoint --compress --save-all --kill -F 1 $pid | cat > $d/ctx ||
	fail "cr_checkpoint to a pipe failed"
wait $pid
[ $? -eq 137 ] || fail "the program was not killed"
cr_info - < $d/ctx | grep '^compression:'
touch $d/go
cat $d/ctx | cr_restart -F 0 || fail "cr_restart from a pipe exited $?"
mem_ok $d
echo "ok"
