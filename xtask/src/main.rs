//! `cargo xtask`: everything a developer or CI runs, in Rust (the cargo-xtask pattern).
//!
//! Code map:
//! - `sh.rs`: run a command, echoing it, failing fast with a readable error.
//! - `tools.rs`: check for and install the toolchain (wasm32 target, trunk, wasm-bindgen-cli,
//!   Chromium + chromedriver, node packages, wasm-opt). Idempotent: a second run installs nothing.
//! - `test.rs`: the test pipeline behind `cargo xtask test` (the README's and CI's test command).
//! - `dist.rs`: the release build into `dist/` and its gzip sizes.
//! - `bench.rs`: benchmarks (engine pipeline native and wasm32; UI frame times).
//! - `verify.rs`: the engine's seeded fault sweep and its native/wasm determinism check.
//!
//! Every task prints what it does; installs take minutes and say so before they start.

mod bench;
mod debug_format;
mod dist;
mod sh;
mod test;
mod tools;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

/// A task's failure, already phrased for the person at the terminal.
pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  serve   install what is missing, build the app and serve it with live reload
          on http://127.0.0.1:8080
  test    install what is missing, then fmt, clippy (native + wasm32), native tests,
          browser tests (wasm-bindgen-test in headless Chromium) and the end-to-end test
  dist    release build into dist/, printing the gzip size of its wasm, js and css
  bench   the engine pipeline benchmark, natively and in wasm32 (node), with the ratio
  bench-ui  [--long-seconds N] [--soak-minutes M]: frame intervals (median, p95), Pause
          latency, achieved speed and wasm memory of the release build in headless Chromium
  verify  --seeds N [--start S] [--unclean] [--expect-loss] [--jobs J]: the engine's
          seeded fault sweep, every invariant checked after every event; a failure
          prints the seed and writes a minimal scenario to target/kafka-sim-verify/
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test::run(),
        Some("dist") => dist::run().map(|_| ()),
        Some("bench") => bench::engine(),
        Some("verify") => verify::run(&args[1..]),
        Some("bench-ui") => bench::ui(&args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask serve`: the development server (trunk serve, which rebuilds and reloads on save).
fn serve() -> Result {
    tools::ensure_build_tools()?;
    tools::fetch_crates(None)?;
    sh::Cmd::new("trunk")
        .args(["serve", "--address", "127.0.0.1", "--port", "8080"])
        .run()
}

/// The workspace root (where the app's Cargo.toml, Trunk.toml and index.html are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
