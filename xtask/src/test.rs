//! `cargo xtask test`: the whole suite, in order, failing fast. This is the README's test command
//! and what `.ci/run` runs on a fresh machine.

use std::time::Instant;

use crate::sh::{target_dir, Cmd};
use crate::{debug_format, dist, tools, verify, Result};

/// Crates the engine must never depend on (ARCHITECTURE.md, invariant "the engine knows nothing
/// of the web"): the engine has to compile, test and stay deterministic without a browser.
const WEB_CRATES: [&str; 5] = ["yew", "web-sys", "js-sys", "wasm-bindgen", "getrandom"];

/// One step of the pipeline: a name for the log and the function that runs it.
type Step = (&'static str, fn() -> Result);

pub fn run() -> Result {
    let started = Instant::now();
    tools::ensure_test_tools()?;
    let steps: [Step; 10] = [
        ("format", format),
        ("engine dependencies", engine_has_no_web_dependencies),
        (
            "no Debug formatting in the browser's code",
            debug_format::check,
        ),
        ("clippy (native)", clippy_native),
        ("clippy (wasm32)", clippy_wasm),
        ("native tests", native_tests),
        (
            "engine fault sweep (500 seeds, positive control)",
            engine_sweep,
        ),
        (
            "engine determinism (native twice, wasm32-wasip1 under node)",
            engine_determinism,
        ),
        (
            "browser tests (wasm-bindgen-test, headless Chromium)",
            browser_tests,
        ),
        ("end-to-end test of the release build", end_to_end),
    ];
    for (name, step) in steps {
        let step_started = Instant::now();
        println!("\n==> {name}");
        step().map_err(|e| format!("{name}: {e}"))?;
        println!("<== {name}: ok ({:.0?})", step_started.elapsed());
    }
    println!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}

fn format() -> Result {
    Cmd::new("cargo").args(["fmt", "--all", "--check"]).run()
}

fn engine_has_no_web_dependencies() -> Result {
    let tree = Cmd::new("cargo")
        .args([
            "tree",
            "-p",
            "kafka-sim",
            "-e",
            "normal",
            "--target",
            "all",
            "--prefix",
            "none",
        ])
        .probe()
        .ok_or("`cargo tree -p kafka-sim` failed")?;
    let forbidden: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| WEB_CRATES.contains(name))
        .collect();
    if forbidden.is_empty() {
        println!("kafka-sim depends on none of {}", WEB_CRATES.join(", "));
        Ok(())
    } else {
        Err(format!(
            "kafka-sim must not depend on {}",
            forbidden.join(", ")
        ))
    }
}

fn clippy_native() -> Result {
    Cmd::new("cargo")
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .run()
}

fn clippy_wasm() -> Result {
    Cmd::new("cargo")
        .args([
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "kafkascope",
            "-p",
            "kafka-sim",
        ])
        .args(["--all-targets", "--", "-D", "warnings"])
        .run()
}

fn native_tests() -> Result {
    Cmd::new("cargo").args(["test", "--workspace"]).run()
}

/// The engine checks itself: seeded fault sweeps with every invariant after every event
/// (xtask/src/verify.rs, issue 6).
fn engine_sweep() -> Result {
    verify::sweep()
}

/// The same scenario gives the same bytes natively, twice, and in wasm32.
fn engine_determinism() -> Result {
    verify::determinism()
}

/// The app's `tests/*.rs`, compiled to wasm32 and run by wasm-bindgen-test-runner (the cargo
/// runner set in .cargo/config.toml) in headless Chromium with the flags of webdriver.json.
fn browser_tests() -> Result {
    Cmd::new("cargo")
        .args([
            "test",
            "-p",
            "kafkascope",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .run()
}

/// Builds dist/ as users get it, then drives it in headless Chromium (tests/e2e/e2e.mjs).
///
/// The build runs as on a fresh machine: with an empty `CARGO_HOME` (the tools stay on PATH),
/// so it finds only the crates xtask fetched into it. A crate the offline build needs that
/// xtask does not fetch fails here, not on a new user's machine (issue 21: the standard
/// library's own crates were missing and only this machine's registry had them).
fn end_to_end() -> Result {
    let fresh_home = target_dir().join("fresh-cargo-home");
    if fresh_home.exists() {
        std::fs::remove_dir_all(&fresh_home)
            .map_err(|e| format!("cannot empty {}: {e}", fresh_home.display()))?;
    }
    dist::build(Some(&fresh_home))?;
    Cmd::new("node")
        .args(["tests/e2e/e2e.mjs", "--dist", "dist", "--out", "target/e2e"])
        .env("CHROMIUM", tools::CHROMIUM)
        // Exported scenarios are checked against the CLI (built by the sweep step above).
        .env("KAFKA_SIM", target_dir().join("release/kafka-sim"))
        .run()
}
