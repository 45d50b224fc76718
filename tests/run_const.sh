#!/bin/sh
# SPDX-License-Identifier: MIT
# Inputs that must be constant: --const on compile/run/inspect, the error without it,
# and kiln verify turning a shape input of the data set into a constant by itself.
KILN=${KILN:-build/kiln}
M=tests/const/reshape_input
pass=0; fail=0
tmp=$(mktemp -d)
t() {   # t NAME EXPECTED_STATUS COMMAND... ; output in $tmp/out
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>&1; rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); return 0; fi
    fail=$((fail + 1)); echo "FAIL const/$name: exit $rc, expected $want"; sed 's/^/    /' "$tmp/out" | head -10
    return 1
}
has() {  # has NAME TEXT: the last output contains TEXT
    if grep -qF -- "$2" "$tmp/out"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL const/$1: output lacks '$2'"; sed 's/^/    /' "$tmp/out" | head -10; fi
}

# without a value: the error names the input and the option
t needs-const 1 "$KILN" compile $M/model.onnx -o "$tmp/a" && has needs-const "--const shape=FILE"
has needs-const-input "input 1 ('shape') decides a shape"

# with a value (.pb or .npy) the generated function no longer takes the input
t const-pb 0 "$KILN" compile $M/model.onnx -o "$tmp/b" --const shape=$M/test_data_set_0/input_1.pb
grep -q "int model_run(const float \*x, float \*y, float \*z);" "$tmp/b/model.h" &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL const/signature"; grep run "$tmp/b/model.h"; }
grep -q "MODEL_OUTPUT_0_SIZE 24" "$tmp/b/model.h" && grep -q "\-\-const shape=input_1.pb" "$tmp/b/model.c" &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL const/header"; }
t const-npy 0 "$KILN" inspect $M/model.onnx --const=shape=$M/shape_6x4.npy && has const-npy "6x4"

# bad values: wrong name, wrong type/size, bad syntax, missing file
t const-unknown 1 "$KILN" compile $M/model.onnx -o "$tmp/c" --const nope=$M/shape_6x4.npy &&
    has const-unknown "--const names 'nope'"
t const-initializer 1 "$KILN" compile $M/model.onnx -o "$tmp/c" --const two=$M/shape_6x4.npy &&
    has const-initializer "--const names 'two'"
t const-type 1 "$KILN" compile $M/model.onnx -o "$tmp/c" --const x=$M/shape_6x4.npy &&
    has const-type "holds s64 2"
t const-syntax 2 "$KILN" compile $M/model.onnx --const shape && has const-syntax "NAME=FILE"
t const-missing 1 "$KILN" compile $M/model.onnx -o "$tmp/c" --const shape=$tmp/none.pb &&
    has const-missing "none.pb"

# run: the constant input takes no --input
t run-const 0 "$KILN" run $M/model.onnx --const shape=$M/shape_6x4.npy --input $M/x.npy \
    --output "$tmp/y.npy" --output "$tmp/z.npy"
# the 24 floats after the .npy headers (which numpy and kiln format differently)
tail -c 96 "$tmp/y.npy" >"$tmp/y.raw" && tail -c 96 $M/y_6x4.npy >"$tmp/want.raw" &&
    cmp -s "$tmp/y.raw" "$tmp/want.raw" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL const/run-output"; }

# verify: the shape input comes from each data set, and both outputs are compared
t verify-auto 0 "$KILN" verify $M/model.onnx --data $M/test_data_set_0 --data $M/test_data_set_1 &&
    has verify-auto "input 'shape' used as a constant (decides a shape)"
has verify-auto-outputs "PASS: 4 of 4 outputs match"
t verify-user-const 0 "$KILN" verify $M/model.onnx --data $M/test_data_set_0 \
    --const shape=$M/test_data_set_0/input_1.pb
[ "$(grep -c 'used as a constant' "$tmp/out")" -eq 0 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL const/verify-user-const: announced a user constant"; }
rm -rf "$tmp"
echo "const: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
