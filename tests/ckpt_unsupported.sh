# A checkpoint that cannot be taken (a packet socket on fd 5) fails before
# anything is written: a message naming it, no file, the target unharmed.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
python3 -c '
import socket, os, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
os.dup2(s.fileno(), 5)
os.execv(sys.argv[1], sys.argv[1:])
' "$CR_TESTS/cmd/cr_counter" $d/out 30 100 &
pid=$!
# The counter writes once python has made the socket and gone.
poll 60 - test -s $d/out || fail "the counter did not start"
ckpt_refused $d/ctx "fd 5: cannot save socket:.* (AF_PACKET SOCK_RAW socket)"
wait $pid
[ $? -eq 0 ] || fail "the target did not finish normally"
check_counter $d 30
echo "refused cleanly, target unharmed"
