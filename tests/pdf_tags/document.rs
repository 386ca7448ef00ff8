//! Document-level PDF/UA-1 requirements read with lopdf: catalog entries (MarkInfo, Lang,
//! DisplayDocTitle, XMP metadata), role mapping, Note IDs, fonts.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Document, Object};

use crate::objects::{deref, dict, name, struct_refs, text_string};

/// The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4).
pub const STANDARD_TYPES: &[&str] = &[
    "Document",
    "Part",
    "Art",
    "Sect",
    "Div",
    "BlockQuote",
    "Caption",
    "TOC",
    "TOCI",
    "Index",
    "NonStruct",
    "Private",
    "P",
    "H",
    "H1",
    "H2",
    "H3",
    "H4",
    "H5",
    "H6",
    "L",
    "LI",
    "Lbl",
    "LBody",
    "Table",
    "TR",
    "TH",
    "TD",
    "THead",
    "TBody",
    "TFoot",
    "Span",
    "Quote",
    "Note",
    "Reference",
    "BibEntry",
    "Code",
    "Link",
    "Annot",
    "Ruby",
    "RB",
    "RT",
    "RP",
    "Warichu",
    "WT",
    "WP",
    "Figure",
    "Formula",
    "Form",
];

/// Catalog-level requirements of PDF/UA-1 and the Matterhorn checkpoints they answer:
/// MarkInfo /Marked true and no /Suspects true (01-007), every role standard or mapped to one
/// without remapping a standard type or a cycle (02-001, 02-003, 02-004), an XMP metadata
/// stream with the PDF/UA identifier and dc:title (06-001..06-003), DisplayDocTitle true
/// (07-001, 07-002), a /Lang (11-001…), every Note with a unique /ID (19-003, 19-004), every
/// font embedded with a ToUnicode map (31-009, 31-027), no encryption (26-001), no optional
/// content, embedded files or XFA (20, 21, 25: not used).
pub fn document_problems(doc: &Document) -> Vec<String> {
    let mut problems = Vec::new();
    let cat = match doc.catalog() {
        Ok(c) => c,
        Err(e) => return vec![format!("no catalog: {e}")],
    };
    let get = |d: &Dictionary, k: &[u8]| d.get(k).ok().map(|o| deref(doc, o).clone());
    let mark = get(cat, b"MarkInfo").and_then(|m| m.as_dict().ok().cloned());
    if mark
        .as_ref()
        .and_then(|m| m.get(b"Marked").ok())
        .and_then(|b| b.as_bool().ok())
        != Some(true)
    {
        problems.push("MarkInfo /Marked is not true".into());
    }
    if mark
        .as_ref()
        .and_then(|m| m.get(b"Suspects").ok())
        .and_then(|b| b.as_bool().ok())
        == Some(true)
    {
        problems.push("MarkInfo /Suspects is true (01-007)".into());
    }
    match get(cat, b"Lang").as_ref().and_then(text_string) {
        Some(l) if !l.trim().is_empty() => {}
        _ => problems.push("no /Lang in the catalog".into()),
    }
    let vp = get(cat, b"ViewerPreferences").and_then(|v| v.as_dict().ok().cloned());
    if vp.and_then(|v| {
        v.get(b"DisplayDocTitle")
            .ok()
            .and_then(|b| b.as_bool().ok())
    }) != Some(true)
    {
        problems.push("ViewerPreferences /DisplayDocTitle is not true (07-001/07-002)".into());
    }
    match get(cat, b"Metadata") {
        Some(Object::Stream(s)) => {
            let xml =
                String::from_utf8_lossy(&s.decompressed_content().unwrap_or(s.content.clone()))
                    .into_owned();
            if !(xml.contains("<pdfuaid:part>1</pdfuaid:part>")
                || xml.contains("pdfuaid:part=\"1\""))
            {
                problems.push("XMP metadata has no pdfuaid:part 1 (06-002)".into());
            }
            if !xml.contains("dc:title") {
                problems.push("XMP metadata has no dc:title (06-003)".into());
            }
        }
        _ => problems.push("no XMP /Metadata stream in the catalog (06-001)".into()),
    }
    if doc.trailer.get(b"Encrypt").is_ok() {
        problems.push("the file is encrypted (26-001)".into());
    }
    for key in [&b"OCProperties"[..], b"Names", b"AcroForm"] {
        if let Some(Object::Dictionary(d)) = get(cat, key)
            && (d.has(b"EmbeddedFiles") || d.has(b"XFA") || key == b"OCProperties")
        {
            problems.push(format!(
                "catalog has {} (not expected)",
                String::from_utf8_lossy(key)
            ));
        }
    }
    problems.extend(role_problems(doc));
    problems.extend(font_problems(doc));
    problems
}

fn role_problems(doc: &Document) -> Vec<String> {
    let mut problems = Vec::new();
    let root = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|r| dict(doc, r));
    let map: BTreeMap<String, String> = root
        .and_then(|r| r.get(b"RoleMap").ok())
        .and_then(|m| dict(doc, m))
        .map(|m| {
            m.iter()
                .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), name(v)))
                .collect()
        })
        .unwrap_or_default();
    for k in map.keys() {
        if STANDARD_TYPES.contains(&k.as_str()) {
            problems.push(format!("RoleMap remaps the standard type {k} (02-004)"));
        }
    }
    let refs = struct_refs(doc);
    let mut notes = BTreeSet::new();
    for (id, role) in &refs.roles {
        let mut r = role.clone();
        let mut seen = BTreeSet::new();
        while !STANDARD_TYPES.contains(&r.as_str()) {
            if !seen.insert(r.clone()) {
                problems.push(format!("{role}: circular role mapping (02-003)"));
                break;
            }
            match map.get(&r) {
                Some(next) => r = next.clone(),
                None => {
                    problems.push(format!(
                        "{role}: not a standard type and not mapped (02-001)"
                    ));
                    break;
                }
            }
        }
        if r == "Note" {
            let d = doc.get_dictionary(*id).unwrap();
            match d.get(b"ID").ok().and_then(|i| i.as_str().ok()) {
                Some(i) if notes.insert(i.to_vec()) => {}
                Some(_) => problems.push(format!("Note {id:?}: /ID used twice (19-004)")),
                None => problems.push(format!("Note {id:?}: no /ID (19-003)")),
            }
        }
    }
    problems
}

/// Every font used by a page: embedded (FontFile, FontFile2 or FontFile3 in its descriptor or
/// its descendant's) and with a ToUnicode map.
fn font_problems(doc: &Document) -> Vec<String> {
    let mut problems = BTreeSet::new();
    for (n, page) in doc.get_pages() {
        let pd = doc.get_dictionary(page).unwrap();
        let fonts = pd
            .get(b"Resources")
            .ok()
            .and_then(|r| dict(doc, r))
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|f| dict(doc, f));
        for (key, f) in fonts
            .map(|f| f.iter().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let Some(fd) = dict(doc, f) else { continue };
            let key = String::from_utf8_lossy(key);
            if !fd.has(b"ToUnicode") {
                problems.insert(format!("page {n}: font {key} has no ToUnicode (31-027)"));
            }
            let desc_font = fd
                .get(b"DescendantFonts")
                .ok()
                .map(|d| deref(doc, d))
                .and_then(|d| d.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|d| dict(doc, d))
                .unwrap_or(fd);
            let embedded = desc_font
                .get(b"FontDescriptor")
                .ok()
                .and_then(|d| dict(doc, d))
                .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
            if !embedded {
                problems.insert(format!("page {n}: font {key} is not embedded (31-009)"));
            }
        }
    }
    problems.into_iter().collect()
}
