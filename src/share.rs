//! Sharing a run: the link (`#run=` and the scenario file deflated and base64url'd by the
//! browser's own CompressionStream, which costs the bundle nothing) and the download of the
//! scenario file. The copy kept in localStorage for a reload is `saved_run.rs`'s.

use wasm_bindgen::prelude::*;

use crate::state::run::MAX_SCENARIO_BYTES;

/// The key of the saved run in localStorage.
pub const STORAGE_KEY: &str = "kafkascope.run";
/// The fragment that carries a shared run.
pub const LINK_PREFIX: &str = "#run=";

#[wasm_bindgen(inline_js = r#"
export async function pack(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
export async function unpack(code, limit) {
  if (!/^[A-Za-z0-9_-]*$/.test(code)) throw new Error('the link is damaged (characters that base64url does not use)');
  let bin;
  try { bin = atob(code.replace(/-/g, '+').replace(/_/g, '/')); } catch (e) { throw new Error('the link is damaged (not base64url)'); }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) { reader.cancel(); throw new Error(`the link unpacks to more than ${limit} bytes`); }
      parts.push(value);
    }
  } catch (e) {
    throw new Error(e.message.startsWith('the link') ? e.message : 'the link is damaged or cut short (it does not unpack)');
  }
  try { return new TextDecoder('utf-8', { fatal: true }).decode(await new Blob(parts).arrayBuffer()); }
  catch (e) { throw new Error('the link is damaged (not UTF-8 text)'); }
}
export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = pack)]
    async fn pack_js(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = unpack)]
    async fn unpack_js(code: &str, limit: f64) -> Result<JsValue, JsValue>;
    /// Saves `text` as a file called `name` (the browser's download).
    pub fn download(name: &str, text: &str);
}

fn message(e: JsValue) -> String {
    js_sys::Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "the browser could not do it".to_string())
}

/// The link to this page showing `scenario` (a scenario file's text).
pub async fn link(scenario: &str) -> Result<String, String> {
    let code = pack_js(scenario).await.map_err(message)?;
    let code = code.as_string().unwrap_or_default();
    let location = gloo::utils::window().location();
    let page = format!(
        "{}{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    Ok(format!("{page}{LINK_PREFIX}{code}"))
}

/// The scenario text a link's fragment carries (`#run=...`), if it carries one.
pub async fn from_fragment(fragment: &str) -> Option<Result<String, String>> {
    let code = fragment.strip_prefix(LINK_PREFIX)?;
    Some(
        unpack_js(code, MAX_SCENARIO_BYTES as f64)
            .await
            .map(|text| text.as_string().unwrap_or_default())
            .map_err(message),
    )
}

/// Puts `url` in the address bar without reloading (so a reload and a bookmark keep it).
pub fn show_in_address_bar(url: &str) {
    if let Ok(history) = gloo::utils::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Copies `text` to the clipboard when the page may (errors are ignored: the link is also
/// shown to copy by hand).
pub fn copy(text: &str) {
    let clipboard = gloo::utils::window().navigator().clipboard();
    let _ = clipboard.write_text(text);
}
