#!/bin/sh
# SPDX-License-Identifier: MIT
# Markdown from a conformance results.tsv: the counts, then the cases that do not pass
# grouped by reason (node names and numbers stripped so equal reasons group together).
# Used to refresh docs/conformance.md.   usage: report.sh build/conformance/results.tsv
tsv=${1:-build/conformance/results.tsv}
tmp=$(mktemp)
awk -F'\t' '
function norm(r,   ops, s) {
    if (r ~ /^unsupported operators/) {
        s = r; ops = ""
        sub(/^unsupported operators \(opset [0-9]+\): */, "", s)
        gsub(/node '\''[^'\'']*'\'' \(#[0-9]+\): /, "|", s)
        n = split(s, parts, "|")
        for (i = 1; i <= n; i++) {
            gsub(/^ +| +$/, "", parts[i]); if (parts[i] == "") continue
            sub(/ at opset.*/, "", parts[i])
            if (index(" " ops " ", " " parts[i] ",") == 0 && index(" " ops " ", " " parts[i] " ") == 0)
                ops = ops (ops == "" ? "" : ", ") parts[i]
        }
        return "operator not implemented: " ops
    }
    gsub(/node '\''[^'\'']*'\'' \(/, "(", r)
    gsub(/, #[0-9]+\)/, ")", r)
    gsub(/'\''[^'\'']*'\''/, "'\''…'\''", r)
    return r
}
NR > 1 { nv[$3]++; total++ }
NR > 1 && $3 == "pass" && $4 == "(errata)" { nerr++; ecases = ecases (ecases == "" ? "" : ", ") $1 }
NR > 1 && $3 != "pass" { k = $3 ": " norm($4); cases[k] = cases[k] (cases[k] == "" ? "" : ", ") $1; cnt[k]++ }
END {
    printf "| verdict | cases |\n|---|---|\n"
    split("pass unsupported wrong crash timeout", v, " ")
    for (i = 1; i <= 5; i++) printf "| %s | %d |\n", v[i], nv[v[i]]
    printf "| total | %d |\n\n", total
    if (nerr) printf "| pass (errata) | # | cases |\n|---|---|---|\n| against ONNX Runtime (tests/conformance/errata) | %d | %s |\n\n", nerr, ecases
    printf "| reason | # | cases |\n|---|---|---|\n"
    for (k in cnt) printf "%06d\t| %s | %d | %s |\n", 999999 - cnt[k], k, cnt[k], cases[k]
}' "$tsv" >"$tmp"
grep -v '^[0-9]\{6\}	' "$tmp"
grep '^[0-9]\{6\}	' "$tmp" | LC_ALL=C sort | cut -f2-
rm -f "$tmp"
