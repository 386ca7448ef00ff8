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

# Cost of tagging: the whole example site, PDFs included, built 3 times by each binary.
measure() { # binary label
  local best=999999 size
  for _ in 1 2 3; do
    rm -rf "$out/site-$2"
    local s=$(date +%s%N)
    "$1" build --root "$repo" --output "$out/site-$2" --today 2026-11-23 -q
    local ms=$(( ($(date +%s%N) - s) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  size=$(find "$out/site-$2" -name '*.pdf' -printf '%s\n' | awk '{s+=$1} END {print s}')
  printf '%-9s build %6d ms (best of 3), PDFs %9d bytes (%d files)\n' "$2" "$best" "$size" "$(find "$out/site-$2" -name '*.pdf' | wc -l)"
}
measure "$bin" tagged
if [[ -n ${BASE_BIN:-} ]]; then
  measure "$BASE_BIN" untagged
fi
