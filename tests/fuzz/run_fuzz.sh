#!/bin/sh
# SPDX-License-Identifier: MIT
# A libFuzzer campaign of $1 seconds (make fuzz FUZZ_TIME=S) on build/fuzz/fuzz_compile,
# seeded from every model in the tests (golden, malformed, regressions) and examples.
# The corpus grows in build/fuzz/corpus across campaigns; crashers, timeouts and leaks land
# in build/fuzz/artifacts/ (copy each into tests/fuzz/regress/ once fixed). One forked job
# that keeps going after a crash (so one campaign reports every bug it meets), one core. Exits 1 if the campaign found anything.
time=${1:-60}
B=build/fuzz
mkdir -p $B/corpus $B/seeds $B/artifacts
for f in tests/golden/*/model.onnx examples/*/*.onnx tests/malformed/*.onnx tests/fuzz/regress/*; do
    [ -f "$f" ] && cp "$f" "$B/seeds/$(echo "$f" | tr / _)"
done
# findings: crashes, timeouts, out-of-memory, leaks; slow-unit-* files (over 10 s under the
# instrumentation, not a hang) are kept and counted apart
findings() { ls $B/artifacts | grep -vc '^slow-unit-'; }
before=$(findings)
slow_before=$(ls $B/artifacts | grep -c '^slow-unit-')
echo "fuzz: $time s, log in $B/fuzz.log"
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
$B/fuzz_compile -max_total_time="$time" -timeout=25 -rss_limit_mb=2048 -max_len=32768 \
    -dict=tests/fuzz/onnx.dict -artifact_prefix=$B/artifacts/ -print_final_stats=1 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    $B/corpus $B/seeds >$B/fuzz.log 2>&1
rc=$?
grep -E '^#[0-9]+: cov:' $B/fuzz.log | tail -1
grep -E '^INFO: fuzzed for' $B/fuzz.log | tail -1
found=$(($(findings) - before))
slow=$(($(ls $B/artifacts | grep -c '^slow-unit-') - slow_before))
echo "fuzz: exit $rc, $found new findings and $slow slow units in $B/artifacts, corpus $(ls $B/corpus | wc -l) files"
[ "$rc" -eq 0 ] && [ "$found" -eq 0 ]
