//! `tsushin check`: everything `build` validates, without writing output. Problems are listed
//! one by one with `file:line:column`, what is wrong and how to fix it; `--format json` gives
//! the same for editors and CI.

use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

use crate::diag::{Diagnostic, Location, Severity};
use crate::printer::{self, counts, plural, slash_path};
use crate::progress::{Paint, Verbosity};
use crate::site::plan::{self, CheckReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// One problem per entry, for people.
    #[default]
    Human,
    /// One JSON document on stdout, for editors and CI.
    Json,
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub drafts: bool,
    pub today: Date,
    pub pdf: bool,
    pub format: Format,
    /// Warnings fail the check too.
    pub strict: bool,
    pub verbosity: Verbosity,
}

/// Runs the check, prints the result on stdout, returns the exit code: 0 clean (or warnings
/// only, without `--strict`), 1 otherwise.
pub fn run(opts: &CheckOptions) -> u8 {
    let started = std::time::Instant::now();
    let report = plan::check(&opts.root, opts.drafts, opts.today, opts.pdf);
    let failed =
        report.diagnostics.has_errors() || (opts.strict && report.diagnostics.warning_count() > 0);
    let text = match opts.format {
        Format::Json => json(&report, failed),
        Format::Human => human(
            &report,
            opts,
            Paint(crate::progress::color(true)),
            started.elapsed(),
        ),
    };
    print!("{text}");
    u8::from(failed)
}

#[derive(Serialize)]
struct JsonReport<'a> {
    /// Bumped when the shape changes.
    version: u32,
    ok: bool,
    errors: usize,
    warnings: usize,
    /// Markdown files read.
    files: usize,
    /// Pages that would be published.
    pages: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
pub struct JsonLocation {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl From<&Location> for JsonLocation {
    fn from(l: &Location) -> Self {
        JsonLocation {
            file: slash_path(&l.file),
            line: l.line,
            column: l.column,
        }
    }
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub related: Option<JsonLocation>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            severity: d.severity,
            file: slash_path(&d.location.file),
            line: d.location.line,
            column: d.location.column,
            message: &d.message,
            help: d.help.as_deref(),
            related: d.related.as_deref().map(JsonLocation::from),
        }
    }
}

fn json(report: &CheckReport, failed: bool) -> String {
    let sorted = report.diagnostics.clone().into_sorted();
    let out = JsonReport {
        version: 1,
        ok: !failed,
        errors: report.diagnostics.error_count(),
        warnings: report.diagnostics.warning_count(),
        files: report.sources,
        pages: report.pages,
        diagnostics: sorted.iter().map(JsonDiagnostic::from).collect(),
    };
    let mut s = serde_json::to_string_pretty(&out)
        .unwrap_or_else(|e| format!("{{\"version\":1,\"ok\":false,\"internal_error\":\"{e}\"}}"));
    s.push('\n');
    s
}

fn human(
    report: &CheckReport,
    opts: &CheckOptions,
    paint: Paint,
    took: std::time::Duration,
) -> String {
    let mut out = String::new();
    let quiet = opts.verbosity == Verbosity::Quiet;
    for d in report.diagnostics.clone().into_sorted() {
        if quiet && d.severity == Severity::Warning && !opts.strict {
            continue;
        }
        out.push_str(&printer::line(&d, paint));
    }
    let errors = report.diagnostics.error_count();
    let warnings = report.diagnostics.warning_count();
    let files = plural(report.sources, "Markdown file", "Markdown files");
    if errors + warnings == 0 {
        if !quiet {
            out.push_str(&format!(
                "{} no problems in {files} ({}).\n",
                paint.green("ok:"),
                plural(report.pages, "page", "pages")
            ));
        }
    } else if !(quiet && errors == 0 && !opts.strict) {
        if !out.is_empty() {
            out.push('\n');
        }
        let summary = counts(&report.diagnostics);
        let verdict = if errors > 0 || opts.strict {
            paint.red("check failed:")
        } else {
            paint.yellow("check passed with warnings:")
        };
        out.push_str(&format!("{verdict} {summary} in {files}.\n"));
        if warnings > 0 && errors == 0 && opts.strict {
            out.push_str("(--strict treats warnings as errors)\n");
        }
    }
    if opts.verbosity == Verbosity::Verbose {
        out.push_str(&format!(
            "Checked {}, {} and the theme in {} ms.\n",
            files,
            crate::config::FILE_NAME,
            took.as_millis()
        ));
    }
    out
}
