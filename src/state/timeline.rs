//! Time travel over the run. The engine is deterministic, so any earlier moment is the opening
//! replayed with the commands given until then; copies of the engine taken every few simulated
//! seconds (thinned as the run grows, so memory stays bounded) make that replay short.
//!
//! Going back leaves the run's later commands in place: playing on replays them as the clock
//! reaches their times, so the same future unfolds. Acting in the past forks: the old future
//! is kept as a branch the user can return to, and the new command starts a new one.

use crate::i18n::{tr, trf, Lang};
use kafka_sim::guarantees::GuaranteeLedger;
use kafka_sim::scenario::Step;
use kafka_sim::{Command, Engine};

use super::history::History;
use super::run::Run;

/// Snapshots kept at most for a small cluster; past this every other one goes and the
/// spacing doubles.
const MAX_SNAPSHOTS: usize = 48;
/// Simulated time between snapshots at the start of a run of a small cluster.
const FIRST_SNAPSHOT_EVERY_MS: u64 = 5_000;
/// Replicas of a small cluster (the classic one has 18). A snapshot costs about its replicas'
/// logs' structure, and each pins the records it holds: a bigger cluster takes snapshots more
/// rarely and keeps fewer, only the newest (measured with `cargo xtask bench-ui`: the large
/// cluster at 100x held 592 MB with the small cluster's policy, see ARCHITECTURE.md).
const SMALL_CLUSTER_REPLICAS: u64 = 18;

/// How often to snapshot a cluster of `replicas` replicas and how many snapshots to keep.
fn snapshot_policy(replicas: u64) -> (u64, usize, bool) {
    if replicas <= 2 * SMALL_CLUSTER_REPLICAS {
        (FIRST_SNAPSHOT_EVERY_MS, MAX_SNAPSHOTS, false)
    } else {
        let every = FIRST_SNAPSHOT_EVERY_MS * replicas / SMALL_CLUSTER_REPLICAS;
        let keep = (MAX_SNAPSHOTS as u64 * SMALL_CLUSTER_REPLICAS / replicas).clamp(2, 8);
        (every, keep as usize, true)
    }
}

/// The engine as it was at `at_ms`, with the first `cursor` steps of the run applied, and the
/// guarantee ledger fed every event the engine had reported by then (those it still holds,
/// not taken yet, are fed when a replay from it takes them).
#[derive(Clone)]
struct Snapshot {
    at_ms: u64,
    cursor: usize,
    engine: Engine,
    ledger: GuaranteeLedger,
}

/// A future the user left by acting in the past (or by switching to another branch).
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub run: Run,
    /// How far that branch had run.
    pub end_ms: u64,
}

impl Branch {
    /// "3 command(s), last: kill_broker at 0:07.3, runs to 1:02.5", in `lang` (the command's
    /// name is the scenario file's op: kept as is).
    pub fn label(&self, lang: Lang) -> String {
        let last = self.run.steps.last().map_or_else(
            || tr(lang, "no commands").to_string(),
            |s| {
                trf(
                    lang,
                    "last: {} at {}",
                    &[&s.command.op_name(), &clock_text(s.at_ms)],
                )
            },
        );
        trf(
            lang,
            "{} command(s), {}, runs to {}",
            &[&self.run.steps.len(), &last, &clock_text(self.end_ms)],
        )
    }
}

/// `m:ss.s` of simulated time (integers only: float formatting costs the bundle KBs).
pub fn clock_text(ms: u64) -> String {
    let tenths = ms / 100;
    format!("{}:{:02}.{}", tenths / 600, tenths / 10 % 60, tenths % 10)
}

pub struct Timeline {
    pub run: Run,
    /// Steps of the run already applied to the engine on screen; the rest are its future.
    pub cursor: usize,
    /// The furthest time this branch has been run to.
    pub end_ms: u64,
    pub branches: Vec<Branch>,
    snapshots: Vec<Snapshot>,
    every_ms: u64,
    /// Snapshots kept besides the opening.
    keep: usize,
    /// Keep the newest `keep` (a big cluster) rather than thin them over the whole run.
    rolling: bool,
}

impl Timeline {
    /// A timeline showing `engine`, the run replayed to its time; later steps of the run
    /// are its future.
    pub fn new(run: Run, engine: &Engine) -> Timeline {
        let at_ms = engine.now();
        let cursor = run.steps.partition_point(|s| s.at_ms <= at_ms);
        let end_ms = run.steps.last().map_or(at_ms, |s| s.at_ms.max(at_ms));
        // The opening itself is the first snapshot: the engine shown when it is at 0, else
        // the run replayed to 0 (an imported run opened at its end).
        let start = if at_ms == 0 {
            engine.clone()
        } else {
            run.replay(0)
        };
        // Neither engine has handed out its events yet: their ledgers start empty.
        let mut snapshots = vec![Snapshot {
            at_ms: 0,
            cursor: run.steps.iter().take_while(|s| s.at_ms == 0).count(),
            engine: start,
            ledger: GuaranteeLedger::new(),
        }];
        if at_ms > 0 {
            snapshots.push(Snapshot {
                at_ms,
                cursor,
                engine: engine.clone(),
                ledger: GuaranteeLedger::new(),
            });
        }
        let replicas: u64 = engine
            .topics_view()
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|p| p.replicas.len() as u64)
            .sum();
        let (every_ms, keep, rolling) = snapshot_policy(replicas);
        Timeline {
            run,
            cursor,
            end_ms,
            branches: Vec::new(),
            snapshots,
            every_ms,
            keep,
            rolling,
        }
    }

    /// Whether the screen shows an earlier moment than the branch has reached.
    pub fn in_past(&self, now: u64) -> bool {
        now < self.end_ms || self.cursor < self.run.steps.len()
    }

    /// When the next step of the run's future is due (the clock must stop there to apply it).
    pub fn next_due_ms(&self) -> Option<u64> {
        self.run.steps.get(self.cursor).map(|s| s.at_ms)
    }

    /// Applies the future's steps that are due at the engine's time (after a frame or a step).
    pub fn apply_due(&mut self, engine: &mut Engine) {
        while let Some(step) = self.run.steps.get(self.cursor) {
            if step.at_ms > engine.now() {
                break;
            }
            engine.advance_to(step.at_ms);
            let _ = engine.apply(step.command.clone());
            self.cursor += 1;
        }
    }

    /// After the clock moved (and `ledger` was fed the events `engine` reported): the
    /// branch's reach, and a snapshot when one is due.
    pub fn after_advance(&mut self, engine: &Engine, ledger: &GuaranteeLedger) {
        let now = engine.now();
        self.end_ms = self.end_ms.max(now);
        let last = self.snapshots.last().map_or(0, |s| s.at_ms);
        if now >= last + self.every_ms {
            self.snapshots.push(Snapshot {
                at_ms: now,
                cursor: self.cursor,
                engine: engine.clone(),
                ledger: ledger.clone(),
            });
            if self.snapshots.len() > self.keep + 1 {
                if self.rolling {
                    // The oldest after the opening goes.
                    self.snapshots.remove(1);
                } else {
                    let mut i = 0;
                    self.snapshots.retain(|_| {
                        i += 1;
                        i % 2 == 1
                    });
                    self.every_ms *= 2;
                }
            }
        }
    }

    /// Records a user's command given at `at_ms` (the engine's time). Given in the past, it
    /// forks: the old future becomes a branch and the run's later steps are dropped from this
    /// one, with its later history and snapshots.
    pub fn record(&mut self, at_ms: u64, command: Command, history: &mut History) {
        if self.in_past(at_ms) {
            self.branches.push(Branch {
                run: self.run.clone(),
                end_ms: self.end_ms,
            });
            self.cut(at_ms, history);
        }
        self.run.steps.push(Step { at_ms, command });
        self.cursor = self.run.steps.len();
    }

    /// Drops what lies after `at_ms` (and the steps not applied yet) from this branch.
    fn cut(&mut self, at_ms: u64, history: &mut History) {
        self.run.steps.truncate(self.cursor);
        self.end_ms = at_ms;
        let kept = self.cursor;
        self.snapshots
            .retain(|s| s.at_ms <= at_ms && s.cursor <= kept);
        history.truncate_after(at_ms);
    }

    /// The engine at `t` (within the branch's reach): replayed from the latest snapshot at or
    /// before it. Events older than `history`'s newest are already in it; newer ones are added.
    /// `ledger` becomes the ledger as of `t`.
    pub fn seek(&mut self, t: u64, history: &mut History, ledger: &mut GuaranteeLedger) -> Engine {
        let t = t.min(self.end_ms);
        // Replay from before the newest recorded event, so the history has no gap.
        let from = t.min(history.last_at().unwrap_or(0));
        let snap = self
            .snapshots
            .iter()
            .rev()
            .find(|s| s.at_ms <= from)
            .expect("the opening snapshot is at 0");
        let mut engine = snap.engine.clone();
        *ledger = snap.ledger.clone();
        self.cursor = snap.cursor;
        // The future's steps up to `t` are applied as the clock reaches them.
        while let Some(at_ms) = self.next_due_ms().filter(|at| *at <= t) {
            engine.advance_to(at_ms);
            self.apply_due(&mut engine);
        }
        engine.advance_to(t);
        let events = engine.take_events();
        ledger.feed(&engine, &events);
        history.record_new(&events, &engine);
        engine
    }

    /// Undo: back to just before the last command applied, which is dropped (the run with it
    /// is kept as a branch). `None` when there is nothing to undo.
    pub fn undo(&mut self, history: &mut History, ledger: &mut GuaranteeLedger) -> Option<Engine> {
        let last = self.cursor.checked_sub(1)?;
        let at_ms = self.run.steps[last].at_ms;
        self.branches.push(Branch {
            run: self.run.clone(),
            end_ms: self.end_ms,
        });
        self.cursor = last;
        self.cut(at_ms, history);
        Some(self.seek(at_ms, history, ledger))
    }

    /// Whether there is a command to undo.
    pub fn can_undo(&self) -> bool {
        self.cursor > 0
    }

    /// Switches to branch `i`; the current run becomes a branch in its place. The screen
    /// shows the branch where it had run to.
    pub fn switch(
        &mut self,
        i: usize,
        history: &mut History,
        ledger: &mut GuaranteeLedger,
    ) -> Option<Engine> {
        let branch = self.branches.get(i)?.clone();
        let common = self
            .run
            .steps
            .iter()
            .zip(&branch.run.steps)
            .take_while(|(a, b)| a == b)
            .count();
        let diverge_ms = [self.run.steps.get(common), branch.run.steps.get(common)]
            .into_iter()
            .flatten()
            .map(|s| s.at_ms)
            .min()
            .unwrap_or(u64::MAX);
        self.branches[i] = Branch {
            run: self.run.clone(),
            end_ms: self.end_ms,
        };
        self.run = branch.run;
        self.end_ms = branch.end_ms;
        self.snapshots
            .retain(|s| s.cursor <= common && s.at_ms <= diverge_ms);
        history.truncate_after(diverge_ms.saturating_sub(1));
        let end = self.end_ms;
        Some(self.seek(end, history, ledger))
    }

    /// How many engine copies are kept (bounded by `snapshot_policy`).
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::state::clock::Wall;
    use crate::state::forms::Panel;
    use crate::state::run::tests::{session, state_bytes};
    use crate::state::{Action, SimState};
    use kafka_sim::BrokerId;
    use std::rc::Rc;
    use yew::Reducible;

    fn now(state: &SimState) -> u64 {
        state.engine().now()
    }

    fn bytes(state: &SimState) -> String {
        state_bytes(&mut state.engine.borrow_mut())
    }

    /// Plays `ms` of simulated time in frames, as the browser does (at 100x, no time limit).
    pub(crate) fn play(mut state: Rc<SimState>, ms: u64) -> Rc<SimState> {
        fn never() -> f64 {
            0.0
        }
        if !state.clock.playing {
            state = state.reduce(Action::TogglePlay);
        }
        state = state.reduce(Action::SetSpeed(100.0));
        let until = now(&state) + ms;
        while now(&state) < until {
            let real_ms = ((until - now(&state)) as f64 / 100.0).min(16.0);
            state = state.reduce(Action::Frame {
                real_ms: real_ms.max(0.01),
                frames: 1,
                wall: Wall { now: never },
            });
        }
        state
    }

    #[test]
    fn scrubbing_back_and_forward_again_gives_the_identical_state() {
        let state = session();
        let end = now(&state);
        let there = bytes(&state);
        let state = state.reduce(Action::Seek(12_345));
        assert_eq!(now(&state), 12_345);
        assert!(state.in_past());
        assert!(!state.history().is_empty());
        let lines = state.history().len();
        let told_late = state.history().told().any(|t| t.at > 12_345);
        assert!(!told_late, "the narration is as of then");
        let back = state.reduce(Action::Seek(end));
        assert_eq!(now(&back), end);
        assert_eq!(bytes(&back), there, "the same moment, byte for byte");
        assert!(
            back.history().len() > lines,
            "the log shows the later events again"
        );
    }

    /// The ledger a `kafka-sim run --ledger` of the run to the moment shown prints.
    fn ledger_of_replay(state: &SimState) -> GuaranteeLedger {
        let engine = state.run().replay(now(state));
        let mut ledger = GuaranteeLedger::new();
        ledger.feed(&engine, engine.events());
        ledger
    }

    #[test]
    fn the_guarantee_ledger_follows_the_timeline() {
        let state = play(session(), 30_000);
        let end = now(&state);
        let counts = state.ledger().counts();
        assert!(counts.acked > 0 && counts.delivered > 0, "records flowed");
        assert_eq!(counts, ledger_of_replay(&state).counts());
        let back = state.reduce(Action::Seek(12_345));
        let then = back.ledger().counts();
        assert!(then.delivered < counts.delivered, "fewer records by then");
        let replayed = ledger_of_replay(&back);
        assert_eq!(then, replayed.counts());
        assert_eq!(back.ledger().entries(), replayed.entries());
        let again = back.reduce(Action::Seek(end));
        assert_eq!(again.ledger().counts(), counts, "and forward again");
    }

    #[test]
    fn playing_from_the_past_replays_the_recorded_future() {
        let state = session();
        let end = now(&state);
        let there = bytes(&state);
        // Back before the kill (7.3 s) and the restart: playing on repeats them.
        let state = state.reduce(Action::Seek(5_000));
        let state = play(state, end - 5_000);
        assert_eq!(now(&state), end);
        assert_eq!(bytes(&state), there);
        assert_eq!(state.timeline().branches.len(), 0, "nothing was forked");
    }

    #[test]
    fn acting_in_the_past_forks_and_the_old_future_stays_reachable() {
        let state = session();
        let end = now(&state);
        let old_future = bytes(&state);
        let state = state.reduce(Action::Seek(10_000));
        let add = Command::AddBroker { broker: None };
        let state = state.reduce(Action::Command(Panel::Brokers, add));
        assert_eq!(state.timeline().branches.len(), 1);
        assert!(!state.in_past(), "the new branch starts here");
        assert_eq!(state.timeline().end_ms, 10_000);
        let kept = state.timeline().branches[0].run.steps.len();
        assert_eq!(kept, 4, "the old branch keeps its four commands");
        assert_eq!(state.run().steps.len(), 2, "the kill, then the new broker");
        let state = play(state, 5_000);
        let new_future = bytes(&state);
        // Back to the old branch: its own end, byte for byte.
        let state = state.reduce(Action::SwitchBranch(0));
        assert_eq!(now(&state), end);
        assert_eq!(bytes(&state), old_future);
        // And the new one is a branch now, still reachable.
        let state = state.reduce(Action::SwitchBranch(0));
        assert_eq!(bytes(&state), new_future);
    }

    #[test]
    fn undo_takes_back_the_last_command_and_keeps_it_as_a_branch() {
        let state = session();
        let restart_at = 33_333;
        let undone = state.reduce(Action::Undo);
        assert_eq!(now(&undone), restart_at);
        assert_eq!(undone.run().steps.len(), 3);
        assert_eq!(undone.timeline().branches.len(), 1);
        let broker_2_dead = undone
            .engine()
            .brokers_view()
            .iter()
            .any(|b| b.id == BrokerId(2) && !b.alive);
        assert!(broker_2_dead, "the restart is taken back");
        let undone = play(undone, 1_000);
        assert!(undone
            .engine()
            .brokers_view()
            .iter()
            .any(|b| b.id == BrokerId(2) && !b.alive));
    }

    #[test]
    fn a_big_cluster_keeps_few_snapshots_far_apart() {
        assert_eq!(snapshot_policy(18), (5_000, 48, false));
        let (every, keep, rolling) = snapshot_policy(300);
        assert!(rolling && keep <= 8 && every >= 60_000, "{every} {keep}");
        let mut state = Rc::new(SimState::new(crate::opening::Preset::Large));
        state = play(state, 600_000);
        assert!(state.timeline().snapshot_count() <= keep + 1);
        let state = state.reduce(Action::Seek(590_000));
        assert_eq!(now(&state), 590_000);
    }

    #[test]
    fn snapshots_stay_bounded_over_an_hour() {
        let mut state = Rc::new(SimState::default());
        state = play(state, 3_600_000);
        let count = state.timeline().snapshot_count();
        assert!(count <= MAX_SNAPSHOTS + 1, "{count}");
        let state = state.reduce(Action::Seek(1_800_000));
        assert_eq!(now(&state), 1_800_000);
    }
}
