#!/usr/bin/env python3
"""Structure tree of a tagged PDF as PDFium reads it (the engine of Chrome and Edge), through
pypdfium2's raw FPDF_StructTree_* / FPDF_StructElement_* calls.

    python3 tests/pdf_tags/pdfium_tree.py FILE.pdf

Prints one JSON object:

    {"reader": "pdfium", "file": ..., "tree": NODE, "pages": [NODE, ...], "unresolved": [...]}

NODE is {"role": ..., "alt": ..., "attrs": {"Scope": "Column", ...}, "kids": [...]}; a kid is a
NODE, {"text": ..., "mcid": M, "page": P} (a marked-content reference with the text of the page
objects marked with that MCID) or {"objr": true} (a kid PDFium reports as neither an element nor
marked content: an object reference). `tree` is the whole document (root role
"StructTreeRoot"); `pages[p]` is the part of it with content on page p, without object
references, as pdf.js gives it.

PDFium only builds a tree per page (FPDF_StructTree_GetForPage): the ancestors of the page's
marked content, every kid listed but only this page's elements filled in, and MCIDs without
their page. The same element has the same path of kid indexes on every page, so the pages'
trees are merged by that path; each marked-content reference is given the page where its MCID
exists and is referenced by no other element (every MCID of a page belongs to exactly one
reference). References left ambiguous or pointing at no content are listed in "unresolved".

Exits 1 on any error, 2 when pypdfium2 is missing (pip install pypdfium2).
"""

from __future__ import annotations

import ctypes
import json
import sys
import warnings

warnings.simplefilter("error")

try:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
except ImportError as e:
    print(f"pdfium_tree.py: pypdfium2 is not installed ({e}): pip install pypdfium2", file=sys.stderr)
    sys.exit(2)


def utf16(fn, *args) -> str | None:
    """Calls a PDFium getter that writes UTF-16LE into (buffer, length)."""
    n = fn(*args, None, 0)
    if n <= 2:
        return None
    buf = ctypes.create_string_buffer(n)
    fn(*args, buf, n)
    return buf.raw[: n - 2].decode("utf-16-le", "replace")


def attr_value(attr, name: bytes):
    value = raw.FPDF_StructElement_Attr_GetValue(attr, name)
    return plain_value(value) if value else None


def plain_value(value):
    kind = raw.FPDF_StructElement_Attr_GetType(value)
    if kind == raw.FPDF_OBJECT_ARRAY:
        n = raw.FPDF_StructElement_Attr_CountChildren(value)
        return [plain_value(raw.FPDF_StructElement_Attr_GetChildAtIndex(value, i)) for i in range(n)]
    if kind in (raw.FPDF_OBJECT_STRING, raw.FPDF_OBJECT_NAME):
        out = ctypes.c_ulong(0)
        raw.FPDF_StructElement_Attr_GetStringValue(value, None, 0, ctypes.byref(out))
        buf = ctypes.create_string_buffer(out.value)
        raw.FPDF_StructElement_Attr_GetStringValue(value, buf, out.value, ctypes.byref(out))
        return buf.raw[: max(0, out.value - 2)].decode("utf-16-le", "replace")
    if kind == raw.FPDF_OBJECT_NUMBER:
        f = ctypes.c_float(0)
        raw.FPDF_StructElement_Attr_GetNumberValue(value, ctypes.byref(f))
        return round(f.value, 3)
    if kind == raw.FPDF_OBJECT_BOOLEAN:
        b = raw.FPDF_BOOL(0)
        raw.FPDF_StructElement_Attr_GetBooleanValue(value, ctypes.byref(b))
        return bool(b.value)
    return f"<type {kind}>"


def attributes(el) -> dict:
    """The /A attribute dictionaries of an element (PDFium reads dictionaries, not classes)."""
    found: dict = {}
    for a in range(raw.FPDF_StructElement_GetAttributeCount(el)):
        attr = raw.FPDF_StructElement_GetAttributeAtIndex(el, a)
        if not attr:
            continue
        for k in range(raw.FPDF_StructElement_Attr_GetCount(attr)):
            out = ctypes.c_ulong(0)
            raw.FPDF_StructElement_Attr_GetName(attr, k, None, 0, ctypes.byref(out))
            buf = ctypes.create_string_buffer(out.value)
            raw.FPDF_StructElement_Attr_GetName(attr, k, buf, out.value, ctypes.byref(out))
            name = buf.raw[: max(0, out.value - 1)]
            if name != b"O":
                found[name.decode("ascii", "replace")] = attr_value(attr, name)
    return found


def page_texts(page) -> dict[int, str]:
    """MCID → text of the page objects marked with it, in content order (also inside forms);
    an MCID marking only paths or images maps to ""."""
    textpage = page.get_textpage()
    texts: dict[int, str] = {}
    for obj in page.get_objects(max_depth=8):
        mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
        if mcid < 0:
            continue
        piece = ""
        if obj.type == raw.FPDF_PAGEOBJ_TEXT:
            n = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            if n > 2:  # n: bytes, with the 2-byte terminator
                buf = (raw.FPDF_WCHAR * (n // 2))()
                raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buf, n)
                piece = ctypes.string_at(buf, n - 2).decode("utf-16-le", "replace")
        texts[mcid] = texts.get(mcid, "") + piece
    return texts


def walk_page(el, path: tuple, page: int, nodes: dict, refs: list) -> None:
    info = nodes.setdefault(
        path,
        {
            "role": utf16(raw.FPDF_StructElement_GetType, el),
            "alt": utf16(raw.FPDF_StructElement_GetAltText, el),
            "attrs": attributes(el),
            "kids": {},
            "pages": set(),
        },
    )
    info["pages"].add(page)
    for i in range(raw.FPDF_StructElement_CountChildren(el)):
        child = raw.FPDF_StructElement_GetChildAtIndex(el, i)
        if child:
            info["kids"][i] = "element"
            walk_page(child, path + (i,), page, nodes, refs)
            continue
        mcid = raw.FPDF_StructElement_GetChildMarkedContentID(el, i)
        if mcid >= 0:
            info["kids"][i] = ("mcr", mcid)
            refs.append((path, i, mcid, page))
        elif i not in info["kids"]:
            info["kids"][i] = None


def resolve(refs: list, texts: list[dict[int, str]]) -> dict:
    """(path, kid index) → page of each marked-content reference (see the module doc)."""
    cands: dict[tuple, set] = {}
    mcid_of: dict[tuple, int] = {}
    for path, i, mcid, page in refs:
        key = (path, i)
        mcid_of[key] = mcid
        cands.setdefault(key, set())
        if mcid in texts[page]:
            cands[key].add(page)
    owners: dict[tuple, set] = {}
    for key, pages in cands.items():
        for p in pages:
            owners.setdefault((p, mcid_of[key]), set()).add(key)
    assigned: dict[tuple, int] = {}
    changed = True
    while changed:
        changed = False
        for slot, keys in owners.items():
            live = [k for k in keys if k not in assigned and slot[0] in cands[k]]
            taken = any(assigned.get(k) == slot[0] for k in keys)
            if not taken and len(live) == 1:
                k = live[0]
                assigned[k] = slot[0]
                changed = True
        for key, pages in cands.items():
            if key in assigned:
                continue
            free = [p for p in pages if not any(assigned.get(k) == p for k in owners[(p, mcid_of[key])])]
            if len(free) == 1:
                assigned[key] = free[0]
                changed = True
            cands[key] = set(free)
    return assigned


def build(path: tuple, nodes: dict, assigned: dict, texts: list, page: int | None) -> dict:
    info = nodes[path]
    kids = []
    for i in sorted(info["kids"]):
        kind = info["kids"][i]
        if kind == "element":
            if page is None or page in nodes[path + (i,)]["pages"]:
                kids.append(build(path + (i,), nodes, assigned, texts, page))
        elif kind is None:
            if page is None:
                kids.append({"objr": True})
        else:
            mcid = kind[1]
            at = assigned.get((path, i))
            if page is None or at == page:
                text = texts[at].get(mcid, "") if at is not None else None
                kids.append({"text": text, "mcid": mcid, "page": at})
    return {"role": info["role"], "alt": info["alt"], "attrs": info["attrs"], "kids": kids}


def read(path: str) -> dict:
    pdf = pdfium.PdfDocument(path)
    nodes: dict = {}
    refs: list = []
    texts: list[dict[int, str]] = []
    roots: set = set()
    for p in range(len(pdf)):
        page = pdf[p]
        texts.append(page_texts(page))
        tree = raw.FPDF_StructTree_GetForPage(page.raw)
        if not tree:
            continue
        for i in range(raw.FPDF_StructTree_CountChildren(tree)):
            el = raw.FPDF_StructTree_GetChildAtIndex(tree, i)
            if el:
                roots.add(i)
                walk_page(el, (i,), p, nodes, refs)
        raw.FPDF_StructTree_Close(tree)
    assigned = resolve(refs, texts)
    root = lambda page: {  # noqa: E731
        "role": "StructTreeRoot",
        "alt": None,
        "attrs": {},
        "kids": [
            build((i,), nodes, assigned, texts, page)
            for i in sorted(roots)
            if page is None or page in nodes[(i,)]["pages"]
        ],
    }
    unresolved = [
        {"path": list(k[0]), "kid": k[1], "mcid": m}
        for (k0, k1, m, _) in refs
        for k in [(k0, k1)]
        if k not in assigned
    ]
    return {
        "reader": "pdfium",
        "file": path,
        "tree": root(None),
        "pages": [root(p) for p in range(len(pdf))],
        "unresolved": sorted({json.dumps(u) for u in unresolved}),
    }


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 1
    try:
        out = read(sys.argv[1])
    except Exception as e:  # PDFium load errors, Python warnings turned into errors
        print(f"pdfium_tree.py: {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
