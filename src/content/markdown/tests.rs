//! Unit tests of the Markdown conversion.

use super::*;
use crate::diag::Severity;

fn parse_with(body: &str, line_offset: usize) -> (Document, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let doc = parse(body, Path::new("content/a.md"), line_offset, &mut diags);
    (doc, diags.into_iter().collect())
}

fn doc(body: &str) -> Document {
    parse_with(body, 0).0
}

fn text(s: &str) -> Inline {
    Inline::Text(s.into())
}

fn paragraph(body: &str) -> Vec<Inline> {
    match doc(body).blocks.as_slice() {
        [Block::Paragraph(content)] => content.clone(),
        other => panic!("expected one paragraph, got {other:?}"),
    }
}

#[test]
fn emphasis_next_to_japanese_brackets_is_strong() {
    assert_eq!(
        paragraph("これは**「重要」**です"),
        vec![
            text("これは"),
            Inline::Strong(vec![text("「重要」")]),
            text("です")
        ]
    );
    assert_eq!(
        paragraph("締切は*６月30日（水）*です。"),
        vec![
            text("締切は"),
            Inline::Emph(vec![text("６月30日（水）")]),
            text("です。")
        ]
    );
}

#[test]
fn soft_breaks_vanish_between_japanese_characters_only() {
    assert_eq!(
        paragraph("日本語の\n文章です。"),
        vec![text("日本語の文章です。")]
    );
    assert_eq!(
        paragraph("「会議」\n（全角）"),
        vec![text("「会議」（全角）")]
    );
    assert_eq!(paragraph("English\nwords"), vec![text("English words")]);
    assert_eq!(paragraph("日本語\nZoom"), vec![text("日本語 Zoom")]);
    assert_eq!(paragraph("Zoom\nで参加"), vec![text("Zoom で参加")]);
    assert_eq!(paragraph("𠮷野家\n𠮷"), vec![text("𠮷野家𠮷")]);
    // ※ and circled digits are Japanese text too (they were joined with a space).
    assert_eq!(
        paragraph("本文です。\n※注意"),
        vec![text("本文です。※注意")]
    );
    assert_eq!(paragraph("一つ目\n②"), vec![text("一つ目②")]);
    // The neighbours are looked up through formatting.
    assert_eq!(
        paragraph("重要\n**です**\nabc"),
        vec![
            text("重要"),
            Inline::Strong(vec![text("です")]),
            text(" abc")
        ]
    );
    assert_eq!(
        paragraph("本文[^1]\n続き\n\n[^1]: 注"),
        vec![text("本文"), Inline::FootnoteRef { index: 0 }, text("続き")]
    );
}

#[test]
fn adjacent_text_is_merged() {
    // comrak splits text at `[`, entities and delimiters that did not match.
    assert_eq!(paragraph("a [b] &amp; c * d"), vec![text("a [b] & c * d")]);
}

#[test]
fn single_tildes_are_text_double_tildes_strike() {
    assert_eq!(
        paragraph("10時~12時、14時~16時"),
        vec![text("10時~12時、14時~16時")]
    );
    assert_eq!(
        paragraph("~~中止~~ 延期"),
        vec![Inline::Strike(vec![text("中止")]), text(" 延期")]
    );
}

#[test]
fn heading_ids_keep_japanese_and_are_unique() {
    let d = doc(concat!(
        "# 研修のお知らせ\n",
        "## 研修のお知らせ\n",
        "## 研修のお知らせ\n",
        "## Hello, World!\n",
        "## 「申込」・問い合わせ先\n",
        "## ！？\n",
        "## fn 1\n",
        "## fnref 2 3\n",
        "## `code` and *em*\n",
        "## COVID-19 対策 -- まとめ\n",
    ));
    let ids: Vec<String> = d.headings().into_iter().map(|(_, id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "研修のお知らせ",
            "研修のお知らせ-2",
            "研修のお知らせ-3",
            "hello-world",
            "申込問い合わせ先",
            "section-6",
            "h-fn-1",
            "h-fnref-2-3",
            "code-and-em",
            "covid-19-対策-まとめ",
        ]
    );
}

#[test]
fn heading_ids_stay_unique_against_written_suffixes() {
    let d = doc("# a\n# a-2\n# a\n# a\n");
    let ids: Vec<String> = d.headings().into_iter().map(|(_, id, _)| id).collect();
    assert_eq!(ids, ["a", "a-2", "a-3", "a-4"]);
}

#[test]
fn task_lists() {
    let d = doc("- [ ] 未着手\n- [x] 完了\n- 普通の項目\n");
    let Block::List { ordered, items, .. } = &d.blocks[0] else {
        panic!("{d:?}")
    };
    assert_eq!(*ordered, None);
    let tasks: Vec<Option<bool>> = items.iter().map(|i| i.task).collect();
    assert_eq!(tasks, [Some(false), Some(true), None]);
    assert_eq!(items[1].blocks, [Block::Paragraph(vec![text("完了")])]);
}

#[test]
fn ordered_list_start_and_looseness() {
    let d = doc("3. 三\n4. 四\n\n- a\n\n- b\n");
    let [
        Block::List {
            ordered: Some(3),
            tight: true,
            ..
        },
        Block::List {
            ordered: None,
            tight: false,
            ..
        },
    ] = d.blocks.as_slice()
    else {
        panic!("{d:?}")
    };
}

#[test]
fn tables() {
    let d = doc("| 区 | 人数 | 備考 |\n|:--|--:|:-:|\n| 北区 | 12 | **満員** |\n| 西区 |\n");
    let Block::Table {
        align,
        header,
        rows,
    } = &d.blocks[0]
    else {
        panic!("{d:?}")
    };
    assert_eq!(align, &[Align::Left, Align::Right, Align::Center]);
    assert_eq!(header[1], vec![text("人数")]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2], vec![Inline::Strong(vec![text("満員")])]);
    assert_eq!(rows[1][0], vec![text("西区")]);
}

#[test]
fn footnotes_are_numbered_by_first_reference() {
    let d =
        doc("甲[^b]、乙[^a]、丙[^b]。\n\n[^a]: 注A\n[^b]: 注B[^c]\n[^c]: 注C\n[^unused]: 未使用\n");
    assert_eq!(
        d.blocks[0],
        Block::Paragraph(vec![
            text("甲"),
            Inline::FootnoteRef { index: 0 },
            text("、乙"),
            Inline::FootnoteRef { index: 1 },
            text("、丙"),
            Inline::FootnoteRef { index: 0 },
            text("。"),
        ])
    );
    let notes: Vec<(&str, usize)> = d
        .footnotes
        .iter()
        .map(|f| (f.label.as_str(), f.number))
        .collect();
    assert_eq!(notes, [("b", 1), ("a", 2), ("c", 3)]);
    assert_eq!(
        d.footnotes[0].blocks,
        [Block::Paragraph(vec![
            text("注B"),
            Inline::FootnoteRef { index: 2 }
        ])]
    );
}

#[test]
fn undefined_footnote_stays_text() {
    assert_eq!(paragraph("本文[^nope]"), vec![text("本文[^nope]")]);
}

#[test]
fn refs_are_located_in_the_whole_file() {
    let body = "前文\n\n> 詳しくは[こちら](https://example.jp/a)へ\n\n- 写真 ![会場](img/会場.jpg \"会場\")\n\n<https://auto.example>\n\n[^1]: 注 [資料](docs/a.pdf)\n\n参照[^1]\n";
    let (d, _) = parse_with(body, 7);
    let refs: Vec<(&str, UrlKind, usize, usize)> = d
        .refs
        .iter()
        .map(|r| (r.url.as_str(), r.kind, r.line, r.column))
        .collect();
    assert_eq!(
        refs,
        [
            ("https://example.jp/a", UrlKind::Link, 10, 7),
            ("img/会場.jpg", UrlKind::Image, 12, 6),
            ("https://auto.example", UrlKind::Link, 14, 1),
            ("docs/a.pdf", UrlKind::Link, 16, 9),
        ]
    );
}

#[test]
fn image_without_alt_text_warns_at_the_image() {
    let (d, diags) = parse_with("説明\n\n写真：![](a.jpg) ![ ](b.jpg) ![ok](c.jpg)\n", 4);
    assert_eq!(d.refs.len(), 3);
    let found: Vec<(usize, usize)> = diags
        .iter()
        .filter(|d| d.message == "image has no alternative text")
        .map(|d| (d.location.line, d.location.column))
        .collect();
    assert_eq!(found, [(7, 4), (7, 15)]);
    assert!(
        diags
            .iter()
            .all(|d| d.severity == Severity::Warning && d.help.is_some())
    );
}

#[test]
fn alt_text_is_plain() {
    let d = doc("![会場の\n**写真** `x`](a.jpg)");
    let Block::Paragraph(content) = &d.blocks[0] else {
        panic!()
    };
    let [Inline::Image { alt, .. }] = content.as_slice() else {
        panic!("{content:?}")
    };
    assert_eq!(alt, "会場の写真 x");
}

#[test]
fn heading_level_jump_warns() {
    let (_, diags) = parse_with("## 概要\n\n### 詳細\n\n## 次\n\n#### 飛んだ\n", 3);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].location.line, 10);
    assert!(diags[0].message.contains("level 2"), "{}", diags[0].message);
    assert!(diags[0].help.as_deref().unwrap().contains("###"));
}

#[test]
fn code_blocks_and_surveys() {
    let body = "前文\n\n```survey\nquestion: 満足度\nanswers:\n  良い: 3\n  悪い: 1\n```\n\n~~~python extra\nprint(1)\n~~~\n\n    indented\n";
    let (d, diags) = parse_with(body, 5);
    assert!(diags.is_empty(), "{diags:?}");
    let Block::Survey(survey) = &d.blocks[1] else {
        panic!("{d:?}")
    };
    assert_eq!(survey.question, "満足度");
    assert_eq!(survey.total, 4);
    assert_eq!(
        d.blocks[2],
        Block::Code {
            lang: Some("python".into()),
            text: "print(1)".into()
        }
    );
    assert_eq!(
        d.blocks[3],
        Block::Code {
            lang: None,
            text: "indented".into()
        }
    );
}

#[test]
fn survey_errors_are_located_and_the_block_dropped() {
    let body = "前文\n\n> ```survey\n> question: 満足度\n> answers:\n>   良い: 3\n>   bad: -1\n> ```\n\n後文\n";
    let (d, diags) = parse_with(body, 10);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].is_error());
    // The YAML starts on body line 4 (file line 14); the bad count is on its fourth line.
    assert_eq!(diags[0].location.line, 17, "{diags:?}");
    assert_eq!(d.blocks[0], Block::Paragraph(vec![text("前文")]));
    assert_eq!(d.blocks[1], Block::BlockQuote(vec![]));
    assert_eq!(d.blocks[2], Block::Paragraph(vec![text("後文")]));
}

#[test]
fn unclosed_fence_warns() {
    let (d, diags) = parse_with("前\n\n```\nコード\n\n# 見出しのつもり\n", 2);
    assert_eq!(d.blocks.len(), 2);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].location.line, 5);
    assert!(diags[0].message.contains("never closed"));
}

#[test]
fn raw_html_is_kept_for_the_renderer() {
    let d = doc("<div class=\"x\">\n本文\n</div>\n\n文中の<b>太字</b>\n");
    assert_eq!(
        d.blocks[0],
        Block::Html("<div class=\"x\">\n本文\n</div>\n".into())
    );
    assert_eq!(
        d.blocks[1],
        Block::Paragraph(vec![
            text("文中の"),
            Inline::Html("<b>".into()),
            text("太字"),
            Inline::Html("</b>".into()),
        ])
    );
}

#[test]
fn hostile_input_does_not_panic_and_nesting_is_bounded() {
    fn depth(blocks: &[Block]) -> usize {
        blocks
            .iter()
            .map(|b| match b {
                Block::BlockQuote(inner) => 1 + depth(inner),
                Block::List { items, .. } => {
                    1 + items.iter().map(|i| depth(&i.blocks)).max().unwrap_or(0)
                }
                Block::Paragraph(c) | Block::Heading { content: c, .. } => inline_depth(c),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
    fn inline_depth(inlines: &[Inline]) -> usize {
        inlines
            .iter()
            .map(|i| match i {
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => 1 + inline_depth(c),
                Inline::Link { content, .. } => 1 + inline_depth(content),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }

    let long_line = "長い行".repeat(4000);
    let nested_list: String = (0..300)
        .map(|i| format!("{}- 項目\n", "  ".repeat(i)))
        .collect();
    // Sizes stay modest: comrak itself is quadratic on some of these nestings.
    let nested_emphasis = format!("{}中身{}", "*a ".repeat(500), " b*".repeat(500));
    let inputs = [
        "```\nunclosed fence".to_string(),
        "~~~survey\nquestion: [unclosed".to_string(),
        format!("{}深い引用\n>\n- a", ">".repeat(3_000)),
        format!("{} 見出し", "#".repeat(20)),
        long_line,
        nested_list,
        nested_emphasis,
        "*".repeat(10_000),
        "[".repeat(10_000) + &"](x)".repeat(10_000),
        "![".repeat(1_000) + &"](x)".repeat(1_000),
        "NUL\0文字\0\n\0`\0`[\0](\0)\n```\0\n\0".to_string(),
        "絵文字 👨‍👩‍👧 **😀**\n👍🏽".to_string(),
        "| a |\n|---|\n| <script> |".repeat(100),
        "[^1]\n\n[^1]: [^1]".to_string(),
        "\u{feff}\r\n# 見出し\r\n本文\r".to_string(),
        "- [ ]\n- [x]".to_string(),
        String::new(),
    ];
    for input in &inputs {
        let (d, _) = parse_with(input, 3);
        assert!(depth(&d.blocks) <= MAX_BLOCK_DEPTH + MAX_INLINE_DEPTH + 2);
        assert!(!format!("{d:?}").contains("\\0"), "{d:?}");
    }
}
