#!/bin/sh
# SPDX-License-Identifier: MIT
# int8 sparse kernels end to end (--quantize int8 with --sparse): the cost model picks
# SparseConv.s8 / SparseFC.s8 on the pruned golden model sparse_cnn and keeps dense int8
# layers dense; the int8 outputs of --sparse auto and force are the same bytes as --sparse
# off (kiln run over 24 samples, tests/sparse8/*.npy, made by make_inputs.py) for sparse_cnn
# and for conv geometries forced sparse (1x1, groups, depthwise multiplier 2 with stride,
# asymmetric pads, dilation, 10x4 kernel); the int8 model matches the ORT float reference
# by SNR; compile reports the encoding; the generated code is -Wconversion clean and,
# built for Cortex-M0 with soft float, calls no float helper.
KILN=${KILN:-build/kiln}
G=tests/golden
D=tests/sparse8
STRICT="-std=c99 -Wall -Wextra -Wconversion -Werror -O2 -c"
pass=0; fail=0
tmp=$(mktemp -d)
t() {   # t NAME EXPECTED_STATUS COMMAND... ; output in $tmp/out
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>&1; rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); return 0; fi
    fail=$((fail + 1)); echo "FAIL sparse8/$name: exit $rc, expected $want"; sed 's/^/    /' "$tmp/out" | head -10
    return 1
}
has() {  # has NAME TEXT: the last output contains TEXT
    if grep -qF -- "$2" "$tmp/out"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL sparse8/$1: output lacks '$2'"; sed 's/^/    /' "$tmp/out" | head -20; fi
}
lacks() {  # lacks NAME TEXT: the last output does not contain TEXT
    if grep -qF -- "$2" "$tmp/out"; then
        fail=$((fail + 1)); echo "FAIL sparse8/$1: output has '$2'"; sed 's/^/    /' "$tmp/out" | head -20
    else pass=$((pass + 1)); fi
}
same() {  # same NAME MODEL MODE: kiln run with --sparse MODE gives --sparse off's bytes
    m=$2
    for s in off "$3"; do
        "$KILN" run $G/$m/model.onnx --quantize int8 --calib $D/$m.npy --sparse $s \
            --input $D/$m.npy --output "$tmp/y_$s.npy" >"$tmp/out" 2>&1 ||
            { fail=$((fail + 1)); echo "FAIL sparse8/$1: kiln run --sparse $s"; sed 's/^/    /' "$tmp/out" | head; return; }
    done
    if cmp -s "$tmp/y_off.npy" "$tmp/y_$3.npy"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL sparse8/$1: --sparse $3 and off give different outputs"; fi
}

S=sparse_cnn
Q="--quantize int8 --calib $D/$S.npy"
t auto 0 "$KILN" inspect $G/$S/model.onnx $Q && has auto "SparseConv.s8" && has auto "SparseFC.s8" &&
    has auto "sparse"
t off 0 "$KILN" inspect $G/$S/model.onnx $Q --sparse off && lacks off "Sparse" && has off "Conv.s8"
# dense int8 weights stay dense under auto (the bitmap would cost more)
t dense-auto 0 "$KILN" inspect $G/conv_1x1/model.onnx --quantize int8 --calib $D/conv_1x1.npy &&
    lacks dense-auto "Sparse" && has dense-auto "Conv.s8"
t force 0 "$KILN" inspect $G/conv_1x1/model.onnx --quantize int8 --calib $D/conv_1x1.npy \
    --sparse force && has force "SparseConv.s8"
t json 0 "$KILN" inspect $G/$S/model.onnx $Q --json && has json '"encoding":	"sparse"'
# fewer weight bytes and executed MACs than dense int8
total() { "$KILN" inspect $G/$S/model.onnx $Q --sparse "$1" | sed -n "s/.* \([0-9]*\) $2.*/\1/p"; }
for what in MACs bytes; do
    a=$(total auto $what) o=$(total off $what)
    [ -n "$a" ] && [ -n "$o" ] && [ "$a" -lt "$o" ] && pass=$((pass + 1)) ||
        { fail=$((fail + 1)); echo "FAIL sparse8/total-$what: auto $a vs off $o"; }
done
t verify 0 "$KILN" verify $G/$S/model.onnx $Q --data $G/$S/test_data_set_0 --snr-min 25
same exact-auto $S auto
same exact-force $S force
for m in conv_1x1 conv_group2 conv_depthwise_mult2_stride2 conv_stride2_asym_pads conv_dilation2 \
         conv_k10x4_stride2_pads; do
    same "exact-force-$m" $m force
done
# generated code: strict C99, and no float in the sparse int8 kernels on a Cortex-M0
t compile 0 "$KILN" compile $G/$S/model.onnx $Q -o "$tmp/c" --name m &&
    t build 0 sh -c "cd '$tmp/c' && gcc $STRICT -I. m.c m_weights.c kiln/*.c"
if command -v arm-none-eabi-gcc >/dev/null; then
    for f in "$tmp"/c/kiln/*sparse_s8.c; do
        t "m0-$(basename "$f")" 0 arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -mfloat-abi=soft $STRICT \
            -I"$tmp/c" "$f" -o "$tmp/k.o" &&
            { arm-none-eabi-nm "$tmp/k.o" >"$tmp/out"; lacks "float-$(basename "$f")" "__aeabi_f"; }
    done
fi
rm -rf "$tmp"
echo "sparse8: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
