//! Lessons as data: a guided experiment is a starting scenario plus steps, each with a short
//! explanation in English and Brazilian Portuguese, an action for the learner, a
//! [`Checkpoint`] (a predicate over the engine's current state) and the commands of its
//! "Show me" button. The files live in the repository's `lessons/` folder (the app fetches
//! them; `tests/lessons.rs` plays every one).
//!
//! Code map:
//! - this file: the format ([`Lesson`], [`Step`], [`Text`]) and reading it from JSON.
//! - `checkpoint.rs`: [`Checkpoint`] and [`Checkpoint::holds`], read from the engine's views.
//! - `read.rs`: a checkpoint read from its JSON (by hand: it keeps the browser bundle small).
//! - `words.rs`: a checkpoint in words, for the CLI (`kafka-sim lesson`).
//! - `validate.rs`: [`Lesson::check`] and [`check_index`]: what a lesson file must satisfy.
//! - `play.rs`: [`Player`]: plays a lesson by its show_me commands, as the app and the tests do.
//! - `cli.rs`: `kafka-sim lesson LESSON.json` (the `cli` feature).
//!
//! Checkpoints look at state, never at events: going back on the app's timeline to a state
//! where a checkpoint no longer holds unticks it by itself.

mod checkpoint;
#[cfg(feature = "cli")]
pub mod cli;
mod play;
mod read;
mod validate;
mod words;

pub use checkpoint::Checkpoint;
pub use play::{Player, StepFailure, StepMet, MAX_WAIT_MS, TICK_MS};
pub use validate::check_index;

use crate::command::Command;
use serde::{Deserialize, Serialize};

/// A text in the two languages KafkaScope speaks. Kafka's own names (configs, exception
/// names) stay as Kafka writes them in both.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    #[serde(rename = "pt-BR")]
    pub pt_br: String,
}

/// One guided experiment.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// A slug, unique among the lessons (`events-and-decoupling`).
    pub id: String,
    pub title: Text,
    /// The file name of its starting scenario, next to the lesson file
    /// (`01-events-and-decoupling.scenario.json`): the scenario is run to its `until_ms`, and
    /// the steps start there.
    pub scenario: String,
    pub steps: Vec<Step>,
}

/// One step: read, do, and see the checkpoint tick.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// One or two sentences of explanation.
    pub text: Text,
    /// What the learner should do, one short imperative.
    pub action: Text,
    /// Met when this holds on the engine's current state.
    pub checkpoint: Checkpoint,
    /// The commands "Show me" applies at the current time; time then flows until the
    /// checkpoint holds. Empty for a step whose action is to wait and watch.
    pub show_me: Vec<Command>,
}

/// `lessons/index.json`: the lesson ids, in order.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonIndex {
    pub lessons: Vec<IndexEntry>,
}

/// One lesson of the index: its id and its file name in the same folder.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexEntry {
    pub id: String,
    pub file: String,
}

/// Reads a lesson file (JSON). Errors are serde's message, with line and column.
pub fn parse_lesson(text: &str) -> Result<Lesson, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Reads `lessons/index.json`.
pub fn parse_index(text: &str) -> Result<LessonIndex, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
