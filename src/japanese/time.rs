//! Times of day in the 午前/午後 style of public notices.

use jiff::civil::Time;

use super::digits::{DigitStyle, digits};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Half {
    Am,
    Noon,
    Pm,
}

fn half(t: Time) -> Half {
    match (t.hour(), t.minute()) {
        (12, 0) => Half::Noon,
        (h, _) if h < 12 => Half::Am,
        _ => Half::Pm,
    }
}

/// The clock part without 午前/午後: `２時15分`, `10時`. Seconds are ignored.
fn clock(t: Time, style: DigitStyle) -> String {
    let hour = digits(i64::from(t.hour() % 12), style);
    match t.minute() {
        0 => format!("{hour}時"),
        m => format!("{hour}時{}分", digits(i64::from(m), style)),
    }
}

fn with_half(t: Time, style: DigitStyle, show_half: bool) -> String {
    match half(t) {
        Half::Noon => "正午".to_string(),
        _ if !show_half => clock(t, style),
        Half::Am => format!("午前{}", clock(t, style)),
        Half::Pm => format!("午後{}", clock(t, style)),
    }
}

/// `午後２時15分`, `午前10時`, `正午`; 12:30 is `午後０時30分`. Seconds are ignored.
pub fn time_of_day(t: Time, style: DigitStyle) -> String {
    with_half(t, style, true)
}

/// `午後２時15分～４時15分`: 午前/午後 is written once when both ends are in the same half.
/// Without `end`, the same as [`time_of_day`].
pub fn time_range(start: Time, end: Option<Time>, style: DigitStyle) -> String {
    let first = time_of_day(start, style);
    match end {
        None => first,
        Some(end) => {
            let same_half = half(start) == half(end) && half(start) != Half::Noon;
            format!("{first}～{}", with_half(end, style, !same_half))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    const O: DigitStyle = DigitStyle::Official;
    const P: DigitStyle = DigitStyle::Plain;

    fn t(h: i8, m: i8) -> Time {
        time(h, m, 0, 0)
    }

    #[test]
    fn afternoon_with_minutes() {
        assert_eq!(time_of_day(t(14, 15), O), "午後２時15分");
        assert_eq!(time_of_day(t(23, 59), O), "午後11時59分");
    }

    #[test]
    fn whole_hours_drop_minutes() {
        assert_eq!(time_of_day(t(10, 0), O), "午前10時");
        assert_eq!(time_of_day(t(14, 0), O), "午後２時");
        assert_eq!(time_of_day(t(0, 0), O), "午前０時");
    }

    #[test]
    fn single_digit_minutes_follow_style() {
        assert_eq!(time_of_day(t(9, 5), O), "午前９時５分");
        assert_eq!(time_of_day(t(9, 5), P), "午前9時5分");
    }

    #[test]
    fn noon_and_just_after() {
        assert_eq!(time_of_day(t(12, 0), O), "正午");
        assert_eq!(time_of_day(time(12, 0, 30, 0), O), "正午");
        assert_eq!(time_of_day(t(12, 30), O), "午後０時30分");
        assert_eq!(time_of_day(t(12, 1), O), "午後０時１分");
        assert_eq!(time_of_day(t(11, 59), O), "午前11時59分");
    }

    #[test]
    fn plain_style() {
        assert_eq!(time_of_day(t(14, 15), P), "午後2時15分");
        assert_eq!(
            time_range(t(14, 15), Some(t(16, 15)), P),
            "午後2時15分～4時15分"
        );
    }

    #[test]
    fn range_in_same_half_names_it_once() {
        assert_eq!(
            time_range(t(14, 15), Some(t(16, 15)), O),
            "午後２時15分～４時15分"
        );
        assert_eq!(
            time_range(t(9, 30), Some(t(11, 0)), O),
            "午前９時30分～11時"
        );
        assert_eq!(
            time_range(t(12, 30), Some(t(14, 0)), O),
            "午後０時30分～２時"
        );
    }

    #[test]
    fn range_across_halves() {
        assert_eq!(time_range(t(10, 0), Some(t(12, 0)), O), "午前10時～正午");
        assert_eq!(
            time_range(t(10, 0), Some(t(13, 30)), O),
            "午前10時～午後１時30分"
        );
        assert_eq!(time_range(t(12, 0), Some(t(13, 0)), O), "正午～午後１時");
    }

    #[test]
    fn range_without_end() {
        assert_eq!(time_range(t(14, 15), None, O), "午後２時15分");
    }

    #[test]
    fn reversed_range_does_not_panic() {
        assert_eq!(time_range(t(16, 0), Some(t(14, 0)), O), "午後４時～２時");
        assert_eq!(time_range(t(23, 0), Some(t(0, 0)), O), "午後11時～午前０時");
    }
}
