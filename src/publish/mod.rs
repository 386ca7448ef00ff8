//! `tsushin publish DEST`: builds the site as `build` does and, only if the build succeeded,
//! makes a shared drive or web-server folder equal to the new output — writing only changed
//! files, pages before the listings that link to them, deleting only what an earlier publish
//! put there, and able to finish an interrupted run. The build runs into the usual output
//! folder, so there is one build path and the published files are exactly the built ones.

pub mod dest;
pub mod manifest;
pub mod plan;
pub mod sync;

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::progress::Verbosity;
use crate::site::{self, BuildOptions};
use plan::{Plan, human};

#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The destination folder; `None`: `publish: {to: …}` of site.yaml.
    pub dest: Option<PathBuf>,
    pub root: PathBuf,
    pub drafts: bool,
    pub pdf: bool,
    pub today: jiff::civil::Date,
    pub dry_run: bool,
    pub allow_deletes: bool,
    pub adopt: bool,
    pub yes: bool,
    pub verbosity: Verbosity,
}

/// Runs the command and prints its diagnostics and summary; the exit code of `tsushin publish`.
pub fn run(opts: &PublishOptions) -> ExitCode {
    let quiet = opts.verbosity == Verbosity::Quiet;
    match publish(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            crate::printer::print(&opts.root, diags, quiet);
            ExitCode::from(1)
        }
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.push(d);
    diags
}

fn publish(opts: &PublishOptions) -> Result<(), Diagnostics> {
    let started = std::time::Instant::now();
    let quiet = opts.verbosity == Verbosity::Quiet;
    let (dest_dir, at) = destination(opts)?;
    let output = opts.root.join("output");
    dest::check(&dest_dir, &opts.root, &output, &at).map_err(one)?;
    // Refuse a folder tsushin may not change before spending time on the build.
    let state = plan::inspect(&dest_dir).map_err(one)?;
    if !state.foreign.is_empty() && !opts.adopt {
        return Err(one(foreign_error(&dest_dir, &state.foreign, &at)));
    }
    let build = BuildOptions {
        root: opts.root.clone(),
        output: output.clone(),
        drafts: opts.drafts,
        pdf: opts.pdf,
        today: opts.today,
    };
    let bar = crate::progress::Bar::start(opts.verbosity);
    let report = site::build(&build);
    drop(bar);
    if report.diagnostics.has_errors() {
        crate::printer::print(&opts.root, report.diagnostics, quiet);
        eprintln!(
            "Build failed; nothing was published to {}.",
            dest_dir.display()
        );
        return Err(Diagnostics::new());
    }
    crate::printer::print(&opts.root, report.diagnostics, quiet);
    let new = manifest::scan_output(&output).map_err(one)?;
    let plan = plan::make(&dest_dir, &state, new).map_err(one)?;
    if plan.needs_adopt && !opts.adopt {
        return Err(one(overwrite_error(&plan, &at)));
    }
    plan.check_deletes(opts.allow_deletes, &at).map_err(one)?;
    let previously: BTreeSet<String> = state
        .manifest
        .iter()
        .flat_map(|m| m.keys().cloned())
        .chain(state.journal.iter().flatten().cloned())
        .collect();
    if opts.dry_run {
        let temp = sync::temp_files(&dest_dir, &plan, &previously).len();
        print_dry_run(&plan, &dest_dir, temp);
        return Ok(());
    }
    if plan.needs_adopt && !confirm_adopt(&plan, &dest_dir, opts.yes)? {
        eprintln!("Nothing was published.");
        return Ok(());
    }
    if plan.recovering && !quiet {
        eprintln!(
            "Finishing the publish to {} that was interrupted.",
            dest_dir.display()
        );
    }
    let verbose = opts.verbosity == Verbosity::Verbose;
    let done = if plan.has_work(&state) {
        sync::run(&output, &dest_dir, &plan, &previously, verbose).map_err(one)?
    } else {
        let bytes = manifest::manifest_bytes(&plan.new);
        sync::Done {
            manifest_sha256: manifest::sha256_hex(&bytes),
            temp_removed: sync::remove_temp_files(&dest_dir, &plan, &previously),
            ..Default::default()
        }
    };
    log(opts, &dest_dir, &plan, &done);
    if !quiet {
        eprintln!(
            "Published to {}: {} added, {} changed, {} removed, {} unchanged; {} written in {} ms.",
            dest_dir.display(),
            plan.added.len(),
            plan.changed.len(),
            plan.removed.len(),
            plan.unchanged,
            human(done.bytes_written),
            started.elapsed().as_millis()
        );
        if done.temp_removed > 0 {
            eprintln!(
                "Removed {} temporary file(s) of an interrupted publish.",
                done.temp_removed
            );
        }
    }
    Ok(())
}

/// The resolved destination folder and where it was given (the command line or site.yaml).
fn destination(opts: &PublishOptions) -> Result<(PathBuf, Location), Diagnostics> {
    if let Some(d) = &opts.dest {
        return Ok((dest::resolve(d), Location::file(d)));
    }
    let mut diags = Diagnostics::new();
    let Some(config) = crate::config::load(&opts.root, &mut diags) else {
        return Err(diags);
    };
    match config.publish_to {
        Some((to, at)) if !to.trim().is_empty() => Ok((dest::resolve(&opts.root.join(to)), at)),
        _ => Err(one(
            Diagnostic::error(
                Location::file(crate::config::FILE_NAME),
                "where to publish is not given",
            )
            .help("pass the folder, e.g. `tsushin publish /mnt/intranet/zaitaku`, or add `publish: {to: /mnt/intranet/zaitaku}` to site.yaml"),
        )),
    }
}

fn list(paths: &[String], max: usize) -> String {
    let mut s: Vec<String> = paths.iter().take(max).cloned().collect();
    if paths.len() > max {
        s.push(format!("… and {} more", paths.len() - max));
    }
    s.join(", ")
}

fn foreign_error(dest: &Path, files: &[String], at: &Location) -> Diagnostic {
    Diagnostic::error(
        at.clone(),
        format!(
            "{} already holds {} file(s) ({}) and no record of an earlier publish; it was left untouched",
            dest.display(),
            files.len(),
            list(files, 5)
        ),
    )
    .help("publish to an empty folder, or pass --adopt to publish into this one: tsushin then lists what it would leave alone and what it would overwrite, and asks")
}

fn overwrite_error(plan: &Plan, at: &Location) -> Diagnostic {
    Diagnostic::error(
        at.clone(),
        format!(
            "this publish would overwrite {} file(s) that no earlier publish wrote: {}",
            plan.overwrite.len(),
            list(&plan.overwrite, 5)
        ),
    )
    .help("move those files away, or pass --adopt to let tsushin take them over")
}

/// Lists what adopting the folder means and asks; `--yes` answers for scripts.
fn confirm_adopt(plan: &Plan, dest: &Path, yes: bool) -> Result<bool, Diagnostics> {
    print_adopt(plan, dest);
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(one(Diagnostic::error(
            Location::file(dest),
            "cannot ask whether to adopt this folder: the input is not a terminal",
        )
        .help("check the lists above, then run again with --adopt --yes")));
    }
    eprint!("Publish into {}? [y/N] ", dest.display());
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    Ok(matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "はい"
    ))
}

fn print_adopt(plan: &Plan, dest: &Path) {
    println!(
        "{} is not empty and has no record of an earlier publish.",
        dest.display()
    );
    println!("Left alone ({} file(s), never deleted):", plan.leave.len());
    for f in &plan.leave {
        println!("  {f}");
    }
    println!("Overwritten ({} file(s)):", plan.overwrite.len());
    for f in &plan.overwrite {
        println!("  {f}");
    }
}

fn print_dry_run(plan: &Plan, dest: &Path, temp: usize) {
    if plan.needs_adopt {
        print_adopt(plan, dest);
    }
    if plan.recovering {
        println!("An interrupted publish would be finished.");
    }
    let mut sizes = [0u64; 3];
    for rel in &plan.writes {
        let kind = if plan.added.contains(rel) { 0 } else { 1 };
        let size = plan::size_of(plan, rel);
        sizes[kind] += size;
        let label = ["added  ", "changed"][kind];
        println!("{label} {rel} ({})", human(size));
    }
    for (rel, size) in &plan.removed {
        sizes[2] += size;
        println!("removed {rel} ({})", human(*size));
    }
    if temp > 0 {
        println!("{temp} temporary file(s) of an interrupted publish would be removed.");
    }
    println!(
        "Dry run, nothing written to {}: {} added ({}), {} changed ({}), {} removed ({}), {} unchanged.",
        dest.display(),
        plan.added.len(),
        human(sizes[0]),
        plan.changed.len(),
        human(sizes[1]),
        plan.removed.len(),
        human(sizes[2]),
        plan.unchanged
    );
}

/// Appends one line to `.tsushin/publish-log.jsonl` in the site; a failure is only reported.
fn log(opts: &PublishOptions, dest: &Path, plan: &Plan, done: &sync::Done) {
    let line = serde_json::json!({
        "when": jiff::Timestamp::now().to_string(),
        "to": dest.display().to_string(),
        "added": plan.added.len(),
        "changed": plan.changed.len(),
        "removed": plan.removed.len(),
        "unchanged": plan.unchanged,
        "bytes_written": done.bytes_written,
        "manifest_sha256": done.manifest_sha256,
        "tsushin": env!("CARGO_PKG_VERSION"),
    });
    let dir = opts.root.join(".tsushin");
    let path = dir.join("publish-log.jsonl");
    let result = std::fs::create_dir_all(&dir).and_then(|()| {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        writeln!(f, "{line}")
    });
    if let Err(e) = result {
        eprintln!(
            "warning: the publish succeeded, but {} could not be written: {e}",
            path.display()
        );
    }
}
