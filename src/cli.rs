//! The command line: parses arguments, runs a command, prints diagnostics, sets the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::site::{self, BuildOptions};

#[derive(Parser)]
#[command(
    name = "tsushin",
    version,
    about = "Publish the coordinator newsletter (通信) and training announcements (研修会) as an intranet site"
)]
struct Cli {
    /// Print only errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from content/ into the output folder.
    Build {
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site; default: <root>/output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// The date that decides upcoming and past trainings (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_today)]
        today: Option<jiff::civil::Date>,
        /// Skip the PDFs, for a quick HTML-only build.
        #[arg(long)]
        no_pdf: bool,
    },
    /// Typeset one issue or training announcement as a PDF.
    Pdf {
        /// The page's Markdown file, under content/.
        file: PathBuf,
        /// Where to write the PDF; default: its usual name in the current folder.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The site folder; default: the nearest folder above FILE with a site.yaml.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Work with themes.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Write the built-in default theme to themes/default/ for editing.
    Export {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
    },
}

fn parse_today(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a date; write YYYY-MM-DD, e.g. 2021-08-23"))
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            today,
            no_pdf,
        } => {
            let opts = BuildOptions {
                output: output.unwrap_or_else(|| root.join("output")),
                root,
                drafts,
                pdf: !no_pdf,
                today: today.unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
            };
            let started = std::time::Instant::now();
            let report = site::build(&opts);
            let failed = report.diagnostics.has_errors();
            print_diagnostics(&opts.root, report.diagnostics, cli.quiet);
            if failed {
                eprintln!(
                    "Build failed; {} was left unchanged.",
                    opts.output.display()
                );
                return ExitCode::from(1);
            }
            if !cli.quiet {
                eprintln!(
                    "Built {} pages and {} PDFs ({} files) into {} in {} ms.",
                    report.pages_written,
                    report.pdfs_written,
                    report.files_written,
                    opts.output.display(),
                    started.elapsed().as_millis()
                );
            }
            ExitCode::SUCCESS
        }
        Command::Pdf { file, output, root } => {
            let mut diags = crate::diag::Diagnostics::new();
            let written = site::pdfs::single(root.as_deref(), &file, output.as_deref(), &mut diags);
            let shown_root = root.unwrap_or_else(|| PathBuf::from("."));
            print_diagnostics(&shown_root, diags, cli.quiet);
            match written {
                Some(path) => {
                    if !cli.quiet {
                        eprintln!("Wrote {}.", path.display());
                    }
                    ExitCode::SUCCESS
                }
                None => ExitCode::from(1),
            }
        }
        Command::Theme {
            command: ThemeCommand::Export { root, force },
        } => {
            let dest = root.join("themes").join("default");
            match crate::theme::export(&dest, force) {
                Ok(files) => {
                    if !cli.quiet {
                        eprintln!("Wrote {} files to {}.", files.len(), dest.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Prints every diagnostic with a source snippet when the file can be read.
pub fn print_diagnostics(root: &Path, diags: Diagnostics, quiet: bool) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme);
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    for d in diags.into_sorted() {
        if quiet && d.severity == Severity::Warning {
            continue;
        }
        let report = to_report(root, &d);
        let mut out = String::new();
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            out = d.to_string();
        }
        eprintln!("{out}");
    }
    if errors + warnings > 0 && !(quiet && errors == 0) {
        eprintln!("{errors} error(s), {warnings} warning(s).");
    }
}

fn to_report(root: &Path, d: &Diagnostic) -> Report {
    let mut m = MietteDiagnostic::new(format!("{}: {}", d.location, d.message)).with_severity(
        match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
    );
    if let Some(help) = &d.help {
        m = m.with_help(help.clone());
    }
    if let Some(related) = &d.related {
        m = m.with_help(
            format!("{}\nsee also {related}", d.help.clone().unwrap_or_default())
                .trim()
                .to_owned(),
        );
    }
    let text = crate::source::read(&root.join(&d.location.file), &d.location.file)
        .ok()
        .map(|(s, _)| s.text);
    match text.and_then(|t| offset_of(&t, d.location.line, d.location.column).map(|o| (t, o))) {
        Some((text, offset)) => {
            m = m.with_label(LabeledSpan::at_offset(offset, "here"));
            Report::new(m).with_source_code(NamedSource::new(
                d.location.file.display().to_string(),
                text,
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
