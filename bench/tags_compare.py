#!/usr/bin/env python3
"""Side-by-side of two structure trees dumped by tests/pdf_tags/pdfium_tree.py (one reader for
both, so differences are the files', not the readers'): what each tree has that the other lacks.

    python3 bench/tags_compare.py A.json B.json [--outline]

Prints, for each file: element counts per role, headings, figures with their /Alt, attributes
used per role, link/OBJR and note counts, text outside any P/H/LBody/TD/TH/Figure; then the
roles, attributes and heading levels only one of them uses.
"""

from __future__ import annotations

import collections
import json
import sys


def walk(node, path=()):
    yield path, node
    for k in node.get("kids", []):
        if "role" in k:
            yield from walk(k, path + (node["role"],))


def text(node) -> str:
    out = []
    for k in node.get("kids", []):
        if "role" in k:
            out.append(text(k))
        elif "text" in k:
            out.append(k["text"] or "")
    return "".join("".join(out).split())


def summary(tree) -> dict:
    roles = collections.Counter()
    attrs = collections.defaultdict(set)
    headings, figures = [], []
    objr = 0
    for path, n in walk(tree):
        roles[n["role"]] += 1
        for a, v in (n.get("attrs") or {}).items():
            attrs[n["role"]].add(f"{a}={v}" if a in ("Scope", "ListNumbering", "Placement") else a)
        if n["role"] in ("H", "H1", "H2", "H3", "H4", "H5", "H6"):
            headings.append((n["role"], text(n)[:40]))
        if n["role"] == "Figure":
            figures.append(n.get("alt") or "(no Alt)")
        objr += sum(1 for k in n.get("kids", []) if "objr" in k)
    return {"roles": roles, "attrs": attrs, "headings": headings, "figures": figures, "objr": objr}


def outline(node, depth=0):
    alt = f"  alt={node['alt'][:60]!r}" if node.get("alt") else ""
    print("  " * depth + node["role"] + alt + ("  " + text(node)[:50] if node["role"] in ("P", "H1", "H2", "H3", "H4", "TH", "TD", "Lbl", "LBody") else ""))
    for k in node.get("kids", []):
        if "role" in k:
            outline(k, depth + 1)


def main() -> int:
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    trees = [json.load(open(p))["tree"] for p in names]
    sums = [summary(t) for t in trees]
    for name, t, s in zip(names, trees, sums):
        print(f"==== {name}")
        if "--outline" in sys.argv:
            outline(t)
        print("roles:", dict(sorted(s["roles"].items())))
        print("headings:", s["headings"])
        print("figures:", len(s["figures"]))
        for f in s["figures"]:
            print("   ", f)
        print("object references (links):", s["objr"])
        for role, a in sorted(s["attrs"].items()):
            print(f"attrs {role}: {sorted(a)}")
    if len(sums) == 2:
        a, b = sums
        print("==== only in", names[0], ":", sorted(set(a["roles"]) - set(b["roles"])))
        print("==== only in", names[1], ":", sorted(set(b["roles"]) - set(a["roles"])))
        for role in sorted(set(a["attrs"]) | set(b["attrs"])):
            x, y = a["attrs"].get(role, set()), b["attrs"].get(role, set())
            if x != y:
                print(f"attrs {role}: only {names[0]}: {sorted(x - y)}  only {names[1]}: {sorted(y - x)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
