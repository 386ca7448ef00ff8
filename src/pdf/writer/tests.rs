//! The writer's own checks: outline nesting, Info, exact glyph positions, bad input, ASCII
//! URIs, and the text groups of tagged PDF.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object};

use super::page::{ascii_uri, positioned};
use super::write;
use crate::pdf::draw::{self, Document, FontIndex, Item, LinkTarget};
use crate::pdf::draw::{Info, Link, OutlineEntry, Page, PlacedGlyph, Rgb};
use crate::pdf::fonts::FontSet;

const R: FontIndex = FontIndex(0);

fn fonts() -> &'static FontSet {
    static FONTS: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
    FONTS.get_or_init(FontSet::builtin)
}

/// A line of `text` from x = 50 with `extra` pt after each glyph.
fn line(text: &str, baseline: f32, extra: f32) -> Item {
    let mut x = 50.0;
    let mut glyphs = Vec::new();
    for g in fonts().shape(text, &[R], 10.5) {
        let end = text[g.cluster..].chars().next().map_or(0, char::len_utf8);
        glyphs.push(PlacedGlyph {
            gid: g.gid,
            x,
            text: text[g.cluster..g.cluster + end].to_owned(),
        });
        x += g.advance + extra;
    }
    Item::Glyphs {
        font: R,
        size: 10.5,
        color: Rgb::BLACK,
        baseline,
        glyphs,
        tag: draw::Tag::Artifact,
    }
}

fn doc(outline: &[(u8, usize)]) -> Document {
    let page = |text: &str| Page {
        width: 595.28,
        height: 841.89,
        items: vec![line(text, 780.0, 0.0)],
        links: Vec::new(),
    };
    Document {
        pages: vec![page("一ページ目"), page("二ページ目")],
        outline: outline
            .iter()
            .enumerate()
            .map(|(i, &(level, page))| OutlineEntry {
                level,
                title: format!("見出し{i}"),
                page,
                y: 800.0 - i as f32,
            })
            .collect(),
        images: Vec::new(),
        structure: Vec::new(),
        info: Info {
            title: "題名".into(),
            language: "ja".into(),
            ..Default::default()
        },
    }
}

fn load(bytes: &[u8]) -> lopdf::Document {
    lopdf::Document::load_mem(bytes).unwrap()
}

fn dict(lo: &lopdf::Document, obj: &Object) -> Dictionary {
    let id = obj.as_reference().unwrap();
    lo.get_dictionary(id).unwrap().clone()
}

fn title(d: &Dictionary) -> String {
    let bytes = d.get(b"Title").unwrap().as_str().unwrap();
    assert_eq!(&bytes[..2], &[0xFE, 0xFF]);
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

/// (title, /Count, descendants found by walking) of the outline below `parent`.
fn walk(lo: &lopdf::Document, parent: &Dictionary) -> Vec<(String, i64, usize)> {
    let mut out = Vec::new();
    let Ok(first) = parent.get(b"First") else {
        return out;
    };
    let mut item = dict(lo, first);
    loop {
        let kids = walk(lo, &item);
        let count = item.get(b"Count").and_then(Object::as_i64).unwrap_or(0);
        out.push((title(&item), count, kids.len()));
        out.extend(kids);
        match item.get(b"Next") {
            Ok(next) => item = dict(lo, next),
            Err(_) => break,
        }
    }
    out
}

#[test]
fn outline_nests_by_level() {
    // h1, h2, h3, h2, h1, h3 (skipped level), on both pages.
    let d = doc(&[(1, 0), (2, 0), (3, 0), (2, 1), (1, 1), (3, 1)]);
    let lo = load(&write(&d, fonts()).unwrap());
    let catalog = lo.catalog().unwrap();
    assert_eq!(
        catalog.get(b"PageMode").unwrap().as_name().unwrap(),
        b"UseOutlines"
    );
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"ja");
    let root = dict(&lo, catalog.get(b"Outlines").unwrap());
    assert_eq!(root.get(b"Count").unwrap().as_i64().unwrap(), 6);
    let items = walk(&lo, &root);
    let want = [
        ("見出し0", 3, 3),
        ("見出し1", 1, 1),
        ("見出し2", 0, 0),
        ("見出し3", 0, 0),
        ("見出し4", 1, 1),
        ("見出し5", 0, 0),
    ];
    let got: Vec<(&str, i64, usize)> = items.iter().map(|(t, c, k)| (t.as_str(), *c, *k)).collect();
    assert_eq!(got, want);
    // Destinations: [page /XYZ null y null] on the right page.
    let pages = lo.get_pages();
    let last = dict(&lo, root.get(b"Last").unwrap());
    let dest = last.get(b"Dest").unwrap().as_array().unwrap();
    assert_eq!(dest[0].as_reference().unwrap(), pages[&2]);
    assert_eq!(dest[1].as_name().unwrap(), b"XYZ");
    assert_eq!(dest[3].as_float().unwrap(), 796.0);
}

#[test]
fn no_outline_no_date_no_pdfx() {
    let bytes = write(&doc(&[]), fonts()).unwrap();
    let lo = load(&bytes);
    let catalog = lo.catalog().unwrap();
    assert!(catalog.get(b"Outlines").is_err());
    assert!(catalog.get(b"OutputIntents").is_err());
    let info = dict(&lo, lo.trailer.get(b"Info").unwrap());
    assert_eq!(title(&info), "題名");
    for key in [
        &b"CreationDate"[..],
        b"ModDate",
        b"GTS_PDFXVersion",
        b"Trapped",
    ] {
        assert!(info.get(key).is_err());
    }
    assert_eq!(bytes, write(&doc(&[]), fonts()).unwrap());
}

#[test]
fn info_date_is_japanese_local_time() {
    let mut d = doc(&[]);
    d.info.created = Some(jiff::civil::date(2021, 4, 1).at(0, 5, 9, 0));
    let lo = load(&write(&d, fonts()).unwrap());
    let info = dict(&lo, lo.trailer.get(b"Info").unwrap());
    assert_eq!(
        info.get(b"CreationDate").unwrap().as_str().unwrap(),
        b"D:20210401000509+09'00'"
    );
}

#[test]
fn offsets_land_every_glyph_on_its_x() {
    let f = fonts();
    let Item::Glyphs { glyphs, .. } =
        line("令和３年度、「看取り」を考える。Lorem ipsum", 0.0, 0.37)
    else {
        unreachable!()
    };
    let texts = BTreeMap::new();
    let cps = positioned(f, R, 10.5, &glyphs, &texts);
    // Replay what a viewer does: advance by /W, then by -offset/1000 em.
    let mut x = f64::from(glyphs[0].x);
    for (g, cp) in glyphs.iter().zip(&cps) {
        assert!((x - f64::from(g.x)).abs() < 1e-3, "{x} vs {}", g.x);
        let w = (f32::from(f.glyph_advance(R, g.gid)) * (1000.0 / 2048.0)) as i64;
        x += (w as f64 - f64::from(cp.offset)) * 10.5 / 1000.0;
    }
}

#[test]
fn bad_input_is_an_error() {
    let mut d = doc(&[(1, 2)]);
    assert!(write(&d, fonts()).unwrap_err().contains("page 3 of 2"));
    d.outline.clear();
    d.pages[0].links.push(Link {
        x: 0.0,
        y: 0.0,
        w: 1.0,
        h: 1.0,
        target: LinkTarget::Internal { page: 5, y: 0.0 },
        node: None,
    });
    assert!(write(&d, fonts()).is_err());
    d.pages[0].links.clear();
    d.pages[0].items.push(Item::Image {
        image: 0,
        x: 0.0,
        y: 0.0,
        w: 1.0,
        h: 1.0,
        tag: draw::Tag::Artifact,
    });
    assert!(write(&d, fonts()).unwrap_err().contains("image 0"));
    d.images.push(draw::Image {
        width_px: 2,
        height_px: 2,
        rgb: vec![0; 11],
        alpha: None,
        ..Default::default()
    });
    assert!(write(&d, fonts()).unwrap_err().contains("image 0"));
    assert!(write(&Document::default(), fonts()).is_err());
}

#[test]
fn shared_between_threads() {
    let d = doc(&[(1, 0)]);
    let f = fonts();
    let outputs: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3).map(|_| s.spawn(|| write(&d, f).unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn uri_is_ascii() {
    assert_eq!(
        ascii_uri("https://example.jp/お知らせ?q=a b"),
        "https://example.jp/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B?q=a%20b"
    );
}
