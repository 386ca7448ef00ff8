//! The PDF half: every newsletter issue and training announcement typeset as an A4 PDF from the
//! same parsed page as the HTML. Layout (`layout`) decides where everything goes and produces
//! `draw::Document`; the writer (`writer`) turns that into PDF bytes with printpdf.

mod borrowed;
pub mod draw;
pub mod fonts;
pub mod glyphs;
pub mod image;
pub mod layout;
pub mod margins;
pub mod raster;
pub mod shrink;
pub mod style;
pub mod svg;
pub mod tags;
pub mod volume;
pub mod writer;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::Page;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::theme::Theme;
use draw::FontIndex;
use fonts::FontSet;
use style::Style;

/// Names of the built-in fonts, as `pdf.yaml` writes them.
const BUILTIN: [(&str, FontIndex); 2] = [
    ("BIZ UDPGothic", FontIndex(0)),
    ("BIZ UDPGothic Bold", FontIndex(1)),
];

/// Everything a PDF needs that is the same for every document of a build: fonts are parsed
/// and the margin templates compiled once, then shared by all threads.
pub struct PdfContext {
    pub fonts: FontSet,
    pub style: Style,
    pub regular: Vec<FontIndex>,
    pub bold: Vec<FontIndex>,
    margins: margins::Margins,
    /// Where the texts printed in every PDF's margins come from, to locate missing glyphs.
    site_yaml: PathBuf,
    style_file: Option<(String, PathBuf)>,
}

impl PdfContext {
    pub fn new(
        root: &Path,
        theme: &Theme,
        config: &Config,
        diags: &mut Diagnostics,
    ) -> Option<PdfContext> {
        let style = match &theme.pdf_style {
            Some((text, display)) => match style::parse(text, display) {
                Ok(s) => s,
                Err(e) => {
                    diags.push(e);
                    return None;
                }
            },
            None => Style::default(),
        };
        let mut fonts = FontSet::builtin();
        let mut names: Vec<(String, FontIndex)> =
            BUILTIN.iter().map(|(n, i)| (n.to_string(), *i)).collect();
        let style_file = theme
            .pdf_style
            .as_ref()
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| PathBuf::from("pdf.yaml"));
        let style_text = theme
            .pdf_style
            .as_ref()
            .map(|(t, _)| t.as_str())
            .unwrap_or("");
        let style_at = Location::file(&style_file);
        // Where a font name is written in pdf.yaml, for errors about it.
        let name_at = |name: &str| -> Location {
            style_text
                .lines()
                .enumerate()
                .find_map(|(i, l)| {
                    let col = l.find(name)?;
                    (!l.trim_start().starts_with('#'))
                        .then(|| Location::new(&style_file, i + 1, l[..col].chars().count() + 1))
                })
                .unwrap_or_else(|| style_at.clone())
        };
        let mut system_fonts = None;
        let mut chain = |list: &[String], diags: &mut Diagnostics| -> Vec<FontIndex> {
            let mut out = Vec::new();
            for name in list {
                if let Some((_, i)) = names.iter().find(|(n, _)| n == name) {
                    out.push(*i);
                    continue;
                }
                match find_font(root, theme, name, &mut system_fonts) {
                    Some(path) => match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| fonts.add(name.clone(), b)) {
                        Ok(i) => {
                            names.push((name.clone(), i));
                            out.push(i);
                        }
                        Err(e) => diags.push(
                            Diagnostic::error(name_at(name), format!("font `{name}` ({}) cannot be used: {e}", path.display()))
                                .help("use a TrueType (.ttf) font that allows embedding, or remove it from pdf.yaml"),
                        ),
                    },
                    None => diags.push(
                        Diagnostic::error(name_at(name), format!("font `{name}` not found"))
                            .help("put the .ttf file in the theme's fonts/ folder (file name = font name), or use `BIZ UDPGothic`"),
                    ),
                }
            }
            out
        };
        let regular = chain(&style.fonts.regular, diags);
        let bold = chain(&style.fonts.bold, diags);
        let margins =
            margins::Margins::new(&style, style_text, &style_file, config.date_style, diags);
        Some(PdfContext {
            fonts,
            style,
            regular,
            bold,
            margins,
            site_yaml: root.join(crate::config::FILE_NAME),
            style_file: theme.pdf_style.clone(),
        })
    }

    /// The regular chain with the built-in font as the last resort.
    pub fn text_chain(&self) -> Vec<FontIndex> {
        let mut c = self.regular.clone();
        for f in [FontIndex(0), FontIndex(1)] {
            if !c.contains(&f) {
                c.push(f);
            }
        }
        c
    }

    fn font_names(&self) -> String {
        let mut names: Vec<&str> = self
            .text_chain()
            .iter()
            .map(|f| self.fonts.name(*f))
            .collect();
        names.dedup();
        names.join(", ")
    }

    /// The variables of the running header and footer on page `number` of `count`.
    fn margin_context(page: &Page, config: &Config, number: usize, count: usize) -> tera::Context {
        use crate::content::Kind;
        let (number_value, meeting) = match &page.meta.kind {
            Kind::Newsletter(n) => (Some(n.number), None),
            Kind::Handout(h) => (Some(h.number), Some(h.meeting.as_str())),
            Kind::Event(_) | Kind::Plain => (None, None),
        };
        let mut ctx = tera::Context::new();
        ctx.insert("site", &crate::view::SiteView::new(config));
        ctx.insert(
            "page",
            &serde_json::json!({
                "title": page.meta.title,
                "date": page.meta.date.map(|d| d.to_string()),
                "summary": page.meta.summary,
                "number": number_value,
            }),
        );
        ctx.insert("title", &page.meta.title);
        ctx.insert("number", &number_value);
        ctx.insert("meeting", &meeting);
        ctx.insert("date", &page.meta.date.map(|d| d.to_string()));
        ctx.insert("page_number", &number);
        ctx.insert("page_count", &count);
        ctx
    }

    fn margin_text(
        &self,
        template: &str,
        page: &Page,
        config: &Config,
        number: usize,
        count: usize,
    ) -> String {
        let ctx = Self::margin_context(page, config, number, count);
        // `check_margins` ran before typesetting; a failure here leaves the margin empty.
        self.margins.render(template, &ctx).unwrap_or_default()
    }

    /// Renders the page's header and footer once: a misspelt variable is an error located in
    /// pdf.yaml instead of a PDF whose pages silently lack their header.
    pub fn check_margins(&self, page: &Page, config: &Config, diags: &mut Diagnostics) {
        let ctx = Self::margin_context(page, config, 1, 1);
        let spec = &page.section.spec().pdf;
        for name in [spec.header, spec.footer] {
            if let Err(d) = self.margins.render(name, &ctx) {
                diags.push(d);
            }
        }
    }
}

/// A suggestion for the characters authors meet most: variant kanji and emoji.
fn glyph_help(c: char) -> String {
    let common = match c {
        '𠮷' => Some("吉"),
        '𥝱' => Some("秭"),
        '髙' => Some("高"),
        _ => None,
    };
    match common {
        Some(alt) => format!(
            "write {alt} instead, or add a font that has {c} to the theme's pdf.yaml (fonts:)"
        ),
        None => format!(
            "replace {c} with a common character, or add a font that has it to the theme's pdf.yaml (fonts:)"
        ),
    }
}

/// A font file for `name`: the site's or theme's `fonts/<name>.ttf`, else a system font.
/// `system` is scanned on first need only, and once per build whatever the number of fonts.
fn find_font(
    root: &Path,
    theme: &Theme,
    name: &str,
    system: &mut Option<fontdb::Database>,
) -> Option<PathBuf> {
    for dir in [
        root.join("fonts"),
        root.join("themes").join(&theme.name).join("fonts"),
    ] {
        for ext in ["ttf", "TTF"] {
            let p = dir.join(format!("{name}.{ext}"));
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let db = system.get_or_insert_with(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        db
    });
    db.faces().find_map(|f| {
        // Regular faces by family name; other weights as "<family> Bold", as pdf.yaml writes them.
        let bold = f.weight.0 >= 600;
        let matches = f.post_script_name == name
            || f.families.iter().any(|(fam, _)| {
                (fam == name && !bold && f.style == fontdb::Style::Normal)
                    || (bold && format!("{fam} Bold") == name)
            });
        match (&f.source, matches) {
            (fontdb::Source::File(path), true) => Some(path.clone()),
            _ => None,
        }
    })
}

/// Typesets `page` as PDF bytes. Every image the page shows must be usable: the errors are
/// located at the images in the Markdown.
pub fn render(
    page: &Page,
    config: &Config,
    ctx: &PdfContext,
    survey_colors: &[String],
    resolve: &dyn Fn(&str) -> Option<layout::PdfLink>,
    image_file: &ImageFile,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let input = Typeset {
        page,
        config,
        ctx,
        survey_colors,
        resolve,
        image_file,
    };
    let doc = match input.layout(&|number, count| (number, count), &ImageCache::default()) {
        Ok(doc) => doc,
        Err(mut errors) => {
            // Say the missing characters too, as a page laid out without its images has them.
            let mut missing = Diagnostics::new();
            ctx.check_glyphs(page, config, &mut missing);
            errors.splice(0..0, missing);
            return Err(errors);
        }
    };
    // Every printed character must be in a font: checked on this very layout.
    let mut missing = Diagnostics::new();
    ctx.report_missing(page, &doc, &mut missing);
    if missing.has_errors() {
        return Err(missing.into_iter().collect());
    }
    write(&doc, ctx, page)
}

/// `doc` as PDF bytes; a writer failure is reported at `page`'s file.
pub(crate) fn write(
    doc: &draw::Document,
    ctx: &PdfContext,
    page: &Page,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    writer::write(doc, &ctx.fonts).map_err(|e| {
        vec![
            Diagnostic::error(
                Location::file(&page.display),
                format!("the PDF could not be written: {e}"),
            )
            .help("this is a bug in tsushin; please report it with this file"),
        ]
    })
}

/// Images already read for a document, by URL and box width: a bound volume lays out each
/// issue twice and reads every image once.
pub(crate) type ImageCache =
    std::cell::RefCell<std::collections::HashMap<(String, u32), draw::Image>>;

/// What typesetting one page needs.
pub(crate) struct Typeset<'a> {
    pub page: &'a Page,
    pub config: &'a Config,
    pub ctx: &'a PdfContext,
    pub survey_colors: &'a [String],
    pub resolve: &'a dyn Fn(&str) -> Option<layout::PdfLink>,
    pub image_file: &'a ImageFile<'a>,
}

impl Typeset<'_> {
    /// Lays the page out. `numbers` turns the page's own (page number, page count) into the
    /// ones its running header and footer print (a bound volume numbers its pages through).
    pub(crate) fn layout(
        &self,
        numbers: &dyn Fn(usize, usize) -> (usize, usize),
        cache: &ImageCache,
    ) -> Result<draw::Document, Vec<Diagnostic>> {
        let Typeset {
            page,
            config,
            ctx,
            survey_colors,
            resolve,
            image_file,
        } = *self;
        let mut problems = Diagnostics::new();
        ctx.check_margins(page, config, &mut problems);
        if let Some(d) = problems.into_iter().next() {
            return Err(vec![d]);
        }
        // A screen reader needs every image described (or marked decorative).
        let undescribed = tags::alt::missing(page);
        if !undescribed.is_empty() {
            return Err(undescribed);
        }
        let spec = &page.section.spec().pdf;
        // A landscape kind lays out on the page size of pdf.yaml turned.
        let turned;
        let style = if spec.landscape {
            turned = ctx.style.landscape();
            &turned
        } else {
            &ctx.style
        };
        // The layout never draws an image taller than the text column.
        let (_, _, body_width, body_height) = style.body_box();
        let failed = std::cell::RefCell::new(Vec::new());
        let tried = std::cell::RefCell::new(std::collections::HashSet::new());
        let image = |url: &str, max_width: f32| -> Result<draw::Image, String> {
            tried.borrow_mut().insert(url.to_owned());
            let key = (url.to_owned(), max_width.to_bits());
            if let Some(im) = cache.borrow().get(&key) {
                return Ok(im.clone());
            }
            match load_image(image_file, url, max_width, body_height) {
                Ok(im) => {
                    cache.borrow_mut().insert(key, im.clone());
                    Ok(im)
                }
                Err(e) => {
                    let text = e.message.clone();
                    failed.borrow_mut().push((url.to_owned(), e));
                    Err(text)
                }
            }
        };
        let margin_text = |which: layout::Margin, number: usize, count: usize| -> String {
            let name = match which {
                layout::Margin::Header => spec.header,
                layout::Margin::Footer => spec.footer,
            };
            let (number, count) = numbers(number, count);
            ctx.margin_text(name, page, config, number, count)
        };
        let lctx = layout::LayoutContext {
            fonts: &ctx.fonts,
            style,
            config,
            regular: &ctx.regular,
            bold: &ctx.bold,
            survey_colors,
            resolve,
            image: &image,
            margin_text: &margin_text,
        };
        let doc = layout::layout(page, &lctx);
        // Images the layout leaves out (in table cells) must be usable too, as `check` says.
        let mut failed = failed.into_inner();
        for url in image_urls(page) {
            if !tried.borrow().contains(url)
                && let Err(e) = load_image(image_file, url, body_width, body_height)
            {
                failed.push((url.to_owned(), e));
            }
        }
        if !failed.is_empty() {
            return Err(failed
                .iter()
                .flat_map(|(url, e)| image_diagnostics(page, url, e))
                .collect());
        }
        Ok(doc)
    }
}

/// The distinct image URLs of `page`, in order.
fn image_urls(page: &Page) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    page.doc
        .refs
        .iter()
        .filter(|r| r.kind == crate::content::model::UrlKind::Image)
        .map(|r| r.url.as_str())
        .filter(|u| seen.insert(*u))
        .collect()
}

/// One error per place `url` is shown on `page`.
fn image_diagnostics(page: &Page, url: &str, e: &raster::ImageError) -> Vec<Diagnostic> {
    let make = |at: Location| {
        Diagnostic::error(at, format!("image `{url}` {}", e.message)).help(e.help.clone())
    };
    let mut out: Vec<Diagnostic> = page
        .doc
        .refs
        .iter()
        .filter(|r| r.kind == crate::content::model::UrlKind::Image && r.url == url)
        .map(|r| make(Location::new(&page.display, r.line, r.column)))
        .collect();
    if out.is_empty() {
        out.push(make(Location::file(&page.display)));
    }
    out
}

/// Where the image at a page's URL is on disk, or why it may not be read: the site's one rule
/// of what may be read (inside content/, symbolic links resolved, never a web address), passed
/// down by the caller.
pub type ImageFile<'a> = dyn Fn(&str) -> Result<PathBuf, String> + Sync + 'a;

/// Reads the image `url` for a box of `width_pt` × `height_pt`.
fn load_image(
    image_file: &ImageFile,
    url: &str,
    width_pt: f32,
    height_pt: f32,
) -> Result<draw::Image, raster::ImageError> {
    let url = url.trim();
    if crate::content::url::is_external(url) {
        return Err(raster::ImageError {
            message: "is not a file of the site, and the PDF cannot fetch it".into(),
            help: "save the picture next to the Markdown file and link it by its file name, e.g. `![説明](photo.jpg)`".into(),
        });
    }
    let path = image_file(url).map_err(|e| raster::ImageError {
        message: format!(
            "cannot be used: {}",
            e.strip_prefix(&format!("{url}: ")).unwrap_or(&e)
        ),
        help: "put the image next to the Markdown file, inside content/, and fix the path".into(),
    })?;
    let bytes = std::fs::read(&path).map_err(|e| raster::ImageError {
        message: format!("cannot be read: {e}"),
        help: "put the image next to the Markdown file, or fix the path".into(),
    })?;
    raster::load(&bytes, width_pt, height_pt)
}

/// The errors `render` would give for the images of `page`, without typesetting (for
/// `tsushin check`). Missing files are left to the link check.
pub fn check_images(page: &Page, ctx: &PdfContext, image_file: &ImageFile) -> Vec<Diagnostic> {
    let (_, _, body_width, body_height) = ctx.style.body_box();
    let mut out = tags::alt::missing(page);
    for url in image_urls(page) {
        // Missing and refused files are the link check's, which uses the same resolver.
        if !crate::content::url::is_external(url) && image_file(url).is_err() {
            continue;
        }
        if let Err(e) = load_image(image_file, url, body_width, body_height) {
            out.extend(image_diagnostics(page, url, &e));
        }
    }
    out
}
