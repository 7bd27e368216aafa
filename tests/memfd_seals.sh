# memfds keep their data, sharing and seals (tests/cmd/memfd_seals.c):
# after restart a sealed one refuses writes, resizes and writable
# mappings, an unsealed one can be sealed, and a mapping made before
# F_SEAL_FUTURE_WRITE still writes; an O_TMPFILE file keeps its data and
# size, shared with the child.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'kill $pid 2> /dev/null; rm -rf $d' EXIT
start_ready $d "$CR_TESTS/cmd/memfd_seals"
ckpt_kill $d/ctx --tree
restart_go $d memfd_seals
echo ok
