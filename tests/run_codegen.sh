#!/bin/sh
# SPDX-License-Identifier: MIT
# Generated-code contract, for every golden model:
#  - compiling twice gives byte-identical files;
#  - the files build warning-free with gcc -std=c99 -Wall -Wextra -Wconversion -Werror
#    and with arm-none-eabi-gcc for Cortex-M4 (hard float) when it is installed;
#  - the generated model code uses no malloc and no stdio.
KILN=${KILN:-build/kiln}
STRICT="-std=c99 -Wall -Wextra -Wconversion -Werror -O2 -c"
M4="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
have_arm=0; command -v arm-none-eabi-gcc >/dev/null && have_arm=1
pass=0; fail=0
tmp=$(mktemp -d)
check() {
    dir=$1
    name=$(basename "$dir")
    "$KILN" compile "$dir/model.onnx" -o "$tmp/a" --name m --quiet >"$tmp/log" 2>&1 &&
    "$KILN" compile "$dir/model.onnx" -o "$tmp/b" --name m --quiet >>"$tmp/log" 2>&1 || return 1
    diff -r "$tmp/a" "$tmp/b" >>"$tmp/log" 2>&1 || { echo "not deterministic" >>"$tmp/log"; return 1; }
    if grep -nE 'malloc|printf|#include <stdio' "$tmp/a"/m.c "$tmp/a"/kiln/*.c >>"$tmp/log"; then
        echo "generated code uses malloc or stdio" >>"$tmp/log"; return 1
    fi
    (cd "$tmp/a" && gcc $STRICT -I. m.c m_weights.c kiln/*.c) >>"$tmp/log" 2>&1 || return 1
    if [ $have_arm -eq 1 ]; then
        (cd "$tmp/a" && arm-none-eabi-gcc $M4 $STRICT -I. m.c m_weights.c kiln/*.c) >>"$tmp/log" 2>&1 ||
            return 1
    fi
    return 0
}
for dir in tests/golden/*/ examples/*/; do
    [ -f "$dir/model.onnx" ] || continue
    if check "${dir%/}"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL codegen/$(basename "$dir")"; sed 's/^/    /' "$tmp/log" | head -20
    fi
    rm -rf "$tmp/a" "$tmp/b" "$tmp"/*.o
done
rm -rf "$tmp"
[ $have_arm -eq 1 ] || echo "codegen: arm-none-eabi-gcc not installed; Cortex-M4 build skipped"
echo "codegen: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
