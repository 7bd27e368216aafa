# The address space layout survives checkpoint/restart: /proc/self/maps
# (but the dev/inode columns), region contents, protections, a mremap'd and
# a MAP_GROWSDOWN region (still growing), the brk heap (sbrk still works),
# a file mapped MAP_SHARED PROT_READ (mprotect(PROT_WRITE) refused where
# it was opened O_RDONLY, allowed where O_RDWR; both see its writes),
# 24 x 64 KiB stack frames of a recursion in progress, /proc/self/cmdline,
# environ, auxv, exe and getauxval().  Plain checkpoint first (the program
# goes on and checks itself), then a restart after it has exited.
# With the argument exe (mem_layout_exe), /proc/self/exe must read the
# same after restart too (the restarted process's mm->exe_file).
. "$CR_TESTS/lib.sh"

[ "${1:-}" != exe ] || export MEM_LAYOUT_CHECK_EXE=1

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
step cont
MEM_LAYOUT_VAR="an environment value with spaces = and symbols !@#" \
	start_ready $d "$CR_TESTS/cmd/mem_layout" "an argument" "" "last"
ckpt_cont $d/ctx
go_on $d mem_layout
step restart
restart_go $d mem_layout
echo ok
