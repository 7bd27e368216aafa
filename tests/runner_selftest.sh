#!/bin/bash
# Self-test of the VM test runner (tests/vm/guest-run), run inside the guest as an
# ordinary test.  Runs the fixture list tests/selftest/list with a nested guest-run
# (--no-module: the outer run owns the module) and passes only if both fixtures are
# reported as FAIL, the warning test because of the dmesg scan when it can actually
# provoke a warning (helper built and module loaded), and the summary is
# "0 passed, 2 failed".
set -u
tests=${CR_TESTS:-$(cd "$(dirname "$0")" && pwd)}
runner=${CR_GUEST_RUN:-$tests/vm/guest-run}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/runner-selftest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

out=$(bash "$runner" --no-module --list "$tests/selftest/list" --out "$tmp/out" 2>&1)
rc=$?
echo "--- nested guest-run (exit $rc):"
printf '%s\n' "$out"
echo "---"

ok=1
bad() { echo "runner_selftest: $*"; ok=0; }

[ "$rc" -ne 0 ] || bad "nested guest-run exited 0 although its tests failed"
grep -qx 'FAIL selftest/fail: exit code 1' <<<"$out" || bad "selftest/fail not reported as 'FAIL selftest/fail: exit code 1'"
warn=$(grep '^FAIL selftest/warn: ' <<<"$out")
[ -n "$warn" ] || bad "selftest/warn not reported as FAIL"
if [ -x "$tests/cmd/cr_test_ioctl" ] && [ -d /sys/module/blcr ]; then
    grep -q 'dmesg: .*WARNING' <<<"$warn" || bad "selftest/warn failed, but not because of the dmesg WARNING: $warn"
else
    echo "runner_selftest: cr_test_ioctl or the blcr module is absent; only checking that selftest/warn failed"
fi
last=$(printf '%s\n' "$out" | tail -n1)
[ "$last" = "0 passed, 2 failed" ] || bad "last line is '$last', expected '0 passed, 2 failed'"
[ -f "$tmp/out/done" ] || bad "no done marker written"

[ $ok = 1 ] && echo "runner_selftest: OK"
[ $ok = 1 ]
