//! `tsushin mail send` killed with SIGKILL at random moments (while it prepares, between
//! messages, after a message went but before its `sent` record, while a record is written),
//! then run again each time: no recipient ever holds two copies unless the rerun reported it
//! uncertain, and after a last `--resend-uncertain` for those only, nobody is without a copy.

mod common;
#[path = "mail/support.rs"]
mod support;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

/// xorshift64*: enough randomness for kill moments, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [lo, hi).
    fn between(&mut self, lo: Duration, hi: Duration) -> Duration {
        let span = (hi - lo).as_micros().max(1) as u64;
        lo + Duration::from_micros(self.next() % span)
    }
}

fn clear(dir: &std::path::Path) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        std::fs::remove_file(e.path()).unwrap();
    }
}

#[test]
fn sigkill_at_twenty_random_moments_never_sends_twice_nor_skips_anyone() {
    let tmp = scratch();
    // Each message: 50 ms before it is stored, 50 ms more before the reply.
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &["--slow", "0.05"]);
    let f = site(&srv);
    let root = f.root();
    let log = root.join(".tsushin/mail-log.jsonl");

    // How long a whole run takes here, so that the kills fall inside one.
    let t = Instant::now();
    let o = send(&f, &["--yes", "5"]);
    let whole = t.elapsed();
    assert!(o.status.success(), "{}", show(&o));

    let seed = std::env::var("TSUSHIN_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("kill seed {seed} (TSUSHIN_KILL_SEED={seed} repeats it); a run takes {whole:?}");
    let mut rng = Rng(seed);
    let (mut uncertain_total, mut partial_runs) = (0, 0);
    for round in 0..20 {
        std::fs::remove_file(&log).unwrap();
        clear(&srv.dir);
        let at = rng.between(whole / 4, whole + whole / 10);
        let mut child = Command::new(env!("CARGO_BIN_EXE_tsushin"))
            .args(["mail", "send", "--number", "5", "--yes", "5", "--root"])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        child.kill().unwrap();
        child.wait().unwrap();
        let after_kill = srv.copies();
        assert!(
            after_kill.values().all(|n| *n == 1),
            "round {round}: {after_kill:?}"
        );
        if !after_kill.is_empty() && after_kill.len() < 5 {
            partial_runs += 1;
        }

        // The rerun: everyone without a copy gets one, nobody gets a second.
        let rerun = send_confirmed(&f, &[]);
        let st = states(&rerun);
        let uncertain: BTreeSet<String> = st
            .iter()
            .filter(|(_, s)| *s == "uncertain")
            .map(|(a, _)| a.clone())
            .collect();
        let copies = srv.copies();
        for a in ADDRESSES {
            let n = copies.get(a).copied().unwrap_or(0);
            if uncertain.contains(a) {
                assert!(
                    n <= 1,
                    "round {round} (kill at {at:?}): {a} has {n}\n{}",
                    show(&rerun)
                );
            } else {
                assert_eq!(
                    n,
                    1,
                    "round {round} (kill at {at:?}): {a} has {n}\n{}",
                    show(&rerun)
                );
            }
        }
        assert_eq!(
            rerun.status.success(),
            uncertain.is_empty(),
            "{}",
            show(&rerun)
        );

        // The author resends to the uncertain ones only: then nobody lacks a copy, and only
        // an uncertain one may hold two.
        if !uncertain.is_empty() {
            uncertain_total += uncertain.len();
            let resend = send_confirmed(&f, &["--resend-uncertain"]);
            assert!(resend.status.success(), "round {round}: {}", show(&resend));
            let copies = srv.copies();
            for a in ADDRESSES {
                let n = copies.get(a).copied().unwrap_or(0);
                assert!(n >= 1, "round {round}: {a} has no copy");
                assert!(
                    n == 1 || (n == 2 && uncertain.contains(a)),
                    "round {round}: {a} has {n}"
                );
            }
        }
    }
    eprintln!(
        "20 kills: {partial_runs} left some recipients without a copy, {uncertain_total} \
         deliveries were uncertain"
    );
}
