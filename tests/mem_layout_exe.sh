# mem_layout, also requiring /proc/self/exe to read the same after restart
# (the restarted process's executable link, mm->exe_file).
MEM_LAYOUT_CHECK_EXE=1
export MEM_LAYOUT_CHECK_EXE
. "$CR_TESTS/mem_layout.sh"
