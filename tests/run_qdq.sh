#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre-quantized QDQ models compiled as int8 directly (no --quantize):
#  - tests/quant/qdq/digits_{s8,u8} (made by tests/quant/make_qdq.py: int8 weights per
#    channel, int8 / uint8 activations, ONNX Runtime reference outputs): kiln verify
#    matches ONNX Runtime exactly (int8 output) or within 0 LSB (float output); the code
#    uses the int8 kernels and API, no QuantizeLinear/DequantizeLinear reference kernel,
#    builds with -Wconversion -Werror, is deterministic;
#  - QLinearConv / QLinearMatMul models (tests/quant/qdq/digits_qlinear*) likewise, and
#    a QLinearConv that does not fit the scheme stays the reference op;
#  - round trip: kiln's own --emit-qdq model of a golden model, compiled without
#    --quantize, gives exactly the outputs of the --quantize build (same scales, same int8
#    weights), at -O0 and -O3;
#  - a QDQ pattern that does not fit (an activation quantized per axis) stays a reference op.
KILN=${KILN:-build/kiln}
STRICT="-std=c99 -Wall -Wextra -Wconversion -Werror -O2 -c"
pass=0; fail=0
tmp=$(mktemp -d)
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL qdq/$1"; sed 's/^/    /' "$tmp/log" | head -20; }

int8_code() {   # int8_code DIR: the generated code is int8 through and through
    grep -o 'kiln_[a-z0-9_]*_s8(' "$1/m.c" | grep -qv 'kiln_quantize_f32_s8' || { echo "no int8 kernel" >>"$tmp/log"; return 1; }
    if grep -q 'kiln_quantize_linear\|kiln_dequantize_linear\|kiln_qlinear' "$1/m.c"; then
        echo "reference Q/DQ kernel left" >>"$tmp/log"; return 1
    fi
    grep -q 'int m_run_f32(' "$1/m.h" && grep -q 'M_INPUT_0_ZERO_POINT' "$1/m.h" &&
        grep -q 'M_OUTPUT_0_SCALE' "$1/m.h" || { echo "no int8 API in m.h" >>"$tmp/log"; return 1; }
    (cd "$1" && gcc $STRICT -I. m.c m_weights.c kiln/*.c) >>"$tmp/log" 2>&1
}

for v in s8 u8; do
    d=tests/quant/qdq/digits_$v
    : >"$tmp/log"
    if "$KILN" verify $d/model.onnx --data $d/test_data_set_0 --data $d/test_data_set_1 \
           --data $d/test_data_set_2 --data $d/test_data_set_3 >"$tmp/log" 2>&1 &&
       "$KILN" compile $d/model.onnx -o "$tmp/a" --name m --quiet >>"$tmp/log" 2>&1 &&
       "$KILN" compile $d/model.onnx -o "$tmp/b" --name m --quiet >>"$tmp/log" 2>&1 &&
       diff -r "$tmp/a" "$tmp/b" >>"$tmp/log" 2>&1 && int8_code "$tmp/a" &&
       # the uint8 model's float output equals ONNX Runtime's: 0 LSB everywhere
       ! grep 'LSB' "$tmp/log" | grep -v '(0 LSB)' >>"$tmp/log"; then
        ok; else bad "digits_$v"; fi
    rm -rf "$tmp/a" "$tmp/b"
done

# QLinearConv / QLinearMatMul (tests/quant/make_qlinear.py, ONNX Runtime outputs): int8
# kernels, same outputs as ONNX Runtime; with a uint8 graph input the first QLinearConv
# cannot be made int8 and stays the reference op, the rest is int8
qlinear() {   # qlinear DIR
    : >"$tmp/log"
    "$KILN" verify $1/model.onnx --data $1/test_data_set_0 --data $1/test_data_set_1 \
        --data $1/test_data_set_2 --data $1/test_data_set_3 >"$tmp/log" 2>&1 &&
    ! grep 'LSB' "$tmp/log" | grep -v '(0 LSB)' >>"$tmp/log" &&
    "$KILN" compile $1/model.onnx -o "$tmp/a" --name m --quiet >>"$tmp/log" 2>&1
}
d=tests/quant/qdq/digits_qlinear
if qlinear $d && int8_code "$tmp/a" && grep -c 'kiln_conv2d_s8(' "$tmp/a/m.c" | grep -q 2 &&
   grep -q 'kiln_fully_connected_s8(' "$tmp/a/m.c"; then ok; else bad qlinear; fi
rm -rf "$tmp/a"
d=tests/quant/qdq/digits_qlinear_u8input
if qlinear $d && grep -q 'kiln_qlinear_conv(' "$tmp/a/m.c" && grep -q 'kiln_conv2d_s8(' "$tmp/a/m.c" &&
   grep -q 'kiln_fully_connected_s8(' "$tmp/a/m.c"; then ok; else bad qlinear-u8input; fi
rm -rf "$tmp/a"

# round trip through kiln's own QDQ output
roundtrip() {   # roundtrip MODEL_DIR CALIB INPUT.npy
    : >"$tmp/log"
    "$KILN" compile "$1/model.onnx" --quantize int8 --calib "$2" --emit-qdq "$tmp/q.onnx" \
        -o "$tmp/a" --quiet >>"$tmp/log" 2>&1 || return 1
    "$KILN" compile "$tmp/q.onnx" -o "$tmp/b" --name m --quiet >>"$tmp/log" 2>&1 &&
        int8_code "$tmp/b" || return 1
    "$KILN" run "$1/model.onnx" --quantize int8 --calib "$2" --input "$3" \
        --output "$tmp/y_cal.npy" --quiet >>"$tmp/log" 2>&1 || return 1
    for o in O0 O3; do
        KILN_CFLAGS=-$o "$KILN" run "$tmp/q.onnx" --input "$3" --output "$tmp/y_$o.npy" \
            --quiet >>"$tmp/log" 2>&1 || return 1
    done
    cmp "$tmp/y_cal.npy" "$tmp/y_O3.npy" >>"$tmp/log" 2>&1 &&
        cmp "$tmp/y_O0.npy" "$tmp/y_O3.npy" >>"$tmp/log" 2>&1
}
if roundtrip examples/digits tests/quant/digits_calib.npy tests/quant/digits_test.npy; then
    ok; else bad roundtrip-digits; fi
rm -rf "$tmp/a" "$tmp/b"
for m in small_cnn mlperf_kws_dscnn conv_depthwise add_chw_const sigmoid; do
    d=tests/golden/$m
    if roundtrip $d $d tests/quant/qdq/inputs/$m.npy; then ok; else bad "roundtrip-$m"; fi
    rm -rf "$tmp/a" "$tmp/b"
done

rm -rf "$tmp"
echo "qdq: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
