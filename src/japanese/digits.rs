//! Digit style of Japanese public documents.

use serde::Deserialize;

/// How numbers are written; chosen by `date_style` in `site.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DigitStyle {
    /// A single-digit number is written full-width (５), longer ones half-width (23, 2021).
    #[default]
    Official,
    /// Always half-width.
    Plain,
}

const FULL_WIDTH: [char; 10] = ['０', '１', '２', '３', '４', '５', '６', '７', '８', '９'];

/// Official style of Japanese public documents: a single-digit number is written full-width (５),
/// numbers of two or more digits half-width (23, 2021). Plain: always half-width.
/// Negative numbers get an ASCII `-` before the digits (`-５`).
pub fn digits(n: i64, style: DigitStyle) -> String {
    let sign = if n < 0 { "-" } else { "" };
    // unsigned_abs: i64::MIN has no positive i64 counterpart.
    let abs = n.unsigned_abs();
    match style {
        DigitStyle::Official if abs < 10 => format!("{sign}{}", FULL_WIDTH[abs as usize]),
        _ => format!("{sign}{abs}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_single_digit_is_full_width() {
        assert_eq!(digits(0, DigitStyle::Official), "０");
        assert_eq!(digits(5, DigitStyle::Official), "５");
        assert_eq!(digits(9, DigitStyle::Official), "９");
    }

    #[test]
    fn official_multi_digit_is_half_width() {
        assert_eq!(digits(10, DigitStyle::Official), "10");
        assert_eq!(digits(23, DigitStyle::Official), "23");
        assert_eq!(digits(2021, DigitStyle::Official), "2021");
    }

    #[test]
    fn plain_is_always_half_width() {
        assert_eq!(digits(5, DigitStyle::Plain), "5");
        assert_eq!(digits(0, DigitStyle::Plain), "0");
        assert_eq!(digits(23, DigitStyle::Plain), "23");
    }

    #[test]
    fn negative_numbers_keep_sign() {
        assert_eq!(digits(-5, DigitStyle::Official), "-５");
        assert_eq!(digits(-12, DigitStyle::Official), "-12");
        assert_eq!(digits(-5, DigitStyle::Plain), "-5");
        assert_eq!(
            digits(i64::MIN, DigitStyle::Official),
            "-9223372036854775808"
        );
    }

    #[test]
    fn default_is_official() {
        assert_eq!(DigitStyle::default(), DigitStyle::Official);
    }

    #[test]
    fn deserializes_lowercase_names() {
        let s: DigitStyle = serde_json::from_str("\"official\"").unwrap();
        assert_eq!(s, DigitStyle::Official);
        let s: DigitStyle = serde_json::from_str("\"plain\"").unwrap();
        assert_eq!(s, DigitStyle::Plain);
        assert!(serde_json::from_str::<DigitStyle>("\"Official\"").is_err());
    }
}
