//! distviz: an interactive browser lab for distributed systems.

mod app;
mod bench_page;
mod browser;
mod components;
mod controller;
mod guide;
mod hooks;
mod keys;
mod labs;
mod milestones;
mod panic;
mod route;

fn main() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
