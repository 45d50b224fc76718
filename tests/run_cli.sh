#!/bin/sh
# SPDX-License-Identifier: MIT
# Command-line behaviour: help, exit codes, atomic output, reports, run, inspect, bench.
KILN=${KILN:-build/kiln}
M=examples/digits/model.onnx
pass=0; fail=0
tmp=$(mktemp -d)
t() {   # t NAME EXPECTED_STATUS COMMAND... ; output in $tmp/out
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>&1; rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); return 0; fi
    fail=$((fail + 1)); echo "FAIL cli/$name: exit $rc, expected $want"; sed 's/^/    /' "$tmp/out" | head -10
    return 1
}
has() {  # has NAME TEXT: the last output contains TEXT
    if grep -qF -- "$2" "$tmp/out"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL cli/$1: output lacks '$2'"; sed 's/^/    /' "$tmp/out" | head -10; fi
}
t help 0 "$KILN" --help && has help "kiln verify"
# the docs --help names are where it says `make install` puts them
t install 0 make --no-print-directory install PREFIX="$tmp/inst" &&
    t install-docs 0 ls "$tmp/inst/share/kiln/docs/cli.md" "$tmp/inst/share/kiln/docs/ops.md" \
        "$tmp/inst/share/kiln/docs/generated-code.md"
t version 0 "$KILN" --version && has version "kiln 0."
for c in compile verify run inspect bench; do t "help-$c" 0 "$KILN" $c --help && has "help-$c" "usage: kiln $c"; done
t no-args 2 "$KILN"
t unknown-command 2 "$KILN" frobnicate
t unknown-option 2 "$KILN" compile $M --frob
t missing-model 2 "$KILN" compile
t verify-needs-data 2 "$KILN" verify $M
t missing-file 1 "$KILN" compile "$tmp/nope.onnx" && has missing-file "nope.onnx"
t unknown-target 1 "$KILN" compile $M --target nosuchboard && has unknown-target "nosuchboard"
printf 'name: wide\ncflags: -std=c99 -ffp-contract=off\nalignment: 32\n' >"$tmp/wide.yaml"
t target-file 0 "$KILN" compile $M -o "$tmp/w" --target "$tmp/wide.yaml" && grep -q "ARENA_ALIGN 32" "$tmp/w/model.h" &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/target-alignment"; }
printf 'name: typo\nalignmnt: 32\n' >"$tmp/typo.yaml"
t target-typo 1 "$KILN" compile $M -o "$tmp/w" --target "$tmp/typo.yaml" && has target-typo "unknown key 'alignmnt'"
t bad-dump-pass 1 "$KILN" compile $M --dump-after nosuchpass && has bad-dump-pass "fuse-act"

# compile: files, summary, report, default name
t compile 0 "$KILN" compile $M -o "$tmp/d" --report "$tmp/r.json" && has compile "MACs"
for f in model.h model.c model_weights.c kiln/kiln.h kiln/kiln_conv2d_f32.c; do
    [ -f "$tmp/d/$f" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/compile: no $f"; }
done
for key in '"arena_bytes"' '"weights_bytes"' '"macs"' '"ops"' '"tensors"' '"offset"' '"Conv"'; do
    grep -qF "$key" "$tmp/r.json" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/report: no $key"; }
done
t name 0 "$KILN" compile $M -o "$tmp/n" --name "my-net 2" && [ -f "$tmp/n/my_net_2.h" ] && pass=$((pass + 1))
t dump-after 0 "$KILN" compile $M -o "$tmp/d" --dump-after fuse-act && has dump-after "# after fuse-act"
has dump-after-fused "act=1"
t dump-after-equals 0 "$KILN" compile $M -o "$tmp/d" --dump-after=fold && has dump-after-equals "# after fold"

# a failed compile leaves the previous output untouched; a foreign directory is refused
cp "$tmp/d/model.c" "$tmp/model.c.before"
t failed-compile-keeps-output 1 "$KILN" compile tests/malformed/unknown_ops.onnx -o "$tmp/d"
cmp -s "$tmp/d/model.c" "$tmp/model.c.before" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/atomic: output changed"; }
mkdir -p "$tmp/foreign" && echo keep >"$tmp/foreign/notes.txt"
t refuse-foreign-dir 1 "$KILN" compile $M -o "$tmp/foreign" && has refuse-foreign-dir "--force"
[ -f "$tmp/foreign/notes.txt" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/foreign: file lost"; }
t force-foreign-dir 0 "$KILN" compile $M -o "$tmp/foreign" --force
ls -a "$(dirname "$tmp/d")" | grep -q kiln-tmp && { fail=$((fail + 1)); echo "FAIL cli/tmp-left"; } || pass=$((pass + 1))

# symbolic dims need --shape
t symbolic 1 "$KILN" compile tests/malformed/symbolic_dim.onnx -o "$tmp/s" && has symbolic "--shape x="
t shape-override 0 "$KILN" compile tests/malformed/symbolic_dim.onnx -o "$tmp/s" --shape x=2x4

# verify: pass, mismatch (wrong data set), junit and json reports
t verify 0 "$KILN" verify $M --data examples/digits/test_data_set_0 --junit "$tmp/j.xml" --json "$tmp/v.json"
has verify "max_abs_err"
grep -q 'failures="0"' "$tmp/j.xml" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/junit"; }
grep -q '"ok":[[:space:]]*true' "$tmp/v.json" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/json"; }
mkdir -p "$tmp/wrong" && cp examples/digits/test_data_set_0/input_0.pb "$tmp/wrong/" &&
    cp tests/golden/mlp/test_data_set_0/output_0.pb "$tmp/wrong/output_0.pb"
t verify-wrong-shape 1 "$KILN" verify $M --data "$tmp/wrong"
t verify-tight 3 "$KILN" verify $M --data examples/digits/test_data_set_0 --rtol 0 --atol 0 --junit "$tmp/j2.xml"
has verify-tight "first at index"
grep -q '<failure' "$tmp/j2.xml" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/junit-failure"; }

# run: a batch of 16 samples in, [16, 10] out
t run 0 "$KILN" run $M --input examples/digits/sample.npy --output "$tmp/p.npy" && has run "16 sample"
head -c 128 "$tmp/p.npy" | grep -q "(16, 10" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cli/run-shape"; }
t run-arity 2 "$KILN" run $M --input examples/digits/sample.npy

# inspect and bench
t inspect 0 "$KILN" inspect $M && has inspect "Gemm"
t inspect-json 0 "$KILN" inspect $M --json && has inspect-json '"totals"'
# --ops reads the op types even of a model kiln cannot compile
t inspect-ops 0 "$KILN" inspect tests/malformed/unknown_ops.onnx --ops && has inspect-ops "FooBar Relu Baz"
t verify-unsupported 1 "$KILN" verify tests/malformed/unknown_ops.onnx --data examples/digits/test_data_set_0 &&
    has verify-unsupported "FooBar"
t bench 0 "$KILN" bench $M --json && has bench '"latency_ns_median"'
if command -v valgrind >/dev/null && [ -z "$KILN_SANITIZE" ]; then   # valgrind cannot run ASan binaries
    t bench-instr 0 "$KILN" bench $M --instructions --json && has bench-instr '"instructions_per_inference"'
fi
rm -rf "$tmp"
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
