//! The `answers:` of a survey block checked one by one: each label written once, each count
//! a whole number of people (quoted, full-width and `1,200` spellings accepted), and the
//! percentages computed once every count is accepted. Split from `survey` so that the checks
//! of the block's keys and those of its counts each read on their own.

use serde_saphyr::Spanned;

use super::value::Value;
use super::{Answer, Cx, percentages};
use crate::diag::{Diagnostic, Location};

/// A count as written, before it is accepted.
enum Count {
    Ok(u64),
    Missing,
    Negative,
    Fraction,
    TooLarge,
    NotNumber,
}

impl Cx<'_> {
    /// The answers in written order, and their total.
    pub(super) fn answers(
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
