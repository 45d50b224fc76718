#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every CMocka unit test binary given on the command line.
pass=0; fail=0
for t in "$@"; do
    if "$t" >/tmp/kiln_unit_$$.log 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $t"; sed 's/^/    /' /tmp/kiln_unit_$$.log | tail -30
    fi
done
rm -f /tmp/kiln_unit_$$.log
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
