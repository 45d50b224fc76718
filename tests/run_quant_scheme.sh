#!/bin/sh
# SPDX-License-Identifier: MIT
# Options of the int8 scheme and its byte accounting:
#  - the compile summary splits int8 constants into weight tensors, biases (int32 per
#    channel) and requantization parameters (int32 multiplier + one-byte shift per channel:
#    5/4 of the bias bytes), and the parts add up to at most the total;
#  - --bias-correction changes only the biases (the int8 weights stay), --weight-clip mse
#    only weights/scales (the same number of bytes), and both still verify;
#  - usage errors for them.
KILN=${KILN:-build/kiln}
pass=0; fail=0
tmp=$(mktemp -d)
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL quant-scheme/$1"; sed 's/^/    /' "$tmp/log" | head -20; }
M=tests/golden/mlperf_kws_dscnn
C="--quantize int8 --calib $M"

# summary: int8 weights W bytes, biases B, requantization R, other constants O
: >"$tmp/log"
if "$KILN" compile $M/model.onnx $C -o "$tmp/a" --name m >"$tmp/log" 2>&1; then
    line=$(grep 'int8 weights' "$tmp/log")
    total=$(grep -o 'weights [0-9]* bytes +' "$tmp/log" | grep -o '[0-9]*')
    set -- $(echo "$line" | sed 's/int8//' | grep -o '[0-9][0-9]*')
    w=$1 b=$2 r=$3 o=$4
    if [ -n "$o" ] && [ $((w + b + r + o)) -eq "$total" ] && [ $((r * 4)) -eq $((b * 5)) ] &&
       [ "$w" -gt 0 ]; then ok; else echo "summary: $line (total $total)" >>"$tmp/log"; bad summary; fi
    # the ratio line: (W + B) / (4 W + B), the float32 bytes those tensors had
    want=$(awk "BEGIN{printf \"%.4fx of their float32 bytes (%d)\", ($w + $b) / (4 * $w + $b), 4 * $w + $b}")
    if grep -q "int8 weights + biases: $want" "$tmp/log"; then ok
    else echo "want: $want" >>"$tmp/log"; bad summary-ratio; fi
else
    bad summary
fi

weights_of() {   # the int8 weight arrays (w_s8) of a generated m_weights.c
    awk '/int8_t m_w[0-9]*\[/ { on = 1 } on { print } /^};/ { on = 0 }' "$1/m_weights.c"
}
biases_of() {
    awk '/const int32_t m_w[0-9]*\[/ { on = 1 } on { print } /^};/ { on = 0 }' "$1/m_weights.c"
}

: >"$tmp/log"
if "$KILN" compile $M/model.onnx $C --bias-correction -o "$tmp/b" --name m --quiet >"$tmp/log" 2>&1 &&
   weights_of "$tmp/a" >"$tmp/wa" && weights_of "$tmp/b" >"$tmp/wb" && cmp -s "$tmp/wa" "$tmp/wb" &&
   biases_of "$tmp/a" >"$tmp/ba" && biases_of "$tmp/b" >"$tmp/bb" && ! cmp -s "$tmp/ba" "$tmp/bb" &&
   "$KILN" verify $M/model.onnx $C --bias-correction --data $M/test_data_set_0 --snr-min 25 \
       >>"$tmp/log" 2>&1; then
    ok; else bad bias-correction; fi

: >"$tmp/log"
if "$KILN" compile $M/model.onnx $C --weight-clip mse -o "$tmp/c" --name m --quiet >"$tmp/log" 2>&1 &&
   weights_of "$tmp/c" >"$tmp/wc" && ! cmp -s "$tmp/wa" "$tmp/wc" &&
   [ "$(wc -l <"$tmp/wa")" -eq "$(wc -l <"$tmp/wc")" ] &&
   "$KILN" verify examples/digits/model.onnx --quantize int8 --calib tests/quant/digits_calib.npy \
       --weight-clip mse --data examples/digits/test_data_set_0 --snr-min 30 >>"$tmp/log" 2>&1; then
    ok; else bad weight-clip-mse; fi

expect() {   # expect STATUS PATTERN kiln-args...
    want=$1 pat=$2; shift 2
    "$KILN" "$@" >"$tmp/log" 2>&1; st=$?
    [ "$st" -eq "$want" ] && grep -q -- "$pat" "$tmp/log"
}
if expect 2 "weight-clip 'median'" compile $M/model.onnx $C --weight-clip median; then ok; else bad weight-clip-bad; fi
if expect 2 'need --quantize' compile $M/model.onnx --bias-correction; then ok; else bad bias-alone; fi
if expect 2 'need --quantize' compile $M/model.onnx --weight-clip mse; then ok; else bad clip-alone; fi

rm -rf "$tmp"
echo "quant-scheme: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
