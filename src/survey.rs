//! Survey blocks: a fenced ```` ```survey ```` block holds a small YAML mapping (question, group,
//! unit, answers) that becomes a [`Survey`] with integer percentages adding up to exactly 100,
//! as the printed handouts show them (`12名（48%）`).
//!
//! The YAML is read into a position-carrying tree first and checked by hand, so every mistake
//! is reported at once and at the exact line and column of the Markdown file.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{self, Diagnostic, Location};

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

/// Tight limits: a survey is a dozen lines, so anything big or alias-heavy is an attack or a
/// mistake, and must fail before it costs time or memory.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 20_000,
            max_aliases: 64,
            max_anchors: 64,
            max_nodes: 5_000,
            max_depth: 16,
            max_merge_keys: 0,
            max_total_scalar_bytes: 1 << 20,
            max_recorded_anchor_events: 5_000,
            max_recorded_anchor_bytes: 1 << 20,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 5_000,
            max_replay_stack_depth: 8,
        },
        // Duplicates are reported here, with both places.
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        with_snippet: false,
    }
}

/// Any YAML value; children keep their positions.
#[derive(Debug)]
enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Value>>),
    Map(Vec<(Spanned<Value>, Spanned<Value>)>),
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Value::Map(entries))
    }
}

/// A count as written, before it is accepted.
enum Count {
    Ok(u64),
    Missing,
    Negative,
    Fraction,
    TooLarge,
    NotNumber,
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

    /// The answers in written order, and their total.
    fn answers(
        &self,
        key: &Spanned<Value>,
        value: &Spanned<Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Vec<Answer>, u64)> {
        let errors_before = diags.len();
        let mut pairs: Vec<(&Spanned<Value>, &Spanned<Value>)> = Vec::new();
        match &value.value {
            Value::Map(entries) => pairs.extend(entries.iter().map(|(k, v)| (k, v))),
            // Also accept a list of one-line mappings: `- 活かせる: 12`.
            Value::Seq(items) => {
                for item in items {
                    match &item.value {
                        Value::Map(entries) if entries.len() == 1 => {
                            pairs.extend(entries.iter().map(|(k, v)| (k, v)));
                        }
                        _ => diags.push(
                            Diagnostic::error(self.at(item), "each answer must be `label: count`")
                                .help("write for example `- 活かせる: 12`, or drop the `-` and indent `活かせる: 12` under `answers:`"),
                        ),
                    }
                }
            }
            Value::Null => {}
            _ => {
                diags.push(
                    Diagnostic::error(self.at(value), "`answers` must be indented `label: count` lines")
                        .help("start a new line after `answers:` and write each answer indented, e.g.\nanswers:\n  活かせる: 12\n  やや活かせる: 12"),
                );
                return None;
            }
        }
        if pairs.is_empty() && diags.len() == errors_before {
            let at = match value.value {
                Value::Null => self.at(key),
                _ => self.at(value),
            };
            diags.push(
                Diagnostic::error(at, "`answers` has no answers")
                    .help("write each answer indented under `answers:` as `label: count`, e.g.\nanswers:\n  活かせる: 12"),
            );
            return None;
        }

        let mut answers: Vec<(String, Location, u64)> = Vec::new();
        for (label_node, count_node) in pairs {
            let label_at = self.at(label_node);
            let label = self
                .text(label_node)
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            if label.is_empty() {
                diags.push(
                    Diagnostic::error(label_at.clone(), "an answer has no label")
                        .help("write the answer's wording before the colon, e.g. `活かせる: 12`"),
                );
            } else if let Some((_, first, _)) = answers.iter().find(|(l, _, _)| *l == label) {
                diags.push(
                    Diagnostic::error(label_at.clone(), format!("the answer `{label}` is written twice"))
                        .help("each answer label may appear once; add the counts together or tell the two apart")
                        .related(first.clone()),
                );
                continue;
            }
            let count = match self.count(count_node) {
                Count::Ok(n) => n,
                problem => {
                    diags.push(self.count_error(problem, &label, label_at.clone(), count_node));
                    continue;
                }
            };
            answers.push((label, label_at, count));
        }

        let mut total: u64 = 0;
        for (_, _, count) in &answers {
            let Some(sum) = total.checked_add(*count) else {
                diags.push(
                    Diagnostic::error(self.at(key), "the counts are too large to add up").help(
                        "check the counts; each is the number of people who gave that answer",
                    ),
                );
                return None;
            };
            total = sum;
        }
        if diags.len() > errors_before {
            return None;
        }
        if total == 0 {
            diags.push(
                Diagnostic::error(self.at(key), "no respondents: every count is 0")
                    .help("percentages need at least one answer; check the counts, or leave the survey out"),
            );
            return None;
        }
        let counts: Vec<u64> = answers.iter().map(|a| a.2).collect();
        let answers = answers
            .into_iter()
            .zip(percentages(&counts))
            .map(|((label, _, count), percent)| Answer {
                label,
                count,
                percent,
            })
            .collect();
        Some((answers, total))
    }

    fn count(&self, node: &Spanned<Value>) -> Count {
        match &node.value {
            Value::Null => Count::Missing,
            // Judged by the spelling, so `0x10`, `+5` or `1e3` are refused rather than converted.
            Value::Int(_) | Value::Float(_) => {
                count_from_text(&self.text(node).unwrap_or_default())
            }
            Value::Str(s) => count_from_text(s),
            Value::Bool(_) | Value::Seq(_) | Value::Map(_) => Count::NotNumber,
        }
    }

    fn count_error(
        &self,
        problem: Count,
        label: &str,
        label_at: Location,
        node: &Spanned<Value>,
    ) -> Diagnostic {
        let written = self.text(node).unwrap_or_default();
        let (at, message, help) = match problem {
            Count::Missing => (
                label_at,
                format!("the answer `{label}` has no count"),
                format!(
                    "write the number of people after the colon, e.g. `{label}: 3`; write 0 if nobody chose it"
                ),
            ),
            Count::Negative => (
                self.at(node),
                format!("the count of `{label}` is negative ({written})"),
                "a count is a number of people: 0 or more".to_owned(),
            ),
            Count::Fraction => (
                self.at(node),
                format!("the count of `{label}` is not a whole number ({written})"),
                "write the number of people, not a percentage: the percentages are calculated"
                    .to_owned(),
            ),
            Count::TooLarge => (
                self.at(node),
                format!("the count of `{label}` is too large ({written})"),
                "check the number".to_owned(),
            ),
            Count::NotNumber | Count::Ok(_) => {
                let help = match leading_number(&written) {
                    Some(n) => format!(
                        "write only the number: `{label}: {n}`; the unit (名) is added by itself and set with `unit:`"
                    ),
                    None if written.is_empty() => {
                        "write the count as a number on the same line".to_owned()
                    }
                    None => "write the number of people as digits, e.g. `12`".to_owned(),
                };
                let shown = if written.is_empty() {
                    "a list or mapping".to_owned()
                } else {
                    format!("`{written}`")
                };
                (
                    self.at(node),
                    format!("the count of `{label}` is not a number: {shown}"),
                    help,
                )
            }
        };
        Diagnostic::error(at, message).help(help)
    }
}

/// A quoted or full-width count: `"12"`, `１２`, `1,200`.
fn count_from_text(s: &str) -> Count {
    let normalized: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '−' | 'ー' => '-',
            '．' => '.',
            _ => c,
        })
        .collect();
    if !normalized.is_empty() && normalized.chars().all(|c| c.is_ascii_digit()) {
        return normalized.parse().map_or(Count::TooLarge, Count::Ok);
    }
    let negative = normalized.starts_with('-');
    let unsigned = normalized.trim_start_matches('-');
    // `-0` is zero people, written with a stray sign: read it as the same count as `0`.
    if let Some(rest) = normalized.strip_prefix('-')
        && rest.contains('0')
        && rest.chars().all(|c| matches!(c, '0' | '.'))
    {
        return count_from_text(rest);
    }
    let numeric = !unsigned.is_empty()
        && unsigned.chars().all(|c| c.is_ascii_digit() || c == '.')
        && unsigned.chars().filter(|&c| c == '.').count() <= 1
        && unsigned.chars().any(|c| c.is_ascii_digit());
    match (numeric, negative) {
        (true, true) => Count::Negative,
        (true, false) => Count::Fraction,
        _ => Count::NotNumber,
    }
}

/// The digits `12名` starts with, to suggest writing just `12` (not for `1e3` or `1.5%`).
fn leading_number(s: &str) -> Option<String> {
    let digits: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .collect();
    let rest = &s[digits.len()..];
    let unit_like = !rest.trim().is_empty()
        && !rest
            .chars()
            .any(|c| c.is_ascii_alphanumeric() || ".．".contains(c));
    (!digits.is_empty() && unit_like).then_some(digits)
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
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const SEED: &str = "question: 今後の業務に活用できるか\ngroup: 区職員\nanswers:\n  活かせる: 12\n  やや活かせる: 12\n  あまり活かせない: 0\n  活かせない: 0\n  未回答: 1\n";

    fn ok(yaml: &str) -> Survey {
        parse(yaml, Path::new("news.md"), 10).unwrap_or_else(|d| panic!("{d:#?}"))
    }

    /// The single error of `yaml` placed at line 10 of news.md: (line, column, message).
    fn err(yaml: &str) -> (usize, usize, String) {
        let diags = parse(yaml, Path::new("news.md"), 10).expect_err("should fail");
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let d = &diags[0];
        assert!(d.is_error());
        assert_eq!(d.location.file, Path::new("news.md"));
        assert!(d.help.is_some(), "{d}");
        (d.location.line, d.location.column, d.message.clone())
    }

    #[test]
    fn parses_the_seed_example() {
        let s = ok(SEED);
        assert_eq!(s.question, "今後の業務に活用できるか");
        assert_eq!(s.group.as_deref(), Some("区職員"));
        assert_eq!(s.unit, "名");
        assert_eq!(s.total, 25);
        let got: Vec<_> = s
            .answers
            .iter()
            .map(|a| (a.label.as_str(), a.count, a.percent))
            .collect();
        assert_eq!(
            got,
            vec![
                ("活かせる", 12, 48),
                ("やや活かせる", 12, 48),
                ("あまり活かせない", 0, 0),
                ("活かせない", 0, 0),
                ("未回答", 1, 4),
            ]
        );
        assert_eq!(s.answers[0].figure(&s.unit), "12名（48%）");
    }

    #[test]
    fn percentages_match_the_seed_handout() {
        let cases: [(&[u64], &[u32]); 7] = [
            (&[13, 13, 1, 0], &[48, 48, 4, 0]),
            (&[15, 11, 0, 0], &[58, 42, 0, 0]),
            (&[9, 15, 2, 0], &[34, 58, 8, 0]),
            (&[18, 8, 1, 0], &[67, 29, 4, 0]),
            (&[12, 12, 0, 0, 1], &[48, 48, 0, 0, 4]),
            (&[14, 9, 0, 0, 2], &[56, 36, 0, 0, 8]),
            (&[6, 1, 0, 0], &[86, 14, 0, 0]),
        ];
        for (counts, want) in cases {
            assert_eq!(percentages(counts), want, "{counts:?}");
        }
    }

    #[test]
    fn percentages_always_sum_to_100_and_break_ties_in_written_order() {
        assert_eq!(percentages(&[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(
            percentages(&[1, 1, 1, 1, 1, 1]),
            vec![17, 17, 17, 17, 16, 16]
        );
        assert_eq!(percentages(&[0, 5]), vec![0, 100]);
        assert_eq!(percentages(&[u64::MAX, u64::MAX]), vec![50, 50]);
        assert_eq!(percentages(&[]), Vec::<u32>::new());
        assert_eq!(percentages(&[0, 0]), vec![0, 0]);
        for n in 1..=40u64 {
            let counts: Vec<u64> = (0..n).map(|i| (i * 7919) % 13).collect();
            if counts.iter().sum::<u64>() > 0 {
                assert_eq!(percentages(&counts).iter().sum::<u32>(), 100, "{counts:?}");
            }
        }
    }

    #[test]
    fn optional_keys_and_other_spellings() {
        let s = ok(
            "question: 顔の見える関係づくりができたか\nunit: 人\nanswers:\n  - そう思う: \"18\"\n  - ややそう思う: ８\n  - yes: 1\n  - 1.50: 0\n",
        );
        assert_eq!(s.group, None);
        assert_eq!(s.unit, "人");
        let labels: Vec<_> = s.answers.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels, ["そう思う", "ややそう思う", "yes", "1.50"]);
        assert_eq!(s.total, 27);
        assert_eq!(ok("question: q\nunit: \"\"\nanswers: {a: 1}\n").unit, "");
        assert_eq!(ok("question: q\nunit:\nanswers: {a: 1}\n").unit, "名");
    }

    #[test]
    fn malformed_yaml_is_located_in_the_file() {
        let (line, _, msg) = err("question: q\nanswers:\n  a: [1\n");
        assert!((12..=13).contains(&line), "{line}");
        assert!(msg.starts_with("invalid YAML"), "{msg}");
        assert!(!msg.contains(" at line "), "{msg}");
        let (line, col, _) = err("question: q\nanswers: x: y\n");
        assert_eq!((line, col), (11, 11));
    }

    #[test]
    fn missing_and_empty_parts() {
        assert_eq!(
            err("group: 区職員\nanswers:\n  a: 1\n"),
            (10, 1, "the survey has no `question`".into())
        );
        assert_eq!(
            err("question: q\n"),
            (10, 1, "the survey has no `answers`".into())
        );
        assert_eq!(
            err("question:\nanswers: {a: 1}\n"),
            (10, 1, "`question` is empty".into())
        );
        assert_eq!(
            err("question: q\nanswers:\n"),
            (11, 1, "`answers` has no answers".into())
        );
        assert_eq!(err("question: q\nanswers: {}\n").0, 11);
        assert_eq!(
            err("question: q\nanswers: 12\n"),
            (
                11,
                10,
                "`answers` must be indented `label: count` lines".into()
            )
        );
        assert_eq!(err("- question\n").0, 10);
        assert_eq!(parse("", Path::new("news.md"), 10).unwrap_err().len(), 2);
    }

    #[test]
    fn zero_respondents() {
        let (line, col, msg) = err("question: q\nanswers:\n  a: 0\n  b: 0\n");
        assert_eq!((line, col), (11, 1));
        assert!(msg.contains("no respondents"), "{msg}");
    }

    #[test]
    fn bad_counts_point_at_the_value() {
        let (line, col, msg) = err("question: q\nanswers:\n  活かせる: -1\n");
        assert_eq!((line, col), (12, 9));
        assert!(msg.contains("negative"), "{msg}");
        let (line, col, msg) = err("question: q\nanswers:\n  a: 1\n  やや活かせる: 1.5\n");
        assert_eq!((line, col), (13, 11));
        assert!(msg.contains("whole number") && msg.contains("1.5"), "{msg}");
        let (line, col, msg) = err("question: q\nanswers:\n  活かせる: 12名\n");
        assert_eq!((line, col), (12, 9));
        assert!(msg.contains("not a number: `12名`"), "{msg}");
        let d = parse(
            "question: q\nanswers:\n  活かせる: 12名\n",
            Path::new("news.md"),
            10,
        )
        .unwrap_err();
        assert!(d[0].help.as_deref().unwrap().contains("`活かせる: 12`"));
        assert_eq!(err("question: q\nanswers:\n  a: many\n").1, 6);
        assert_eq!(
            err("question: q\nanswers:\n  a: true\n").2,
            "the count of `a` is not a number: `true`"
        );
        assert_eq!(err("question: q\nanswers:\n  a: [1]\n").1, 6);
        assert_eq!(err("question: q\nanswers:\n  a: .inf\n").1, 6);
        assert!(
            err("question: q\nanswers:\n  a: \"-3\"\n")
                .2
                .contains("negative")
        );
        assert!(
            err("question: q\nanswers:\n  a: 0x10\n")
                .2
                .contains("not a number: `0x10`")
        );
        assert!(
            err("question: q\nanswers:\n  a: 12.0\n")
                .2
                .contains("whole number")
        );
        let big = err("question: q\nanswers:\n  a: 99999999999999999999999\n");
        assert!(big.2.contains("too large"), "{big:?}");
        assert_eq!(
            err("question: q\nanswers:\n  a:\n"),
            (12, 3, "the answer `a` has no count".into())
        );
    }

    #[test]
    fn every_bad_count_is_reported_at_once() {
        let d = parse(
            "question: q\nanswers:\n  a: -1\n  b: x\n  c: 2\n",
            Path::new("news.md"),
            1,
        )
        .unwrap_err();
        let lines: Vec<_> = d.iter().map(|d| d.location.line).collect();
        assert_eq!(lines, [3, 4]);
    }

    #[test]
    fn duplicate_labels_and_keys() {
        let d = parse(
            "question: q\nanswers:\n  活かせる: 1\n  活かせない: 0\n  活かせる: 2\n",
            Path::new("news.md"),
            10,
        )
        .unwrap_err();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].location.line, d[0].location.column), (14, 3));
        assert!(d[0].message.contains("`活かせる` is written twice"));
        assert_eq!(d[0].related.as_ref().map(|l| l.line), Some(12));
        let (line, col, msg) = err("question: q\nquestion: r\nanswers: {a: 1}\n");
        assert_eq!((line, col), (11, 1));
        assert!(msg.contains("written twice"), "{msg}");
    }

    #[test]
    fn unknown_keys_suggest_the_right_one() {
        let help = |yaml: &str| {
            let d = parse(yaml, Path::new("news.md"), 10).unwrap_err();
            assert_eq!(d.len(), 1, "{d:#?}");
            (
                d[0].location.line,
                d[0].location.column,
                d[0].help.clone().unwrap(),
            )
        };
        assert_eq!(
            help("question: q\ngrop: x\nanswers: {a: 1}\n"),
            (11, 1, "did you mean `group`?".into())
        );
        assert_eq!(
            help("question: q\nanswer:\n  a: 1\n").2,
            "did you mean `answers`?"
        );
        assert_eq!(
            help("Question: q\nanswers: {a: 1}\n").2.as_str(),
            "did you mean `question`?"
        );
        assert_eq!(
            help("question: q\n単位: 人\nanswers: {a: 1}\n").2,
            "write `unit:` instead of `単位:`"
        );
        assert!(
            help("question: q\nanswers: {a: 1}\nnote: x\n")
                .2
                .contains("question, group, unit and answers")
        );
        assert!(
            help("question: q\nanswers: {a: 1}\n活かせない: 0\n")
                .2
                .contains("under `answers:`")
        );
    }

    #[test]
    fn alias_bombs_fail_fast() {
        let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            let p = i - 1;
            yaml.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        yaml.push_str("question: q\nanswers: {a: 1}\n");
        let start = Instant::now();
        let d = parse(&yaml, Path::new("news.md"), 1).unwrap_err();
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("too large"), "{}", d[0]);
        // Few aliases (under max_aliases) but a million replayed values.
        let mut yaml = String::from("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
        for (name, prev) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"), ("f", "e")] {
            let items = vec![format!("*{prev}"); 10].join(", ");
            yaml.push_str(&format!("{name}: &{name} [{items}]\n"));
        }
        let start = Instant::now();
        let d = parse(&yaml, Path::new("news.md"), 1).unwrap_err();
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "{:?}",
            start.elapsed()
        );
        assert!(d[0].message.contains("too large"), "{}", d[0]);
        // Deep nesting too.
        let deep = format!("question: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep, Path::new("news.md"), 1).is_err());
    }

    #[test]
    fn first_line_zero_or_one_does_not_underflow() {
        assert_eq!(
            parse("question: q\n", Path::new("a.md"), 0).unwrap_err()[0]
                .location
                .line,
            1
        );
        assert_eq!(
            parse("question: q\n", Path::new("a.md"), 1).unwrap_err()[0]
                .location
                .line,
            1
        );
    }
}
