//! Training announcements (研修会): status, format, lecturers and sessions.

use jiff::civil::{Date, DateTime};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Scheduled,
    Ongoing,
    Postponed,
    Held,
    Cancelled,
}

impl Status {
    /// The order in which the trainings page lists the groups.
    pub const ALL: [Status; 5] = [
        Status::Scheduled,
        Status::Ongoing,
        Status::Postponed,
        Status::Held,
        Status::Cancelled,
    ];

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.key() == s)
    }

    pub fn key(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Ongoing => "ongoing",
            Status::Postponed => "postponed",
            Status::Held => "held",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Scheduled => "開催予定",
            Status::Ongoing => "継続実施中",
            Status::Postponed => "延期",
            Status::Held => "実施済",
            Status::Cancelled => "中止",
        }
    }

    pub fn keys() -> Vec<&'static str> {
        Status::ALL.iter().map(|s| s.key()).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    #[serde(rename = "in-person")]
    InPerson,
    #[serde(rename = "online")]
    Online,
    #[serde(rename = "hybrid")]
    Hybrid,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::InPerson, Format::Online, Format::Hybrid];

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.key() == s)
    }

    pub fn key(self) -> &'static str {
        match self {
            Format::InPerson => "in-person",
            Format::Online => "online",
            Format::Hybrid => "hybrid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::InPerson => "参集",
            Format::Online => "オンライン",
            Format::Hybrid => "ハイブリッド",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Lecturer {
    pub name: String,
    #[serde(default)]
    pub affiliation: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
}

/// How the audience of a session is labelled: 対象区 when it lists wards (as the handout
/// does), 対象 when it names people or roles.
pub fn audience_label(audience: &[String]) -> &'static str {
    if !audience.is_empty() && audience.iter().all(|a| a.trim_end().ends_with('区')) {
        "対象区"
    } else {
        "対象"
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub start: DateTime,
    pub end: DateTime,
    pub label: Option<String>,
    pub audience: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub status: Status,
    pub format: Option<Format>,
    pub venue: Option<String>,
    /// 対象: who the training is for, in the author's words.
    pub target: Option<String>,
    pub lecturers: Vec<Lecturer>,
    /// Sorted by start.
    pub sessions: Vec<Session>,
    pub apply_by: Option<Date>,
    pub capacity: Option<u32>,
    /// Address-book groups `tsushin mail` sends the announcement to; empty: the site's default.
    pub recipients: Vec<String>,
    /// Where each of `recipients` is written, for the unknown-group error of `check`.
    pub recipients_at: Vec<crate::diag::Location>,
}

impl Event {
    pub fn first_date(&self) -> Option<Date> {
        self.sessions.first().map(|s| s.start.date())
    }

    pub fn last_date(&self) -> Option<Date> {
        self.sessions.iter().map(|s| s.end.date()).max()
    }

    /// A training is upcoming while any of its sessions is on or after `today`.
    pub fn is_upcoming(&self, today: Date) -> bool {
        self.last_date().is_some_and(|d| d >= today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wards_are_labelled_as_wards() {
        let wards = vec!["福島区".to_owned(), "此花区".to_owned()];
        assert_eq!(audience_label(&wards), "対象区");
        let roles = vec!["区役所実務者".to_owned(), "福島区".to_owned()];
        assert_eq!(audience_label(&roles), "対象");
        assert_eq!(audience_label(&[]), "対象");
    }
}
