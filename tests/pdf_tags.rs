//! Tagged PDF (PDF/UA-1) as the writer makes it, checked on PDFs built by the real binary:
//! the object structure with lopdf (structure tree, parent tree, marked content of every
//! content stream decoded with `lopdf::content::Content`, annotations, XMP), the text of the
//! structure with poppler (`pdfinfo -struct-text`), and `qpdf --check`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

const SURVEY_ALT: &str = "今後の業務に活用できるか（区職員、回答25名）：活かせる12名（48%）、やや活かせる12名（48%）、あまり活かせない1名（4%）";
const PARA_1: &str = "皆さま、いつもお世話になっております。第２回の連絡会には新人コーディネーター10名が参加しました。";
const PARA_2: &str = "取組みの一覧は在宅医療・介護連携推進事業のページにまとめています。";

/// An issue with every kind of block, long enough for a table header to repeat.
fn issue() -> String {
    let mut rows = String::new();
    for i in 0..70 {
        rows.push_str(&format!("| 行{i}の職種 | {i}名 |\n"));
    }
    let body = format!(
        "## はじめに\n\n{PARA_1}\n\n\
取組みの一覧は[在宅医療・介護連携推進事業のページ](https://www.city.example.lg.jp/kenko/zaitaku/)にまとめています。\n\n\
### 開催の概要\n\n- 日時は７月26日です。\n- 形式は参集です。\n\n1. 年間計画を立てる\n2. 相談しあう\n\n\
> 顔を合わせて話ができました。\n\n\
#### 深い見出し\n\n区職員の皆さまにお聞きしました[^r]。\n\n\
```survey\nquestion: 今後の業務に活用できるか\ngroup: 区職員\nanswers:\n  活かせる: 12\n  やや活かせる: 12\n  あまり活かせない: 1\n```\n\n\
![研修会の会場の様子](kaijo.png)\n\n![-](kazari.png)\n\n\
## 参加者\n\n| 見出しA | 見出しB |\n|---|---:|\n{rows}\n\
[^r]: 割合は回答者数に対するものです。\n"
    );
    newsletter(2, "2021-09-30", "コーディネーター連絡会通信 第２号", &body)
}

fn own_site() -> Fixture {
    let f = Fixture::new(&[
        ("content/newsletters/2021-09-vol02.md", &issue()),
        (
            "content/events/2021-08-tabunya.md",
            "---\ntitle: 多分野合同研修会\nstatus: postponed\nsessions:\n  - start: 2021-08-23T14:15\n    end: 2021-08-23T16:15\nvenue: 天王寺区民センター\nlecturers:\n  - name: 杉本百合子\n    affiliation: 大阪市立大学\n---\n\n研修の内容です。\n",
        ),
    ]);
    f.write_bytes("content/newsletters/kaijo.png", &tiny_png(90));
    f.write_bytes("content/newsletters/kazari.png", &tiny_png(200));
    f
}

/// The repository's example site (site.yaml and content/).
fn example_site() -> Fixture {
    let f = Fixture::new(&[]);
    let repo = repo_root();
    f.write(
        "site.yaml",
        &std::fs::read_to_string(repo.join("site.yaml")).unwrap(),
    );
    for e in walkdir::WalkDir::new(repo.join("content")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&repo).unwrap();
            f.write_bytes(rel.to_str().unwrap(), &std::fs::read(e.path()).unwrap());
        }
    }
    f
}

fn built(f: &Fixture) -> Vec<PathBuf> {
    let o = f.run(TODAY, &[]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    let pdfs = pdf_files(&f.out());
    assert!(!pdfs.is_empty());
    pdfs
}

// ---------------------------------------------------------------------------------------------
// Reading the structure with lopdf

#[derive(Debug)]
enum Kid {
    /// A child element (listed after its parent in `tree`'s output).
    Elem,
    Mcr(ObjectId, i64),
    Objr(ObjectId),
}

#[derive(Debug)]
struct Elem {
    id: Option<ObjectId>,
    role: String,
    kids: Vec<Kid>,
    dict: Dictionary,
}

/// The structure tree in document order (element 0 is the first child of the root).
fn tree(doc: &Document) -> Vec<Elem> {
    let root = doc
        .catalog()
        .unwrap()
        .get(b"StructTreeRoot")
        .and_then(Object::as_reference)
        .expect("catalog has /StructTreeRoot");
    let root = doc.get_dictionary(root).unwrap();
    let mut out = Vec::new();
    let k = root.get(b"K").unwrap().clone();
    for o in list(&k) {
        let id = o.as_reference().expect("root kids are references");
        read_elem(doc, id, None, &mut out);
    }
    out
}

fn list(o: &Object) -> Vec<Object> {
    match o {
        Object::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

fn read_elem(doc: &Document, id: ObjectId, pg: Option<ObjectId>, out: &mut Vec<Elem>) -> usize {
    let dict = doc.get_dictionary(id).unwrap().clone();
    let role = String::from_utf8(dict.get(b"S").unwrap().as_name().unwrap().to_vec()).unwrap();
    let pg = dict.get(b"Pg").and_then(Object::as_reference).ok().or(pg);
    let at = out.len();
    out.push(Elem {
        id: Some(id),
        role,
        kids: Vec::new(),
        dict: dict.clone(),
    });
    let mut kids = Vec::new();
    if let Ok(k) = dict.get(b"K") {
        for kid in list(k) {
            match kid {
                Object::Integer(m) => kids.push(Kid::Mcr(pg.expect("MCID without /Pg"), m)),
                Object::Dictionary(d) => {
                    let ty = d.get(b"Type").unwrap().as_name().unwrap();
                    let page = d.get(b"Pg").and_then(Object::as_reference).ok().or(pg);
                    if ty == b"MCR" {
                        let m = d.get(b"MCID").unwrap().as_i64().unwrap();
                        kids.push(Kid::Mcr(page.unwrap(), m));
                    } else {
                        assert_eq!(ty, b"OBJR");
                        kids.push(Kid::Objr(d.get(b"Obj").unwrap().as_reference().unwrap()));
                    }
                }
                Object::Reference(r) => {
                    read_elem(doc, r, pg, out);
                    kids.push(Kid::Elem);
                }
                other => panic!("unexpected kid {other:?}"),
            }
        }
    }
    out[at].kids = kids;
    at
}

/// The parent tree as number → value.
fn parent_tree(doc: &Document) -> BTreeMap<i64, Object> {
    let root = doc
        .catalog()
        .unwrap()
        .get(b"StructTreeRoot")
        .and_then(Object::as_reference)
        .unwrap();
    let root = doc.get_dictionary(root).unwrap();
    let pt = doc
        .get_dictionary(root.get(b"ParentTree").unwrap().as_reference().unwrap())
        .unwrap();
    let mut out = BTreeMap::new();
    fn walk(doc: &Document, d: &Dictionary, out: &mut BTreeMap<i64, Object>) {
        if let Ok(nums) = d.get(b"Nums").and_then(Object::as_array) {
            for pair in nums.chunks(2) {
                let key = pair[0].as_i64().unwrap();
                assert!(
                    out.insert(key, pair[1].clone()).is_none(),
                    "key {key} twice"
                );
            }
        }
        if let Ok(kids) = d.get(b"Kids").and_then(Object::as_array) {
            for k in kids {
                walk(
                    doc,
                    doc.get_dictionary(k.as_reference().unwrap()).unwrap(),
                    out,
                );
            }
        }
    }
    walk(doc, pt, &mut out);
    out
}

/// Marked content of one page: MCIDs in content order and every painting operator that is
/// neither inside an MCID sequence nor inside an artifact (or is inside both).
fn marked_content(doc: &Document, page: ObjectId) -> (Vec<i64>, Vec<String>) {
    let bytes = doc.get_page_content(page);
    let content = Content::decode(&bytes).unwrap();
    let painting = [
        "Tj", "TJ", "'", "\"", "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "BI",
    ];
    // (is artifact, has MCID) of each open sequence.
    let mut stack: Vec<(bool, bool)> = Vec::new();
    let mut mcids = Vec::new();
    let mut bad = Vec::new();
    for op in &content.operations {
        match op.operator.as_str() {
            "BMC" => {
                let art = op.operands[0].as_name().unwrap() == b"Artifact";
                stack.push((art, false));
            }
            "BDC" => {
                let art = op.operands[0].as_name().unwrap() == b"Artifact";
                let mcid = match &op.operands[1] {
                    Object::Dictionary(d) => d.get(b"MCID").and_then(Object::as_i64).ok(),
                    _ => None,
                };
                if let Some(m) = mcid {
                    if stack.iter().any(|&(a, m)| a || m) {
                        bad.push(format!("MCID {m} nested in tagged content or an artifact"));
                    }
                    mcids.push(m);
                }
                if art && stack.iter().any(|&(_, m)| m) {
                    bad.push("artifact inside tagged content".into());
                }
                stack.push((art, mcid.is_some()));
            }
            "EMC" => {
                assert!(stack.pop().is_some(), "EMC without BMC/BDC");
            }
            o if painting.contains(&o) && !stack.iter().any(|&(a, m)| a || m) => {
                bad.push(format!("`{o}` outside marked content"));
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed marked content");
    (mcids, bad)
}

/// `pdfinfo -struct-text`: (depth, line) pairs.
fn struct_text(pdf: &Path) -> Vec<(usize, String)> {
    let out = tool_ok("pdfinfo", ["-struct-text".as_ref(), pdf.as_os_str()]);
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let depth = l.len() - l.trim_start().len();
            (depth, l.trim().to_owned())
        })
        .collect()
}

/// The text under each element named `role` in `pdfinfo -struct-text` (quoted lines of
/// its subtree joined).
fn texts_of(lines: &[(usize, String)], role: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (d, l)) in lines.iter().enumerate() {
        // `TH:` when attributes follow, `Note <id>` with an ID.
        let name = l
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(':');
        if name != role {
            continue;
        }
        let mut t = String::new();
        for (d2, l2) in &lines[i + 1..] {
            if d2 <= d {
                break;
            }
            if let Some(q) = l2.strip_prefix('"') {
                t.push_str(q.strip_suffix('"').unwrap_or(q));
            }
        }
        out.push(t);
    }
    out
}

fn name(d: &Dictionary, key: &[u8]) -> Option<String> {
    d.get(key)
        .and_then(Object::as_name)
        .ok()
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

fn text(o: &Object) -> String {
    let b = o.as_str().unwrap();
    if b.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = b[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8_lossy(b).into_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

/// Everything PDF/UA asks of the file's objects, for one PDF.
fn assert_tagged(pdf: &Path) {
    let doc = Document::load(pdf).unwrap();
    let shown = pdf.display();
    let catalog = doc.catalog().unwrap();
    let marked = catalog
        .get(b"MarkInfo")
        .and_then(Object::as_dict)
        .and_then(|d| d.get(b"Marked"))
        .and_then(Object::as_bool);
    assert_eq!(marked.ok(), Some(true), "{shown}: /MarkInfo");
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"ja");
    let xmp = doc
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap()
        .content
        .clone();
    let xmp = String::from_utf8(xmp).expect("XMP is uncompressed UTF-8");
    for needle in [
        "<pdfuaid:part>1</pdfuaid:part>",
        "<dc:language><rdf:Bag><rdf:li>ja</rdf:li>",
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">",
        "<dc:creator><rdf:Seq><rdf:li>",
    ] {
        assert!(xmp.contains(needle), "{shown}: XMP lacks {needle}:\n{xmp}");
    }
    let info = doc
        .get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    let title = text(info.get(b"Title").unwrap());
    assert!(
        xmp.contains(&format!("x-default\">{title}<")),
        "{shown}: dc:title"
    );

    let elems = tree(&doc);
    assert_eq!(elems[0].role, "Document", "{shown}");
    let pt = parent_tree(&doc);
    // Every MCR of the tree, with the element holding it.
    let mut in_tree: BTreeMap<(ObjectId, i64), usize> = BTreeMap::new();
    let mut objrs: BTreeMap<ObjectId, usize> = BTreeMap::new();
    for (i, e) in elems.iter().enumerate() {
        for k in &e.kids {
            match k {
                Kid::Mcr(p, m) => {
                    assert!(
                        in_tree.insert((*p, *m), i).is_none(),
                        "{shown}: MCID {m} twice"
                    )
                }
                Kid::Objr(o) => assert!(objrs.insert(*o, i).is_none(), "{shown}: OBJR twice"),
                Kid::Elem => {}
            }
        }
    }
    let mut in_content = BTreeSet::new();
    for (n, page) in doc.get_pages() {
        let (mcids, bad) = marked_content(&doc, page);
        assert!(bad.is_empty(), "{shown} page {n}: {bad:?}");
        let unique: BTreeSet<i64> = mcids.iter().copied().collect();
        assert_eq!(unique.len(), mcids.len(), "{shown} page {n}: MCIDs repeat");
        let pd = doc.get_dictionary(page).unwrap();
        let sp = pd.get(b"StructParents").unwrap().as_i64().unwrap();
        let arr = pt[&sp].as_array().unwrap();
        assert_eq!(
            arr.len(),
            mcids.len(),
            "{shown} page {n}: parent tree entries"
        );
        for m in &mcids {
            in_content.insert((page, *m));
            let holder = in_tree
                .get(&(page, *m))
                .unwrap_or_else(|| panic!("{shown} page {n}: MCID {m} is in no element"));
            assert_eq!(
                arr[*m as usize].as_reference().unwrap(),
                elems[*holder].id.unwrap(),
                "{shown} page {n}: parent tree of MCID {m}"
            );
        }
        // Annotations: in a Link, with /StructParent, /Contents and tab order.
        let annots = pd
            .get(b"Annots")
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default();
        if !annots.is_empty() {
            assert_eq!(name(pd, b"Tabs").as_deref(), Some("S"), "{shown}: /Tabs");
        }
        for a in annots {
            let id = a.as_reference().expect("annotations are indirect");
            let ad = doc.get_dictionary(id).unwrap();
            let holder = objrs[&id];
            assert_eq!(elems[holder].role, "Link");
            let key = ad.get(b"StructParent").unwrap().as_i64().unwrap();
            assert_eq!(pt[&key].as_reference().unwrap(), elems[holder].id.unwrap());
            assert!(!text(ad.get(b"Contents").unwrap()).trim().is_empty());
        }
    }
    let tree_set: BTreeSet<(ObjectId, i64)> = in_tree.keys().copied().collect();
    assert_eq!(
        tree_set, in_content,
        "{shown}: MCIDs of the tree and of the pages"
    );
    // Every figure says what it shows and where.
    for e in elems.iter().filter(|e| e.role == "Figure") {
        assert!(!text(e.dict.get(b"Alt").unwrap()).trim().is_empty());
        let a = e.dict.get(b"A").unwrap().as_dict().unwrap();
        assert_eq!(a.get(b"BBox").unwrap().as_array().unwrap().len(), 4);
    }
    // Headings never skip a level.
    let mut level = 0;
    for e in &elems {
        if let Some(l) = e.role.strip_prefix('H').and_then(|l| l.parse::<u32>().ok()) {
            assert!(l <= level + 1, "{shown}: H{l} after H{level}");
            level = l;
        }
    }
    tool_ok("qpdf", ["--check".as_ref(), pdf.as_os_str()]);
    // MuPDF reads the object streams and says nothing is wrong.
    let o = tool("mutool", ["info".as_ref(), pdf.as_os_str()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && !err.contains("error"),
        "{shown}: mutool: {err}"
    );
}

#[test]
fn every_example_pdf_is_tagged_to_the_letter() {
    let f = example_site();
    for pdf in built(&f) {
        assert_tagged(&pdf);
    }
}

#[test]
fn every_block_kind_is_tagged_and_marked() {
    let f = own_site();
    for pdf in built(&f) {
        assert_tagged(&pdf);
    }
}

fn issue_pdf(f: &Fixture) -> PathBuf {
    built(f)
        .into_iter()
        .find(|p| {
            let p = p.to_string_lossy();
            p.contains("newsletters") && !p.ends_with("合本.pdf")
        })
        .expect("the issue's PDF")
}

#[test]
fn structure_follows_the_markdown() {
    let f = own_site();
    let pdf = issue_pdf(&f);
    let doc = Document::load(&pdf).unwrap();
    let elems = tree(&doc);
    let roles: Vec<&str> = elems.iter().map(|e| e.role.as_str()).collect();
    let headings: Vec<&str> = roles
        .iter()
        .copied()
        .filter(|r| r.len() == 2 && r.starts_with('H'))
        .collect();
    // The name is the H1 (the title says nothing more); ## → H2, ### → H3, #### → H4.
    assert_eq!(headings, ["H1", "H2", "H3", "H4", "H2"]);
    let lines = struct_text(&pdf);
    assert_eq!(texts_of(&lines, "H2"), ["はじめに", "参加者"], "{lines:#?}");
    assert_eq!(texts_of(&lines, "H3"), ["開催の概要"]);
    assert_eq!(texts_of(&lines, "H4"), ["深い見出し"]);
    // Reading order: the paragraphs as written, the link inside its paragraph.
    let ps = texts_of(&lines, "P");
    let at = |t: &str| {
        ps.iter()
            .position(|p| p == t)
            .unwrap_or_else(|| panic!("{t} not a P in {ps:#?}"))
    };
    assert!(at(PARA_1) < at(PARA_2));
    // The link: a Link element holding the annotation, which says the link's text, and the
    // text itself (its own marked content and ActualText span).
    let mut contents = Vec::new();
    for (_, page) in doc.get_pages() {
        let pd = doc.get_dictionary(page).unwrap();
        let annots = pd.get(b"Annots").and_then(Object::as_array).cloned();
        for a in annots.unwrap_or_default() {
            let ad = doc.get_dictionary(a.as_reference().unwrap()).unwrap();
            let uri = ad
                .get(b"A")
                .and_then(Object::as_dict)
                .and_then(|d| d.get(b"URI"))
                .map(|u| String::from_utf8_lossy(u.as_str().unwrap()).into_owned());
            if uri.ok().as_deref() == Some("https://www.city.example.lg.jp/kenko/zaitaku/") {
                contents.push(text(ad.get(b"Contents").unwrap()));
            }
        }
    }
    assert_eq!(contents, ["在宅医療・介護連携推進事業のページ"]);
    assert!(roles.contains(&"Link"));
    // Lists, quote, note.
    for role in [
        "L",
        "LI",
        "Lbl",
        "LBody",
        "BlockQuote",
        "Note",
        "Table",
        "THead",
        "TBody",
    ] {
        assert!(roles.contains(&role), "no {role} in {roles:?}");
    }
    // Numbers and the note's label are text; the two bullets are drawn shapes, the content
    // of their Lbl.
    assert_eq!(texts_of(&lines, "Lbl"), ["", "", "1.", "2.", "注1"]);
    // The footnote reference: a Reference holding the Link to the note.
    assert_eq!(texts_of(&lines, "Reference"), ["1"]);
    assert!(texts_of(&lines, "BlockQuote")[0].contains("顔を合わせて話ができました。"));
    assert!(texts_of(&lines, "Note")[0].contains("割合は回答者数に対するものです。"));
    // The header row is read once although it is drawn on every page of the table.
    let th: Vec<&Elem> = elems.iter().filter(|e| e.role == "TH").collect();
    assert_eq!(th.len(), 2);
    for e in &th {
        let a = e.dict.get(b"A").unwrap().as_dict().unwrap();
        assert_eq!(name(a, b"Scope").as_deref(), Some("Column"));
    }
    assert_eq!(texts_of(&lines, "TH"), ["見出しA", "見出しB"]);
    let drawn = pdftotext(&pdf).matches("見出しA").count();
    assert!(drawn >= 2, "the header row is not repeated: {drawn}");
    assert_eq!(elems.iter().filter(|e| e.role == "TR").count(), 71);
}

#[test]
fn survey_chart_is_one_figure_that_says_every_figure() {
    let f = own_site();
    let pdf = issue_pdf(&f);
    let doc = Document::load(&pdf).unwrap();
    let alts: Vec<String> = tree(&doc)
        .iter()
        .filter(|e| e.role == "Figure")
        .map(|e| text(e.dict.get(b"Alt").unwrap()))
        .collect();
    assert_eq!(alts, [SURVEY_ALT, "研修会の会場の様子"]);
    // Its printed labels are the Figure's content, never a paragraph of their own.
    let lines = struct_text(&pdf);
    let outside: Vec<String> = texts_of(&lines, "P")
        .into_iter()
        .filter(|t| t.contains("12名（48%）") || t.contains("回答数"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    assert!(texts_of(&lines, "Figure")[0].contains("12名（48%）"));
}

#[test]
fn decorative_image_is_an_artifact_and_a_missing_alt_is_a_located_error() {
    let f = own_site();
    let pdf = issue_pdf(&f);
    let doc = Document::load(&pdf).unwrap();
    // Two images drawn, one Figure (the decorative one is an artifact).
    let mut drawn = 0;
    for (_, page) in doc.get_pages() {
        let content = Content::decode(&doc.get_page_content(page)).unwrap();
        drawn += content
            .operations
            .iter()
            .filter(|o| o.operator == "Do")
            .count();
    }
    assert_eq!(drawn, 2);
    let html = f.read("newsletters/2021-09-vol02.html");
    assert!(html.contains("kazari.png\" alt=\"\""), "{html}");

    let f = own_site();
    f.write(
        "content/newsletters/2021-09-vol02.md",
        &issue().replace("![-](kazari.png)", "![](kazari.png)"),
    );
    let o = f.run(TODAY, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    let line = issue()
        .lines()
        .position(|l| l.starts_with("![-](kazari.png)"))
        .unwrap()
        + 1;
    let at = format!(
        "content/newsletters/2021-09-vol02.md:{line}:1: image `kazari.png` has no alternative text"
    );
    assert!(err.contains(&at), "{at} not in:\n{err}");
    assert!(
        err.contains("![-](kazari.png)"),
        "the fix names the decorative mark:\n{err}"
    );
}

#[test]
fn information_box_is_a_table_with_row_headers() {
    let f = own_site();
    let pdf = built(&f)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("events"))
        .expect("the training's PDF");
    let doc = Document::load(&pdf).unwrap();
    let elems = tree(&doc);
    let lines = struct_text(&pdf);
    assert_eq!(texts_of(&lines, "H1"), ["多分野合同研修会"]);
    assert_eq!(texts_of(&lines, "Caption"), ["開催概要"]);
    assert_eq!(texts_of(&lines, "TH"), ["日時", "場所", "講師"]);
    for e in elems.iter().filter(|e| e.role == "TH") {
        let a = e.dict.get(b"A").unwrap().as_dict().unwrap();
        assert_eq!(name(a, b"Scope").as_deref(), Some("Row"));
    }
    let td = texts_of(&lines, "TD");
    assert!(td[1].contains("天王寺区民センター"), "{td:?}");
    // The status badge and the banner are read, in order, before the title's box.
    let ps = texts_of(&lines, "P");
    let badge = ps.iter().position(|p| p == "延期").expect("badge");
    let banner = ps
        .iter()
        .position(|p| p == "この研修会は延期になりました。")
        .expect("banner");
    assert!(badge < banner);
    // Page numbers and the running header are artifacts: not in the structure.
    assert!(!lines.iter().any(|(_, l)| l.contains("1 / 1")));
}
