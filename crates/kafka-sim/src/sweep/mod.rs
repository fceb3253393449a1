//! Seeded fault sweeps (TigerBeetle's VOPR, in small): for each seed a random workload with
//! random faults ([`gen`]), run with every invariant checked after every event
//! ([`crate::check`]). A failure comes back with the seed, the broken invariant, the tail of
//! the trace and a minimal scenario file ([`shrink`]) that `kafka-sim run FILE --check`
//! replays. `cargo xtask verify --seeds N [--start S]` runs it from the command line.
//!
//! The positive control ([`Workload::unclean`]) runs the same kind of workload with unclean
//! leader election enabled: it must find acked-record loss and report it as *expected* loss,
//! which proves the loss checks can fail.

#[cfg(feature = "cli")]
pub mod cli;
pub mod gen;
pub mod shrink;

use crate::check::{run_scenario_checked, Loss, LossCause, Violation};
use crate::scenario::Scenario;
use crate::trace::format_trace;

pub use gen::Workload;

/// How many trace lines a failure shows.
pub const TRACE_TAIL_LINES: usize = 40;

/// How hard a run exercised the log lifecycle, so a sweep shows its checks were real.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogCoverage {
    /// `SegmentsDeleted` and `LogCleaned` events.
    pub deletions: u64,
    pub cleanings: u64,
    /// Deliveries served after the log start had moved (`consumer-above-log-start`).
    pub deliveries_above_log_start: u64,
    /// Latest key values found in place after a cleaning (`compaction-keeps-latest`).
    pub keys_verified: u64,
}

impl LogCoverage {
    fn add(&mut self, o: &LogCoverage) {
        self.deletions += o.deletions;
        self.cleanings += o.cleanings;
        self.deliveries_above_log_start += o.deliveries_above_log_start;
        self.keys_verified += o.keys_verified;
    }
}

/// A seed's workload broke an invariant.
#[derive(Clone, Debug)]
pub struct Failure {
    pub seed: u64,
    pub violation: Violation,
    /// The last [`TRACE_TAIL_LINES`] trace lines of the minimal run.
    pub trace_tail: String,
    /// Steps in the generated workload and in the minimal one.
    pub steps_before: usize,
    pub steps_after: usize,
    /// The minimal scenario, pretty JSON.
    pub minimal_scenario: String,
}

/// What one seed did.
#[derive(Clone, Debug)]
pub struct SeedReport {
    pub seed: u64,
    /// Checks run (one per event-producing step or command).
    pub checks: u64,
    pub events: u64,
    pub log: LogCoverage,
    /// Expected losses (made visible, never violations).
    pub losses: Vec<Loss>,
    pub failure: Option<Failure>,
}

/// One checked run of a scenario.
pub struct DocRun {
    pub checks: u64,
    pub events: u64,
    pub log: LogCoverage,
    pub losses: Vec<Loss>,
    pub violation: Option<Violation>,
    pub trace_tail: String,
}

/// Runs a scenario with the checker.
pub fn run_doc(scenario: &Scenario) -> DocRun {
    let run = run_scenario_checked(scenario, None);
    let events = run.run.engine.events();
    let count = |name: &str| events.iter().filter(|e| e.event.name() == name).count() as u64;
    let (deliveries_above_log_start, keys_verified) = run.checker.log_coverage();
    DocRun {
        checks: run.checker.checks(),
        events: events.len() as u64,
        log: LogCoverage {
            deletions: count("SegmentsDeleted"),
            cleanings: count("LogCleaned"),
            deliveries_above_log_start,
            keys_verified,
        },
        losses: run.checker.losses().to_vec(),
        trace_tail: run
            .violation
            .as_ref()
            .map(|_| format_trace(&events[events.len().saturating_sub(TRACE_TAIL_LINES)..]))
            .unwrap_or_default(),
        violation: run.violation,
    }
}

/// Generates and runs `seed`'s workload; on a violation, shrinks it to a minimal scenario.
pub fn run_seed(seed: u64, w: Workload) -> SeedReport {
    let doc = gen::scenario(seed, w);
    let run = run_doc(&doc);
    let failure = run.violation.map(|v| {
        let mut minimal = shrink::minimize(&doc, v.invariant);
        minimal.description = Some(format!(
            "kafka-sim verify seed {seed}: minimal reproduction of {} ({} of {} steps); \
             replay with `kafka-sim run FILE --check --trace`",
            v.invariant,
            minimal.steps.len(),
            doc.steps.len()
        ));
        let again = run_doc(&minimal);
        let (violation, trace_tail) = match again.violation {
            Some(v2) => (v2, again.trace_tail),
            None => (v, run.trace_tail.clone()),
        };
        Failure {
            seed,
            violation,
            trace_tail,
            steps_before: doc.steps.len(),
            steps_after: minimal.steps.len(),
            minimal_scenario: minimal.to_json(),
        }
    });
    SeedReport {
        seed,
        checks: run.checks,
        events: run.events,
        log: run.log,
        losses: run.losses,
        failure,
    }
}

/// Totals over many seeds.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub seeds: u64,
    pub failed: Vec<u64>,
    pub checks: u64,
    pub events: u64,
    pub log: LogCoverage,
    /// Seeds with at least one expected loss, and the records lost.
    pub seeds_with_loss: u64,
    pub records_lost: u64,
    /// Records lost that were acked with acks=all (min ISR >= 2), after an unclean election.
    pub acks_all_lost_after_unclean: u64,
}

impl Summary {
    pub fn add(&mut self, r: &SeedReport) {
        self.seeds += 1;
        self.checks += r.checks;
        self.events += r.events;
        self.log.add(&r.log);
        if r.failure.is_some() {
            self.failed.push(r.seed);
        }
        if !r.losses.is_empty() {
            self.seeds_with_loss += 1;
        }
        for l in &r.losses {
            self.records_lost += l.count;
            if l.acks_all && l.cause == LossCause::UncleanElection {
                self.acks_all_lost_after_unclean += l.count;
            }
        }
    }
}

/// Runs seeds `start..start + count` one after another (the CLI spreads them over threads).
pub fn sweep(start: u64, count: u64, w: Workload) -> (Summary, Vec<SeedReport>) {
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    for seed in start..start.saturating_add(count) {
        let r = run_seed(seed, w);
        summary.add(&r);
        reports.push(r);
    }
    (summary, reports)
}
