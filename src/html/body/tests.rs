//! Unit tests of `body`.

use std::cell::RefCell;
use std::path::Path;

use super::*;
use crate::diag::Diagnostics;

fn html_with(markdown: &str, allow_raw_html: bool) -> String {
    let mut diags = Diagnostics::new();
    let doc = crate::content::markdown::parse(markdown, Path::new("a.md"), 0, &mut diags);
    render_body(
        &doc,
        &BodyOptions {
            allow_raw_html,
            resolve: &|url, _| url.to_string(),
            survey_colors: &["#336699".to_string()],
            heading_shift: 1,
        },
    )
}

fn html(markdown: &str) -> String {
    html_with(markdown, false)
}

#[test]
fn headings_are_shifted_clamped_and_have_ids() {
    let out = html("# 研修報告\n\n###### 細目\n");
    assert!(out.contains("<h2 id=\"研修報告\">研修報告</h2>"), "{out}");
    assert!(out.contains("<h6 id=\"細目\">細目</h6>"), "{out}");
}

#[test]
fn paragraphs_and_emphasis() {
    assert_eq!(
        html("これは**「重要」**です。*強調*と~~取消~~と`code`\\\n改行"),
        "<p>これは<strong>「重要」</strong>です。<em>強調</em>と<del>取消</del>と<code>code</code><br>\n改行</p>\n"
    );
}

#[test]
fn text_and_attributes_are_escaped() {
    let out = html(
        "# a < b & \"c\"\n\n[x](/p?a=1&b=2 \"say \\\"hi\\\" 'y'\") `<i>`\n\n```h<t>ml\n<b>&amp;\n```\n",
    );
    assert!(
        out.contains("<h2 id=\"a-b-c\">a &lt; b &amp; &quot;c&quot;</h2>"),
        "{out}"
    );
    assert!(
        out.contains("<a href=\"/p?a=1&amp;b=2\" title=\"say &quot;hi&quot; &#39;y&#39;\">x</a>"),
        "{out}"
    );
    assert!(out.contains("<code>&lt;i&gt;</code>"), "{out}");
    assert!(
        out.contains("<pre><code class=\"language-h&lt;t&gt;ml\">&lt;b&gt;&amp;amp;</code></pre>"),
        "{out}"
    );
}

#[test]
fn lists_with_start_and_tasks() {
    let out = html("3. 三\n4. 四\n\n- [ ] 未着手\n- [x] 完了\n  - 子\n");
    assert!(
        out.contains("<ol start=\"3\">\n<li>三</li>\n<li>四</li>\n</ol>"),
        "{out}"
    );
    assert!(out.contains("<ul class=\"task-list\">"), "{out}");
    assert!(out.contains(
            "<li class=\"task-list-item\"><label><input type=\"checkbox\" disabled> 未着手</label></li>"
        ), "{out}");
    assert!(out.contains(
            "<li class=\"task-list-item\"><label><input type=\"checkbox\" disabled checked> 完了</label>\n<ul>\n<li>子</li>\n</ul>\n</li>"
        ), "{out}");
    assert!(html("1. a\n").contains("<ol>\n"));
    // Loose lists keep their paragraphs.
    assert!(html("- a\n\n- b\n").contains("<li>\n<p>a</p>\n</li>"));
}

#[test]
fn tables_are_wrapped_and_aligned() {
    let out = html("| 区 | 人数 |\n|:-:|--:|\n| 北区 | 12 |\n");
    assert_eq!(
        out,
        "<div class=\"table-wrap\"><table>\n<thead>\n<tr>\n<th style=\"text-align:center\">区</th>\n<th style=\"text-align:right\">人数</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style=\"text-align:center\">北区</td>\n<td style=\"text-align:right\">12</td>\n</tr>\n</tbody>\n</table></div>\n"
    );
}

#[test]
fn blockquote_rule_and_images() {
    let out = html("> 引用\n\n---\n\n![会場の写真](<img/a b.jpg> \"会場\") ![](c.png)");
    assert!(
        out.contains("<blockquote>\n<p>引用</p>\n</blockquote>\n<hr>\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "<img src=\"img/a%20b.jpg\" alt=\"会場の写真\" title=\"会場\" loading=\"lazy\">"
        ),
        "{out}"
    );
    assert!(
        out.contains("<img src=\"c.png\" alt=\"\" loading=\"lazy\">"),
        "{out}"
    );
}

#[test]
fn footnotes() {
    let out =
        html("甲[^a]、乙[^b]、丙[^a]\n\n[^a]: 注A\n[^b]: 注B\n\n    ```\n    で終わる\n    ```\n");
    assert!(out.contains(
            "甲<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>、乙<sup class=\"footnote-ref\"><a href=\"#fn-2\" id=\"fnref-2\">2</a></sup>、丙<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1-2\">1</a></sup>"
        ), "{out}");
    assert!(out.contains(
            "<section class=\"footnotes\" aria-label=\"脚注\">\n<ol>\n<li id=\"fn-1\">\n<p>注A <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"本文へ戻る\">↩</a></p>\n</li>\n"
        ), "{out}");
    // A note not ending in a paragraph gets the back link on its own line.
    assert!(out.contains(
            "<pre><code>で終わる</code></pre>\n<p><a href=\"#fnref-2\" class=\"footnote-backref\" aria-label=\"本文へ戻る\">↩</a></p>\n</li>\n</ol>\n</section>\n"
        ), "{out}");
    assert!(!html("脚注なし").contains("footnotes"));
}

#[test]
fn script_in_raw_html_is_removed() {
    let md = "<script>alert(1)</script>\n\n<div onclick=\"x()\">箱</div>\n\n文中<script>alert(2)</script><img src=x onerror=alert(3)>\n";
    let out = html(md);
    assert!(!out.to_lowercase().contains("<script"), "{out}");
    assert!(
        !out.contains("onclick") && !out.contains("onerror"),
        "{out}"
    );
    assert!(out.contains("箱"), "{out}");
    // Sites that allow raw HTML get it untouched.
    assert!(html_with(md, true).contains("<script>alert(1)</script>"));
}

#[test]
fn script_urls_are_dropped() {
    for md in [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](&#106;avascript:alert(1))",
        "[x]( vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ] {
        let out = html(md);
        assert!(out.contains("<a>x</a>"), "{md}: {out}");
        assert!(!out.contains("href"), "{md}: {out}");
    }
    let out = html("![写真](javascript:alert(1)) ![図](data:image/png;base64,AAAA)");
    assert!(!out.contains("javascript"), "{out}");
    assert!(
        out.contains("<p>写真 <img src=\"data:image/png;base64,AAAA\""),
        "{out}"
    );
}

#[test]
fn external_links_get_noopener_and_urls_are_resolved() {
    let seen = RefCell::new(Vec::new());
    let resolve = |url: &str, kind: UrlKind| {
        seen.borrow_mut().push((url.to_string(), kind));
        match url.strip_suffix(".md") {
            Some(stem) => format!("{stem}.html"),
            None => url.to_string(),
        }
    };
    let mut diags = Diagnostics::new();
    let doc = crate::content::markdown::parse(
        "[外部](https://example.jp) [内部](../events/kenshu.md) [案内](#申込) ![図](図.png)",
        Path::new("a.md"),
        0,
        &mut diags,
    );
    let out = render_body(
        &doc,
        &BodyOptions {
            allow_raw_html: false,
            resolve: &resolve,
            survey_colors: &[],
            heading_shift: 1,
        },
    );
    assert!(
        out.contains("<a href=\"https://example.jp\" rel=\"noopener\">外部</a>"),
        "{out}"
    );
    assert!(
        out.contains("<a href=\"../events/kenshu.html\">内部</a>"),
        "{out}"
    );
    assert!(
        out.contains("<a href=\"#%E7%94%B3%E8%BE%BC\">案内</a>"),
        "{out}"
    );
    assert!(out.contains("<img src=\"%E5%9B%B3.png\""), "{out}");
    assert_eq!(
        seen.into_inner(),
        [
            ("https://example.jp".to_string(), UrlKind::Link),
            ("../events/kenshu.md".to_string(), UrlKind::Link),
            ("#申込".to_string(), UrlKind::Link),
            ("図.png".to_string(), UrlKind::Image),
        ]
    );
}

#[test]
fn survey_blocks_use_the_survey_renderer() {
    let out = html("```survey\nquestion: 満足度\nanswers:\n  良い: 3\n  悪い: 1\n```\n");
    assert!(out.contains("満足度"), "{out}");
    assert!(!out.contains("<pre>"), "{out}");
}

#[test]
fn hostile_documents_render() {
    for md in [
        format!("{}深い引用\n>\n- a", ">".repeat(3_000)),
        (0..300)
            .map(|i| format!("{}- 項目\n", "  ".repeat(i)))
            .collect(),
        format!("{}中身{}", "*a ".repeat(500), " b*".repeat(500)),
        "[".repeat(5_000) + &"](x)".repeat(5_000),
        "NUL\0文字 👨‍👩‍👧 <\0script>".to_string(),
    ] {
        let out = html(&md);
        assert!(!out.contains('\0'));
        assert!(!out.contains("<script"));
    }
}
