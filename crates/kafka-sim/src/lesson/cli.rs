//! `kafka-sim lesson LESSON.json [--check]`: plays a lesson by its show_me commands, as the
//! app does when the learner presses "Show me" at every step, and prints when each step's
//! checkpoint was met. The starting scenario is the file the lesson names, next to it.
//!
//! Exit codes: 0 every step met, 1 a step failed (already met before its show_me, a show_me
//! command rejected, not met within 120 s, or with `--check` a broken invariant), 2 bad usage
//! or an unreadable or invalid lesson or scenario file.

use super::{parse_lesson, Player};
use crate::scenario::parse_scenario;
use std::path::Path;
use std::process::ExitCode;

pub const USAGE: &str = "usage: kafka-sim lesson LESSON.json [--check]";

pub fn main(args: &[String]) -> ExitCode {
    let mut path = None;
    let mut check = false;
    for a in args {
        match a.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with("--") => return usage(&format!("unknown option '{s}'")),
            s if path.is_none() => path = Some(s.to_string()),
            s => return usage(&format!("unexpected argument '{s}'")),
        }
    }
    let Some(path) = path else {
        return usage("missing LESSON.json");
    };
    match play(Path::new(&path), check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("kafka-sim: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage(e: &str) -> ExitCode {
    eprintln!("kafka-sim: {e}\n{USAGE}");
    ExitCode::from(2)
}

/// Plays the lesson, printing one line per step; `Ok(false)` when a step failed.
fn play(path: &Path, check: bool) -> Result<bool, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let lesson = parse_lesson(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    lesson
        .check()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let scenario_path = path.with_file_name(&lesson.scenario);
    let scenario = parse_scenario(&read(&scenario_path)?)
        .map_err(|e| format!("{}: {e}", scenario_path.display()))?;
    println!("lesson {}: {}", lesson.id, lesson.title.en);
    let mut player = match Player::start(&scenario, check) {
        Ok(p) => p,
        Err(v) => {
            println!("start   FAILED: the starting scenario breaks {v}");
            return Ok(false);
        }
    };
    println!(
        "start   at {:>7} ms  {}",
        player.engine.now(),
        lesson.scenario
    );
    for (i, step) in lesson.steps.iter().enumerate() {
        match player.play(step) {
            Ok(met) => println!(
                "step {:<2} met at {:>7} ms  (+{} ms)  {}",
                i + 1,
                met.at,
                met.elapsed_ms,
                step.checkpoint.words()
            ),
            Err(e) => {
                println!(
                    "step {:<2} FAILED at {:>7} ms: {e}  ({})",
                    i + 1,
                    player.engine.now(),
                    step.checkpoint.words()
                );
                return Ok(false);
            }
        }
    }
    Ok(true)
}
