//! `cargo xtask dist`: the release build into `dist/`, and the gzip size of what a browser
//! downloads (wasm, js, css), which the bundle budget in ARCHITECTURE.md is measured against.

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::sh::Cmd;
use crate::{root, tools, Result};

/// Builds dist/ and prints its gzip sizes; returns the total gzip bytes.
pub fn run() -> Result<u64> {
    tools::ensure_build_tools()?;
    build(None)?;
    report(&root().join("dist"))
}

/// `trunk build --release` into dist/ (trunk runs wasm-bindgen and wasm-opt; Trunk.toml keeps it
/// offline so it never downloads a tool), then esbuild minifies the JS. The crates it needs are
/// fetched first, into `cargo_home` (cargo's own when `None`; the end-to-end test passes an
/// empty one, as a fresh machine has).
///
/// The wasm is built with the standard library rebuilt for size, panics compiled to a bare trap
/// (`-Cpanic=immediate-abort`: no panic messages or their formatting, 30 KB gzip less) and
/// Debug formatting compiled out (`-Zfmt-debug=none`, 3.7 KB less; `debug_format.rs` keeps
/// `{:?}` out of the browser's code). These are unstable options, which `RUSTC_BOOTSTRAP=1`
/// lets this stable toolchain use for this one build (ARCHITECTURE.md, "Bundle"); a panic then
/// shows the page's banner without its message (`panic_report.rs`). Debug builds and tests are
/// unchanged.
pub fn build(cargo_home: Option<&Path>) -> Result {
    tools::fetch_crates(cargo_home)?;
    Cmd::new("trunk")
        .args(["build", "--release"])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env(
            "RUSTFLAGS",
            "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none",
        )
        .cargo_home(cargo_home)
        .run()?;
    Cmd::new("node")
        .args(["xtask/node/minify-js.mjs", "dist"])
        .run()
}

/// Every file under `dir` (wasm-bindgen's JS snippets live in subfolders).
pub fn files_under(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

/// Prints one line per wasm/js/css file of `dist` (snippets included) with raw and gzip
/// bytes, then the sum.
pub fn report(dist: &Path) -> Result<u64> {
    let mut entries: Vec<_> = files_under(dist)?
        .into_iter()
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .collect();
    entries.sort();
    let mut total_gzip = 0;
    println!("\n{:<48} {:>10} {:>10}", "dist file", "bytes", "gzip");
    for path in &entries {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let gzip = gzip_len(&bytes);
        total_gzip += gzip;
        let name = path.strip_prefix(dist).unwrap_or(path).to_string_lossy();
        println!("{name:<48} {:>10} {gzip:>10}", bytes.len());
    }
    println!(
        "{:<48} {:>10} {total_gzip:>10}",
        "total (wasm + js + css)", ""
    );
    Ok(total_gzip)
}

/// Size after `gzip -9`, what a static server would send.
fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bytes)
        .expect("writing to a Vec cannot fail");
    encoder
        .finish()
        .expect("writing to a Vec cannot fail")
        .len() as u64
}
