//! A scenario run with every invariant checked after every step and command: what
//! `kafka-sim run FILE --check` and the sweeps use. It follows
//! [`crate::scenario::run_scenario`] exactly (steps in `at_ms` order, stable for equal times,
//! then on to `until_ms`), one event at a time, so the trace is the same byte for byte.

use super::{Checker, Violation};
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
    let mut engine = s.new_engine();
    let mut checker = Checker::new();
    let mut results = vec![None; s.steps.len()];
    let mut outcome = checker.check(&engine);
    for i in s.step_order() {
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
