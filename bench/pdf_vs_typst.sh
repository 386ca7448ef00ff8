#!/usr/bin/env bash
# `tsushin pdf` of the largest issue of the ten-year corpus (bench/gen_corpus.py) against Typst
# on the same text (bench/md_to_typst.py, with bench/typst/issue_ua.typ's page set-up), side by
# side, RUNS times each, interleaved so both see the same machine load. tsushin is timed as a
# whole process (/usr/bin/time: wall and user+sys CPU); Typst in-process (the PyPI package
# `typst`, one fresh Python process per run, only the `typst.compile` call timed, so Python's
# start-up and import are not counted against it). Prints the medians.
#
#   bash bench/pdf_vs_typst.sh                  # needs target/release/tsushin
#   RUNS=31 BIN=/path/to/other/tsushin bash bench/pdf_vs_typst.sh
# Needs python3 with typst (target/ci-venv first on PATH) and GNU time. Not run by CI.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$repo/target/tmp/pdf-vs-typst}
bin=${BIN:-$repo/target/release/tsushin}
runs=${RUNS:-15}
mkdir -p "$out"
[[ -d $out/corpus ]] || python3 "$repo/bench/gen_corpus.py" "$out/corpus" >/dev/null
issue=$(ls -S "$out"/corpus/content/newsletters/*.md | head -1)
python3 "$repo/bench/md_to_typst.py" "$issue" "$out/issue.typ"
fonts=$repo/themes/default/fonts
rm -f "$out/times.txt"
for ((r = 0; r <= runs; r++)); do
  # Run 0 is a warm-up (page cache), not counted.
  /usr/bin/time -f "tsushin %e %U %S" -a -o "$out/times.txt" \
    "$bin" pdf "$issue" --root "$out/corpus" -o "$out/tsushin.pdf" -q
  python3 - "$out/issue.typ" "$out/typst.pdf" "$fonts" >>"$out/times.txt" <<'PY'
import sys, time, typst
w, c = time.perf_counter(), time.process_time()
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], ignore_system_fonts=True)
print(f"typst {time.perf_counter() - w:.4f} {time.process_time() - c:.4f} 0")
PY
  if ((r == 0)); then rm "$out/times.txt"; fi
done
median() { sort -n | awk '{v[NR] = $1} END {printf "%.3f", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2}'; }
echo "$(basename "$issue"): $(pdfinfo "$out/tsushin.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages by tsushin, $(pdfinfo "$out/typst.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') by Typst"
for l in tsushin typst; do
  wall=$(awk -v l="$l" '$1 == l {print $2}' "$out/times.txt" | median)
  cpu=$(awk -v l="$l" '$1 == l {print $3 + $4}' "$out/times.txt" | median)
  printf '%-8s wall median %s s, CPU median %s s, %d runs\n' "$l" "$wall" "$cpu" "$runs"
done
