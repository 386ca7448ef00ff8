//! Survey blocks: a fenced ```` ```survey ```` block holds a small YAML mapping (question, group,
//! unit, answers) that becomes a [`Survey`] with integer percentages adding up to exactly 100,
//! as the printed handouts show them (`12名（48%）`).
//!
//! The YAML is read into a position-carrying tree first and checked by hand, so every mistake
//! is reported at once and at the exact line and column of the Markdown file.

use std::path::Path;

use serde_saphyr::Spanned;

use crate::diag::{self, Diagnostic, Location};

mod answers;
mod value;

use value::{Value, options};

/// The unit written after every count unless the block sets `unit:`.
pub const DEFAULT_UNIT: &str = "名";

const KEYS: [&str; 4] = ["question", "group", "unit", "answers"];

/// What authors may write instead of the English keys.
const SYNONYMS: [(&str, &str); 10] = [
    ("質問", "question"),
    ("設問", "question"),
    ("問", "question"),
    ("対象", "group"),
    ("グループ", "group"),
    ("区分", "group"),
    ("単位", "unit"),
    ("回答", "answers"),
    ("選択肢", "answers"),
    ("結果", "answers"),
];

const EXAMPLE: &str = "write the block as\nquestion: 今後の業務に活用できるか\ngroup: 区職員\nanswers:\n  活かせる: 12\n  やや活かせる: 12";

#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub question: String,
    pub group: Option<String>,
    /// Written after every count: `12名`.
    pub unit: String,
    /// In the order written.
    pub answers: Vec<Answer>,
    /// Sum of the counts; never 0.
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub label: String,
    pub count: u64,
    /// Share of `total`, rounded so that the answers add up to exactly 100.
    pub percent: u32,
}

impl Answer {
    /// `12名（48%）`, the figure as printed in the handouts.
    pub fn figure(&self, unit: &str) -> String {
        format!("{}{unit}（{}%）", self.count, self.percent)
    }
}

/// Parses the YAML of a survey block; `first_line` is the 1-based line, in `file`, of the
/// block's first YAML line.
pub fn parse(yaml: &str, file: &Path, first_line: usize) -> Result<Survey, Vec<Diagnostic>> {
    let cx = Cx {
        yaml,
        file,
        offset: first_line.saturating_sub(1),
    };
    let root = match serde_saphyr::from_str_with_options::<Spanned<Value>>(yaml, options()) {
        Ok(root) => root,
        Err(e) => return Err(vec![cx.yaml_error(&e)]),
    };
    let mut diags = Vec::new();
    let survey = cx.survey(&root, &mut diags);
    match survey {
        Some(s) if diags.is_empty() => Ok(s),
        _ => Err(diags),
    }
}

/// Largest remainder (Hamilton) method: integer percentages that add up to exactly 100.
/// Ties in the remainder go to the answer written first. All zeros when the total is 0
/// (which [`parse`] refuses).
pub fn percentages(counts: &[u64]) -> Vec<u32> {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    // u128: count * 100 cannot overflow.
    let scaled = counts.iter().map(|&c| u128::from(c) * 100);
    let mut percent: Vec<u32> = scaled.clone().map(|s| (s / total) as u32).collect();
    let remainders: Vec<u128> = scaled.map(|s| s % total).collect();
    let given: u32 = percent.iter().sum();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    // Stable sort: equal remainders keep the written order.
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]));
    for &i in order.iter().take(100u32.saturating_sub(given) as usize) {
        percent[i] += 1;
    }
    percent
}

struct Cx<'a> {
    yaml: &'a str,
    file: &'a Path,
    /// Lines before the block's first YAML line.
    offset: usize,
}

impl Cx<'_> {
    fn at<T>(&self, node: &Spanned<T>) -> Location {
        let r = &node.referenced;
        if r.line() == 0 {
            return self.start();
        }
        diag::shifted(
            self.file,
            self.offset,
            r.line() as usize,
            r.column() as usize,
        )
    }

    /// The block's first line, for what is missing rather than wrong.
    fn start(&self) -> Location {
        diag::shifted(self.file, self.offset, 1, 1)
    }

    fn yaml_error(&self, e: &serde_saphyr::Error) -> Diagnostic {
        use serde_saphyr::{Error, MessageFormatter};
        let loc = match e.location() {
            Some(l) if l.line() > 0 => diag::shifted(
                self.file,
                self.offset,
                l.line() as usize,
                l.column() as usize,
            ),
            _ => self.start(),
        };
        let mut e = e;
        while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = e {
            e = error;
        }
        let text: String = serde_saphyr::UserMessageFormatter
            .format_message(e)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let too_big = matches!(
            e,
            Error::Budget { .. }
                | Error::AliasReplayLimitExceeded { .. }
                | Error::AliasExpansionLimitExceeded { .. }
                | Error::AliasReplayStackDepthExceeded { .. }
                | Error::AliasReplayCounterOverflow { .. }
        );
        if too_big {
            Diagnostic::error(
                loc,
                "the survey block is too large or repeats YAML aliases too often",
            )
            .help("write the answers out plainly: a survey needs no anchors or aliases (`&`, `*`)")
        } else if matches!(e, Error::MergeKeyNotAllowed { .. }) {
            Diagnostic::error(
                loc,
                "YAML merge keys (`<<`) cannot be used in a survey block",
            )
            .help(EXAMPLE)
        } else {
            Diagnostic::error(loc, format!("invalid YAML in the survey block: {text}")).help(
                "check the indentation and that each line is `key: value`; quote labels that contain `: ` or start with `[`, `{`, `*`, `&`, `#`",
            )
        }
    }

    /// The text of a scalar as the author wrote it (`1.50`, `yes`), not as YAML read it.
    fn text(&self, node: &Spanned<Value>) -> Option<String> {
        let written = || {
            let span = node.referenced.span();
            let start = usize::try_from(span.byte_offset()?).ok()?;
            let len = usize::try_from(span.byte_len()?).ok()?;
            let s = self.yaml.get(start..start.checked_add(len)?)?;
            // An alias points at `*name`, not at the value.
            (!s.is_empty() && !s.starts_with('*')).then(|| s.to_owned())
        };
        match &node.value {
            Value::Str(s) => Some(s.trim().to_owned()),
            Value::Bool(b) => Some(written().unwrap_or_else(|| b.to_string())),
            Value::Int(n) => Some(written().unwrap_or_else(|| n.to_string())),
            Value::Float(f) => Some(written().unwrap_or_else(|| f.to_string())),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    fn survey(&self, root: &Spanned<Value>, diags: &mut Vec<Diagnostic>) -> Option<Survey> {
        let entries: &[_] = match &root.value {
            Value::Map(entries) => entries,
            // An empty block: report what is missing below.
            Value::Null => &[],
            _ => {
                diags.push(
                    Diagnostic::error(
                        self.at(root),
                        "a survey block must be a YAML mapping with `question:` and `answers:`",
                    )
                    .help(EXAMPLE),
                );
                return None;
            }
        };

        let mut seen: Vec<(String, Location)> = Vec::new();
        let mut question = None;
        let mut group = None;
        let mut unit = None;
        let mut answers = None;
        let mut suggested: Vec<&str> = Vec::new();
        for (key, value) in entries {
            let key_at = self.at(key);
            let Some(name) = self.text(key) else {
                diags.push(
                    Diagnostic::error(key_at, "a survey key must be a plain word")
                        .help("the keys are question, group, unit and answers"),
                );
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                diags.push(
                    Diagnostic::error(key_at, format!("`{name}` is written twice"))
                        .help("keep one of them")
                        .related(first.clone()),
                );
                continue;
            }
            seen.push((name.clone(), key_at.clone()));
            match name.as_str() {
                "question" => question = Some((key, value)),
                "group" => group = Some((key, value)),
                "unit" => unit = Some((key, value)),
                "answers" => answers = Some((key, value)),
                _ => {
                    let (d, meant) = self.unknown_key(&name, key_at, value);
                    diags.push(d);
                    suggested.extend(meant);
                }
            }
        }
        // `answer:` already says what is wrong; "no `answers`" would only repeat it.
        let absent = |key: &str, help: &str, diags: &mut Vec<Diagnostic>| {
            if !suggested.contains(&key) {
                let message = format!("the survey has no `{key}`");
                diags.push(Diagnostic::error(self.start(), message).help(help));
            }
        };

        let question = match question {
            None => {
                absent(
                    "question",
                    "add a line `question: …` with the question asked, e.g. `question: 今後の業務に活用できるか`",
                    diags,
                );
                None
            }
            Some((key, value)) => self.required_text(key, value, "question", diags),
        };
        let group = group.and_then(|(_, value)| self.optional_text(value, "group", diags));
        let unit = match unit {
            None => Some(DEFAULT_UNIT.to_owned()),
            Some((_, value)) => match &value.value {
                // `unit:` left empty means the default; `unit: ""` means no unit at all.
                Value::Null => Some(DEFAULT_UNIT.to_owned()),
                _ => self
                    .optional_text(value, "unit", diags)
                    .or(Some(String::new())),
            },
        };
        let answers = match answers {
            None => {
                absent(
                    "answers",
                    "add `answers:` followed by one indented `label: count` line per answer, e.g.\nanswers:\n  活かせる: 12\n  やや活かせる: 12",
                    diags,
                );
                None
            }
            Some((key, value)) => self.answers(key, value, diags),
        };
        Some(Survey {
            question: question?,
            group,
            unit: unit?,
            total: answers.as_ref()?.1,
            answers: answers?.0,
        })
    }

    /// The error for an unknown key, and the known key it probably means.
    fn unknown_key(
        &self,
        name: &str,
        at: Location,
        value: &Spanned<Value>,
    ) -> (Diagnostic, Option<&'static str>) {
        let d = Diagnostic::error(at, format!("unknown key `{name}` in the survey block"));
        if let Some((_, key)) = SYNONYMS.iter().find(|(jp, _)| *jp == name) {
            return (
                d.help(format!("write `{key}:` instead of `{name}:`")),
                Some(key),
            );
        }
        if let Some(key) = suggest(name) {
            return (d.help(format!("did you mean `{key}`?")), Some(key));
        }
        if matches!(value.value, Value::Int(_)) {
            let help = format!(
                "answers go under `answers:`, indented:\nanswers:\n  {name}: {}",
                self.text(value).unwrap_or_default()
            );
            return (d.help(help), None);
        }
        (
            d.help("the keys are question, group, unit and answers"),
            None,
        )
    }

    fn required_text(
        &self,
        key: &Spanned<Value>,
        value: &Spanned<Value>,
        name: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        match &value.value {
            Value::Null => {
                diags.push(
                    Diagnostic::error(self.at(key), format!("`{name}` is empty"))
                        .help(format!("write the text after `{name}:` on the same line")),
                );
                None
            }
            _ => {
                let text = self.optional_text(value, name, diags)?;
                if text.is_empty() {
                    diags.push(
                        Diagnostic::error(self.at(value), format!("`{name}` is empty"))
                            .help(format!("write the text after `{name}:`")),
                    );
                    return None;
                }
                Some(text)
            }
        }
    }

    /// A single line of text; `None` when absent or wrong (the latter reported).
    fn optional_text(
        &self,
        value: &Spanned<Value>,
        name: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        match &value.value {
            Value::Null => None,
            Value::Seq(_) | Value::Map(_) => {
                diags.push(
                    Diagnostic::error(self.at(value), format!("`{name}` must be text, not a list or mapping"))
                        .help(format!("write `{name}: …` on one line; quote the text if it starts with `[`, `{{` or `-`")),
                );
                None
            }
            _ => {
                let text = self.text(value)?;
                Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
            }
        }
    }
}

/// The closest known key, if it is close enough to be a typo.
fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    KEYS.iter()
        .map(|k| (strsim::jaro_winkler(&lower, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests;
