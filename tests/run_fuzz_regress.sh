#!/bin/sh
# SPDX-License-Identifier: MIT
# Fuzz replay: every file under tests/fuzz/regress/ (inputs the fuzzer once crashed or hung
# kiln on, kept after the fix) and the fuzzer's seed corpus (golden, malformed and example
# models) goes through `kiln compile`. Each must end cleanly within 60 s: exit 0, or exit 1
# with an "error:" message. A signal (sanitizer abort, crash), exit 5 (internal error) or a
# timeout fails. A regression file that compiles must also give C that builds with
# -std=c99 -Wall -Werror (names from the model must not break or inject into the code).
# Run under `make test SANITIZE=1` this replays them with ASan and UBSan.
KILN=${KILN:-build/kiln}
pass=0; fail=0
tmp=$(mktemp -d)
for f in tests/fuzz/regress/* tests/golden/*/model.onnx tests/malformed/*.onnx examples/*/*.onnx; do
    [ -f "$f" ] || continue
    timeout 60 "$KILN" compile "$f" -o "$tmp/out" --quiet >"$tmp/log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && [ "${f#tests/fuzz/regress/}" != "$f" ] &&
       ! (cd "$tmp/out" && ${CC:-cc} -std=c99 -Wall -Werror -c -I. $(ls *.c kiln/*.c 2>/dev/null)) >"$tmp/log" 2>&1; then
        rc=generated-code-does-not-build
    fi
    if [ "$rc" = 0 ] || { [ "$rc" = 1 ] && grep -q "error: " "$tmp/log"; }; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL fuzz-regress $f: exit $rc (expected 0, or 1 with an error message)"
        head -5 "$tmp/log" | sed 's/^/    /'
    fi
    rm -rf "$tmp/out"
done
rm -rf "$tmp"
echo "fuzz-regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
