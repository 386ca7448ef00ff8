//! The structure tree, built with lopdf after printpdf has written the pages: one
//! `StructElem` per element of `draw::Document::structure` that has content, kids in
//! reading order (marked-content references, child elements, link annotations as `OBJR`),
//! the `ParentTree` (page → element of each MCID, annotation → its `Link`), `/StructParents`
//! and `/Tabs /S` on the pages, `/StructParent` and `/Contents` on the annotations, and
//! `/MarkInfo` in the catalog. Elements without content (a paragraph of nothing) are left
//! out; table cells stay, empty or not, so rows keep their columns.

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

/// The elements as they are gathered: the layout's nodes (plus a `Link` for any annotation
/// the layout placed nowhere), each one's kids with their reading-order keys, the reading
/// order of its first content and its text.
struct Tree {
    nodes: Vec<StructNode>,
    kids: Vec<Vec<(u32, Kid)>>,
    first: Vec<Option<u32>>,
    text: Vec<String>,
}

/// An annotation in the tree: its `Link` element and its `/StructParent` key.
struct Annot {
    node: usize,
    key: i64,
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
    let mut tree = Tree::gather(doc, marks, content)?;
    let annots = annotations(lo, doc, pages, &mut tree)?;
    let keep = tree.attach();
    let ids: Vec<Option<ObjectId>> = keep
        .iter()
        .map(|&k| k.then(|| lo.new_object_id()))
        .collect();
    let root_id = lo.new_object_id();
    let per_page = write_elements(lo, &tree, &ids, root_id, marks, pages);
    let mut parent_tree: Vec<(i64, Object)> = per_page
        .into_iter()
        .enumerate()
        .map(|(p, list)| (p as i64, Object::Array(list)))
        .collect();
    for a in &annots {
        if let Some(id) = ids[a.node] {
            parent_tree.push((a.key, Object::Reference(id)));
        }
    }
    let next_key = annots.last().map_or(pages.len() as i64, |a| a.key + 1);
    write_root(lo, parent_tree, next_key, ids[0], root_id)
}

impl Tree {
    fn gather(
        doc: &Document,
        marks: &[Vec<Mcid>],
        content: &BTreeMap<usize, (u32, String)>,
    ) -> Result<Tree, String> {
        let nodes: Vec<StructNode> = if doc.structure.is_empty() {
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
        let text: Vec<String> = (0..nodes.len())
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
        Ok(Tree {
            nodes,
            kids,
            first,
            text,
        })
    }

    /// A `Link` for an annotation the layout did not place in the tree.
    fn add_link(&mut self) -> usize {
        self.nodes.push(StructNode {
            role: Role::Link,
            parent: Some(0),
            order: u32::MAX,
            inline: false,
            alt: None,
        });
        self.kids.push(Vec::new());
        self.first.push(None);
        self.text.push(String::new());
        self.nodes.len() - 1
    }

    /// Which elements are written (those with content, their ancestors, table cells), each
    /// listed among its parent's kids, every kid list in reading order.
    fn attach(&mut self) -> Vec<bool> {
        let nodes = &self.nodes;
        let mut keep = vec![false; nodes.len()];
        keep[0] = true;
        for i in 0..nodes.len() {
            let has = !self.kids[i].is_empty() || matches!(nodes[i].role, Role::TH(_) | Role::TD);
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
            let key = match (nodes[i].inline, self.first[i]) {
                (true, Some(f)) => f,
                _ => nodes[i].order,
            };
            let parent = nodes[i].parent.filter(|&p| p < nodes.len()).unwrap_or(0);
            self.kids[parent].push((key, Kid::Node(i)));
        }
        for k in &mut self.kids {
            k.sort_by_key(|(key, _)| *key);
        }
        keep
    }
}

/// Makes the annotations indirect objects with `/StructParent` (keys after the pages'),
/// `/Contents` and `/P`, each an `OBJR` kid of its `Link`; sets `/StructParents` and `/Tabs`
/// on the pages.
fn annotations(
    lo: &mut lopdf::Document,
    doc: &Document,
    pages: &[ObjectId],
    tree: &mut Tree,
) -> Result<Vec<Annot>, String> {
    let mut next_key = pages.len() as i64;
    let mut annots = Vec::new();
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
            let node = match link.node.filter(|&n| n < tree.nodes.len()) {
                Some(n) => n,
                None => tree.add_link(),
            };
            dict.set("StructParent", next_key);
            dict.set("Contents", contents(&tree.text[node], &link.target));
            dict.set("P", page_id);
            let id = lo.add_object(dict);
            tree.kids[node].push((u32::MAX, Kid::Objr(p, id)));
            annots.push(Annot {
                node,
                key: next_key,
            });
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
    Ok(annots)
}

/// Writes a `StructElem` for every kept element; returns each page's parent-tree array
/// (the element of each MCID).
fn write_elements(
    lo: &mut lopdf::Document,
    tree: &Tree,
    ids: &[Option<ObjectId>],
    root_id: ObjectId,
    marks: &[Vec<Mcid>],
    pages: &[ObjectId],
) -> Vec<Vec<Object>> {
    let mut per_page: Vec<Vec<Object>> =
        marks.iter().map(|l| vec![Object::Null; l.len()]).collect();
    for (i, node) in tree.nodes.iter().enumerate() {
        let Some(id) = ids[i] else { continue };
        let parent = match node.parent {
            Some(p) => ids.get(p).copied().flatten().unwrap_or(root_id),
            None => root_id,
        };
        let kids = &tree.kids[i];
        let pg = kids.iter().find_map(|(_, k)| match k {
            Kid::Mcr(p, _) | Kid::Objr(p, _) => Some(*p),
            Kid::Node(_) => None,
        });
        let mut k_array = Vec::with_capacity(kids.len());
        for (_, kid) in kids {
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
        attributes(&mut d, node, i, kids, marks);
        lo.objects.insert(id, Object::Dictionary(d));
    }
    per_page
}

/// The `StructTreeRoot` with its `ParentTree`, and the catalog's `/StructTreeRoot` and
/// `/MarkInfo`.
fn write_root(
    lo: &mut lopdf::Document,
    mut parent_tree: Vec<(i64, Object)>,
    next_key: i64,
    document: Option<ObjectId>,
    root_id: ObjectId,
) -> Result<(), String> {
    parent_tree.sort_by_key(|(k, _)| *k);
    let nums: Vec<Object> = parent_tree
        .into_iter()
        .flat_map(|(k, v)| [Object::Integer(k), v])
        .collect();
    let parent_tree_id = lo.add_object(Dictionary::from_iter(vec![("Nums", Object::Array(nums))]));
    let document = document.ok_or("no document element")?;
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
