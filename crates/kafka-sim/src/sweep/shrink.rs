//! Shrinking a failing workload (Zeller's delta debugging over the step list): the run is
//! first cut at the moment the invariant broke, then chunks of steps are dropped as long as
//! the same invariant still breaks, then single steps. Every candidate is re-run from the
//! start, so the result is a scenario that fails by itself.

use super::{run_doc, steps};
use crate::check::Invariant;
use serde_json::{json, Value};

/// The most re-runs one shrink may take (each is a whole run, usually well under a second).
pub const MAX_RUNS: u32 = 400;

/// A smaller document that still breaks `invariant` (or `doc` itself if nothing smaller does).
pub fn minimize(doc: &Value, invariant: Invariant) -> Value {
    minimize_by(doc, |d| {
        run_doc(d)
            .ok()?
            .violation
            .filter(|v| v.invariant == invariant)
            .map(|v| v.at_ms)
    })
}

/// A smaller document for which `fails` still answers `Some(time of the failure, ms)`.
pub fn minimize_by(doc: &Value, fails: impl Fn(&Value) -> Option<u64>) -> Value {
    let runs = std::cell::Cell::new(0u32);
    let fails = |d: &Value| -> Option<u64> {
        runs.set(runs.get() + 1);
        fails(d)
    };
    let Some(at) = fails(doc) else {
        return doc.clone();
    };
    // Nothing after the violation matters: stop the run there.
    let mut best = with_steps(doc, steps(doc).to_vec(), Some(at));
    let mut cur: Vec<Value> = steps(&best).to_vec();
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
                let complement: Vec<Value> = cur[..lo].iter().chain(&cur[hi..]).cloned().collect();
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
fn with_steps(doc: &Value, steps: Vec<Value>, until_ms: Option<u64>) -> Value {
    let mut d = doc.clone();
    d["steps"] = json!(steps);
    if let Some(u) = until_ms {
        d["until_ms"] = json!(u);
    }
    d
}
