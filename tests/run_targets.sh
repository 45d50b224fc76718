#!/bin/sh
# SPDX-License-Identifier: MIT
# Emulated targets (QEMU): representative golden models verified on Cortex-M4 and
# Cortex-M55, one model on every other bundled target, kiln run on a board, deterministic
# instruction counts, flash/RAM budgets and --strict, target-file errors, -Werror builds
# with every target's compiler and flags, and the example firmware. Kept to a few
# models so CI stays fast; `make bench-mcu` runs the whole bench corpus.
KILN=${KILN:-build/kiln}
M=examples/digits/model.onnx
pass=0; fail=0
tmp=$(mktemp -d)
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL targets/$1"; [ -f "$tmp/out" ] && sed 's/^/    /' "$tmp/out" | head -15; }
t() {   # t NAME EXPECTED_STATUS COMMAND...
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>&1; rc=$?
    if [ "$rc" -eq "$want" ]; then ok; return 0; fi
    echo "    (exit $rc, expected $want)" >>"$tmp/out"; bad "$name"; return 1
}
has() { if grep -qF -- "$2" "$tmp/out"; then ok; else bad "$1: no '$2'"; fi; }
field() { sed -n "s/^$2: *//p" "targets/$1.yaml" | sed "s/ *#.*//"; }
verify_case() {   # verify_case TARGET DIR: kiln verify with the tolerance of expect.yaml
    dir=$2; set -- "$1" "$dir"
    rtol=$(sed -n 's/^rtol: *//p' "$dir/expect.yaml" 2>/dev/null)
    atol=$(sed -n 's/^atol: *//p' "$dir/expect.yaml" 2>/dev/null)
    data=""
    for ds in "$dir"/test_data_set_*; do data="$data --data $ds"; done
    t "verify-$1-$(basename "$dir")" 0 "$KILN" verify "$dir/model.onnx" $data --target "$1" \
        ${rtol:+--rtol $rtol} ${atol:+--atol $atol} && has "verify-$1-$(basename "$dir")" "PASS" &&
        has "verify-$1-$(basename "$dir")-header" "on $1 ("
}

for tool in qemu-system-arm qemu-system-riscv32 arm-none-eabi-gcc riscv64-unknown-elf-gcc; do
    command -v $tool >/dev/null || { echo "FAIL targets: $tool is not installed (make deps)"; fail=$((fail + 1)); }
done

# golden models on the two main boards: convolutions (plain, depthwise, grouped, strided,
# 1x1), pooling, Gemm, softmax, elementwise, and two MLPerf Tiny models
CASES="conv_bn_relu_chain conv_depthwise_mult2_stride2 conv_group2_stride2_dil2 conv_1x1_stride2
averagepool_ceil_pads_exclude gemm_alpha_beta softmax_opset13_axis1 add_both_bcast
mlperf_kws_dscnn mlperf_ic_resnet8"
for tgt in cortex-m4 cortex-m55; do
    for c in $CASES; do verify_case $tgt tests/golden/$c; done
    verify_case $tgt examples/digits
done
# one model on every other emulated target
for y in targets/*.yaml; do
    tgt=$(basename "$y" .yaml)
    case $tgt in cortex-m4|cortex-m55) continue;; esac
    [ -n "$(field "$tgt" "  command")" ] || continue
    verify_case $tgt examples/digits
done

# generated code builds with -Werror for every target's compiler and flags
for y in targets/*.yaml; do
    tgt=$(basename "$y" .yaml)
    cc=$(field "$tgt" cc); flags=$(field "$tgt" cflags)
    "$KILN" compile tests/golden/mlperf_kws_dscnn/model.onnx --target "$tgt" -o "$tmp/w" --name m --quiet >"$tmp/out" 2>&1 &&
    (cd "$tmp/w" && $cc $flags -Wall -Wextra -Wconversion -Werror -O2 -c -I. m.c m_weights.c kiln/*.c) >>"$tmp/out" 2>&1 &&
        ok || bad "werror-$tgt"
    rm -rf "$tmp/w"
done

# kiln run on a board gives the host's outputs (within float tolerance: softmax uses expf)
t run-host 0 "$KILN" run $M --input examples/digits/sample.npy --output "$tmp/host.npy"
t run-m4 0 "$KILN" run $M --target cortex-m4 --input examples/digits/sample.npy --output "$tmp/m4.npy" &&
    has run-m4 "16 sample(s)"
od -An -v -f -j 128 "$tmp/host.npy" | tr -s ' ' '\n' | grep . >"$tmp/h.txt"
od -An -v -f -j 128 "$tmp/m4.npy" | tr -s ' ' '\n' | grep . >"$tmp/m.txt"
if [ "$(wc -l <"$tmp/h.txt")" -eq 160 ] && paste "$tmp/h.txt" "$tmp/m.txt" |
    awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-5 + 1e-4 * ($1 < 0 ? -$1 : $1)) bad = 1 } END { exit bad }'; then
    ok
else
    echo "host and cortex-m4 outputs differ" >"$tmp/out"; bad run-compare
fi

# instruction counts: the same number on every run, and plausible (a float MAC costs a few)
for tgt in cortex-m4 cortex-m55; do
    a=$("$KILN" bench $M --target $tgt --json 2>"$tmp/out" | sed -n 's/.*"instructions_per_inference":[^0-9]*\([0-9]*\).*/\1/p')
    b=$("$KILN" bench $M --target $tgt --json 2>>"$tmp/out" | sed -n 's/.*"instructions_per_inference":[^0-9]*\([0-9]*\).*/\1/p')
    if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" -gt 25600 ] && [ "$a" -lt 2560000 ]; then ok; else
        echo "counts '$a' and '$b'" >>"$tmp/out"; bad "bench-deterministic-$tgt"; fi
done
t bench-profile 0 "$KILN" bench $M --target cortex-m4 --profile && has bench-profile "kiln_conv2d_f32" &&
    has bench-profile "by function"
t bench-json 0 "$KILN" bench $M --target cortex-m4 --json && has bench-json '"flash_bytes"' &&
    has bench-json '"ram_bytes"' && has bench-json '"sizes_measured":	true'

# budgets: compile reports flash and RAM; --strict fails when over
t budget 0 "$KILN" compile $M --target cortex-m4 -o "$tmp/b" --report "$tmp/r.json" &&
    has budget "flash" && has budget "of 4194304" && has budget "measured with the target's size tool"
grep -q '"flash_budget"' "$tmp/r.json" && ok || bad "budget-report"
sed -e 's/^name: .*/name: tiny/' -e 's/^  flash: 4M$/  flash: 8K/' targets/cortex-m4.yaml >"$tmp/tiny.yaml"
t budget-over 0 "$KILN" compile $M --target "$tmp/tiny.yaml" -o "$tmp/b" && has budget-over "OVER BUDGET"
t budget-strict 1 "$KILN" compile $M --target "$tmp/tiny.yaml" -o "$tmp/b" --strict && has budget-strict "does not fit target 'tiny'"
t budget-strict-fits 0 "$KILN" compile $M --target cortex-m4 -o "$tmp/b" --strict
sed -e 's/^size: .*/size: no-such-size-tool/' -e 's/^  flash: 4M$/  flash: 8K/' targets/cortex-m4.yaml >"$tmp/notools.yaml"
t budget-estimated 1 "$KILN" compile $M --target "$tmp/notools.yaml" -o "$tmp/b" --strict &&
    has budget-estimated "estimated: no toolchain" && has budget-estimated "does not fit"
t strict-no-budget 0 "$KILN" compile $M -o "$tmp/b" --strict && has strict-no-budget "no flash or RAM budget"
t linker-script 0 "$KILN" compile $M --target cortex-m55 -o "$tmp/b" --linker-script "$tmp/link.ld" &&
    grep -q "itcm (rwx) : ORIGIN = 0x10000000" "$tmp/link.ld" && ok || bad linker-script-content

# a user's target file: same fields, same behaviour; errors name file, line and key
cp targets/cortex-m3.yaml "$tmp/my-board.yaml"
t user-target 0 "$KILN" verify $M --data examples/digits/test_data_set_0 --target "$tmp/my-board.yaml"
sed 's/^  weights: flash.*/  weights: sram/' targets/cortex-m3.yaml >"$tmp/noregion.yaml"
t target-no-region 1 "$KILN" compile $M --target "$tmp/noregion.yaml" -o "$tmp/b" &&
    has target-no-region "sections.weights names region 'sram'"
sed 's/^  dsp: false/  dsp: maybe/' targets/cortex-m3.yaml >"$tmp/badbool.yaml"
t target-bad-bool 1 "$KILN" compile $M --target "$tmp/badbool.yaml" -o "$tmp/b" && has target-bad-bool "badbool.yaml:8: isa.dsp"
sed 's/origin: 0x20000000/origin: 2OOO/' targets/cortex-m3.yaml >"$tmp/badaddr.yaml"
t target-bad-address 1 "$KILN" compile $M --target "$tmp/badaddr.yaml" -o "$tmp/b" && has target-bad-address "memory.ram.origin"
sed 's/qemu-system-arm/no-such-emulator/' targets/cortex-m3.yaml >"$tmp/noemu.yaml"
t target-no-emulator 4 "$KILN" verify $M --data examples/digits/test_data_set_0 --target "$tmp/noemu.yaml" &&
    has target-no-emulator "no-such-emulator"

# a CPU fault on the board is a clear failure, not a hang: hard-float code on a board
# whose Cortex-M3 has no FPU faults at the first float instruction (exit 100 + HardFault)
sed 's/mps2-an386/mps2-an385/' targets/cortex-m4.yaml >"$tmp/nofpu.yaml"
t cpu-fault 4 "$KILN" verify $M --data examples/digits/test_data_set_0 --target "$tmp/nofpu.yaml" &&
    has cpu-fault "exit 103: a CPU fault"

# a model too big for the board is a link error naming the region: 16 KB of RAM
t too-big-for-board 4 "$KILN" verify tests/golden/mlperf_kws_dscnn/model.onnx --data tests/golden/mlperf_kws_dscnn/test_data_set_0 --target cortex-m0plus &&
    has too-big-for-board "overflowed"

# kernel variants follow the ISA fields: runtime/<variant>/ first (mve, then dsp), else
# the portable kernel (a copy of kiln's data directory with a marked dsp variant)
mkdir -p "$tmp/home/runtime/dsp" && cp -r runtime targets "$tmp/home/" &&
    { echo "/* dsp variant (test) */"; cat runtime/kiln_conv2d_f32.c; } >"$tmp/home/runtime/dsp/kiln_conv2d_f32.c"
for pair in cortex-m4:1 cortex-m55:1 cortex-m3:0 host:0; do
    tgt=${pair%:*}; want=${pair#*:}
    KILN_HOME="$tmp/home" "$KILN" compile $M --target $tgt -o "$tmp/v" --quiet >"$tmp/out" 2>&1
    got=$(grep -c "dsp variant (test)" "$tmp/v/kiln/kiln_conv2d_f32.c" 2>/dev/null)
    [ "$got" = "$want" ] && ok || { echo "variant marker count '$got', expected $want" >>"$tmp/out"; bad "variant-$tgt"; }
done

# the example firmware: the user's main.c and Makefile around the generated files
t example-firmware 0 make -s -C examples/mcu-digits clean run KILN="$(pwd)/$KILN" &&
    has example-firmware "predicted digit: 2"

rm -rf "$tmp"
echo "targets: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
