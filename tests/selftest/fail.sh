#!/bin/bash
# Runner self-test fixture: a test that simply fails.
echo "selftest/fail: exiting with status 1 on purpose"
exit 1
