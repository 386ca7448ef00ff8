//! Japanese era (和暦) dates and fiscal years (年度).

use jiff::civil::{Date, Weekday};

use super::digits::{DigitStyle, digits};

/// A year counted in a Japanese era; year 1 displays as 元年.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EraYear {
    pub era: &'static str,
    pub year: i32,
}

/// Eras with their first day, newest first.
/// 明治 starts 1868-01-25 (Keiō 4, 1st month, 1st day): the era was proclaimed in the 9th month
/// but applied retroactively from that New Year, which is the customary conversion.
/// Dates before 1873 are taken as Gregorian, not as the lunisolar calendar then in use.
const ERAS: [(&str, Date); 5] = [
    ("令和", Date::constant(2019, 5, 1)),
    ("平成", Date::constant(1989, 1, 8)),
    ("昭和", Date::constant(1926, 12, 25)),
    ("大正", Date::constant(1912, 7, 30)),
    ("明治", Date::constant(1868, 1, 25)),
];

/// The first day of 明治, the oldest era tsushin writes.
pub const MEIJI_START: Date = Date::constant(1868, 1, 25);

/// Refuses a date that has no era to be written in (before 明治), with the reason.
pub fn check_era(date: Date) -> Result<Date, String> {
    if date < MEIJI_START {
        Err(format!(
            "{date} is before 明治 (1868-01-25), so it has no Japanese era (和暦) to be written in"
        ))
    } else {
        Ok(date)
    }
}

/// The era year of `date`, or `None` before 明治.
pub fn era_year(date: Date) -> Option<EraYear> {
    ERAS.iter()
        .find(|(_, start)| date >= *start)
        .map(|&(era, start)| EraYear {
            era,
            year: i32::from(date.year()) - i32::from(start.year()) + 1,
        })
}

/// `令和３年`, `令和元年`.
pub fn year_label(e: &EraYear, style: DigitStyle) -> String {
    if e.year == 1 {
        format!("{}元年", e.era)
    } else {
        format!("{}{}年", e.era, digits(i64::from(e.year), style))
    }
}

/// `令和３年` or, before 明治, the Gregorian `1867年`.
fn year_part(date: Date, style: DigitStyle) -> String {
    match era_year(date) {
        Some(e) => year_label(&e, style),
        None => format!("{}年", digits(i64::from(date.year()), style)),
    }
}

fn weekday_kanji(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "月",
        Weekday::Tuesday => "火",
        Weekday::Wednesday => "水",
        Weekday::Thursday => "木",
        Weekday::Friday => "金",
        Weekday::Saturday => "土",
        Weekday::Sunday => "日",
    }
}

/// `令和３年８月23日（月）`; before 明治 the Gregorian `1867年５月１日（水）`.
/// The weekday keeps full-width parentheses in every style.
pub fn wareki_date(date: Date, style: DigitStyle, weekday: bool) -> String {
    let mut s = format!(
        "{}{}月{}日",
        year_part(date, style),
        digits(i64::from(date.month()), style),
        digits(i64::from(date.day()), style),
    );
    if weekday {
        s.push('（');
        s.push_str(weekday_kanji(date.weekday()));
        s.push('）');
    }
    s
}

/// `令和３年６月`; before 明治 `1867年５月`.
pub fn wareki_month(date: Date, style: DigitStyle) -> String {
    format!(
        "{}{}月",
        year_part(date, style),
        digits(i64::from(date.month()), style)
    )
}

/// The calendar year in which the fiscal year (年度, April..March) of `date` starts.
pub fn fiscal_year_start(date: Date) -> i16 {
    if date.month() >= 4 {
        date.year()
    } else {
        // jiff years start at -9999, so this cannot overflow i16.
        date.year() - 1
    }
}

/// `令和３年度` for the fiscal year starting in April of `start_year`.
pub fn fiscal_year_label(start_year: i16, style: DigitStyle) -> String {
    // The era in force for most of the fiscal year names it (平成31年度 was renamed 令和元年度);
    // 30 September is at or past the middle of April..March, so its era holds the majority.
    // 1867年度 ends in 明治 (from 1868-01-25): its last day names it.
    let era = Date::new(start_year, 9, 30)
        .ok()
        .and_then(era_year)
        .or_else(|| {
            Date::new(start_year.saturating_add(1), 3, 31)
                .ok()
                .and_then(era_year)
        });
    match era {
        Some(e) => format!("{}度", year_label(&e, style)),
        None => format!("{}年度", digits(i64::from(start_year), style)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const O: DigitStyle = DigitStyle::Official;
    const P: DigitStyle = DigitStyle::Plain;

    fn year_of(y: i16, m: i8, d: i8) -> String {
        year_label(&era_year(date(y, m, d)).unwrap(), O)
    }

    #[test]
    fn full_date_official() {
        assert_eq!(
            wareki_date(date(2021, 8, 23), O, true),
            "令和３年８月23日（月）"
        );
        assert_eq!(
            wareki_date(date(2021, 11, 5), O, true),
            "令和３年11月５日（金）"
        );
    }

    #[test]
    fn full_date_plain_changes_only_digits() {
        assert_eq!(
            wareki_date(date(2021, 8, 23), P, true),
            "令和3年8月23日（月）"
        );
        assert_eq!(
            wareki_date(date(2019, 5, 1), P, true),
            "令和元年5月1日（水）"
        );
    }

    #[test]
    fn without_weekday() {
        assert_eq!(wareki_date(date(2021, 6, 28), O, false), "令和３年６月28日");
    }

    #[test]
    fn reiwa_first_day_is_gannen() {
        assert_eq!(
            wareki_date(date(2019, 5, 1), O, true),
            "令和元年５月１日（水）"
        );
    }

    #[test]
    fn heisei_last_day() {
        assert_eq!(
            wareki_date(date(2019, 4, 30), O, true),
            "平成31年４月30日（火）"
        );
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(year_of(1989, 1, 7), "昭和64年");
        assert_eq!(year_of(1989, 1, 8), "平成元年");
        assert_eq!(year_of(1926, 12, 24), "大正15年");
        assert_eq!(year_of(1926, 12, 25), "昭和元年");
        assert_eq!(year_of(1912, 7, 29), "明治45年");
        assert_eq!(year_of(1912, 7, 30), "大正元年");
        assert_eq!(year_of(1868, 1, 25), "明治元年");
        assert_eq!(
            era_year(date(1990, 1, 1)),
            Some(EraYear {
                era: "平成",
                year: 2
            })
        );
    }

    #[test]
    fn before_meiji_falls_back_to_gregorian() {
        assert_eq!(era_year(date(1868, 1, 24)), None);
        assert_eq!(
            wareki_date(date(1867, 5, 1), O, true),
            "1867年５月１日（水）"
        );
        assert_eq!(wareki_month(date(1867, 5, 1), O), "1867年５月");
        // Extreme jiff dates must not panic.
        assert_eq!(wareki_date(date(-9999, 1, 1), P, false), "-9999年1月1日");
        assert_eq!(
            wareki_date(date(9999, 12, 31), P, false),
            "令和7981年12月31日"
        );
    }

    #[test]
    fn month_label() {
        assert_eq!(wareki_month(date(2021, 6, 30), O), "令和３年６月");
        assert_eq!(wareki_month(date(2021, 11, 1), O), "令和３年11月");
        assert_eq!(wareki_month(date(2021, 6, 30), P), "令和3年6月");
    }

    #[test]
    fn fiscal_year_runs_april_to_march() {
        assert_eq!(fiscal_year_start(date(2022, 3, 31)), 2021);
        assert_eq!(fiscal_year_start(date(2021, 4, 1)), 2021);
        assert_eq!(fiscal_year_start(date(-9999, 1, 1)), -10000);
    }

    #[test]
    fn fiscal_year_labels() {
        assert_eq!(
            fiscal_year_label(fiscal_year_start(date(2022, 3, 31)), O),
            "令和３年度"
        );
        assert_eq!(fiscal_year_label(2020, O), "令和２年度");
        assert_eq!(fiscal_year_label(2021, P), "令和3年度");
        assert_eq!(fiscal_year_label(2030, O), "令和12年度");
    }

    #[test]
    fn fiscal_year_named_by_majority_era() {
        assert_eq!(fiscal_year_label(2019, O), "令和元年度");
        assert_eq!(fiscal_year_label(2018, O), "平成30年度");
        assert_eq!(fiscal_year_label(1988, O), "昭和63年度");
        assert_eq!(fiscal_year_label(1989, O), "平成元年度");
        assert_eq!(fiscal_year_label(1926, O), "大正15年度");
        assert_eq!(fiscal_year_label(1912, O), "大正元年度");
    }

    #[test]
    fn fiscal_year_outside_eras_does_not_panic() {
        // 1867年度 ends in 明治; 1866年度 has no era (such dates are refused where they are read).
        assert_eq!(fiscal_year_label(1867, O), "明治元年度");
        assert_eq!(fiscal_year_label(1866, O), "1866年度");
        assert_eq!(fiscal_year_label(i16::MIN, P), "-32768年度");
        assert_eq!(fiscal_year_label(i16::MAX, P), "32767年度");
    }
}
