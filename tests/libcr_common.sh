# blcr_common.h (tests/cmd/libcr_common.c): a program that includes it as
# BLCR programs did finds CR_SIGNUM to be the signal libcr's handler
# takes, LIBCR_* the loaded libcr.so's version, and BLCR's constants.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
"$CR_TESTS/cmd/libcr_common" $d/out
report_ok $d/out $? libcr_common
rm -rf $d
