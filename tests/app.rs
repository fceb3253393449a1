//! Browser tests of the app: mount it in headless Chromium, click it as a user would, and read
//! what the DOM shows. Run by `cargo xtask test` (wasm-bindgen-test-runner + chromedriver).
#![cfg(target_arch = "wasm32")]

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh App in its own element and lets Yew render. The run an earlier test's app
/// saved is forgotten first, or the new app would resume it (as a reload does).
async fn mount_app() -> Element {
    gloo::utils::window()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<kafkascope::App>::with_root(root.clone()).render();
    TimeoutFuture::new(0).await;
    root
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

/// The button named `name` (not a tab of the same name).
fn button(root: &Element, name: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap().trim() == name && b.get_attribute("role").is_none())
        .unwrap_or_else(|| {
            let names: Vec<String> = all(root, "button")
                .iter()
                .map(|b| b.text_content().unwrap_or_default())
                .collect();
            panic!("no button named {name:?} among {names:?}")
        })
        .unchecked_into()
}

/// Clicks the diagram object named `name` (an SVG group acting as a button).
async fn click_object(root: &Element, name: &str) {
    let object = all(root, "[role=button]")
        .into_iter()
        .find(|o| o.get_attribute("aria-label").as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no object named {name:?}"));
    object
        .dispatch_event(&web_sys::MouseEvent::new("click").unwrap())
        .unwrap();
    TimeoutFuture::new(0).await;
}

/// Clicks the button named `name` once it is there (a card opened by the click before may
/// render a scheduler pass later).
async fn click(root: &Element, name: &str) {
    let shown = || {
        all(root, "button")
            .iter()
            .any(|b| b.text_content().unwrap().trim() == name && b.get_attribute("role").is_none())
    };
    let mut waited = 0;
    while !shown() && waited < 2_000 {
        TimeoutFuture::new(20).await;
        waited += 20;
    }
    button(root, name).click();
    TimeoutFuture::new(0).await;
}

async fn set_speed(root: &Element, speed: &str) {
    let select: HtmlSelectElement = root
        .query_selector("select[aria-label=Speed]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    select.set_value(speed);
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    TimeoutFuture::new(0).await;
}

/// Polls `check` every 20 ms of real time until it holds; fails after `timeout_ms`.
async fn wait_until(what: &str, timeout_ms: u32, check: impl Fn() -> bool) {
    let mut waited = 0;
    while !check() {
        assert!(waited < timeout_ms, "timed out waiting until {what}");
        TimeoutFuture::new(20).await;
        waited += 20;
    }
}

/// `(role, LEO, HW)` of `partition`'s replica on `broker`, as the diagram shows it.
fn replica(root: &Element, broker: u32, partition: &str) -> (String, u64, u64) {
    let row = root
        .query_selector(&format!(
            "g.broker[data-broker='{broker}'] g.replica[data-partition='{partition}']"
        ))
        .unwrap()
        .unwrap_or_else(|| panic!("broker {broker} shows no replica of {partition}"));
    let attr = |name: &str| row.get_attribute(name).unwrap();
    (
        attr("data-role"),
        attr("data-leo").parse().unwrap(),
        attr("data-hw").parse().unwrap(),
    )
}

/// The broker that leads `partition` in the cluster view.
fn leader_of(root: &Element, partition: &str) -> Option<u32> {
    all(
        root,
        &format!("g.replica[data-partition='{partition}'][data-role='leader']"),
    )
    .first()
    .and_then(|row| row.closest("g.broker").unwrap())
    .map(|b| b.get_attribute("data-broker").unwrap().parse().unwrap())
}

/// Each partition's LEO of `orders` on its leader, as the cluster view draws it.
fn leos(root: &Element) -> Vec<u64> {
    (0..6)
        .map(|p| {
            let part = format!("orders-{p}");
            let leader = leader_of(root, &part).expect("every partition has a leader");
            replica(root, leader, &part).1
        })
        .collect()
}

fn broker_state(root: &Element, broker: u32) -> String {
    root.query_selector(&format!("g.broker[data-broker='{broker}'] .broker-state"))
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn renders_the_header_and_three_brokers() {
    let root = mount_app().await;
    let brand = root
        .query_selector(".brand")
        .unwrap()
        .expect("a brand element");
    assert_eq!(brand.text_content().unwrap(), "KafkaScope");
    let partitions = all(&root, "svg.diagram g.partition").len();
    assert_eq!(
        partitions, 6,
        "the topic view opens with orders' six partitions"
    );
    click(&root, "Cluster view").await;
    let names: Vec<String> = all(&root, "svg.diagram g.broker-head")
        .iter()
        .map(|b| b.get_attribute("aria-label").unwrap())
        .collect();
    assert_eq!(names, ["Broker 1", "Broker 2", "Broker 3"]);
}

#[wasm_bindgen_test]
async fn produce_appends_one_record_to_the_partition_of_its_key() {
    let root = mount_app().await;
    click(&root, "Cluster view").await;
    click(&root, "Stop producer").await;
    set_speed(&root, "20").await;
    // murmur2("customer-1") picks the partition; find it as the one whose LEO grows.
    // Let the records the producer sent before it stopped land: wait until the logs stand still.
    let mut before = leos(&root);
    loop {
        TimeoutFuture::new(300).await; // 6 s simulated at 20x
        let now = leos(&root);
        if now == before {
            break;
        }
        before = now;
    }
    let key: web_sys::HtmlInputElement = root
        .query_selector("input[name=key]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    key.set_value("customer-1");
    // As typing does: the form's state follows the input event.
    key.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    TimeoutFuture::new(0).await;
    click(&root, "Produce").await;
    wait_until("the record is appended", 5_000, || leos(&root) != before).await;
    let after = leos(&root);
    let grown: Vec<usize> = (0..6).filter(|&p| after[p] != before[p]).collect();
    assert_eq!(
        grown.len(),
        1,
        "exactly one partition grew: {before:?} -> {after:?}"
    );
    let p = grown[0];
    assert_eq!(after[p], before[p] + 1, "by exactly one record");
    // The keyed partition is Kafka's: toPositive(murmur2("customer-1")) % 6.
    let expected = kafka_sim::murmur2::partition_for_key(b"customer-1", 6);
    assert_eq!(p as u32, expected);
}

#[wasm_bindgen_test]
async fn killing_a_leader_moves_leadership_and_restart_rejoins_the_isr() {
    let root = mount_app().await;
    click(&root, "Cluster view").await;
    set_speed(&root, "100").await;
    wait_until("orders-0 has a leader", 5_000, || {
        leader_of(&root, "orders-0").is_some()
    })
    .await;
    let victim = leader_of(&root, "orders-0").unwrap();

    // Select the broker in the diagram: its card opens beside it; kill it there.
    click_object(&root, &format!("Broker {victim}")).await;
    click(&root, &format!("Kill broker {victim}")).await;
    assert!(
        broker_state(&root, victim).contains("dead"),
        "the broker is shown dead at once"
    );

    // The controller notices after broker.session.timeout.ms (9 s simulated) and elects another.
    wait_until("orders-0 has a new leader", 10_000, || {
        leader_of(&root, "orders-0").is_some_and(|l| l != victim)
    })
    .await;
    let (role, ..) = replica(&root, victim, "orders-0");
    assert_eq!(role, "offline");

    click(&root, &format!("Restart broker {victim}")).await;
    wait_until("the restarted broker is back in the ISR", 10_000, || {
        replica(&root, victim, "orders-0").0 == "in-sync"
    })
    .await;
    assert!(broker_state(&root, victim).contains("alive"));
}

#[wasm_bindgen_test]
async fn a_panic_report_is_a_visible_alert_at_the_top_of_the_page() {
    kafkascope::panic_report::show_banner("KafkaScope hit a bug and stopped: test");
    let body = gloo::utils::document().body().unwrap();
    let first = body.first_element_child().unwrap();
    assert_eq!(first.class_name(), "panic-banner");
    assert_eq!(first.get_attribute("role").as_deref(), Some("alert"));
    assert!(first.text_content().unwrap().contains("hit a bug"));
    first.remove();
}
