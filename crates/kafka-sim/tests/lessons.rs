//! Every lesson in the repository's `lessons/` folder, played as the app plays it when the
//! learner presses "Show me" at each step: the starting scenario runs as `kafka-sim run`
//! runs it, then each step's checkpoint must not hold yet, its show_me commands are applied,
//! and simulated time flows by 100 ms until the checkpoint holds (at most 120 s), with every
//! invariant checked after every event. Also: every lesson file passes `Lesson::check`, the
//! index lists them all, and every scenario file parses.

use kafka_sim::lesson::{check_index, parse_index, parse_lesson, Lesson, LessonIndex, Player};
use kafka_sim::scenario::{parse_scenario, Scenario};
use std::path::PathBuf;

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons")
}

fn read(name: &str) -> String {
    let path = lessons_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn index() -> LessonIndex {
    parse_index(&read("index.json")).unwrap_or_else(|e| panic!("index.json: {e}"))
}

fn lessons() -> Vec<Lesson> {
    index()
        .lessons
        .iter()
        .map(|e| parse_lesson(&read(&e.file)).unwrap_or_else(|err| panic!("{}: {err}", e.file)))
        .collect()
}

fn scenario(lesson: &Lesson) -> Scenario {
    parse_scenario(&read(&lesson.scenario))
        .unwrap_or_else(|e| panic!("{}: {}: {e}", lesson.id, lesson.scenario))
}

#[test]
fn every_lesson_file_is_valid_and_listed_once() {
    let index = index();
    let lessons = lessons();
    assert!(
        lessons.len() >= 12,
        "{} lessons, at least 12 wanted",
        lessons.len()
    );
    check_index(&index, &lessons).unwrap_or_else(|e| panic!("{e}"));
    // Every lesson file in the folder is in the index (none forgotten).
    let mut files: Vec<String> = std::fs::read_dir(lessons_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".json") && !f.ends_with(".scenario.json") && f != "index.json")
        .collect();
    files.sort();
    let mut listed: Vec<String> = index.lessons.iter().map(|e| e.file.clone()).collect();
    listed.sort();
    assert_eq!(files, listed, "lesson files on disk versus the index");
}

#[test]
fn every_scenario_file_parses_and_is_used() {
    let lessons = lessons();
    for lesson in &lessons {
        // The lesson starts where the scenario's run ends: after its last step.
        let s = scenario(lesson);
        let last = s.steps.iter().map(|st| st.at_ms).max().unwrap_or(0);
        assert!(
            last <= s.until_ms,
            "{}: steps after until_ms never run",
            lesson.id
        );
    }
    let used: Vec<&str> = lessons.iter().map(|l| l.scenario.as_str()).collect();
    for f in std::fs::read_dir(lessons_dir()).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".scenario.json") {
            assert!(used.contains(&name.as_str()), "{name} belongs to no lesson");
        }
    }
}

#[test]
fn every_lesson_is_completed_by_its_show_me_commands() {
    let mut failures = Vec::new();
    for lesson in lessons() {
        let mut player = Player::start(&scenario(&lesson), true)
            .unwrap_or_else(|v| panic!("{}: the starting scenario breaks {v}", lesson.id));
        for (i, step) in lesson.steps.iter().enumerate() {
            let at = player.engine.now();
            match player.play(step) {
                Ok(met) => eprintln!(
                    "{} step {}: met at {} ms (+{} ms)",
                    lesson.id,
                    i + 1,
                    met.at,
                    met.elapsed_ms
                ),
                Err(e) => {
                    failures.push(format!(
                        "{} step {} (started at {at} ms, {}): {e}",
                        lesson.id,
                        i + 1,
                        step.checkpoint.words()
                    ));
                    break;
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A learner who reads for a while before each action: every step that asks for an action
/// must still be unticked after the pause (time alone must not do the learner's part), and
/// still reachable. Steps whose action is to wait (no show_me) are played without a pause:
/// waiting is their action.
#[test]
fn a_slow_learner_is_not_ticked_ahead_and_still_finishes() {
    // 20 s per step. Longer breaks retention-and-reprocessing: its retention step needs the
    // learner to act before the brokers' first retention check (30 s after they start);
    // after that the next check is log.retention.check.interval.ms (5 min) away, past the
    // 120 s a step may take.
    const READING_MS: u64 = 20_000;
    let mut failures = Vec::new();
    for lesson in lessons() {
        let mut player = Player::start(&scenario(&lesson), true)
            .unwrap_or_else(|v| panic!("{}: the starting scenario breaks {v}", lesson.id));
        for (i, step) in lesson.steps.iter().enumerate() {
            if !step.show_me.is_empty() {
                if let Err(e) = player.pause(READING_MS) {
                    failures.push(format!("{} step {}: {e}", lesson.id, i + 1));
                    break;
                }
            }
            let at = player.engine.now();
            if let Err(e) = player.play(step) {
                failures.push(format!(
                    "{} step {} (started at {at} ms, {}): {e}",
                    lesson.id,
                    i + 1,
                    step.checkpoint.words()
                ));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
