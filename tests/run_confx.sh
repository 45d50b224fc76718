#!/bin/sh
# SPDX-License-Identifier: MIT
# kiln verify binds symbolic input dimensions from its data set (tests/confx/symbolic_dims:
# inputs declared [N,4] and [N,?]); without a data set the model is rejected, and a data
# set whose rank differs from the declared one is reported.
KILN=${KILN:-build/kiln}
M=tests/confx/symbolic_dims
pass=0; fail=0
tmp=$(mktemp -d)
t() {   # t NAME EXPECTED_STATUS COMMAND... ; output in $tmp/out
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>&1; rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); return 0; fi
    fail=$((fail + 1)); echo "FAIL confx/$name: exit $rc, expected $want"; sed 's/^/    /' "$tmp/out" | head -10
    return 1
}
has() {  # has NAME TEXT: the last output contains TEXT
    if grep -qF -- "$2" "$tmp/out"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL confx/$1: output lacks '$2'"; sed 's/^/    /' "$tmp/out" | head -10; fi
}
t symbolic-verify 0 "$KILN" verify $M/model.onnx --data $M/test_data_set_0 &&
    has symbolic-bound-x "input 'x' has symbolic dimensions: bound to 3x4 from the data set" &&
    has symbolic-bound-b "input 'b' has symbolic dimensions: bound to 3x4 from the data set"
t symbolic-compile 1 "$KILN" compile $M/model.onnx -o "$tmp/c" &&
    has symbolic-compile "graph input 'x' has a symbolic or unknown dimension 0 ('N')"
# a user --shape still wins over the data set: 2x4 then does not fit the data set's 3x4
t symbolic-user-shape 1 "$KILN" verify $M/model.onnx --data $M/test_data_set_0 --shape x=2x4 --shape b=2x4
mkdir -p "$tmp/rank0"
cp tests/golden/confx_clip_run_time_bounds/test_data_set_0/input_1.pb "$tmp/rank0/input_0.pb"
cp $M/test_data_set_0/input_1.pb "$tmp/rank0/input_1.pb"
t symbolic-rank 1 "$KILN" verify $M/model.onnx --data "$tmp/rank0" &&
    has symbolic-rank "graph input 'x' has rank 2, but the data set's input_0.pb has rank 0"
rm -rf "$tmp"
echo "confx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
