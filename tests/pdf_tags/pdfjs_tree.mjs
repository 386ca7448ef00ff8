#!/usr/bin/env node
// Structure tree of a tagged PDF as pdf.js reads it: the tree Firefox hands to screen readers
// (`page.getStructTree()`), with the text of each marked-content item from
// `page.getTextContent({ includeMarkedContent: true })`.
//
//     node tests/pdf_tags/pdfjs_tree.mjs FILE.pdf
//
// Prints one JSON object: {"reader": "pdfjs", "file", "pages": [NODE...], "tree": NODE}.
// NODE is {"role", "alt", "attrs": {}, "kids": [...]}; a kid is a NODE, {"text", "mcid",
// "page"} or {"objr": true} (an annotation or XObject reference). pdf.js builds the tree per
// page (only what has content on the page); `tree` joins the pages, an element that opens a
// page being taken as the continuation of the same-role element that closed the previous one
// (pdf.js gives elements no identity, so two paragraphs meeting at a page break become one in
// `tree`; `pages` is exact). pdf.js's warnings are listed in "warnings" (e.g. "TT: undefined
// function", about the hinting programs of the embedded font). Exits 1 on any error, 2 when
// pdfjs-dist is not installed (npm ci).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

let pdfjs;
try {
  pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
} catch (e) {
  console.error(`pdfjs_tree.mjs: pdfjs-dist is not installed (${e.message}): run npm ci`);
  process.exit(2);
}
const file = process.argv[2];
if (!file) {
  console.error("usage: node tests/pdf_tags/pdfjs_tree.mjs FILE.pdf");
  process.exit(1);
}
const dist = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
const warnings = [];
const origWarn = console.warn;
console.warn = (...a) => warnings.push(a.join(" ")); // pdf.js reports warnings through console.warn

function convert(node, texts, page) {
  if (node.type === "content") {
    const mcid = Number(/_mc(\d+)$/.exec(node.id)?.[1] ?? -1);
    return { text: texts.get(node.id) ?? null, mcid, page };
  }
  if (node.type === "annotation" || node.type === "object") return { objr: true };
  return {
    role: node.role === "Root" ? "StructTreeRoot" : node.role,
    alt: node.alt ?? null,
    attrs: {},
    kids: (node.children ?? []).map((k) => convert(k, texts, page)),
  };
}

/** Text of each marked-content id, pieces appended to the innermost open id. */
function textsOf(content) {
  const texts = new Map();
  const open = [];
  for (const item of content.items) {
    if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
      open.push(item.id ?? null);
    } else if (item.type === "endMarkedContent") {
      open.pop();
    } else if (item.str !== undefined) {
      const id = [...open].reverse().find((x) => x);
      if (id) texts.set(id, (texts.get(id) ?? "") + item.str);
    }
  }
  return texts;
}

/** Appends page tree `b` to `a`: root kids are concatenated, merging the first kid of `b` into
 * the last kid of `a` (recursively) when both are elements of the same role. */
function join(a, b) {
  const kids = b.kids.slice();
  const last = a.kids[a.kids.length - 1];
  if (last?.role && kids[0]?.role === last.role && kids[0].alt === last.alt) {
    join(last, kids.shift());
  }
  a.kids.push(...kids);
  return a;
}

try {
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(readFileSync(file)),
    cMapUrl: path.join(dist, "cmaps") + "/",
    cMapPacked: true,
    standardFontDataUrl: path.join(dist, "standard_fonts") + "/",
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 1,
  }).promise;
  const pages = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const texts = textsOf(await page.getTextContent({ includeMarkedContent: true }));
    const tree = await page.getStructTree();
    pages.push(tree ? convert(tree, texts, p - 1) : { role: "StructTreeRoot", alt: null, attrs: {}, kids: [] });
  }
  const tree = pages.map((t) => structuredClone(t)).reduce((a, b) => join(a, b));
  console.warn = origWarn;
  process.stdout.write(JSON.stringify({ reader: "pdfjs", file, warnings, pages, tree }) + "\n");
} catch (e) {
  console.warn = origWarn;
  console.error(`pdfjs_tree.mjs: ${file}: ${e.stack ?? e}`);
  process.exit(1);
}
