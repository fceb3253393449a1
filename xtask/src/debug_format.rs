//! The release bundle is built with `-Zfmt-debug=none` (`dist::build`): there every `{:?}`
//! prints nothing. This check keeps Debug formatting out of the code the browser runs, so no
//! text a user reads can come out empty: the app (`src/`) and the engine
//! (`crates/kafka-sim/src/`) outside its native-only parts (the fault sweep, the invariant
//! checks, the command-line tool) and outside tests.

use std::path::{Path, PathBuf};

use crate::dist::files_under;
use crate::{root, Result};

/// Engine folders and files the browser never runs.
const NATIVE_ONLY: [&str; 3] = ["sweep", "check", "bin"];

pub fn check() -> Result {
    let root = root();
    let mut files = rust_files(&root.join("src"))?;
    let engine = root.join("crates/kafka-sim/src");
    files.extend(
        rust_files(&engine)?
            .into_iter()
            .filter(|f| !NATIVE_ONLY.iter().any(|n| f.starts_with(engine.join(n)))),
    );
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        found.extend(debug_formats(&text).into_iter().map(|(line, code)| {
            let name = file.strip_prefix(&root).unwrap_or(file).display();
            format!("  {name}:{line}: {}", code.trim())
        }));
    }
    if found.is_empty() {
        println!(
            "no Debug formatting in the {} files the browser runs",
            files.len()
        );
        return Ok(());
    }
    Err(format!(
        "Debug formatting prints nothing in the release bundle; write these with Display:\n{}",
        found.join("\n")
    ))
}

/// The lines (1-based) of `text` before its `#[cfg(test)]` module that format with `{:?}` or
/// `{:#?}` (named or positional).
fn debug_formats(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| line.contains(":?}") || line.contains(":#?}"))
        .map(|(i, line)| (i + 1, line))
        .collect()
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let files = files_under(dir)?;
    Ok(files
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::debug_formats;

    #[test]
    fn finds_debug_formats_outside_tests_and_comments() {
        let text = "let a = format!(\"{x:?}\");\n// {y:?}\nlet b = format!(\"{}\", z);\n\
                    let c = format!(\"{:#?}\", w);\n#[cfg(test)]\nlet d = format!(\"{:?}\", v);";
        let lines: Vec<usize> = debug_formats(text).into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, [1, 4]);
    }
}
