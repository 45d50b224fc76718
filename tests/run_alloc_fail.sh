#!/bin/sh
# SPDX-License-Identifier: MIT
# Allocation failures: compile the digits model with its Nth allocation failing, for every
# N until the compile needs no more; each run must end with exit 1 and an "out of memory"
# message (never a crash), leave no temporary directory, and keep the previous output.
KILN=${KILN:-build/kiln}
M=examples/digits/model.onnx
tmp=$(mktemp -d)
"$KILN" compile $M -o "$tmp/out" --quiet || { echo "alloc-fail: 0 passed, 1 failed"; exit 1; }
cp "$tmp/out/model.c" "$tmp/model.c.orig"
pass=0; fail=0; n=1
while [ $n -lt 20000 ]; do
    KILN_FAIL_ALLOC=$n "$KILN" compile $M -o "$tmp/out" --quiet >"$tmp/log" 2>&1
    rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 1 ] && grep -q "out of memory" "$tmp/log" && cmp -s "$tmp/out/model.c" "$tmp/model.c.orig" &&
       [ -z "$(ls -A "$tmp" | grep kiln-tmp)" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL alloc-fail N=$n: exit $rc"; head -5 "$tmp/log" | sed 's/^/    /'
        rm -rf "$tmp"/.kiln-tmp-*
    fi
    n=$((n + 1))
done
rm -rf "$tmp"
echo "alloc-fail: $pass passed, $fail failed (every allocation of a compile, $((n - 1)) in all)"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
