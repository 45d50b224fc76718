#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole suite (make test): unit tests, golden models, generated-code contract,
# malformed inputs, command line, the expected-pass cases of the ONNX conformance suite,
# emulated targets. Prints one summary line per part and a total.
status=0; total_pass=0; total_fail=0
part() {
    log=$(mktemp); t0=$(date +%s)
    "$@" 2>&1 | tee "$log" | grep -v '^\[' | grep -vE '^\s*$' | grep -E 'FAIL|passed|skipped' || true
    line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.*passed, \([0-9]*\) failed.*/\1/p')
    [ -n "$p" ] || { p=0; f=1; echo "FAIL: $* printed no summary"; }
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    # seconds per part, to keep CI (make test + SANITIZE=1) within its time budget
    echo "time: $2 $(($(date +%s) - t0)) s"
    rm -f "$log"
}
part sh tests/run_unit.sh "$@"
part sh tests/run_golden.sh
# The generated-code contract (warnings, determinism) gains nothing from sanitizers; the
# golden part already runs kiln and every model's generated code under them.
if [ -n "$KILN_SANITIZE" ]; then echo "codegen: skipped under SANITIZE=1 (make test checks it)"
else part sh tests/run_codegen.sh; fi
part sh tests/run_malformed.sh
part sh tests/run_alloc_fail.sh
part sh tests/run_cli.sh
# Under the sanitizers every 4th expected case (a fixed sample, about 200), to fit CI's budget.
if [ -n "$KILN_SANITIZE" ]; then export KILN_CONF_SAMPLE=4; part sh tests/conformance/run.sh --quick
else part sh tests/conformance/run.sh --quick; fi
part sh tests/run_const.sh
part sh tests/run_quant.sh
part sh tests/run_prune.sh
part sh tests/run_memory.sh
# The emulated targets build ARM code, which the sanitizers cannot instrument; the sanitizer
# mode (KILN_SANITIZE=1, in CI after make test) leaves them to make test.
if [ -n "$KILN_SANITIZE" ]; then echo "targets: skipped under SANITIZE=1 (ARM code, no sanitizers)"
else part sh tests/run_targets.sh; fi
part sh tests/run_fuzz_regress.sh
part sh tests/run_sparse8.sh
if [ -n "$KILN_SANITIZE" ]; then echo "variants: skipped under SANITIZE=1 (ARM code, no sanitizers)"
else part sh tests/run_variants.sh; fi
part sh tests/run_qdq.sh
part sh tests/run_quant_scheme.sh
part sh tests/run_loss.sh
part sh tests/run_confx.sh
if [ -n "$KILN_SANITIZE" ]; then echo "variants-f32: skipped under SANITIZE=1 (ARM code, no sanitizers)"
else part sh tests/run_variants_f32.sh; fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
