#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: per model, what `kiln bench --instructions` measures (host latency of the
# generated code at -O3, instructions per inference, arena, weight and code bytes), and
# ONNX Runtime's single-thread latency beside it when onnxruntime-node is installed.
# Models: $KILN_BENCH_MODELS (a directory of <name>/model.onnx), default ../shared/bench/models
# when present, else the MLPerf Tiny copies in tests/golden.
KILN=${KILN:-build/kiln}
dir=${KILN_BENCH_MODELS:-../shared/bench/models}
[ -d "$dir" ] || dir=""
ort=0
if command -v node >/dev/null && [ -d "${ORT_NODE_DIR:-/opt/ortnode}/node_modules/onnxruntime-node" ]; then ort=1; fi
printf "%-32s %10s %10s %7s %14s %8s %10s %10s %8s\n" model "kiln_us" "ort_us" "ratio" instructions "per_MAC" arena weights code
if [ -n "$dir" ]; then set -- "$dir"/*/model.onnx; else set -- tests/golden/mlperf_*/model.onnx; fi
for m in "$@"; do
    name=$(basename "$(dirname "$m")")
    json=$("$KILN" bench "$m" --instructions --json 2>/dev/null) || { printf "%-32s %s\n" "$name" "kiln: cannot compile"; continue; }
    val() { echo "$json" | sed -n "s/.*\"$1\":[[:space:]]*\([0-9.e+]*\).*/\1/p" | head -1; }
    lat=$(val latency_ns_median); ins=$(val instructions_per_inference); macs=$(val macs)
    ort_ns=""; ratio=""
    if [ $ort -eq 1 ]; then
        ort_ns=$(node tests/ort_bench.js "$m" 2>/dev/null)
        [ -n "$ort_ns" ] && ratio=$(awk "BEGIN{printf \"%.2f\", $lat/$ort_ns}")
    fi
    printf "%-32s %10.1f %10s %7s %14s %8s %10s %10s %8s\n" "$name" "$(awk "BEGIN{print $lat/1000}")" \
        "${ort_ns:+$(awk "BEGIN{printf \"%.1f\", $ort_ns/1000}")}" "$ratio" "$ins" \
        "$(awk "BEGIN{if ($macs>0) printf \"%.2f\", $ins/$macs}")" "$(val arena_bytes)" "$(val weights_bytes)" "$(val code_bytes)"
done
echo "(kiln_us: median latency of the generated code, -O3, one inference; ort_us: ONNX Runtime"
echo " via onnxruntime-node, one thread, including the binding's per-call overhead; ratio = kiln/ort)"
echo
sh tests/bench_prune.sh
