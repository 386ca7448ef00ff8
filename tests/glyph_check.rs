//! What reaches a PDF is checked as it is typeset, through the real binary: characters no
//! font has are found after YAML escapes, character references and theme templates, at the
//! place they were written; text that is never printed (an HTML comment) is not checked;
//! control characters are refused where they were typed; ideographic variation sequences
//! print with the font's variant glyph; script and data URLs never become PDF links.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Output;

use common::*;
use lopdf::Object;

const ISSUE: &str = "content/newsletters/2021-09-vol02.md";
const MISSING: &str = "U+20BB7 𠮷 is in no font of the PDF";

fn issue(front: &str, body: &str) -> String {
    format!(
        "---\ntitle: コーディネーター連絡会通信 第２号\ndate: 2021-09-30\nnumber: 2\n{front}---\n\n{body}\n"
    )
}

fn check(f: &Fixture, extra: &[&str]) -> Output {
    let root = f.root();
    let mut args = vec!["check", "--root", root.to_str().unwrap(), "--today", TODAY];
    args.extend(extra);
    run_bin(&args, f.dir.path())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `file:line:column` of the first occurrence of `needle` in `text` (column in characters).
fn place_of(file: &str, text: &str, needle: &str) -> String {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {text}"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("{file}:{line}:{column}")
}

/// `build` and `check` both fail with `message` at each of `places` (and nowhere else), and
/// the build writes nothing.
#[track_caller]
fn refused_at(f: &Fixture, message: &str, places: &[String]) {
    let built = f.run(TODAY, &[]);
    let err = stderr(&built);
    assert_eq!(built.status.code(), Some(1), "build must fail:\n{err}");
    for place in places {
        assert!(
            err.contains(&format!("{place}: {message}")),
            "build does not report `{message}` at {place}:\n{err}"
        );
    }
    assert_eq!(
        err.matches(message).count(),
        places.len(),
        "`{message}` reported elsewhere too:\n{err}"
    );
    assert!(!f.out().exists(), "a failed build wrote output");
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());

    let checked = check(f, &[]);
    let text = stdout(&checked);
    assert_eq!(checked.status.code(), Some(1), "check must fail:\n{text}");
    for place in places {
        assert!(
            text.contains(&format!("{place}: error: {message}")),
            "check does not report `{message}` at {place}:\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Missing glyphs, found in what is typeset

#[test]
fn yaml_escape_of_a_missing_character_is_found_at_the_escape() {
    // 𠮷 (U+20BB7), common in family names, is not in BIZ UDPGothic.
    let text = "---\ntitle: \"\\U00020BB7野家さんの報告\"\ndate: 2021-09-30\nnumber: 2\n---\n\n本文です。\n";
    let f = Fixture::new(&[(ISSUE, text)]);
    refused_at(&f, MISSING, &[place_of(ISSUE, text, "\\U00020BB7")]);
}

#[test]
fn character_reference_in_markdown_is_found_at_the_reference() {
    let text = issue(
        "",
        "## はじめに\n\n本日は&#x20BB7;田さんと&#134071;野さんに報告していただきました。",
    );
    let f = Fixture::new(&[(ISSUE, &text)]);
    refused_at(
        &f,
        MISSING,
        &[
            place_of(ISSUE, &text, "&#x20BB7;"),
            place_of(ISSUE, &text, "&#134071;"),
        ],
    );
}

#[test]
fn text_that_is_never_printed_is_not_checked() {
    let text = issue(
        "",
        "<!-- 𠮷田さんの件は次号で -->\n\n本日は吉田さんに報告していただきました。",
    );
    let f = Fixture::new(&[(ISSUE, &text)]);
    let built = f.run(TODAY, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert_eq!(own_pdf_files(&f.out()).len(), 1);
    let checked = check(&f, &[]);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
}

#[test]
fn theme_and_site_texts_are_found_where_written() {
    // The running header (pdf.yaml) and the masthead (site.yaml's title) print these.
    let style = "header:\n  first_page: true\n  newsletter: \"{{ site.newsletter_name }}　𠮷\"\n";
    let site = "title: \"連絡会\\U00020BB7\"\nnewsletter:\n  name: コーディネーター連絡会通信\n";
    let f = Fixture::new(&[
        ("site.yaml", site),
        ("themes/default/pdf.yaml", style),
        (ISSUE, &issue("", "本文です。")),
    ]);
    refused_at(
        &f,
        MISSING,
        &[
            place_of("themes/default/pdf.yaml", style, "𠮷"),
            place_of("site.yaml", site, "\\U00020BB7"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Control characters

const NUL_MESSAGE: &str = "control character U+0000 (NUL) in the text";

#[test]
fn nul_byte_in_markdown_is_refused_at_its_place() {
    let text = issue("", "本日は吉田\0さんに報告していただきました。");
    let f = Fixture::new(&[(ISSUE, &text)]);
    refused_at(&f, NUL_MESSAGE, &[place_of(ISSUE, &text, "\0")]);
    // The HTML site alone is refused too: nothing invisible reaches any reader.
    let html_only = f.run(TODAY, &["--no-pdf"]);
    assert_eq!(html_only.status.code(), Some(1), "{}", stderr(&html_only));
    assert!(!f.out().exists());
}

#[test]
fn control_characters_from_escapes_and_references_are_refused() {
    let front = "summary: \"画面を消す\\e[2J\"\nauthor: \"保健師\\x07 宮成\"\n";
    let body = "改行\u{85}のつもり &#x1b;[31m と &#xFFFF; と\u{FFFE}。\n\n`&#x1b;` はコードなので、そのまま印刷されます。";
    let text = issue(front, body);
    let f = Fixture::new(&[(ISSUE, &text)]);
    let want = [
        (
            "control character U+001B (ESC)",
            place_of(ISSUE, &text, "\\e[2J"),
        ),
        (
            "control character U+0007 (BEL)",
            place_of(ISSUE, &text, "\\x07"),
        ),
        (
            "control character U+0085 (NEL)",
            place_of(ISSUE, &text, "\u{85}"),
        ),
        (
            "control character U+001B (ESC)",
            place_of(ISSUE, &text, "&#x1b;[31m"),
        ),
        ("noncharacter U+FFFF", place_of(ISSUE, &text, "&#xFFFF;")),
        ("noncharacter U+FFFE", place_of(ISSUE, &text, "\u{FFFE}")),
    ];
    let built = f.run(TODAY, &["--no-pdf"]);
    let err = stderr(&built);
    assert_eq!(built.status.code(), Some(1), "{err}");
    for (message, place) in &want {
        assert!(
            err.contains(&format!("{place}: {message} in the text")),
            "no `{message}` at {place}:\n{err}"
        );
    }
    // Exactly these: the reference inside inline code is printed as written.
    assert_eq!(err.matches(" in the text (").count(), want.len(), "{err}");
    assert!(!f.out().exists());
    let checked = check(&f, &[]);
    assert_eq!(checked.status.code(), Some(1), "{}", stdout(&checked));
    // No message prints a raw control character.
    let all = format!("{}{err}", stdout(&checked));
    for c in ['\u{1b}', '\u{7}', '\u{85}'] {
        let shown: Vec<&str> = all
            .lines()
            .filter(|l| l.contains(" in the text (") && l.contains(c))
            .collect();
        assert!(shown.is_empty(), "raw {c:?} in a message: {shown:?}");
    }
}

#[test]
fn control_characters_in_site_yaml_are_refused() {
    let site = "title: \"連絡会\\a\"\nnewsletter:\n  name: \"連絡会\\e[2J通信\"\n";
    let f = Fixture::new(&[("site.yaml", site), (ISSUE, &issue("", "本文です。"))]);
    let built = f.run(TODAY, &["--no-pdf"]);
    let err = stderr(&built);
    assert_eq!(built.status.code(), Some(1), "{err}");
    for (message, place) in [
        (
            "control character U+0007 (BEL)",
            place_of("site.yaml", site, "\\a"),
        ),
        (
            "control character U+001B (ESC)",
            place_of("site.yaml", site, "\\e[2J"),
        ),
    ] {
        assert!(
            err.contains(&format!("{place}: {message} in the text")),
            "no `{message}` at {place}:\n{err}"
        );
    }
    assert!(!f.out().exists());
}

// ---------------------------------------------------------------------------------------------
// Ideographic variation sequences

/// For each embedded font: glyph code → the text its ToUnicode CMap gives.
fn to_unicode(doc: &lopdf::Document) -> Vec<BTreeMap<u32, String>> {
    let mut maps = Vec::new();
    for obj in doc.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        let Ok(r) = d.get(b"ToUnicode").and_then(Object::as_reference) else {
            continue;
        };
        let stream = doc.get_object(r).unwrap().as_stream().unwrap();
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        maps.push(parse_cmap(&String::from_utf8_lossy(&bytes)));
    }
    maps
}

fn utf16_hex(h: &str) -> String {
    let units: Vec<u16> = (0..h.len() / 4)
        .map(|i| u16::from_str_radix(&h[i * 4..i * 4 + 4], 16).unwrap())
        .collect();
    String::from_utf16_lossy(&units)
}

/// `bfchar` and `bfrange` entries of a ToUnicode CMap.
fn parse_cmap(cmap: &str) -> BTreeMap<u32, String> {
    let mut map = BTreeMap::new();
    let mut mode = "";
    for line in cmap.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            mode = "char";
            continue;
        }
        if line.ends_with("beginbfrange") {
            mode = "range";
            continue;
        }
        if line.starts_with("end") {
            mode = "";
            continue;
        }
        let hex: Vec<&str> = line
            .split(['<', '>'])
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit()))
            .collect();
        match (mode, hex.as_slice()) {
            ("char", [src, dst]) => {
                map.insert(u32::from_str_radix(src, 16).unwrap(), utf16_hex(dst));
            }
            ("range", [lo, hi, dst]) => {
                let (lo, hi) = (
                    u32::from_str_radix(lo, 16).unwrap(),
                    u32::from_str_radix(hi, 16).unwrap(),
                );
                let first = utf16_hex(dst);
                let base = first.chars().next().map_or(0, u32::from);
                for (k, code) in (lo..=hi).enumerate() {
                    let c = char::from_u32(base + k as u32).unwrap_or('\u{FFFD}');
                    map.insert(code, c.to_string());
                }
            }
            _ => {}
        }
    }
    map
}

/// Every glyph code shown by a text operator (Tj, TJ, ', ") on any page (2-byte codes).
fn shown_codes(doc: &lopdf::Document) -> Vec<u32> {
    let mut codes = Vec::new();
    let mut add = |bytes: &[u8]| {
        assert_eq!(bytes.len() % 2, 0, "text strings use 2-byte codes");
        codes.extend(
            bytes
                .chunks(2)
                .map(|p| u32::from(p[0]) << 8 | u32::from(p[1])),
        );
    };
    for (_, id) in doc.get_pages() {
        let content = doc.get_and_decode_page_content(id).unwrap();
        for op in &content.operations {
            match op.operator.as_str() {
                "Tj" | "'" | "\"" => {
                    if let Some(Object::String(s, _)) = op.operands.last() {
                        add(s);
                    }
                }
                "TJ" => {
                    for part in op
                        .operands
                        .iter()
                        .flat_map(|o| o.as_array().cloned().unwrap_or_default())
                    {
                        if let Object::String(s, _) = part {
                            add(&s);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    codes
}

#[test]
fn variation_sequences_print_the_variant_glyph() {
    // 辻󠄀 (U+8FBB U+E0100, one-dot 辻) and 葛󠄀 (U+845B U+E0100): BIZ UDPGothic's cmap format 14
    // maps both to their own glyphs. 逸︀ uses a standardised variation selector (U+FE00).
    // あ with a selector the font does not list prints as あ.
    let body = "辻󠄀さんと葛󠄀西さん、辻さんと葛西さん。逸︀話と逸話。あ\u{E0100}い\u{FE01}う。\n\n## 辻󠄀堂の見出し";
    let f = Fixture::new(&[(ISSUE, &issue("author: 保健師 辻󠄀\n", body))]);
    let built = f.run(TODAY, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let checked = check(&f, &[]);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));

    let pdfs = own_pdf_files(&f.out());
    assert_eq!(pdfs.len(), 1);
    let text = join_pdf_lines(&pdftotext(&pdfs[0]));
    for word in ["辻", "さんと葛", "西さん、辻さんと葛西さん。", "話と逸話。"]
    {
        assert!(text.contains(word), "`{word}` not in the PDF text:\n{text}");
    }
    let doc = lopdf::Document::load(&pdfs[0]).unwrap();
    let shown = shown_codes(&doc);
    assert!(shown.len() > 30, "{shown:?}");
    assert!(!shown.contains(&0), "a .notdef glyph (code 0) is drawn");
    // The base character and its variant are two different glyphs of the font.
    let maps = to_unicode(&doc);
    let shown: BTreeSet<u32> = shown.into_iter().collect();
    for base in ['辻', '葛', '逸'] {
        let glyphs: BTreeSet<u32> = maps
            .iter()
            .flat_map(|m| m.iter())
            .filter(|(code, t)| shown.contains(code) && t.starts_with(base))
            .map(|(code, _)| *code)
            .collect();
        assert!(
            glyphs.len() >= 2,
            "{base} and its variant should be two glyphs, found {glyphs:?} in {maps:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Links

/// Every /URI string anywhere in the file.
fn uris(doc: &lopdf::Document) -> Vec<String> {
    fn walk(doc: &lopdf::Document, o: &Object, out: &mut Vec<String>, depth: usize) {
        if depth > 8 {
            return;
        }
        match o {
            Object::Dictionary(d) => {
                for (k, v) in d.iter() {
                    if k == b"URI"
                        && let Ok(s) = v.as_str()
                    {
                        out.push(String::from_utf8_lossy(s).into_owned());
                    }
                    walk(doc, v, out, depth + 1);
                }
            }
            Object::Array(a) => a.iter().for_each(|v| walk(doc, v, out, depth + 1)),
            Object::Reference(r) if depth > 0 => {
                if let Ok(v) = doc.get_object(*r) {
                    walk(doc, v, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for o in doc.objects.values() {
        walk(doc, o, &mut out, 0);
    }
    out
}

#[test]
fn script_and_data_urls_never_become_pdf_links() {
    let site = format!("base_url: https://intra.example.lg.jp/renrakukai/\n{SITE_YAML}");
    let body = "[危ない一](javascript:alert(1)) [危ない二](javascript://%0Aalert(1)) \
                [危ない三](JaVaScRiPt://example.jp/%0Aalert(1)) [危ない四](data:text/html;base64,PHNjcmlwdD4=) \
                <javascript://x%0Aalert(2)> [ファイル](file:///etc/passwd)\n\n\
                [市のページ](https://www.city.example.lg.jp/) [メール](mailto:renkei@example.lg.jp) [電話](tel:06-0000-0000)";
    let f = Fixture::new(&[("site.yaml", &site), (ISSUE, &issue("", body))]);
    let built = f.run(TODAY, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let pdfs = own_pdf_files(&f.out());
    let doc = lopdf::Document::load(&pdfs[0]).unwrap();
    let found = uris(&doc);
    for uri in &found {
        let lower = uri.trim().to_ascii_lowercase();
        assert!(
            lower.starts_with("http://")
                || lower.starts_with("https://")
                || lower.starts_with("mailto:")
                || lower.starts_with("tel:"),
            "a PDF link with a forbidden scheme: {uri} (all: {found:?})"
        );
    }
    for want in [
        "https://www.city.example.lg.jp/",
        "mailto:renkei@example.lg.jp",
        "tel:06-0000-0000",
    ] {
        assert!(found.iter().any(|u| u == want), "no link {want}: {found:?}");
    }
    // The link texts stay, as plain text.
    let text = join_pdf_lines(&pdftotext(&pdfs[0]));
    for word in ["危ない一", "危ない二", "危ない三", "危ない四", "ファイル"] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
    // The HTML drops them as well.
    let html = f.read("newsletters/2021-09-vol02.html");
    let lower = html.to_ascii_lowercase();
    for bad in ["href=\"javascript:", "href=\"data:"] {
        assert!(!lower.contains(bad), "{bad} in the HTML:\n{html}");
    }
}
