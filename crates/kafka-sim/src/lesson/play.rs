//! [`Player`]: plays a lesson the way the app drives it when the learner presses "Show me"
//! at every step: the starting scenario is run as `kafka-sim run` runs it (to its
//! `until_ms`), then, step by step, the show_me commands are applied at the current time
//! and simulated time flows in ticks of [`TICK_MS`] until the checkpoint holds, for at most
//! [`MAX_WAIT_MS`]. With checking on, every invariant of `check/` is checked after every
//! event, as `kafka-sim run --check` does.

use super::Step;
use crate::check::{run_checked, run_scenario_checked, Checker, Violation};
use crate::engine::Engine;
use crate::error::KafkaError;
use crate::ids::SimTime;
use crate::scenario::{run_scenario, Scenario};
use std::fmt;

/// How far simulated time moves between two looks at a checkpoint (the app looks every
/// frame; 100 ms is finer than anything a learner sees).
pub const TICK_MS: u64 = 100;
/// How long a step may take after its show_me commands: every checkpoint of a lesson must be
/// reachable within two minutes of simulated time, or the learner is left waiting.
pub const MAX_WAIT_MS: u64 = 120_000;

/// A lesson being played.
pub struct Player {
    pub engine: Engine,
    checker: Option<Checker>,
}

/// A step met: when, and how long after its show_me commands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct StepMet {
    pub at: SimTime,
    pub elapsed_ms: u64,
}

/// Why a step could not be played.
#[derive(Clone, PartialEq, Debug)]
pub enum StepFailure {
    /// The checkpoint held before the step's show_me: the step would be ticked before the
    /// learner did anything (a lesson design bug).
    AlreadyHolds { at: SimTime },
    /// Kafka rejected one of the show_me commands (index in the list).
    Rejected { command: usize, error: KafkaError },
    /// The checkpoint did not hold within [`MAX_WAIT_MS`].
    NotMet { elapsed_ms: u64 },
    /// An invariant broke (checking on).
    Invariant(Violation),
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepFailure::AlreadyHolds { at } => {
                write!(f, "the checkpoint already holds at {at} ms, before show_me")
            }
            StepFailure::Rejected { command, error } => {
                write!(f, "show_me command {} rejected: {error}", command + 1)
            }
            StepFailure::NotMet { elapsed_ms } => {
                write!(f, "the checkpoint does not hold after {elapsed_ms} ms")
            }
            StepFailure::Invariant(v) => write!(f, "invariant broken: {v}"),
        }
    }
}

impl Player {
    /// Runs the starting scenario to its `until_ms`; with `check`, checking every invariant
    /// after every event (a violation in the scenario itself is the error).
    pub fn start(scenario: &Scenario, check: bool) -> Result<Player, Violation> {
        if !check {
            return Ok(Player {
                engine: run_scenario(scenario, None).engine,
                checker: None,
            });
        }
        let run = run_scenario_checked(scenario, None);
        if let Some(v) = run.violation {
            return Err(v);
        }
        Ok(Player {
            engine: run.run.engine,
            checker: Some(run.checker),
        })
    }

    /// Plays one step: the checkpoint must not hold yet; the show_me commands are applied
    /// now; then time flows by [`TICK_MS`] until the checkpoint holds.
    pub fn play(&mut self, step: &Step) -> Result<StepMet, StepFailure> {
        let start = self.engine.now();
        if step.checkpoint.holds(&self.engine) {
            return Err(StepFailure::AlreadyHolds { at: start });
        }
        for (i, c) in step.show_me.iter().enumerate() {
            self.engine
                .apply(c.clone())
                .map_err(|error| StepFailure::Rejected { command: i, error })?;
            self.check()?;
        }
        let mut elapsed = 0;
        loop {
            if step.checkpoint.holds(&self.engine) {
                return Ok(StepMet {
                    at: self.engine.now(),
                    elapsed_ms: elapsed,
                });
            }
            if elapsed >= MAX_WAIT_MS {
                return Err(StepFailure::NotMet {
                    elapsed_ms: elapsed,
                });
            }
            elapsed += TICK_MS;
            self.advance_to(start + elapsed)?;
        }
    }

    /// Lets simulated time flow for `ms` without doing anything (a learner reading).
    pub fn pause(&mut self, ms: u64) -> Result<(), StepFailure> {
        let t = self.engine.now() + ms;
        self.advance_to(t)
    }

    fn advance_to(&mut self, t: SimTime) -> Result<(), StepFailure> {
        match &mut self.checker {
            Some(c) => run_checked(&mut self.engine, c, t).map_err(StepFailure::Invariant),
            None => {
                self.engine.advance_to(t);
                Ok(())
            }
        }
    }

    fn check(&mut self) -> Result<(), StepFailure> {
        match &mut self.checker {
            Some(c) => c.check(&self.engine).map_err(StepFailure::Invariant),
            None => Ok(()),
        }
    }
}
