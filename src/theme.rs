//! Themes: tera templates, static files and `theme.yaml`. The default theme is embedded in the
//! binary so a site builds with no theme folder; files on disk override it one by one, in the
//! order embedded default → `themes/<name>/` → the site's own `templates/` and `static/`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use jiff::civil::{Date, Time};
use serde::Deserialize;
use tera::{Kwargs, State, Tera, TeraResult};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::japanese::{self, DigitStyle};

pub static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A file of the theme, with the place it came from for diagnostics.
struct ThemeFile {
    bytes: Cow<'static, [u8]>,
    display: PathBuf,
}

pub struct Theme {
    /// The theme's name from site.yaml.
    pub name: String,
    pub tera: Tera,
    /// `pdf.yaml` (text and where it came from), if the theme has one.
    pub pdf_style: Option<(String, PathBuf)>,
    /// Output path (under `static/`) → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    pub survey_colors: Vec<String>,
    /// Template name → where it came from, to locate template errors.
    sources: BTreeMap<String, PathBuf>,
}

#[derive(Deserialize, Default)]
struct ThemeYaml {
    #[serde(default)]
    survey_colors: Vec<String>,
}

const FALLBACK_COLORS: [&str; 5] = ["#1d4f91", "#4a7fc1", "#9db9dd", "#c9ccd1", "#e08a2c"];

pub fn load(root: &Path, config: &Config, diags: &mut Diagnostics) -> Option<Theme> {
    let mut files: BTreeMap<String, ThemeFile> = BTreeMap::new();
    collect_embedded(&DEFAULT_THEME, &mut files);
    let theme_dir = root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        collect_dir(
            &theme_dir,
            Path::new("themes").join(&config.theme).as_path(),
            "",
            &mut files,
            diags,
        );
    } else if config.theme != "default" {
        diags.push(
            Diagnostic::error(
                config.theme_at.clone(),
                format!("theme `{}` not found (looked in {})", config.theme, theme_dir.display()),
            )
            .help("use `theme: default` (built in) or create the folder themes/<name>/ (`tsushin theme export` writes the default theme there)"),
        );
        return None;
    }
    for (sub, prefix) in [("templates", "templates/"), ("static", "static/")] {
        let dir = root.join(sub);
        if dir.is_dir() {
            collect_dir(&dir, Path::new(sub), prefix, &mut files, diags);
        }
    }

    let mut theme = Theme {
        name: config.theme.clone(),
        tera: Tera::new(),
        pdf_style: None,
        static_files: BTreeMap::new(),
        survey_colors: Vec::new(),
        sources: BTreeMap::new(),
    };
    register_filters(&mut theme.tera, config.date_style);
    let mut templates = Vec::new();
    for (rel, file) in files {
        if let Some(name) = rel.strip_prefix("templates/") {
            match String::from_utf8(file.bytes.into_owned()) {
                Ok(text) => templates.push((name.to_owned(), text.replace("\r\n", "\n"))),
                Err(_) => diags.push(
                    Diagnostic::error(Location::file(&file.display), "template is not UTF-8")
                        .help("re-save the template as UTF-8"),
                ),
            }
            theme.sources.insert(name.to_owned(), file.display);
        } else if let Some(name) = rel.strip_prefix("static/") {
            theme
                .static_files
                .insert(format!("static/{name}"), file.bytes.into_owned());
        } else if rel == "pdf.yaml" {
            theme.pdf_style = Some((
                String::from_utf8_lossy(&file.bytes).replace("\r\n", "\n"),
                file.display,
            ));
        } else if rel == "theme.yaml" {
            let text = String::from_utf8_lossy(&file.bytes).into_owned();
            match crate::yaml::parse::<ThemeYaml>(&text, &file.display, 1) {
                Ok(y) => theme.survey_colors = y.survey_colors,
                Err(e) => diags.push(e),
            }
        }
    }
    if theme.survey_colors.is_empty() {
        theme.survey_colors = FALLBACK_COLORS.iter().map(|c| c.to_string()).collect();
    }
    // All at once, so templates may extend or include each other in any order.
    if let Err(e) = theme.tera.add_raw_templates(templates) {
        diags.push(theme.template_error(&e, None));
        return None;
    }
    Some(theme)
}

impl Theme {
    pub fn render(&self, template: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| self.template_error(&e, Some(template)))
    }

    /// A tera error as a located diagnostic in the template file.
    fn template_error(&self, e: &tera::Error, template: Option<&str>) -> Diagnostic {
        let (name, line, column, message) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
                r.filename().to_owned(),
                r.span().start_line,
                r.span().start_col + 1,
                r.message().to_owned(),
            ),
            _ => located_in_text(&e.to_string())
                .unwrap_or_else(|| (template.unwrap_or("").to_owned(), 1, 1, e.to_string())),
        };
        let mut message = message;
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        let display = self
            .sources
            .get(&name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")));
        Diagnostic::error(
            Location::new(display, line, column),
            format!("template error: {message}"),
        )
        .help("fix the template, or delete your copy to use the default theme's")
    }
}

/// Some tera errors (an unknown filter, test or function) carry their position only in the
/// text, as `--> page.html:3:20`: read it from there.
pub(crate) fn located_in_text(text: &str) -> Option<(String, usize, usize, String)> {
    let arrow = text.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = arrow.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let name = parts.next()?.to_owned();
    let message = text
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_owned();
    Some((name, line, column, message))
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut BTreeMap<String, ThemeFile>) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        out.insert(
            rel.clone(),
            ThemeFile {
                bytes: Cow::Borrowed(f.contents()),
                display: PathBuf::from(format!("(built-in default theme)/{rel}")),
            },
        );
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

fn collect_dir(
    dir: &Path,
    display: &Path,
    prefix: &str,
    out: &mut BTreeMap<String, ThemeFile>,
    diags: &mut Diagnostics,
) {
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Location::file(display),
                    format!("cannot read theme folder: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                out.insert(
                    format!("{prefix}{rel_s}"),
                    ThemeFile {
                        bytes: Cow::Owned(bytes),
                        display: display.join(rel),
                    },
                );
            }
            Err(e) => diags.push(Diagnostic::error(
                Location::file(display.join(rel)),
                format!("cannot read file: {e}"),
            )),
        }
    }
}

/// Writes the embedded default theme to `dest` for editing; never overwrites a file.
pub fn export(dest: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
    let mut files = BTreeMap::new();
    collect_embedded(&DEFAULT_THEME, &mut files);
    let mut written = Vec::new();
    for rel in files.keys() {
        let path = dest.join(rel);
        if path.exists() && !force {
            return Err(format!(
                "{} already exists; nothing was written (use --force to overwrite)",
                path.display()
            ));
        }
    }
    for (rel, f) in files {
        let path = dest.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &f.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A date for the era filters; one before 明治 is an error rather than an era-less `１年`.
fn arg_date(s: &str) -> TeraResult<Date> {
    let day = s.get(..10).unwrap_or(s);
    let date = day
        .parse::<Date>()
        .map_err(|_| tera::Error::message(format!("expected a date like 2021-08-23, got `{s}`")))?;
    japanese::check_era(date).map_err(tera::Error::message)
}

fn arg_time(s: &str) -> TeraResult<Time> {
    let hm = s.rsplit(['T', ' ']).next().unwrap_or(s);
    hm.get(..5)
        .unwrap_or(hm)
        .parse::<Time>()
        .map_err(|_| tera::Error::message(format!("expected a time like 14:15, got `{s}`")))
}

/// The Japanese date and number filters, shared by page templates and PDF margin templates.
pub fn register_filters(tera: &mut Tera, style: DigitStyle) {
    tera.register_filter(
        "wareki",
        move |v: &str, kw: Kwargs, _: &State| -> TeraResult<String> {
            let weekday = kw.get::<bool>("weekday")?.unwrap_or(true);
            Ok(japanese::wareki_date(arg_date(v)?, style, weekday))
        },
    );
    tera.register_filter(
        "wareki_month",
        move |v: &str, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(japanese::wareki_month(arg_date(v)?, style))
        },
    );
    tera.register_filter(
        "fiscal_year",
        move |v: &str, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(japanese::fiscal_year_label(
                japanese::fiscal_year_start(arg_date(v)?),
                style,
            ))
        },
    );
    tera.register_filter(
        "time_range",
        move |v: &str, kw: Kwargs, _: &State| -> TeraResult<String> {
            let end = match kw.get::<&str>("end")? {
                Some(e) => Some(arg_time(e)?),
                None => None,
            };
            Ok(japanese::time_range(arg_time(v)?, end, style))
        },
    );
    tera.register_filter(
        "issue_number",
        move |v: i64, _: Kwargs, _: &State| -> TeraResult<String> {
            let n = u32::try_from(v)
                .map_err(|_| tera::Error::message(format!("not an issue number: {v}")))?;
            Ok(japanese::issue_number(n, style))
        },
    );
    tera.register_filter(
        "handout_number",
        move |v: i64, _: Kwargs, _: &State| -> TeraResult<String> {
            let n = u32::try_from(v)
                .map_err(|_| tera::Error::message(format!("not a handout number: {v}")))?;
            Ok(japanese::handout_number(n, style))
        },
    );
    tera.register_filter("num", move |v: i64, _: Kwargs, _: &State| -> String {
        japanese::digits(v, style)
    });
}
