//! The lessons' files, fetched the first time the Lessons panel opens (so their texts cost the
//! bundle nothing): `lessons/index.json` lists the lesson files in order, and each lesson names
//! its starting scenario, a `kafka-sim run` scenario file beside it.
//! Trunk copies the repository's `lessons/` folder into `dist/`.

use wasm_bindgen::prelude::*;

use crate::state::lessons::LoadedLesson;

#[wasm_bindgen(inline_js = r#"
export async function fetchText(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.text();
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetchText)]
    async fn fetch_text_js(url: &str) -> Result<JsValue, JsValue>;
}

/// Where the lessons are, relative to the page.
const DIR: &str = "lessons/";

async fn fetch_text(name: &str) -> Result<String, String> {
    let url = format!("{DIR}{name}");
    match fetch_text_js(&url).await {
        Ok(v) => v.as_string().ok_or_else(|| format!("{url}: not text")),
        Err(e) => Err(js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{url}: the browser could not fetch it"))),
    }
}

/// Every lesson with its scenario's text, in the index's order.
pub async fn load() -> Result<Vec<LoadedLesson>, String> {
    let index = fetch_text("index.json").await?;
    let mut out = Vec::new();
    for file in crate::state::lessons::parse_index(&index)? {
        let text = fetch_text(&file).await?;
        let lesson =
            crate::state::lessons::parse_lesson(&text).map_err(|e| format!("{file}: {e}"))?;
        let scenario = fetch_text(&lesson.scenario).await?;
        out.push(LoadedLesson { lesson, scenario });
    }
    Ok(out)
}
