#!/bin/bash
# Runner self-test fixture: make the loaded blcr module emit a kernel WARNING,
# which guest-run's dmesg scan must turn into a failure.
helper=${CR_TESTS:-$(dirname "$0")/..}/cmd/cr_test_ioctl
if [ ! -x "$helper" ]; then
    echo "selftest/warn: $helper not found (not built?); exiting 1"
    exit 1
fi
echo "selftest/warn: running '$helper warn' to trigger a kernel WARNING"
exec "$helper" warn
