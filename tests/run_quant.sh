#!/bin/sh
# SPDX-License-Identifier: MIT
# int8 quantization (--quantize int8), end to end:
#  - per model (ops and small networks from tests/golden, calibrated on their own data
#    sets): verify against the float golden outputs by SNR; compiling twice gives
#    identical files; the code builds with gcc -Wconversion -Werror; the int8 kernels
#    built for Cortex-M0 with soft float reference no __aeabi_f*/__aeabi_d* helper;
#  - the digits example: float vs int8 accuracy on its held-out split (450 images) within
#    0.5 points; outputs identical between -O0 and -O3 builds;
#  - usage errors and bad calibration data.
KILN=${KILN:-build/kiln}
STRICT="-std=c99 -Wall -Wextra -Wconversion -Werror -O2 -c"
M0="-mcpu=cortex-m0 -mthumb -mfloat-abi=soft"
have_arm=0; command -v arm-none-eabi-gcc >/dev/null && have_arm=1
pass=0; fail=0
tmp=$(mktemp -d)
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL quant/$1"; sed 's/^/    /' "$tmp/log" | head -20; }

# int8 kernels (every kiln/*_s8*.c except the float boundary kernels) use no float
float_free() {
    [ $have_arm -eq 1 ] || return 0
    for f in "$1"/kiln/*_s8*.c; do
        case $f in *quantize_f32_s8.c|*dequantize_s8_f32.c) continue ;; esac
        arm-none-eabi-gcc $M0 $STRICT -I"$1" "$f" -o "$tmp/k.o" >>"$tmp/log" 2>&1 || return 1
        if arm-none-eabi-nm "$tmp/k.o" | grep -E '__aeabi_[fd]|__aeabi_[ui]2[fd]' >>"$tmp/log"; then
            echo "$f calls soft-float helpers" >>"$tmp/log"; return 1
        fi
    done
}

check_model() {
    dir=$1 calib=$2 snr=$3
    : >"$tmp/log"
    "$KILN" verify "$dir/model.onnx" --quantize int8 --calib "$calib" --snr-min "$snr" \
        --data "$dir/test_data_set_0" --quiet >>"$tmp/log" 2>&1 || return 1
    "$KILN" compile "$dir/model.onnx" --quantize int8 --calib "$calib" -o "$tmp/a" --name m \
        --quiet >>"$tmp/log" 2>&1 &&
    "$KILN" compile "$dir/model.onnx" --quantize int8 --calib "$calib" -o "$tmp/b" --name m \
        --quiet >>"$tmp/log" 2>&1 || return 1
    diff -r "$tmp/a" "$tmp/b" >>"$tmp/log" 2>&1 || { echo "not deterministic" >>"$tmp/log"; return 1; }
    grep -q 'int m_run_f32(' "$tmp/a/m.h" || { echo "no m_run_f32 in m.h" >>"$tmp/log"; return 1; }
    grep -q 'M_INPUT_0_ZERO_POINT' "$tmp/a/m.h" || { echo "no zero point macro" >>"$tmp/log"; return 1; }
    (cd "$tmp/a" && gcc $STRICT -I. m.c m_weights.c kiln/*.c) >>"$tmp/log" 2>&1 || return 1
    float_free "$tmp/a" || return 1
}

for m in small_cnn conv_depthwise conv_depthwise_mult2_stride2 conv_1x1 conv_group2 \
         conv_bn_relu_chain averagepool_pads_include maxpool_3x3_s2_pads1 globalaveragepool \
         add_chw_const mul_both_bcast sub_same_shape transpose_perm_nhwc pad_opset13_constant \
         sigmoid tanh hardswish_opset14 leakyrelu_default relu clip_opset13_inputs \
         softmax_opset13_axis1 matmul_3d_x_2d gemm_alpha_beta_transB_c_vec \
         two_inputs_two_outputs div_same_shape; do
    dir=tests/golden/$m
    if check_model "$dir" "$dir" 30; then ok; else bad "$m"; fi
    rm -rf "$tmp/a" "$tmp/b"
done
if check_model examples/digits tests/quant/digits_calib.npy 30; then ok; else bad digits; fi
rm -rf "$tmp/a" "$tmp/b"
# random weights calibrated on its two data sets only: a looser bound
if check_model tests/golden/mlperf_kws_dscnn tests/golden/mlperf_kws_dscnn 25; then ok; else bad kws; fi
rm -rf "$tmp/a" "$tmp/b"

# an op without an int8 kernel is named on stderr
: >"$tmp/log"
"$KILN" compile tests/golden/div_same_shape/model.onnx --quantize int8 \
    --calib tests/golden/div_same_shape -o "$tmp/a" >"$tmp/log" 2>&1 &&
grep -q 'run in float between dequantize/quantize: Div (1)' "$tmp/log" && ok || bad fallback-note
rm -rf "$tmp/a"

# digits: accuracy on the held-out split, float vs int8, and -O0 vs -O3
: >"$tmp/log"
digits() {
    cc -std=c99 -O2 tests/quant/accuracy.c -o "$tmp/accuracy" >>"$tmp/log" 2>&1 || return 1
    "$KILN" run examples/digits/model.onnx --input tests/quant/digits_test.npy \
        --output "$tmp/f.npy" --quiet >>"$tmp/log" 2>&1 || return 1
    for o in O0 O3; do
        KILN_CFLAGS=-$o "$KILN" run examples/digits/model.onnx --quantize int8 \
            --calib tests/quant/digits_calib.npy --input tests/quant/digits_test.npy \
            --output "$tmp/q_$o.npy" --quiet >>"$tmp/log" 2>&1 || return 1
    done
    cmp "$tmp/q_O0.npy" "$tmp/q_O3.npy" >>"$tmp/log" 2>&1 || { echo "-O0 and -O3 differ" >>"$tmp/log"; return 1; }
    f=$("$tmp/accuracy" "$tmp/f.npy" tests/quant/digits_test_labels.npy 10) &&
    q=$("$tmp/accuracy" "$tmp/q_O3.npy" tests/quant/digits_test_labels.npy 10) || return 1
    echo "digits held-out accuracy: float $f%, int8 $q%" | tee -a "$tmp/log"
    awk -v f="$f" -v q="$q" 'BEGIN { d = f - q; exit !(d <= 0.5 && f > 90) }' || return 1
}
if digits; then ok; else bad digits-accuracy; fi

# usage and data errors
expect() {   # expect STATUS PATTERN kiln-args...
    want=$1 pat=$2; shift 2
    "$KILN" "$@" >"$tmp/log" 2>&1; st=$?
    [ "$st" -eq "$want" ] && grep -q -- "$pat" "$tmp/log"
}
D=tests/golden/relu
if expect 2 'needs --calib' compile $D/model.onnx --quantize int8; then ok; else bad no-calib; fi
if expect 2 'only scheme is int8' compile $D/model.onnx --quantize int4 --calib $D; then ok; else bad scheme; fi
if expect 2 'need --quantize' compile $D/model.onnx --calib $D; then ok; else bad calib-alone; fi
if expect 1 "calib-method 'median'" compile $D/model.onnx --quantize int8 --calib $D \
    --calib-method median -o "$tmp/a"; then ok; else bad method; fi
if expect 1 "digits_calib.npy' has 12800 elements, not a whole number" compile $D/model.onnx \
    --quantize int8 --calib tests/quant/digits_calib.npy -o "$tmp/a"; then ok; else bad calib-shape; fi
if expect 1 'no input_0.pb and no test_data_set_N' compile $D/model.onnx --quantize int8 \
    --calib tests/quant -o "$tmp/a"; then ok; else bad calib-dir; fi
for meth in percentile:99.9 mse; do
    if "$KILN" verify examples/digits/model.onnx --quantize int8 --calib tests/quant/digits_calib.npy \
        --calib-method $meth --data examples/digits/test_data_set_0 --snr-min 25 >"$tmp/log" 2>&1; then
        ok; else bad "method-$meth"; fi
done
# --snr-min is enforced: an impossible threshold fails (exit 3, an output differs)
if expect 3 'LOW SNR' verify examples/digits/model.onnx --quantize int8 \
    --calib tests/quant/digits_calib.npy --data examples/digits/test_data_set_0 --snr-min 200; then
    ok; else bad snr-min; fi

# --emit-qdq writes an ONNX model with QuantizeLinear/DequantizeLinear around float ops
: >"$tmp/log"
if "$KILN" compile examples/digits/model.onnx --quantize int8 --calib tests/quant/digits_calib.npy \
       --emit-qdq "$tmp/qdq.onnx" -o "$tmp/a" --quiet >"$tmp/log" 2>&1 &&
   [ "$(grep -c -a QuantizeLinear "$tmp/qdq.onnx")" -gt 0 ] &&
   grep -q -a DequantizeLinear "$tmp/qdq.onnx" && grep -q -a 'kiln' "$tmp/qdq.onnx"; then
    ok; else bad emit-qdq; fi
rm -rf "$tmp/a"
if expect 1 'needs opset 13 or newer' compile tests/golden/clip_opset6_attrs/model.onnx \
    --quantize int8 --calib tests/golden/clip_opset6_attrs --emit-qdq "$tmp/q.onnx" -o "$tmp/a"; then
    ok; else bad emit-qdq-opset; fi
if expect 2 'need --quantize' compile $D/model.onnx --emit-qdq "$tmp/q.onnx"; then ok; else bad emit-qdq-alone; fi

rm -rf "$tmp"
[ $have_arm -eq 1 ] || echo "quant: arm-none-eabi-gcc not installed; float-free check skipped"
echo "quant: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
