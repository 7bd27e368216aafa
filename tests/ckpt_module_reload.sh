# Nothing of a checkpoint lives in module memory: a context file restarts
# after the module was unloaded and loaded again.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
start_counter $d 40 100
ckpt_kill $d/ctx
rmmod blcr || fail "rmmod"
insmod "$CR_MODULE" || fail "insmod"
cr_restart $d/ctx || fail "cr_restart exited $?"
check_counter $d 40
echo "restarted after a module reload"
