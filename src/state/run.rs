//! The run: the cluster the app opened on and every command given since, each at the simulated
//! time it was given. The engine is deterministic, so this is the whole run: replaying it gives
//! the same cluster, event for event. It is what "Export scenario" writes (the CLI's scenario
//! format: `kafka-sim run FILE` shows the same cluster) and what "Import scenario" reads.

use kafka_sim::scenario::{parse_scenario, run_scenario, Scenario, Step};
use kafka_sim::{Command, Engine};

use crate::i18n::{trf, Lang};
use crate::opening::Preset;

/// The largest scenario file or link the app opens, bytes (a long session of clicks is a few
/// KB; this bounds what a hostile file or link can make the page hold).
pub const MAX_SCENARIO_BYTES: usize = 4_000_000;
/// The longest run the app replays when opening one, simulated ms, per cluster: replaying
/// is simulating, and the page should open in seconds, not minutes.
pub fn max_replay_ms(brokers: u32) -> u64 {
    if brokers > 6 {
        20 * 60_000
    } else {
        4 * 3_600_000
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The opening cluster and its commands at t = 0 (a preset's, or an imported file's).
    pub opening: Scenario,
    /// What the user did, in the order given (times never decrease).
    pub steps: Vec<Step>,
}

impl Run {
    pub fn new(preset: Preset) -> Run {
        Run {
            opening: preset.scenario(),
            steps: Vec::new(),
        }
    }

    /// Remembers `command`, given at `at_ms`.
    pub fn record(&mut self, at_ms: u64, command: Command) {
        self.steps.push(Step { at_ms, command });
    }

    /// The run as a scenario file that runs to `until_ms`.
    pub fn scenario(&self, until_ms: u64) -> Scenario {
        let mut s = self.opening.clone();
        s.steps.extend(self.steps.iter().cloned());
        s.until_ms = until_ms;
        s
    }

    /// The cluster at `until_ms`: the opening and the commands given until then, replayed.
    pub fn replay(&self, until_ms: u64) -> Engine {
        run_scenario(&self.scenario(until_ms), None).engine
    }

    /// The scenario file's text (pretty JSON, one field per line).
    pub fn export(&self, until_ms: u64) -> String {
        self.scenario(until_ms).to_json()
    }

    /// A run read from a scenario file, and the time it runs to. Its steps at t = 0 are the
    /// opening; the later ones are commands of the run (they can be undone, and the timeline
    /// replays them), in the order `kafka-sim run` applies them.
    /// Why it is refused is said in `lang` (a scenario file's own error, naming the step and
    /// field, stays as `kafka-sim` says it).
    pub fn import(lang: Lang, text: &str) -> Result<(Run, u64), String> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(trf(
                lang,
                "it is {} bytes; the app opens scenarios of at most {}",
                &[&text.len(), &MAX_SCENARIO_BYTES],
            ));
        }
        let mut opening = parse_scenario(text).map_err(|e| e.to_string())?;
        let until = opening.until_ms;
        let limit = max_replay_ms(opening.brokers);
        if until > limit {
            return Err(trf(
                lang,
                "it runs to {}; the app replays at most {} of a cluster of {} brokers (until_ms at most {})",
                &[
                    &crate::state::timeline::clock_text(until),
                    &crate::state::timeline::clock_text(limit),
                    &opening.brokers,
                    &limit,
                ],
            ));
        }
        kafka_sim::sorting::sort_by_key(&mut opening.steps, |s| s.at_ms);
        let first_later = opening.steps.partition_point(|s| s.at_ms == 0);
        let steps = opening.steps.split_off(first_later);
        Ok((Run { opening, steps }, until))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::state::forms::Panel;
    use crate::state::{Action, SimState};
    use kafka_sim::describe::describe_topics;
    use kafka_sim::BrokerId;
    use std::rc::Rc;
    use yew::Reducible;

    /// The engine's whole state as JSON, without the events not yet drained.
    pub(crate) fn state_bytes(engine: &mut Engine) -> String {
        engine.take_events();
        serde_json::to_string(engine).expect("the engine serializes")
    }

    /// A session of clicks: a broker killed and restarted, a record sent, a topic created.
    pub(crate) fn session() -> Rc<SimState> {
        let mut state = Rc::new(SimState::default());
        let act = |state: Rc<SimState>, at: u64, action: Action| {
            state.engine.borrow_mut().advance_to(at);
            state.reduce(action)
        };
        let kill = Command::KillBroker {
            broker: BrokerId(2),
        };
        state = act(state, 7_321, Action::Command(Panel::Details, kill));
        let record = Command::Produce {
            topic: "orders".into(),
            key: Some(b"customer-42".to_vec()),
            value: Some(b"a book".to_vec()),
            headers: Vec::new(),
            partition: None,
            acks: kafka_sim::Acks::All,
            enable_idempotence: None,
        };
        state = act(state, 15_000, Action::Command(Panel::Produce, record));
        let create = Action::CreateTopic {
            name: "audit".into(),
            partitions: "3".into(),
            replication_factor: "2".into(),
            min_insync_replicas: "1".into(),
        };
        state = act(state, 21_005, create);
        let restart = Command::RestartBroker {
            broker: BrokerId(2),
        };
        state = act(state, 33_333, Action::Command(Panel::Details, restart));
        state.engine.borrow_mut().advance_to(60_000);
        state.reduce(Action::DismissError)
    }

    #[test]
    fn an_exported_run_imports_to_the_identical_cluster() {
        let state = session();
        let now = state.engine().now();
        let text = state.run().export(now);
        assert!(text.contains("\"op\":\"kill_broker\""), "{text}");
        let (run, until) = Run::import(Lang::En, &text).expect("the export reads back");
        assert_eq!(until, now);
        let mut replayed = run.replay(until);
        let mut live = state.engine.borrow_mut();
        assert_eq!(describe_topics(&replayed), describe_topics(&live));
        assert_eq!(state_bytes(&mut replayed), state_bytes(&mut live));
        // And the file round-trips unchanged.
        assert_eq!(run.export(until), text);
    }

    #[test]
    fn a_scenario_opens_as_its_preset() {
        let state = session();
        let text = state.run().export(state.engine().now());
        let (run, _) = Run::import(Lang::En, &text).unwrap();
        assert_eq!(Preset::of(&run.opening), Some(Preset::Classic));
        let large = Run::new(Preset::Large).scenario(0);
        assert_eq!(Preset::of(&large), Some(Preset::Large));
        let other = kafka_sim::scenario::parse_scenario(r#"{"steps": []}"#).unwrap();
        assert_eq!(Preset::of(&other), None);
    }
}
