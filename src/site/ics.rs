//! One iCalendar file (RFC 5545) per training, `events/<name>.ics` beside its PDF, so that a
//! reader can put the sessions into Outlook or any calendar with one click (「予定表に追加」).
//!
//! The file must be the same bytes on every build of the same site, and a calendar that
//! imported it must recognise a later version as an update of the same events:
//! - Times are written in UTC. Sessions are Japan local time; Japan has no daylight saving
//!   time, so the fixed offset +09:00 is exact (no time-zone database needed).
//! - `UID` is a hash of the site (its `base_url`, else its title), the page's source path and
//!   the session's index, `<hash>@tsushin`.
//! - `DTSTAMP` is the page's `date` (midnight in Japan), else the latest session start: never
//!   the clock.
//! - `SEQUENCE` comes from `.tsushin/ics-sequence.json` in the site (see [`Sequences`]).

use std::collections::HashMap;

use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use jiff::civil::DateTime;
use jiff::tz::Offset;
use sha2::{Digest, Sha256};

use super::loaded::Site;
use crate::content::Page;
use crate::content::event::{Event, Session, Status};
use crate::diag::Diagnostic;
use crate::japanese::{DigitStyle, wareki_date};

pub use super::sequences::{SEQUENCE_FILE, Sequences};

/// The `.ics` path of every training with at least one session: its PDF path (from
/// `pdfs::plan`, which keeps both names free) with `.ics` instead of `.pdf`.
pub fn plan(pages: &[Page], pdf_plan: &HashMap<String, String>) -> HashMap<String, String> {
    pages
        .iter()
        .filter(|p| p.event().is_some_and(|e| !e.sessions.is_empty()))
        .filter_map(|p| {
            let ics = crate::view::names::ics_path(pdf_plan.get(&p.rel)?)?;
            Some((p.rel.clone(), ics))
        })
        .collect()
}

/// Japan Standard Time: +09:00 all year (Japan has had no daylight saving time since 1951).
const JST: Offset = Offset::constant(9);

/// A Japan local time as an iCalendar UTC date-time: `20210518T051500Z`.
fn utc(t: DateTime) -> String {
    match JST.to_timestamp(t) {
        Ok(ts) => ts.strftime("%Y%m%dT%H%M%SZ").to_string(),
        // Out of jiff's range (years beyond ±9999 cannot be written in front matter).
        Err(_) => t.strftime("%Y%m%dT%H%M%S").to_string(),
    }
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The UID of session `index` (0-based, in start order) of `page`.
pub fn uid(site: &Site, page: &Page, index: usize) -> String {
    let key = site
        .config
        .base_url
        .as_deref()
        .unwrap_or(&site.config.title);
    format!(
        "{}@tsushin",
        short_hash(&[key, &page.rel, &index.to_string()])
    )
}

/// RFC 5545 status: a cancelled training is CANCELLED; a postponed one TENTATIVE (it will be
/// held, but not at the times listed); every other CONFIRMED.
fn status(s: Status) -> EventStatus {
    match s {
        Status::Cancelled => EventStatus::Cancelled,
        Status::Postponed => EventStatus::Tentative,
        Status::Scheduled | Status::Ongoing | Status::Held => EventStatus::Confirmed,
    }
}

fn status_key(s: Status) -> &'static str {
    match status(s) {
        EventStatus::Cancelled => "CANCELLED",
        EventStatus::Tentative => "TENTATIVE",
        EventStatus::Confirmed => "CONFIRMED",
    }
}

/// What a calendar must hear about again when it changes: start, end, place and status.
fn session_hash(ev: &Event, s: &Session) -> String {
    short_hash(&[
        &utc(s.start),
        &utc(s.end),
        ev.venue.as_deref().unwrap_or(""),
        status_key(ev.status),
    ])
}

/// The `DTSTAMP` of every event of the page: its `date` at midnight in Japan, else the latest
/// session start.
fn stamp(page: &Page, ev: &Event) -> String {
    let from_date = page
        .meta
        .date
        .map(|d| d.to_datetime(jiff::civil::Time::midnight()));
    let latest = ev.sessions.iter().map(|s| s.start).max();
    from_date
        .or(latest)
        .map(utc)
        .unwrap_or_else(|| "19700101T000000Z".to_owned())
}

/// The absolute URL of the page, when the site has a `base_url` (also the link in its mail).
pub fn page_url(site: &Site, page: &Page) -> Option<String> {
    let base = site.config.base_url.as_ref()?;
    Some(format!(
        "{base}{}",
        super::links::encode_path(&page.out_path)
    ))
}

fn description(site: &Site, page: &Page, ev: &Event, s: &Session) -> String {
    let style = DigitStyle::Plain;
    let mut lines: Vec<String> = Vec::new();
    match ev.status {
        Status::Cancelled => lines.push("この研修会は中止になりました。".to_owned()),
        Status::Postponed => lines.push(
            "この研修会は延期になりました。この日時には開催しません。新しい日程は決まり次第お知らせします。"
                .to_owned(),
        ),
        _ => {}
    }
    if let Some(f) = ev.format {
        lines.push(format!("形式：{}", f.label()));
    }
    if let Some(t) = &ev.target {
        lines.push(format!("対象：{t}"));
    }
    // The session's own audience: the wards it is for (対象区), or its people when the
    // training names no 対象 of its own.
    let label = crate::content::event::audience_label(&s.audience);
    if !s.audience.is_empty() && (label == "対象区" || ev.target.is_none()) {
        lines.push(format!("{label}：{}", s.audience.join("、")));
    }
    if let Some(d) = ev.apply_by {
        lines.push(format!("申込締切：{}", wareki_date(d, style, true)));
    }
    if let Some(url) = page_url(site, page) {
        lines.push(format!("詳細：{url}"));
    }
    lines.join("\n")
}

fn summary(page: &Page, ev: &Event, s: &Session) -> String {
    let prefix = match ev.status {
        Status::Cancelled => "【中止】",
        Status::Postponed => "【延期】",
        _ => "",
    };
    match &s.label {
        Some(l) if !l.trim().is_empty() => format!("{prefix}{} {}", page.meta.title, l.trim()),
        _ => format!("{prefix}{}", page.meta.title),
    }
}

/// The calendar of one training; `None` for a page that is not a training with sessions.
pub fn render(site: &Site, page: &Page) -> Option<Vec<u8>> {
    let ev = page.event().filter(|e| !e.sessions.is_empty())?;
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//tsushin//tsushin//JA"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    let dtstamp = stamp(page, ev);
    for (i, s) in ev.sessions.iter().enumerate() {
        let uid = uid(site, page, i);
        let sequence = site.ics_sequences.sequence(&uid, &session_hash(ev, s));
        let mut e = icalendar::Event::new();
        // Set here, so that the crate invents neither (a random UID, the clock's DTSTAMP).
        e.uid(&uid)
            .add_property("DTSTAMP", &dtstamp)
            .add_property("DTSTART", utc(s.start))
            .add_property("DTEND", utc(s.end))
            .sequence(sequence)
            .summary(&summary(page, ev, s))
            .description(&description(site, page, ev, s))
            .status(status(ev.status));
        if let Some(v) = &ev.venue {
            e.location(v);
        }
        if let Some(url) = page_url(site, page) {
            e.add_property("URL", url);
        }
        cal.push(e.done());
    }
    Some(cal.to_string().into_bytes())
}

/// After a successful build: records each event's hash and sequence, keeping those of events
/// no longer built (a training taken back to draft keeps its number). Writes only when
/// something changed, through a temporary file renamed into place.
pub fn save(site: &Site) -> Result<(), Diagnostic> {
    let mut next = site.ics_sequences.clone();
    for page in &site.pages {
        let Some(ev) = page.event() else { continue };
        if !site.ics_paths.contains_key(&page.rel) {
            continue;
        }
        for (i, s) in ev.sessions.iter().enumerate() {
            let uid = uid(site, page, i);
            let hash = session_hash(ev, s);
            let sequence = site.ics_sequences.sequence(&uid, &hash);
            next.record(uid, hash, sequence, page.rel.clone());
        }
    }
    next.save(&site.root)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_time_is_nine_hours_ahead_of_utc() {
        let t: DateTime = "2021-08-23T14:15".parse().unwrap();
        assert_eq!(utc(t), "20210823T051500Z");
        let t: DateTime = "2022-01-01T08:30".parse().unwrap();
        assert_eq!(utc(t), "20211231T233000Z");
    }
}
