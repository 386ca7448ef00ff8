//! Japanese conventions of public documents: era dates, fiscal years, times and digits; and the
//! search's text rules (`search_text`), the only place that knows Japanese characters.

pub mod digits;
pub mod kinsoku;
pub mod linebreak;
pub mod search_text;
pub mod time;
pub mod wareki;

pub use digits::{DigitStyle, digits};
pub use time::{time_of_day, time_range};
pub use wareki::{
    EraYear, MEIJI_START, check_era, era_year, fiscal_year_label, fiscal_year_start, wareki_date,
    wareki_month, year_label,
};

/// Whether a line break in the source between `before` and `after` is dropped when the
/// paragraph is joined (Japanese is written without spaces between words) rather than read as
/// a space. The one rule for Markdown's soft breaks, in both outputs.
pub fn soft_break_vanishes(before: char, after: char) -> bool {
    kinsoku::is_japanese(before) && kinsoku::is_japanese(after)
}

/// `第１号`, `第12号`.
pub fn issue_number(n: u32, style: DigitStyle) -> String {
    format!("第{}号", digits(i64::from(n), style))
}

/// `資料３`, `資料12`: the number of a meeting handout.
pub fn handout_number(n: u32, style: DigitStyle) -> String {
    format!("資料{}", digits(i64::from(n), style))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_breaks_between_japanese_characters() {
        for (a, b) in [
            ('。', '※'),
            ('目', '②'),
            ('野', '𠮷'),
            ('」', '（'),
            ('ｱ', 'ｲ'),
        ] {
            assert!(soft_break_vanishes(a, b), "{a}{b}");
        }
        for (a, b) in [('e', '日'), ('日', 'Z'), ('1', '2'), ('。', ' ')] {
            assert!(!soft_break_vanishes(a, b), "{a}{b}");
        }
    }

    #[test]
    fn issue_numbers() {
        assert_eq!(issue_number(1, DigitStyle::Official), "第１号");
        assert_eq!(issue_number(12, DigitStyle::Official), "第12号");
        assert_eq!(issue_number(1, DigitStyle::Plain), "第1号");
        assert_eq!(
            issue_number(u32::MAX, DigitStyle::Official),
            "第4294967295号"
        );
    }
}
