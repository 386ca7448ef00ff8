//! Line breaking in the PDF, measured on the typeset file: long Japanese paragraphs (seed text
//! of the programme's handout with 、。「」『』（）・ー, small kana, digits and Latin words) obey
//! kinsoku (no line starts with a 行頭禁則 character nor ends with a 行末禁則 one) and are
//! justified: every line but the last of a paragraph ends flush with the right edge of the
//! column, and the last line keeps its natural spacing.
//!
//! Glyph positions come from MuPDF (`mutool draw -F stext`, see `common::pdf_chars` for why not
//! poppler): one box per glyph, its right edge at origin + advance.

mod common;

use common::*;
use tsushin::japanese::kinsoku::{cannot_end_line, cannot_start_line, is_japanese};

const ISSUE: &str = "content/newsletters/2021-09-vol02.md";
const ISSUE_PDF: &str = "newsletters/コーディネーター連絡会通信_第2号.pdf";

/// Body text size of the default theme (pdf.yaml `text.size`).
const BODY_SIZE: f32 = 10.5;
/// The text column of the default theme: A4 (595.28 pt) with 20 mm margins left and right.
const COLUMN_LEFT: f32 = 20.0 * 72.0 / 25.4;
const COLUMN_RIGHT: f32 = 595.28 - 20.0 * 72.0 / 25.4;

/// Short asides with digits and Latin words, put between the seed sentences.
const ASIDES: &[&str] = &[
    "令和３年度は全12回",
    "ACPとICTの活用",
    "7月26日（月）開催",
    "Zoomで参加した28名",
    "2022年2月予定",
    "PDFとExcelで配布",
    "回答率は96%",
    "第2回・第3回の合同開催",
];

/// Openers of varying length, so that the punctuation of the seed text falls on every column
/// position in one paragraph or another.
const OPENERS: &str = "令和三年度の連絡会では、これまでに寄せられた";

/// Paragraph `p` (≥ 400 characters).
fn paragraph(p: usize) -> String {
    let n = SEED_BULLETS.len();
    let mut s: String = OPENERS.chars().take(p * 3 % 23).collect();
    let mut k = p * 5;
    while s.chars().count() < 420 {
        let b = SEED_BULLETS[k % n];
        let aside = ASIDES[(k / 3 + p) % ASIDES.len()];
        match k % 5 {
            0 => s.push_str(&format!("「{b}」という意見がありました。")),
            1 => s.push_str(&format!("{b}（{aside}）。")),
            2 => s.push_str(&format!("{b}、")),
            3 => s.push_str(&format!("{aside}では『{b}』との声も。")),
            _ => s.push_str(&format!("{b}。")),
        }
        k += 3;
    }
    s.push_str("以上です。");
    s
}

const PARAGRAPHS: usize = 10;

/// One line of body text as read back: its glyphs (white space left out) left to right.
struct Line {
    page: usize,
    chars: Vec<PdfChar>,
    text: String,
}

#[test]
fn long_paragraphs_obey_kinsoku_and_are_justified() {
    let paras: Vec<String> = (0..PARAGRAPHS).map(paragraph).collect();
    for p in &paras {
        assert!(p.chars().count() >= 400);
    }
    let body = paras.join("\n\n");
    let f = Fixture::new(&[(
        ISSUE,
        &newsletter(2, "2021-09-30", "コーディネーター連絡会通信 第２号", &body),
    )]);
    f.build_ok();
    let pdf = f.out().join(ISSUE_PDF);

    // Body glyphs only (the masthead, header and footer use other sizes), in lines.
    let chars: Vec<PdfChar> = pdf_chars(&pdf)
        .into_iter()
        .filter(|c| (c.size - BODY_SIZE).abs() < 0.01 && !c.c.is_whitespace())
        .collect();
    let lines: Vec<Line> = pdf_lines(&chars)
        .into_iter()
        .map(|chars| Line {
            page: chars[0].page,
            text: chars.iter().map(|c| c.c).collect(),
            chars,
        })
        .collect();

    // Split the lines into the paragraphs: their texts, in order, must spell each paragraph.
    let mut para_lines: Vec<Vec<&Line>> = Vec::new();
    let mut it = lines.iter();
    for (i, p) in paras.iter().enumerate() {
        let want: String = p.chars().filter(|c| !c.is_whitespace()).collect();
        let mut got = String::new();
        let mut mine = Vec::new();
        while got.len() < want.len() {
            let line = it
                .next()
                .unwrap_or_else(|| panic!("paragraph {i}: the PDF ends after {got:?}"));
            got.push_str(&line.text);
            assert!(
                want.starts_with(&got),
                "paragraph {i}: line {:?} does not continue the text\n  read: {got}\n  want: {want}",
                line.text
            );
            mine.push(line);
        }
        para_lines.push(mine);
    }
    assert!(it.next().is_none(), "body text after the last paragraph");

    let total: usize = para_lines.iter().map(Vec::len).sum();
    assert!(
        total >= PARAGRAPHS * 9,
        "only {total} lines for {PARAGRAPHS} long paragraphs"
    );
    let pages: std::collections::BTreeSet<usize> = lines.iter().map(|l| l.page).collect();
    assert!(
        pages.len() >= 2,
        "the paragraphs should run over a page break"
    );

    // The right edge of the column, as the PDF shows it: the rightmost glyph edge of all lines.
    let max_right = lines
        .iter()
        .map(|l| l.chars.last().unwrap().right)
        .fold(f32::NEG_INFINITY, f32::max);
    assert!(
        (max_right - COLUMN_RIGHT).abs() < 0.5,
        "rightmost glyph edge {max_right}, column edge {COLUMN_RIGHT}"
    );

    let mut problems = Vec::new();
    let mut punctuation_at_end = 0;
    let mut stretched = 0;
    for (i, lines) in para_lines.iter().enumerate() {
        for (j, line) in lines.iter().enumerate() {
            let last_line = j + 1 == lines.len();
            let first = line.chars.first().unwrap();
            let end = line.chars.last().unwrap();
            let at = format!(
                "paragraph {i} line {} (page {}): {}",
                j + 1,
                line.page + 1,
                line.text
            );
            if cannot_start_line(first.c) {
                problems.push(format!("starts with {}: {at}", first.c));
            }
            if cannot_end_line(end.c) {
                problems.push(format!("ends with {}: {at}", end.c));
            }
            if cannot_start_line(end.c) {
                punctuation_at_end += 1;
            }
            if (first.left - COLUMN_LEFT).abs() > 0.5 {
                problems.push(format!(
                    "starts at x = {} instead of {COLUMN_LEFT}: {at}",
                    first.left
                ));
            }
            if !last_line {
                if line.chars.windows(2).any(|w| {
                    is_japanese(w[0].c) && is_japanese(w[1].c) && w[1].left - w[0].right > 0.05
                }) {
                    stretched += 1;
                }
                if (end.right - COLUMN_RIGHT).abs() > 0.5 {
                    problems.push(format!(
                        "not flush right: ends at {} ({:+.2} pt from the column edge): {at}",
                        end.right,
                        end.right - COLUMN_RIGHT
                    ));
                }
            } else {
                // Not stretched: Japanese glyphs touch (advance to advance) and the 和欧間 is
                // at most a quarter em.
                for w in line.chars.windows(2) {
                    let gap = w[1].left - w[0].right;
                    let japanese = (is_japanese(w[0].c), is_japanese(w[1].c));
                    let limit = match japanese {
                        (true, true) => 0.05,
                        (true, false) | (false, true) => 0.25 * BODY_SIZE + 0.05,
                        (false, false) => 0.05,
                    };
                    if gap > limit {
                        problems.push(format!(
                            "last line stretched: {:.2} pt between {} and {}: {at}",
                            gap, w[0].c, w[1].c
                        ));
                    }
                }
                if end.right > COLUMN_RIGHT + 0.5 {
                    problems.push(format!("last line overflows to {}: {at}", end.right));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) in {total} lines:\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!(
        "{total} lines in {PARAGRAPHS} paragraphs on {} pages; {punctuation_at_end} end in \
         行頭禁則 punctuation; {stretched} of {} non-last lines are stretched",
        pages.len(),
        total - PARAGRAPHS
    );
    // The text exercises the rules: many lines end in punctuation that could not start the next,
    // and justification visibly stretches lines (so an unstretched last line means something).
    assert!(
        stretched * 4 >= total - PARAGRAPHS,
        "only {stretched} justified lines are stretched between Japanese characters"
    );
    assert!(
        punctuation_at_end >= 5,
        "only {punctuation_at_end} lines end in 、。」） etc.; the fixture does not exercise kinsoku"
    );
}

/// The same rules on every line of 10.5 pt text of every PDF of the example site (paragraphs,
/// list items, quotes, table cells): no line starts with a 行頭禁則 character or ends with a
/// 行末禁則 one. A "line" here is a stretch of glyphs on one baseline without a gap wider than
/// one em (table cells and list markers are separate stretches). A line that starts (ends) the
/// way a line of the Markdown source does is where the author began (ended) the paragraph —
/// `～認知症がある方と家族の意思決定～` — and is not a break the typesetter chose.
#[test]
fn example_pdfs_obey_kinsoku_on_every_line() {
    let mut source_lines: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(repo_root().join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for line in text.lines() {
                let mut l = line.trim();
                for marker in ["- ", "* ", "> ", "| ", "**"] {
                    l = l.strip_prefix(marker).unwrap_or(l).trim_start();
                }
                l = l.trim_start_matches(|c: char| c.is_ascii_digit());
                l = l.strip_prefix(". ").unwrap_or(l);
                let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
                if !l.is_empty() {
                    source_lines.push(l);
                }
            }
        }
    }
    let author_start = |text: &str| -> bool {
        let head: String = text.chars().take(6).collect();
        source_lines.iter().any(|l| l.starts_with(&head))
    };
    let author_end = |text: &str| -> bool {
        let n = text.chars().count();
        let tail: String = text.chars().skip(n.saturating_sub(6)).collect();
        source_lines.iter().any(|l| l.ends_with(&tail))
    };
    let mut exempt = 0;
    let mut problems = Vec::new();
    let mut checked = 0;
    for pdf in pdf_files(example_output()) {
        let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
        let chars: Vec<PdfChar> = pdf_chars(&pdf)
            .into_iter()
            .filter(|c| (c.size - BODY_SIZE).abs() < 0.01 && !c.c.is_whitespace())
            .collect();
        for line in pdf_lines(&chars) {
            let mut stretches: Vec<Vec<&PdfChar>> = vec![Vec::new()];
            for c in &line {
                if let Some(prev) = stretches.last().unwrap().last()
                    && c.left - prev.right > BODY_SIZE
                {
                    stretches.push(Vec::new());
                }
                stretches.last_mut().unwrap().push(c);
            }
            for s in stretches.iter().filter(|s| s.len() >= 2) {
                checked += 1;
                let text: String = s.iter().map(|c| c.c).collect();
                let (first, last) = (s[0].c, s[s.len() - 1].c);
                if cannot_start_line(first) {
                    if author_start(&text) {
                        exempt += 1;
                    } else {
                        problems.push(format!(
                            "{name} p.{}: starts with {first}: {text}",
                            s[0].page + 1
                        ));
                    }
                }
                if cannot_end_line(last) {
                    if author_end(&text) {
                        exempt += 1;
                    } else {
                        problems.push(format!(
                            "{name} p.{}: ends with {last}: {text}",
                            s[0].page + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} lines checked");
    assert!(
        exempt <= 5,
        "{exempt} lines exempted as the author's own line starts/ends"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
