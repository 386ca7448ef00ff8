//! A survey (アンケート結果) as readers see it, for the page's SVG and the PDF's vector chart:
//! the caption parts, each answer's figure (`12名（48%）`), and its colour from the theme's
//! `survey_colors` (theme.yaml) with the label colour that contrasts with it.

use crate::survey::Survey;

/// Used when the theme gives no colours (or an unusable one): dark to light, print-friendly.
pub const FALLBACK_COLORS: [&str; 6] = [
    "#1f4e79", "#2e75b6", "#9dc3e6", "#f4b183", "#c55a11", "#a5a5a5",
];
pub const LIGHT_TEXT: &str = "#ffffff";
pub const DARK_TEXT: &str = "#1a1a1a";

/// The colours of one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Swatch {
    /// A CSS colour the page can use as it is (never anything that breaks out of an attribute).
    pub fill: String,
    /// The label colour on `fill` (white or dark, whichever contrasts more).
    pub text: &'static str,
    /// The same colour as `#rgb`/`#rrggbb` for print: CSS names and `rgb()` take the fallback.
    pub print_fill: String,
    /// The label colour on `print_fill`.
    pub print_text: &'static str,
}

/// The colour of answer `i` from the theme's `colors`, cycled.
pub fn swatch(colors: &[String], i: usize) -> Swatch {
    let fallback = FALLBACK_COLORS[i % FALLBACK_COLORS.len()];
    let fill = match colors.get(i % colors.len().max(1)) {
        Some(c) if safe(c.trim()) => c.trim(),
        _ => fallback,
    };
    let print_fill = if is_print_hex(fill) { fill } else { fallback };
    Swatch {
        fill: fill.to_owned(),
        text: text_color(fill),
        print_fill: print_fill.to_owned(),
        print_text: text_color(print_fill),
    }
}

fn safe(c: &str) -> bool {
    !c.is_empty()
        && c.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "#(),.% -".contains(ch))
}

/// `#rgb` or `#rrggbb`: what a PDF colour is made from.
fn is_print_hex(c: &str) -> bool {
    c.strip_prefix('#')
        .is_some_and(|h| matches!(h.len(), 3 | 6) && h.chars().all(|c| c.is_ascii_hexdigit()))
}

/// One answer: its label, count, percentage, figure and colours.
#[derive(Clone, Debug)]
pub struct AnswerView {
    pub label: String,
    pub count: u64,
    pub percent: u32,
    /// `12名（48%）`
    pub figure: String,
    pub swatch: Swatch,
}

/// A survey as both renderers show it.
#[derive(Clone, Debug)]
pub struct SurveyView {
    pub question: String,
    /// `（区職員）`, or nothing.
    pub group: Option<String>,
    /// `回答数 25名`
    pub total: String,
    pub unit: String,
    /// The table's count column: 人数 when people are counted, else 数.
    pub count_heading: &'static str,
    pub answers: Vec<AnswerView>,
    /// Everything in one sentence, for the SVG's accessible name.
    pub summary: String,
    /// The PDF figure's alternative text:
    /// 「今後の業務に活用できるか（区職員、回答25名）：活かせる12名（48%）…」.
    pub alt: String,
}

impl SurveyView {
    pub fn new(s: &Survey, colors: &[String]) -> SurveyView {
        let unit = s.unit.as_str();
        let group = s.group.as_deref().map(|g| format!("（{g}）"));
        let total = format!("回答数 {}{unit}", s.total);
        let answers: Vec<AnswerView> = s
            .answers
            .iter()
            .enumerate()
            .map(|(i, a)| AnswerView {
                label: a.label.clone(),
                count: a.count,
                percent: a.percent,
                figure: a.figure(unit),
                swatch: swatch(colors, i),
            })
            .collect();
        let summary = format!(
            "{}{} {total}：{}",
            s.question,
            group.as_deref().unwrap_or(""),
            answers
                .iter()
                .map(|a| format!("{} {}", a.label, a.figure))
                .collect::<Vec<_>>()
                .join("、")
        );
        SurveyView {
            question: s.question.clone(),
            group,
            total,
            unit: s.unit.clone(),
            count_heading: if matches!(unit, "名" | "人") {
                "人数"
            } else {
                "数"
            },
            summary,
            alt: alt_text(s),
            answers,
        }
    }
}

fn alt_text(s: &Survey) -> String {
    let unit = s.unit.as_str();
    let who = match s.group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) => format!("{g}、回答{}{unit}", s.total),
        None => format!("回答{}{unit}", s.total),
    };
    let answers: Vec<String> = s
        .answers
        .iter()
        .map(|a| format!("{}{}", a.label.trim(), a.figure(unit)))
        .collect();
    format!("{}（{who}）：{}", s.question.trim(), answers.join("、"))
}

/// White or dark text, whichever contrasts more with `fill` (WCAG relative luminance).
/// Colours that are not hex are assumed light.
pub fn text_color(fill: &str) -> &'static str {
    let Some(l) = luminance(fill) else {
        return DARK_TEXT;
    };
    // Contrast with white (1.05 / (l + 0.05)) against contrast with #1a1a1a (≈ 0.0103 luminance).
    let with_white = 1.05 / (l + 0.05);
    let with_dark = (l + 0.05) / (0.0103 + 0.05);
    if with_white >= with_dark {
        LIGHT_TEXT
    } else {
        DARK_TEXT
    }
}

fn luminance(color: &str) -> Option<f64> {
    let hex = color.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    let (r, g, b) = match hex.len() {
        3 | 4 => {
            let d = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
            (d(0)?, d(1)?, d(2)?)
        }
        6 | 8 => (
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        ),
        _ => return None,
    };
    let linear = |v: u8| {
        let c = f64::from(v) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b))
}
