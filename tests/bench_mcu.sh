#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench-mcu: per model of the bench corpus and per emulated target, what
# `kiln bench --target T --json` measures: emulated instructions per inference (exact,
# TCG plugin), per MAC, flash (weights + code) and RAM (data/bss with the arena + stack).
# Models: $KILN_BENCH_MODELS (default ../shared/bench/models); targets: $KILN_MCU_TARGETS
# (default cortex-m4 cortex-m55). $KILN_MCU_OPTS is added to every kiln command, with
# @CALIB@ replaced by the model's calib.npy, e.g. for int8:
#   make bench-mcu KILN_MCU_OPTS='--quantize int8 --calib @CALIB@'
KILN=${KILN:-build/kiln}
dir=${KILN_BENCH_MODELS:-../shared/bench/models}
targets=${KILN_MCU_TARGETS:-cortex-m4 cortex-m55}
[ -d "$dir" ] || { echo "bench-mcu: no corpus at $dir (set KILN_BENCH_MODELS)"; exit 1; }
printf "%-30s %-11s %14s %8s %10s %10s %10s %9s\n" model target instructions per_MAC flash weights RAM arena
val() { echo "$json" | sed -n "s/.*\"$1\":[[:space:]]*\([0-9.e+]*\).*/\1/p" | head -1; }
for m in "$dir"/*/model.onnx; do
    name=$(basename "$(dirname "$m")")
    opts=$(echo "${KILN_MCU_OPTS:-}" | sed "s|@CALIB@|$(dirname "$m")/calib.npy|g")
    for tgt in $targets; do
        if ! json=$("$KILN" bench "$m" --target "$tgt" --json $opts 2>/tmp/kiln_mcu_$$.log); then
            why=$(grep -m1 -o "region .* overflowed by [0-9]* bytes" /tmp/kiln_mcu_$$.log ||
                  grep -m1 -A1 -E "unsupported|error" /tmp/kiln_mcu_$$.log | tr -s ' \n' ' ' |
                  sed 's/^.*error: //' | cut -c1-100)
            printf "%-30s %-11s %s\n" "$name" "$tgt" "not run: $why"
            continue
        fi
        ins=$(val instructions_per_inference); macs=$(val macs)
        printf "%-30s %-11s %14s %8s %10s %10s %10s %9s\n" "$name" "$tgt" "$ins" \
            "$(awk "BEGIN{if ($macs>0) printf \"%.2f\", $ins/$macs}")" "$(val flash_bytes)" \
            "$(val weights_bytes)" "$(val ram_bytes)" "$(val arena_bytes)"
    done
done
rm -f /tmp/kiln_mcu_$$.log
echo "(instructions: emulated by QEMU, exact and deterministic, not cycles; generated code -O3;"
echo " flash and RAM measured with the target's size tool; options: ${KILN_MCU_OPTS:-float32})"
