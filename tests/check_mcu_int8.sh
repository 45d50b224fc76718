#!/bin/sh
# SPDX-License-Identifier: MIT
# The int8 bench models on the emulated boards: for every model of the corpus with a
# calib.npy, `kiln run --quantize int8 --calib calib.npy` over the calibration samples on the
# host and on each target (kernel variants included) must write byte-identical outputs.
# Not part of make test (minutes of emulation); run as `sh tests/check_mcu_int8.sh`.
# Models: $KILN_BENCH_MODELS (default ../shared/bench/models); targets: $KILN_MCU_TARGETS.
KILN=${KILN:-build/kiln}
dir=${KILN_BENCH_MODELS:-../shared/bench/models}
targets=${KILN_MCU_TARGETS:-cortex-m4 cortex-m55}
tmp=$(mktemp -d)
pass=0; fail=0
for m in "$dir"/*/model.onnx; do
    d=$(dirname "$m"); name=$(basename "$d")
    [ -f "$d/calib.npy" ] || continue
    q="--quantize int8 --calib $d/calib.npy"
    if ! "$KILN" run "$m" $q --input "$d/calib.npy" --output "$tmp/host.npy" >"$tmp/log" 2>&1; then
        echo "FAIL $name host: $(tail -1 "$tmp/log")"; fail=$((fail + 1)); continue
    fi
    for tgt in $targets; do
        if "$KILN" run "$m" $q --target "$tgt" --input "$d/calib.npy" --output "$tmp/$tgt.npy" \
                >"$tmp/log" 2>&1 && cmp -s "$tmp/host.npy" "$tmp/$tgt.npy"; then
            echo "ok   $name $tgt: $(sed -n 's/.*: \([0-9]* sample(s)\).*/\1/p' "$tmp/log") byte-identical to the host"
            pass=$((pass + 1))
        else
            echo "FAIL $name $tgt: $(tail -1 "$tmp/log")"; fail=$((fail + 1))
        fi
    done
done
rm -rf "$tmp"
echo "mcu-int8: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
