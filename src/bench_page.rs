//! #/bench: the core's benchmarks, run in this browser.

use crate::browser;
use distviz_core::bench;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// The WebAssembly memory's size. It only grows, so what a run adds to it
/// is an upper bound on what the run holds.
fn memory_bytes() -> u64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| b.byte_length() as u64)
}

/// The reference histories a benchmark script put on the page
/// (`window.distvizHistories`: [path, text] pairs), if it did.
fn reference_histories() -> Option<Vec<(String, String)>> {
    let window = browser::window()?;
    let list = js_sys::Reflect::get(&window, &"distvizHistories".into()).ok()?;
    let list: &js_sys::Array = wasm_bindgen::JsCast::dyn_ref(&list)?;
    Some(
        list.iter()
            .filter_map(|pair| {
                let pair: &js_sys::Array = wasm_bindgen::JsCast::dyn_ref(&pair)?;
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect(),
    )
}

#[derive(Properties, PartialEq)]
pub struct BenchProps {
    /// Run only issue 7's snapshot figures.
    #[prop_or_default]
    pub snapshots: bool,
}

#[component]
pub fn BenchPage(props: &BenchProps) -> Html {
    let result = use_state(|| None::<String>);
    let snapshots = props.snapshots;
    {
        let result = result.clone();
        use_effect_with((), move |_| {
            // Let the "running" text paint first.
            let timeout = Timeout::new(50, move || {
                let clock = browser::now_ms;
                if snapshots {
                    // Issue 7: 10,000 entries on 9 servers, snapshots on
                    // (≤ 50 MB, seeks ≤ 50 ms).
                    let figures = bench::raft_entries(&clock, &memory_bytes, 9, 10_000, 1_000);
                    result.set(Some(
                        serde_json::to_string_pretty(&figures).unwrap_or_default(),
                    ));
                    return;
                }
                // First, while the memory is fresh: what a long run holds
                // (freed memory from earlier runs would be reused unseen).
                let memory = bench::memory(&clock, &memory_bytes, 9, 2 * 3_600_000);
                // A discarded warm-up: the first run pays for compiling the module.
                bench::engine(&clock, 5, 60_000);
                let figures = serde_json::json!({
                    "engine_5_nodes": bench::engine(&clock, 5, 600_000),
                    "engine_9_nodes": bench::engine(&clock, 9, 600_000),
                    "seek_10_minutes": bench::seek(&clock, 600_000, 200),
                    "memory_9_nodes_2_hours": memory,
                    // Issue 7's load run: its compute time (≤ 0.5 s) and
                    // seeks (≤ 50 ms). Its memory figure is not one: the
                    // run reuses what the 2-hour run freed.
                    "raft_5_servers_request_every_100ms_10_minutes":
                        bench::raft_load(&clock, &memory_bytes, 5, 100, 600_000),
                    "consistency": reference_histories()
                        .map(|files| bench::consistency(&clock, &files)),
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
                None => html! { <p>{"Running… (about half a minute)"}</p> },
            }}
        </main>
    }
}
