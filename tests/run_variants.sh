#!/bin/sh
# SPDX-License-Identifier: MIT
# Optimised int8 kernels (runtime/mve/, runtime/dsp/) against the portable ones, on the
# boards whose ISA selects them: tests/variants/variants_main.c built for each target with
# the variant codegen would pick (the same order: mve, then dsp, then portable) and the
# portable kernel under a ref_ prefix, run under QEMU; every case must be byte-identical.
KILN=${KILN:-build/kiln}
pass=0; fail=0
tmp=$(mktemp -d)
field() { sed -n "s/^$2: *//p" "targets/$1.yaml" | sed "s/ *#.*//"; }
KERNELS="kiln_conv2d_s8 kiln_conv2d_s8_1x1 kiln_dwconv2d_s8 kiln_fully_connected_s8 kiln_add_s8
         kiln_conv2d_s8_1x1_in_place kiln_dwconv2d_s8_in_place"
for tgt in cortex-m4 cortex-m55; do
    cc=$(field $tgt cc); flags=$(field $tgt cflags); ldflags=$(field $tgt ldflags)
    cmd=$(field $tgt "  command")
    variants=""
    [ "$(field $tgt "  mve")" != none ] && variants="mve"
    [ "$(field $tgt "  dsp")" = true ] && variants="$variants dsp"
    rm -rf "$tmp/b"; mkdir -p "$tmp/b"
    srcs=""; used=""
    for k in $KERNELS; do
        src=runtime/$k.c
        for v in $variants; do
            [ -f runtime/$v/$k.c ] && { src=runtime/$v/$k.c; used="$used $v/$k"; break; }
        done
        srcs="$srcs $src"
        $cc $flags -O2 -Wall -Wextra -Wconversion -Werror -Iruntime -D$k=ref_$k -D${k}_scratch_size=ref_${k}_scratch_size \
            -c runtime/$k.c -o "$tmp/b/ref_$k.o" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail=$((fail + 1)); }
    done
    for h in kiln_s8_gemm_dsp; do   # shared cores the variants name in kiln-deps lines
        for v in $variants; do
            [ -f runtime/$v/$h.c ] && { srcs="$srcs runtime/$v/$h.c"; used="$used $v/$h"; break; }
        done
    done
    # -O0 too: debug builds of a user's firmware compile the same kernels
    for opt in -O2 -O0; do
        if ! "$KILN" compile examples/digits/model.onnx --target $tgt -o "$tmp/b/m" --quiet \
                --linker-script "$tmp/b/link.ld" >"$tmp/out" 2>&1 ||
           ! $cc $flags $opt -Wall -Wextra -Wconversion -Werror -Iruntime -Itargets/common \
                tests/variants/variants_main.c $srcs "$tmp"/b/ref_*.o targets/arm/*.c \
                targets/common/board_io.c -T "$tmp/b/link.ld" $ldflags -lm -o "$tmp/b/v.elf" \
                >>"$tmp/out" 2>&1; then
            echo "FAIL variants/$tgt$opt: build"; sed 's/^/    /' "$tmp/out" | head -20; fail=$((fail + 1)); continue
        fi
        run=$(echo "$cmd" | sed "s|{elf}|$tmp/b/v.elf|")
        if timeout 120 $run </dev/null >"$tmp/out" 2>&1 && grep -q "all cases bit-exact" "$tmp/out"; then
            pass=$((pass + 1))
        else
            echo "FAIL variants/$tgt$opt (variants:$used)"; sed 's/^/    /' "$tmp/out" | head -20
            fail=$((fail + 1))
        fi
    done
    [ -n "$used" ] || { echo "FAIL variants/$tgt: no variant kernel selected"; fail=$((fail + 1)); }
done

# an int8 model end to end: kiln run on each board gives the host int8 build's outputs byte
# for byte (the dequantized outputs are equal exactly when the int8 outputs are)
M=examples/digits/model.onnx
Q="--quantize int8 --calib tests/quant/digits_calib.npy"
if "$KILN" run $M $Q --input examples/digits/sample.npy --output "$tmp/host.npy" >"$tmp/out" 2>&1; then
    for tgt in cortex-m4 cortex-m55; do
        if "$KILN" run $M $Q --target $tgt --input examples/digits/sample.npy \
                --output "$tmp/$tgt.npy" >"$tmp/out" 2>&1 && cmp "$tmp/host.npy" "$tmp/$tgt.npy" >>"$tmp/out" 2>&1; then
            pass=$((pass + 1))
        else
            echo "FAIL variants/int8-run-$tgt: outputs differ from the host int8 build"
            sed 's/^/    /' "$tmp/out" | head -10; fail=$((fail + 1))
        fi
    done
else
    echo "FAIL variants/int8-run-host"; sed 's/^/    /' "$tmp/out" | head -10; fail=$((fail + 1))
fi
rm -rf "$tmp"
echo "variants: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
