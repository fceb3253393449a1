//! Running the `kafka-sim` binary and comparing its output with `tests/snapshots/`
//! (shared by tests/cli.rs and tests/cli_groups.rs).

use std::path::PathBuf;
use std::process::Command;

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `kafka-sim ARGS...` in the crate directory: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
        .args(args)
        .current_dir(crate_dir())
        .output()
        .expect("run kafka-sim");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `kafka-sim ARGS...`, which must exit 0, and compares its stdout with
/// `tests/snapshots/NAME` (or rewrites that file under `UPDATE_SNAPSHOTS=1`); returns stdout.
pub fn snapshot(name: &str, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{stderr}");
    let path = crate_dir().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &stdout).unwrap();
        return stdout;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if stdout != expected {
        let first = stdout
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(stdout.lines().count().min(expected.lines().count()));
        panic!(
            "{name} differs at line {}:\n  got:      {:?}\n  expected: {:?}",
            first + 1,
            stdout.lines().nth(first),
            expected.lines().nth(first)
        );
    }
    stdout
}
