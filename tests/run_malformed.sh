#!/bin/sh
# SPDX-License-Identifier: MIT
# Malformed models: each tests/malformed/<name>.onnx must be rejected with exit status 1
# (not a crash: a signal gives >= 128) and an error containing <name>.expect's text,
# leaving no output directory behind.
KILN=${KILN:-build/kiln}
pass=0; fail=0
tmp=$(mktemp -d)
for model in tests/malformed/*.onnx; do
    name=$(basename "$model" .onnx)
    want=$(cat "tests/malformed/$name.expect")
    "$KILN" compile "$model" -o "$tmp/out" >"$tmp/log" 2>&1
    rc=$?
    if [ "$rc" -eq 1 ] && grep -qF -- "$want" "$tmp/log" && [ ! -e "$tmp/out" ] &&
       [ -z "$(ls -A "$tmp" | grep -v '^log$')" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL malformed/$name: exit $rc, expected 1 and a message containing '$want':"
        sed 's/^/    /' "$tmp/log" | head -5
    fi
    rm -rf "$tmp/out"
done
rm -rf "$tmp"
echo "malformed: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
