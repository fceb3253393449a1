fn main() {
    kafkascope::panic_report::install();
    yew::Renderer::<kafkascope::App>::new().render();
}
