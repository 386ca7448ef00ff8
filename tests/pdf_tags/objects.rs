//! The tagged-PDF objects read with lopdf, independently of the three readers: marked content
//! in the page content streams, the structure tree's references to it (MCR, OBJR), the
//! ParentTree, and the catalog entries PDF/UA-1 asks for. Each check returns the problems
//! found, as sentences naming the page or object, so that one assertion lists them all.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Operators that put something on the page.
const PAINTING: &[&str] = &[
    "Tj", "TJ", "'", "\"", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI",
];

pub fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        other => other,
    }
}

pub fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    deref(doc, o).as_dict().ok()
}

pub fn name(o: &Object) -> String {
    o.as_name()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default()
}

/// A PDF text string: UTF-16BE with BOM, else PDFDocEncoding (Latin-1 is close enough).
pub fn text_string(o: &Object) -> Option<String> {
    let bytes = o.as_str().ok()?;
    Some(match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    })
}

/// Page object id → 1-based page number.
pub fn page_numbers(doc: &Document) -> BTreeMap<ObjectId, u32> {
    doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect()
}

/// MCIDs of each page's content stream, in order (a repeated MCID is listed twice), and the
/// problems of its marked content: painting outside any MCID or Artifact sequence (Matterhorn
/// 01-005), an MCID inside an Artifact (01-004) or an Artifact inside an MCID (01-003), nested
/// MCIDs, unbalanced BDC/BMC/EMC.
pub fn page_marked_content(doc: &Document) -> (BTreeMap<ObjectId, Vec<i64>>, Vec<String>) {
    let mut mcids = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, id) in doc.get_pages() {
        let content = match doc.get_and_decode_page_content(id) {
            Ok(c) => c,
            Err(e) => {
                problems.push(format!("page {n}: content stream unreadable: {e}"));
                continue;
            }
        };
        // Open sequences: (is artifact, MCID).
        let mut open: Vec<(bool, Option<i64>)> = Vec::new();
        let mut found = Vec::new();
        let mut outside = 0usize;
        for op in &content.operations {
            match op.operator.as_str() {
                "BMC" | "BDC" => {
                    let tag = op.operands.first().map(name).unwrap_or_default();
                    let mcid = op
                        .operands
                        .get(1)
                        .and_then(|p| dict(doc, p))
                        .and_then(|d| d.get(b"MCID").ok())
                        .and_then(|m| m.as_i64().ok());
                    let artifact = tag == "Artifact";
                    let in_artifact = open.iter().any(|(a, _)| *a);
                    let in_mcid = open.iter().any(|(_, m)| m.is_some());
                    if mcid.is_some() && in_artifact {
                        problems.push(format!("page {n}: MCID {mcid:?} inside an Artifact"));
                    }
                    if mcid.is_some() && in_mcid {
                        problems.push(format!("page {n}: MCID {mcid:?} nested in another MCID"));
                    }
                    if artifact && in_mcid {
                        problems.push(format!("page {n}: an Artifact inside tagged content"));
                    }
                    if let Some(m) = mcid {
                        found.push(m);
                    }
                    open.push((artifact, mcid));
                }
                // The guard closes the sequence; an EMC with nothing open is reported.
                "EMC" if open.pop().is_none() => {
                    problems.push(format!("page {n}: EMC without BMC/BDC"));
                }
                op if PAINTING.contains(&op) && !open.iter().any(|(a, m)| *a || m.is_some()) => {
                    outside += 1;
                }
                _ => {}
            }
        }
        if !open.is_empty() {
            problems.push(format!(
                "page {n}: {} marked-content sequence(s) not closed",
                open.len()
            ));
        }
        if outside > 0 {
            problems.push(format!(
                "page {n}: {outside} painting operator(s) neither in a structure element's marked content nor an Artifact"
            ));
        }
        mcids.insert(id, found);
    }
    (mcids, problems)
}

/// What the structure tree references: (page, MCID) → elements, annotation → elements,
/// and each element's role, for every element reachable from StructTreeRoot /K.
#[derive(Default)]
pub struct Refs {
    pub mcrs: BTreeMap<(ObjectId, i64), Vec<ObjectId>>,
    pub objrs: BTreeMap<ObjectId, Vec<ObjectId>>,
    pub roles: BTreeMap<ObjectId, String>,
    pub problems: Vec<String>,
}

pub fn struct_refs(doc: &Document) -> Refs {
    let mut refs = Refs::default();
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|r| r.as_reference().ok())
    else {
        refs.problems
            .push("no StructTreeRoot in the catalog".into());
        return refs;
    };
    let root_dict = doc.get_dictionary(root).expect("StructTreeRoot dictionary");
    let mut stack: Vec<(ObjectId, ObjectId, Option<ObjectId>)> = Vec::new(); // (elem, parent, Pg)
    let push_kids = |k: &Object, parent: ObjectId, pg: Option<ObjectId>, stack: &mut Vec<_>| {
        let items: Vec<Object> = match deref(doc, k) {
            Object::Array(a) => a.clone(),
            _ => vec![k.clone()],
        };
        for it in items.iter().rev() {
            if let Object::Reference(id) = it
                && doc.get_dictionary(*id).is_ok_and(|d| d.has(b"S"))
            {
                stack.push((*id, parent, pg));
            }
        }
    };
    if let Ok(k) = root_dict.get(b"K") {
        push_kids(k, root, None, &mut stack);
    }
    while let Some((id, parent, inherited_pg)) = stack.pop() {
        if refs.roles.contains_key(&id) {
            refs.problems.push(format!("element {id:?} reached twice"));
            continue;
        }
        let d = doc.get_dictionary(id).expect("element");
        let role = d.get(b"S").map(name).unwrap_or_default();
        refs.roles.insert(id, role.clone());
        if d.get(b"P").ok().and_then(|p| p.as_reference().ok()) != Some(parent) {
            refs.problems
                .push(format!("{role} {id:?}: /P is not its parent"));
        }
        let pg = d
            .get(b"Pg")
            .ok()
            .and_then(|p| p.as_reference().ok())
            .or(inherited_pg);
        let Ok(k) = d.get(b"K") else { continue };
        let items: Vec<Object> = match deref(doc, k) {
            Object::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        for it in &items {
            match it {
                Object::Integer(m) => match pg {
                    Some(p) => refs.mcrs.entry((p, *m)).or_default().push(id),
                    None => refs
                        .problems
                        .push(format!("{role} {id:?}: MCID {m} without /Pg")),
                },
                Object::Dictionary(kd) => {
                    let kpg = kd
                        .get(b"Pg")
                        .ok()
                        .and_then(|p| p.as_reference().ok())
                        .or(pg);
                    match kd.get(b"Type").map(name).unwrap_or_default().as_str() {
                        "MCR" => {
                            let m = kd.get(b"MCID").and_then(|m| m.as_i64()).unwrap_or(-1);
                            match kpg {
                                Some(p) => refs.mcrs.entry((p, m)).or_default().push(id),
                                None => refs
                                    .problems
                                    .push(format!("{role} {id:?}: MCR without /Pg")),
                            }
                        }
                        "OBJR" => {
                            if let Ok(o) = kd.get(b"Obj").and_then(|o| o.as_reference()) {
                                refs.objrs.entry(o).or_default().push(id);
                            }
                        }
                        other => refs
                            .problems
                            .push(format!("{role} {id:?}: kid of type {other:?}")),
                    }
                }
                Object::Reference(r) => {
                    if let Ok(kd) = doc.get_dictionary(*r)
                        && name(kd.get(b"Type").unwrap_or(&Object::Null)) == "OBJR"
                    {
                        if let Ok(o) = kd.get(b"Obj").and_then(|o| o.as_reference()) {
                            refs.objrs.entry(o).or_default().push(id);
                        }
                    } else {
                        push_kids(it, id, pg, &mut stack);
                    }
                }
                other => refs
                    .problems
                    .push(format!("{role} {id:?}: unexpected kid {other:?}")),
            }
        }
    }
    refs
}

/// The ParentTree number tree flattened: key → value.
pub fn parent_tree(doc: &Document) -> BTreeMap<i64, Object> {
    fn go(doc: &Document, node: &Dictionary, out: &mut BTreeMap<i64, Object>, depth: usize) {
        if depth > 16 {
            return;
        }
        if let Ok(nums) = node.get(b"Nums").map(|n| deref(doc, n))
            && let Ok(a) = nums.as_array()
        {
            for pair in a.chunks(2) {
                if let (Ok(k), Some(v)) = (pair[0].as_i64(), pair.get(1)) {
                    out.insert(k, v.clone());
                }
            }
        }
        if let Ok(kids) = node.get(b"Kids").map(|k| deref(doc, k))
            && let Ok(a) = kids.as_array()
        {
            for k in a {
                if let Some(d) = dict(doc, k) {
                    go(doc, d, out, depth + 1);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    let pt = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|r| dict(doc, r))
        .and_then(|r| r.get(b"ParentTree").ok())
        .and_then(|p| dict(doc, p));
    if let Some(pt) = pt {
        go(doc, pt, &mut out, 0);
    }
    out
}

/// Every MCID of every page referenced exactly once by the structure tree and listed for
/// that element in the ParentTree; every reference pointing at content that exists; every
/// annotation in the tree through one OBJR and its /StructParent.
pub fn parent_tree_problems(doc: &Document) -> Vec<String> {
    let pages = page_numbers(doc);
    // Painting outside marked content is the other test's (page_marked_content) business.
    let (mcids, _) = page_marked_content(doc);
    let mut problems = Vec::new();
    let refs = struct_refs(doc);
    problems.extend(refs.problems.iter().cloned());
    let pt = parent_tree(doc);
    for (page, list) in &mcids {
        let n = pages[page];
        let unique: BTreeSet<i64> = list.iter().copied().collect();
        if unique.len() != list.len() {
            problems.push(format!("page {n}: an MCID is used twice in the content"));
        }
        let pd = doc.get_dictionary(*page).unwrap();
        let array = pd
            .get(b"StructParents")
            .and_then(|s| s.as_i64())
            .ok()
            .and_then(|k| pt.get(&k))
            .and_then(|v| deref(doc, v).as_array().ok().cloned());
        if !unique.is_empty() && array.is_none() {
            problems.push(format!(
                "page {n}: no /StructParents array in the ParentTree"
            ));
        }
        let array = array.unwrap_or_default();
        for m in &unique {
            let owners = refs.mcrs.get(&(*page, *m)).cloned().unwrap_or_default();
            if owners.len() != 1 {
                problems.push(format!(
                    "page {n}: MCID {m} is referenced by {} structure elements",
                    owners.len()
                ));
            }
            let listed = array.get(*m as usize).and_then(|o| o.as_reference().ok());
            if owners.len() == 1 && listed != Some(owners[0]) {
                problems.push(format!(
                    "page {n}: ParentTree entry for MCID {m} is {listed:?}, not its element {:?}",
                    owners[0]
                ));
            }
        }
        for (i, o) in array.iter().enumerate() {
            if !matches!(o, Object::Null) && !unique.contains(&(i as i64)) {
                problems.push(format!(
                    "page {n}: ParentTree lists MCID {i}, absent from the page"
                ));
            }
        }
    }
    for (page, m) in refs.mcrs.keys() {
        let present = mcids.get(page).is_some_and(|l| l.contains(m));
        if !present {
            let n = pages.get(page).copied().unwrap_or(0);
            problems.push(format!(
                "the tree references MCID {m} of page {n}, which has none"
            ));
        }
    }
    problems.extend(annotation_problems(doc, &refs, &pt));
    problems
}

/// Each annotation: in the tree once through an OBJR of a Link element, /StructParent pointing
/// at that element, /Contents present (Matterhorn 28-011, 28-012); its page has /Tabs /S
/// (28-008, 28-009).
fn annotation_problems(doc: &Document, refs: &Refs, pt: &BTreeMap<i64, Object>) -> Vec<String> {
    let mut problems = Vec::new();
    for (n, page) in doc.get_pages() {
        let pd = doc.get_dictionary(page).unwrap();
        let annots: Vec<ObjectId> = pd
            .get(b"Annots")
            .map(|a| deref(doc, a))
            .and_then(|a| a.as_array())
            .map(|a| a.iter().filter_map(|o| o.as_reference().ok()).collect())
            .unwrap_or_default();
        if annots.is_empty() {
            continue;
        }
        if pd.get(b"Tabs").map(name).unwrap_or_default() != "S" {
            problems.push(format!("page {n}: has annotations but no /Tabs /S"));
        }
        for a in annots {
            let ad = doc.get_dictionary(a).unwrap();
            let subtype = ad.get(b"Subtype").map(name).unwrap_or_default();
            let owners = refs.objrs.get(&a).cloned().unwrap_or_default();
            if owners.len() != 1 {
                problems.push(format!(
                    "page {n}: {subtype} annotation {a:?} is in the tree {} times",
                    owners.len()
                ));
                continue;
            }
            let role = &refs.roles[&owners[0]];
            if subtype == "Link" && role != "Link" {
                problems.push(format!(
                    "page {n}: Link annotation {a:?} is inside {role}, not Link"
                ));
            }
            let sp = ad.get(b"StructParent").and_then(|s| s.as_i64()).ok();
            let listed = sp
                .and_then(|k| pt.get(&k))
                .and_then(|o| o.as_reference().ok());
            if listed != Some(owners[0]) {
                problems.push(format!(
                    "page {n}: annotation {a:?} /StructParent does not lead to its element"
                ));
            }
            if ad
                .get(b"Contents")
                .ok()
                .and_then(text_string)
                .is_none_or(|c| c.trim().is_empty())
            {
                problems.push(format!(
                    "page {n}: {subtype} annotation {a:?} has no /Contents"
                ));
            }
        }
    }
    problems
}
