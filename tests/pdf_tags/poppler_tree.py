#!/usr/bin/env python3
"""Structure tree of a tagged PDF as poppler reads it: `pdfinfo -struct-text` parsed into JSON.

    python3 tests/pdf_tags/poppler_tree.py FILE.pdf

Prints one JSON object: {"reader": "poppler", "file": ..., "tree": NODE} where NODE is
{"role": "Document", "alt": null, "attrs": {"Scope": "Column", ...}, "kids": [...]} and a kid is a
NODE, {"text": "..."} (one marked-content reference, its text as poppler extracts it) or
{"objr": true} (an object reference, e.g. a link annotation). The root's role is
"StructTreeRoot". poppler does not print /Alt, so "alt" is always null here.

Exits 1 when pdfinfo fails or prints a line this parser does not understand; 2 when pdfinfo is
missing (apt-get install poppler-utils).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

HEADER = re.compile(rb"^([A-Za-z][A-Za-z0-9_.#-]*)(?: <([^>]*)>)?")
TAIL = re.compile(rb"^(?: r\d+)?(?: \((block|inline)\))?(:)?$")


def skip_title(rest: bytes) -> bytes:
    """`rest` starts with ` "` + the /T string printed raw (UTF-16BE with BOM, or bytes): the
    part after the closing quote. pdfinfo prints the title's raw bytes, so a UTF-16 title is
    read two bytes at a time until a quote at an even offset."""
    body = rest[2:]
    if body.startswith(b"\xfe\xff"):
        i = 2
        while i + 1 < len(body):
            if body[i : i + 1] == b'"' and TAIL.match(body[i + 1 :].split(b"\n")[0]):
                return body[i + 1 :]
            i += 2
        raise ValueError("unterminated UTF-16 title")
    end = body.rfind(b'"')
    return body[end + 1 :]


def parse(out: bytes) -> dict:
    root = {"role": "StructTreeRoot", "alt": None, "attrs": {}, "kids": []}
    stack: list[tuple[int, dict]] = [(-1, root)]
    pos = 0
    last: dict | None = None
    while pos < len(out):
        nl = out.find(b"\n", pos)
        if nl < 0:
            nl = len(out)
        line = out[pos:nl]
        pos = nl + 1
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(b" "))
        body = line[indent:]
        if body.startswith(b"/") and last is not None:
            name, _, value = body[1:].decode("utf-8", "replace").partition(" ")
            last["attrs"][name] = value.lstrip("/").strip()
            continue
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith(b'"'):
            text = body[1:-1].decode("utf-8", "replace") if body.endswith(b'"') else None
            if text is None:
                raise ValueError(f"unterminated text line: {body[:80]!r}")
            parent["kids"].append({"text": text})
            continue
        if body == b"(No content)":
            parent["kids"].append({"text": ""})
            continue
        if re.match(rb"^Object \d+ \d+$", body):
            parent["kids"].append({"objr": True})
            continue
        m = HEADER.match(body)
        if not m:
            raise ValueError(f"unexpected pdfinfo line: {body[:80]!r}")
        rest = body[m.end() :]
        if rest.startswith(b' "'):
            # The title may span lines when its raw bytes contain a newline.
            whole = rest + b"\n" + out[pos:]
            after = skip_title(whole)
            consumed = len(whole) - len(after)
            extra = consumed - len(rest) - 1
            if extra > 0:
                pos += extra
                nl2 = out.find(b"\n", pos)
                nl2 = len(out) if nl2 < 0 else nl2
                rest = out[pos:nl2]
                pos = nl2 + 1
            else:
                rest = after.split(b"\n")[0]
        if not TAIL.match(rest):
            raise ValueError(f"unexpected element line: {body[:80]!r}")
        node = {"role": m.group(1).decode(), "alt": None, "attrs": {}, "kids": []}
        parent["kids"].append(node)
        stack.append((indent, node))
        last = node
    return root


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 1
    if not shutil.which("pdfinfo"):
        print("poppler_tree.py: pdfinfo is missing (apt-get install poppler-utils)", file=sys.stderr)
        return 2
    path = sys.argv[1]
    run = subprocess.run(["pdfinfo", "-struct-text", path], capture_output=True)
    if run.returncode != 0:
        sys.stderr.buffer.write(run.stderr)
        return 1
    try:
        tree = parse(run.stdout)
    except ValueError as e:
        print(f"poppler_tree.py: {path}: {e}", file=sys.stderr)
        return 1
    json.dump({"reader": "poppler", "file": path, "tree": tree}, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
