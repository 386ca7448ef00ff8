#!/usr/bin/env bash
# Build-time benchmark of tsushin.
#
#   bash bench/run.sh            # 5 runs per site, the first of each is a warm-up
#   RUNS=9 bash bench/run.sh     # more runs
#   KEEP=1 bash bench/run.sh     # keep the generated corpus and outputs (path is printed)
#
# 1. cargo build --release
# 2. python3 bench/gen_corpus.py: a ten-year site (40 newsletter issues, 200 trainings)
# 3. `tsushin build` of that corpus RUNS times with PDFs and RUNS times with `--no-pdf`, then the
#    same for the example site (the repository root), each under /usr/bin/time -v into a fresh
#    output folder
# 4. a table: median/min/max wall time of the runs after the warm-up, peak RSS, pages, output size
# 5. the PDF figures: number of PDFs, what they cost (median with PDFs − median without, and that
#    per PDF), min/median/max PDF size, and the size of every PDF of the example site
# 6. python3 bench/reload.py: `tsushin serve` on the corpus, the time from saving a file to the
#    reload event reaching the page (one issue, one training, site.yaml); RELOAD_RUNS=N edits each
# Not run by CI. Needs cargo, python3 and GNU time (Debian package `time`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
runs=${RUNS:-5}
today=2026-11-23

missing=()
command -v cargo >/dev/null 2>&1 || missing+=("cargo (rustup)")
command -v python3 >/dev/null 2>&1 || missing+=("python3 (apt-get install python3)")
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (apt-get install time)")
if ((${#missing[@]})); then
  printf 'bench/run.sh: missing: %s\n' "${missing[@]}" >&2
  exit 1
fi
if ((runs < 2)); then
  echo "bench/run.sh: RUNS must be at least 2 (the first run is a warm-up)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tsushin-bench.XXXXXX")
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$work"' EXIT; fi

echo "== cargo build --release"
cargo build --release --quiet
bin=$repo/target/release/tsushin

echo "== generating the ten-year corpus"
python3 bench/gen_corpus.py "$work/corpus"

# measure NAME ROOT [BUILD ARGS...]: RUNS builds of ROOT; appends one row per run to
# $work/rows.tsv; the last run's output stays in $work/out-NAME
: >"$work/rows.tsv"
measure() {
  local name=$1 root=$2 i out start end
  shift 2
  echo "== $name: $runs builds (first is a warm-up)"
  for ((i = 1; i <= runs; i++)); do
    out=$work/out-$name
    rm -rf "$out"
    start=$(date +%s%N)
    /usr/bin/time -v -o "$work/time.txt" \
      "$bin" build --root "$root" --output "$out" --today "$today" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt" || {
      echo "build failed:" >&2
      cat "$work/stdout.txt" "$work/stderr.txt" >&2
      exit 1
    }
    end=$(date +%s%N)
    local rss pages files bytes
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    pages=$(sed -n 's/^Built \([0-9]*\) pages.*/\1/p' "$work/stdout.txt" "$work/stderr.txt" | head -1)
    files=$(find "$out" -type f | wc -l)
    bytes=$(du -sb "$out" | cut -f1)
    printf '%s\t%d\t%d\t%s\t%s\t%s\t%s\n' "$name" "$i" $(((end - start) / 1000)) "$rss" "${pages:-?}" "$files" "$bytes" >>"$work/rows.tsv"
    printf '   run %d: %6.1f ms, peak RSS %s KiB  (%s)\n' "$i" "$(((end - start) / 1000))e-3" "$rss" "$(grep -h '^Built' "$work/stdout.txt" "$work/stderr.txt" | head -1)"
  done
}

measure corpus "$work/corpus"
measure corpus-nopdf "$work/corpus" --no-pdf
measure example "$repo"
measure example-nopdf "$repo" --no-pdf

echo
echo "== machine"
echo "nproc: $(nproc)"
echo "CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
echo "memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "tsushin: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (+ local changes)'), $(rustc --version)"
md_files=$(find "$work/corpus/content" -name '*.md' | wc -l)
md_kib=$(du -sk --apparent-size "$work/corpus/content" | cut -f1)
echo "corpus: $md_files Markdown files, ${md_kib} KiB (40 issues, 200 trainings)"
echo

python3 - "$work/rows.tsv" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print(f"{'site':<14} {'runs':>4} {'median':>9} {'min':>9} {'max':>9} {'peak RSS':>10} {'pages':>6} {'files':>6} {'output':>9}")
for site in dict.fromkeys(r[0] for r in rows):
    rs = [r for r in rows if r[0] == site]
    timed = rs[1:]  # the first run is the warm-up
    ms = [int(r[2]) / 1000 for r in timed]
    rss = max(int(r[3]) for r in timed) / 1024
    last = rs[-1]
    size = int(last[6]) / 1024
    size_s = f"{size / 1024:.1f} MiB" if size >= 1024 else f"{size:.0f} KiB"
    print(f"{site:<14} {len(timed):>4} {statistics.median(ms):>6.0f} ms {min(ms):>6.0f} ms {max(ms):>6.0f} ms "
          f"{rss:>6.1f} MiB {last[4]:>6} {last[5]:>6} {size_s:>9}")
print("(wall time of `tsushin build` into an empty folder, warm page cache; peak RSS from /usr/bin/time -v)")
EOF

echo
echo "== PDFs"
python3 - "$work/rows.tsv" "$work" <<'EOF'
import os, statistics, sys
from pathlib import Path
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
work = Path(sys.argv[2])
def median_ms(site):
    timed = [r for r in rows if r[0] == site][1:]  # the first run is the warm-up
    return statistics.median(int(r[2]) / 1000 for r in timed)
def kib(b):
    return f"{b / 1024:.0f} KiB"
for site in ("corpus", "example"):
    out = work / f"out-{site}"
    pdfs = sorted(out.rglob("*.pdf"))
    sizes = [p.stat().st_size for p in pdfs]
    with_pdf, without = median_ms(site), median_ms(f"{site}-nopdf")
    cost = with_pdf - without
    per = cost / len(pdfs) if pdfs else float("nan")
    print(f"{site}: {len(pdfs)} PDFs; build {with_pdf:.0f} ms with PDFs, {without:.0f} ms with --no-pdf "
          f"(medians): the PDFs cost {cost:.0f} ms, {per:.1f} ms per PDF")
    if sizes:
        print(f"  PDF size: min {kib(min(sizes))}, median {kib(statistics.median(sizes))}, "
              f"max {kib(max(sizes))}, total {sum(sizes) / 1048576:.1f} MiB")
    if site == "example":
        for p, size in zip(pdfs, sizes):
            print(f"  {size / 1024:6.1f} KiB  {p.relative_to(out)}")
print(f"(cost = wall time with PDFs minus wall time with --no-pdf; PDFs are typeset in parallel on {os.cpu_count()} CPUs)")
EOF

echo
echo "== tsushin serve: edit-to-reload latency on the ten-year corpus"
python3 bench/reload.py "$bin" "$work/corpus" --runs "${RELOAD_RUNS:-20}" --today "$today"
if [[ -n ${KEEP:-} ]]; then echo "kept: $work"; fi
