//! The front matter of a meeting handout (会議資料): `number` (資料３), `meeting` (the meeting it
//! is handed out at) and the common `date`, here the date of the meeting.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::Reader;
use crate::diag::{Diagnostic, Diagnostics, Location};

#[derive(Debug, Clone)]
pub struct Handout {
    /// 資料番号: 3 is shown as 資料３.
    pub number: u32,
    pub number_at: Location,
    /// The meeting's name, e.g. 在宅医療・介護連携推進会議.
    pub meeting: String,
}

#[derive(Deserialize)]
struct Raw {
    number: Option<Spanned<i64>>,
    meeting: Option<Spanned<String>>,
}

/// The handout's own keys; `dated`: whether the common `date` (the meeting's date) was written.
pub(super) fn parse(r: &Reader, dated: bool, diags: &mut Diagnostics) -> Option<Handout> {
    let raw: Raw = r.typed(diags)?;
    let number = match raw.number {
        Some(n) if (1..=999).contains(&n.value) => Some((n.value as u32, r.at(&n.referenced))),
        Some(n) => {
            diags.push(
                Diagnostic::error(
                    r.at(&n.referenced),
                    format!("handout number {} is out of range", n.value),
                )
                .help("handout numbers run from 1 to 999: `number: 3` is 資料３"),
            );
            None
        }
        None => {
            diags.push(
                Diagnostic::error(r.top(), "missing `number` (the 資料番号 of the handout)")
                    .help("add `number: 3` for 資料３"),
            );
            None
        }
    };
    let meeting = match raw.meeting {
        Some(m) if !m.value.trim().is_empty() => Some(m.value.trim().to_owned()),
        Some(m) => {
            diags.push(
                Diagnostic::error(r.at(&m.referenced), "`meeting` is empty")
                    .help("write the meeting's name, e.g. `meeting: 在宅医療・介護連携推進会議`"),
            );
            None
        }
        None => {
            diags.push(
                Diagnostic::error(
                    r.top(),
                    "missing `meeting` (the meeting the handout is for)",
                )
                .help("add `meeting: 在宅医療・介護連携推進会議`"),
            );
            None
        }
    };
    if !dated {
        diags.push(
            Diagnostic::error(r.top(), "missing `date` (the date of the meeting)")
                .help("add `date: 2021-07-30`"),
        );
    }
    let (number, number_at) = number?;
    let meeting = meeting?;
    dated.then_some(Handout {
        number,
        number_at,
        meeting,
    })
}
