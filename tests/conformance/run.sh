#!/bin/sh
# SPDX-License-Identifier: MIT
# The ONNX backend node suite through kiln verify (make conformance). Every case directory
# of the suite is run (found by glob, never listed by hand), 2 at a time, each under a time
# limit; results go to build/conformance/results.tsv and a summary line. The cases in
# tests/conformance/expected_pass.txt must pass: the run fails when one does not, and lists
# the cases that pass but are not in that file yet.
#   run.sh            the whole suite
#   run.sh --quick    only the expected-pass cases (part of make test)
# Environment: KILN (the binary), KILN_ONNX_NODE_DIR (the suite), KILN_CONF_TIMEOUT (s),
# KILN_CONF_SAMPLE=N (with --quick: every Nth expected case only; the sanitizer mode of
# make test uses it to stay inside CI's time budget).
KILN=${KILN:-build/kiln}; export KILN
suite=${KILN_ONNX_NODE_DIR:-/usr/share/libonnx-testdata/data/node}
limit=${KILN_CONF_TIMEOUT:-60}
here=$(dirname "$0")
expected=$here/expected_pass.txt
out=$(dirname "$KILN")/conformance
quick=0; [ "$1" = "--quick" ] && quick=1
sample=${KILN_CONF_SAMPLE:-1}
# The expected-pass names (every $sample-th one with --quick).
expected_cases() {
    sed 's/#.*//; /^[[:space:]]*$/d' "$expected" | LC_ALL=C sort -u |
        if [ "$quick" -eq 1 ]; then awk -v n="$sample" '(NR - 1) % n == 0'; else cat; fi
}
[ "$quick" -eq 1 ] && out=$out-quick
if [ ! -d "$suite" ]; then
    echo "conformance: the ONNX node suite is not at $suite (Debian package libonnx-testdata)" >&2
    echo "conformance: 0 passed, 1 failed"
    exit 1
fi
rm -rf "$out" && mkdir -p "$out/rows" "$out/logs"
if [ "$quick" -eq 1 ]; then
    expected_cases | sed 's|^|'"$suite"'/|'
else
    ls -d "$suite"/*/
fi | xargs -P 2 -n 1 sh "$here/case.sh" "$out" "$limit"
{ printf 'case\top\tverdict\treason\n'; cat "$out"/rows/*.tsv | LC_ALL=C sort; } >"$out/results.tsv"

count() { awk -F'\t' -v v="$1" 'NR > 1 && $3 == v' "$out/results.tsv" | wc -l | tr -d ' '; }
total=$(($(wc -l <"$out/results.tsv") - 1))
pass=$(count pass); unsup=$(count unsupported); wrong=$(count wrong)
crash=$(count crash); tout=$(count timeout)

# Expected cases that no longer pass, and passing cases the expectation file lacks.
expected_cases >"$out/expected.txt"
awk -F'\t' 'NR > 1 && $3 == "pass" {print $1}' "$out/results.tsv" | LC_ALL=C sort >"$out/passing.txt"
LC_ALL=C comm -23 "$out/expected.txt" "$out/passing.txt" >"$out/regressions.txt"
LC_ALL=C comm -13 "$out/expected.txt" "$out/passing.txt" >"$out/new_passes.txt"
while read -r c; do
    awk -F'\t' -v c="$c" '$1 == c {printf "FAIL conformance/%s: %s: %s\n", $1, $3, $4}' "$out/results.tsv"
    grep -q "^$c	" "$out/results.tsv" || echo "FAIL conformance/$c: not in the suite"
done <"$out/regressions.txt"
n_reg=$(wc -l <"$out/regressions.txt" | tr -d ' ')
n_new=$(wc -l <"$out/new_passes.txt" | tr -d ' ')
if [ "$n_new" -gt 0 ]; then
    echo "newly passing (add to $expected):"
    sed 's/^/  /' "$out/new_passes.txt"
fi
for v in wrong crash timeout; do
    awk -F'\t' -v v="$v" 'NR > 1 && $3 == v {printf "%s: %s (%s): %s\n", toupper(v), $1, $2, $4}' "$out/results.tsv"
done
summary="$total cases: $pass pass, $unsup unsupported, $wrong wrong, $crash crash, $tout timeout"
echo "$summary" >"$out/summary.txt"
echo "$summary (results: $out/results.tsv)"
# The line run_all.sh reads: expected cases that pass vs. those that do not.
echo "conformance: $(($(wc -l <"$out/expected.txt") - n_reg)) passed, $n_reg failed"
[ "$n_reg" -eq 0 ] && { [ "$quick" -eq 1 ] || [ $((wrong + crash + tout)) -eq 0 ]; }
