//! Small things a careless or hostile author can run into, each driven through the real binary:
//! control characters in diagnostics, the place of a bad byte in a Shift_JIS file, UTF-32
//! files, mistakes in pdf.yaml's header and footer templates, a survey count of `-0`, and
//! dates before 明治.

mod common;

use common::*;

/// The one error whose message contains every part of `message`: (file, line, column, message).
#[track_caller]
fn error_with(diags: &[serde_json::Value], message: &[&str]) -> (String, u64, u64, String) {
    let found: Vec<&serde_json::Value> = diags
        .iter()
        .filter(|d| d["severity"] == "error")
        .filter(|d| {
            let m = d["message"].as_str().unwrap_or("");
            message.iter().all(|p| m.contains(p))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one error saying {message:?}; got {diags:#?}"
    );
    let d = found[0];
    (
        d["file"].as_str().unwrap_or("").to_owned(),
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
        d["message"].as_str().unwrap_or("").to_owned(),
    )
}

/// Characters that steer a terminal or reorder text must never reach it raw.
#[track_caller]
fn assert_no_raw_controls(what: &str, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what} prints U+{:04X} raw:\n{text}", c as u32);
    }
}

// ---------------------------------------------------------------------------------------------
// Control characters in diagnostics

/// A status whose value would clear the screen, print a fake "ok" and ring the bell, then
/// reverse the rest of the line.
const HOSTILE_STATUS: &str = r#""\e[2J\e[Hok: no problems in 9 Markdown files\a\u202Ecba\nok: no problems in 9 Markdown files""#;

#[test]
fn control_characters_in_yaml_values_are_escaped_in_every_printer() {
    let f = Fixture::new(&[(
        "content/events/2021-11-kenshu.md",
        &event(
            "研修会",
            HOSTILE_STATUS,
            "2021-11-05T14:00",
            "2021-11-05T16:00",
            "本文",
        ),
    )]);
    // `check`, human format (stdout).
    let root = f.root();
    let human = run_bin(
        &["check", "--root", root.to_str().unwrap(), "--today", TODAY],
        f.dir.path(),
    );
    assert_eq!(human.status.code(), Some(1), "{}", stderr(&human));
    assert_no_raw_controls("check", &human.stdout);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(r"\u{1b}[2J") && text.contains(r"\u{7}") && text.contains(r"\u{202e}"),
        "the characters should be shown escaped:\n{text}"
    );
    // A newline in a value cannot start a line of its own either.
    assert!(
        !text.lines().any(|l| l.starts_with("ok:")),
        "a value printed a line of its own:\n{text}"
    );
    assert!(text.contains(r"\u{a}ok: no problems"), "{text}");
    // `build` (the graphical printer on stderr).
    let build = f.run(TODAY, &[]);
    assert_eq!(build.status.code(), Some(1));
    assert_no_raw_controls("build", &build.stderr);
    assert!(stderr(&build).contains(r"\u{1b}[2J"), "{}", stderr(&build));
    // JSON keeps the real value (escaped by JSON itself).
    let (_, diags) = check_json(&f, &["--no-pdf"]);
    let (_, _, _, message) = error_with(&diags, &["status"]);
    assert!(message.contains('\u{1b}'), "{message}");
}

#[test]
fn raw_control_bytes_in_a_source_line_and_a_file_name_are_escaped() {
    let f = Fixture::new(&[
        // A raw ESC and a right-to-left override in the line of an error: the snippet shows it.
        (
            "content/pages/about.md",
            "---\ntitle: 案内\ndate: 2021-02-30 \u{1b}[2J\u{202e}\n---\n\n本文\n",
        ),
        // A file name with ESC, and a mistake in it: the path is printed with the error.
        (
            "content/pages/\u{1b}[31mred.md",
            "---\ntitle: 赤\ndate: 2021-13-01\n---\n\n本文\n",
        ),
    ]);
    let build = f.run(TODAY, &[]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert_no_raw_controls("build", &build.stderr);
    let err = stderr(&build);
    assert!(err.contains(r"\u{1b}[31mred.md"), "{err}");
    let root = f.root();
    let human = run_bin(
        &["check", "--root", root.to_str().unwrap(), "--today", TODAY],
        f.dir.path(),
    );
    assert_no_raw_controls("check", &human.stdout);
    assert!(
        String::from_utf8_lossy(&human.stdout).contains(r"\u{1b}[31mred.md"),
        "{}",
        String::from_utf8_lossy(&human.stdout)
    );
}

// ---------------------------------------------------------------------------------------------
// Encodings

#[test]
fn a_bad_byte_in_a_shift_jis_file_is_reported_where_shift_jis_fails() {
    // 「研修会」「本文です。」in Shift_JIS, then 0xFF (no Shift_JIS byte) after 本文 on line 6.
    let mut bytes = b"---\ntitle: ".to_vec();
    bytes.extend_from_slice(b"\x8c\xa4\x8fC\x89\xef"); // 研修会
    bytes.extend_from_slice(b"\n---\n\n");
    bytes.extend_from_slice(b"\x82\xa0\x82\xa2\n"); // あい
    bytes.extend_from_slice(b"\x96{\x95\xb6\xff\x82\xc5\x82\xb7\x81B\n"); // 本文?です。
    let f = Fixture::new(&[]);
    f.write_bytes("content/pages/sjis.md", &bytes);
    let (out, diags) = check_json(&f, &["--no-pdf"]);
    assert_eq!(out.status.code(), Some(1));
    let (file, line, column, message) = error_with(&diags, &["Shift_JIS"]);
    assert_eq!(file, "content/pages/sjis.md");
    // Line 6 is 「本文」 then the bad byte: column 3, not the first kanji of line 2.
    assert_eq!((line, column), (6, 3), "{message}");
    assert!(message.contains("0xFF"), "{message}");
}

#[test]
fn utf32_with_a_byte_order_mark_is_refused_with_a_message() {
    let text = "---\ntitle: 案内\n---\n\n本文\n";
    for (bom, le) in [
        (&b"\xFF\xFE\x00\x00"[..], true),
        (&b"\x00\x00\xFE\xFF"[..], false),
    ] {
        let mut bytes = bom.to_vec();
        for c in text.chars() {
            let n = c as u32;
            bytes.extend_from_slice(&if le { n.to_le_bytes() } else { n.to_be_bytes() });
        }
        let f = Fixture::new(&[]);
        f.write_bytes("content/pages/utf32.md", &bytes);
        let (out, diags) = check_json(&f, &["--no-pdf"]);
        assert_eq!(out.status.code(), Some(1), "{diags:#?}");
        let (file, line, column, message) = error_with(&diags, &["UTF-32"]);
        assert_eq!(
            (file.as_str(), line, column),
            ("content/pages/utf32.md", 1, 1)
        );
        let d = diags
            .iter()
            .find(|d| d["message"] == message.as_str())
            .unwrap();
        assert!(
            d["help"]
                .as_str()
                .unwrap_or("")
                .contains("save the file as UTF-8"),
            "{d:#?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// pdf.yaml header and footer templates

const PDF_HEADER_TYPO: &str = "# 体裁\ntext:\n  size: 10.5\nheader:\n  newsletter: \"{{ site.newsletter_name }} {{ site.titel }}\"\n  align: right\n";

#[test]
fn a_misspelt_variable_in_the_pdf_header_is_an_error_in_pdf_yaml() {
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "## ごあいさつ\n\n本文です。"),
        ),
        (
            "content/newsletters/2021-07-vol02.md",
            &newsletter(2, "2021-07-30", "第２号", "本文です。"),
        ),
        ("themes/default/pdf.yaml", PDF_HEADER_TYPO),
    ]);
    let build = f.run(TODAY, &[]);
    assert_eq!(
        build.status.code(),
        Some(1),
        "a typo in the header must not silently drop it:\n{}",
        stderr(&build)
    );
    assert!(!f.out().exists());
    // One mistake, one error, however many PDFs share the header.
    assert!(stderr(&build).contains("1 error(s)"), "{}", stderr(&build));
    let root = f.root();
    let human = run_bin(
        &["check", "--root", root.to_str().unwrap(), "--today", TODAY],
        f.dir.path(),
    );
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("check failed: 1 error,"), "{text}");
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let (file, line, column, message) = error_with(&diags, &["header.newsletter"]);
    assert_eq!(file, "themes/default/pdf.yaml");
    // `{{ site.titel }}` on line 5: `  newsletter: "` is 15 characters, the first variable and
    // its space 29 more; the error points into the second expression.
    assert_eq!(line, 5, "{message}");
    let line5 = PDF_HEADER_TYPO.lines().nth(4).unwrap();
    let expr = line5.find("{{ site.titel").unwrap();
    let col = column as usize;
    assert!(
        (expr + 1..=expr + "{{ site.titel }}".len()).contains(&col),
        "column {col} should be inside `{{{{ site.titel }}}}` (from {}): {message}",
        expr + 1
    );
}

#[test]
fn a_syntax_error_in_the_pdf_footer_is_located_at_its_line() {
    let yaml = "header:\n  align: left\n\n# フッター\nfooter:\n  text: |\n    {{ page_number }} / {{ page_count }}\n    {{ site.title \n  align: center\n";
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "本文です。"),
        ),
        ("themes/default/pdf.yaml", yaml),
    ]);
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let (file, line, _, message) = error_with(&diags, &["footer.text"]);
    assert_eq!(file, "themes/default/pdf.yaml");
    assert_eq!(
        line, 8,
        "the unclosed expression is on line 8, not 1: {message}"
    );
}

// ---------------------------------------------------------------------------------------------
// Surveys

#[test]
fn a_survey_count_of_minus_zero_is_zero() {
    let page = "---\ntitle: 第２号\ndate: 2021-09-30\nnumber: 2\n---\n\n## アンケート結果\n\n```survey\nquestion: 活用できるか\nanswers:\n  活かせる: 4\n  活かせない: -0\n```\n\n後文\n";
    let f = Fixture::new(&[("content/newsletters/vol02.md", page)]);
    let build = f.run(TODAY, &["--no-pdf"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let text = normalize(&page_text(&f.html("newsletters/vol02.html")));
    assert!(text.contains("活かせない"), "{text}");
    assert!(text.contains("100%") || text.contains("100 %"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Dates before 明治

#[test]
fn dates_before_meiji_are_errors_at_the_date() {
    let f = Fixture::new(&[
        (
            "content/newsletters/old.md",
            &newsletter(1, "0001-01-01", "第１号", "本文"),
        ),
        (
            "content/events/old.md",
            "---\ntitle: 研修会\nstatus: scheduled\nformat: in-person\nvenue: 会館\napply_by: 1867-12-31\nsessions:\n  - start: 1868-01-24T14:00\n    end: 1868-01-24T16:00\n---\n\n本文\n",
        ),
    ]);
    let (out, diags) = check_json(&f, &["--no-pdf"]);
    assert_eq!(out.status.code(), Some(1), "{diags:#?}");
    let at = |key: &str, file: &str| {
        let (f, line, column, _) = error_with(
            &diags
                .iter()
                .filter(|d| d["file"] == file)
                .cloned()
                .collect::<Vec<_>>(),
            &[key, "明治"],
        );
        (f, line, column)
    };
    assert_eq!(
        at("`date`", "content/newsletters/old.md"),
        ("content/newsletters/old.md".into(), 3, 7)
    );
    assert_eq!(
        at("`apply_by`", "content/events/old.md"),
        ("content/events/old.md".into(), 6, 11)
    );
    let starts: Vec<_> = diags
        .iter()
        .filter(|d| d["file"] == "content/events/old.md" && d["line"] == 8)
        .collect();
    assert_eq!(starts.len(), 1, "{diags:#?}");
    // The first day of 明治 itself is fine.
    let f = Fixture::new(&[(
        "content/newsletters/meiji.md",
        &newsletter(1, "1868-01-25", "第１号", "本文"),
    )]);
    let build = f.run(TODAY, &["--no-pdf"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(f.read("newsletters/meiji.html").contains("明治元年"));
}

#[test]
fn the_era_filters_refuse_dates_before_meiji() {
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "本文です。"),
        ),
        (
            "themes/default/pdf.yaml",
            "header:\n  newsletter: \"{{ site.title }} {{ '0001-01-01' | wareki }}\"\n",
        ),
    ]);
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1), "{diags:#?}");
    let (file, line, _, message) = error_with(&diags, &["明治"]);
    assert_eq!(
        (file.as_str(), line),
        ("themes/default/pdf.yaml", 2),
        "{message}"
    );
}

#[test]
fn dates_before_meiji_are_refused_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = run_bin(
        &["init", site.to_str().unwrap(), "--date", "0001-01-01"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("明治"), "{}", stderr(&out));
    assert!(!site.exists(), "nothing may be written for a refused date");
}
