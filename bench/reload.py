#!/usr/bin/env python3
"""Edit-to-reload latency of `tsushin serve`.

    python3 bench/reload.py TSUSHIN_BINARY SITE_DIR [--runs 20] [--today 2026-11-23]

Starts `tsushin serve --port 0` on SITE_DIR (loopback only), listens on the reload event stream
exactly as a page does, then edits files the way an editor saves them (write a temporary file,
rename it over the page) and measures the time from the rename to the `reload` event arriving:
the whole path of file-system notification, quiet period, re-parse, incremental re-render and
the event on the socket. Three kinds of edit:

  issue     one newsletter issue's text  (re-renders that page only: listings show titles and
                                         summaries, which did not change)
  title     one newsletter issue's title (re-renders it, the listings, its tag pages, the feed)
  training  one training announcement's text
  settings  site.yaml                    (reloads and re-renders the whole site)

Each kind is run RUNS times after two warm-up edits; prints median / min / max / p90 in ms.
The files are restored afterwards. Needs only the Python standard library.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path


def start(binary: str, site: Path, today: str):
    proc = subprocess.Popen(
        [binary, "serve", "--root", str(site), "--port", "0", "--today", today, "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    line = proc.stdout.readline().strip()
    prefix = "Serving the site at http://"
    if not line.startswith(prefix):
        proc.kill()
        sys.exit(f"reload.py: unexpected output from serve: {line!r}\n{proc.stderr.read()}")
    host, port = line[len(prefix):].rstrip("/").rsplit(":", 1)
    assert host == "127.0.0.1", host
    return proc, host, int(port)


class Events:
    def __init__(self, host: str, port: int):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.sendall(f"GET /__tsushin/events HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        self.buf = b""
        assert self.next_event() == "hello"

    def next_event(self) -> str:
        while True:
            sep = self.buf.find(b"\n\n")
            if sep >= 0:
                block, self.buf = self.buf[:sep], self.buf[sep + 2:]
                for line in block.decode("utf-8", "replace").splitlines():
                    if line.startswith("event: "):
                        return line[len("event: "):]
                continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("reload.py: the server closed the event stream")
            self.buf += chunk.replace(b"\r\n", b"\n")

    def wait_reload(self):
        while self.next_event() != "reload":
            pass


def save(path: Path, text: str):
    """Like an editor: a hidden temporary file renamed over the page."""
    tmp = path.with_name(f".{path.name}.bench~")
    tmp.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    os.replace(tmp, path)
    return start


def measure(events: Events, path: Path, runs: int, edit) -> list:
    original = path.read_text(encoding="utf-8")
    times = []
    try:
        for i in range(runs + 2):
            t0 = save(path, edit(original, i))
            events.wait_reload()
            t1 = time.perf_counter()
            if i >= 2:  # two warm-up edits
                times.append((t1 - t0) * 1000)
            time.sleep(0.15)
    finally:
        save(path, original)
        events.wait_reload()
    return times


def body_edit(text: str, i: int) -> str:
    return text.rstrip("\n") + f"\n\n追記 {i} 回目。\n"


def title_edit(text: str, i: int) -> str:
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line.startswith("title: "):
            lines[n] = f"{line} 改訂{i}"
            break
    return "\n".join(lines)


def settings_edit(text: str, i: int) -> str:
    return text.rstrip("\n") + f"\n# 変更 {i}\n"


def row(name: str, ms: list) -> str:
    ms = sorted(ms)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return (f"{name:<9} {len(ms):>4} {statistics.median(ms):>7.1f} ms {ms[0]:>7.1f} ms "
            f"{ms[-1]:>7.1f} ms {p90:>7.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("site", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--today", default="2026-11-23")
    args = ap.parse_args()

    issues = sorted((args.site / "content" / "newsletters").glob("*.md"))
    trainings = sorted((args.site / "content" / "events").glob("*.md"))
    if not issues or not trainings:
        sys.exit("reload.py: the site needs content/newsletters/*.md and content/events/*.md")
    proc, host, port = start(args.binary, args.site, args.today)
    try:
        events = Events(host, port)
        results = [
            ("issue", measure(events, issues[len(issues) // 2], args.runs, body_edit)),
            ("title", measure(events, issues[len(issues) // 2], args.runs, title_edit)),
            ("training", measure(events, trainings[len(trainings) // 2], args.runs, body_edit)),
            ("settings", measure(events, args.site / "site.yaml", max(5, args.runs // 4), settings_edit)),
        ]
    finally:
        proc.kill()
        proc.wait()
    print(f"{'edit':<9} {'runs':>4} {'median':>10} {'min':>10} {'max':>10} {'p90':>10}")
    for name, ms in results:
        print(row(name, ms))
    print("(time from the rename of the edited file to the `reload` event on the page's event stream)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
