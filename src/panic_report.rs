//! If the app ever panics (a bug: user mistakes are `Err`s shown inline), say so on the page, not
//! only in the console: a banner with the message and what to do. Installed through Yew, which
//! otherwise replaces any panic hook with its own console-only one.

use std::panic::PanicHookInfo;

/// Installs the hook; call before rendering.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(report));
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
    if let (Ok(banner), Some(body)) = (document.create_element("div"), document.body()) {
        banner.set_class_name("panic-banner");
        let _ = banner.set_attribute("role", "alert");
        banner.set_text_content(Some(text));
        let _ = body.prepend_with_node_1(&banner);
    }
}
