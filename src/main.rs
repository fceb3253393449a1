fn main() {
    yew::Renderer::<kafkascope::App>::new().render();
}
