# The common cycle of lib.sh for a test that is a line in tests/list:
# cycle.sh [-c] [-t] [-p SECS] NAME ARGS... runs tests/cmd/NAME (see cycle).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill $pid 2> /dev/null; rm -rf $d' EXIT
cycle $d "$@"
echo ok
