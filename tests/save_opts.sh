# Mapped files by reference and by value (BLCR's save_exe, save_priv,
# save_all): a counter runs from a copy of its executable with a copy of a
# library preloaded.  By reference, a changed library or a deleted
# executable is refused with a message; with --save-exe, --save-private
# or --save-all the counter finishes after the files were deleted.
. "$CR_TESTS/lib.sh"

libm=$(ldd "$CR_TESTS/cmd/cr_counter" /bin/ls 2> /dev/null |
	awk '/libm\.so/ { print $3; exit }')
[ -n "$libm" ] || libm=$(ls /lib/x86_64-linux-gnu/libm.so.6)
limit=40

# run_case OPTS...: a fresh copy of both files, checkpointed with OPTS and
# killed; sets d.
run_case() {
	d=$(mktemp -d)
	cp "$CR_TESTS/cmd/cr_counter" $d/exe
	cp "$libm" $d/libm.so.6
	counter_exe=$d/exe counter_wrap="env LD_PRELOAD=$d/libm.so.6" \
		start_counter $d $limit 100
	grep -q "$d/libm.so.6" /proc/$pid/maps || fail "the library is not mapped"
	sleep 0.5
	ckpt_kill $d/ctx "$@"
}

# refused WHAT: the restart must fail and say WHAT.
refused() {
	cr_restart $d/ctx > $d/msg 2>&1 && fail "the restart worked"
	grep -q "$1" $d/msg || fail "unexpected message: $(cat $d/msg)"
	pgrep -f "$d/out" && fail "a process was left behind"
	echo "refused: $(tail -n 1 $d/msg)"
}

finishes() {
	cr_restart $d/ctx || fail "cr_restart exited $?"
	check_counter $d $limit
}

step "by reference, the library changed"
run_case
echo >> $d/libm.so.6
refused "changed since the checkpoint"

step "by reference, the executable deleted"
run_case
rm $d/exe
refused "cannot open mapped file $d/exe"

step "--save-exe, the executable deleted"
run_case --save-exe
rm $d/exe
finishes

step "--save-private, both deleted"
run_case --save-private
rm $d/exe $d/libm.so.6
finishes
size_priv=$(stat -c %s $d/ctx)

step "--save-all --save-none: by reference again"
run_case --save-all --save-none
[ $(stat -c %s $d/ctx) -lt $((size_priv / 2)) ] ||
	fail "--save-none did not reset: $(stat -c %s $d/ctx) bytes"
finishes

step "--save-all, both deleted"
run_case --save-all
rm $d/exe $d/libm.so.6
finishes
echo "every --save option brought the deleted files back"
