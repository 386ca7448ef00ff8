//! The front of a bound volume (合本): its cover and its table of contents (目次), laid out
//! with the engine's own text lines, chunks and pagination, so that they look like the issues
//! bound after them and get the same running footer.
//!
//! Tagged like the issues: the cover's title is its `H1`, the contents a `TOC` whose items
//! (`TOCI`) hold a `Reference` with the `Link` of the row (its text and page number); an
//! issue's sections are a `TOC` inside the issue's item.
//!
//! A contents row links to the page it names. The page is not known while the contents are
//! laid out (the issues come after them), so each row carries a placeholder link
//! ([`contents_link`]) that the binder (`pdf::volume`) turns into an internal link.

use crate::content::model::Document as Body;
use crate::content::{Kind, Meta, Page, Section};
use crate::pdf::draw::{self, Role};

use super::assemble::Paginator;
use super::context::LayoutContext;
use super::engine::Engine;
use super::flow::PdfLink;
use super::flow::{Chunk, RelLink, fill_rect, hline};
use super::inline::{Para, Piece, Run, RunStyle};
use super::tags::Current;

/// What the cover shows.
#[derive(Debug, Clone)]
pub struct Cover {
    /// The site's title (the publisher line).
    pub publisher: String,
    /// The newsletter's name.
    pub name: String,
    /// The fiscal year with its suffix: 令和３年度合本.
    pub year: String,
    /// Each issue: number (第１号), date (令和３年６月30日（水）), its own title (empty when
    /// it only repeats the name and number).
    pub issues: Vec<(String, String, String)>,
}

/// One row of the table of contents.
#[derive(Debug, Clone)]
pub struct Entry {
    /// A section of an issue (indented) rather than the issue itself.
    pub section: bool,
    pub text: String,
    /// The page number printed at the right (the volume's own numbering).
    pub page: usize,
}

/// The placeholder URI of contents row `index`, resolved by the binder.
pub fn contents_link(index: usize) -> String {
    format!("{CONTENTS_LINK}{index}")
}

/// Prefix of [`contents_link`]; no real URI starts with a control character.
pub const CONTENTS_LINK: &str = "\u{1}contents:";

/// A page with nothing of its own, for the engine's title and info.
pub(crate) fn front_page(title: &str) -> Page {
    Page {
        rel: String::new(),
        display: std::path::PathBuf::new(),
        section: Section::Plain,
        meta: Meta {
            title: title.to_owned(),
            date: None,
            summary: None,
            tags: Vec::new(),
            draft: false,
            slug: None,
            kind: Kind::Plain,
        },
        doc: Body::default(),
        out_path: String::new(),
        source: String::new(),
    }
}

/// The cover: publisher, name and year, then the issues bound in the volume.
pub fn cover(c: &Cover, ctx: &LayoutContext) -> draw::Document {
    let page = front_page(&format!("{} {}", c.name, c.year));
    let mut e = Engine::new(&page, ctx);
    e.cover(c);
    e.front_matter()
}

/// The table of contents: 目次, then a row per issue and per section with its page number.
pub fn contents(entries: &[Entry], ctx: &LayoutContext) -> draw::Document {
    let page = front_page("目次");
    let mut e = Engine::new(&page, ctx);
    e.contents(entries);
    e.front_matter()
}

impl Engine<'_> {
    /// Paginates the chunks pushed so far and draws the pages.
    fn front_matter(self) -> draw::Document {
        let ctx = self.ctx;
        let mut done = self.finish();
        done.flow.flow_len = done.flow.chunks.len();
        let (pages, _) = Paginator::new(ctx, done.text, false).run(done.flow);
        draw::Document {
            pages,
            structure: done.structure,
            ..draw::Document::default()
        }
    }

    /// `pieces` wrapped into `w` from `x`, as one chunk; the last line's (top, baseline).
    fn text_chunk(&self, pieces: &[Piece], x: f32, w: f32, para: Para) -> (Chunk, f32, f32) {
        let mut c = Chunk::new(0.0);
        let mut last = (0.0, para.size);
        for lb in self.lines(pieces, x, w, para) {
            let mut part = Chunk::new(lb.h);
            part.items = lb.items;
            let y = c.h;
            last = (y, lb.baseline);
            c.h += lb.h;
            c.absorb(part, y);
        }
        (c, last.0, last.1)
    }

    fn double_rule_under(&self, c: &mut Chunk) {
        let (x, w) = (self.left, self.width);
        c.h += 6.0;
        c.items.push(fill_rect(x, c.h, w, 2.2, self.colors.accent));
        c.h += 2.2 + 1.6;
        c.items
            .push(hline(x, x + w, c.h + 0.3, self.colors.accent, 0.6));
        c.h += 0.6;
    }

    fn cover(&mut self, cover: &Cover) {
        let (x, w) = (self.left, self.width);
        let title = self.style.headings.title;
        // The title block sits a fifth of the way down the text area.
        self.push(Chunk::new(self.body_h * 0.2));
        let small = self.style.text.small_size + 1.0;
        let publisher = [Piece::run(
            cover.publisher.clone(),
            RunStyle::plain(small, self.colors.muted),
        )];
        let p = self.open_node(Role::P);
        let (mut c, _, _) =
            self.text_chunk(&publisher, x, w, Para::left(small, small * 1.8, false));
        self.close_node(p);
        // The name and the year are the volume's title.
        let h1 = self.open_node(Role::H(1));
        let name_size = title + 5.0;
        let name = [Piece::run(
            cover.name.clone(),
            RunStyle::plain(name_size, self.colors.accent).bold(),
        )];
        let (part, _, _) =
            self.text_chunk(&name, x, w, Para::left(name_size, name_size * 1.4, true));
        let y = c.h;
        c.h += part.h;
        c.absorb(part, y);
        let year_size = title + 12.0;
        let year = [Piece::run(
            cover.year.clone(),
            RunStyle::plain(year_size, self.colors.heading).bold(),
        )];
        let (part, _, _) =
            self.text_chunk(&year, x, w, Para::left(year_size, year_size * 1.4, true));
        let y = c.h;
        c.h += part.h;
        c.absorb(part, y);
        self.close_node(h1);
        self.double_rule_under(&mut c);
        self.push(c);

        let size = self.style.text.size + 1.0;
        let head = [Piece::run(
            "収録号",
            RunStyle::plain(size, self.colors.heading).bold(),
        )];
        let h2 = self.open_node(Role::H(2));
        let (mut c, _, _) = self.text_chunk(&head, x, w, Para::left(size, size * 1.8, true));
        self.close_node(h2);
        c.keep_with_next = true;
        self.gap(self.em() * 3.0);
        self.push(c);
        let size = self.style.text.size;
        for (number, date, issue_title) in &cover.issues {
            let mut pieces = vec![
                Piece::run(
                    format!("{number}　"),
                    RunStyle::plain(size, self.colors.accent).bold(),
                ),
                Piece::run(
                    format!("{date}発行"),
                    RunStyle::plain(size, self.colors.muted),
                ),
            ];
            if !issue_title.is_empty() {
                pieces.push(Piece::run(
                    format!("　{issue_title}"),
                    RunStyle::plain(size, self.colors.text),
                ));
            }
            let p = self.open_node(Role::P);
            let (c, _, _) = self.text_chunk(&pieces, x, w, Para::left(size, size * 1.7, false));
            self.close_node(p);
            self.gap(self.em() * 0.3);
            self.push(c);
        }
    }

    fn contents(&mut self, entries: &[Entry]) {
        let (x, w) = (self.left, self.width);
        let size = self.style.headings.title;
        let head = [Piece::run(
            "目次",
            RunStyle::plain(size, self.colors.heading).bold(),
        )];
        let h1 = self.open_node(Role::H(1));
        let (mut c, _, _) = self.text_chunk(&head, x, w, Para::left(size, size * 1.45, true));
        self.close_node(h1);
        self.double_rule_under(&mut c);
        c.keep_with_next = true;
        self.push(c);
        self.gap(self.em());
        let mut toc = TocTags::new(self.open_node(Role::TOC));
        for (i, entry) in entries.iter().enumerate() {
            let link = toc.entry(self, entry.section);
            let outer = self.set_current(Current::Node(link));
            let (size, bold, indent, color) = if entry.section {
                (
                    self.style.text.size,
                    false,
                    self.em() * 1.5,
                    self.colors.text,
                )
            } else {
                (self.style.headings.h3, true, 0.0, self.colors.heading)
            };
            let number_w = self.measure("0000", bold, size);
            let style = RunStyle::plain(size, color);
            let style = if bold { style.bold() } else { style };
            let pieces = [Piece::run(entry.text.clone(), style.clone())];
            let tw = (w - indent - number_w - self.em()).max(w * 0.3);
            let para = Para::left(size, size * 1.6, bold);
            let (mut c, top, baseline) = self.text_chunk(&pieces, x + indent, tw, para);
            let number = entry.page.to_string();
            let nx = x + w - self.measure(&number, bold, size);
            let run = Run {
                text: number,
                style,
                anchor: None,
            };
            let (items, _) = self.single_line(&[run], nx, top + baseline);
            self.set_current(outer);
            c.items.extend(items);
            c.links.push(RelLink {
                x: x + indent,
                y: 0.0,
                w: w - indent,
                h: c.h,
                target: PdfLink::Uri(contents_link(i)),
                node: Some(link),
            });
            // An issue's row stays with its first section.
            c.keep_with_next = !entry.section;
            self.gap(if entry.section { 0.0 } else { self.em() * 0.9 });
            self.push(c);
        }
        self.close_node(toc.toc);
    }
}

/// The structure of the contents as its rows are laid out.
struct TocTags {
    toc: usize,
    /// The current issue's item, and the `TOC` of its sections once it has one.
    issue: Option<(usize, Option<usize>)>,
}

impl TocTags {
    fn new(toc: usize) -> TocTags {
        TocTags { toc, issue: None }
    }

    /// The elements of the next row: an item (in the contents, or in its issue's sections)
    /// holding a `Reference` holding the row's `Link`, which is returned.
    fn entry(&mut self, e: &Engine, section: bool) -> usize {
        let parent = match (section, &mut self.issue) {
            (true, Some((_, Some(sub)))) => *sub,
            (true, Some((item, sub @ None))) => *sub.insert(e.child_node(Role::TOC, *item)),
            _ => self.toc,
        };
        let item = e.child_node(Role::TOCI, parent);
        if !section {
            self.issue = Some((item, None));
        }
        let reference = e.child_node(Role::Reference, item);
        e.child_node(Role::Link, reference)
    }
}
