//! `tsushin theme export` writes the built-in theme for editing, and a site uses it from disk.

mod common;

use std::process::Command;

use common::Fixture;

#[test]
fn exported_theme_is_used_and_never_overwritten() {
    let f = Fixture::new(&[(
        "content/about.md",
        "---\ntitle: このサイトについて\n---\n本文です。\n",
    )]);
    let bin = env!("CARGO_BIN_EXE_tsushin");
    let export = || {
        Command::new(bin)
            .args(["theme", "export", "--root"])
            .arg(f.root())
            .output()
            .unwrap()
    };
    let first = export();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let page = f.root().join("themes/default/templates/base.html");
    assert!(page.is_file());
    assert!(f.root().join("themes/default/static/style.css").is_file());

    // An edit to the exported template shows in the next build.
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("</main>", "<p id=\"edited\">編集済み</p></main>"),
    )
    .unwrap();
    f.build_ok();
    let html = std::fs::read_to_string(f.out().join("about.html")).unwrap();
    assert!(
        html.contains("id=\"edited\""),
        "the theme on disk overrides the built-in one"
    );

    // A second export refuses to overwrite the edited file.
    let second = export();
    assert_eq!(second.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&second.stderr).contains("already exists"));
    assert!(std::fs::read_to_string(&page).unwrap().contains("編集済み"));
}
