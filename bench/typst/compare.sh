#!/usr/bin/env bash
# Typesets the first page of 第２号 with Typst (PyPI package `typst`) beside tsushin's PDF of the
# same issue, and renders both to PNG for a side-by-side look. Not run by CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
python3 -c "import typst" 2>/dev/null || pip install -q typst
fontdir="$repo/themes/default/fonts"
start=$(date +%s.%N)
python3 - "$here/issue2-page1.typ" "$out/typst.pdf" "$fontdir" <<'PY'
import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]])
PY
typst_s=$(echo "$(date +%s.%N) - $start" | bc)
(cd "$repo" && cargo build --release -q)
start=$(date +%s.%N)
"$repo/target/release/tsushin" pdf "$repo/content/newsletters/2021-09-vol02.md" -o "$out/tsushin.pdf" -q
tsushin_s=$(echo "$(date +%s.%N) - $start" | bc)
pdftoppm -png -r 80 -f 1 -l 1 "$out/typst.pdf" "$out/typst"
pdftoppm -png -r 80 -f 1 -l 1 "$out/tsushin.pdf" "$out/tsushin"
printf 'typst   (1 page of 第２号): %6.3f s  %s bytes\n' "$typst_s" "$(stat -c %s "$out/typst.pdf")"
printf 'tsushin (all of 第２号):    %6.3f s  %s bytes, %s pages\n' "$tsushin_s" "$(stat -c %s "$out/tsushin.pdf")" "$(pdfinfo "$out/tsushin.pdf" | awk '/^Pages/ {print $2}')"
echo "PNG pages of both: $out"
