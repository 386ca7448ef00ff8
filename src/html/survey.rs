//! A survey as HTML: a 100% stacked bar (inline SVG, no JavaScript), a legend, and a table that
//! carries the figures for screen readers (visually hidden by the theme's `visually-hidden`).

use std::fmt::Write;

use super::escape;
use crate::survey::Survey;

/// The bar's coordinate system: 100 units wide, so a segment's width is its percentage.
const WIDTH: u32 = 100;
const HEIGHT: f64 = 8.0;
const FONT_SIZE: f64 = 2.4;
/// Space kept free on both sides of a label inside its segment.
const PADDING: f64 = 0.8;

/// Used when the theme gives no colours (or an unusable one): dark to light, print-friendly.
const FALLBACK_COLORS: [&str; 6] = [
    "#1f4e79", "#2e75b6", "#9dc3e6", "#f4b183", "#c55a11", "#a5a5a5",
];
const LIGHT_TEXT: &str = "#ffffff";
const DARK_TEXT: &str = "#1a1a1a";

/// Renders `survey` as a `<figure class="survey">`; `colors` are the theme's `survey_colors`,
/// one per answer position, cycled.
pub fn render(survey: &Survey, colors: &[String]) -> String {
    let unit = survey.unit.as_str();
    let id = format!("survey-{:016x}", fingerprint(survey));
    let figure = |a: &crate::survey::Answer| a.figure(unit);
    let group = survey
        .group
        .as_deref()
        .map(|g| format!("（{g}）"))
        .unwrap_or_default();
    let total = format!("回答数 {}{unit}", survey.total);
    let summary = format!(
        "{}{group} {total}：{}",
        survey.question,
        survey
            .answers
            .iter()
            .map(|a| format!("{} {}", a.label, figure(a)))
            .collect::<Vec<_>>()
            .join("、")
    );
    let fills: Vec<&str> = (0..survey.answers.len())
        .map(|i| color(colors, i))
        .collect();

    let mut out = String::from("<figure class=\"survey\">\n");
    let _ = write!(
        out,
        "<figcaption><span class=\"survey-question\">{}</span>",
        escape(&survey.question)
    );
    if !group.is_empty() {
        let _ = write!(
            out,
            " <span class=\"survey-group\">{}</span>",
            escape(&group)
        );
    }
    let _ = writeln!(
        out,
        " <span class=\"survey-total\">{}</span></figcaption>",
        escape(&total)
    );

    let _ = writeln!(
        out,
        "<svg class=\"survey-bar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title\" aria-label=\"{}\">",
        escape(&summary)
    );
    let _ = writeln!(out, "<title id=\"{id}-title\">{}</title>", escape(&summary));
    let mut x: u32 = 0;
    for (answer, fill) in survey.answers.iter().zip(&fills) {
        // A rect per visible segment; clamped so a hand-built Survey cannot overflow the bar.
        let width = answer.percent.min(WIDTH - x);
        if width == 0 {
            continue;
        }
        let label = figure(answer);
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"0\" width=\"{width}\" height=\"{HEIGHT}\" fill=\"{}\"><title>{} {}</title></rect>",
            escape(fill),
            escape(&answer.label),
            escape(&label)
        );
        if text_width(&label) + 2.0 * PADDING <= f64::from(width) {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{:.2}\" font-size=\"{FONT_SIZE}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                f64::from(x) + f64::from(width) / 2.0,
                HEIGHT / 2.0 + FONT_SIZE * 0.35,
                text_color(fill),
                escape(&label)
            );
        }
        x += width;
    }
    out.push_str("</svg>\n");

    // The table below says the same to assistive technology.
    out.push_str("<ul class=\"survey-legend\" aria-hidden=\"true\">\n");
    for (answer, fill) in survey.answers.iter().zip(&fills) {
        let _ = writeln!(
            out,
            "<li><span class=\"survey-swatch\" style=\"background:{}\"></span>{} {}</li>",
            escape(fill),
            escape(&answer.label),
            escape(&figure(answer))
        );
    }
    out.push_str("</ul>\n");

    let count_heading = if matches!(unit, "名" | "人") {
        "人数"
    } else {
        "数"
    };
    let _ = writeln!(
        out,
        "<table class=\"survey-table visually-hidden\">\n<caption>{}{} {}</caption>",
        escape(&survey.question),
        escape(&group),
        escape(&total)
    );
    let _ = writeln!(
        out,
        "<thead><tr><th scope=\"col\">回答</th><th scope=\"col\">{count_heading}</th><th scope=\"col\">割合</th></tr></thead>\n<tbody>"
    );
    for answer in &survey.answers {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}{}</td><td>{}%</td></tr>",
            escape(&answer.label),
            answer.count,
            escape(unit),
            answer.percent
        );
    }
    out.push_str("</tbody>\n</table>\n</figure>\n");
    out
}

/// The colour for answer `i`; anything that could break out of a style attribute is replaced.
fn color(colors: &[String], i: usize) -> &str {
    let safe = |c: &str| {
        !c.is_empty()
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "#(),.% -".contains(ch))
    };
    match colors.get(i % colors.len().max(1)) {
        Some(c) if safe(c.trim()) => c.trim(),
        _ => FALLBACK_COLORS[i % FALLBACK_COLORS.len()],
    }
}

/// Estimated label width in viewBox units: full-width characters are 1em, others about 0.6em.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * FONT_SIZE
}

/// White or dark text, whichever contrasts more with `fill` (WCAG relative luminance).
/// Colours that are not hex are assumed light.
fn text_color(fill: &str) -> &'static str {
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

/// A stable id for the SVG title (FNV-1a): the same survey gets the same id on every build.
fn fingerprint(survey: &Survey) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes.iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(survey.question.as_bytes());
    feed(survey.group.as_deref().unwrap_or("").as_bytes());
    feed(survey.unit.as_bytes());
    for a in &survey.answers {
        feed(a.label.as_bytes());
        feed(&a.count.to_le_bytes());
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{Answer, parse};
    use std::path::Path;

    fn seed() -> Survey {
        parse(
            "question: 今後の業務に活用できるか\ngroup: 区職員\nanswers:\n  活かせる: 12\n  やや活かせる: 12\n  あまり活かせない: 0\n  活かせない: 0\n  未回答: 1\n",
            Path::new("a.md"),
            1,
        )
        .unwrap()
    }

    fn attr_values<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<&'a str> {
        html.split(&format!("<{tag} "))
            .skip(1)
            .filter_map(|s| {
                let s = &s[s.find(&format!("{attr}=\""))? + attr.len() + 2..];
                Some(&s[..s.find('"')?])
            })
            .collect()
    }

    #[test]
    fn renders_caption_legend_table_and_bar() {
        let colors: Vec<String> = ["#1f4e79", "#9dc3e6"].map(String::from).to_vec();
        let html = render(&seed(), &colors);
        assert!(html.starts_with("<figure class=\"survey\">"));
        assert!(html.contains("<span class=\"survey-question\">今後の業務に活用できるか</span> <span class=\"survey-group\">（区職員）</span> <span class=\"survey-total\">回答数 25名</span></figcaption>"));
        for li in [
            "活かせる 12名（48%）",
            "やや活かせる 12名（48%）",
            "あまり活かせない 0名（0%）",
            "活かせない 0名（0%）",
            "未回答 1名（4%）",
        ] {
            assert!(html.contains(&format!("</span>{li}</li>")), "{li}");
        }
        assert_eq!(html.matches("<li>").count(), 5);
        assert!(html.contains("<table class=\"survey-table visually-hidden\">"));
        assert!(html.contains(
            "<th scope=\"col\">回答</th><th scope=\"col\">人数</th><th scope=\"col\">割合</th>"
        ));
        assert!(html.contains("<tr><th scope=\"row\">活かせる</th><td>12名</td><td>48%</td></tr>"));
        assert!(html.contains("<tr><th scope=\"row\">活かせない</th><td>0名</td><td>0%</td></tr>"));
        assert_eq!(html.matches("<tr>").count(), 6);

        // Three non-zero answers, widths 48 + 48 + 4 filling the 100-unit viewBox.
        assert_eq!(html.matches("<rect ").count(), 3);
        let widths: Vec<u32> = attr_values(&html, "rect", "width")
            .iter()
            .map(|w| w.parse().unwrap())
            .collect();
        assert_eq!(widths, [48, 48, 4]);
        assert_eq!(widths.iter().sum::<u32>(), WIDTH);
        assert_eq!(attr_values(&html, "rect", "x"), ["0", "48", "96"]);
        assert!(html.contains("viewBox=\"0 0 100 8\""));
        // Colours cycle by answer position: the 5th answer (未回答) gets colours[0].
        assert_eq!(
            attr_values(&html, "rect", "fill"),
            ["#1f4e79", "#9dc3e6", "#1f4e79"]
        );
        assert!(html.contains("style=\"background:#9dc3e6\"></span>やや活かせる"));
        assert!(html.contains("style=\"background:#1f4e79\"></span>あまり活かせない"));

        // Labels inside the wide segments only, light on dark and dark on light.
        assert_eq!(html.matches("<text ").count(), 2);
        assert!(html.contains("fill=\"#ffffff\">12名（48%）</text>"));
        assert!(html.contains("fill=\"#1a1a1a\">12名（48%）</text>"));

        assert!(html.contains("role=\"img\""));
        assert!(html.contains("aria-label=\"今後の業務に活用できるか（区職員） 回答数 25名：活かせる 12名（48%）、やや活かせる 12名（48%）、あまり活かせない 0名（0%）、活かせない 0名（0%）、未回答 1名（4%）\""));
        let id = attr_values(&html, "svg", "aria-labelledby")[0];
        assert!(html.contains(&format!("<title id=\"{id}\">今後の業務に活用できるか")));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn escapes_text_and_rejects_unsafe_colours() {
        let s = Survey {
            question: "<b>&\"'".into(),
            group: None,
            unit: "件".into(),
            answers: vec![Answer {
                label: "<script>".into(),
                count: 3,
                percent: 100,
            }],
            total: 3,
        };
        let html = render(&s, &["red;position:fixed\"><script>".to_owned()]);
        assert!(
            !html.contains("<b>") && !html.contains("<script>"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;&amp;&quot;&#39;"));
        assert!(html.contains("fill=\"#1f4e79\""));
        assert!(!html.contains("survey-group"));
        assert!(html.contains("<th scope=\"col\">数</th>"));
        assert!(html.contains("<td>3件</td>"));
        assert_eq!(html.matches("<rect ").count(), 1);
    }

    #[test]
    fn no_colours_falls_back_and_ids_are_stable() {
        let a = render(&seed(), &[]);
        assert_eq!(a, render(&seed(), &[]));
        assert!(a.contains(&format!("fill=\"{}\"", FALLBACK_COLORS[0])));
    }

    #[test]
    fn contrast_picks_readable_text() {
        assert_eq!(text_color("#000"), LIGHT_TEXT);
        assert_eq!(text_color("#1f4e79"), LIGHT_TEXT);
        assert_eq!(text_color("#ffff00"), DARK_TEXT);
        assert_eq!(text_color("#9dc3e6"), DARK_TEXT);
        assert_eq!(text_color("teal"), DARK_TEXT);
    }
}
