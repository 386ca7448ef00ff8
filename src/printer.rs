//! The one diagnostics printer of every command. Each problem is shown in one of two forms:
//! with an excerpt of its source (`print`: `build`, `pdf`, `publish`, `mail`, `new`; `plain`:
//! the same text without colours, which the preview's error overlay shows in the page) or as
//! one compact entry per problem (`line`: `check` and the preview server, which print many
//! problems again after every edit). Every text that comes from a source file goes through
//! `diag::printable`, so a file cannot steer the terminal.

use std::io::IsTerminal;
use std::path::Path;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use crate::diag::{Diagnostic, Diagnostics, Severity, printable, printable_line};
use crate::progress::Paint;

/// A path as shown to the author and in JSON: `/` separators on every system.
pub fn slash_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// One problem as the author reads it:
/// `content/events/e.md:3:9: error: unknown status …`, then `fix: …` and `see also: …`.
pub fn line(d: &Diagnostic, paint: Paint) -> String {
    let colored = match d.severity {
        Severity::Error => paint.red("error"),
        Severity::Warning => paint.yellow("warning"),
    };
    let loc = format!(
        "{}:{}:{}",
        printable_line(&slash_path(&d.location.file)),
        d.location.line,
        d.location.column
    );
    let mut out = format!(
        "{}: {colored}: {}\n",
        paint.bold(&loc),
        printable_line(&d.message)
    );
    if let Some(help) = &d.help {
        let help = printable(help);
        let mut lines = help.lines();
        if let Some(first) = lines.next() {
            out.push_str(&format!("    {} {first}\n", paint.cyan("fix:")));
        }
        for l in lines {
            out.push_str(&format!("         {l}\n"));
        }
    }
    if let Some(r) = &d.related {
        out.push_str(&format!(
            "    {} {}:{}:{}\n",
            paint.dim("see also:"),
            printable_line(&slash_path(&r.file)),
            r.line,
            r.column
        ));
    }
    out
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2 errors, 1 warning`.
pub fn counts(diags: &Diagnostics) -> String {
    format!(
        "{}, {}",
        plural(diags.error_count(), "error", "errors"),
        plural(diags.warning_count(), "warning", "warnings")
    )
}

/// Problems shown with an excerpt of their source; the rest get one line each.
pub const EXCERPTS: usize = 50;

/// Prints every diagnostic on stderr with a source excerpt when the file can be read, then
/// the counts; `quiet` leaves out the warnings.
pub fn print(root: &Path, diags: Diagnostics, quiet: bool) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = handler(theme);
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    for (shown, d) in diags
        .into_sorted()
        .into_iter()
        .filter(|d| !quiet || d.severity != Severity::Warning)
        .enumerate()
    {
        // Each excerpt reads its file again: past a screenful, one line per problem keeps
        // thousands of them (8,000 unknown keys) from taking seconds.
        eprintln!("{}", render(&handler, root, &d, shown < EXCERPTS));
    }
    if errors + warnings > 0 && !(quiet && errors == 0) {
        eprintln!("{errors} error(s), {warnings} warning(s).");
    }
}

/// One diagnostic as `print` shows it (location, message, the source excerpt when `excerpt`
/// and the file can be read, help, see also), without colours or terminal links and with
/// long lines left unwrapped: for the preview's error overlay, which HTML-escapes it.
pub fn plain(root: &Path, d: &Diagnostic, excerpt: bool) -> String {
    let handler = handler(GraphicalTheme::unicode_nocolor())
        .with_links(false)
        .with_wrap_lines(false);
    render(&handler, root, d, excerpt)
}

/// The excerpt's frame names only the file: miette would add a column counted in bytes,
/// which contradicts the diagnostic's own (in characters) on any line with Japanese text.
fn handler(theme: GraphicalTheme) -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(theme).without_primary_span_start()
}

fn render(handler: &GraphicalReportHandler, root: &Path, d: &Diagnostic, excerpt: bool) -> String {
    let mut out = String::new();
    if !excerpt
        || handler
            .render_report(&mut out, to_report(root, d).as_ref())
            .is_err()
    {
        out = d.to_string();
    }
    out
}

/// A diagnostic as miette shows it; every text from a source file goes through `printable`.
fn to_report(root: &Path, d: &Diagnostic) -> Report {
    let location = format!(
        "{}:{}:{}",
        slash_path(&d.location.file),
        d.location.line,
        d.location.column
    );
    let mut m = MietteDiagnostic::new(printable_line(&format!("{location}: {}", d.message)))
        .with_severity(match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        });
    if let Some(help) = &d.help {
        m = m.with_help(printable(help));
    }
    if let Some(related) = &d.related {
        let help = format!(
            "{}\nsee also {}",
            d.help.clone().unwrap_or_default(),
            printable_line(&related.to_string())
        );
        m = m.with_help(printable(help.trim()));
    }
    let text = crate::source::read(&root.join(&d.location.file), &d.location.file)
        .ok()
        .map(|(s, _)| s.text);
    match text.and_then(|t| offset_of(&t, d.location.line, d.location.column).map(|o| (t, o))) {
        Some((text, offset)) => {
            // The snippet is shown escaped too; the label moves with the escapes before it.
            let offset = printable(&text[..offset]).len();
            m = m.with_label(LabeledSpan::at_offset(offset, "here"));
            Report::new(m).with_source_code(NamedSource::new(
                printable_line(&d.location.file.display().to_string()),
                printable(&text).into_owned(),
            ))
        }
        None => Report::new(m),
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let line_text = text[start..].split('\n').next()?;
    if start >= text.len() && line > 1 {
        return None;
    }
    let col = line_text
        .char_indices()
        .nth(column - 1)
        .map(|(i, _)| i)
        .unwrap_or(line_text.len());
    Some(start + col)
}
