//! A scenario run with every invariant checked after every step and command: what
//! `kafka-sim run FILE --check` and the sweeps use. It follows
//! [`crate::scenario::run_scenario`] exactly (steps in `at_ms` order, stable for equal times,
//! then on to `until_ms`), one event at a time, so the trace is the same byte for byte.

use super::{Checker, Violation};
use crate::engine::{Engine, EngineConfig};
use crate::scenario::{Scenario, ScenarioRun};

/// The run, the checker (with its expected losses) and the first broken invariant, if any.
/// The run stops where the invariant broke.
pub struct CheckedRun {
    pub run: ScenarioRun,
    pub checker: Checker,
    pub violation: Option<Violation>,
}

pub fn run_scenario_checked(s: &Scenario, until_override: Option<u64>) -> CheckedRun {
    let until_ms = until_override.unwrap_or(s.until_ms);
    let mut engine = Engine::new(EngineConfig {
        seed: s.seed,
        brokers: s.brokers,
        latency_ms: s.latency_ms,
        record_events: true,
    });
    let mut checker = Checker::new();
    let mut order: Vec<usize> = (0..s.steps.len()).collect();
    order.sort_by_key(|&i| s.steps[i].at_ms);
    let mut results = vec![None; s.steps.len()];
    let mut outcome = checker.check(&engine);
    for i in order {
        let step = &s.steps[i];
        if outcome.is_err() || step.at_ms > until_ms {
            break;
        }
        outcome = super::run_checked(&mut engine, &mut checker, step.at_ms);
        if outcome.is_err() {
            break;
        }
        results[i] = Some(engine.apply(step.command.clone()));
        outcome = checker.check(&engine);
    }
    if outcome.is_ok() {
        outcome = super::run_checked(&mut engine, &mut checker, until_ms);
    }
    if outcome.is_ok() {
        outcome = checker.finish(&engine);
    }
    CheckedRun {
        run: ScenarioRun {
            engine,
            results,
            until_ms,
        },
        checker,
        violation: outcome.err(),
    }
}
