#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden models: every tests/golden/<case>/ (model.onnx, test_data_set_*/, expect.yaml)
# is run through `kiln verify` with the tolerance its expect.yaml states.
# An expect.yaml with "expect: error" and "error: TEXT" must fail to compile with TEXT.
KILN=${KILN:-build/kiln}
pass=0; fail=0; failed=""
for dir in tests/golden/*/; do
    case=$(basename "$dir")
    [ -f "$dir/model.onnx" ] || continue
    rtol=$(sed -n 's/^rtol: *//p' "$dir/expect.yaml" 2>/dev/null)
    atol=$(sed -n 's/^atol: *//p' "$dir/expect.yaml" 2>/dev/null)
    set --
    for ds in "$dir"test_data_set_*; do set -- "$@" --data "$ds"; done
    if "$KILN" verify "$dir/model.onnx" "$@" ${rtol:+--rtol $rtol} ${atol:+--atol $atol} \
        >/tmp/kiln_golden_$$.log 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed="$failed $case"
        echo "FAIL golden/$case"; sed 's/^/    /' /tmp/kiln_golden_$$.log | head -20
    fi
done
rm -f /tmp/kiln_golden_$$.log
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
