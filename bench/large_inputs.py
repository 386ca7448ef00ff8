#!/usr/bin/env python3
"""Time `tsushin check` and `tsushin build` on hostile large inputs.

    python3 bench/large_inputs.py [--bin target/release/tsushin] [--scale 1.0] [--pdf]
                                  [--only NAME,...] [--keep] [--timeout 120]

Each case is a one-page site (plus the page that links point at) written into a temporary
folder: 4,000 tags, 32,000 footnote references, `**a` x 32,000, 32,000 nested `<div>`, a
128,000-character title, 8,000 unknown front-matter keys, a 576 KB paragraph of 32,000 links,
20,000 nested `>` quotes, and a few more of the same kind. For each case it runs
`tsushin check`, `tsushin build --no-pdf` and (with --pdf) `tsushin build`, under GNU time
(`/usr/bin/time`, Debian package `time`) when it is there, and prints a table: wall time,
CPU time (user + system: what the run costs on a busy machine), peak memory (RSS) and the outcome (ok, or the first error line). `--scale 0.25` makes every
input a quarter as large, to see how the time grows. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

TODAY = "2021-10-01"
SITE_YAML = (
    "title: テスト用 連絡会サイト\nnewsletter:\n  name: コーディネーター連絡会通信\n"
    "  recipients: [受託法人, 相談支援室]\n"
)
ABOUT = "---\ntitle: このサイトについて\n---\n\n本文です。\n"


def issue(front: str, body: str, title: str = "第１号") -> str:
    return f"---\ntitle: {title}\ndate: 2021-06-30\nnumber: 1\n{front}---\n\n{body}\n"


def n_(base: int, scale: float) -> int:
    return max(1, int(base * scale))


def cases(scale: float) -> dict[str, tuple[str, Callable[[], str]]]:
    """Case name -> (what it is, a function making the page text)."""
    tags = n_(4000, scale)
    notes = n_(32000, scale)
    strong = n_(32000, scale)
    divs = n_(32000, scale)
    title = n_(128000, scale)
    keys = n_(8000, scale)
    links = n_(32000, scale)
    quotes = n_(20000, scale)
    depth = n_(1000, scale)  # the file grows with the square: 1,000 lines is 500 KB
    return {
        "tags": (
            f"{tags:,} tags on one page",
            lambda: issue("tags: [" + ", ".join(f"タグ{i}" for i in range(tags)) + "]\n", "本文です。"),
        ),
        "footnote-refs": (
            f"{notes:,} references to one footnote",
            lambda: issue("", "本文" + "[^1]" * notes + "\n\n[^1]: 注です。"),
        ),
        "footnotes": (
            f"{notes:,} footnotes, each referenced once",
            lambda: issue(
                "",
                "本文" + "".join(f"[^{i}]" for i in range(notes)) + "\n\n"
                + "\n".join(f"[^{i}]: 注{i}。" for i in range(notes)),
            ),
        ),
        "strong": (f"`**a` x {strong:,}", lambda: issue("", "**a" * strong)),
        "divs": (f"{divs:,} nested <div>", lambda: issue("", "<div>" * divs + "\n\n本文です。")),
        "div-lines": (
            f"{divs:,} nested <div>, one a line",
            lambda: issue("", "<div>\n" * divs + "\n本文です。"),
        ),
        "title": (
            f"a {title:,}-character title",
            lambda: issue("", "本文です。", title="あ" * title),
        ),
        "summary": (
            f"a {title:,}-character summary",
            lambda: issue(f"summary: {'い' * title}\n", "本文です。"),
        ),
        "unknown-keys": (
            f"{keys:,} unknown front-matter keys",
            lambda: issue("".join(f"key{i}: 値\n" for i in range(keys)), "本文です。"),
        ),
        "links": (
            f"one paragraph of {links:,} links",
            lambda: issue("", " ".join("[資料](../about.md)" for _ in range(links))),
        ),
        "quotes": (f"{quotes:,} nested `>`", lambda: issue("", ">" * quotes + " 引用です。")),
        "quote-lines": (
            f"{depth:,} lines, each one `>` deeper",
            lambda: issue("", "\n".join(">" * i + " 引用" for i in range(1, depth + 1))),
        ),
        "paragraph": (
            f"one paragraph of {title:,} characters",
            lambda: issue("", "これは長い段落です。" * (title // 10)),
        ),
    }


def write_site(root: Path, page: str) -> None:
    (root / "content" / "newsletters").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / "content" / "about.md").write_text(ABOUT, encoding="utf-8")
    (root / "content" / "newsletters" / "2021-06-vol01.md").write_text(page, encoding="utf-8")


def run(cmd: list[str], timeout: float) -> tuple[float, float | None, int | None, str]:
    """(wall seconds, CPU seconds or None, peak RSS in KB or None, outcome)."""
    gnu_time = Path("/usr/bin/time")
    stats = tempfile.NamedTemporaryFile(delete=False)
    stats.close()
    full = [str(gnu_time), "-f", "%U %S %M", "-o", stats.name, *cmd] if gnu_time.exists() else cmd
    env = dict(os.environ, NO_COLOR="1", COLUMNS="400")
    started = time.monotonic()
    try:
        p = subprocess.run(full, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return time.monotonic() - started, None, None, f"still running after {timeout:.0f} s (killed)"
    took = time.monotonic() - started
    cpu = rss = None
    try:
        user, system, peak = Path(stats.name).read_text().split()[-3:]
        cpu, rss = float(user) + float(system), int(peak)
    except ValueError:
        pass
    os.unlink(stats.name)
    if p.returncode == 0:
        return took, cpu, rss, "ok"
    # `check` prints `file:line:col: error: …`, `build` prints `× file:line:col: …`.
    lines = [l for l in (p.stdout + p.stderr).splitlines() if ": error:" in l or "×" in l]
    first = lines[0] if lines else f"exit {p.returncode}"
    first = first.split(": error:", 1)[-1].split("×", 1)[-1].strip()
    return took, cpu, rss, "refused: " + (first[:90] + "…" if len(first) > 90 else first)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    repo = Path(__file__).resolve().parent.parent
    ap.add_argument("--bin", default=str(repo / "target" / "release" / "tsushin"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--pdf", action="store_true", help="also time `build` with PDFs")
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--keep", action="store_true", help="keep the generated sites")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    if not Path(args.bin).exists():
        print(f"no binary at {args.bin}: run `cargo build --release` first", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="tsushin-large-"))
    only = {c for c in args.only.split(",") if c}
    rows = []
    try:
        for name, (what, make) in cases(args.scale).items():
            if only and name not in only:
                continue
            page = make()
            root = work / name
            write_site(root, page)
            size = len(page.encode("utf-8"))
            row = [name, what, f"{size / 1024:,.0f} KB"]
            commands = [
                ["check", "--root", str(root), "--today", TODAY],
                ["build", "--root", str(root), "--output", str(work / f"{name}-out"),
                 "--today", TODAY, "--no-pdf"],
            ]
            if args.pdf:
                commands.append(["build", "--root", str(root), "--output",
                                 str(work / f"{name}-pdf"), "--today", TODAY])
            for c in commands:
                took, cpu, rss, outcome = run([args.bin, *c], args.timeout)
                mem = f"{rss / 1024:,.0f} MB" if rss is not None else "?"
                cpu_s = f"{cpu:.2f} s" if cpu is not None else "?"
                row += [f"{took:.2f} s", cpu_s, mem, outcome]
            rows.append(row)
            print(" | ".join(row), flush=True)
    finally:
        if args.keep:
            print(f"sites kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    header = ["case", "input", "size"]
    for what in ["check", "build --no-pdf"] + (["build (PDF)"] if args.pdf else []):
        header += [f"{what} wall", "CPU", "RSS", "outcome"]
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
