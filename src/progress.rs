//! Terminal output: how much to print (`--quiet`, `--verbose`), colours (only on a terminal
//! and never with `NO_COLOR`), and the progress bar of long builds.
//!
//! The build reports progress through `phase`, which does nothing unless a command started a
//! bar with `Bar::start`; so library users, tests and the preview server see no output.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How much a command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    #[default]
    Normal,
    /// Also timings, every request of the preview server, every file re-rendered.
    Verbose,
}

/// Whether to colour what goes to stdout (`stdout = true`) or stderr.
pub fn color(stdout: bool) -> bool {
    let terminal = if stdout {
        std::io::stdout().is_terminal()
    } else {
        std::io::stderr().is_terminal()
    };
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// ANSI styles, or nothing when colours are off.
#[derive(Debug, Clone, Copy)]
pub struct Paint(pub bool);

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    pub fn red(self, t: &str) -> String {
        self.wrap("1;31", t)
    }
    pub fn yellow(self, t: &str) -> String {
        self.wrap("1;33", t)
    }
    pub fn green(self, t: &str) -> String {
        self.wrap("1;32", t)
    }
    pub fn cyan(self, t: &str) -> String {
        self.wrap("36", t)
    }
    pub fn bold(self, t: &str) -> String {
        self.wrap("1", t)
    }
    pub fn dim(self, t: &str) -> String {
        self.wrap("2", t)
    }
}

/// The bar shown while a command runs; there is at most one.
static CURRENT: Mutex<Option<ProgressBar>> = Mutex::new(None);
/// Phases finished while a bar was active: name, items, time.
static PHASES: Mutex<Vec<(String, usize, Duration)>> = Mutex::new(Vec::new());

/// A progress bar on stderr for a command that may take long. It appears only when stdout is
/// a terminal and the command has run for a moment, so quick builds print nothing extra.
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    pub fn start(verbosity: Verbosity) -> Bar {
        PHASES.lock().unwrap_or_else(|e| e.into_inner()).clear();
        // A hidden bar still records the phases for `--verbose`.
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(spinner_style());
        bar.set_message("Building");
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.clone());
        if verbosity == Verbosity::Quiet || !std::io::stdout().is_terminal() {
            return Bar { bar: Some(bar) };
        }
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            // Under the lock, so the bar cannot be finished meanwhile.
            let current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
            if current.is_some() && !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Bar { bar: Some(bar) }
    }

    /// Phases the build reported, for `--verbose`.
    pub fn phases() -> Vec<(String, usize, Duration)> {
        PHASES.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
            bar.finish_and_clear();
            *current = None;
        }
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// One step of a build with a known number of items (`"pages"`, `"PDFs"`); call `inc` once
/// per item, from any thread.
pub struct Phase {
    bar: Option<ProgressBar>,
    name: String,
    total: usize,
    started: Instant,
}

/// Starts a phase on the current bar, if a command shows one.
pub fn phase(name: &str, total: usize) -> Phase {
    let bar = CURRENT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .cloned();
    if let Some(b) = &bar {
        b.set_style(bar_style());
        b.set_message(format!("Building {name}"));
        b.set_length(total as u64);
        b.set_position(0);
    }
    Phase {
        bar,
        name: name.to_owned(),
        total,
        started: Instant::now(),
    }
}

impl Phase {
    pub fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.set_style(spinner_style());
            b.set_message("Building");
            PHASES.lock().unwrap_or_else(|e| e.into_inner()).push((
                self.name.clone(),
                self.total,
                self.started.elapsed(),
            ));
        }
    }
}
