#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: compile the bundled digits CNN with kiln, build the generated C with the host
# compiler around examples/digits/main.c, run it on a bundled digit, verify it against
# ONNX Runtime's output, and print the memory/flash/MAC summary.
set -e
KILN=build/kiln
OUT=build/demo
rm -rf "$OUT" && mkdir -p "$OUT"
echo "== kiln compile examples/digits/model.onnx -o $OUT/digits --name digits"
$KILN compile examples/digits/model.onnx -o "$OUT/digits" --name digits --report "$OUT/digits.json"
echo
echo "== cc -std=c99 -O2 main.c + generated code"
${CC:-cc} -std=c99 -O2 -Wall -Wextra -ffp-contract=off -I"$OUT/digits" -Iexamples/digits \
    examples/digits/main.c "$OUT/digits/digits.c" "$OUT/digits/digits_weights.c" \
    "$OUT"/digits/kiln/*.c -lm -o "$OUT/digits_app"
echo "== $OUT/digits_app"
"$OUT/digits_app"
echo
echo "== kiln verify (against ONNX Runtime's output)"
$KILN verify examples/digits/model.onnx --data examples/digits/test_data_set_0
