#!/bin/sh
# SPDX-License-Identifier: MIT
# Pruning and sparsity seen from the command line: the golden prune_* models lose exactly
# the channels that are dead (their outputs are checked by run_golden.sh), compile reports
# them per layer, and the JSON report carries the per-layer figures.
KILN=${KILN:-build/kiln}
G=tests/golden
pass=0; fail=0
tmp=$(mktemp -d)
t() {   # t NAME EXPECTED_STATUS COMMAND... ; output in $tmp/out
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>&1; rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); return 0; fi
    fail=$((fail + 1)); echo "FAIL prune/$name: exit $rc, expected $want"; sed 's/^/    /' "$tmp/out" | head -10
    return 1
}
has() {  # has NAME TEXT: the last output contains TEXT
    if grep -qF -- "$2" "$tmp/out"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL prune/$1: output lacks '$2'"; sed 's/^/    /' "$tmp/out" | head -20; fi
}
lacks() {  # lacks NAME TEXT: the last output does not contain TEXT
    if grep -qF -- "$2" "$tmp/out"; then
        fail=$((fail + 1)); echo "FAIL prune/$1: output has '$2'"; sed 's/^/    /' "$tmp/out" | head -20
    else pass=$((pass + 1)); fi
}

# structured pruning: channel counts after the pass, and the per-layer summary
t dead 0 "$KILN" inspect $G/prune_dead_channels/model.onnx && has dead "1x6x8x8" && lacks dead "1x8x8x8"
t dead-summary 0 "$KILN" compile $G/prune_dead_channels/model.onnx -o "$tmp/d" &&
    has dead-summary "pruned conv_c1 (Conv): 2 of 8 output channels removed" &&
    has dead-summary "pruned conv_c2 (Conv): 2 of 8 output channels removed" &&
    has dead-summary "pruned conv_c3 (Conv): 2 input channels removed"
t const 0 "$KILN" inspect $G/prune_const_channel/model.onnx && has const "1x4x4x4"
t gemm 0 "$KILN" inspect $G/prune_gemm_chain/model.onnx && has gemm "1x9 "
t residual 0 "$KILN" compile $G/prune_residual/model.onnx -o "$tmp/r" --report "$tmp/r.json" &&
    has residual "pruned conv_a (Conv): 1 of 8 output channels removed" &&
    has residual "pruned conv_b (Conv): 1 of 8 output channels removed"
grep -q '"pruned_out_channels":[[:space:]]*1' "$tmp/r.json" && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL prune/report: no pruned_out_channels in the JSON report"; }
t concat 0 "$KILN" compile $G/prune_concat/model.onnx -o "$tmp/c" &&
    has concat "pruned conv_a (Conv): 1 of 4 output channels removed" &&
    has concat "pruned conv_b (Conv): 2 of 3 output channels removed" &&
    has concat "pruned conv_y (Conv): 3 input channels removed"
t concat-shape 0 "$KILN" inspect $G/prune_concat/model.onnx && has concat-shape "1x4x6x6"
# a model without dead channels is left alone
t none 0 "$KILN" compile $G/small_cnn/model.onnx -o "$tmp/s" && lacks none "pruned"

# unstructured sparsity: the cost model picks the sparse kernels on sparse_cnn; --sparse
# off keeps every layer dense, force makes dense layers sparse; outputs match either way
S=$G/sparse_cnn
t sparse-auto 0 "$KILN" inspect $S/model.onnx && has sparse-auto "SparseConv" && has sparse-auto "SparseGemm" &&
    has sparse-auto "sparse"
t sparse-off 0 "$KILN" inspect $S/model.onnx --sparse off && lacks sparse-off "Sparse" && has sparse-off "dense"
t sparse-off-verify 0 "$KILN" verify $S/model.onnx --sparse off --data $S/test_data_set_0
t dense-auto 0 "$KILN" inspect $G/small_cnn/model.onnx && lacks dense-auto "Sparse"
for c in small_cnn mlp conv_group2_stride2_dil2 conv_k10x4_stride2_pads gemm_transA gemm_alpha_beta; do
    t "force-$c" 0 "$KILN" verify $G/$c/model.onnx --sparse force --data $G/$c/test_data_set_0
done
t sparse-bad 2 "$KILN" inspect $S/model.onnx --sparse sometimes && has sparse-bad "auto, off or force"
t sparse-json 0 "$KILN" inspect $S/model.onnx --json && has sparse-json '"encoding":' &&
    has sparse-json '"dense_macs":' && has sparse-json '"sparsity":'
# executed MACs: the sparse total is below the dense one
auto=$("$KILN" inspect $S/model.onnx | sed -n 's/.* \([0-9]*\) MACs.*/\1/p')
dense=$("$KILN" inspect $S/model.onnx --sparse off | sed -n 's/.* \([0-9]*\) MACs.*/\1/p')
[ -n "$auto" ] && [ -n "$dense" ] && [ "$auto" -lt "$dense" ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL prune/sparse-macs: executed $auto vs dense $dense"; }

# fusion passes: the fused-away node is gone (outputs are checked by run_golden.sh)
gone() {   # gone CASE OP...: inspect CASE shows none of the OPs in its op column
    c=$1; shift
    t "$c" 0 "$KILN" inspect $G/$c/model.onnx || return
    for op in "$@"; do
        if awk 'NR > 1 && $1 ~ /^[0-9]+$/ {print $3}' "$tmp/out" | grep -qx "$op"; then
            fail=$((fail + 1)); echo "FAIL prune/$c: $op left"; sed 's/^/    /' "$tmp/out"
        else pass=$((pass + 1)); fi
    done
}
gone prune_residual Relu   # Add + Relu: one kernel
gone fuse_matmul_add MatMul Add Relu
gone fuse_matmul_bn MatMul BatchNormalization Relu
gone fuse_conv_scale_shift Mul Add Relu
gone fuse_norm_prefix Sub Div
gone fuse_gemm_prefix Add Mul
gone fuse_pad_conv Pad
gone fuse_pad_avgpool Pad
gone fuse_pad_maxpool_neg_inf Pad
gone fuse_transpose_cancel Transpose
gone fuse_reshape_chain Unsqueeze Flatten
t pad-kept 0 "$KILN" inspect $G/fuse_norm_prefix_padded/model.onnx && has pad-kept "Sub" && lacks pad-kept "Mul"
t compose 0 "$KILN" inspect $G/fuse_transpose_compose/model.onnx &&
    [ "$(grep -c ' Transpose ' "$tmp/out")" -eq 1 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL prune/compose: not exactly one Transpose"; }
t gemm-fused 0 "$KILN" inspect $G/fuse_matmul_add/model.onnx && has gemm-fused "Gemm"
# each pass can be switched off only by not matching: --dump-after names them
for p in transpose-pair view-chain fold-pad matmul-gemm fold-affine prune sparse; do
    t "dump-$p" 0 "$KILN" inspect $G/small_cnn/model.onnx --dump-after $p && has "dump-$p" "# after $p"
done

rm -rf "$tmp"
echo "prune: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
