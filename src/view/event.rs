//! A training (研修会) as readers see it: status label and badge colours, the postponement
//! banner, and the rows of the information box (開催概要: 日時, 場所, 講師, 形式, 対象, 申込締切,
//! 定員) with every date and time already written in the site's digit style. The page, its
//! event card, the mail body and the PDF flyer all show these values, so they cannot disagree.

use jiff::civil::{Date, DateTime};
use serde::Serialize;

use super::status::{self, BannerText, StatusLook};
use super::trimmed;
use crate::content::event::{Event, Lecturer, Session, Status, audience_label};
use crate::japanese::{DigitStyle, digits, time_range, wareki_date};

/// One session of a training; `date`, `start`, `end`, `end_date` are ISO (`2021-08-23`,
/// `14:15`) for `datetime` attributes, the `*_label`s are what a reader reads.
#[derive(Serialize, Clone, Debug)]
pub struct SessionView {
    pub date: String,
    pub start: String,
    pub end: String,
    pub end_date: String,
    pub label: Option<String>,
    pub audience: Vec<String>,
    /// 対象区 for a list of wards, else 対象.
    pub audience_label: &'static str,
    /// 令和３年８月23日（月）
    pub date_label: String,
    /// 午後２時15分～４時15分; for a session over several days only the start: 午後２時.
    pub time_label: String,
    /// The end date when the session ends on another day (令和３年７月２日（金）).
    pub end_date_label: Option<String>,
    /// The end time when the session ends on another day (正午).
    pub end_time_label: Option<String>,
    /// The whole of it on one line: 令和３年７月１日（木） 午後２時～令和３年７月２日（金） 正午.
    pub when: String,
}

impl SessionView {
    pub fn new(s: &Session, ds: DigitStyle) -> SessionView {
        let date_label = wareki_date(s.start.date(), ds, true);
        let multi_day = s.end.date() != s.start.date();
        let (time_label, end_date_label, end_time_label, when) = if multi_day {
            let start = time_range(s.start.time(), None, ds);
            let end_date = wareki_date(s.end.date(), ds, true);
            let end = time_range(s.end.time(), None, ds);
            let when = format!("{date_label} {start}～{end_date} {end}");
            (start, Some(end_date), Some(end), when)
        } else {
            let range = time_range(s.start.time(), Some(s.end.time()), ds);
            let when = format!("{date_label} {range}");
            (range, None, None, when)
        };
        SessionView {
            date: s.start.date().to_string(),
            start: hm(s.start),
            end: hm(s.end),
            end_date: s.end.date().to_string(),
            label: trimmed(s.label.as_deref()),
            audience: s.audience.clone(),
            audience_label: audience_label(&s.audience),
            date_label,
            time_label,
            end_date_label,
            end_time_label,
            when,
        }
    }
}

fn hm(t: DateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// How a piece of an information-box value is set: renderers map each to their own style.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Body text.
    Plain,
    /// A lecturer's name.
    Strong,
    /// A session's date and time: bold, struck through when the training is postponed or
    /// cancelled.
    When,
    /// A date struck through when the training is postponed or cancelled (申込締切).
    Date,
    /// A session's label (西部・南部), set apart from the date.
    Chip,
    /// Smaller text beside a name (affiliation and role).
    Note,
    /// 対象区： before the wards of a session.
    WardsLabel,
    /// One ward with its separator (福島区、), kept whole on a line.
    Ward,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub tone: Tone,
}

fn span(text: impl Into<String>, tone: Tone) -> Span {
    Span {
        text: text.into(),
        tone,
    }
}

/// One row of the information box: `label` (日時) and its paragraphs of spans. `key` names the
/// row for templates that lay some rows out their own way (`dates`, `venue`, `lecturers`,
/// `format`, `target`, `apply_by`, `capacity`); `text` is the value as one plain line.
#[derive(Serialize, Clone, Debug)]
pub struct InfoRow {
    pub key: &'static str,
    pub label: &'static str,
    pub paras: Vec<Vec<Span>>,
    pub text: String,
}

impl InfoRow {
    fn new(key: &'static str, label: &'static str, paras: Vec<Vec<Span>>) -> InfoRow {
        let text = paras
            .iter()
            .map(|p| p.iter().map(|s| s.text.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        InfoRow {
            key,
            label,
            paras,
            text,
        }
    }

    fn single(key: &'static str, label: &'static str, text: String, tone: Tone) -> InfoRow {
        InfoRow::new(key, label, vec![vec![span(text, tone)]])
    }
}

/// A training as templates and the PDF flyer see it.
#[derive(Serialize, Clone, Debug)]
pub struct EventView {
    pub status: &'static str,
    pub status_label: &'static str,
    /// Badge colours of the status (the theme's).
    pub status_look: StatusLook,
    /// Postponed or cancelled: the dates are struck through.
    pub struck: bool,
    /// Said before struck dates to screen readers: 延期前の日程： / 中止となった日程：.
    pub struck_note: Option<&'static str>,
    /// The notice under the title of a postponed or cancelled training.
    pub banner: Option<BannerText>,
    pub format: Option<&'static str>,
    pub format_label: Option<&'static str>,
    pub venue: Option<String>,
    pub target: Option<String>,
    pub apply_by: Option<String>,
    pub apply_by_label: Option<String>,
    pub capacity: Option<u32>,
    pub lecturers: Vec<Lecturer>,
    pub sessions: Vec<SessionView>,
    pub first_date: Option<String>,
    pub first_date_label: Option<String>,
    pub last_date: Option<String>,
    pub last_date_label: Option<String>,
    /// The information box (開催概要), in the order it is shown.
    pub rows: Vec<InfoRow>,
}

impl EventView {
    pub fn new(e: &Event, ds: DigitStyle) -> EventView {
        let struck = matches!(e.status, Status::Postponed | Status::Cancelled);
        let label = |d: Date| wareki_date(d, ds, true);
        let lecturers: Vec<Lecturer> = e
            .lecturers
            .iter()
            .map(|l| Lecturer {
                name: l.name.trim().to_owned(),
                affiliation: trimmed(l.affiliation.as_deref()),
                role: trimmed(l.role.as_deref()),
            })
            .collect();
        let sessions: Vec<SessionView> =
            e.sessions.iter().map(|s| SessionView::new(s, ds)).collect();
        let mut view = EventView {
            status: e.status.key(),
            status_label: e.status.label(),
            status_look: status::look(e.status),
            struck,
            struck_note: match e.status {
                Status::Postponed => Some("延期前の日程："),
                Status::Cancelled => Some("中止となった日程："),
                _ => None,
            },
            banner: status::banner(e.status),
            format: e.format.map(|f| f.key()),
            format_label: e.format.map(|f| f.label()),
            venue: trimmed(e.venue.as_deref()),
            target: trimmed(e.target.as_deref()),
            apply_by: e.apply_by.map(|d| d.to_string()),
            apply_by_label: e.apply_by.map(label),
            capacity: e.capacity.filter(|n| *n > 0),
            lecturers,
            sessions,
            first_date: e.first_date().map(|d| d.to_string()),
            first_date_label: e.first_date().map(label),
            last_date: e.last_date().map(|d| d.to_string()),
            last_date_label: e.last_date().map(label),
            rows: Vec::new(),
        };
        view.rows = view.info_rows(ds);
        view
    }

    /// 日時, 場所, 講師, 形式, 対象, 申込締切, 定員: the rows that have a value.
    fn info_rows(&self, ds: DigitStyle) -> Vec<InfoRow> {
        let mut rows = Vec::new();
        if !self.sessions.is_empty() {
            rows.push(InfoRow::new("dates", "日時", self.session_paras()));
        }
        if let Some(v) = &self.venue {
            rows.push(InfoRow::single("venue", "場所", v.clone(), Tone::Plain));
        }
        if !self.lecturers.is_empty() {
            let paras = self.lecturers.iter().map(lecturer_para).collect();
            rows.push(InfoRow::new("lecturers", "講師", paras));
        }
        if let Some(f) = self.format_label {
            rows.push(InfoRow::single("format", "形式", f.to_owned(), Tone::Plain));
        }
        if let Some(t) = &self.target {
            rows.push(InfoRow::single("target", "対象", t.clone(), Tone::Plain));
        }
        if let Some(d) = &self.apply_by_label {
            rows.push(InfoRow::single(
                "apply_by",
                "申込締切",
                d.clone(),
                Tone::Date,
            ));
        }
        if let Some(n) = self.capacity {
            let text = format!("{}名", digits(i64::from(n), ds));
            rows.push(InfoRow::single("capacity", "定員", text, Tone::Plain));
        }
        rows
    }

    /// Each session's date and time (with its label), then its wards on a line of their own.
    fn session_paras(&self) -> Vec<Vec<Span>> {
        let mut paras = Vec::new();
        for s in &self.sessions {
            let mut p = vec![span(s.when.clone(), Tone::When)];
            if let Some(l) = &s.label {
                p.push(span(l.clone(), Tone::Chip));
            }
            paras.push(p);
            if !s.audience.is_empty() {
                let mut p = vec![span(format!("{}：", s.audience_label), Tone::WardsLabel)];
                let n = s.audience.len();
                for (i, w) in s.audience.iter().enumerate() {
                    let sep = if i + 1 < n { "、" } else { "" };
                    p.push(span(format!("{w}{sep}"), Tone::Ward));
                }
                paras.push(p);
            }
        }
        paras
    }
}

/// 杉本百合子（同志社女子大学 看護学部 准教授）
fn lecturer_para(l: &Lecturer) -> Vec<Span> {
    let mut p = vec![span(l.name.clone(), Tone::Strong)];
    let note = match (l.affiliation.as_deref(), l.role.as_deref()) {
        (Some(a), Some(r)) => Some(format!("（{a} {r}）")),
        (Some(a), None) => Some(format!("（{a}）")),
        (None, Some(r)) => Some(format!("（{r}）")),
        (None, None) => None,
    };
    p.extend(note.map(|n| span(n, Tone::Note)));
    p
}
