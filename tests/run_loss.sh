#!/bin/sh
# SPDX-License-Identifier: MIT
# Loss ops at run time (tests/loss/, made by tests/golden/make_golden_loss.py): the
# generated SoftmaxCrossEntropyLoss runs on valid targets (one equal to ignore_index) and
# fails (NAME_run() returns 1, kiln run exits 1) on a target outside [0, C) that is not
# ignore_index, above or below the range, instead of reading outside x.
KILN=${KILN:-build/kiln}
D=tests/loss
pass=0; fail=0
tmp=$(mktemp -d)
t() {   # t NAME EXPECTED_STATUS TARGETS [TEXT]: kiln run on x and TARGETS
    "$KILN" run $D/model.onnx --input $D/x.npy --input "$D/$3.npy" --output "$tmp/y.npy" \
        >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" -eq "$2" ] && { [ -z "$4" ] || grep -qF -- "$4" "$tmp/out"; }; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL loss/$1: exit $rc, expected $2 ${4:+and '$4'}"
        sed 's/^/    /' "$tmp/out" | head -10
    fi
}
t valid-targets 0 t_ok
t target-above-classes 1 t_high "generated code failed"
t target-negative 1 t_negative "generated code failed"
rm -rf "$tmp"
echo "loss: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
