//! #/bench: the core's benchmarks, run in this browser.

use crate::browser;
use distviz_core::bench;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

#[component]
pub fn BenchPage() -> Html {
    let result = use_state(|| None::<String>);
    {
        let result = result.clone();
        use_effect_with((), move |_| {
            // Let the "running" text paint first.
            let timeout = Timeout::new(50, move || {
                let clock = browser::now_ms;
                // A discarded warm-up: the first run pays for compiling the module.
                bench::engine(&clock, 5, 60_000);
                let figures = serde_json::json!({
                    "engine_5_nodes": bench::engine(&clock, 5, 600_000),
                    "engine_9_nodes": bench::engine(&clock, 9, 600_000),
                    "seek_10_minutes": bench::seek(&clock, 600_000, 200),
                });
                result.set(Some(
                    serde_json::to_string_pretty(&figures).unwrap_or_default(),
                ));
            });
            move || drop(timeout)
        });
    }
    html! {
        <main class="bench">
            <h1>{"Benchmarks in this browser"}</h1>
            {match &*result {
                Some(json) => html! { <pre data-testid="bench-result">{json}</pre> },
                None => html! { <p>{"Running… (a few seconds)"}</p> },
            }}
        </main>
    }
}
