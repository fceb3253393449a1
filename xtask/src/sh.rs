//! Running commands: echo them, run them in the workspace root, fail fast with a clear error.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::Result;

/// A command to run, echoed before it starts, in the workspace root unless told otherwise.
pub struct Cmd {
    program: String,
    args: Vec<OsString>,
    envs: Vec<(String, OsString)>,
    dir: PathBuf,
}

impl Cmd {
    pub fn new(program: &str) -> Self {
        Cmd {
            program: program.to_string(),
            args: Vec::new(),
            envs: Vec::new(),
            dir: crate::root(),
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.envs.push((key.to_string(), value.into()));
        self
    }

    /// Runs cargo (and what it starts) with this `CARGO_HOME`, its registry and caches; `None`
    /// keeps cargo's own. Tools stay found: PATH holds cargo's own bin dir ([`tool_path`]).
    pub fn cargo_home(self, home: Option<&std::path::Path>) -> Self {
        match home {
            Some(home) => self.env("CARGO_HOME", home),
            None => self,
        }
    }

    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(&self.dir);
        command.env("PATH", tool_path());
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        command
    }

    fn display(&self) -> String {
        let mut line = self.program.clone();
        for arg in &self.args {
            line.push(' ');
            line.push_str(&arg.to_string_lossy());
        }
        line
    }

    /// Runs it with inherited output; a non-zero exit is an error naming the command.
    pub fn run(self) -> Result {
        println!("$ {}", self.display());
        let status = self
            .command()
            .status()
            .map_err(|e| format!("could not start `{}`: {e}", self.program))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed ({status})", self.display()))
        }
    }

    /// Runs it, printing and returning its stdout (stderr passes through); fails like `run`.
    pub fn output(self) -> Result<String> {
        println!("$ {}", self.display());
        let output = self
            .command()
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("could not start `{}`: {e}", self.program))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        print!("{stdout}");
        if output.status.success() {
            Ok(stdout)
        } else {
            Err(format!("`{}` failed ({})", self.display(), output.status))
        }
    }

    /// Runs it quietly and returns its stdout, or None if it cannot start or fails.
    /// Used for probes such as `trunk --version`.
    pub fn probe(self) -> Option<String> {
        let output = self
            .command()
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// `cargo SUBCOMMAND -q --release -p kafka-sim`: the start of the engine crate's release
/// builds, runs and tests; add the target (`--bin`, `--example`, `--test`) and the rest.
pub fn cargo_release_kafka_sim(subcommand: &str) -> Cmd {
    Cmd::new("cargo").args([subcommand, "-q", "--release", "-p", "kafka-sim"])
}

/// PATH for child processes: the npm build tools first (binaryen's wasm-opt, chosen over an older
/// system one: ARCHITECTURE.md, "Bundle"), then cargo's bin dir (where `cargo install` puts trunk
/// and wasm-bindgen), so a fresh shell that lacks it in PATH still finds what we installed.
pub fn tool_path() -> OsString {
    let mut dirs = vec![
        crate::root().join("xtask/node/node_modules/.bin"),
        cargo_bin_dir(),
    ];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries contain no separator")
}

pub fn cargo_bin_dir() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin"),
    }
}

/// Cargo's target directory (`CARGO_TARGET_DIR` if set), where builds put what they make.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| crate::root().join("target"), PathBuf::from)
}
