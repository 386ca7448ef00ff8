//! Front matter, the author's interface: the YAML between the `---` lines at the top of a page.
//! Every problem is reported at the line and column of the key or value concerned.

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;

use crate::content::event::Event;
use crate::content::kinds;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::yaml;

mod dates;
mod event;
mod handout;
mod newsletter;
mod text;

pub use super::kinds::Section;
pub use dates::{check_slug, parse_date, parse_datetime};
pub use handout::Handout;
pub use newsletter::Newsletter;
use text::{Names, OneOrMany};

/// A source file cut into its YAML and its Markdown.
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// Lines before the body.
    pub body_offset: usize,
}

const EXAMPLE: &str =
    "start the file with\n---\ntitle: コーディネーター連絡会通信 第１号\ndate: 2021-06-30\n---";

pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(
            Location::file(file),
            "the page has no front matter (the first line must be `---`)",
        )
        .help(EXAMPLE));
    }
    let yaml_start = first.len() + 1;
    let mut offset = yaml_start;
    for (i, line) in text[yaml_start.min(text.len())..]
        .split_inclusive('\n')
        .enumerate()
    {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start.min(text.len())..],
                body_offset: i + 2,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(Location::file(file), "the front matter is not closed")
            .help("add a line `---` after the last front matter line, before the text"),
    )
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub date: Option<Date>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub slug: Option<(String, Location)>,
    pub kind: Kind,
}

/// A page's own data, by kind.
#[derive(Debug, Clone)]
pub enum Kind {
    Newsletter(Newsletter),
    Event(Event),
    Handout(Handout),
    Plain,
}

/// The keys every kind reads.
#[derive(Deserialize)]
struct Raw {
    title: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    summary: Option<String>,
    tags: Option<OneOrMany>,
    draft: Option<bool>,
    slug: Option<Spanned<String>>,
}

/// What a kind's parser reads its keys with: the YAML, its place in the file and the parsed
/// tree (for the keys' locations).
pub(super) struct Reader<'a> {
    yaml: &'a str,
    file: &'a Path,
    line0: usize,
    node: &'a yaml::Node,
    section: Section,
}

impl Reader<'_> {
    /// Where a value is written in the page.
    fn at(&self, s: &serde_saphyr::Location) -> Location {
        Location::new(
            self.file,
            s.line() as usize + self.line0 - 1,
            s.column() as usize,
        )
    }

    /// The first line of the front matter, for keys that are missing.
    fn top(&self) -> Location {
        Location::new(self.file, self.line0, 1)
    }

    /// The front matter read as `T`; a value of the wrong type is reported at its key.
    fn typed<T: DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<T> {
        match yaml::parse(self.yaml, self.file, self.line0) {
            Ok(r) => Some(r),
            Err(mut e) => {
                if let Some(key) = self.node.key_for_line(e.location.line + 1 - self.line0)
                    && !e.message.contains("written twice")
                    && !e.message.contains("too much data")
                {
                    e.message = format!("`{key}` has a value of the wrong kind");
                    e.help = Some(format!(
                        "`{key}` must be {}",
                        expectation(key, self.section)
                    ));
                }
                diags.push(e);
                None
            }
        }
    }

    /// Group names (`recipients:`), trimmed, and where each is written.
    fn names(&self, names: Option<Spanned<Names>>) -> (Vec<String>, Vec<Location>) {
        names.map_or_else(Default::default, |r| {
            r.value.located(&r.referenced, &|l| self.at(l))
        })
    }
}

/// What a key's value must look like, for type errors.
fn expectation(key: &str, section: Section) -> &'static str {
    match key {
        "number" => match section {
            Section::Handout => "a whole number, e.g. `number: 3` (資料３)",
            Section::Newsletter | Section::Event | Section::Plain => {
                "a whole number, e.g. `number: 1` (第１号)"
            }
        },
        "capacity" => "a whole number of people, e.g. `capacity: 80`",
        "draft" => "`true` or `false`",
        "tags" | "recipients" => "a list, e.g. `[連絡会, アンケート]`",
        "lecturers" => {
            "a list of `- {name: 杉本百合子, affiliation: 同志社女子大学, role: 准教授}`"
        }
        "sessions" => "a list of `- {start: 2021-08-23T14:15, end: 2021-08-23T16:15}`",
        _ => "text, e.g. `title: コーディネーター連絡会通信 第１号`",
    }
}

/// Characters a title may have: it is the page's heading, the browser tab, a PDF header line
/// and a flyer's headline, which no longer fit long before this.
pub const MAX_TITLE_CHARS: usize = 200;

/// Parses the front matter of a page of `section`; `None` when it cannot be used at all.
pub fn parse(
    split: &Split,
    section: Section,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<Meta> {
    let line0 = split.yaml_line;
    let node: yaml::Node = match yaml::parse(split.yaml, file, line0) {
        Ok(n) => n,
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    if !matches!(node, yaml::Node::Map(_)) {
        diags.push(
            Diagnostic::error(
                Location::new(file, line0, 1),
                "front matter must be `key: value` lines",
            )
            .help(EXAMPLE),
        );
        return None;
    }
    let keys = kinds::all_keys();
    let schema: Vec<(&str, &[&str])> = vec![
        ("", &keys),
        ("lecturers[]", &["name", "affiliation", "role"]),
        ("sessions[]", &["start", "end", "label", "audience"]),
    ];
    check_misplaced(&node, section, file, line0, diags);
    yaml::check_keys(&node, &schema, file, line0, "front matter", diags);

    let reader = Reader {
        yaml: split.yaml,
        file,
        line0,
        node: &node,
        section,
    };
    let raw: Raw = reader.typed(diags)?;
    let mut ok = true;
    let title = parse_title(raw.title, &reader, diags);
    ok &= title.is_some();
    let date = raw.date.as_ref().and_then(|d| {
        let parsed = parse_date(&d.value, &reader.at(&d.referenced), "date", diags);
        ok &= parsed.is_some();
        parsed
    });
    let slug = raw
        .slug
        .map(|s| (s.value.trim().to_owned(), reader.at(&s.referenced)));
    if let Some((s, loc)) = &slug
        && let Err(why) = check_slug(s)
    {
        diags.push(
            Diagnostic::error(loc.clone(), format!("slug `{s}` cannot be used: {why}")).help(
                format!(
                    "use letters, digits, Japanese, `-` and `_` only, e.g. `slug: {}`",
                    dates::suggest_slug(s)
                ),
            ),
        );
        ok = false;
    }
    let dated = raw.date.is_some();
    let kind = match section {
        Section::Plain => Some(Kind::Plain),
        Section::Newsletter => newsletter::parse(&reader, dated, diags).map(Kind::Newsletter),
        Section::Event => event::parse(&reader, diags).map(Kind::Event),
        Section::Handout => handout::parse(&reader, dated, diags).map(Kind::Handout),
    };
    let tags = parse_tags(raw.tags, &reader, diags);
    ok &= tags.is_some();
    let (Some(title), Some(kind), Some(tags), true) = (title, kind, tags, ok) else {
        return None;
    };
    Some(Meta {
        title,
        date,
        summary: raw.summary,
        tags,
        draft: raw.draft.unwrap_or(false),
        slug,
        kind,
    })
}

/// The title, trimmed; `None` when it is missing, empty or too long.
fn parse_title(
    title: Option<Spanned<String>>,
    r: &Reader,
    diags: &mut Diagnostics,
) -> Option<String> {
    let empty = |at: Location| {
        Diagnostic::error(at, "`title` is empty").help("write the page title after `title:`")
    };
    match title {
        Some(t) if t.value.trim().chars().count() > MAX_TITLE_CHARS => {
            diags.push(
                Diagnostic::error(
                    r.at(&t.referenced),
                    format!(
                        "the title has {} characters; at most {MAX_TITLE_CHARS} are allowed",
                        t.value.trim().chars().count()
                    ),
                )
                .help("shorten the title and put the rest in `summary` or the text"),
            );
            None
        }
        Some(t) if !t.value.trim().is_empty() => Some(t.value.trim().to_owned()),
        Some(t) => {
            diags.push(empty(r.at(&t.referenced)));
            None
        }
        None => {
            diags.push(match r.node.key_location("title") {
                Some((l, c)) => empty(Location::new(r.file, l + r.line0 - 1, c)),
                None => Diagnostic::error(r.top(), "missing `title` in the front matter")
                    .help("add a line `title: …` between the `---` lines"),
            });
            None
        }
    }
}

/// The tags, trimmed, empty ones dropped; `None` when there are too many.
fn parse_tags(tags: Option<OneOrMany>, r: &Reader, diags: &mut Diagnostics) -> Option<Vec<String>> {
    let tags: Vec<String> = tags
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if tags.len() <= crate::content::markdown::limits::MAX_TAGS {
        return Some(tags);
    }
    let (l, c) = r.node.key_location("tags").unwrap_or((1, 1));
    diags.push(
        Diagnostic::error(
            Location::new(r.file, l + r.line0 - 1, c),
            format!(
                "the page has {} tags; at most {} are allowed",
                tags.len(),
                crate::content::markdown::limits::MAX_TAGS
            ),
        )
        .help("keep the few tags a reader would look the page up by"),
    );
    None
}

/// Keys that belong to another kind of page: a warning that says where they do work.
fn check_misplaced(
    node: &yaml::Node,
    section: Section,
    file: &Path,
    line0: usize,
    diags: &mut Diagnostics,
) {
    let yaml::Node::Map(entries) = node else {
        return;
    };
    for (key, _) in entries {
        let key_name = key.value.as_str();
        if section.spec().keys.contains(&key_name) {
            continue;
        }
        let owners: Vec<&kinds::KindSpec> = Section::ALL
            .iter()
            .map(|s| s.spec())
            .filter(|s| s.keys.contains(&key_name))
            .collect();
        if owners.is_empty() {
            continue;
        }
        let owner = owners
            .iter()
            .map(|s| s.owner)
            .collect::<Vec<_>>()
            .join(" and ");
        let folder = owners
            .iter()
            .filter_map(|s| s.folder)
            .map(|f| format!("content/{f}/"))
            .collect::<Vec<_>>()
            .join(" or ");
        diags.push(
            Diagnostic::warning(
                Location::new(
                    file,
                    key.referenced.line() as usize + line0 - 1,
                    key.referenced.column() as usize,
                ),
                format!("`{key_name}` is only used by {owner}; it is ignored here"),
            )
            .help(format!("move the file into {folder} or remove the key")),
        );
    }
}

pub(super) fn enum_error(loc: Location, key: &str, value: &str, allowed: &[&str]) -> Diagnostic {
    let mut help = format!("use one of: {}", allowed.join(", "));
    if let Some(s) = yaml::suggest(value.trim(), allowed) {
        help = format!("did you mean `{s}`? ({help})");
    }
    Diagnostic::error(loc, format!("unknown {key} `{value}`")).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(text: &str, section: Section) -> (Option<Meta>, Vec<Diagnostic>) {
        let file = Path::new("content/x.md");
        let mut d = Diagnostics::new();
        let s = split(text, file).unwrap();
        let m = parse(&s, section, file, &mut d);
        (m, d.into_sorted())
    }

    #[test]
    fn split_finds_body_and_lines() {
        let s = split("---\ntitle: a\n---\n本文\n", Path::new("x")).unwrap();
        assert_eq!((s.yaml, s.body, s.body_offset), ("title: a\n", "本文\n", 3));
    }

    #[test]
    fn event_session_order_is_checked() {
        let (m, d) = meta(
            "---\ntitle: 研修\nsessions:\n  - start: 2021-08-23T16:15\n    end: 2021-08-23T14:15\n---\n",
            Section::Event,
        );
        assert!(m.is_none());
        assert_eq!(d[0].location.line, 5);
        assert!(d[0].message.contains("before it starts"));
    }

    #[test]
    fn impossible_date_is_located() {
        let (m, d) = meta("---\ntitle: a\ndate: 2021-02-30\n---\n", Section::Plain);
        assert!(m.is_none());
        assert_eq!((d[0].location.line, d[0].location.column), (3, 7));
    }

    #[test]
    fn misplaced_and_misspelt_keys_warn() {
        let (m, d) = meta("---\ntitle: a\nvenue: x\nsumary: y\n---\n", Section::Plain);
        assert!(m.is_some());
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| !d.is_error()));
        assert_eq!(d[1].help.as_deref(), Some("did you mean `summary`?"));
    }

    #[test]
    fn slug_cannot_leave_the_folder() {
        let (m, d) = meta("---\ntitle: a\nslug: ../../etc\n---\n", Section::Plain);
        assert!(m.is_none());
        assert!(d[0].message.contains("slug"));
    }
}
