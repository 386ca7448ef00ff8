#!/usr/bin/env bash
# The tagged-PDF side-by-side with Typst (issue 10): 第２号 typeset by tsushin and by Typst
# (bench/typst/issue_ua.typ, `--pdf-standard ua-1` through the PyPI package `typst`), both
# structure trees dumped by the same reader (PDFium, tests/pdf_tags/pdfium_tree.py) and
# compared (bench/tags_compare.py); then what tagging costs: size and time of tsushin's PDFs
# with and without tags.
#   bash bench/tags_vs_typst.sh                 # needs target/release/tsushin (cargo test --release builds it)
#   BASE_BIN=/path/to/untagged/tsushin bash bench/tags_vs_typst.sh   # also size/time vs an untagged build
# Needs python3 with pypdfium2 and typst (target/ci-venv, see scripts/test). Not run by CI.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$repo/target/tmp/tags-vs-typst}
mkdir -p "$out"
bin=${BIN:-$repo/target/release/tsushin}
issue=content/newsletters/2021-09-vol02.md

python3 - "$repo/bench/typst/issue_ua.typ" "$out/typst-ua.pdf" "$repo/themes/default/fonts" <<'PY'
import sys, time, typst
t = time.perf_counter()
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], ignore_system_fonts=True, pdf_standards="ua-1")
print(f"typst ua-1: {time.perf_counter() - t:.3f} s")
PY
(cd "$repo" && "$bin" pdf "$issue" -o "$out/tsushin.pdf" -q)
for f in typst-ua tsushin; do
  python3 "$repo/tests/pdf_tags/pdfium_tree.py" "$out/$f.pdf" > "$out/$f.json"
  printf '%-9s %8s bytes, %s pages\n' "$f" "$(stat -c %s "$out/$f.pdf")" "$(pdfinfo "$out/$f.pdf" 2>/dev/null | awk '/^Pages/ {print $2}')"
done
python3 "$repo/bench/tags_compare.py" "$out/tsushin.json" "$out/typst-ua.json" ${OUTLINE:+--outline}
# The same with poppler's tree (its text does not depend on PDFium's text layer).
for f in typst-ua tsushin; do
  python3 "$repo/tests/pdf_tags/poppler_tree.py" "$out/$f.pdf" > "$out/$f.poppler.json"
done
echo "==== headings as poppler reads them"
python3 "$repo/bench/tags_compare.py" "$out/tsushin.poppler.json" "$out/typst-ua.poppler.json" | grep '^headings:\|^===='


# Cost of tagging: the whole example site, PDFs included, built RUNS times by each binary in
# turn (interleaved, so both see the same machine load); wall time is noisy on a shared machine,
# CPU time (user + sys, /usr/bin/time) less so.
runs=${RUNS:-20}
bins=("$bin")
labels=(tagged)
if [[ -n ${BASE_BIN:-} ]]; then
  bins+=("$BASE_BIN")
  labels+=(untagged)
fi
for ((r = 0; r < runs; r++)); do
  for i in "${!bins[@]}"; do
    rm -rf "$out/site-${labels[i]}"
    /usr/bin/time -f "${labels[i]} %e %U %S" -a -o "$out/times.txt" \
      "${bins[i]}" build --root "$repo" --output "$out/site-${labels[i]}" --today 2026-11-23 -q
  done
done
median() { sort -n | awk '{v[NR] = $1} END {printf "%.3f", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2}'; }
for l in "${labels[@]}"; do
  size=$(find "$out/site-$l" -name '*.pdf' -printf '%s\n' | awk '{s+=$1} END {print s}')
  wall=$(awk -v l="$l" '$1 == l {print $2}' "$out/times.txt" | median)
  cpu=$(awk -v l="$l" '$1 == l {print $3 + $4}' "$out/times.txt" | median)
  printf '%-9s build: wall median %s s, CPU (user+sys) median %s s, %d runs; PDFs %d bytes\n' "$l" "$wall" "$cpu" "$runs" "$size"
done
rm -f "$out/times.txt"
