//! The lopdf side of writing: what printpdf cannot write (the outline with exact
//! positions, the Info dictionary, `/Lang`, viewer preferences, XMP metadata, the structure
//! tree) and the final save with object streams and a deterministic file ID.

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::Fnv;
use crate::pdf::draw::{self, Document};
use crate::pdf::tags;

/// lopdf post-processing: catalog entries, outline, Info.
pub(super) fn finish(
    lo: &mut lopdf::Document,
    doc: &Document,
    marks: &[Vec<tags::Mcid>],
) -> Result<(), String> {
    // /Lang, SMask and UTF-16 text strings need more than printpdf's "1.3".
    lo.version = "1.7".into();
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();

    let outline = outline(lo, &doc.outline, &pages)?;
    tags::tree::build(lo, doc, marks, &tags::content_of(doc), &pages)?;

    let info = info_dict(&doc.info);
    match lo.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            lo.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = lo.add_object(info);
            lo.trailer.set("Info", id);
        }
    }

    let catalog = lo.catalog_mut().map_err(|e| format!("lopdf: {e}"))?;
    // printpdf writes empty PDF/X leftovers; none of them applies.
    catalog.remove(b"OutputIntents");
    catalog.remove(b"Metadata");
    let lang = if doc.info.language.is_empty() {
        "ja"
    } else {
        &doc.info.language
    };
    catalog.set("Lang", Object::string_literal(lang));
    let lang = lang.to_owned();
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    match outline {
        Some(id) => {
            catalog.set("Outlines", id);
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => {
            catalog.remove(b"Outlines");
            catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
        }
    }
    let xmp = lo.add_object(tags::xmp::metadata(&doc.info, &lang));
    lo.catalog_mut()
        .map_err(|e| format!("lopdf: {e}"))?
        .set("Metadata", xmp);
    Ok(())
}

/// Builds the outline tree (levels may skip: an h3 after an h1 is the h1's child). Every
/// item is open; each points at its heading's top.
fn outline(
    lo: &mut lopdf::Document,
    entries: &[draw::OutlineEntry],
    pages: &[ObjectId],
) -> Result<Option<ObjectId>, String> {
    if entries.is_empty() {
        return Ok(None);
    }
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    let mut roots = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&s| entries[s].level >= e.level) {
            stack.pop();
        }
        match stack.last() {
            Some(&p) => children[p].push(i),
            None => roots.push(i),
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    // Descendant counts, children always come after their parent.
    let mut descendants = vec![0i64; entries.len()];
    for i in (0..entries.len()).rev() {
        if let Some(p) = parent[i] {
            descendants[p] += 1 + descendants[i];
        }
    }

    let root_id = lo.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    let link_siblings = |dict: &mut Dictionary, siblings: &[usize], i: usize| {
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        if at > 0 {
            dict.set("Prev", ids[siblings[at - 1]]);
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", ids[next]);
        }
    };
    for (i, e) in entries.iter().enumerate() {
        let page = *pages.get(e.page).ok_or_else(|| {
            format!(
                "outline entry {:?} on page {} of {}",
                e.title,
                e.page + 1,
                pages.len()
            )
        })?;
        let mut dict = Dictionary::from_iter(vec![
            ("Title", tags::text_string(&e.title)),
            (
                "Parent",
                Object::Reference(parent[i].map_or(root_id, |p| ids[p])),
            ),
            (
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(e.y),
                    Object::Null,
                ]),
            ),
        ]);
        let siblings = parent[i].map_or(&roots, |p| &children[p]);
        link_siblings(&mut dict, siblings, i);
        if let (Some(&first), Some(&last)) = (children[i].first(), children[i].last()) {
            dict.set("First", ids[first]);
            dict.set("Last", ids[last]);
            dict.set("Count", descendants[i]);
        }
        lo.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let root = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Outlines".to_vec())),
        ("First", Object::Reference(ids[roots[0]])),
        ("Last", Object::Reference(ids[*roots.last().unwrap_or(&0)])),
        ("Count", Object::Integer(entries.len() as i64)),
    ]);
    lo.objects.insert(root_id, Object::Dictionary(root));
    Ok(Some(root_id))
}

fn info_dict(info: &draw::Info) -> Dictionary {
    let mut d = Dictionary::new();
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            d.set(key, tags::text_string(value));
        }
    };
    put("Title", &info.title);
    put("Author", info.author.as_deref().unwrap_or(""));
    put("Subject", info.subject.as_deref().unwrap_or(""));
    put("Keywords", &info.keywords.join(", "));
    put("Creator", "tsushin");
    put("Producer", "tsushin (printpdf 0.12, lopdf 0.44)");
    if let Some(dt) = info.created {
        // Publication dates are Japanese local time.
        let date = format!(
            "D:{:04}{:02}{:02}{:02}{:02}{:02}+09'00'",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        d.set("CreationDate", Object::string_literal(date.clone()));
        d.set("ModDate", Object::string_literal(date));
    }
    d
}

/// Flate-compresses every stream that may be and is not yet, at zlib's default level:
/// lopdf's own `compress` takes the best level, which costs twice the time for files under
/// 1 % smaller. A stream is left as it is when compressing does not make it smaller.
pub(super) fn compress(lo: &mut lopdf::Document) {
    use std::io::Write;
    for object in lo.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let Ok(packed) = encoder
            .write_all(&stream.content)
            .and_then(|_| encoder.finish())
        else {
            continue;
        };
        if packed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// printpdf puts random strings into the file ID. Replace them with a hash of the file
/// written without an ID (the plain, cheap way), so equal input gives equal bytes. The file
/// itself puts the objects into compressed object streams: the structure tree is hundreds
/// of small dictionaries.
pub(super) fn save_with_stable_id(lo: &mut lopdf::Document) -> Result<Vec<u8>, String> {
    lo.trailer.remove(b"ID");
    let mut first = Vec::new();
    lo.save_to(&mut first).map_err(|e| format!("lopdf: {e}"))?;
    let mut a = Fnv::new();
    a.write(&first);
    let mut b = Fnv::with_basis(a.finish());
    b.write(&first);
    let mut id = a.finish().to_be_bytes().to_vec();
    id.extend_from_slice(&b.finish().to_be_bytes());
    let id = Object::String(id, StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .max_objects_per_stream(200)
        .compression_level(6)
        .build();
    let mut out = Vec::with_capacity(first.len());
    lo.save_with_options(&mut out, options)
        .map_err(|e| format!("lopdf: {e}"))?;
    Ok(out)
}
