//! The front matter of a training announcement (研修会): status, format, venue, lecturers,
//! sessions, application deadline, capacity and the groups it is mailed to.

use jiff::civil::DateTime;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::Reader;
use super::dates::{parse_date, parse_datetime};
use super::text::{Names, OneOrMany};
use crate::content::event::{Event, Format, Lecturer, Session, Status};
use crate::diag::{Diagnostic, Diagnostics, Location};

#[derive(Deserialize)]
struct Raw {
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

/// The training's own keys; `None` when one of them is wrong (every problem is reported).
pub(super) fn parse(r: &Reader, diags: &mut Diagnostics) -> Option<Event> {
    let raw: Raw = r.typed(diags)?;
    let mut ok = true;
    let status = match &raw.status {
        None => Status::Scheduled,
        Some(s) => Status::parse(s.value.trim()).unwrap_or_else(|| {
            diags.push(super::enum_error(
                r.at(&s.referenced),
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
            diags.push(super::enum_error(
                r.at(&f.referenced),
                "format",
                &f.value,
                &keys,
            ));
            ok = false;
        }
        parsed
    });
    let sessions = parse_sessions(raw.sessions, r, diags, &mut ok);
    let apply_by = raw.apply_by.as_ref().and_then(|d| {
        let parsed = parse_date(&d.value, &r.at(&d.referenced), "apply_by", diags);
        ok &= parsed.is_some();
        parsed
    });
    let capacity = match raw.capacity {
        Some(c) if (1..=100_000).contains(&c.value) => Some(c.value as u32),
        Some(c) => {
            diags.push(
                Diagnostic::error(
                    r.at(&c.referenced),
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
                Diagnostic::error(r.top(), "a lecturer has an empty `name`").help(
                    "write each lecturer as `- {name: 杉本百合子, affiliation: …, role: 准教授}`",
                ),
            );
            ok = false;
        }
    }
    let (recipients, recipients_at) = r.names(raw.recipients);
    ok.then(|| Event {
        status,
        format,
        venue: raw.venue,
        target: raw.target,
        lecturers: raw.lecturers.unwrap_or_default(),
        sessions,
        apply_by,
        capacity,
        recipients,
        recipients_at,
    })
}

fn parse_sessions(
    raw: Option<Spanned<Vec<Spanned<RawSession>>>>,
    r: &Reader,
    diags: &mut Diagnostics,
    ok: &mut bool,
) -> Vec<Session> {
    let at = |s: &serde_saphyr::Location| r.at(s);
    let Some(raw) = raw else {
        diags.push(
            Diagnostic::error(r.top(), "a training announcement needs `sessions` (日時)")
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
