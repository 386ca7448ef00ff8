//! Dates, date-times and slugs as authors write them in front matter, checked with located
//! errors.

use jiff::civil::{Date, DateTime};

use crate::diag::{Diagnostic, Diagnostics, Location};

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
pub(super) fn suggest_slug(slug: &str) -> String {
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
