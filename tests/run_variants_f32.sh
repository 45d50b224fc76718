#!/bin/sh
# SPDX-License-Identifier: MIT
# The float GEMM core's variants (runtime/mvef/, runtime/fpu/) against the portable one on
# every emulated target whose ISA fields select one (the order codegen uses: mvef, mve, fpu,
# dsp): tests/variants/variants_f32_main.c built with the selected file and the portable
# kernel under a ref_ prefix, and kiln_conv2d_f32 (KILN_FMAC) against itself built with
# KILN_PLAIN_FMAC, at -O2 and -O0, run under QEMU; every case byte-identical.
KILN=${KILN:-build/kiln}
pass=0; fail=0
tmp=$(mktemp -d)
field() { sed -n "s/^$2: *//p" "targets/$1.yaml" | sed "s/ *#.*//"; }
k=kiln_gemm_nn_f32
for tgt in cortex-m4 cortex-m7 cortex-m33 cortex-m55 riscv32; do
    cc=$(field $tgt cc); flags=$(field $tgt cflags); ldflags=$(field $tgt ldflags)
    arch=$(field $tgt arch); cmd=$(field $tgt "  command")
    command -v "$cc" >/dev/null 2>&1 || { echo "FAIL variants-f32/$tgt: no $cc"; fail=$((fail + 1)); continue; }
    variants=""
    [ "$(field $tgt "  mve")" = float ] && variants="mvef"
    [ "$(field $tgt "  mve")" != none ] && variants="$variants mve"
    [ "$(field $tgt "  fpu")" != none ] && variants="$variants fpu"
    [ "$(field $tgt "  dsp")" = true ] && variants="$variants dsp"
    src=""
    for v in $variants; do
        [ -f runtime/$v/$k.c ] && { src=runtime/$v/$k.c; break; }
    done
    [ -n "$src" ] || { echo "FAIL variants-f32/$tgt: no float variant selected ($variants)"; fail=$((fail + 1)); continue; }
    rm -rf "$tmp/b"; mkdir -p "$tmp/b"
    for opt in -O2 -O0; do
        if ! "$KILN" compile examples/digits/model.onnx --target $tgt -o "$tmp/b/m" --quiet --force \
                --linker-script "$tmp/b/link.ld" >"$tmp/out" 2>&1 ||
           ! $cc $flags $opt -Wall -Wextra -Wconversion -Werror -Iruntime -D$k=ref_$k \
                -c runtime/$k.c -o "$tmp/b/ref.o" >>"$tmp/out" 2>&1 ||
           ! $cc $flags $opt -Wall -Wextra -Wconversion -Werror -Iruntime -DKILN_PLAIN_FMAC \
                -Dkiln_conv2d_f32=ref_kiln_conv2d_f32 \
                -Dkiln_conv2d_f32_scratch_size=ref_kiln_conv2d_f32_scratch_size \
                -c runtime/kiln_conv2d_f32.c -o "$tmp/b/ref_conv.o" >>"$tmp/out" 2>&1 ||
           ! $cc $flags $opt -Wall -Wextra -Wconversion -Werror -Iruntime -Itargets/common \
                tests/variants/variants_f32_main.c $src "$tmp/b/ref.o" "$tmp/b/ref_conv.o" \
                runtime/kiln_conv2d_f32.c runtime/kiln_act_f32.c $(ls targets/$arch/*.c targets/$arch/*.S 2>/dev/null) \
                targets/common/board_io.c -T "$tmp/b/link.ld" $ldflags -lm -o "$tmp/b/v.elf" \
                >>"$tmp/out" 2>&1; then
            echo "FAIL variants-f32/$tgt$opt: build"; sed 's/^/    /' "$tmp/out" | head -20; fail=$((fail + 1)); continue
        fi
        run=$(echo "$cmd" | sed "s|{elf}|$tmp/b/v.elf|")
        if timeout 120 $run </dev/null >"$tmp/out" 2>&1 && grep -q "all cases bit-exact" "$tmp/out"; then
            pass=$((pass + 1))
        else
            echo "FAIL variants-f32/$tgt$opt ($src)"; sed 's/^/    /' "$tmp/out" | head -20
            fail=$((fail + 1))
        fi
    done
done
rm -rf "$tmp"
echo "variants-f32: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
