//! The command line: parses arguments, runs a command, prints diagnostics, sets the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use crate::diag::{Diagnostic, Diagnostics, Severity, printable, printable_line};
use crate::progress::Verbosity;
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
    /// Print more: timings, every file re-rendered and every request of `serve`.
    #[arg(long, short, global = true, conflicts_with = "quiet")]
    verbose: bool,
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
    /// Build the site and copy it safely to the intranet folder DEST (a shared drive or the web
    /// server's folder): only changed files, pages before listings, no stray deletions.
    Publish {
        /// The folder to publish to; default: `publish: {to: …}` in site.yaml.
        dest: Option<PathBuf>,
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// The date that decides upcoming and past trainings (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_today)]
        today: Option<jiff::civil::Date>,
        /// Skip the PDFs.
        #[arg(long)]
        no_pdf: bool,
        /// Show what would be added, changed and removed; write nothing to DEST.
        #[arg(long)]
        dry_run: bool,
        /// Allow deleting more than 50 files or 20 % of the published files.
        #[arg(long)]
        allow_deletes: bool,
        /// Publish into a folder that has files but no record of an earlier publish.
        #[arg(long)]
        adopt: bool,
        /// Answer yes to the question of --adopt (for scripts).
        #[arg(long)]
        yes: bool,
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
    /// Mail an issue or training announcement to its recipients (address book: recipients.yaml).
    Mail {
        #[command(subcommand)]
        command: crate::mail::MailCommand,
    },
    /// Work with themes.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// Create a new site in DIR: site.yaml and one example of each page, ready to build.
    Init {
        /// The folder to create (or an empty folder).
        dir: PathBuf,
        /// Add the missing files to a folder that is not empty; existing files are never overwritten.
        #[arg(long)]
        force: bool,
        /// The date of the example issue (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_today)]
        date: Option<jiff::civil::Date>,
    },
    /// Start a new newsletter issue (号) or training announcement (研修会) from a skeleton.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Find every problem `build` would report, without writing anything.
    Check {
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check pages marked `draft: true` as published pages too.
        #[arg(long)]
        drafts: bool,
        /// The date that decides upcoming and past trainings (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_today)]
        today: Option<jiff::civil::Date>,
        /// Skip the PDF checks (characters missing from the PDF fonts).
        #[arg(long)]
        no_pdf: bool,
        /// `human` (default) or `json` for editors and CI.
        #[arg(long, value_enum, default_value_t)]
        format: crate::check::Format,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site in a browser; open pages reload when a file changes.
    Serve {
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The address to listen on; the default keeps the preview on this computer.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// The date that decides upcoming and past trainings (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_today)]
        today: Option<jiff::civil::Date>,
        /// No PDF links on the pages (as `build --no-pdf`).
        #[arg(long)]
        no_pdf: bool,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// A newsletter issue: content/newsletters/<YYYY-MM>-vol<NN>.md with the next free number.
    Newsletter {
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The date (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_today)]
        date: Option<jiff::civil::Date>,
        /// The file name without .md; default: <YYYY-MM>-vol<NN>.
        #[arg(long)]
        slug: Option<String>,
    },
    /// A training announcement: content/events/<YYYY-MM>-kenshu.md, one session a month ahead.
    Event {
        /// The training's title, e.g. "多職種研修会「認知症がある方と家族の意思決定」".
        title: String,
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Today's date (YYYY-MM-DD), for the session a month later; default: today.
        #[arg(long, value_parser = parse_today)]
        date: Option<jiff::civil::Date>,
        /// The file name without .md; default: <YYYY-MM>-kenshu.
        #[arg(long)]
        slug: Option<String>,
    },
    /// A meeting handout (会議資料): content/handouts/<YYYY-MM-DD>-shiryo<N>.md, numbered after
    /// the handouts of the same meeting day.
    Handout {
        /// The handout's title, e.g. "令和３年度 事業の課題に対する取組みについて".
        title: String,
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The meeting's date (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_today)]
        date: Option<jiff::civil::Date>,
        /// The file name without .md; default: <YYYY-MM-DD>-shiryo<N>.
        #[arg(long)]
        slug: Option<String>,
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
    let date = s
        .parse()
        .map_err(|_| format!("`{s}` is not a date; write YYYY-MM-DD, e.g. 2021-08-23"))?;
    crate::japanese::check_era(date)
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
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
            let bar = crate::progress::Bar::start(verbosity);
            let report = site::build(&opts);
            drop(bar);
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
            if verbosity == Verbosity::Verbose {
                for (name, n, took) in crate::progress::Bar::phases() {
                    eprintln!("  {name}: {n} in {} ms", took.as_millis());
                }
            }
            ExitCode::SUCCESS
        }
        Command::Publish {
            dest,
            root,
            drafts,
            today,
            no_pdf,
            dry_run,
            allow_deletes,
            adopt,
            yes,
        } => crate::publish::run(&crate::publish::PublishOptions {
            dest,
            root,
            drafts,
            pdf: !no_pdf,
            today: or_today(today),
            dry_run,
            allow_deletes,
            adopt,
            yes,
            verbosity,
        }),
        Command::Pdf { file, output, root } => {
            let mut diags = crate::diag::Diagnostics::new();
            let written = site::pdfs::single(root.as_deref(), &file, output.as_deref(), &mut diags);
            let shown_root = root
                .or_else(|| site::pdfs::find_root(&file))
                .unwrap_or_else(|| PathBuf::from("."));
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
        Command::Mail { command } => {
            let root = command.root();
            let mut diags = Diagnostics::new();
            let code = crate::mail::run(command, cli.quiet, &mut diags);
            print_diagnostics(&root, diags, cli.quiet);
            code
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
                    eprintln!("error: {}", printable(&e));
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir, force, date } => run_init(&dir, force, or_today(date), verbosity),
        Command::New { what } => run_new(what, verbosity),
        Command::Check {
            root,
            drafts,
            today,
            no_pdf,
            format,
            strict,
        } => ExitCode::from(crate::check::run(&crate::check::CheckOptions {
            root,
            drafts,
            today: or_today(today),
            pdf: !no_pdf,
            format,
            strict,
            verbosity,
        })),
        Command::Serve {
            root,
            bind,
            port,
            open,
            drafts,
            today,
            no_pdf,
        } => {
            let opts = crate::serve::ServeOptions {
                root,
                bind,
                port,
                open,
                drafts,
                today,
                pdf: !no_pdf,
                verbosity,
            };
            match crate::serve::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {}", printable(&e));
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn or_today(date: Option<jiff::civil::Date>) -> jiff::civil::Date {
    date.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

fn run_init(dir: &Path, force: bool, today: jiff::civil::Date, verbosity: Verbosity) -> ExitCode {
    match crate::scaffold::init(dir, force, today) {
        Ok(report) => {
            if verbosity >= Verbosity::Normal {
                for p in &report.written {
                    eprintln!("created {}", p.display());
                }
                for p in &report.kept {
                    eprintln!("kept    {} (already there)", p.display());
                }
                eprintln!(
                    "\nThe site is ready. Next:\n  cd {}\n  tsushin serve --open      preview while you write\n  tsushin new newsletter    start the next issue (号)\n  tsushin build             write the site into output/",
                    dir.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", printable(&e));
            ExitCode::from(1)
        }
    }
}

fn run_new(what: NewCommand, verbosity: Verbosity) -> ExitCode {
    let (root, result) = match what {
        NewCommand::Newsletter { root, date, slug } => {
            let r = crate::scaffold::new_newsletter(&root, or_today(date), slug.as_deref());
            (root, r)
        }
        NewCommand::Event {
            title,
            root,
            date,
            slug,
        } => {
            let r = crate::scaffold::new_event(&root, &title, or_today(date), slug.as_deref());
            (root, r)
        }
        NewCommand::Handout {
            title,
            root,
            date,
            slug,
        } => {
            let r = crate::scaffold::new_handout(&root, &title, or_today(date), slug.as_deref());
            (root, r)
        }
    };
    match result {
        Ok(path) => {
            // The path alone on stdout, so that `code $(tsushin new newsletter)` works.
            let shown = path.strip_prefix(".").unwrap_or(&path);
            println!("{}", shown.display());
            if verbosity >= Verbosity::Normal {
                eprintln!("Write the page, then preview it with `tsushin serve`.");
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_diagnostics(&root, diags, verbosity == Verbosity::Quiet);
            ExitCode::from(1)
        }
    }
}

/// Prints every diagnostic with a source snippet when the file can be read.
/// Problems shown with an excerpt of their source; the rest get one line each.
const EXCERPTS: usize = 50;

pub fn print_diagnostics(root: &Path, diags: Diagnostics, quiet: bool) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme);
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    for (shown, d) in diags
        .into_sorted()
        .into_iter()
        .filter(|d| !quiet || d.severity != Severity::Warning)
        .enumerate()
    {
        // Each excerpt reads its file again: past a screenful, one line per problem keeps
        // thousands of them (8,000 unknown keys) from taking seconds.
        let mut out = String::new();
        if shown >= EXCERPTS
            || handler
                .render_report(&mut out, to_report(root, &d).as_ref())
                .is_err()
        {
            out = d.to_string();
        }
        eprintln!("{out}");
    }
    if errors + warnings > 0 && !(quiet && errors == 0) {
        eprintln!("{errors} error(s), {warnings} warning(s).");
    }
}

/// A diagnostic as miette shows it; every text from a source file goes through `printable`.
fn to_report(root: &Path, d: &Diagnostic) -> Report {
    let mut m = MietteDiagnostic::new(printable_line(&format!("{}: {}", d.location, d.message)))
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
