# mem_exclusion's anon part with the default transparent huge page policy
# (the guest kernel has THP "always"): 10 MiB written in a 1 GiB mapping,
# partly one page every 256 KiB, must still give a context below 16 MiB
# and restore the pattern and the zero pages.
MEM_EXCLUSION_ANON=anon_thp . "$CR_TESTS/mem_exclusion.sh"
