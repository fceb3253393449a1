//! The scenario file: JSON `{seed, brokers, until_ms, steps: [{at_ms, op, ...}]}` (see
//! README), a seed and a list of timed [`Command`]s in their JSON form. Reading is strict and
//! total: any malformed input is one [`ScenarioError`] naming the step index and the field,
//! never a panic. [`Scenario`] writes the same format back (`Serialize`).

use crate::command::form::{self, opt_u64_between};
use crate::command::json::{write_raw, Fields};
use crate::command::{Command, FieldError, Outcome};
use crate::engine::{Engine, EngineConfig, MAX_BROKERS};
use crate::error::KafkaError;
use crate::network::DEFAULT_LATENCY_MS;
use crate::producer::Delivery;
use serde::de::Deserializer;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

/// The simulator's cap on a run's length, ms (about 11.5 days of simulated time).
pub const MAX_UNTIL_MS: u64 = 1_000_000_000;
/// The simulator's cap on the number of steps.
pub const MAX_STEPS: usize = 100_000;

/// One timed command: `{"at_ms": 100, "op": "kill_broker", "broker": 2}`. A step may carry a
/// `comment`, which is ignored.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Step {
    pub at_ms: u64,
    pub command: Command,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Scenario {
    pub seed: u64,
    pub brokers: u32,
    pub until_ms: u64,
    pub latency_ms: u64,
    /// The brokers' `auto.create.topics.enable` (default true); written only when off.
    #[serde(skip_serializing_if = "form::is_true")]
    pub auto_create_topics_enable: bool,
    /// What the run is, for people (ignored by the simulator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub steps: Vec<Step>,
}

/// Why a scenario file is unusable.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ScenarioError {
    pub step: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl ScenarioError {
    fn at(step: Option<usize>, e: FieldError) -> ScenarioError {
        ScenarioError {
            step,
            field: e.field,
            message: e.message,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.step {
            write!(f, "step {i}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field \"{field}\": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

impl Step {
    /// Reads a step from its JSON object's fields.
    pub fn from_fields(mut fields: Fields) -> Result<Step, FieldError> {
        // Read on its own (a missing one says what it expects, as any field does).
        let at = fields.take("at_ms").map(|v| ("at_ms".to_string(), v));
        let at_ms = read_time(Fields(at.into_iter().collect()))?;
        if let Some(c) = fields.take("comment") {
            if serde_json::from_str::<Option<String>>(c.get()).is_err() {
                return Err(FieldError {
                    field: Some("comment".to_string()),
                    message: "expected a string".to_string(),
                });
            }
        }
        Ok(Step {
            at_ms,
            command: Command::from_fields(fields)?,
        })
    }

    /// The step on one line: `{"at_ms":100,"op":"kill_broker","broker":2}`.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"at_ms\":{},{}",
            self.at_ms,
            &self.command.to_json()[1..]
        )
    }
}

/// `{"at_ms": N}` read as the step's time.
fn read_time(fields: Fields) -> Result<u64, FieldError> {
    #[derive(Deserialize)]
    struct At {
        #[serde(deserialize_with = "form::time_ms")]
        at_ms: u64,
    }
    fields.read::<At>(None).map(|a| a.at_ms)
}

/// As JSON text only (the flat object, verbatim).
impl Serialize for Step {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        write_raw(self.to_json(), s)
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&RawValue>::deserialize(d)?;
        let fields = Fields::parse(raw.get()).map_err(serde::de::Error::custom)?;
        Step::from_fields(fields).map_err(serde::de::Error::custom)
    }
}

/// The top level of the file; steps are read one by one to name the step at fault.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopLevel<'a> {
    #[serde(default, deserialize_with = "seed")]
    seed: Option<u64>,
    #[serde(default, deserialize_with = "brokers")]
    brokers: Option<u64>,
    #[serde(default, deserialize_with = "until_ms")]
    until_ms: Option<u64>,
    #[serde(default, deserialize_with = "latency_ms")]
    latency_ms: Option<u64>,
    #[serde(default)]
    auto_create_topics_enable: Option<bool>,
    #[serde(default)]
    description: Option<String>,
    #[serde(borrow, deserialize_with = "step_list")]
    steps: Vec<&'a RawValue>,
}

fn step_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'de RawValue>, D::Error> {
    struct Steps;
    impl<'de> serde::de::Visitor<'de> for Steps {
        type Value = Vec<&'de RawValue>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of steps")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<&'de RawValue>, A::Error> {
            let mut steps = Vec::new();
            while let Some(step) = seq.next_element()? {
                steps.push(step);
            }
            Ok(steps)
        }
    }
    d.deserialize_seq(Steps)
}

fn seed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_u64_between(d, 0, u64::MAX)
}

fn brokers<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_u64_between(d, 1, u64::from(MAX_BROKERS))
}

fn until_ms<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_u64_between(d, 0, MAX_UNTIL_MS)
}

fn latency_ms<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_u64_between(d, 0, 60_000)
}

/// Parses a scenario from JSON text.
pub fn parse_scenario(text: &str) -> Result<Scenario, ScenarioError> {
    let top_error = |message: String| ScenarioError {
        step: None,
        field: None,
        message,
    };
    let root = match Fields::parse(text) {
        Ok(root) => root,
        Err(e) if e.is_data() => {
            return Err(top_error(
                "expected a JSON object at the top level".to_string(),
            ))
        }
        Err(e) => return Err(top_error(format!("invalid JSON: {e}"))),
    };
    let top: TopLevel = root.read(None).map_err(|e| ScenarioError::at(None, e))?;
    if top.steps.len() > MAX_STEPS {
        return Err(ScenarioError {
            step: None,
            field: Some("steps".to_string()),
            message: format!("at most {MAX_STEPS} steps are supported"),
        });
    }
    let mut steps = Vec::with_capacity(top.steps.len());
    for (i, raw) in top.steps.into_iter().enumerate() {
        let Ok(fields) = Fields::parse(raw.get()) else {
            return Err(ScenarioError {
                step: Some(i),
                field: None,
                message: "expected an object".to_string(),
            });
        };
        steps.push(Step::from_fields(fields).map_err(|e| ScenarioError::at(Some(i), e))?);
    }
    let until_ms = top.until_ms.unwrap_or_else(|| {
        steps
            .iter()
            .map(|s| s.at_ms)
            .max()
            .unwrap_or(0)
            .saturating_add(30_000)
            .min(MAX_UNTIL_MS)
    });
    Ok(Scenario {
        seed: top.seed.unwrap_or(0),
        brokers: top.brokers.unwrap_or(3) as u32,
        until_ms,
        latency_ms: top.latency_ms.unwrap_or(DEFAULT_LATENCY_MS),
        auto_create_topics_enable: top.auto_create_topics_enable.unwrap_or(true),
        description: top.description,
        steps,
    })
}

/// The result of running a scenario.
pub struct ScenarioRun {
    pub engine: Engine,
    /// Per step, in file order: `None` if the step was after the end of the run.
    pub results: Vec<Option<Result<Outcome, KafkaError>>>,
    pub until_ms: u64,
}

impl Scenario {
    /// The engine a run of this scenario starts from.
    pub fn new_engine(&self) -> Engine {
        Engine::new(EngineConfig {
            seed: self.seed,
            brokers: self.brokers,
            latency_ms: self.latency_ms,
            record_events: true,
            auto_create_topics_enable: self.auto_create_topics_enable,
        })
    }

    /// Step indexes in the order they run: by `at_ms`, stable for equal times.
    pub fn step_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.steps.len()).collect();
        crate::sorting::sort_by_key(&mut order, |&i| self.steps[i].at_ms);
        order
    }
}

impl Scenario {
    /// The scenario file's text: pretty JSON, each step's fields on their own lines.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario is plain JSON")
    }
}

/// Runs the steps in `at_ms` order (stable for equal times) up to `until_ms`.
pub fn run_scenario(s: &Scenario, until_override: Option<u64>) -> ScenarioRun {
    let until_ms = until_override.unwrap_or(s.until_ms);
    let mut engine = s.new_engine();
    let mut results = vec![None; s.steps.len()];
    for i in s.step_order() {
        let step = &s.steps[i];
        if step.at_ms > until_ms {
            break;
        }
        engine.advance_to(step.at_ms);
        results[i] = Some(engine.apply(step.command.clone()));
    }
    engine.advance_to(until_ms);
    ScenarioRun {
        engine,
        results,
        until_ms,
    }
}

impl ScenarioRun {
    /// `--acks`: one line per produce step, in file order.
    pub fn acks_report(&self, s: &Scenario) -> String {
        let mut out = String::new();
        for (step, result) in s.steps.iter().zip(&self.results) {
            if !matches!(step.command, Command::Produce { .. }) {
                continue;
            }
            let line = match result {
                None => "pending".to_string(),
                Some(Err(e)) => format!("error {}", e.name()),
                Some(Ok(Outcome::Produced(h))) => match self.engine.delivery(*h) {
                    Some(Delivery::Acked { tp, offset }) => format!(
                        "ack {tp}@{}",
                        offset.map_or("-1".to_string(), |o| o.0.to_string())
                    ),
                    Some(Delivery::Failed(e)) => format!("error {}", e.name()),
                    Some(Delivery::Pending) | None => "pending".to_string(),
                },
                Some(Ok(_)) => "pending".to_string(),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}
