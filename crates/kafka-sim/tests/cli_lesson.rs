//! `kafka-sim lesson`: the output of a lesson played by its show_me commands (a snapshot),
//! exit code 1 for a step that cannot be played, 2 for a bad lesson file.

mod common;
use common::cli::{run, snapshot};

#[test]
fn a_lesson_prints_each_step_and_when_it_was_met() {
    let out = snapshot(
        "lesson-events-and-decoupling.txt",
        &[
            "lesson",
            "../../lessons/01-events-and-decoupling.json",
            "--check",
        ],
    );
    assert_eq!(out.lines().filter(|l| l.contains(" met at ")).count(), 4);
}

/// A copy of lesson 01 in a temporary folder with its scenario, `edit` applied to the lesson.
fn edited(name: &str, edit: impl Fn(String) -> String) -> String {
    let src = common::cli::crate_dir().join("../../lessons");
    let dir = std::env::temp_dir().join(format!("kafka-sim-lesson-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = "01-events-and-decoupling.scenario.json";
    std::fs::copy(src.join(scenario), dir.join(scenario)).unwrap();
    let lesson = std::fs::read_to_string(src.join("01-events-and-decoupling.json")).unwrap();
    let path = dir.join("lesson.json");
    std::fs::write(&path, edit(lesson)).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_step_met_before_its_show_me_fails_with_exit_1() {
    // Step 2 waits for a lag of only 1 instead of 40, so payments is back by 11.3 s with a
    // backlog its consumer drains at once: step 4's "lag at most 30" holds before its turn.
    let path = edited("pre-ticked", |l| l.replacen("\"lag\": 40", "\"lag\": 1", 1));
    let (code, out, _) = run(&["lesson", &path]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("step 4  FAILED at") && out.contains("already holds"),
        "{out}"
    );
}

#[test]
fn a_step_never_met_fails_with_exit_1() {
    let path = edited("never", |l| l.replacen("\"lag\": 40", "\"lag\": 100000", 1));
    let (code, out, _) = run(&["lesson", &path]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("does not hold after 120000 ms"), "{out}");
}

#[test]
fn bad_lessons_and_usage_exit_2() {
    let path = edited("bad", |l| l.replacen("\"pt-BR\"", "\"pt\"", 1));
    let (code, _, err) = run(&["lesson", &path]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown field `pt`"), "{err}");
    let path = edited("missing-scenario", |l| {
        l.replacen(
            "01-events-and-decoupling.scenario.json",
            "none.scenario.json",
            1,
        )
    });
    let (code, _, err) = run(&["lesson", &path]);
    assert_eq!(code, 2);
    assert!(err.contains("none.scenario.json"), "{err}");
    let (code, _, err) = run(&["lesson"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing LESSON.json"), "{err}");
}
