#!/bin/sh
# SPDX-License-Identifier: MIT
# One conformance case: `kiln verify CASE/model.onnx --data CASE/test_data_set_0` under a time
# limit; writes ROWS/<case>.tsv (case, op, verdict, reason) and LOGS/<case>.log.
# Verdicts from kiln verify's exit status (docs/cli.md): 0 pass, 1 unsupported, 3 wrong,
# 4 wrong (crash if the generated code was killed by a signal), 5 crash (internal error),
# 124 timeout, >128 crash. A case with a directory errata/CASE is checked against the
# outputs there; it passes with the reason "(errata)".
# usage: case.sh OUTDIR LIMIT_SECONDS CASE_DIR
out=$1; limit=$2; dir=${3%/}
KILN=${KILN:-build/kiln}
name=$(basename "$dir")
log="$out/logs/$name.log"
ops=$("$KILN" inspect "$dir/model.onnx" --ops 2>/dev/null | tr ' ' ',')
# Errata (errata/README.md): the suite's inputs with ONNX Runtime's outputs in place of
# the suite's wrong output_K.pb.
errata=$(dirname "$0")/errata/$name
data=$dir/test_data_set_0
if [ -d "$errata" ]; then
    data=$out/errata/$name
    rm -rf "$data" && mkdir -p "$data"
    cp "$dir"/test_data_set_0/input_*.pb "$errata"/output_*.pb "$data"/
fi
timeout -k 5 "$limit" "$KILN" verify "$dir/model.onnx" --data "$data" >"$log" 2>&1
rc=$?
# The reason: the first error (joined with its continuation lines) or the first mismatch.
first_error() {
    awk '/error: /{sub(/^.*error: /, ""); r = $0; on = 1; next}
         on && /^  /{sub(/^ +/, ""); r = r " " $0; next}
         on {exit} END {print r}' "$log"
}
case $rc in
    0) verdict=pass; reason=; [ -d "$errata" ] && reason="(errata)" ;;
    1) verdict=unsupported; reason=$(first_error) ;;
    3) verdict=wrong; reason=$(grep -m1 MISMATCH "$log" | sed 's/^.*MISMATCH *//') ;;
    4) if grep -q "killed by a signal" "$log"; then verdict=crash; else verdict=wrong; fi
       reason="generated code: $(first_error)" ;;
    5) verdict=crash; reason="internal error: $(grep -m1 'internal error' "$log")" ;;
    124|137) verdict=timeout; reason="no result within ${limit}s" ;;
    *) if [ "$rc" -gt 128 ]; then verdict=crash; reason="kiln killed by signal $((rc - 128))"
       else verdict=crash; reason="kiln exited with unexpected status $rc"; fi ;;
esac
reason=$(printf '%s' "$reason" | tr '\t\n' '  ' | cut -c1-300)
printf '%s\t%s\t%s\t%s\n' "$name" "${ops:-?}" "$verdict" "$reason" >"$out/rows/$name.tsv"
