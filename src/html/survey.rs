//! A survey as HTML: a 100% stacked bar (inline SVG, no JavaScript), a legend, and a table that
//! carries the figures for screen readers (visually hidden by the theme's `visually-hidden`).

use std::fmt::Write;

use super::escape;
use crate::survey::Survey;
use crate::view::survey::SurveyView;

/// The bar's coordinate system: 100 units wide, so a segment's width is its percentage.
const WIDTH: u32 = 100;
const HEIGHT: f64 = 8.0;
const FONT_SIZE: f64 = 2.4;
/// Space kept free on both sides of a label inside its segment.
const PADDING: f64 = 0.8;

/// Renders `survey` as a `<figure class="survey">`; `colors` are the theme's `survey_colors`,
/// one per answer position, cycled (`view::survey` picks each answer's colour).
pub fn render(survey: &Survey, colors: &[String]) -> String {
    let v = SurveyView::new(survey, colors);
    let id = format!("survey-{:016x}", fingerprint(survey));
    let mut out = String::from("<figure class=\"survey\">\n");
    caption(&mut out, &v);
    bar(&mut out, &v, &id);
    legend(&mut out, &v);
    table(&mut out, &v);
    out.push_str("</figure>\n");
    out
}

/// question（group） 回答数 N名
fn caption(out: &mut String, v: &SurveyView) {
    let _ = write!(
        out,
        "<figcaption><span class=\"survey-question\">{}</span>",
        escape(&v.question)
    );
    if let Some(group) = &v.group {
        let _ = write!(
            out,
            " <span class=\"survey-group\">{}</span>",
            escape(group)
        );
    }
    let _ = writeln!(
        out,
        " <span class=\"survey-total\">{}</span></figcaption>",
        escape(&v.total)
    );
}

/// The 100% stacked bar, with the figure inside each segment wide enough for it.
fn bar(out: &mut String, v: &SurveyView, id: &str) {
    let _ = writeln!(
        out,
        "<svg class=\"survey-bar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title\" aria-label=\"{}\">",
        escape(&v.summary)
    );
    let _ = writeln!(
        out,
        "<title id=\"{id}-title\">{}</title>",
        escape(&v.summary)
    );
    let mut x: u32 = 0;
    for answer in &v.answers {
        // A rect per visible segment; clamped so a hand-built Survey cannot overflow the bar.
        let width = answer.percent.min(WIDTH - x);
        if width == 0 {
            continue;
        }
        let fill = &answer.swatch.fill;
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"0\" width=\"{width}\" height=\"{HEIGHT}\" fill=\"{}\"><title>{} {}</title></rect>",
            escape(fill),
            escape(&answer.label),
            escape(&answer.figure)
        );
        if text_width(&answer.figure) + 2.0 * PADDING <= f64::from(width) {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{:.2}\" font-size=\"{FONT_SIZE}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                f64::from(x) + f64::from(width) / 2.0,
                HEIGHT / 2.0 + FONT_SIZE * 0.35,
                answer.swatch.text,
                escape(&answer.figure)
            );
        }
        x += width;
    }
    out.push_str("</svg>\n");
}

/// Swatches with label and figure; the table below says the same to assistive technology.
fn legend(out: &mut String, v: &SurveyView) {
    out.push_str("<ul class=\"survey-legend\" aria-hidden=\"true\">\n");
    for answer in &v.answers {
        let _ = writeln!(
            out,
            "<li><span class=\"survey-swatch\" style=\"background:{}\"></span>{} {}</li>",
            escape(&answer.swatch.fill),
            escape(&answer.label),
            escape(&answer.figure)
        );
    }
    out.push_str("</ul>\n");
}

/// The figures as a visually hidden table for screen readers.
fn table(out: &mut String, v: &SurveyView) {
    let _ = writeln!(
        out,
        "<table class=\"survey-table visually-hidden\">\n<caption>{}{} {}</caption>",
        escape(&v.question),
        escape(v.group.as_deref().unwrap_or("")),
        escape(&v.total)
    );
    let _ = writeln!(
        out,
        "<thead><tr><th scope=\"col\">回答</th><th scope=\"col\">{}</th><th scope=\"col\">割合</th></tr></thead>\n<tbody>",
        v.count_heading
    );
    for answer in &v.answers {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}{}</td><td>{}%</td></tr>",
            escape(&answer.label),
            answer.count,
            escape(&v.unit),
            answer.percent
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Estimated label width in viewBox units: full-width characters are 1em, others about 0.6em.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * FONT_SIZE
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
    use crate::view::survey::{DARK_TEXT, FALLBACK_COLORS, LIGHT_TEXT, text_color};
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
