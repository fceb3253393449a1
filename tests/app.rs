//! Browser tests of the app: mount it in headless Chromium and look at the DOM it renders.
//! Run by `cargo xtask test` (wasm-bindgen-test-runner + chromedriver).
#![cfg(target_arch = "wasm32")]

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh App in its own element and lets Yew render.
async fn mount_app() -> web_sys::Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<kafkascope::App>::with_root(root.clone()).render();
    TimeoutFuture::new(0).await;
    root
}

#[wasm_bindgen_test]
async fn renders_the_header() {
    let root = mount_app().await;
    let brand = root
        .query_selector(".brand")
        .unwrap()
        .expect("a brand element");
    assert_eq!(brand.text_content().unwrap(), "KafkaScope");
}

#[wasm_bindgen_test]
async fn draws_one_svg_card_per_broker() {
    let root = mount_app().await;
    let cards = root.query_selector_all("svg.cluster g.broker").unwrap();
    assert_eq!(cards.length(), 3);
    let labels: Vec<String> = (0..cards.length())
        .map(|i| {
            let card: web_sys::Element =
                wasm_bindgen::JsCast::unchecked_into(cards.item(i).unwrap());
            card.query_selector(".broker-label")
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(labels, ["Broker 1", "Broker 2", "Broker 3"]);
}
