//! The layout engine: a parsed [`Page`](crate::content::Page) → pages of positioned glyphs,
//! shapes, images, link areas and outline entries ([`draw::Document`]).
//!
//! Pipeline, in three parts with their own state: the block layout (`Engine`: the title
//! block in `flyer`, the body blocks in `block`, `table`, `survey` and `notes`, inline content
//! turned into pieces in `pieces`) builds a vertical list of unbreakable chunks (`flow`);
//! line composition (`inline`'s `Composer`, measuring through `measure`) shapes and breaks
//! inline text with `japanese::linebreak`; pagination (`paginate` fills the pages:
//! keep-with-next, widows and orphans, repeated table headers, footnotes; `assemble` draws
//! them with the running header and footer and resolves internal links). Each part uses only
//! the ones below it.
//!
//! Choices: paragraphs are justified with no first-line indent (`text.indent` in pdf.yaml
//! changes it); emphasis is the `emphasis` colour (Japanese fonts have no italic); a footnote
//! goes to the foot of the page of its first reference when it fits there, else to the end of
//! the document, its label linking back to the reference; outline entries are the Markdown headings at their Markdown level (the title is
//! the document title, not an entry).

mod assemble;
mod block;
mod context;
mod engine;
mod flow;
mod flyer;
mod handout;
mod inline;
mod measure;
mod notes;
mod paginate;
mod palette;
mod pieces;
mod survey;
mod table;
mod tags;
pub mod volume;

use crate::content::{Kind, Page};
use crate::pdf::draw;

use assemble::Paginator;
pub use context::{LayoutContext, Margin};
use engine::Engine;
pub use flow::PdfLink;

/// Lays out one page of content as an A4 (or the theme's size) document.
pub fn layout(page: &Page, ctx: &LayoutContext) -> draw::Document {
    let mut engine = Engine::new(page, ctx);
    match &page.meta.kind {
        Kind::Newsletter(n) => engine.masthead(n),
        Kind::Event(e) => engine.event_head(e),
        Kind::Handout(h) => engine.handout_head(h),
        Kind::Plain => engine.plain_head(),
    }
    let head_len = engine.flow.chunks.len();
    let (left, width) = (engine.left, engine.width);
    engine.blocks(&page.doc.blocks, left, width, 0);
    // A title page holds the head alone: the body starts on the next page.
    if page.section.spec().pdf.title_page
        && let Some(first) = engine.flow.chunks.get_mut(head_len)
    {
        first.break_before = true;
    }
    engine.footnotes();
    let done = engine.finish();

    let title_page = page.section.spec().pdf.title_page;
    let (pages, outline) = Paginator::new(ctx, done.text, title_page).run(done.flow);

    let info = draw::Info {
        title: page.meta.title.clone(),
        author: match &page.meta.kind {
            Kind::Newsletter(n) => n.author.clone().filter(|a| !a.trim().is_empty()),
            Kind::Event(_) | Kind::Handout(_) | Kind::Plain => None,
        },
        subject: page.meta.summary.clone().filter(|s| !s.trim().is_empty()),
        keywords: page.meta.tags.clone(),
        language: if ctx.config.language.trim().is_empty() {
            "ja".into()
        } else {
            ctx.config.language.trim().to_owned()
        },
        created: page
            .meta
            .date
            .map(|d| d.to_datetime(jiff::civil::Time::midnight())),
        publisher: Some(ctx.config.title.trim().to_owned()).filter(|t| !t.is_empty()),
    };
    draw::Document {
        pages,
        outline,
        images: done.images,
        info,
        structure: done.structure,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::pdf::draw::{Item, LinkTarget};
    use crate::pdf::fonts::FontSet;
    use crate::pdf::style::Style;

    fn config() -> Config {
        let yaml = "title: 在宅医療・介護連携推進事業 コーディネーター連絡会\nnewsletter:\n  name: コーディネーター連絡会通信\n  recipients: [受託法人, 相談支援室]\n";
        let mut d = crate::diag::Diagnostics::new();
        crate::config::parse(yaml, Path::new("site.yaml"), &mut d).expect("test site.yaml parses")
    }

    fn page(rel: &str, text: &str) -> Page {
        let mut d = crate::diag::Diagnostics::new();
        crate::content::parse(text, rel, Path::new(rel), &mut d).expect("test page parses")
    }

    fn run(p: &Page) -> draw::Document {
        let fonts = FontSet::builtin();
        let style = Style::default();
        let config = config();
        let colors: Vec<String> = [
            "#1f5a96", "#7fb2dc", "#c5ccd3", "#6b7580", "#e08a2e", "#e3e7eb",
        ]
        .map(String::from)
        .to_vec();
        let resolve = |u: &str| -> Option<PdfLink> {
            match u.strip_prefix('#') {
                Some(a) => Some(PdfLink::Anchor(a.to_owned())),
                None => Some(PdfLink::Uri(u.to_owned())),
            }
        };
        let image = |u: &str, _: f32| -> Result<draw::Image, String> {
            if u.starts_with("ok") {
                Ok(draw::Image {
                    width_px: 200,
                    height_px: 100,
                    rgb: vec![90; 200 * 100 * 3],
                    alpha: None,
                    ..Default::default()
                })
            } else if u.starts_with("tall") {
                Ok(draw::Image {
                    width_px: 100,
                    height_px: 5000,
                    rgb: vec![90; 100 * 5000 * 3],
                    alpha: None,
                    ..Default::default()
                })
            } else {
                Err("missing".into())
            }
        };
        let margin = |m: Margin, n: usize, c: usize| match m {
            Margin::Header => String::new(),
            Margin::Footer => format!("{n} / {c}"),
        };
        let ctx = LayoutContext {
            fonts: &fonts,
            style: &style,
            config: &config,
            regular: &[],
            bold: &[],
            survey_colors: &colors,
            resolve: &resolve,
            image: &image,
            margin_text: &margin,
        };
        layout(p, &ctx)
    }

    /// The text of a page as the glyph runs carry it, in drawing order, runs joined by `|`.
    fn text(p: &draw::Page) -> String {
        p.items
            .iter()
            .filter_map(|i| match i {
                Item::Glyphs { glyphs, .. } => {
                    Some(glyphs.iter().map(|g| g.text.as_str()).collect::<String>())
                }
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    fn all_text(d: &draw::Document) -> String {
        d.pages.iter().map(text).collect::<Vec<_>>().join("|")
    }

    const NEWSLETTER: &str = include_str!("../../../content/newsletters/2021-09-vol02.md");
    const EVENT: &str = include_str!("../../../content/events/2021-08-tabunya.md");

    #[test]
    fn newsletter_lays_out_inside_the_page() {
        let p = page("newsletters/2021-09-vol02.md", NEWSLETTER);
        let d = run(&p);
        assert!(d.pages.len() >= 2);
        assert_eq!(d.outline.len(), p.doc.headings().len());
        assert!(
            d.outline
                .iter()
                .all(|o| o.page < d.pages.len() && o.level >= 2)
        );
        for pg in &d.pages {
            for i in &pg.items {
                if let Item::Glyphs {
                    baseline, glyphs, ..
                } = i
                {
                    assert!(*baseline > 20.0 && *baseline < pg.height - 20.0);
                    assert!(
                        glyphs
                            .iter()
                            .all(|g| g.x >= 56.0 - 0.5 && g.x < pg.width - 56.0)
                    );
                }
            }
        }
        let t = all_text(&d);
        // Masthead and dates exactly as the HTML shows them.
        assert!(t.contains("第２号"), "{t}");
        assert!(t.contains("令和３年９月30日（木）"));
        // Survey figures identical to Answer::figure.
        for s in p.doc.blocks.iter().filter_map(|b| match b {
            crate::content::model::Block::Survey(s) => Some(s),
            _ => None,
        }) {
            for a in &s.answers {
                assert!(
                    t.contains(&format!("{} {}", a.label, a.figure(&s.unit))),
                    "{}",
                    a.label
                );
            }
        }
        // Reading order inside a paragraph: lines concatenate to the source text.
        let joined = t.replace('|', "");
        assert!(joined.contains("皆さま、いつもお世話になっております。第１号では、たくさんの感想をお寄せいただき、ありがとうございました。"));
        // The footnote reference and its note link to each other.
        let internal = d
            .pages
            .iter()
            .flat_map(|p| &p.links)
            .filter(|l| matches!(l.target, LinkTarget::Internal { .. }))
            .count();
        assert!(internal >= 2);
        assert_eq!(d.info.title, p.meta.title);
        assert_eq!(d.info.language, "ja");
    }

    #[test]
    fn event_has_info_box_and_struck_dates() {
        let p = page("events/2021-08-tabunya.md", EVENT);
        let d = run(&p);
        let first = text(&d.pages[0]);
        for s in [
            "延期",
            "開催概要",
            "日時",
            "令和３年８月23日（月）",
            "午後２時15分～４時15分",
            "場所",
            "天王寺区民センター",
            "講師",
            "杉本百合子",
            "定員",
            "100名",
            "この研修会は延期になりました。",
        ] {
            assert!(first.contains(s), "{s} missing in {first}");
        }
        // Postponed: date lines are struck through (a line through the date run).
        let lines = d.pages[0]
            .items
            .iter()
            .filter(|i| matches!(i, Item::Line { .. }))
            .count();
        assert!(lines > 5);
    }

    #[test]
    fn headings_keep_with_next_and_paragraphs_keep_two_lines() {
        let mut md = String::from("---\ntitle: t\n---\n");
        for i in 0..40 {
            md.push_str(&format!("## 見出し{i}\n\n"));
            md.push_str(&"本文の文章が続きます。".repeat(9 + i % 7));
            md.push_str("\n\n");
        }
        let d = run(&page("p.md", &md));
        let bottom = Style::default().margins.bottom.pt();
        for o in &d.outline {
            // A heading has at least two body lines below it on its page.
            assert!(
                o.y > bottom + 14.0 * 1.45 + 2.0 * 18.0,
                "heading {} too low: {}",
                o.title,
                o.y
            );
        }
        // No page starts or ends with a single line of a paragraph: every page's last glyph
        // run and first run belong to paragraphs of at least two lines there (checked by the
        // paginator tests); here: every page has content.
        assert!(d.pages.iter().all(|p| !text(p).is_empty()));
    }

    #[test]
    fn table_header_repeats_after_a_page_break() {
        let mut md = String::from("---\ntitle: t\n---\n\n| 見出しA | 見出しB |\n|---|---:|\n");
        for i in 0..120 {
            md.push_str(&format!("| 行{i} | {i}名 |\n"));
        }
        let d = run(&page("p.md", &md));
        assert!(d.pages.len() >= 3);
        for p in &d.pages {
            assert!(
                text(p).contains("見出しA"),
                "page without header: {}",
                text(p)
            );
        }
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "あ".repeat(30_000);
        let word = "x".repeat(5_000);
        // The longest title the front matter accepts.
        let title = "x".repeat(200);
        let mut md = format!(
            "---\ntitle: {title}\n---\n\n{long}\n\n{word}\n\n![a](ok.png)\n\n![b](tall.png \"t\")\n\n![c](none.png)\n\n| |\n|-|\n\n| a |\n|---|\n| b | c | d |\n\n- \n- [ ] \n\n```\n\t\n```\n\n***\n\n[x](#nowhere) [y]()\n\n"
        );
        md.push_str(&"> ".repeat(60));
        md.push_str("深い引用\n\n");
        for i in 0..30 {
            md.push_str(&"  ".repeat(i));
            md.push_str("- 入れ子\n");
        }
        md.push_str(&format!(
            "\n| {} |\n|---|\n| {} |\n",
            "列 | ".repeat(60),
            "値 | ".repeat(60)
        ));
        let d = run(&page("p.md", &md));
        assert!(d.pages.len() > 3);
        assert_eq!(d.images.len(), 2);
        for p in &d.pages {
            for i in &p.items {
                if let Item::Glyphs {
                    glyphs,
                    baseline,
                    size,
                    ..
                } = i
                {
                    assert!(baseline.is_finite() && size.is_finite());
                    assert!(
                        glyphs
                            .iter()
                            .all(|g| g.x.is_finite() && g.x >= 0.0 && g.x < p.width)
                    );
                }
            }
        }
        // An empty page still makes one page.
        assert_eq!(run(&page("e.md", "---\ntitle: 空\n---\n")).pages.len(), 1);
    }
}
