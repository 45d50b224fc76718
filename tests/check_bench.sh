#!/bin/sh
# SPDX-License-Identifier: MIT
# make check-bench: `kiln verify` on every model of the shared bench corpus (not part of
# make test: the corpus lives outside the project). Models kiln does not support yet are
# listed as such. mobilenet_v2_035_96 needs --atol 1e-4: its float32 logits differ from a
# float64 evaluation by up to 5.6e-5 in ONNX Runtime itself (see docs/benchmarks.md).
# KILN_CHECK_TARGET=cortex-m4 runs the same checks on an emulated board.
KILN=${KILN:-build/kiln}
target=${KILN_CHECK_TARGET:+--target $KILN_CHECK_TARGET}
dir=${KILN_BENCH_MODELS:-../shared/bench/models}
[ -d "$dir" ] || { echo "check-bench: no corpus at $dir (set KILN_BENCH_MODELS)"; exit 0; }
pass=0; fail=0; unsupported=0
for m in "$dir"/*/; do
    name=$(basename "$m")
    set --
    for ds in "$m"test_data_set_*; do set -- "$@" --data "$ds"; done
    tol=""
    [ "$name" = mobilenet_v2_035_96 ] && tol="--atol 1e-4"
    if "$KILN" verify "$m/model.onnx" "$@" $tol $target >/tmp/kiln_cb_$$.log 2>&1; then
        pass=$((pass + 1)); echo "ok          $name $tol"
    elif grep -q "unsupported operators" /tmp/kiln_cb_$$.log; then
        unsupported=$((unsupported + 1)); echo "unsupported $name: $(grep -A1 'unsupported' /tmp/kiln_cb_$$.log | tail -1)"
    else
        fail=$((fail + 1)); echo "FAIL        $name"; sed 's/^/    /' /tmp/kiln_cb_$$.log | tail -5
    fi
done
rm -f /tmp/kiln_cb_$$.log
echo "check-bench: $pass passed, $fail failed, $unsupported unsupported"
[ $fail -eq 0 ]
