//! distviz: an interactive browser lab for distributed systems.

mod app;
mod bench_page;
mod browser;
mod components;
mod controller;
mod embed;
mod guide;
mod hooks;
mod keys;
mod labs;
mod panic;
mod route;
#[cfg(test)]
mod route_fuzz;

fn main() {
    panic::install();
    embed::listen();
    yew::Renderer::<app::App>::new().render();
}
