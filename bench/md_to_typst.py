#!/usr/bin/env python3
"""An issue's Markdown as Typst markup, for timing `tsushin pdf` against `typst compile` on the
same text (bench/pdf_vs_typst.sh). It knows the subset bench/gen_corpus.py writes: headings,
paragraphs, bold, links, lists (also inside quotes), pipe tables, survey blocks, footnotes.
The preamble (page, fonts, heading styles, the `survey` figure) is bench/typst/issue_ua.typ's.

    python3 bench/md_to_typst.py ISSUE.md OUT.typ
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PREAMBLE_END = "#text(9pt"  # first line of issue_ua.typ's body


def escape(s: str) -> str:
    return re.sub(r'([#$@<>\\`_*\[\]~"])', r"\\\1", s)


def inline(s: str, notes: dict[str, str]) -> str:
    out, pos = [], 0
    pattern = re.compile(r"\*\*(.+?)\*\*|\[\^(\w+)\]|\[([^\]]+)\]\(([^)]+)\)")
    for m in pattern.finditer(s):
        out.append(escape(s[pos : m.start()]))
        if m.group(1) is not None:
            out.append("*" + escape(m.group(1)) + "*")
        elif m.group(2) is not None:
            out.append("#footnote[" + escape(notes.get(m.group(2), "")) + "]")
        else:
            out.append('#link("' + m.group(4).replace('"', "") + '")[' + escape(m.group(3)) + "]")
        pos = m.end()
    out.append(escape(s[pos:]))
    return "".join(out)


def survey(lines: list[str]) -> str:
    question, group, answers = "", None, []
    for line in lines:
        if line.startswith("question:"):
            question = line.split(":", 1)[1].strip()
        elif line.startswith("group:"):
            group = line.split(":", 1)[1].strip()
        elif line.startswith("  ") and ":" in line:
            k, v = line.strip().split(":", 1)
            answers.append((k.strip(), int(v)))
    args = ", ".join(f'("{k}", {v})' for k, v in answers)
    g = f', group: "{group}"' if group else ""
    return f'#survey("{question}"{g}, ({args},))'


def table(rows: list[str], notes: dict[str, str]) -> str:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    head, body = cells[0], [r for r in cells[2:]]
    flat = [f"[*{inline(c, notes)}*]" for c in head]
    flat += [f"[{inline(c, notes)}]" for r in body for c in r]
    return f"#table(columns: {len(head)}, " + ", ".join(flat) + ")"


def convert(md: str) -> tuple[str, str]:
    _, front, body = md.split("---\n", 2)
    title = re.search(r"^title: (.*)$", front, re.M).group(1)
    notes = dict(re.findall(r"^\[\^(\w+)\]: (.*)$", body, re.M))
    lines = [l for l in body.split("\n") if not re.match(r"^\[\^\w+\]: ", l)]
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```survey"):
            j = lines.index("```", i + 1)
            out.append(survey(lines[i + 1 : j]))
            i = j + 1
            continue
        if line.startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.append(table(lines[i:j], notes))
            i = j
            continue
        if line.startswith(">"):
            j = i
            while j < len(lines) and lines[j].startswith(">"):
                j += 1
            inner = "\n".join(inline_list(l[1:].strip(), notes) for l in lines[i:j])
            out.append("#quote(block: true)[\n" + inner + "\n]")
            i = j
            continue
        m = re.match(r"^(#+) (.*)$", line)
        if m:
            out.append("=" * (len(m.group(1)) - 1) + " " + inline(m.group(2), notes))
        else:
            out.append(inline_list(line, notes))
        i += 1
    return title, "\n".join(out)


def inline_list(line: str, notes: dict[str, str]) -> str:
    m = re.match(r"^(\s*)(- |\d+\. )(.*)$", line)
    if m:
        marker = "- " if m.group(2) == "- " else "+ "
        return m.group(1) + marker + inline(m.group(3), notes)
    return inline(line, notes)


def main() -> None:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    preamble_file = Path(__file__).parent / "typst" / "issue_ua.typ"
    preamble = preamble_file.read_text().split("\n" + PREAMBLE_END)[0]
    title, body = convert(src.read_text())
    preamble = re.sub(r'title: "[^"]*"', f'title: "{title}"', preamble, count=1)
    dst.write_text(preamble + "\n#title[" + escape(title) + "]\n\n" + body + "\n")


if __name__ == "__main__":
    main()
