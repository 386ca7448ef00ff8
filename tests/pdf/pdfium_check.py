#!/usr/bin/env python3
"""Render tsushin's PDFs with PDFium (the engine of Chrome and Edge) through pypdfium2.

    python3 tests/pdf/pdfium_check.py [--dpi 50] [--first-page-dir DIR] FILE.pdf...

For every file: open it, render every page to a grayscale bitmap and check that the page is not
blank (some non-white pixels), and read page 1's text back through PDFium's text layer.
Prints one JSON object per file on stdout:

    {"file": ..., "pages": 5, "ink": [0.04, ...], "text": "<text of page 1>"}

`ink` is the fraction of non-white pixels (value < 250 of 255) of each page. With
`--first-page-dir`, page 1 of the i-th FILE (0-based) is also written as `DIR/<i>.pgm` (binary
PGM) so the caller can look at particular areas.

Exits 1 on any error or warning (Python warnings are turned into errors; PDFium reports load
and render failures as exceptions) and on a blank page; 2 when pypdfium2 is not installed
(`pip install pypdfium2`, see .ci/run). Called by tests/pdf.rs.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

warnings.simplefilter("error")

try:
    import pypdfium2 as pdfium
except ImportError as e:  # the Rust test turns this into a failure with this message
    print(
        f"pdfium_check.py: the Python package pypdfium2 is not installed ({e}); "
        "install it with `pip install pypdfium2` (bash .ci/run does)",
        file=sys.stderr,
    )
    sys.exit(2)

WHITE = 250  # a pixel below this (of 255) counts as ink


def ink_fraction(buf: bytes, width: int, height: int, stride: int) -> float:
    if stride != width:
        buf = b"".join(buf[r * stride : r * stride + width] for r in range(height))
    white = sum(buf.count(bytes([v])) for v in range(WHITE, 256))
    return (len(buf) - white) / max(1, len(buf))


def check(path: str, index: int, dpi: float, first_page_dir: str | None) -> tuple[dict, list[str]]:
    problems: list[str] = []
    pdf = pdfium.PdfDocument(path)
    try:
        n = len(pdf)
        if n == 0:
            problems.append(f"{path}: no pages")
        inks = []
        text = ""
        for i in range(n):
            page = pdf[i]
            try:
                width, height = page.get_size()
                if not (width > 0 and height > 0):
                    problems.append(f"{path} page {i + 1}: size {width}×{height}")
                bitmap = page.render(scale=dpi / 72.0, grayscale=True)
                if bitmap.n_channels != 1:
                    problems.append(f"{path} page {i + 1}: expected a grayscale bitmap")
                    continue
                buf = bytes(bitmap.buffer)
                ink = ink_fraction(buf, bitmap.width, bitmap.height, bitmap.stride)
                inks.append(round(ink, 5))
                if ink <= 0.001:
                    problems.append(f"{path} page {i + 1}: blank in PDFium (ink {ink:.5f})")
                if i == 0:
                    textpage = page.get_textpage()
                    try:
                        text = textpage.get_text_bounded()
                    finally:
                        textpage.close()
                    if first_page_dir:
                        rows = b"".join(
                            buf[r * bitmap.stride : r * bitmap.stride + bitmap.width]
                            for r in range(bitmap.height)
                        )
                        out = os.path.join(first_page_dir, f"{index}.pgm")
                        with open(out, "wb") as f:
                            f.write(f"P5\n{bitmap.width} {bitmap.height}\n255\n".encode())
                            f.write(rows)
                bitmap.close()
            finally:
                page.close()
    finally:
        pdf.close()
    return {"file": path, "pages": n, "ink": inks, "text": text}, problems


def main(argv: list[str]) -> int:
    dpi = 50.0
    first_page_dir = None
    files = []
    it = iter(argv)
    for a in it:
        if a == "--dpi":
            dpi = float(next(it))
        elif a == "--first-page-dir":
            first_page_dir = next(it)
        else:
            files.append(a)
    if not files:
        print(__doc__, file=sys.stderr)
        return 1
    failed = False
    for index, path in enumerate(files):
        try:
            report, problems = check(path, index, dpi, first_page_dir)
        except Exception as e:  # PdfiumError, warnings-as-errors, I/O
            print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
            failed = True
            continue
        print(json.dumps(report, ensure_ascii=False))
        for p in problems:
            print(p, file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
