//! The app's words in English and Brazilian Portuguese.
//!
//! English is the key: every user-visible string is written in English in the code and passed
//! through [`tr`] (or [`trf`] when it has values, `{}` in order). `pt_br.rs` maps each one to
//! Portuguese. A native test (below) reads every `tr(`/`trf(` call in `src/` and fails on a
//! string that has no Portuguese entry, on an entry nothing uses, and on a translation whose
//! `{}` count differs from its English. Kafka's own names (configs, exception names, CLI
//! output) are never translated.
//!
//! The language is chosen with the "Language" control, remembered in localStorage, and at
//! first follows the browser's (`navigator.language`).

mod pt_br;

/// A language the app speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    PtBr,
}

/// Where the choice is remembered.
pub const STORAGE_KEY: &str = "kafkascope.lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::PtBr];

    /// The BCP 47 tag (the page's `lang` attribute, the stored choice).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
        }
    }

    /// Its own name, as the Language control lists it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::PtBr => "Português (Brasil)",
        }
    }

    /// The language for a BCP 47 tag: Portuguese for any `pt`, English otherwise.
    pub fn from_code(code: &str) -> Lang {
        if code.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("pt")) {
            Lang::PtBr
        } else {
            Lang::En
        }
    }
}

/// `en` in `lang`.
pub fn tr(lang: Lang, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::PtBr => pt_br::lookup(en).unwrap_or(en),
    }
}

/// `en` in `lang` with `values` put in its `{}` in order.
pub fn trf(lang: Lang, en: &'static str, values: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::new();
    let mut values = values.iter();
    let mut parts = tr(lang, en).split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        if let Some(v) = values.next() {
            use std::fmt::Write;
            let _ = write!(out, "{v}");
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every string literal passed as the English of a `tr(` or `trf(` call under `dir`.
    fn keys_used(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("i18n") {
                // This module's own tests and scanner are not the app's words.
                continue;
            }
            if path.is_dir() {
                keys_used(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.extend(literals_after(&text, "tr("));
                out.extend(literals_after(&text, "trf("));
            }
        }
    }

    /// The second argument of each `call` (`tr(lang, "…")`) when it is a string literal.
    fn literals_after(text: &str, call: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (i, _) in text.match_indices(call) {
            let before = text[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[i + call.len()..];
            let Some(comma) = rest.find(',') else {
                continue;
            };
            let arg = rest[comma + 1..].trim_start();
            if let Some(body) = arg.strip_prefix('"') {
                let mut s = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                s.push(match n {
                                    'n' => '\n',
                                    other => other,
                                });
                            }
                        }
                        '"' => break,
                        _ => s.push(c),
                    }
                }
                found.push(s);
            }
        }
        found
    }

    #[test]
    fn every_string_the_app_shows_has_its_portuguese() {
        let mut used = BTreeSet::new();
        keys_used(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut used,
        );
        assert!(used.len() > 200, "the scan found {} strings", used.len());
        let missing: Vec<&String> = used.iter().filter(|k| pt_br::lookup(k).is_none()).collect();
        assert!(missing.is_empty(), "no pt-BR for: {missing:#?}");
        let unused: Vec<&str> = pt_br::PT_BR
            .iter()
            .map(|(en, _)| *en)
            .filter(|en| !used.contains(*en))
            .collect();
        assert!(unused.is_empty(), "pt-BR entries nothing uses: {unused:#?}");
    }

    #[test]
    fn the_table_is_sorted_and_keeps_every_placeholder() {
        assert!(
            pt_br::PT_BR.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted by English, no duplicate (lookup is a binary search)"
        );
        for (en, pt) in pt_br::PT_BR {
            assert_eq!(en.matches("{}").count(), pt.matches("{}").count(), "{en}");
            assert!(!pt.trim().is_empty(), "{en} has an empty translation");
        }
    }

    #[test]
    fn values_fill_the_placeholders_in_order() {
        assert_eq!(trf(Lang::En, "Kill broker {}", &[&2]), "Kill broker 2");
        assert_eq!(
            trf(Lang::PtBr, "Kill broker {}", &[&2]),
            "Derrubar broker 2"
        );
        assert_eq!(tr(Lang::PtBr, "Lessons"), "Lições");
        assert_eq!(Lang::from_code("pt-PT"), Lang::PtBr);
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code(""), Lang::En);
    }
}
