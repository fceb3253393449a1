//! Shrinking a failing workload (Zeller's delta debugging over the step list): the run is
//! first cut at the moment the invariant broke, then chunks of steps are dropped as long as
//! the same invariant still breaks, then single steps. Every candidate is re-run from the
//! start, so the result is a scenario that fails by itself.

use super::run_doc;
use crate::check::Invariant;
use crate::scenario::{Scenario, Step};

/// The most re-runs one shrink may take (each is a whole run, usually well under a second).
pub const MAX_RUNS: u32 = 400;

/// A smaller document that still breaks `invariant` (or `doc` itself if nothing smaller does).
pub fn minimize(doc: &Scenario, invariant: Invariant) -> Scenario {
    minimize_by(doc, |d| {
        run_doc(d)
            .violation
            .filter(|v| v.invariant == invariant)
            .map(|v| v.at_ms)
    })
}

/// A smaller document for which `fails` still answers `Some(time of the failure, ms)`.
pub fn minimize_by(doc: &Scenario, fails: impl Fn(&Scenario) -> Option<u64>) -> Scenario {
    let runs = std::cell::Cell::new(0u32);
    let fails = |d: &Scenario| -> Option<u64> {
        runs.set(runs.get() + 1);
        fails(d)
    };
    let Some(at) = fails(doc) else {
        return doc.clone();
    };
    // Nothing after the violation matters: stop the run there.
    let mut best = with_steps(doc, doc.steps.clone(), Some(at));
    let mut cur: Vec<Step> = best.steps.clone();
    let mut n = 2usize;
    while cur.len() >= 2 && runs.get() < MAX_RUNS {
        let chunk = cur.len().div_ceil(n);
        // The first complement (all steps but one chunk) that still fails, if any.
        let found = (0..n)
            .map(|i| (i * chunk, ((i + 1) * chunk).min(cur.len())))
            .take_while(|(lo, _)| *lo < cur.len())
            .find_map(|(lo, hi)| {
                if runs.get() >= MAX_RUNS {
                    return None;
                }
                let complement: Vec<Step> = cur[..lo].iter().chain(&cur[hi..]).cloned().collect();
                let candidate = with_steps(&best, complement.clone(), None);
                fails(&candidate).map(|at| (candidate, complement, at))
            });
        match found {
            Some((candidate, complement, at)) => {
                best = with_steps(&candidate, complement.clone(), Some(at));
                cur = complement;
                n = (n - 1).max(2);
            }
            None if n >= cur.len() => break,
            None => n = (n * 2).min(cur.len()),
        }
    }
    best
}

/// `doc` with other steps and, if given, a run that ends at `until_ms`.
fn with_steps(doc: &Scenario, steps: Vec<Step>, until_ms: Option<u64>) -> Scenario {
    Scenario {
        steps,
        until_ms: until_ms.unwrap_or(doc.until_ms),
        ..doc.clone()
    }
}
