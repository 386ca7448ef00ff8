//! Front matter, the author's interface: the YAML between the `---` lines at the top of a page.
//! Every problem is reported at the line and column of the key or value concerned.

use std::path::Path;

use jiff::civil::{Date, DateTime};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::event::{Event, Format, Lecturer, Session, Status};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::yaml;

/// The page type, decided by the folder the file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Newsletter,
    Event,
    Plain,
}

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

#[derive(Debug, Clone)]
pub enum Kind {
    Newsletter(Newsletter),
    Event(Event),
    Plain,
}

#[derive(Debug, Clone)]
pub struct Newsletter {
    pub number: u32,
    /// Where `number` was written, for the duplicate-number error.
    pub number_at: Location,
    pub author: Option<String>,
    /// Empty means the site's default recipients.
    pub recipients: Vec<String>,
    /// Where each of `recipients` is written, for the unknown-group error of `check`.
    pub recipients_at: Vec<Location>,
}

/// A scalar read as text: `tags: [2021, 研修会]` means the tag "2021", not an error.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor).and_then(|t| match t {
            OneOrMany::One(s) => Ok(Text(s)),
            OneOrMany::Many(_) => Err(serde::de::Error::custom("expected text, found a list")),
        })
    }
}

/// One value or a list of values, all read as text.
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = OneOrMany;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("text or a list of texts")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_owned()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
        let mut items = Vec::new();
        while let Some(Text(t)) = seq.next_element::<Text>()? {
            items.push(t);
        }
        Ok(OneOrMany::Many(items))
    }
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Group names (`recipients:`), one or a list, each with where it is written when known.
struct Names(Vec<(String, Option<serde_saphyr::Location>)>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NamesVisitor)
    }
}

struct NamesVisitor;

impl<'de> serde::de::Visitor<'de> for NamesVisitor {
    type Value = Names;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a group name or a list of group names")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Names, E> {
        Ok(Names(vec![(v.to_owned(), None)]))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Names, E> {
        Ok(Names(vec![(v.to_string(), None)]))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Names, E> {
        Ok(Names(vec![(v.to_string(), None)]))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
        let mut items = Vec::new();
        while let Some(t) = seq.next_element::<Spanned<Text>>()? {
            items.push((t.value.0, Some(t.referenced)));
        }
        Ok(Names(items))
    }
}

impl Names {
    /// The names, trimmed, and where each is written (`whole`: where the value starts).
    fn located(
        self,
        whole: &serde_saphyr::Location,
        at: &impl Fn(&serde_saphyr::Location) -> Location,
    ) -> (Vec<String>, Vec<Location>) {
        self.0
            .into_iter()
            .map(|(name, l)| (name.trim().to_owned(), at(l.as_ref().unwrap_or(whole))))
            .filter(|(name, _)| !name.is_empty())
            .unzip()
    }
}

#[derive(Deserialize)]
struct Raw {
    title: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    summary: Option<String>,
    tags: Option<OneOrMany>,
    draft: Option<bool>,
    slug: Option<Spanned<String>>,
    number: Option<Spanned<i64>>,
    author: Option<String>,
    recipients: Option<Spanned<Names>>,
    status: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
    venue: Option<String>,
    target: Option<String>,
    lecturers: Option<Vec<Lecturer>>,
    sessions: Option<Spanned<Vec<Spanned<RawSession>>>>,
    apply_by: Option<Spanned<String>>,
    capacity: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
struct RawSession {
    start: Option<Spanned<String>>,
    end: Option<Spanned<String>>,
    label: Option<String>,
    audience: Option<OneOrMany>,
}

const COMMON: &[&str] = &["title", "date", "summary", "tags", "draft", "slug"];
const NEWSLETTER: &[&str] = &["number", "author"];
/// Keys of the pages `tsushin mail` sends: issues and training announcements.
const MAILED: &[&str] = &["recipients"];
const EVENT: &[&str] = &[
    "status",
    "format",
    "venue",
    "target",
    "lecturers",
    "sessions",
    "apply_by",
    "capacity",
];

/// Every front matter key: keys of another section are reported by `check_misplaced`.
fn all_keys() -> Vec<&'static str> {
    [COMMON, NEWSLETTER, MAILED, EVENT].concat()
}

/// What a key's value must look like, for type errors.
fn expectation(key: &str) -> &'static str {
    match key {
        "number" => "a whole number, e.g. `number: 1` (第１号)",
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
    let keys = all_keys();
    let schema: Vec<(&str, &[&str])> = vec![
        ("", &keys),
        ("lecturers[]", &["name", "affiliation", "role"]),
        ("sessions[]", &["start", "end", "label", "audience"]),
    ];
    check_misplaced(&node, section, file, line0, diags);
    yaml::check_keys(&node, &schema, file, line0, "front matter", diags);

    let raw: Raw = match yaml::parse(split.yaml, file, line0) {
        Ok(r) => r,
        Err(mut e) => {
            if let Some(key) = node.key_for_line(e.location.line + 1 - line0)
                && !e.message.contains("written twice")
                && !e.message.contains("too much data")
            {
                e.message = format!("`{key}` has a value of the wrong kind");
                e.help = Some(format!("`{key}` must be {}", expectation(key)));
            }
            diags.push(e);
            return None;
        }
    };
    let at = |s: &serde_saphyr::Location| {
        Location::new(file, s.line() as usize + line0 - 1, s.column() as usize)
    };
    let mut ok = true;
    let title = match raw.title {
        Some(t) if t.value.trim().chars().count() > MAX_TITLE_CHARS => {
            diags.push(
                Diagnostic::error(
                    at(&t.referenced),
                    format!(
                        "the title has {} characters; at most {MAX_TITLE_CHARS} are allowed",
                        t.value.trim().chars().count()
                    ),
                )
                .help("shorten the title and put the rest in `summary` or the text"),
            );
            ok = false;
            String::new()
        }
        Some(t) if !t.value.trim().is_empty() => t.value.trim().to_owned(),
        Some(t) => {
            diags.push(
                Diagnostic::error(at(&t.referenced), "`title` is empty")
                    .help("write the page title after `title:`"),
            );
            ok = false;
            String::new()
        }
        None => {
            let d = match node.key_location("title") {
                Some((l, c)) => {
                    Diagnostic::error(Location::new(file, l + line0 - 1, c), "`title` is empty")
                        .help("write the page title after `title:`")
                }
                None => Diagnostic::error(
                    Location::new(file, line0, 1),
                    "missing `title` in the front matter",
                )
                .help("add a line `title: …` between the `---` lines"),
            };
            diags.push(d);
            ok = false;
            String::new()
        }
    };
    let date = raw.date.as_ref().and_then(|d| {
        let parsed = parse_date(&d.value, &at(&d.referenced), "date", diags);
        ok &= parsed.is_some();
        parsed
    });
    let slug = raw
        .slug
        .map(|s| (s.value.trim().to_owned(), at(&s.referenced)));
    if let Some((s, loc)) = &slug
        && let Err(why) = check_slug(s)
    {
        diags.push(
            Diagnostic::error(loc.clone(), format!("slug `{s}` cannot be used: {why}")).help(
                format!(
                    "use letters, digits, Japanese, `-` and `_` only, e.g. `slug: {}`",
                    suggest_slug(s)
                ),
            ),
        );
        ok = false;
    }

    let recipients = raw
        .recipients
        .map_or_else(Default::default, |r| r.value.located(&r.referenced, &at));
    let kind = match section {
        Section::Plain => Kind::Plain,
        Section::Newsletter => {
            let number = match raw.number {
                Some(n) if (1..=9999).contains(&n.value) => {
                    Some((n.value as u32, at(&n.referenced)))
                }
                Some(n) => {
                    diags.push(
                        Diagnostic::error(
                            at(&n.referenced),
                            format!("issue number {} is out of range", n.value),
                        )
                        .help("issue numbers start at 1: `number: 1` is 第１号"),
                    );
                    None
                }
                None => {
                    diags.push(
                        Diagnostic::error(
                            Location::new(file, line0, 1),
                            "missing `number` (the issue number, 号)",
                        )
                        .help("add `number: 1` for 第１号; numbers must be unique"),
                    );
                    None
                }
            };
            if date.is_none() && raw.date.is_none() {
                diags.push(
                    Diagnostic::error(
                        Location::new(file, line0, 1),
                        "missing `date` (the 発行日 of the issue)",
                    )
                    .help("add `date: 2021-06-30`"),
                );
                ok = false;
            }
            match number {
                Some((number, number_at)) => Kind::Newsletter(Newsletter {
                    number,
                    number_at,
                    author: raw.author,
                    recipients: recipients.0,
                    recipients_at: recipients.1,
                }),
                None => return None,
            }
        }
        Section::Event => {
            let status = match &raw.status {
                None => Status::Scheduled,
                Some(s) => Status::parse(s.value.trim()).unwrap_or_else(|| {
                    diags.push(enum_error(
                        at(&s.referenced),
                        "status",
                        &s.value,
                        &Status::keys(),
                    ));
                    ok = false;
                    Status::Scheduled
                }),
            };
            let format = raw.format.as_ref().and_then(|f| {
                let parsed = Format::parse(f.value.trim());
                if parsed.is_none() {
                    let keys: Vec<_> = Format::ALL.iter().map(|f| f.key()).collect();
                    diags.push(enum_error(at(&f.referenced), "format", &f.value, &keys));
                    ok = false;
                }
                parsed
            });
            let sessions = parse_sessions(raw.sessions, file, line0, diags, &mut ok);
            let apply_by = raw.apply_by.as_ref().and_then(|d| {
                let parsed = parse_date(&d.value, &at(&d.referenced), "apply_by", diags);
                ok &= parsed.is_some();
                parsed
            });
            let capacity = match raw.capacity {
                Some(c) if (1..=100_000).contains(&c.value) => Some(c.value as u32),
                Some(c) => {
                    diags.push(
                        Diagnostic::error(
                            at(&c.referenced),
                            format!("capacity {} is not a number of people", c.value),
                        )
                        .help("write the 定員 as a positive whole number, e.g. `capacity: 80`"),
                    );
                    ok = false;
                    None
                }
                None => None,
            };
            for l in raw.lecturers.iter().flatten() {
                if l.name.trim().is_empty() {
                    diags.push(
                        Diagnostic::error(Location::new(file, line0, 1), "a lecturer has an empty `name`")
                            .help("write each lecturer as `- {name: 杉本百合子, affiliation: …, role: 准教授}`"),
                    );
                    ok = false;
                }
            }
            Kind::Event(Event {
                status,
                format,
                venue: raw.venue,
                target: raw.target,
                lecturers: raw.lecturers.unwrap_or_default(),
                sessions,
                apply_by,
                capacity,
                recipients: recipients.0,
                recipients_at: recipients.1,
            })
        }
    };
    let tags: Vec<String> = raw
        .tags
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if tags.len() > crate::markdown::limits::MAX_TAGS {
        let (l, c) = node.key_location("tags").unwrap_or((1, 1));
        diags.push(
            Diagnostic::error(
                Location::new(file, l + line0 - 1, c),
                format!(
                    "the page has {} tags; at most {} are allowed",
                    tags.len(),
                    crate::markdown::limits::MAX_TAGS
                ),
            )
            .help("keep the few tags a reader would look the page up by"),
        );
        ok = false;
    }
    ok.then(|| Meta {
        title,
        date,
        summary: raw.summary,
        tags,
        draft: raw.draft.unwrap_or(false),
        slug,
        kind,
    })
}

fn parse_sessions(
    raw: Option<Spanned<Vec<Spanned<RawSession>>>>,
    file: &Path,
    line0: usize,
    diags: &mut Diagnostics,
    ok: &mut bool,
) -> Vec<Session> {
    let at = |s: &serde_saphyr::Location| {
        Location::new(file, s.line() as usize + line0 - 1, s.column() as usize)
    };
    let Some(raw) = raw else {
        diags.push(
            Diagnostic::error(
                Location::new(file, line0, 1),
                "a training announcement needs `sessions` (日時)",
            )
            .help("add\nsessions:\n  - start: 2021-08-23T14:15\n    end: 2021-08-23T16:15"),
        );
        *ok = false;
        return Vec::new();
    };
    if raw.value.is_empty() {
        diags.push(
            Diagnostic::error(at(&raw.referenced), "`sessions` is empty")
                .help("list at least one session with `start` and `end`"),
        );
        *ok = false;
    }
    let mut sessions = Vec::new();
    for s in raw.value {
        let list_at = at(&s.referenced);
        let s = s.value;
        let mut get = |v: Option<Spanned<String>>, key: &str| -> Option<(DateTime, Location)> {
            match v {
                None => {
                    diags.push(
                        Diagnostic::error(list_at.clone(), format!("a session has no `{key}`"))
                            .help(format!("give every session `{key}: 2021-08-23T14:15`")),
                    );
                    None
                }
                Some(v) => {
                    let loc = at(&v.referenced);
                    parse_datetime(&v.value, &loc, key, diags).map(|d| (d, loc))
                }
            }
        };
        let start = get(s.start, "start");
        let end = get(s.end, "end");
        let (Some((start, _)), Some((end, end_at))) = (start, end) else {
            *ok = false;
            continue;
        };
        if end <= start {
            diags.push(
                Diagnostic::error(
                    end_at,
                    format!(
                        "the session ends ({}) before it starts ({})",
                        end.strftime("%Y-%m-%d %H:%M"),
                        start.strftime("%Y-%m-%d %H:%M")
                    ),
                )
                .help("check the times: `end` must be later than `start`"),
            );
            *ok = false;
            continue;
        }
        sessions.push(Session {
            start,
            end,
            label: s.label,
            audience: s.audience.map(OneOrMany::into_vec).unwrap_or_default(),
        });
    }
    sessions.sort_by_key(|s| s.start);
    sessions
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
        let (owner, folder) = if MAILED.contains(&key.value.as_str()) {
            if section != Section::Plain {
                continue;
            }
            (
                "newsletter issues and training announcements",
                "content/newsletters/ or content/events/",
            )
        } else if NEWSLETTER.contains(&key.value.as_str()) {
            ("newsletter issues", "content/newsletters/")
        } else if EVENT.contains(&key.value.as_str()) {
            ("training announcements", "content/events/")
        } else {
            continue;
        };
        let here = match section {
            Section::Newsletter => NEWSLETTER,
            Section::Event => EVENT,
            Section::Plain => &[],
        };
        if here.contains(&key.value.as_str()) {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                Location::new(
                    file,
                    key.referenced.line() as usize + line0 - 1,
                    key.referenced.column() as usize,
                ),
                format!(
                    "`{}` is only used by {owner}; it is ignored here",
                    key.value
                ),
            )
            .help(format!("move the file into {folder} or remove the key")),
        );
    }
}

fn enum_error(loc: Location, key: &str, value: &str, allowed: &[&str]) -> Diagnostic {
    let mut help = format!("use one of: {}", allowed.join(", "));
    if let Some(s) = yaml::suggest(value.trim(), allowed) {
        help = format!("did you mean `{s}`? ({help})");
    }
    Diagnostic::error(loc, format!("unknown {key} `{value}`")).help(help)
}

/// `2021-06-30`; `2021/6/30` is accepted too because Japanese office software writes it so.
pub fn parse_date(text: &str, loc: &Location, key: &str, diags: &mut Diagnostics) -> Option<Date> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    let parsed = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => match (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) {
            (Ok(y), Ok(m), Ok(d)) => Some(Date::new(y, m, d)),
            _ => None,
        },
        _ => None,
    };
    match parsed {
        Some(Ok(date)) => match crate::japanese::check_era(date) {
            Ok(date) => Some(date),
            Err(why) => {
                diags.push(
                    Diagnostic::error(loc.clone(), format!("`{key}` cannot be shown: {why}"))
                        .help("check the year: dates are printed in the Japanese era, e.g. 2021-06-30 as 令和３年６月30日"),
                );
                None
            }
        },
        Some(Err(_)) => {
            diags.push(
                Diagnostic::error(loc.clone(), format!("`{key}` is an impossible date: {t}"))
                    .help("check the month and the day (e.g. there is no 2月30日)"),
            );
            None
        }
        None => {
            diags.push(
                Diagnostic::error(loc.clone(), format!("`{key}` is not a date: {t}"))
                    .help(format!("write the date as YYYY-MM-DD in the Western calendar, e.g. `{key}: 2021-06-30` (令和３年６月30日)")),
            );
            None
        }
    }
}

/// `2021-08-23T14:15` or `2021-08-23 14:15`.
pub fn parse_datetime(
    text: &str,
    loc: &Location,
    key: &str,
    diags: &mut Diagnostics,
) -> Option<DateTime> {
    let t = text.trim();
    let (date, time) = t.split_once(['T', ' ']).unwrap_or((t, ""));
    let date = parse_date(date, loc, key, diags)?;
    let mut hm = time.split(':');
    let parsed = match (
        hm.next().map(str::parse::<i8>),
        hm.next().map(str::parse::<i8>),
    ) {
        (Some(Ok(h)), Some(Ok(m))) => jiff::civil::Time::new(h, m, 0, 0).ok(),
        _ => None,
    };
    match parsed {
        Some(time) => Some(date.to_datetime(time)),
        None => {
            diags.push(
                Diagnostic::error(loc.clone(), format!("`{key}` needs a date and a time: {t}"))
                    .help(format!("write `{key}: 2021-08-23T14:15` (24-hour clock)")),
            );
            None
        }
    }
}

/// A slug becomes a file name: it must stay inside its folder on every system.
pub fn check_slug(slug: &str) -> Result<(), &'static str> {
    if slug.is_empty() {
        return Err("it is empty");
    }
    if slug.starts_with('.') {
        return Err("it starts with a dot");
    }
    if slug
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "/\\:*?\"<>|#%".contains(c))
    {
        return Err("it contains a space or one of / \\ : * ? \" < > | # %");
    }
    if slug.len() > 120 {
        return Err("it is too long");
    }
    if slug.ends_with('.') {
        return Err("it ends with a dot, which Windows drops from file names");
    }
    if crate::filenames::is_reserved(slug) {
        return Err(
            "it is a device name on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9), with any extension",
        );
    }
    Ok(())
}

/// A slug like `slug` that `check_slug` accepts.
fn suggest_slug(slug: &str) -> String {
    let dashed: String = slug
        .chars()
        .map(|c| {
            if c.is_control() || c.is_whitespace() || "/\\:*?\"<>|#%".contains(c) {
                '-'
            } else {
                c
            }
        })
        .take(100)
        .collect();
    let mut safe = dashed.trim_matches('.').to_owned();
    if safe.is_empty() {
        safe = "2021-06-vol01".into();
    }
    if crate::filenames::is_reserved(&safe) {
        let at = safe.find('.').unwrap_or(safe.len());
        safe.insert_str(at, "-1");
    }
    safe
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
