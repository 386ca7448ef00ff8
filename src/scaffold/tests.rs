//! Unit tests of `scaffold`.

use super::*;

#[test]
fn yaml_scalars_round_trip() {
    for t in [
        "多職種研修会「認知症がある方と家族の意思決定」",
        "研修会: 第1回",
        "#1 研修",
        "[案内]",
        "2021-08-23",
        "true",
        "123",
        "say \"hi\" \\ ok",
        "- 箇条",
        "a # b",
    ] {
        #[derive(serde::Deserialize)]
        struct V {
            v: String,
        }
        let y = format!("v: {}\n", yaml_scalar(t));
        let back: V = serde_saphyr::from_str(&y).unwrap_or_else(|e| panic!("{y}: {e}"));
        assert_eq!(back.v, t, "{y}");
    }
    assert_eq!(yaml_scalar("多職種研修会"), "多職種研修会");
    assert_eq!(yaml_scalar("true"), "\"true\"");
}

#[test]
fn issue_numbers_are_found_even_in_broken_headers() {
    let ok = "---\ntitle: x\nnumber: 7\nauthor: 保健師 宮成\n---\n";
    assert_eq!(
        issue_info(ok),
        Some(IssueInfo {
            number: 7,
            author: Some("保健師 宮成".into())
        })
    );
    let broken = "---\ntitle: [x\nnumber: 9 # 第９号\n---\n";
    assert_eq!(issue_info(broken).map(|i| i.number), Some(9));
    assert_eq!(
        number_in_name("2021-06-vol12.md").map(|i| i.number),
        Some(12)
    );
    assert_eq!(number_in_name("about.md"), None);
}
