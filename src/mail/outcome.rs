//! What one `mail send` run does and how it ends for each recipient: the messages to send
//! (`Selection`, `Job`), the recipients' final states (`Final`, `Kind`). The sending loop
//! (`deliver`), the command (`send`) and the printed report (`report`) all use these; none
//! of them imports another for them.

use std::collections::BTreeMap;

use lettre::Address;

use super::log::Delivery;
use super::message::Outgoing;

/// One message and the envelope recipients it still has to reach.
pub struct Job<'a> {
    pub msg: &'a Outgoing,
    pub to: Vec<Address>,
}

/// What this run does, from the log: who gets the page now, who had it already.
pub struct Selection<'a> {
    pub jobs: Vec<Job<'a>>,
    /// Recipients that already have this PDF (`sent`).
    pub already: Vec<String>,
    /// Uncertain deliveries of this PDF that are not resent.
    pub uncertain_kept: Vec<Delivery>,
    /// Uncertain deliveries of this PDF sent again (`--resend-uncertain`).
    pub uncertain_resent: Vec<String>,
}

impl Selection<'_> {
    /// How many recipients this run sends to.
    pub fn count(&self) -> usize {
        self.jobs.iter().map(|j| j.to.len()).sum()
    }
}

/// An address as the log keys it.
pub fn key(a: &Address) -> String {
    a.to_string().to_lowercase()
}

/// The state of one recipient at the end of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Sent,
    Failed,
    /// The message may have arrived: the connection broke before the server's reply.
    Uncertain,
    /// Not tried (interrupted, or the server could not be reached).
    NotSent,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Sent => "sent",
            Kind::Failed => "failed",
            Kind::Uncertain => "uncertain",
            Kind::NotSent => "not-sent",
        }
    }
}

/// The outcome of a run, per recipient (latest state wins), in the order first seen.
#[derive(Debug, Default)]
pub struct Final {
    order: Vec<String>,
    states: BTreeMap<String, (Kind, String)>,
    /// A problem that stopped the run (the log could not be written).
    pub stopped_by: Option<crate::diag::Diagnostic>,
}

impl Final {
    pub fn set(&mut self, recipient: String, kind: Kind, reply: String) {
        if !self.states.contains_key(&recipient) {
            self.order.push(recipient.clone());
        }
        self.states.insert(recipient, (kind, reply));
    }

    pub fn has(&self, recipient: &str) -> bool {
        self.states.contains_key(recipient)
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.states.values().filter(|(k, _)| *k == kind).count()
    }

    pub fn each(&self, kind: Kind) -> impl Iterator<Item = (&str, &str)> {
        self.order
            .iter()
            .filter_map(move |r| match &self.states[r] {
                (k, reply) if *k == kind => Some((r.as_str(), reply.as_str())),
                _ => None,
            })
    }
}
