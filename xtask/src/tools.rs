//! The toolchain, checked and installed on demand. Each `ensure_*` is idempotent: when the tool is
//! already there in the right version it says nothing and installs nothing.
//!
//! Versions: trunk is pinned to 0.21.14 (0.22 needs a newer rustc than this project's 1.95);
//! wasm-bindgen-cli must equal the `wasm-bindgen` version in Cargo.lock exactly, which is why
//! Cargo.toml pins wasm-bindgen with `=`.

use std::path::{Path, PathBuf};

use crate::sh::Cmd;
use crate::{root, Result};

pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What `serve` and `dist` need: the wasm32 target, trunk, wasm-bindgen-cli and wasm-opt.
pub fn ensure_build_tools() -> Result {
    ensure_rust_target(WASM_TARGET)?;
    ensure_rust_component("rust-src")?;
    ensure_trunk()?;
    ensure_wasm_bindgen_cli()?;
    ensure_node_packages("xtask/node", "binaryen and esbuild")?;
    println!(
        "build tools ready: {WASM_TARGET} (and rust-src), trunk {TRUNK_VERSION}, wasm-bindgen {}, \
         wasm-opt (npm binaryen), esbuild",
        locked_version("wasm-bindgen")?
    );
    Ok(())
}

/// Downloads every crate an offline build needs, into `cargo_home` (cargo's own when `None`):
/// trunk runs cargo `--offline` (Trunk.toml), so a crate this machine never fetched fails the
/// build (issue 21). That is the workspace's crates, for every target (`cargo fetch` resolves
/// for all of them, as an offline build's resolver needs), and the standard library's own,
/// which the release build rebuilds (`dist::build`). Once they are there it downloads nothing.
pub fn fetch_crates(cargo_home: Option<&Path>) -> Result {
    Cmd::new("cargo")
        .args(["fetch", "--locked"])
        .cargo_home(cargo_home)
        .run()?;
    Cmd::new("cargo")
        .args(["fetch", "--locked", "--manifest-path"])
        .args([std_library_manifest()?])
        // The library's manifest uses a cargo feature of nightly (`profile-rustflags`).
        .env("RUSTC_BOOTSTRAP", "1")
        .cargo_home(cargo_home)
        .run()
}

/// The standard library's workspace manifest in the toolchain's rust-src component (what
/// `-Zbuild-std` builds, with its own Cargo.lock).
fn std_library_manifest() -> Result<PathBuf> {
    let sysroot = Cmd::new("rustc")
        .args(["--print", "sysroot"])
        .probe()
        .ok_or("`rustc --print sysroot` failed")?;
    let manifest = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    if manifest.exists() {
        Ok(manifest)
    } else {
        Err(format!(
            "{} is missing: the rust-src component is needed (`rustup component add rust-src`)",
            manifest.display()
        ))
    }
}

/// What `test` needs on top: Chromium, chromedriver and the end-to-end test's node packages.
pub fn ensure_test_tools() -> Result {
    ensure_build_tools()?;
    ensure_chromium()?;
    ensure_node_packages("tests/e2e", "playwright-core")?;
    println!("test tools ready: Debian chromium + chromium-driver, playwright-core");
    Ok(())
}

/// Adds a Rust target (standard library for another platform) with rustup unless installed.
pub fn ensure_rust_target(target: &str) -> Result {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .probe()
        .ok_or_else(|| {
            format!("`rustup` is needed to add the {target} target; install rustup first")
        })?;
    if installed.lines().any(|line| line.trim() == target) {
        return Ok(());
    }
    println!("installing the Rust target {target} (a minute)...");
    Cmd::new("rustup").args(["target", "add", target]).run()
}

/// Adds a rustup component (rust-src: the standard library's source, which the release bundle
/// rebuilds for size; see `dist::build`) unless installed.
fn ensure_rust_component(component: &str) -> Result {
    let installed = Cmd::new("rustup")
        .args(["component", "list", "--installed"])
        .probe()
        .ok_or_else(|| format!("`rustup` is needed to add {component}; install rustup first"))?;
    if installed
        .lines()
        .any(|line| line.trim().starts_with(component))
    {
        return Ok(());
    }
    println!("installing the Rust component {component} (a few seconds)...");
    Cmd::new("rustup")
        .args(["component", "add", component])
        .run()
}

fn ensure_trunk() -> Result {
    let wanted = format!("trunk {TRUNK_VERSION}");
    if Cmd::new("trunk")
        .arg_version()
        .probe()
        .as_deref()
        .map(str::trim)
        == Some(wanted.as_str())
    {
        return Ok(());
    }
    println!("installing {wanted} with cargo (about 7 minutes on 2 cores)...");
    Cmd::new("cargo")
        .args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"])
        .run()
}

fn ensure_wasm_bindgen_cli() -> Result {
    let version = locked_version("wasm-bindgen")?;
    let wanted = format!("wasm-bindgen {version}");
    let found = Cmd::new("wasm-bindgen").arg_version().probe();
    // `wasm-bindgen --version` may append a git hash: compare the first two words.
    let found_words: Vec<&str> = found
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .take(2)
        .collect();
    if found_words.join(" ") == wanted
        && Cmd::new("wasm-bindgen-test-runner")
            .arg_version()
            .probe()
            .is_some()
    {
        return Ok(());
    }
    println!("installing wasm-bindgen-cli {version} with cargo (a few minutes)...");
    // Not --locked: the CLI's own lock file pins a crate version the registry no longer has.
    Cmd::new("cargo")
        .args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ])
        .run()
}

fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let packages = "chromium chromium-driver";
    if !running_as_root() {
        return Err(format!(
            "the browser tests need Debian's Chromium and its driver at {CHROMIUM} and \
             {CHROMEDRIVER}: run `sudo apt-get install -y {packages}`, then try again"
        ));
    }
    println!("installing Debian's {packages} with apt-get (a minute or two)...");
    Cmd::new("apt-get").args(["update", "-qq"]).run()?;
    Cmd::new("apt-get")
        .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
}

/// Installs the npm packages of `dir` (relative to the root) from its package-lock.json with
/// `npm ci`, unless node_modules already matches the lock file. `what` names them for the log.
fn ensure_node_packages(dir: &str, what: &str) -> Result {
    let dir = root().join(dir);
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    if is_newer(&installed, &lock) {
        return Ok(());
    }
    if Cmd::new("npm").arg_version().probe().is_none() {
        return Err(format!(
            "Node.js and npm are needed for {what}: install them (Debian: nodejs npm)"
        ));
    }
    println!(
        "installing npm package {what} in {} (npm ci)...",
        dir.display()
    );
    Cmd::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .dir(&dir)
        .run()
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let header = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == header {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    Err(format!("Cargo.lock has no package `{package}`"))
}

fn running_as_root() -> bool {
    Cmd::new("id")
        .args(["-u"])
        .probe()
        .is_some_and(|uid| uid.trim() == "0")
}

/// True when `a` exists and was modified no earlier than `b`.
fn is_newer(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(a), modified(b)) {
        (Some(a), Some(b)) => a >= b,
        _ => false,
    }
}

trait VersionArg {
    fn arg_version(self) -> Self;
}

impl VersionArg for Cmd {
    fn arg_version(self) -> Self {
        self.args(["--version"])
    }
}
