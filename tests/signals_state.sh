# Signal handling state survives checkpoint/restart: handlers with their
# SA_* flags and masks, the blocked mask and the alternate signal stack are
# reported the same, and raising each signal runs the right handler (see
# tests/cmd/signals_state.c).
# Plain checkpoint first (the program goes on and checks itself), then a
# checkpoint with --kill and a restart from that context file.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
cont_kill_test $d signals_state
echo ok
