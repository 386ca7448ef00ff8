//! The running header and footer of the PDFs: the four small templates written in `pdf.yaml`
//! (`header.newsletter`, `header.event`, `header.page`, `header.handout`, `footer.text`,
//! `footer.handout`). They are compiled once,
//! rendered for every page, and any mistake in them — a syntax error or a misspelt variable,
//! which would otherwise leave every page without its header — is an error located at its own
//! line and column in pdf.yaml rather than at the top of the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Location};
use crate::japanese::DigitStyle;
use crate::pdf::style::Style;

/// The variables a header or footer may use, for the help of an error.
const VARIABLES: &str = "site.title, site.newsletter_name, title, number, meeting, date, page_number, page_count, page.title, page.date, page.summary";

/// Compiled header and footer templates, and where each is written in pdf.yaml.
pub struct Margins {
    tera: tera::Tera,
    templates: Vec<Template>,
    /// Templates that compiled (the others were reported once, when loading).
    compiled: BTreeSet<&'static str>,
    file: PathBuf,
    yaml: String,
}

struct Template {
    /// The tera name: a kind's `pdf.header` or `pdf.footer` (`content::kinds`).
    name: &'static str,
    /// The key in pdf.yaml, e.g. `header.newsletter`.
    key: &'static str,
    text: String,
    /// Byte offset in pdf.yaml where the value is written; `None` when the key is left out
    /// (the built-in default is used).
    at: Option<usize>,
}

#[derive(Deserialize, Default)]
struct Spans {
    #[serde(default)]
    header: Option<HeaderSpans>,
    #[serde(default)]
    footer: Option<FooterSpans>,
}

#[derive(Deserialize, Default)]
struct HeaderSpans {
    #[serde(default)]
    newsletter: Option<Spanned<String>>,
    #[serde(default)]
    event: Option<Spanned<String>>,
    #[serde(default)]
    page: Option<Spanned<String>>,
    #[serde(default)]
    handout: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
struct FooterSpans {
    #[serde(default)]
    text: Option<Spanned<String>>,
    #[serde(default)]
    handout: Option<Spanned<String>>,
}

fn offset(s: &Option<Spanned<String>>) -> Option<usize> {
    let span = s.as_ref()?.referenced.span();
    usize::try_from(span.byte_offset()?).ok()
}

impl Margins {
    /// Compiles the templates of `style`, whose pdf.yaml text is `yaml` shown as `file`; syntax
    /// errors go to `diags`.
    pub fn new(
        style: &Style,
        yaml: &str,
        file: &Path,
        date_style: DigitStyle,
        diags: &mut crate::diag::Diagnostics,
    ) -> Margins {
        let spans: Spans = serde_saphyr::from_str(yaml).unwrap_or_default();
        let header = spans.header.unwrap_or_default();
        let footer = spans.footer.unwrap_or_default();
        let templates = vec![
            Template {
                name: "newsletter",
                key: "header.newsletter",
                text: style.header.newsletter.clone(),
                at: offset(&header.newsletter),
            },
            Template {
                name: "event",
                key: "header.event",
                text: style.header.event.clone(),
                at: offset(&header.event),
            },
            Template {
                name: "page",
                key: "header.page",
                text: style.header.page.clone(),
                at: offset(&header.page),
            },
            Template {
                name: "handout",
                key: "header.handout",
                text: style.header.handout.clone(),
                at: offset(&header.handout),
            },
            Template {
                name: "footer",
                key: "footer.text",
                text: style.footer.text.clone(),
                at: offset(&footer.text),
            },
            Template {
                name: "handout_footer",
                key: "footer.handout",
                text: style.footer.handout.clone(),
                at: offset(&footer.handout),
            },
        ];
        let mut m = Margins {
            tera: tera::Tera::new(),
            templates: Vec::new(),
            compiled: BTreeSet::new(),
            file: file.to_path_buf(),
            yaml: yaml.to_owned(),
        };
        crate::theme::register_filters(&mut m.tera, date_style);
        for t in &templates {
            match m.tera.add_raw_template(t.name, &t.text) {
                Ok(()) => {
                    m.compiled.insert(t.name);
                }
                Err(e) => diags.push(m.error(t, &e)),
            }
        }
        m.templates = templates;
        m
    }

    /// Renders template `name` (a kind's `pdf.header` or `pdf.footer`); a template that
    /// did not compile renders as nothing (its error was reported when loading).
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        let Some(t) = self.templates.iter().find(|t| t.name == name) else {
            return Ok(String::new());
        };
        if !self.compiled.contains(t.name) {
            return Ok(String::new());
        }
        self.tera.render(name, ctx).map_err(|e| self.error(t, &e))
    }

    /// A tera error in template `t`, located in pdf.yaml.
    fn error(&self, t: &Template, e: &tera::Error) -> Diagnostic {
        let (position, message) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let span = r.span();
                let written = t
                    .text
                    .get(span.range.clone())
                    .filter(|s| {
                        let s = s.trim();
                        !s.is_empty() && s.len() < 80 && !r.message().contains(s)
                    })
                    .map(|s| format!(" (`{}`)", s.trim()))
                    .unwrap_or_default();
                (
                    Some((span.start_line, span.start_col + 1)),
                    format!("{}{written}", r.message()),
                )
            }
            _ => match crate::theme::located_in_text(&e.to_string()) {
                Some((_, line, column, message)) => (Some((line, column)), message),
                None => (None, e.to_string()),
            },
        };
        let mut message = message;
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        Diagnostic::error(
            self.locate(t, position),
            format!("`{}` in pdf.yaml: {message}", t.key),
        )
        .help(format!(
            "check the {{{{ … }}}} expressions of `{}`; the header and footer know {VARIABLES}",
            t.key
        ))
    }

    /// The place in pdf.yaml of `position` (1-based line, 1-based column in characters) of
    /// template `t`: the template line is looked up in the YAML value, so plain, quoted and
    /// block scalars all work; when it cannot be found (escapes), the value's start.
    fn locate(&self, t: &Template, position: Option<(usize, usize)>) -> Location {
        let Some(start) = t.at.filter(|&a| a <= self.yaml.len()) else {
            // Not written in this pdf.yaml: the built-in default is used.
            return Location::file(&self.file);
        };
        let target = position.and_then(|(line, column)| {
            let line_text = t.text.split('\n').nth(line.checked_sub(1)?)?;
            let within: usize = line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i);
            let rest = self.yaml.get(start..)?;
            let found = if line_text.trim().is_empty() {
                None
            } else {
                rest.find(line_text)
            }?;
            Some(start + found + within)
        });
        let pos = target.unwrap_or(start);
        let before = self.yaml.get(..pos).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Location::new(&self.file, line, column)
    }
}
