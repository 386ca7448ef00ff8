//! The PDF layout follows the Japanese rules of `src/japanese/` everywhere: a table column's
//! width comes from the same break opportunities as paragraph breaking (full-width numbers
//! with separators, URLs, no-break runs stay whole), and the layout steers the line breaker
//! with glue flags on its cells (a no-wrap run keeps even its Latin part on the line, a raised
//! footnote number never starts a line).
//!
//! Everything is read back from the typeset PDF of a fixture built by the real binary:
//! `pdftotext` for the text of lines, MuPDF (`common::pdf_chars`) for glyph positions.

mod common;

use common::*;

/// Lines of `pdftotext` output, the spaces inside each line removed (a 和欧間 may read as one).
fn text_lines(pdf: &std::path::Path) -> Vec<String> {
    pdftotext(pdf).lines().map(|l| l.replace(' ', "")).collect()
}

fn build(f: &Fixture) {
    let o = f.run(TODAY, &["-q"]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
}

fn only_pdf(f: &Fixture) -> std::path::PathBuf {
    let pdfs = own_pdf_files(&f.out());
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    pdfs[0].clone()
}

/// A table too wide for the page: its columns get their min-content width plus a share of the
/// rest. The amount column's min-content is the whole number (a full-width number with
/// separators has no break inside), so the number is set on one line. The old measurement
/// allowed a break after every full-width comma and gave the column about two characters.
#[test]
fn table_column_is_as_wide_as_the_widest_unbreakable_piece() {
    let long = |i: usize| SEED_BULLETS[i % SEED_BULLETS.len()].repeat(2);
    let mut table =
        String::from("| 事業 | 内容 | 評価 | 課題 | 予定 | 金額 |\n|---|---|---|---|---|---|\n");
    for r in 0..3 {
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | １，２３４，５６７，８９０円 |\n",
            long(r),
            long(r + 5),
            long(r + 10),
            long(r + 15),
            long(r + 20)
        ));
    }
    let f = Fixture::new(&[(
        "content/newsletters/2021-09-vol02.md",
        &newsletter(2, "2021-09-30", "予算の表", &table),
    )]);
    build(&f);
    let lines = text_lines(&only_pdf(&f));
    let whole = lines
        .iter()
        .filter(|l| l.contains("１，２３４，５６７，８９０"))
        .count();
    assert_eq!(
        whole,
        3,
        "the amount is split across lines in {} of 3 rows:\n{}",
        3 - whole,
        lines.join("\n")
    );
}

/// The same for a URL beside Japanese text in a cell and a no-break space between two words:
/// each is one piece the column must hold.
#[test]
fn urls_and_no_break_spaces_in_cells_are_whole() {
    let long = |i: usize| SEED_BULLETS[i % SEED_BULLETS.len()].repeat(3);
    let mut table = String::from("| 事業 | 内容 | 評価 | 課題 | 連絡先 |\n|---|---|---|---|---|\n");
    table.push_str(&format!(
        "| {} | {} | {} | {} | 詳細はhttps://www.city.example.lg.jp/kenshu/2021を参照 |\n",
        long(1),
        long(2),
        long(3),
        long(4)
    ));
    table.push_str(&format!(
        "| {} | {} | {} | {} | 北区\u{a0}在宅医療介護連携支援室 |\n",
        long(6),
        long(7),
        long(8),
        long(9)
    ));
    let f = Fixture::new(&[(
        "content/newsletters/2021-09-vol02.md",
        &newsletter(2, "2021-09-30", "連絡先の表", &table),
    )]);
    build(&f);
    let lines = text_lines(&only_pdf(&f));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("https://www.city.example.lg.jp/kenshu/2021")),
        "{}",
        lines.join("\n")
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("北区\u{a0}在") || l.contains("北区在")),
        "{}",
        lines.join("\n")
    );
}

/// The recipients of an issue are no-wrap runs (as in the HTML): a recipient whose name has
/// a Latin part is moved whole to the next line. The old layout replaced the Japanese
/// characters of the run by a prolonged-sound mark to forbid breaks before them, which left
/// a break before the Latin letters open.
#[test]
fn a_no_wrap_run_keeps_its_latin_part() {
    let recipient = "在宅医療介護連携支援室ICT推進担当";
    let site = format!(
        "title: テスト用 連絡会サイト\nnewsletter:\n  name: コーディネーター連絡会通信\n  recipients: [受託法人, {recipient}, 相談支援室]\n"
    );
    let mut files: Vec<(String, String)> = vec![("site.yaml".into(), site)];
    // The author's name grows by one character per issue, so that the line end falls on
    // every character of the recipient in one issue or another.
    for k in 1..=24 {
        let author = format!("担当{}", "あ".repeat(k));
        files.push((
            format!("content/newsletters/2020-{:02}-vol{k:02}.md", k % 12 + 1),
            format!(
                "---\ntitle: 第{k}号\ndate: 2020-{:02}-01\nnumber: {k}\nauthor: {author}\n---\n\n本文です。\n",
                k % 12 + 1
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    build(&f);
    let pdfs = own_pdf_files(&f.out());
    assert_eq!(pdfs.len(), 24);
    let mut wrapped = 0;
    for pdf in &pdfs {
        let lines = text_lines(pdf);
        let whole = lines.iter().position(|l| l.contains(recipient));
        assert!(
            whole.is_some(),
            "{recipient} split in {}:\n{}",
            pdf.display(),
            lines[..lines.len().min(12)].join("\n")
        );
        // The run is at the start of its line in some issues: it did move.
        if lines[whole.unwrap_or(0)].starts_with(recipient) {
            wrapped += 1;
        }
    }
    assert!(wrapped > 0, "the line end never fell inside the recipient");
}

/// A raised footnote number is attached to the text before it: across paragraphs whose line
/// ends fall at every position, it never starts a line and the line it ends keeps its place.
#[test]
fn a_footnote_number_never_starts_a_line() {
    let mut body = String::new();
    for k in 0..30 {
        body.push_str(&"あ".repeat(k));
        body.push_str("在宅医療と介護の連携を進める相談支援室の取組み");
        body.push_str("[^n]");
        body.push_str("を紹介します。\n\n");
    }
    body.push_str("[^n]: 相談支援室は各区に一か所あります。\n");
    let f = Fixture::new(&[(
        "content/newsletters/2021-09-vol02.md",
        &newsletter(2, "2021-09-30", "注のある号", &body),
    )]);
    build(&f);
    let chars = pdf_chars(&only_pdf(&f));
    let body_size = chars
        .iter()
        .filter(|c| c.c == '在')
        .map(|c| c.size)
        .fold(0.0, f32::max);
    let refs: Vec<&PdfChar> = chars
        .iter()
        .filter(|c| c.c == '1' && c.size < body_size * 0.8 && c.size > 0.0)
        .collect();
    assert!(refs.len() >= 30, "{} footnote references found", refs.len());
    let mut at_line_end = 0;
    for r in &refs {
        // The body line the number is raised above: same page, baseline a little below.
        let line: Vec<&PdfChar> = chars
            .iter()
            .filter(|c| {
                c.page == r.page
                    && (c.size - body_size).abs() < 0.1
                    && c.baseline > r.baseline
                    && c.baseline - r.baseline < body_size * 0.6
                    && !c.c.is_whitespace()
            })
            .collect();
        assert!(
            !line.is_empty(),
            "no body line under the reference at {r:?}"
        );
        assert!(
            line.iter().any(|c| c.x < r.x),
            "a footnote number starts a line on page {} at y {}",
            r.page,
            r.baseline
        );
        if line.iter().all(|c| c.x < r.x) {
            at_line_end += 1;
        }
    }
    assert!(at_line_end > 0, "no reference fell at a line end");
}
