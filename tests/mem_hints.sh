# Exclusion hints (tests/cmd/mem_hints.c, cr_exclude_memory(3)): the
# program goes on from a checkpoint with all its memory as it was; the
# restart of that checkpoint finds the excluded pages zero (they were not
# saved) and the others, its child's included, as they were.  The
# hints hold the module while their process lives, and no longer.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT

ref0=$(module_refs)
start_ready $d "$CR_TESTS/cmd/mem_hints"
[ $(module_refs) -gt $ref0 ] || fail "the hints do not hold the module"
ckpt_cont $d/ctx
go_on $d mem_hints
restart_go $d mem_hints
grep -q "^mem_hints: restarted" $d/log || fail "the callback did not see a restart"
refs_back $ref0
echo "ok"
