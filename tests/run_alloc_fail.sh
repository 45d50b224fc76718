#!/bin/sh
# SPDX-License-Identifier: MIT
# Allocation failures: compile the digits model (with a JSON report, so cJSON's allocations
# count too) with its Nth allocation failing, for every N until the compile needs no more;
# each run must end with exit 1 and an "out of memory" message (never a crash), leave no
# temporary directory, and keep the previous output. Then the same for every allocation
# of `kiln verify` on a one-node golden model (compile, build, run, compare), which must
# also leave no temporary build directory behind.
KILN=${KILN:-build/kiln}
M=examples/digits/model.onnx
V=tests/golden/add_same_shape
tmp=$(mktemp -d)
pass=0; fail=0
"$KILN" compile $M -o "$tmp/out" --quiet || { echo "alloc-fail: 0 passed, 1 failed"; exit 1; }
cp "$tmp/out/model.c" "$tmp/model.c.orig"

check() {   # $1 = N, $2 = exit status, $3 = extra condition (0 = ok)
    if [ "$2" -eq 1 ] && grep -q "out of memory" "$tmp/log" && [ "$3" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL alloc-fail $4 N=$1: exit $2"; head -5 "$tmp/log" | sed 's/^/    /'
    fi
}

n=1
while [ $n -lt 20000 ]; do
    KILN_FAIL_ALLOC=$n "$KILN" compile $M -o "$tmp/out" --report "$tmp/report.json" --quiet \
        >"$tmp/log" 2>&1
    rc=$?
    [ $rc -eq 0 ] && break
    cmp -s "$tmp/out/model.c" "$tmp/model.c.orig" && [ -z "$(ls -A "$tmp" | grep kiln-tmp)" ]
    check $n $rc $? compile
    rm -rf "$tmp"/.kiln-tmp-*
    n=$((n + 1))
done
compiles=$((n - 1))

mkdir -p "$tmp/vt"
n=1
while [ $n -lt 20000 ]; do
    TMPDIR="$tmp/vt" KILN_FAIL_ALLOC=$n "$KILN" verify $V/model.onnx --data $V/test_data_set_0 \
        >"$tmp/log" 2>&1
    rc=$?
    [ $rc -eq 0 ] && break
    [ -z "$(ls -A "$tmp/vt")" ]
    check $n $rc $? verify
    rm -rf "$tmp"/vt/*
    n=$((n + 1))
done
rm -rf "$tmp"
echo "alloc-fail: $pass passed, $fail failed (every allocation: $compiles of a compile, $((n - 1)) of a verify)"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
