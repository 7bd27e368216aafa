# Random and mutated requests on /proc/checkpoint/ctrl as nobody
# (tests/cmd/ioctl_fuzz.c): every ioctl number, bad sizes and pointers,
# out of order, on root's processes, on zombies and exiting children,
# from threads sharing fds that others close.  Afterwards root's
# processes count on untouched (not stopped, not killed, no output
# missing), nothing of nobody's is left, the module's references are
# back, and the runner finds no warning in dmesg.
#   CR_IOCTL_FUZZ_N     requests (default 20000)
#   CR_IOCTL_FUZZ_SEED  seed (default: the time)
. "$CR_TESTS/lib.sh"

n=${CR_IOCTL_FUZZ_N:-20000}
seed=${CR_IOCTL_FUZZ_SEED:-$(date +%s)}
d=$(mktemp -d)
chmod 755 $d
mkdir $d/v1 $d/v2 $d/ctx
trap 'kill -KILL $v1 $v2 2> /dev/null; pkill -KILL -u 65534' EXIT
refs=$(module_refs)

step "root's victims, and a context file of nobody's"
start_counter $d/v1 100000 20
v1=$pid
start_counter $d/v2 100000 20
v2=$pid
chown 65534:65534 $d/ctx
"${nobody[@]}" $CR_TESTS/cmd/cr_counter $d/ctx/out 100000 20 &
c=$!
poll 30 - test -s $d/ctx/out || fail "nobody's counter did not start"
"${nobody[@]}" cr_checkpoint --tree --kill -f $d/ctx/ctx $c ||
	fail "cr_checkpoint as nobody exited $?"
wait $c 2> /dev/null

step "$n requests as nobody, seed $seed"
"${nobody[@]}" $CR_TESTS/cmd/ioctl_fuzz -n $n -s $seed -c $d/ctx/ctx \
	-v $v1 -v $v2 -v 1 || fail "ioctl_fuzz exited $?"

step "root's processes untouched, nothing of nobody's left"
not_stopped $v1 $v2
for v in $v1 $v2; do
	kill -0 $v 2> /dev/null || fail "root's counter $v died"
done
for o in $d/v1/out $d/v2/out; do
	poll 10 - lines_over $(wc -l < $o) $o ||
		fail "root's counter ($o) stopped counting"
done
kill -KILL $v1 $v2
wait $v1 $v2 2> /dev/null
for o in $d/v1/out $d/v2/out; do
	check_seq $o $(wc -l < $o) "root's counter"
done
nobodys() { ! pgrep -u 65534 > /dev/null; }
poll 10 - nobodys || fail "nobody's processes left: $(pgrep -a -u 65534)"
refs_back $refs
