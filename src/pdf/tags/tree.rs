//! The structure tree, built with lopdf after printpdf has written the pages: one
//! `StructElem` per element of `draw::Document::structure` that has content, kids in
//! reading order (marked-content references, child elements, link annotations as `OBJR`),
//! the `ParentTree` (page → element of each MCID, annotation → its `Link`), `/StructParents`
//! and `/Tabs /S` on the pages, `/StructParent` and `/Contents` on the annotations, and
//! `/MarkInfo` in the catalog. Elements without content (a paragraph of nothing, the label
//! of a bullet, which is drawn as decoration) are left out; table cells stay, empty or not,
//! so rows keep their columns.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::{Mcid, role_name, scope_name, union};
use crate::pdf::draw::{Document, Role, StructNode};

#[derive(Debug, Clone, Copy)]
enum Kid {
    Node(usize),
    /// (page index, MCID).
    Mcr(usize, usize),
    /// (page index, annotation object).
    Objr(usize, ObjectId),
}

/// Adds the structure tree of `doc` to `lo`. `marks[p]` are the MCIDs of page `p` as the
/// writer emitted them; `content` the first reading order and text of each element's runs
/// (`tags::content_of`); `pages` the page objects in order.
pub(crate) fn build(
    lo: &mut lopdf::Document,
    doc: &Document,
    marks: &[Vec<Mcid>],
    content: &BTreeMap<usize, (u32, String)>,
    pages: &[ObjectId],
) -> Result<(), String> {
    let mut nodes: Vec<StructNode> = if doc.structure.is_empty() {
        vec![StructNode {
            role: Role::Document,
            parent: None,
            order: 0,
            inline: false,
            alt: None,
        }]
    } else {
        doc.structure.clone()
    };
    let mut kids: Vec<Vec<(u32, Kid)>> = vec![Vec::new(); nodes.len()];
    let mut first: Vec<Option<u32>> = (0..nodes.len())
        .map(|n| content.get(&n).map(|c| c.0))
        .collect();
    let mut text: Vec<String> = (0..nodes.len())
        .map(|n| content.get(&n).map(|c| c.1.clone()).unwrap_or_default())
        .collect();
    // An inline element is read where its first content is, a footnote reference where
    // its link is (children come after their parents).
    for i in (1..nodes.len()).rev() {
        if let (Some(p), Some(f)) = (nodes[i].parent, first[i])
            && p < i
            && nodes[p].inline
        {
            first[p] = Some(first[p].map_or(f, |g| g.min(f)));
        }
    }
    for (p, list) in marks.iter().enumerate() {
        for (m, mc) in list.iter().enumerate() {
            let n = mc.node;
            if n >= nodes.len() {
                return Err(format!("MCID {m} of page {} has no element", p + 1));
            }
            kids[n].push((mc.order, Kid::Mcr(p, m)));
        }
    }

    // Annotations become indirect objects with /StructParent, inside their Link.
    let mut parent_tree: Vec<(i64, Object)> = Vec::new();
    let mut next_key = pages.len() as i64;
    let mut annots: Vec<(ObjectId, usize, i64)> = Vec::new();
    for (p, page) in doc.pages.iter().enumerate() {
        let Some(&page_id) = pages.get(p) else {
            continue;
        };
        let list = lo
            .get_dictionary(page_id)
            .ok()
            .and_then(|d| d.get(b"Annots").ok())
            .and_then(|a| a.as_array().ok())
            .cloned()
            .unwrap_or_default();
        if list.len() != page.links.len() {
            return Err(format!(
                "page {}: {} annotations for {} links",
                p + 1,
                list.len(),
                page.links.len()
            ));
        }
        let mut refs = Vec::with_capacity(list.len());
        for (annot, link) in list.into_iter().zip(&page.links) {
            let mut dict = match annot {
                Object::Dictionary(d) => d,
                Object::Reference(id) => lo
                    .get_dictionary(id)
                    .map_err(|e| format!("lopdf: {e}"))?
                    .clone(),
                _ => return Err("an annotation is not a dictionary".into()),
            };
            let node = match link.node.filter(|&n| n < nodes.len()) {
                Some(n) => n,
                None => {
                    // A link the layout did not place in the tree: its own Link element.
                    nodes.push(StructNode {
                        role: Role::Link,
                        parent: Some(0),
                        order: u32::MAX,
                        inline: false,
                        alt: None,
                    });
                    kids.push(Vec::new());
                    first.push(None);
                    text.push(String::new());
                    nodes.len() - 1
                }
            };
            dict.set("StructParent", next_key);
            dict.set("Contents", contents(&text[node], &link.target));
            dict.set("P", page_id);
            let id = lo.add_object(dict);
            kids[node].push((u32::MAX, Kid::Objr(p, id)));
            annots.push((id, node, next_key));
            next_key += 1;
            refs.push(Object::Reference(id));
        }
        if let Ok(d) = lo.get_dictionary_mut(page_id) {
            d.set("StructParents", p as i64);
            if refs.is_empty() {
                d.remove(b"Annots");
            } else {
                d.set("Annots", refs);
                d.set("Tabs", Object::Name(b"S".to_vec()));
            }
        }
    }

    // Which elements are written: those with content, their ancestors, table cells.
    let mut keep = vec![false; nodes.len()];
    keep[0] = true;
    for i in 0..nodes.len() {
        let has = !kids[i].is_empty() || matches!(nodes[i].role, Role::TH(_) | Role::TD);
        if has {
            let mut at = Some(i);
            let mut guard = 0;
            while let Some(n) = at {
                if keep[n] && n != i || guard > nodes.len() {
                    break;
                }
                keep[n] = true;
                at = nodes[n].parent;
                guard += 1;
            }
        }
    }
    for i in 1..nodes.len() {
        if !keep[i] {
            continue;
        }
        let key = match (nodes[i].inline, first[i]) {
            (true, Some(f)) => f,
            _ => nodes[i].order,
        };
        let parent = nodes[i].parent.filter(|&p| p < nodes.len()).unwrap_or(0);
        kids[parent].push((key, Kid::Node(i)));
    }
    for k in &mut kids {
        k.sort_by_key(|(key, _)| *key);
    }

    let ids: Vec<Option<ObjectId>> = keep
        .iter()
        .map(|&k| k.then(|| lo.new_object_id()))
        .collect();
    let root_id = lo.new_object_id();
    let mut per_page: Vec<Vec<Object>> =
        marks.iter().map(|l| vec![Object::Null; l.len()]).collect();
    for (i, node) in nodes.iter().enumerate() {
        let Some(id) = ids[i] else { continue };
        let parent = match node.parent {
            Some(p) => ids.get(p).copied().flatten().unwrap_or(root_id),
            None => root_id,
        };
        let pg = kids[i].iter().find_map(|(_, k)| match k {
            Kid::Mcr(p, _) | Kid::Objr(p, _) => Some(*p),
            Kid::Node(_) => None,
        });
        let mut k_array = Vec::with_capacity(kids[i].len());
        for (_, kid) in &kids[i] {
            k_array.push(match *kid {
                Kid::Node(n) => match ids[n] {
                    Some(c) => Object::Reference(c),
                    None => continue,
                },
                Kid::Mcr(p, m) => {
                    per_page[p][m] = Object::Reference(id);
                    if Some(p) == pg {
                        Object::Integer(m as i64)
                    } else {
                        Object::Dictionary(Dictionary::from_iter(vec![
                            ("Type", Object::Name(b"MCR".to_vec())),
                            ("Pg", Object::Reference(pages[p])),
                            ("MCID", Object::Integer(m as i64)),
                        ]))
                    }
                }
                Kid::Objr(p, annot) => Object::Dictionary(Dictionary::from_iter(vec![
                    ("Type", Object::Name(b"OBJR".to_vec())),
                    ("Pg", Object::Reference(pages[p])),
                    ("Obj", Object::Reference(annot)),
                ])),
            });
        }
        let mut d = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(role_name(node.role).into_bytes())),
            ("P", Object::Reference(parent)),
            ("K", Object::Array(k_array)),
        ]);
        if let Some(p) = pg {
            d.set("Pg", pages[p]);
        }
        attributes(&mut d, node, i, &kids[i], marks);
        lo.objects.insert(id, Object::Dictionary(d));
    }
    for (p, list) in per_page.into_iter().enumerate() {
        parent_tree.push((p as i64, Object::Array(list)));
    }
    for (_, node, key) in &annots {
        if let Some(id) = ids[*node] {
            parent_tree.push((*key, Object::Reference(id)));
        }
    }
    parent_tree.sort_by_key(|(k, _)| *k);
    let nums: Vec<Object> = parent_tree
        .into_iter()
        .flat_map(|(k, v)| [Object::Integer(k), v])
        .collect();
    let parent_tree_id = lo.add_object(Dictionary::from_iter(vec![("Nums", Object::Array(nums))]));
    let document = ids[0].ok_or("no document element")?;
    let root = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"StructTreeRoot".to_vec())),
        ("K", Object::Reference(document)),
        ("ParentTree", Object::Reference(parent_tree_id)),
        ("ParentTreeNextKey", Object::Integer(next_key)),
    ]);
    lo.objects.insert(root_id, Object::Dictionary(root));
    let catalog = lo.catalog_mut().map_err(|e| format!("lopdf: {e}"))?;
    catalog.set("StructTreeRoot", root_id);
    catalog.set(
        "MarkInfo",
        Dictionary::from_iter(vec![("Marked", Object::Boolean(true))]),
    );
    Ok(())
}

/// `/Alt`, `/A` (table scope, figure box) and `/ID` of an element.
fn attributes(
    d: &mut Dictionary,
    node: &StructNode,
    index: usize,
    kids: &[(u32, Kid)],
    marks: &[Vec<Mcid>],
) {
    if let Some(alt) = node.alt.as_deref().filter(|a| !a.trim().is_empty()) {
        d.set("Alt", super::text_string(alt));
    }
    match node.role {
        Role::TH(scope) => d.set(
            "A",
            Dictionary::from_iter(vec![
                ("O", Object::Name(b"Table".to_vec())),
                ("Scope", Object::Name(scope_name(scope).to_vec())),
            ]),
        ),
        Role::Figure => {
            // The box of its content on the first page it is on.
            let mut bbox: Option<(usize, [f32; 4])> = None;
            for (_, k) in kids {
                if let Kid::Mcr(p, m) = *k {
                    let b = marks[p][m].bbox;
                    bbox = match bbox {
                        None => Some((p, b)),
                        Some((q, a)) if q == p => Some((q, union(a, b))),
                        other => other,
                    };
                }
            }
            if let Some((_, b)) = bbox {
                d.set(
                    "A",
                    Dictionary::from_iter(vec![
                        ("O", Object::Name(b"Layout".to_vec())),
                        ("Placement", Object::Name(b"Block".to_vec())),
                        (
                            "BBox",
                            Object::Array(b.iter().map(|v| Object::Real(*v)).collect()),
                        ),
                    ]),
                );
            }
        }
        Role::Note => d.set(
            "ID",
            Object::String(format!("note-{index}").into_bytes(), StringFormat::Literal),
        ),
        _ => {}
    }
}

/// The `/Contents` of a link annotation: its text, or where it goes.
fn contents(text: &str, target: &crate::pdf::draw::LinkTarget) -> Object {
    let t = text.trim();
    let s = if !t.is_empty() {
        t.to_owned()
    } else {
        match target {
            crate::pdf::draw::LinkTarget::Uri(u) => u.clone(),
            crate::pdf::draw::LinkTarget::Internal { page, .. } => format!("{}ページへ", page + 1),
        }
    };
    super::text_string(&s)
}
