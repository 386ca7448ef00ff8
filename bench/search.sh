#!/usr/bin/env bash
# Benchmark of the site search on the ten-year corpus (bench/gen_corpus.py).
#
#   bash bench/search.sh             # 7 builds each way, the first of each is a warm-up
#   RUNS=11 bash bench/search.sh     # more runs
#   KEEP=1 bash bench/search.sh      # keep the corpus and outputs (path is printed)
#   BIN=/path/to/tsushin bash bench/search.sh   # another binary (an older build, to compare)
#
# 1. the release binary (target/release/tsushin, built by `cargo test --release` or
#    `cargo build --release` if missing; or $BIN)
# 2. python3 bench/gen_corpus.py: 40 issues, 200 trainings
# 3. `tsushin build --no-pdf` of the corpus RUNS times with the search and RUNS times with
#    `search: false`, alternating: the median difference is the build time the index adds,
#    compared with the HTML build without it
# 4. the index files: count and total size, the largest shard and text file
# 5. node bench/search.mjs: in headless Chromium from file://, the time from the first
#    keystroke (one input event, as an IME commit gives) to the results shown, index loading
#    included, on a fresh page per query: with the focus at the same instant (no head start)
#    and 200 ms after the focus; then the same queries again on the warm page; then the
#    search page (search.html?q=) per query
# Not run by CI. Needs python3, node with `npm ci` done, /usr/bin/chromium.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
runs=${RUNS:-7}
today=2026-11-23

work=$(mktemp -d "${TMPDIR:-/tmp}/tsushin-search-bench.XXXXXX")
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi

bin=${BIN:-$repo/target/release/tsushin}
if [[ ! -x $bin ]]; then
  echo "== cargo build --release"
  cargo build --release --quiet
fi

echo "== generating the ten-year corpus"
python3 bench/gen_corpus.py "$work/corpus" >/dev/null
cp -r "$work/corpus" "$work/corpus-off"
printf '\nsearch: false\n' >>"$work/corpus-off/site.yaml"

# build ROOT OUT: "wall_us cpu_ms index_ms" (CPU = user + sys; index_ms = the `search index`
# phase that --verbose reports, 0 without search)
build() {
  local start end
  rm -rf "$2"
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/cpu.txt" \
    "$bin" build --verbose --no-pdf --root "$1" --output "$2" --today "$today" >"$work/log.txt" 2>&1
  end=$(date +%s%N)
  local idx
  idx=$(sed -n 's/^ *search index: [0-9]* in \([0-9]*\) ms.*/\1/p' "$work/log.txt" | head -1)
  echo "$(((end - start) / 1000)) $(awk '{printf "%d", ($1 + $2) * 1000}' "$work/cpu.txt") ${idx:-0}"
}

: >"$work/times.tsv"
echo "== $runs builds with and without the search (first of each is a warm-up)"
for ((i = 1; i <= runs; i++)); do
  read -r on on_cpu idx < <(build "$work/corpus" "$work/out-on")
  read -r off off_cpu _ < <(build "$work/corpus-off" "$work/out-off")
  printf '%d\t%d\t%d\t%d\t%d\t%d\n' "$i" "$on" "$off" "$on_cpu" "$off_cpu" "$idx" >>"$work/times.tsv"
  printf '   run %d: %6.1f ms with search (CPU %d ms, index phase %d ms), %6.1f ms without (CPU %d ms)\n' \
    "$i" "${on}e-3" "$on_cpu" "$idx" "${off}e-3" "$off_cpu"
done

python3 - "$work/times.tsv" "$work/out-on/search" <<'PY'
import statistics, sys
from pathlib import Path
rows = [[int(x) for x in l.split("\t")] for l in open(sys.argv[1]) if l.strip()][1:]
med = lambda k: statistics.median(r[k] for r in rows)
on, off = med(1) / 1000, med(2) / 1000
on_cpu, off_cpu, idx = med(3), med(4), med(5)
print(f"build --no-pdf, medians of {len(rows)}: wall {on:.0f} ms with search, {off:.0f} ms without "
      f"(+{on - off:.0f} ms, {100 * (on - off) / off:+.1f} %); CPU {on_cpu:.0f} ms vs {off_cpu:.0f} ms "
      f"(+{on_cpu - off_cpu:.0f} ms, {100 * (on_cpu - off_cpu) / off_cpu:+.1f} %); "
      f"the `search index` phase: {idx:.0f} ms ({100 * idx / off:.1f} % of the wall time without search)")
files = sorted(Path(sys.argv[2]).glob("*.js"))
total = sum(f.stat().st_size for f in files)
def kib(n): return f"{n / 1024:.0f} KiB"
shards = [f for f in files if f.name.startswith("shard-")]
texts = [f for f in files if f.name.startswith("text-")]
meta = Path(sys.argv[2]) / "index-meta.js"
print(f"index: {len(files)} files, {total / 1048576:.2f} MiB in all; index-meta.js {kib(meta.stat().st_size)}; "
      f"{len(shards)} shards, largest {kib(max(f.stat().st_size for f in shards))}; "
      f"{len(texts)} text files, largest {kib(max(f.stat().st_size for f in texts))}")
PY

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
search_js=$(wc -c <"$work/out-on/static/search.js")
echo "static/search.js (loaded by every page, deferred): $((search_js / 1024)) KiB"
echo "== Chromium, from file://"
node bench/search.mjs "file://$work/out-on/"
