//! The command line: parses arguments, runs a command, prints diagnostics (`printer`), sets
//! the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::{Diagnostics, printable};
use crate::printer;
use crate::progress::Verbosity;
use crate::site::BuildOptions;

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

/// The arguments of every command that builds the site (`build`, `publish`, `check`, `serve`);
/// a command words a help text its own way, and keeps its order in `--help`, with `mut_arg`.
#[derive(clap::Args, Debug, Clone)]
struct SiteArgs {
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
}

impl SiteArgs {
    fn today(&self) -> jiff::civil::Date {
        or_today(self.today)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from content/ into the output folder.
    #[command(
        mut_arg("drafts", |a| a.display_order(2)),
        mut_arg("today", |a| a.display_order(3)),
        mut_arg("no_pdf", |a| a.help("Skip the PDFs, for a quick HTML-only build").display_order(4)),
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site; default: <root>/output.
        #[arg(long, display_order = 1)]
        output: Option<PathBuf>,
    },
    /// Build the site and copy it safely to the intranet folder DEST (a shared drive or the web
    /// server's folder): only changed files, pages before listings, no stray deletions.
    Publish {
        /// The folder to publish to; default: `publish: {to: …}` in site.yaml.
        dest: Option<PathBuf>,
        #[command(flatten)]
        site: SiteArgs,
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
        /// Where to write the PDF (a file, or a folder to write its usual name into); default:
        /// its usual name in the current folder.
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
    #[command(
        mut_arg("drafts", |a| a.help("Check pages marked `draft: true` as published pages too")),
        mut_arg("no_pdf", |a| a.help("Skip the PDF checks (characters missing from the PDF fonts)")),
    )]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// `human` (default) or `json` for editors and CI.
        #[arg(long, value_enum, default_value_t)]
        format: crate::check::Format,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site in a browser; open pages reload when a file changes.
    #[command(
        mut_arg("drafts", |a| a.display_order(4)),
        mut_arg("today", |a| a.display_order(5)),
        mut_arg("no_pdf", |a| a.help("No PDF links on the pages (as `build --no-pdf`)").display_order(6)),
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The address to listen on; the default keeps the preview on this computer.
        #[arg(long, default_value = "127.0.0.1", display_order = 1)]
        bind: std::net::IpAddr,
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111, display_order = 2)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long, display_order = 3)]
        open: bool,
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
        Command::Build { site, output } => run_build(site, output, verbosity),
        Command::Publish {
            dest,
            site,
            dry_run,
            allow_deletes,
            adopt,
            yes,
        } => crate::publish::run(&crate::publish::PublishOptions {
            dest,
            today: site.today(),
            root: site.root,
            drafts: site.drafts,
            pdf: !site.no_pdf,
            dry_run,
            allow_deletes,
            adopt,
            yes,
            verbosity,
        }),
        Command::Pdf { file, output, root } => run_pdf(&file, output, root, verbosity),
        Command::Mail { command } => {
            let root = command.root();
            let mut diags = Diagnostics::new();
            let code = crate::mail::run(command, cli.quiet, &mut diags);
            printer::print(&root, diags, cli.quiet);
            code
        }
        Command::Theme {
            command: ThemeCommand::Export { root, force },
        } => run_export(&root, force, verbosity),
        Command::Init { dir, force, date } => run_init(&dir, force, or_today(date), verbosity),
        Command::New { what } => run_new(what, verbosity),
        Command::Check {
            site,
            format,
            strict,
        } => ExitCode::from(crate::check::run(&crate::check::CheckOptions {
            today: site.today(),
            root: site.root,
            drafts: site.drafts,
            pdf: !site.no_pdf,
            format,
            strict,
            verbosity,
        })),
        Command::Serve {
            site,
            bind,
            port,
            open,
        } => {
            let opts = crate::serve::ServeOptions {
                root: site.root,
                bind,
                port,
                open,
                drafts: site.drafts,
                today: site.today,
                pdf: !site.no_pdf,
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

fn run_build(site: SiteArgs, output: Option<PathBuf>, verbosity: Verbosity) -> ExitCode {
    let quiet = verbosity == Verbosity::Quiet;
    let opts = BuildOptions {
        output: output.unwrap_or_else(|| site.root.join("output")),
        today: site.today(),
        root: site.root,
        drafts: site.drafts,
        pdf: !site.no_pdf,
    };
    let started = std::time::Instant::now();
    let bar = crate::progress::Bar::start(verbosity);
    let report = crate::site::build(&opts);
    drop(bar);
    let failed = report.diagnostics.has_errors();
    printer::print(&opts.root, report.diagnostics, quiet);
    if failed {
        eprintln!(
            "Build failed; {} was left unchanged.",
            opts.output.display()
        );
        return ExitCode::from(1);
    }
    if !quiet {
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

fn run_pdf(
    file: &Path,
    output: Option<PathBuf>,
    root: Option<PathBuf>,
    verbosity: Verbosity,
) -> ExitCode {
    let quiet = verbosity == Verbosity::Quiet;
    let mut diags = Diagnostics::new();
    let written = crate::site::single::single(root.as_deref(), file, output.as_deref(), &mut diags);
    let shown_root = root
        .or_else(|| crate::site::single::find_root(file))
        .unwrap_or_else(|| PathBuf::from("."));
    printer::print(&shown_root, diags, quiet);
    match written {
        Some(path) => {
            if !quiet {
                eprintln!("Wrote {}.", path.display());
            }
            ExitCode::SUCCESS
        }
        None => ExitCode::from(1),
    }
}

fn run_export(root: &Path, force: bool, verbosity: Verbosity) -> ExitCode {
    let dest = root.join("themes").join("default");
    match crate::theme::export(&dest, force) {
        Ok(files) => {
            if verbosity != Verbosity::Quiet {
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
            printer::print(&root, diags, verbosity == Verbosity::Quiet);
            ExitCode::from(1)
        }
    }
}
