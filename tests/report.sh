# A program that needs no checkpoint from the script, for a line in
# tests/list: report.sh NAME runs tests/cmd/NAME OUT, which must exit 0
# with a report that says OK (lt_report).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
"$CR_TESTS/cmd/$1" $d/out
report_ok $d/out $? $1
