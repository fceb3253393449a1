//! If the app ever panics (a bug: user mistakes are `Err`s shown inline), say so on the page, not
//! only in the console: a banner with the message and what to do. Installed through Yew, which
//! otherwise replaces any panic hook with its own console-only one.
//!
//! The release bundle compiles panics to a bare trap (`cargo xtask dist`), which runs no hook:
//! there the trap, a `WebAssembly.RuntimeError` reaching the page uncaught, shows the banner.

use std::panic::PanicHookInfo;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;

/// Installs the hook and the trap listeners; call before rendering.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(report));
    let window = gloo::utils::window();
    // An event handler's trap is an `error` event; a future's, an `unhandledrejection`.
    for (event, field) in [("error", "error"), ("unhandledrejection", "reason")] {
        EventListener::new(&window, event, move |event| {
            let error = js_sys::Reflect::get(event, &field.into()).unwrap_or_default();
            if let Some(trap) = error.dyn_ref::<js_sys::WebAssembly::RuntimeError>() {
                show_banner(&format!(
                    "KafkaScope hit a bug and stopped ({}). Reload the page to start again, and \
                     please report what you did.",
                    String::from(trap.to_string())
                ));
            }
        })
        .forget();
    }
}

fn report(info: &PanicHookInfo<'_>) {
    // The console keeps the full message and the stack, as console_error_panic_hook would.
    console_error_panic_hook::hook(info);
    show_banner(&format!(
        "KafkaScope hit a bug and stopped: {info}. Reload the page to start again, and please \
         report what you did."
    ));
}

/// Puts `text` in an alert banner at the top of the page.
pub fn show_banner(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // A panic traps too: the hook's banner (with the message) is the one to keep.
    if document
        .query_selector(".panic-banner")
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    if let (Ok(banner), Some(body)) = (document.create_element("div"), document.body()) {
        banner.set_class_name("panic-banner");
        let _ = banner.set_attribute("role", "alert");
        banner.set_text_content(Some(text));
        let _ = body.prepend_with_node_1(&banner);
    }
}
